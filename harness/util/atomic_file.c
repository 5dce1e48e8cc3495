/*
 * Files written whole or not at all (see atomic_file.h).
 */
#include "harness/util/atomic_file.h"
#include "harness/util/temp_files.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int atomic_file__commit(FILE *f, const char *tmp, const char *path)
{
	int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;

	if (fclose(f) || bad || rename(tmp, path)) {
		unlink(tmp);
		temp_files__forget(tmp);
		return -1;
	}
	temp_files__forget(tmp);
	return 0;
}

FILE *atomic_file__open(const char *path, char *tmp, size_t tmp_len)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	FILE *f;

	/* what a killed writer of this file (or of a sibling) left behind */
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	temp_files__sweep_stale(dir[0] ? dir : "/", NULL, 0);
	snprintf(tmp, tmp_len, "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (f && temp_files__add(tmp)) {
		/* no room to remove it on a signal: it is still removed by the next writer */
	}
	return f;
}

int atomic_file__write(const char *path, const char *text)
{
	char tmp[4200];
	FILE *f = atomic_file__open(path, tmp, sizeof(tmp));

	if (!f)
		return -1;
	if (fputs(text, f) == EOF) {
		fclose(f);
		unlink(tmp);
		temp_files__forget(tmp);
		return -1;
	}
	return atomic_file__commit(f, tmp, path);
}

int atomic_file__copy(const char *from, const char *to)
{
	char tmp[4200], buf[65536];
	FILE *in = fopen(from, "rb"), *out;
	size_t n;

	if (!in)
		return -1;
	out = atomic_file__open(to, tmp, sizeof(tmp));
	if (!out) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (fwrite(buf, 1, n, out) != n) {
			fclose(in);
			fclose(out);
			unlink(tmp);
			temp_files__forget(tmp);
			return -1;
		}
	}
	fclose(in);
	return atomic_file__commit(out, tmp, to);
}
