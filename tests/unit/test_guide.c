/*
 * docs/guide.md cannot rot: its `sh` blocks, joined in order into one script, run in a fresh
 * home directory from the source root, exactly as a reader would paste them (including the
 * real-kernel step in the sched_ext guest), and every command must succeed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_helpers.h"

/* The guide's ```sh blocks, in order, into @script. Returns how many blocks. */
static int extract(const char *guide, const char *script)
{
	FILE *in = fopen(guide, "r"), *out = fopen(script, "w");
	char line[4096];
	bool in_block = false;
	int blocks = 0;

	cr_assert(in && out, "%s / %s", guide, script);
	fprintf(out, "set -euo pipefail\n");
	while (fgets(line, sizeof(line), in)) {
		if (!in_block && !strcmp(line, "```sh\n")) {
			in_block = true;
			blocks++;
			fprintf(out, "echo '--- guide block %d'\n", blocks);
		} else if (in_block && !strcmp(line, "```\n")) {
			in_block = false;
		} else if (in_block) {
			fputs(line, out);
		}
	}
	fclose(in);
	fclose(out);
	return blocks;
}

Test(guide, every_command_of_the_guide_runs, .timeout = 1200)
{
	char guide[4200], script[700], log[700], cmd[8192];
	const char *cache = getenv("SCXLAB_CACHE");

	snprintf(guide, sizeof(guide), "%s/docs/guide.md", getenv("SCXLAB_SRC"));
	snprintf(script, sizeof(script), "%s/guide.sh", th_tmpdir());
	snprintf(log, sizeof(log), "%s/guide.log", th_tmpdir());
	int blocks = extract(guide, script);
	cr_assert_geq(blocks, 8, "the guide's steps (%d sh blocks)", blocks);
	/* the reader's own home (the guide works under ~), the machine's cache (the kernel fetched once) */
	char default_cache[4200];
	snprintf(default_cache, sizeof(default_cache), "%s/.cache/scxlab", getenv("HOME"));
	snprintf(cmd, sizeof(cmd), "cd '%s' && SCXLAB_CACHE='%s' HOME='%s' bash '%s' > '%s' 2>&1", getenv("SCXLAB_SRC"),
		 cache && *cache ? cache : default_cache, th_tmpdir(), script, log);
	int rc = system(cmd);
	char *text = th_read_file(log, NULL);
	size_t n = text ? strlen(text) : 0;
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "the guide failed; the end of its output:\n%s",
		  text ? text + (n > 4000 ? n - 4000 : 0) : "(none)");
	char last[64];
	snprintf(last, sizeof(last), "--- guide block %d", blocks);
	cr_assert_not_null(strstr(text, last), "every block ran");
	free(text);
}
