/*
 * Fetching real kernels robustly (scripts/fetch-kernel.sh through scripts/lib/private-apt.sh)
 * against a small signed archive made by tests/kernels/fake-archive.sh, and `scxlab cache`
 * on a cache laid out as fetch-kernel.sh leaves it, bad options, and reading a verifier log
 * into a verify table cell. No network and no VM.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/real/verify_matrix.h"
#include "test_helpers.h"

static const char *src(void)
{
	const char *s = getenv("SCXLAB_SRC");
	cr_assert(s && *s, "SCXLAB_SRC is not set: run the tests with `make test`");
	return s;
}

/* Make the archive under DIR (its URI file://DIR/archive) and point the fetch script at it. */
static void fake_archive(const char *dir, const char *flag)
{
	char cmd[8192], uri[4200], keyring[4200], cache[4200];

	snprintf(cmd, sizeof(cmd), "bash %s/tests/kernels/fake-archive.sh %s %s", src(), dir, flag);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(uri, sizeof(uri), "file://%s/archive", dir);
	snprintf(keyring, sizeof(keyring), "%s/keyring.gpg", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	setenv("SCXLAB_ARCHIVE_URI", uri, 1);
	setenv("SCXLAB_ARCHIVE_KEYRING", keyring, 1);
	setenv("SCXLAB_CACHE", cache, 1);
	setenv("SCXLAB_KERNEL_SUITES", "trixie-backports", 1);
}

/* fetch-kernel.sh ARGS with stdout and stderr into DIR/out and DIR/err; its exit status. */
static int fetch(const char *dir, const char *args)
{
	char cmd[8192];
	int rc;

	snprintf(cmd, sizeof(cmd), "bash %s/scripts/fetch-kernel.sh %s >%s/out 2>%s/err", src(), args, dir, dir);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *read_in(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = th_read_file(path, NULL);
	cr_assert_not_null(text, "%s", path);
	return text;
}

static int count(const char *text, const char *what)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

Test(kernels, an_expired_release_file_is_used_with_one_warning, .timeout = 60)
{
	const char *dir = th_tmpdir();

	fake_archive(dir, "");
	cr_assert_eq(fetch(dir, "--list"), 0, "%s", read_in(dir, "err"));
	char *out = read_in(dir, "out"), *err = read_in(dir, "err");
	/* the series the archive has, newest package of each, and the suite it came from */
	cr_assert_not_null(strstr(out, "7.2 linux-binary-7.2.12+deb13-cloud-amd64 trixie-backports\n"), "%s", out);
	cr_assert_not_null(strstr(out, "7.3 linux-binary-7.3.4+deb13-cloud-amd64 trixie-backports\n"), "%s", out);
	/* one line, naming the suite; the signature is still checked */
	cr_assert_eq(count(err, "warning:"), 1, "%s", err);
	cr_assert_not_null(strstr(err, "warning: the archive's Release file for trixie-backports is expired ("), "%s", err);
	cr_assert_not_null(strstr(err, "its signature is still checked"), "%s", err);
	free(out);
	free(err);
}

Test(kernels, a_bad_signature_is_still_refused_with_the_suite_named, .timeout = 60)
{
	const char *dir = th_tmpdir();

	fake_archive(dir, "--unsigned-by-keyring");
	cr_assert_eq(fetch(dir, "7.3"), 1);
	char *err = read_in(dir, "err");
	cr_assert_not_null(strstr(err, "cannot read suite trixie-backports of file://"), "%s", err);
	cr_assert_not_null(strstr(err, "is not signed"), "%s", err);
	/* the last line says what was wanted, where, and what to do */
	cr_assert_not_null(strstr(err, "fetch-kernel.sh: no 7.3 cloud kernel (linux-binary-7.3.*-cloud-amd64): "
				   "could not read trixie-backports of file://"), "%s", err);
	cr_assert_not_null(strstr(err, "set SCXLAB_ARCHIVE_URI"), "%s", err);
	cr_assert_null(strstr(err, "warning:"), "%s", err);
	free(err);
}

Test(kernels, a_series_the_archive_lacks_is_one_clear_error, .timeout = 60)
{
	const char *dir = th_tmpdir();

	fake_archive(dir, "");
	cr_assert_eq(fetch(dir, "6.1"), 1);
	char *err = read_in(dir, "err");
	cr_assert_not_null(strstr(err, "fetch-kernel.sh: no 6.1 cloud kernel (linux-binary-6.1.*-cloud-amd64) in "
				   "trixie-backports of file://"), "%s", err);
	cr_assert_not_null(strstr(err, "--list"), "%s", err);
	cr_assert_eq(fetch(dir, "latest"), 1);
	free(err);
	err = read_in(dir, "err");
	cr_assert_not_null(strstr(err, "'latest': expected a series such as 7.3"), "%s", err);
	free(err);
}

/* A kernel directory as fetch-kernel.sh leaves it (a small stand-in image). */
static void fake_kernel(const char *kdir, const char *release, const char *sched_ext)
{
	char path[4400];
	FILE *f;
	static const char *const files[] = { "vmlinuz", "vmlinux.h", "package", "suite", "sched_ext" };

	snprintf(path, sizeof(path), "%s/%s", kdir, release);
	cr_assert_eq(mkdir(path, 0755), 0, "%s", path);
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", kdir, release, files[i]);
		f = fopen(path, "w");
		cr_assert_not_null(f);
		fprintf(f, "%s\n", i == 4 ? sched_ext : i == 3 ? "trixie-backports" : i == 2 ? release : "x");
		fclose(f);
	}
}

static void link_to(const char *kdir, const char *target, const char *name)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s", kdir, name);
	cr_assert_eq(symlink(target, path), 0, "%s", path);
}

Test(kernels, cache_lists_kernels_and_prunes_what_can_be_fetched_again)
{
	char cache[4200], kdir[4300], log[4300], path[4400];
	struct stat st;

	snprintf(cache, sizeof(cache), "%s/cache", th_tmpdir());
	snprintf(kdir, sizeof(kdir), "%s/kernel", cache);
	cr_assert_eq(mkdir(cache, 0755), 0);
	cr_assert_eq(mkdir(kdir, 0755), 0);
	fake_kernel(kdir, "7.3.4+deb13-cloud-amd64", "yes");
	fake_kernel(kdir, "7.0.13+deb13-cloud-amd64", "yes");
	fake_kernel(kdir, "7.0.12+deb13-cloud-amd64", "yes"); /* left behind by a newer fetch */
	fake_kernel(kdir, "6.12.117+deb13-cloud-amd64", "no");
	link_to(kdir, "7.3.4+deb13-cloud-amd64", "7.3");
	link_to(kdir, "7.3.4+deb13-cloud-amd64", "current");
	link_to(kdir, "7.0.13+deb13-cloud-amd64", "7.0");
	link_to(kdir, "6.12.117+deb13-cloud-amd64", "6.12");
	snprintf(path, sizeof(path), "%s/apt", kdir);
	cr_assert_eq(mkdir(path, 0755), 0);
	setenv("SCXLAB_CACHE", cache, 1);
	snprintf(log, sizeof(log), "%s/cache.log", th_tmpdir());

	cr_assert_eq(th_scxlab(log, "cache", NULL), 0);
	char *out = th_read_file(log, NULL);
	cr_assert_not_null(strstr(out, "6.12.117+deb13-cloud-amd64   no        trixie-backports"), "%s", out);
	cr_assert(strstr(out, "7.3, current") || strstr(out, "current, 7.3"), "%s", out);
	cr_assert_not_null(strstr(out, "(unlinked)"), "%s", out);
	free(out);

	/* the current kernel stays; an unknown one is named */
	cr_assert_eq(th_scxlab(log, "cache", "prune", "--kernel", "7.3", NULL), 2);
	out = th_read_file(log, NULL);
	cr_assert_not_null(strstr(out, "--kernel 7.3: 7.3.4+deb13-cloud-amd64 is the current (default) kernel"), "%s", out);
	free(out);
	cr_assert_eq(th_scxlab(log, "cache", "prune", "--kernel", "5.4", NULL), 2);
	out = th_read_file(log, NULL);
	cr_assert_not_null(strstr(out, "--kernel 5.4: no such kernel"), "%s", out);
	free(out);

	/* a dry run removes nothing */
	cr_assert_eq(th_scxlab(log, "cache", "prune", "--kernel", "6.12", "--dry-run", NULL), 0);
	snprintf(path, sizeof(path), "%s/6.12.117+deb13-cloud-amd64/vmlinuz", kdir);
	cr_assert_eq(stat(path, &st), 0);

	cr_assert_eq(th_scxlab(log, "cache", "prune", "--kernel", "6.12", NULL), 0);
	cr_assert_neq(stat(path, &st), 0, "6.12 was not removed");
	snprintf(path, sizeof(path), "%s/6.12", kdir);
	cr_assert_neq(lstat(path, &st), 0, "its series link was not removed");
	snprintf(path, sizeof(path), "%s/7.0.12+deb13-cloud-amd64", kdir);
	cr_assert_neq(stat(path, &st), 0, "the unlinked kernel was not removed");
	snprintf(path, sizeof(path), "%s/apt", kdir);
	cr_assert_neq(stat(path, &st), 0, "the package lists were not removed");
	snprintf(path, sizeof(path), "%s/7.0/vmlinuz", kdir);
	cr_assert_eq(stat(path, &st), 0, "7.0 was removed");
	snprintf(path, sizeof(path), "%s/current/vmlinuz", kdir);
	cr_assert_eq(stat(path, &st), 0, "the current kernel was removed");
}

/* Exit status 2 and @want in the output of `scxlab ARGS...`. */
#define refused(want, ...)                                                                        \
	do {                                                                                      \
		char log_[600];                                                                   \
		snprintf(log_, sizeof(log_), "%s/refused.log", th_tmpdir());                      \
		int rc_ = th_scxlab(log_, __VA_ARGS__, NULL);                                     \
		char *out_ = th_read_file(log_, NULL);                                            \
		cr_assert_eq(rc_, 2, "%s", out_);                                                 \
		cr_assert_not_null(strstr(out_, want), "wanted '%s' in:\n%s", want, out_);        \
		free(out_);                                                                       \
	} while (0)

Test(kernels, bad_kernel_options_are_named)
{
	refused("--format: 'xml' is not text, csv or json", "verify", "--format", "xml", "x.bpf.o");
	refused("unknown target 'vm@a/b'", "compare", "--targets", "sim,vm@a/b", "--no-baseline");
	refused("unknown target 'sim@7.3'", "fault", "--class", "stall", "--target", "sim@7.3");
	refused("--kernel /nonexistent/bzImage: No such file or directory", "run", "--target", "vm", "--kernel",
		"/nonexistent/bzImage", "--job", "workloads/jobs/smoke-3s.job");
	refused("--kernel 7.9: the simulator models 6.12, 7.0, 7.2 and 7.3", "run", "--kernel", "7.9", "--duration",
		"10ms");
	refused("'bogus': expected list or prune", "cache", "bogus");
	refused("--dry-run are options of `scxlab cache prune`", "cache", "list", "--dry-run");
}

/* What the guest's loader printed for one policy, read into a cell (no VM: its real texts). */
Test(kernels, a_verifier_log_gives_the_verdict_the_reason_and_the_counts)
{
	struct verify_cell c = { 0 };
	static const char rejected[] =
		"PROG reenq_kfunc_dispatch insns 6 states 0 peak_states 0\n"
		"scxlab load: /scx/p0.bpf.o: the kernel refused it (verifier log below)\n"
		"libbpf: prog 'reenq_kfunc_dispatch': BPF program load failed: Invalid argument\n"
		"libbpf: prog 'reenq_kfunc_dispatch': -- BEGIN PROG LOAD LOG --\n"
		"0: R1=ctx() R10=fp0\n"
		"; if (reenq_on_dispatch) @ reenq_kfunc.bpf.c:18\n"
		"3: (56) if w1 != 0x1 goto pc+4        ; R1=1\n"
		"7: <invalid kfunc call>\n"
		"kfunc 'scx_bpf_dsq_reenq' is referenced but wasn't resolved\n"
		"processed 6 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n"
		"-- END PROG LOAD LOG --\n";
	static const char accepted[] =
		"VERIFIED /scx/p1.bpf.o\n"
		"PROG llc_select_cpu insns 386 states 40 peak_states 46\n"
		"PROG llc_enqueue insns 82 states 5 peak_states 5\n";
	static const char no_ext[] =
		"scxlab load: kernel 6.12.117+deb13-cloud-amd64 has no sched_ext (no /sys/kernel/sched_ext: "
		"CONFIG_SCHED_CLASS_EXT is not enabled); use `scxlab run --target vm`\n";

	verify_cell__parse(&c, rejected, 1);
	cr_assert_eq(c.verdict, VERIFY_REJECTED);
	cr_assert_str_eq(c.reason, "kfunc 'scx_bpf_dsq_reenq' is referenced but wasn't resolved");
	cr_assert_eq(c.nr_progs, 1);
	cr_assert_eq(c.progs[0].insns, 6);

	verify_cell__parse(&c, accepted, 0);
	cr_assert_eq(c.verdict, VERIFY_ACCEPTED);
	cr_assert_str_eq(c.reason, "");
	cr_assert_eq(c.nr_progs, 2);
	cr_assert_str_eq(c.progs[0].name, "llc_select_cpu");
	cr_assert_eq(c.progs[0].insns, 386);
	cr_assert_eq(c.progs[0].states, 40);
	cr_assert_eq(c.progs[0].peak_states, 46);

	/* a kernel without the statistics line: the count from the program's info, states unknown */
	verify_cell__parse(&c, "VERIFIED /scx/p0.bpf.o\nPROG vtime_select_cpu insns 33 states - peak_states -\n", 0);
	cr_assert_eq(c.verdict, VERIFY_ACCEPTED);
	cr_assert_eq(c.nr_progs, 1);
	cr_assert_eq(c.progs[0].insns, 33);
	cr_assert_eq(c.progs[0].states, VERIFY_UNKNOWN);
	char buf[24];
	cr_assert_str_eq(verify_count(c.progs[0].states, "-", buf, sizeof(buf)), "-");
	cr_assert_str_eq(verify_count(c.progs[0].insns, "-", buf, sizeof(buf)), "33");

	verify_cell__parse(&c, no_ext, 2);
	cr_assert_eq(c.verdict, VERIFY_NO_SCHED_EXT);
	cr_assert_str_eq(c.reason, "kernel 6.12.117+deb13-cloud-amd64 has no sched_ext (no /sys/kernel/sched_ext: "
				   "CONFIG_SCHED_CLASS_EXT is not enabled)");
}
