/*
 * Helpers for tests that use build outputs (see test_helpers.h).
 */
#include "test_helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static pid_t start_va(const char *log_path, va_list ap)
{
	const char *argv[64];
	int argc = 0;
	pid_t pid;

	argv[argc++] = th_build_path("scxlab");
	for (const char *a; argc < 63 && (a = va_arg(ap, const char *));)
		argv[argc++] = a;
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0); /* a group of its own, as a shell's job: the test can signal it as a terminal does */
		if (log_path) {
			int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int th_scxlab(const char *log_path, ...)
{
	int status;
	va_list ap;
	pid_t pid;

	va_start(ap, log_path);
	pid = start_va(log_path, ap);
	va_end(ap);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

const char *th_write_tmp(const char *name, const char *text)
{
	return th_write_file(name, text, strlen(text));
}

int th_scxlab_start(const char *log_path, ...)
{
	va_list ap;
	pid_t pid;

	va_start(ap, log_path);
	pid = start_va(log_path, ap);
	va_end(ap);
	return pid;
}

int th_wait_for_file(const char *path, double seconds)
{
	for (int i = 0; i < (int)(seconds * 100); i++) {
		if (!access(path, F_OK))
			return 0;
		usleep(10000);
	}
	return access(path, F_OK) ? -1 : 0;
}

int th_procs_with(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[300], cmd[8192];
		struct stat st;
		size_t len;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if (stat(path, &st) || st.st_uid != getuid() || !(f = fopen(path, "r")))
			continue;
		len = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		cmd[len] = 0;
		if (len && strstr(cmd, needle))
			n++;
	}
	closedir(d);
	return n;
}

int th_wait_procs_gone(const char *needle, double seconds)
{
	int n = th_procs_with(needle);

	for (int i = 0; n && i < (int)(seconds * 20); i++) {
		usleep(50000);
		n = th_procs_with(needle);
	}
	return n;
}

const char *th_write_file(const char *name, const void *text, size_t len)
{
	static char path[8][700];
	static int next;
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s", th_tmpdir(), name);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f, "%s", p);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	return p;
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
