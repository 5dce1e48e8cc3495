/*
 * Result files are written whole or not at all (harness/util/atomic_file.h): a table that
 * cannot be written into its directory, or whose write fails half-way (a full disk, here the
 * file size limit), leaves the file that was there as it was and no temporary file beside it,
 * and the error names the file.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/report/report_tables.h"
#include "harness/results/summary_csv.h"
#include "test_helpers.h"

/* A summary of one group with a few metrics: its tables run to a few kilobytes. */
static struct summary one_group(void)
{
	struct summary s = { 0 };

	s.groups = calloc(1, sizeof(*s.groups));
	cr_assert_not_null(s.groups);
	s.nr_groups = s.cap = 1;
	snprintf(s.groups[0].target, sizeof(s.groups[0].target), "sim");
	snprintf(s.groups[0].policy, sizeof(s.groups[0].policy), "scxl_vtime");
	snprintf(s.groups[0].job, sizeof(s.groups[0].job), "smoke-3s");
	s.groups[0].runs = 1;
	group__add_value(&s.groups[0], "wakeup_p50_ns", 1500);
	group__add_value(&s.groups[0], "wakeup_p99_ns", 9000);
	group__add_value(&s.groups[0], "ops_per_s.cpu", 950);
	summary__finish(&s);
	return s;
}

static const char *const tables[] = { "table.txt", "table.md", "summary.csv", "runs.csv" };

/* @dir with each table holding "old NAME\n". */
static void old_tables(const char *dir)
{
	cr_assert_eq(mkdir(dir, 0755), 0, "%s", dir);
	for (size_t i = 0; i < 4; i++) {
		char path[800];
		snprintf(path, sizeof(path), "%s/%s", dir, tables[i]);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f, "%s", path);
		fprintf(f, "old %s\n", tables[i]);
		cr_assert_eq(fclose(f), 0);
	}
}

/* Every table of @dir still holds its old text, and nothing else is there. */
static void assert_old_tables(const char *dir)
{
	int files = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	for (size_t i = 0; i < 4; i++) {
		char path[800], want[64];
		snprintf(path, sizeof(path), "%s/%s", dir, tables[i]);
		snprintf(want, sizeof(want), "old %s\n", tables[i]);
		char *text = th_read_file(path, NULL);
		cr_assert_not_null(text, "%s is gone", path);
		cr_assert_str_eq(text, want, "%s was overwritten", path);
		free(text);
	}
	cr_assert_not_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			files++;
	closedir(d);
	cr_assert_eq(files, 4, "a temporary file was left in %s", dir);
}

/* Write the text and the CSV tables into @dir; both must fail naming their first file. */
static void write_tables_and_fail(const char *dir, char *errs, size_t len)
{
	struct summary s = one_group();
	char err[1024];

	cr_assert_eq(report_tables__write(&s, dir, err, sizeof(err)), -1, "the tables were written");
	snprintf(errs, len, "%s\n", err);
	cr_assert_eq(summary_csv__write(&s, dir, err, sizeof(err)), -1, "the CSV tables were written");
	snprintf(errs + strlen(errs), len - strlen(errs), "%s\n", err);
	free(s.groups);
}

Test(atomic_file, a_write_into_an_unwritable_directory_keeps_the_old_files_and_names_the_path)
{
	char dir[700], errs[2100] = "", want[800];
	int fds[2];

	snprintf(dir, sizeof(dir), "%s/ro", th_tmpdir());
	old_tables(dir);
	cr_assert_eq(chmod(th_tmpdir(), 0755), 0);
	cr_assert_eq(chmod(dir, 0555), 0);
	cr_assert_eq(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		/* root writes anywhere: the writer runs as nobody, for whom the directory is read-only */
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(2);
		write_tables_and_fail(dir, errs, sizeof(errs));
		_exit(write(fds[1], errs, strlen(errs)) < 0 ? 3 : 0);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], errs, sizeof(errs) - 1);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	close(fds[0]);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the writer ended with status %d", status);
	cr_assert_gt(n, 0);
	errs[n] = 0;
	chmod(dir, 0755);
	snprintf(want, sizeof(want), "%s/table.txt: cannot write it (Permission denied)\n", dir);
	cr_assert_not_null(strstr(errs, want), "errors: %s", errs);
	snprintf(want, sizeof(want), "%s/summary.csv: cannot write it (Permission denied)\n", dir);
	cr_assert_not_null(strstr(errs, want), "errors: %s", errs);
	assert_old_tables(dir);
}

Test(atomic_file, a_write_that_fails_half_way_keeps_the_old_files)
{
	char dir[700], errs[2100] = "";
	struct rlimit small = { 64, 64 };

	snprintf(dir, sizeof(dir), "%s/full", th_tmpdir());
	old_tables(dir);
	/* files may not grow past 64 bytes (EFBIG, as a full disk's ENOSPC): each table is longer */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	write_tables_and_fail(dir, errs, sizeof(errs));
	cr_assert_not_null(strstr(errs, "/full/table.txt: cannot write it (File too large)"), "errors: %s", errs);
	cr_assert_not_null(strstr(errs, "/full/summary.csv: cannot write it (File too large)"), "errors: %s", errs);
	assert_old_tables(dir);
}
