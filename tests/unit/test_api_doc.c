/*
 * docs/api.md is what scripts/gen-api.py makes of the shim and the runtime's tables today, and
 * what it lists as provided is really there: every kfunc and helper it names resolves in the
 * libscxsim this suite runs against, and every one it lists as not provided does not.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_helpers.h"

Test(api_doc, the_committed_docs_api_md_is_what_the_generator_makes)
{
	char cmd[8192], out[700];

	snprintf(out, sizeof(out), "%s/api.md", th_tmpdir());
	snprintf(cmd, sizeof(cmd), "python3 '%s' > '%s'", th_src_path("scripts/gen-api.py"), out);
	int rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "gen-api.py failed: %d", rc);
	char *made = th_read_file(out, NULL), *committed = th_read_file(th_src_path("docs/api.md"), NULL);
	cr_assert(made && committed);
	cr_assert_str_eq(committed, made, "docs/api.md is stale: run python3 scripts/gen-api.py > docs/api.md");
	free(made);
	free(committed);
}

/* The names in the first column of the tables of section @title (up to the next "## "). */
static int names_of_section(const char *doc, const char *title, char names[][64], int max)
{
	const char *s = strstr(doc, title), *end;
	int n = 0;

	cr_assert_not_null(s, "docs/api.md has no section \"%s\"", title);
	end = strstr(s + 1, "\n## ");
	for (const char *l = strstr(s, "\n| `"); l && (!end || l < end) && n < max; l = strstr(l + 1, "\n| `")) {
		const char *a = l + 4, *b = strchr(a, '`');
		cr_assert(b && b - a < 64);
		memcpy(names[n], a, b - a);
		names[n++][b - a] = 0;
	}
	return n;
}

Test(api_doc, what_it_lists_as_provided_is_exported_and_the_rest_is_not)
{
	static char names[256][64];
	static const char *const provided[] = { "## sched_ext kfuncs", "## Other kfuncs", "## BPF helpers" };
	char *doc = th_read_file(th_src_path("docs/api.md"), NULL);
	int total = 0;

	cr_assert_not_null(doc);
	for (size_t s = 0; s < sizeof(provided) / sizeof(provided[0]); s++) {
		int n = names_of_section(doc, provided[s], names, 256);
		cr_assert_gt(n, 10, "%s: %d names", provided[s], n);
		for (int i = 0; i < n; i++)
			cr_expect_not_null(dlsym(RTLD_DEFAULT, names[i]), "%s: %s is not in libscxsim", provided[s],
					   names[i]);
		total += n;
	}
	int n = names_of_section(doc, "## Kernel kfuncs the simulator does not provide", names, 256);
	for (int i = 0; i < n; i++)
		cr_expect_null(dlsym(RTLD_DEFAULT, names[i]), "%s is listed as not provided but libscxsim has it",
			       names[i]);
	cr_assert_gt(total, 150, "%d functions listed", total);
	free(doc);
}
