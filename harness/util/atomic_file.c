/*
 * Files written whole or not at all (see atomic_file.h).
 */
#include "harness/util/atomic_file.h"
#include "harness/util/temp_files.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int atomic_file__commit(FILE *f, const char *tmp, const char *path)
{
	/* a write that failed on the way (a full disk) leaves its mark in ferror */
	int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0, why = bad ? errno : 0;

	if (fclose(f) && !bad) {
		bad = 1;
		why = errno;
	}
	if (!bad && rename(tmp, path)) {
		bad = 1;
		why = errno;
	}
	if (bad) {
		unlink(tmp);
		temp_files__forget(tmp);
		errno = why ? why : EIO;
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
	if (snprintf(tmp, tmp_len, "%s.tmp.%d", path, (int)getpid()) >= (int)tmp_len) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	f = fopen(tmp, "w");
	if (f && temp_files__add(tmp)) {
		/* no room to remove it on a signal: it is still removed by the next writer */
	}
	return f;
}

void atomic_file__abort(FILE *f, const char *tmp)
{
	int why = errno;

	fclose(f);
	unlink(tmp);
	temp_files__forget(tmp);
	errno = why;
}

int atomic_file__write(const char *path, const char *text)
{
	char tmp[PATH_MAX + 32];
	FILE *f = atomic_file__open(path, tmp, sizeof(tmp));

	if (!f)
		return -1;
	fputs(text, f);
	return atomic_file__commit(f, tmp, path);
}

int atomic_file__copy(const char *from, const char *to)
{
	char tmp[PATH_MAX + 32], buf[65536];
	FILE *in = fopen(from, "rb"), *out;
	size_t n;

	if (!in)
		return -1;
	out = atomic_file__open(to, tmp, sizeof(tmp));
	if (!out) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0 && fwrite(buf, 1, n, out) == n)
		;
	/* half a copy is never renamed over @to */
	if (ferror(in)) {
		atomic_file__abort(out, tmp);
		fclose(in);
		return -1;
	}
	fclose(in);
	return atomic_file__commit(out, tmp, to);
}

int atomic_file__write_with(const char *path, atomic_file_writer *write, const void *ctx, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 32];
	FILE *f = atomic_file__open(path, tmp, sizeof(tmp));

	if (f) {
		write(f, ctx);
		if (!atomic_file__commit(f, tmp, path))
			return 0;
	}
	snprintf(err, errlen, "%s: cannot write it (%s)", path, strerror(errno));
	return -1;
}
