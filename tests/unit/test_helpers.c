/*
 * Helpers for tests that use build outputs (see test_helpers.h).
 */
#include "test_helpers.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *th_build_path(const char *rel)
{
	static char buf[8][4096];
	static int next;
	const char *b = getenv("SCXLAB_BUILD");
	char *out = buf[next++ % 8];

	cr_assert(b && *b, "SCXLAB_BUILD is not set: run the tests with `make test`");
	snprintf(out, 4096, "%s/%s", b, rel);
	return out;
}

static char tmp_dir[256];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tmpdir(void)
{
	if (tmp_dir[0])
		nftw(tmp_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *th_tmpdir(void)
{
	if (!tmp_dir[0]) {
		snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/scxlab-test-XXXXXX");
		cr_assert_not_null(mkdtemp(tmp_dir));
		atexit(remove_tmpdir); /* each test runs in its own process */
	}
	return tmp_dir;
}

int th_scxlab(const char *log_path, ...)
{
	const char *argv[64];
	int argc = 0, status;
	va_list ap;
	pid_t pid;

	argv[argc++] = th_build_path("scxlab");
	va_start(ap, log_path);
	for (const char *a; argc < 63 && (a = va_arg(ap, const char *));)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (log_path) {
			int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

const char *th_write_tmp(const char *name, const char *text)
{
	static char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", th_tmpdir(), name);
	f = fopen(path, "w");
	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
	return path;
}

char *th_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

const char *th_src_path(const char *rel)
{
	static char buf[4][4200];
	static int next;
	const char *src = getenv("SCXLAB_SRC");
	char *out = buf[next++ % 4];

	cr_assert(src && *src, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(out, 4200, "%s/%s", src, rel);
	return out;
}

int th_line_of(const char *file, const char *needle)
{
	char *text = th_read_file(file, NULL);
	int line = 1;

	cr_assert_not_null(text, "cannot read %s", file);
	const char *at = strstr(text, needle);
	cr_assert_not_null(at, "%s holds no '%s'", file, needle);
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	free(text);
	return line;
}
