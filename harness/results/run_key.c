/*
 * Keys of kept runs (see run_key.h).
 */
#include "harness/results/run_key.h"
#include "harness/util/atomic_file.h"
#include "harness/results/run_result.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void run_key__of(const struct argv_buf *a, char out[17])
{
	uint64_t h = HASH_INIT;
	struct stat st;

	for (int i = 1; i < a->argc; i++) {
		if (!strcmp(a->argv[i], "--out")) {   /* where, not what */
			i++;
			continue;
		}
		h = hash__bytes(h, a->argv[i], strlen(a->argv[i]) + 1);
		if (!stat(a->argv[i], &st) && S_ISREG(st.st_mode)) {
			char fh[17];
			run_result__hash_file(a->argv[i], fh);
			h = hash__bytes(h, fh, sizeof(fh));
		}
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void key_path(const char *dir, char *path, size_t len)
{
	snprintf(path, len, "%.4000s/inputs.key", dir);
}

bool run_key__kept(const char *dir, const char *key)
{
	char path[4100];

	snprintf(path, sizeof(path), "%.4000s/result.json", dir);
	return !access(path, R_OK) && run_key__matches(dir, key);
}

bool run_key__matches(const char *dir, const char *key)
{
	char path[4100], have[32] = "";
	FILE *f;

	key_path(dir, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(have, sizeof(have), f))
		have[0] = 0;
	fclose(f);
	have[strcspn(have, "\n")] = 0;
	return !strcmp(have, key);
}

int run_key__record(const char *dir, const char *key)
{
	char path[4100], line[32];

	key_path(dir, path, sizeof(path));
	snprintf(line, sizeof(line), "%s\n", key);
	return atomic_file__write(path, line);
}

void run_key__forget(const char *dir)
{
	char path[4100];

	key_path(dir, path, sizeof(path));
	unlink(path);
}
