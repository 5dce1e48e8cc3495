/*
 * User-space daemons beside their policies, in the simulator and in the sched_ext guest:
 * scxl_adapt's controller runs as a simulated periodic event (reruns byte-identical, result
 * and daemon log) and steers the slice over time in both worlds; scxl_user's daemon makes
 * every decision for the user tasks in both worlds (the policy's counters say so), and
 * without a daemon scxl_user keeps going on its fallback; a daemon missing its entry points
 * is refused with the reason.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_helpers.h"

static int run_adapt(const char *out, const char *log)
{
	const char *src = getenv("SCXLAB_SRC");
	char pol[4200], daemon[4200], job[4200];

	snprintf(pol, sizeof(pol), "%s/sched/scxl_adapt.bpf.c", src);
	snprintf(daemon, sizeof(daemon), "%s/sched/scxl_adapt.daemon.c", src);
	snprintf(job, sizeof(job), "%s/workloads/jobs/default.job", src);
	return th_scxlab(log, "run", "--policy", pol, "--daemon", daemon, "--job", job, "--topology", "2", "--duration",
			 "3s", "--out", out, "--quiet", NULL);
}

Test(daemons, controller_steers_the_slice_deterministically, .timeout = 300)
{
	char a[600], b[600], log[700], cmd[4000];

	snprintf(a, sizeof(a), "%s/a", th_tmpdir());
	snprintf(b, sizeof(b), "%s/b", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(run_adapt(a, log), 0);
	cr_assert_eq(run_adapt(b, log), 0);
	snprintf(cmd, sizeof(cmd), "cmp -s '%s/result.json' '%s/result.json' && cmp -s '%s/daemon.log' '%s/daemon.log'", a, b,
		 a, b);
	int rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "reruns differ");

	char path[700];
	snprintf(path, sizeof(path), "%s/result.json", a);
	char *doc = th_read_file(path, NULL);
	cr_assert_not_null(strstr(doc, "\"ticks\": 30"), "3 s at 100 ms periods");
	/* the slice over time: 30 periods written, and not all the same */
	char *trace = strstr(doc, "\"slice_trace\": [");
	cr_assert_not_null(trace);
	trace += strlen("\"slice_trace\": [");
	unsigned long long v[128];
	int n = 0;
	for (char *p = trace; n < 128 && *p != ']';) {
		v[n++] = strtoull(p, &p, 10);
		while (*p == ',' || *p == ' ')
			p++;
	}
	cr_assert_eq(n, 128);
	cr_assert_eq(v[0], 10000000ULL, "first period: 20 ms halved");
	int changes = 0;
	for (int i = 1; i < 30; i++) {
		cr_assert_neq(v[i], 0, "period %d written", i);
		changes += v[i] != v[i - 1];
	}
	cr_assert_geq(changes, 3, "the slice changed over time");
	cr_assert_eq(v[30], 0, "nothing past the run's 30 periods");
	free(doc);
	snprintf(path, sizeof(path), "%s/daemon.log", a);
	char *dlog = th_read_file(path, NULL);
	cr_assert_not_null(strstr(dlog, "[0.100000] slice 20000 -> 10000 us"), "%s", dlog);
	cr_assert_not_null(strstr(dlog, "stopped after 30 periods"), "%s", dlog);
	free(dlog);
}

Test(daemons, a_daemon_without_its_entry_points_is_refused)
{
	const char *src = getenv("SCXLAB_SRC");
	char pol[4200], daemon[700], log[700];

	snprintf(pol, sizeof(pol), "%s/sched/scxl_adapt.bpf.c", src);
	snprintf(daemon, sizeof(daemon), "%s/empty.c", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	FILE *f = fopen(daemon, "w");
	fputs("int scxlab_not_a_daemon;\n", f);
	fclose(f);
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--daemon", daemon, "--duration", "100ms", "--quiet", NULL), 2);
	char *msg = th_read_file(log, NULL);
	cr_assert_not_null(strstr(msg, "no scxd_main_init or scxd_main_tick"), "%s", msg);
	free(msg);
}

/* Run @policy with @daemon on @job (paths in the source tree) in the guest, into @out (under
 * the test's directory); fails the test if the run fails. */
static void run_in_guest(const char *policy, const char *daemon, const char *job, char *out, size_t outlen)
{
	const char *src = getenv("SCXLAB_SRC");
	char pol[4200], dmn[4200], jb[4200], log[700];

	snprintf(pol, sizeof(pol), "%s/%s", src, policy);
	snprintf(dmn, sizeof(dmn), "%s/%s", src, daemon);
	snprintf(jb, sizeof(jb), "%s/%s", src, job);
	snprintf(out, outlen, "%s/vm", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	int rc = th_scxlab(log, "run", "--target", "vm", "--topology", "2", "--policy", pol, "--daemon", dmn, "--job", jb,
			   "--out", out, "--quiet", NULL);
	char *text = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", text);
	free(text);
}

/* The same controller source beside the same policy on the real kernel in the guest. */
Test(daemons, controller_runs_in_the_guest_and_steers_the_real_policy, .timeout = 600)
{
	char out[600], path[700];

	run_in_guest("sched/scxl_adapt.bpf.c", "sched/scxl_adapt.daemon.c", "workloads/jobs/default.job", out, sizeof(out));
	snprintf(path, sizeof(path), "%s/daemon.log", out);
	char *dlog = th_read_file(path, NULL);
	cr_assert_not_null(dlog, "no daemon.log");
	cr_assert_not_null(strstr(dlog, "slice 20000 -> 10000 us"), "%s", dlog);
	cr_assert_not_null(strstr(dlog, "stopped after"), "%s", dlog);
	free(dlog);
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = th_read_file(path, NULL);
	const char *trace = strstr(doc, "\"slice_trace\": [");
	cr_assert_not_null(trace);
	const char *end = strchr(trace, ']');
	const char *half = strstr(trace, " 10000000,") ? strstr(trace, " 10000000,") : strstr(trace, "[10000000,");
	cr_assert(half && half < end, "the controller's halving of the slice is in the policy's map");
	cr_assert_not_null(strstr(doc, "\"period_ns\": 100000000"));
	free(doc);
}

/* scxl_user's counters (the `stats` map, see sched/scxl_user.bpf.c's enum user_stat). */
enum { TO_DAEMON, FROM_DAEMON, FALLBACK, KTHREAD, SELF, STALE, QUEUE_FULL, NR_STATS };

static void read_stats(const char *doc, long long *v)
{
	const char *p = strstr(doc, "\"stats\": [");

	cr_assert_not_null(p, "no stats map in the result");
	p += strlen("\"stats\": [");
	for (int i = 0; i < NR_STATS; i++) {
		char *end;
		v[i] = strtoll(p, &end, 10);
		cr_assert_neq(end, p, "stats[%d]", i);
		p = end + strspn(end, ", ");
	}
}

static int run_user(const char *out, const char *log, bool with_daemon)
{
	const char *src = getenv("SCXLAB_SRC");
	char pol[4200], daemon[4200], job[4200];

	snprintf(pol, sizeof(pol), "%s/sched/scxl_user.bpf.c", src);
	snprintf(daemon, sizeof(daemon), "%s/sched/scxl_user.daemon.c", src);
	snprintf(job, sizeof(job), "%s/workloads/jobs/default.job", src);
	if (!with_daemon)
		return th_scxlab(log, "run", "--policy", pol, "--job", job, "--topology", "2", "--duration", "3s", "--out", out,
				 "--quiet", NULL);
	return th_scxlab(log, "run", "--policy", pol, "--daemon", daemon, "--job", job, "--topology", "2", "--duration", "3s",
			 "--out", out, "--quiet", NULL);
}

Test(daemons, userspace_dispatch_decisions_all_come_from_the_daemon, .timeout = 300)
{
	char a[600], b[600], log[700], cmd[4000], path[700];
	long long st[NR_STATS];

	snprintf(a, sizeof(a), "%s/a", th_tmpdir());
	snprintf(b, sizeof(b), "%s/b", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(run_user(a, log, true), 0);
	cr_assert_eq(run_user(b, log, true), 0);
	snprintf(cmd, sizeof(cmd), "cmp -s '%s/result.json' '%s/result.json' && cmp -s '%s/daemon.log' '%s/daemon.log'", a, b,
		 a, b);
	int rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "reruns differ");

	snprintf(path, sizeof(path), "%s/result.json", a);
	char *doc = th_read_file(path, NULL);
	read_stats(doc, st);
	cr_assert_gt(st[TO_DAEMON], 10000, "user tasks went to the daemon");
	cr_assert_eq(st[FALLBACK], 0, "nothing was scheduled without the daemon (%lld): %s", st[FALLBACK], strstr(doc, "\"daemon_gaps\""));
	cr_assert_eq(st[QUEUE_FULL], 0);
	cr_assert_eq(st[KTHREAD] + st[SELF], 0, "no kernel threads or daemon process in the simulator");
	/* every task sent was decided by the daemon, but for those in flight when the run ended */
	cr_assert_leq(st[FROM_DAEMON] + st[STALE], st[TO_DAEMON]);
	cr_assert_leq(st[TO_DAEMON] - st[FROM_DAEMON] - st[STALE], 64, "to %lld, from %lld", st[TO_DAEMON],
		      st[FROM_DAEMON]);
	cr_assert_not_null(strstr(doc, "\"ticks\": 3000"), "3 s of 1 ms rounds");
	cr_assert_not_null(strstr(doc, "\"period_ns\": 1000000"));
	free(doc);
	snprintf(path, sizeof(path), "%s/daemon.log", a);
	char *dlog = th_read_file(path, NULL);
	cr_assert_not_null(strstr(dlog, "[1.000000] decided "), "%s", dlog);
	cr_assert_not_null(strstr(dlog, "stopped after 3000 rounds"), "%s", dlog);
	free(dlog);
}

Test(daemons, userspace_dispatch_without_its_daemon_lives_on_the_fallback, .timeout = 300)
{
	char out[600], log[700], path[700];
	long long st[NR_STATS];

	snprintf(out, sizeof(out), "%s/nod", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(run_user(out, log, false), 0);
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = th_read_file(path, NULL);
	read_stats(doc, st);
	cr_assert_gt(st[FALLBACK], 1000, "the policy scheduled by itself");
	cr_assert_eq(st[FROM_DAEMON], 0);
	cr_assert_gt(st[TO_DAEMON], 0);
	cr_assert_lt(st[TO_DAEMON], st[FALLBACK] / 4, "only the first 250 ms went to the absent daemon: %lld",
		     st[TO_DAEMON]);
	cr_assert_not_null(strstr(doc, "\"enabled_at_end\": true"));
	cr_assert_not_null(strstr(doc, "\"kind_name\": \"SCX_EXIT_NONE\""), "not ejected");
	free(doc);
}

/* The same policy and daemon in the guest: the daemon decides for every user task. */
Test(daemons, userspace_dispatch_runs_in_the_guest, .timeout = 600)
{
	char out[600], path[700];
	long long st[NR_STATS];

	run_in_guest("sched/scxl_user.bpf.c", "sched/scxl_user.daemon.c", "workloads/jobs/smoke-3s.job", out, sizeof(out));
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = th_read_file(path, NULL);
	read_stats(doc, st);
	cr_assert_gt(st[TO_DAEMON], 1000, "user tasks went to the daemon: %lld", st[TO_DAEMON]);
	/* the fallback may only have stepped in if the daemon really went quiet past its 250 ms
	 * (an emulated guest on a loaded host can stop for that long): a gap of 128 ms or more */
	long long long_gaps = 0;
	const char *g = strstr(doc, "\"daemon_gaps\": [");
	cr_assert_not_null(g);
	g += strlen("\"daemon_gaps\": [");
	for (int b = 0; b < 12; b++) {
		char *end;
		long long v = strtoll(g, &end, 10);
		long_gaps += b >= 7 ? v : 0;
		g = end + strspn(end, ", ");
	}
	cr_assert(st[FALLBACK] == 0 || long_gaps > 0, "scheduled without the daemon (%lld) though it never went quiet: %s",
		  st[FALLBACK], strstr(doc, "\"daemon_gaps\""));
	cr_assert_leq(st[FALLBACK], st[TO_DAEMON] / 100, "nearly every decision from the daemon");
	cr_assert_eq(st[QUEUE_FULL], 0);
	cr_assert_leq(st[FROM_DAEMON] + st[STALE], st[TO_DAEMON]);
	cr_assert_leq(st[TO_DAEMON] - st[FROM_DAEMON] - st[STALE], 64 + st[FALLBACK], "to %lld, from %lld",
		      st[TO_DAEMON], st[FROM_DAEMON]);
	cr_assert_gt(st[SELF], 0, "the daemon's own threads were scheduled directly");
	cr_assert_not_null(strstr(doc, "\"enabled_at_end\": true"));
	for (const char *p = strstr(doc, "\"bogo_ops\": "); p; p = strstr(p + 1, "\"bogo_ops\": "))
		cr_assert_gt(strtoll(p + 12, NULL, 10), 0, "every stressor ran");
	free(doc);
	snprintf(path, sizeof(path), "%s/daemon.log", out);
	char *dlog = th_read_file(path, NULL);
	cr_assert_not_null(dlog, "no daemon.log");
	cr_assert_not_null(strstr(dlog, " decided "), "%s", dlog);
	cr_assert_not_null(strstr(dlog, "stopped after"), "%s", dlog);
	free(dlog);
}

/* --daemon-cpu: the daemon is a simulated task the policy schedules. */
static int run_user_charged(const char *out, const char *log, const char *knob)
{
	const char *src = getenv("SCXLAB_SRC");
	char pol[4200], daemon[4200], job[4200];

	snprintf(pol, sizeof(pol), "%s/sched/scxl_user.bpf.c", src);
	snprintf(daemon, sizeof(daemon), "%s/sched/scxl_user.daemon.c", src);
	snprintf(job, sizeof(job), "%s/workloads/jobs/default.job", src);
	return th_scxlab(log, "run", "--policy", pol, "--daemon", daemon, "--daemon-cpu", "50us", "--job", job, "--topology",
			 "2", "--duration", "3s", "--out", out, "--quiet", "--knob", knob ? knob : "fallback_after_ns=250000000",
			 NULL);
}

static long long json_ll(const char *doc, const char *key)
{
	const char *p = strstr(doc, key);

	cr_assert_not_null(p, "no %s", key);
	return strtoll(p + strlen(key), NULL, 10);
}

Test(daemons, a_charged_daemon_is_a_task_its_policy_schedules, .timeout = 300)
{
	char a[600], b[600], plain[600], log[700], cmd[4000], path[700];
	long long st[NR_STATS];

	snprintf(a, sizeof(a), "%s/a", th_tmpdir());
	snprintf(b, sizeof(b), "%s/b", th_tmpdir());
	snprintf(plain, sizeof(plain), "%s/plain", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(run_user_charged(a, log, NULL), 0);
	cr_assert_eq(run_user_charged(b, log, NULL), 0);
	cr_assert_eq(run_user(plain, log, true), 0);
	snprintf(cmd, sizeof(cmd), "cmp -s '%s/result.json' '%s/result.json'", a, b);
	int rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "reruns differ");

	snprintf(path, sizeof(path), "%s/result.json", a);
	char *doc = th_read_file(path, NULL);
	read_stats(doc, st);
	long long ticks = json_ll(doc, "\"ticks\": ");
	cr_assert_gt(ticks, 2900, "rounds ran: %lld", ticks);
	cr_assert_geq(st[SELF], ticks, "each round's wakeup was scheduled directly by the policy");
	cr_assert_eq(st[FALLBACK], 0);
	cr_assert_geq(json_ll(doc, "\"cpu_ns\": "), ticks * 50000, "50 us charged per round");
	cr_assert_gt(json_ll(doc, "\"round_late_mean_ns\": "), 0, "a round waits for its wakeup and its CPU");
	snprintf(path, sizeof(path), "%s/result.json", plain);
	char *pdoc = th_read_file(path, NULL);
	/* the daemon's task is not the workload's */
	cr_assert_null(strstr(doc, "\"comm\": \"scxlab-daemon\""), "not among the workload's tasks");
	cr_assert_not_null(strstr(pdoc, "\"cpu_ns\": null"), "an uncharged daemon's CPU time is unknown");
	free(pdoc);
	free(doc);
}

/* A policy that does not tell its daemon from its tasks makes it wait for itself. */
Test(daemons, a_policy_that_queues_its_own_daemon_behind_it_stalls, .timeout = 300)
{
	char out[600], log[700], path[700];

	snprintf(out, sizeof(out), "%s/self", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	/* no fallback, and the daemon's tgid hidden from the policy */
	const char *src = getenv("SCXLAB_SRC");
	char pol[4200], daemon[4200], job[4200];
	snprintf(pol, sizeof(pol), "%s/sched/scxl_user.bpf.c", src);
	snprintf(daemon, sizeof(daemon), "%s/sched/scxl_user.daemon.c", src);
	snprintf(job, sizeof(job), "%s/workloads/jobs/default.job", src);
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--daemon", daemon, "--daemon-cpu", "50us", "--job", job,
			       "--topology", "2", "--duration", "3s", "--out", out, "--quiet", "--knob", "fallback_after_ns=0",
			       "--knob", "scxlab_daemon_tgid=-1", "--expect-exit", "SCX_EXIT_ERROR_STALL", NULL),
		     0, "the stall is this run's expected outcome");
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = th_read_file(path, NULL);
	cr_assert_not_null(strstr(doc, "\"kind_name\": \"SCX_EXIT_ERROR_STALL\""), "the watchdog ejected it");
	cr_assert_eq(json_ll(doc, "\"ticks\": "), 0, "the daemon never got a CPU for a round");
	free(doc);
	/* told who its daemon is, the same policy without a fallback runs to the end */
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--daemon", daemon, "--daemon-cpu", "50us", "--job", job,
			       "--topology", "2", "--duration", "3s", "--out", out, "--quiet", "--knob", "fallback_after_ns=0",
			       NULL),
		     0);
	doc = th_read_file(path, NULL);
	cr_assert_not_null(strstr(doc, "\"enabled_at_end\": true"));
	cr_assert_null(strstr(doc, "SCX_EXIT_ERROR_STALL"));
	free(doc);
}

/* The daemon's ring-buffer calls, in the order the policy wrote: checked by the daemon itself
 * (tests/fixtures/rings.daemon.c) and reported in its log. */
static void check_rings_log(const char *dlog, bool exact)
{
	unsigned long long drained, ooo, pushed, fails, enq, dropped, sum;
	const char *line = strstr(dlog, "] drained ");

	cr_assert_not_null(line, "%s", dlog);
	cr_assert_eq(sscanf(line, "] drained %llu out_of_order %llu pushed_sum %llu push_failures %llu | policy "
			    "nr_enqueued %llu nr_events_dropped %llu command_sum %llu",
			    &drained, &ooo, &pushed, &fails, &enq, &dropped, &sum),
		     7, "%s", dlog);
	cr_assert_gt(drained, 100, "%s", dlog);
	cr_assert_eq(ooo, 0, "each CPU's records in the order it submitted them");
	cr_assert_eq(fails, 0);
	cr_assert_eq(pushed, drained, "each drained record answered");
	cr_assert_gt(sum, 0, "the policy drained the daemon's commands");
	cr_assert_leq(sum, pushed);
	/* every enqueue was drained or dropped (in the guest, some come after the last drain) */
	if (exact)
		cr_assert_eq(drained + dropped, enq, "%s", dlog);
	else
		cr_assert_leq(drained + dropped, enq, "%s", dlog);
}

Test(daemons, ring_buffers_both_ways_in_the_simulator, .timeout = 120)
{
	const char *src = getenv("SCXLAB_SRC");
	char pol[4200], daemon[4200], job[4200], out[600], log[700], path[700];

	snprintf(pol, sizeof(pol), "%s/tests/policies/ringbuf_syscall.bpf.c", src);
	snprintf(daemon, sizeof(daemon), "%s/tests/fixtures/rings.daemon.c", src);
	snprintf(job, sizeof(job), "%s/workloads/jobs/smoke-3s.job", src);
	snprintf(out, sizeof(out), "%s/rings", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--daemon", daemon, "--job", job, "--topology", "2", "--out", out,
			       "--quiet", NULL),
		     0);
	snprintf(path, sizeof(path), "%s/daemon.log", out);
	char *dlog = th_read_file(path, NULL);
	cr_assert_not_null(dlog);
	check_rings_log(dlog, true);
	free(dlog);
}

Test(daemons, ring_buffers_both_ways_in_the_guest, .timeout = 600)
{
	char out[600], path[700];

	run_in_guest("tests/policies/ringbuf_syscall.bpf.c", "tests/fixtures/rings.daemon.c", "workloads/jobs/smoke-3s.job",
		     out, sizeof(out));
	snprintf(path, sizeof(path), "%s/daemon.log", out);
	char *dlog = th_read_file(path, NULL);
	cr_assert_not_null(dlog);
	check_rings_log(dlog, false);
	free(dlog);
}
