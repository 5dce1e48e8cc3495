/* The selftests on the real kernel, and the subprocess helpers: see selftest_kernel.h. */
#include "harness/selftests/selftest_kernel.h"
#include "harness/selftests/selftest_checks.h"
#include "harness/selftests/selftest_guest_job.h"
#include "harness/util/paths.h"
#include "harness/results/result_read.h"
#include "harness/results/verdict.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int selftest__run_self(char *const argv[], const char *log)
{
	int status;
	pid_t pid;

	fflush(NULL); /* the child must not write our buffered output again */
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		FILE *f = freopen(log, "w", stdout);

		if (!f || dup2(fileno(stdout), 2) < 0)
			_exit(127);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

void selftest__log_tail(const char *log, char *out, size_t len)
{
	FILE *f = fopen(log, "r");
	char line[1024];

	snprintf(out, len, "see %s", log);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strstr(line, "error") || strstr(line, "REJECTED") || strstr(line, "failed") ||
		    !strncmp(line, "scxlab run: ", 12))
			snprintf(out, len, "%.200s (%s)", line, log);
	}
	fclose(f);
}

/* Whether @log holds a line starting with @prefix. */
static bool log_has_line(const char *log, const char *prefix)
{
	FILE *f = fopen(log, "r");
	char line[1024];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, prefix, strlen(prefix));
	if (f)
		fclose(f);
	return found;
}

/*
 * The verifier's reason: the last non-blank line of its log before "processed N insns", or
 * before the explanation 7.3's verifier adds after a blank line ("Verification failed: ...").
 */
static void verifier_reason(const char *log, char *out, size_t len)
{
	FILE *f = fopen(log, "r");
	char line[1024], prev[1024] = "";

	snprintf(out, len, "see the log");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0; /* the guest console's lines end in CRLF */
		if ((!strncmp(line, "processed ", 10) || !strncmp(line, "Verification failed:", 20)) && prev[0]) {
			snprintf(out, len, "%.300s", prev);
			break;
		}
		if (line[0])
			snprintf(prev, sizeof(prev), "%s", line);
	}
	if (f)
		fclose(f);
}

int selftest__kernel_object(const char *suite, const char *src, const char *obj, const char *log, char *got,
			    size_t len)
{
	char inc[4096], libbpf[4096];
	char *build[16] = { "scxlab", "build", "--bpf-only", "--quiet" };
	int n = 4;

	/* the kernel's tools/lib/bpf headers, when fetched (the selftests' build uses that libbpf,
	 * not the system's), then its tools/sched_ext/include */
	snprintf(libbpf, sizeof(libbpf), "%.2000s/libbpf", suite);
	if (!access(libbpf, R_OK)) {
		build[n++] = "-I";
		build[n++] = libbpf;
	}
	snprintf(inc, sizeof(inc), "%.2000s/include", suite);
	if (access(inc, R_OK))
		snprintf(inc, sizeof(inc), "%.2000s", suite);
	build[n++] = "-I";
	build[n++] = inc;
	build[n++] = "--out";
	build[n++] = (char *)obj;
	build[n++] = (char *)src;
	build[n] = NULL;
	if (selftest__run_self(build, log)) {
		snprintf(got, len, "the kernel build failed: ");
		selftest__log_tail(log, got + strlen(got), len - strlen(got));
		return -1;
	}
	return 0;
}

/*
 * A verifier rejection is "REJECTED" with the kernel's refusal and exit status 1 (a build
 * failure is not one); an object that loads is "OK" with status 0.
 */
enum selftest_outcome selftest__verify(const char *suite, const char *src, const char *obj, bool must_reject,
				       const char *log, char *got, size_t len)
{
	char why[400];
	int rc;

	if (selftest__kernel_object(suite, src, obj, log, got, len))
		return ST_FAIL;
	char *argv[] = { "scxlab", "verify", (char *)obj, NULL };
	rc = selftest__run_self(argv, log);
	if (rc == 1 && log_has_line(log, "REJECTED ") && log_has_line(log, "scxlab load:")) {
		verifier_reason(log, why, sizeof(why));
		snprintf(got, len, "verify: REJECTED (%s)", why);
		return must_reject ? ST_PASS : ST_FAIL;
	}
	if (rc == 0 && log_has_line(log, "OK ")) {
		snprintf(got, len, "verify: accepted");
		return must_reject ? ST_FAIL : ST_PASS;
	}
	selftest__log_tail(log, got, len);
	return ST_FAIL;
}

/* The test's settings as a loader profile file for the guest's loader. 0, or -1. */
static int write_profile(const struct selftest *st, const char *path)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	fprintf(f, "# the selftests table's settings of %s (tests/selftests/sched_ext.table)\n", st->name);
	rc = loader_profile__write(&st->profile, f);
	return fclose(f) || rc ? -1 : 0;
}

/* The guest's vCPUs: 2, or what the test's runner needs (`min-cpus`). */
#define VM_CPUS 2

enum selftest_outcome selftest__vm_run(const char *suite, const struct selftest *st, const char *work, char *got,
				       size_t len)
{
	char src[4096], obj[4096], log[4096], out[4096], job[4096], dur[32], at[32], expect[300], first[320] = "";
	char profile[4096], why[1200], cpus[16], knob[100], *argv[48];
	struct selftest_guest_workload wl;
	int argc = 0, rc;

	if (st->expect != SE_STAYS_LOADED && st->expect != SE_EXIT) {
		snprintf(got, len, "VM: nothing to run (%s)", st->expect == SE_LOADS ? "loads: see --verify" : "-");
		return ST_SKIP;
	}
	int nr_cpus = st->min_cpus > VM_CPUS ? st->min_cpus : VM_CPUS;

	snprintf(cpus, sizeof(cpus), "%d", nr_cpus);
	rc = selftest_guest__workload(st, work, nr_cpus, &wl, why, sizeof(why));
	if (rc) {
		snprintf(got, len, "VM: %s%s", rc > 0 ? "cannot run as its runner does: " : "", why);
		return rc > 0 ? ST_SKIP : ST_FAIL;
	}
	snprintf(src, sizeof(src), "%.2000s/%s.bpf.c", suite, st->source);
	snprintf(obj, sizeof(obj), "%.2000s/%s.bpf.o", work, st->source);
	snprintf(log, sizeof(log), "%.2000s/%s.vm.log", work, st->name);
	snprintf(out, sizeof(out), "%.2000s/%s.vm", work, st->name);
	if (selftest__kernel_object(suite, src, obj, log, got, len))
		return ST_FAIL;
	snprintf(dur, sizeof(dur), "%llums", (unsigned long long)((wl.attach_at_ns + wl.run_ns) / 1000000));
	if (st->expect == SE_STAYS_LOADED)
		snprintf(expect, sizeof(expect), "none");
	else
		snprintf(expect, sizeof(expect), "%s%s%s", scx_exit_kind__name(st->exit_kind), st->has_msg ? ":" : "",
			 st->has_msg ? st->exit_msg : "");
	const char *fixed[] = { "scxlab", "run", "--target", "vm", "--topology", cpus, "--job", wl.job,
				"--duration", dur, "--quiet", "--policy", obj, "--expect-exit", expect, "--out", out };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		argv[argc++] = (char *)fixed[i];
	if (wl.attach_at_ns) {
		snprintf(at, sizeof(at), "%llums", (unsigned long long)(wl.attach_at_ns / 1000000));
		argv[argc++] = "--attach-at";
		argv[argc++] = at;
	}
	if (st->possible_cpus_var[0]) {
		/* the guest's possible CPUs are its vCPUs */
		snprintf(knob, sizeof(knob), "%s=%d", st->possible_cpus_var, nr_cpus);
		argv[argc++] = "--knob";
		argv[argc++] = knob;
	}
	char inject[80];
	if (st->vm_offline[0]) {
		/* the runner's sysfs write, done by the guest's loader */
		snprintf(inject, sizeof(inject), "offline:%s", st->vm_offline);
		argv[argc++] = "--inject";
		argv[argc++] = inject;
	}
	if (wl.ext_stressors[0]) {
		argv[argc++] = "--ext-stressors";
		argv[argc++] = wl.ext_stressors;
	}
	if (wl.late_job[0]) {
		argv[argc++] = "--after-attach-job";
		argv[argc++] = wl.late_job;
	}
	if (st->profile.nr_items) {
		snprintf(profile, sizeof(profile), "%.2000s/%s.loader", work, st->name);
		if (write_profile(st, profile)) {
			snprintf(got, len, "VM: cannot write %s", profile);
			return ST_FAIL;
		}
		argv[argc++] = "--loader";
		argv[argc++] = profile;
	}
	argv[argc] = NULL;
	rc = selftest__run_self(argv, log);
	snprintf(job, sizeof(job), "%.2000s/result.json", out);
	char *doc = result_read__file(job);
	double code = 0;

	if (rc == 0 && st->has_code && (!doc || result_read__number(doc, "exit", "exit_code", &code) ||
					(int64_t)code != st->exit_code)) {
		snprintf(got, len, "VM: %s, but exit code %lld", expect, (long long)code);
		free(doc);
		return ST_FAIL;
	}
	if (rc == 0) {
		snprintf(got, len, "VM: %s as expected%s", expect, st->has_code ? ", and its exit code" : "");
		free(doc);
		/* the runner's checks, on the globals kload read after the detach */
		snprintf(job, sizeof(job), "%.2000s/kreport.txt", out);
		return selftest_checks__hold(st, selftest_checks__report_global, job, got, len) ? ST_PASS : ST_FAIL;
	}
	if (doc)
		result_read__string(doc, "verdict", "first_failure", first, sizeof(first));
	free(doc);
	if (first[0])
		snprintf(got, len, "VM (exit %d): %s", rc, first);
	else
		selftest__log_tail(log, got, len);
	return ST_FAIL;
}
