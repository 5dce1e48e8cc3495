/*
 * `scxlab fault` (see cmd_fault.h).
 */
#include "harness/fault/cmd_fault.h"
#include "harness/util/atomic_file.h"
#include "harness/fault/fault_classes.h"
#include "harness/real/kernels.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"
#include "harness/results/result_read.h"

#include <getopt.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TARGETS 3
/*
 * Real ejections are seen late: the loader polls the kernel's state every 5 ms (from the RT
 * class, so a stalled policy does not delay it), and the watchdog itself runs from a delayed
 * work item whose timer and kworker run late. In an emulated (TCG) guest they run tens to a
 * few hundred ms late, more when the host is loaded (one host thread runs every vCPU).
 */
#define REAL_SLACK_NS 100000000ULL
#define TCG_SLACK_NS 300000000ULL
/* the watchdog runs on jiffies: one tick (HZ=250) of rounding */
#define TICK_NS 4000000ULL

struct fault_opts {
	const char *policy;     /* for classes injected from outside */
	const char *daemon;     /* beside it; with it, also the pair the daemon classes run */
	const char *job;
	const char *topology;
	const char *out;
	const char *targets[MAX_TARGETS];
	int nr_targets;
	const char *kernel;     /* --kernel: what a plain "vm" target boots */
	bool quiet;
};

struct outcome {
	bool ran;
	bool skipped;           /* the class cannot happen on this target */
	int kind;
	char msg[256];
	double tte_ns, recovery_ns;
	int restarts, lost;
	char lost_reason[160];
	bool stressors_ok;
	bool emulated;          /* a real run in a TCG guest */
	bool has_counter;       /* the class's policy counter is in the result */
	double counter;
	bool verdict_failed;    /* the run's own verdict (with the class's --expect-exit) */
	char verdict_why[320];
	bool pass;
	char why[200];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab fault --class NAME [--target sim|vm|host] [options]\n"
		"       scxlab fault --matrix [--targets sim,vm] [options]\n"
		"       scxlab fault --list\n\n"
		"Run a fault class and check the kernel's safety net: exit kind and message, time from\n"
		"the fault to the ejection, time until every task alive then ran again, tasks lost.\n"
		"Classes come from sched/scxl_faulty.bpf.c's knobs or are injected around any policy.\n\n"
		"  --policy FILE     policy for the classes injected from outside (default scxl_vtime)\n"
		"  --daemon FILE.c   its user-space daemon; with --policy, also the pair the daemon-stall\n"
		"                    and daemon-crash classes run (default sched/scxl_user + its daemon)\n"
		"  --job FILE        workload (default workloads/jobs/fault-6s.job)\n"
		"  --topology SPEC   (default 2: the VM runs on this machine's 2 cores)\n"
		"  --out DIR         (default results/fault): DIR/TARGET/CLASS/result.json, and for\n"
		"                    --matrix DIR/matrix.{txt,csv,json}\n"
		"  --kernel K        the kernel a vm target boots: a series (6.12, 7.0, 7.2, 7.3), a\n"
		"                    cached release or an image (default: the cache's current); a\n"
		"                    target vm@K names its own\n"
		"  --quiet           no progress\n"
		"Exit status: 0 when every row passes, 1 when one fails, 2 for bad options.\n");
}

/* The policy, daemon and knobs class @c runs with. */
static void class_setup(const struct fault_opts *o, const struct fault_class *c, char *policy, char *daemon,
			size_t len, bool *use_knobs)
{
	const char *root = scxlab__root();

	*daemon = 0;
	*use_knobs = c->policy == FP_FAULTY || c->policy == FP_USER;
	switch (c->policy) {
	case FP_FAULTY:
		snprintf(policy, len, "%s/sched/scxl_faulty.bpf.c", root);
		break;
	case FP_ANY:
		snprintf(policy, len, "%s", o->policy);
		snprintf(daemon, len, "%s", o->daemon ? o->daemon : "");
		break;
	case FP_HYBRID:
		if (o->daemon) {
			snprintf(policy, len, "%s", o->policy);
			snprintf(daemon, len, "%s", o->daemon);
			break;
		}
		snprintf(policy, len, "%s/sched/scxl_user.bpf.c", root);
		snprintf(daemon, len, "%s/sched/scxl_user.daemon.c", root);
		break;
	case FP_USER:
		snprintf(policy, len, "%s/sched/scxl_user.bpf.c", root);
		if (c->daemon)
			snprintf(daemon, len, "%s/sched/scxl_user.daemon.c", root);
		break;
	}
}

static int run_one(const struct fault_opts *o, const char *target, const struct fault_class *c,
		   const char *dir, const char *log)
{
	char policy[4200], daemon[4200], inject[64];
	struct argv_buf a = { 0 };
	bool use_knobs;
	int rc;

	class_setup(o, c, policy, daemon, sizeof(policy), &use_knobs);
	argv__add(&a, "/proc/self/exe");
	argv__add(&a, "run");
	kernel__add_target_args(&a, target, o->kernel);
	argv__add(&a, "--topology");
	argv__add(&a, o->topology);
	argv__add(&a, "--job");
	argv__add(&a, o->job);
	argv__add(&a, "--out");
	argv__add(&a, dir);
	argv__add(&a, "--quiet");
	argv__add(&a, "--policy");
	argv__add(&a, policy);
	if (*daemon) {
		argv__add(&a, "--daemon");
		argv__add(&a, daemon);
	}
	if (c->inject) {
		snprintf(inject, sizeof(inject), "%s@%gs", c->inject, FAULT_AT_S);
		argv__add(&a, "--inject");
		argv__add(&a, inject);
	}
	if (c->expected_kind) {
		/* the class's exit is the expected outcome: the run's verdict then judges the rest */
		argv__add(&a, "--expect-exit");
		argv__add(&a, fault_kind_name(c->expected_kind));
	}
	for (int i = 0; use_knobs && i < 4 && c->knobs[i]; i++) {
		argv__add(&a, "--knob");
		argv__add(&a, c->knobs[i]);
	}
	/* the run's own messages go to a log beside its result */
	int status;
	rc = proc__run_logged(&a, log, false, NULL, &status);
	argv__free(&a);
	if (rc)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void judge(const struct fault_class *c, bool real, struct outcome *r)
{
	double t = FAULT_STALL_T_MS * 1e6;
	double slack = !real ? 0 : r->emulated ? TCG_SLACK_NS : REAL_SLACK_NS;

	r->pass = false;
	if (!r->ran) {
		snprintf(r->why, sizeof(r->why), "the run failed (see its log)");
		return;
	}
	if (r->kind != c->expected_kind) {
		snprintf(r->why, sizeof(r->why), "exit %s, expected %s", fault_kind_name(r->kind),
			 fault_kind_name(c->expected_kind));
		return;
	}
	if (r->lost) {
		/* through a copy: gcc's -Wrestrict cannot tell the two members of *r apart */
		char reason[sizeof(r->lost_reason)];
		snprintf(reason, sizeof(reason), "%s", r->lost_reason);
		snprintf(r->why, sizeof(r->why), "%d task(s) lost: %s", r->lost, reason);
		return;
	}
	if (!r->stressors_ok) {
		snprintf(r->why, sizeof(r->why), "a stressor finished without bogo-ops");
		return;
	}
	if (c->counter && r->has_counter && r->counter <= 0) {
		snprintf(r->why, sizeof(r->why), "the policy's %s stayed 0", c->counter);
		return;
	}
	if (r->verdict_failed) {
		char verdict[sizeof(r->verdict_why)];
		snprintf(verdict, sizeof(verdict), "%s", r->verdict_why);
		snprintf(r->why, sizeof(r->why), "verdict: %.190s", verdict);
		return;
	}
	if (c->expect_restart && r->restarts < 1) {
		snprintf(r->why, sizeof(r->why), "the policy was not loaded again after its restart request");
		return;
	}
	if (c->stall_window && (r->tte_ns < t || r->tte_ns > 1.5 * t + TICK_NS + slack)) {
		snprintf(r->why, sizeof(r->why), "ejected %.3f s after the stall began, outside [%.1f, %.3f] s",
			 r->tte_ns / 1e9, t / 1e9, (1.5 * t + TICK_NS + slack) / 1e9);
		return;
	}
	r->pass = true;
}

/* The value of counter "MAP[I]" in the result's policy maps; false if the map is not there. */
static bool read_counter(const char *doc, const char *spec, double *v)
{
	char name[64];
	const char *br = strchr(spec, '[');

	if (!br || (size_t)(br - spec) >= sizeof(name))
		return false;
	snprintf(name, sizeof(name), "%.*s", (int)(br - spec), spec);
	return !result_read__element(doc, "policy_maps", name, atoi(br + 1), v);
}

static void read_outcome(const struct fault_class *c, const char *dir, struct outcome *r)
{
	char path[4300];
	double v;
	char *doc;

	snprintf(path, sizeof(path), "%s/result.json", dir);
	doc = result_read__file(path);
	if (!doc)
		return;
	r->ran = true;
	char status[16] = "";
	if (!result_read__string(doc, "verdict", "status", status, sizeof(status)) && !strcmp(status, "failed")) {
		r->verdict_failed = true;
		result_read__string(doc, "verdict", "first_failure", r->verdict_why, sizeof(r->verdict_why));
	}
	if (!result_read__number(doc, "fault", "kind", &v))
		r->kind = (int)v;
	result_read__string(doc, "fault", "msg", r->msg, sizeof(r->msg));
	char accel[16] = "";
	r->emulated = !result_read__string(doc, "real", "accel", accel, sizeof(accel)) && !strcmp(accel, "tcg");
	if (!result_read__number(doc, "fault", c->from_load ? "ejected_at_ns" : "time_to_ejection_ns", &v))
		r->tte_ns = v;
	if (c->counter)
		r->has_counter = read_counter(doc, c->counter, &r->counter);
	if (!result_read__number(doc, "fault", "recovery_ns", &v))
		r->recovery_ns = v;
	if (!result_read__number(doc, "fault", "tasks_lost", &v))
		r->lost = (int)v;
	result_read__string(doc, "fault", "lost_reason", r->lost_reason, sizeof(r->lost_reason));
	if (!result_read__number(doc, "sched_ext", "restarts", &v))
		r->restarts = (int)v;
	r->stressors_ok = strstr(doc, "\"bogo_ops\": ") != NULL;
	for (const char *p = strstr(doc, "\"bogo_ops\": "); p; p = strstr(p + 1, "\"bogo_ops\": "))
		if (strtoll(p + 12, NULL, 10) <= 0)
			r->stressors_ok = false;
	free(doc);
}

/* Append printf-style text to a growing buffer. */
static void cat(char **buf, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char line[2048];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	char *b = realloc(*buf, *len + (size_t)n + 1);
	if (!b)
		return;
	memcpy(b + *len, line, (size_t)n + 1);
	*buf = b;
	*len += (size_t)n;
}

static void json_str(char **buf, size_t *len, const char *s)
{
	cat(buf, len, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			cat(buf, len, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			cat(buf, len, "\\u%04x", *s);
		else
			cat(buf, len, "%c", *s);
	}
	cat(buf, len, "\"");
}

static int run_matrix(const struct fault_opts *o, const struct fault_class *const *cls, int nr_cls)
{
	struct outcome (*res)[MAX_TARGETS] = calloc((size_t)nr_cls, sizeof(*res));
	char *txt = NULL, *csv = NULL, *json = NULL, path[4300];
	size_t tl = 0, cl = 0, jl = 0;
	int failed = 0, step = 0, steps = nr_cls * o->nr_targets;
	time_t t0 = time(NULL);

	if (!res)
		return 1;
	for (int i = 0; i < nr_cls; i++) {
		for (int t = 0; t < o->nr_targets; t++) {
			const char *target = o->targets[t];
			struct outcome *r = &res[i][t];
			char dir[4200], log[4300];
			bool real = strcmp(target, "sim") != 0;

			step++;
			if (real && cls[i]->sim_only) {
				r->skipped = true;
				r->pass = true;
				snprintf(r->why, sizeof(r->why), "n/a: %s", cls[i]->sim_only);
				continue;
			}
			snprintf(dir, sizeof(dir), "%s/%s/%s", o->out, target, cls[i]->name);
			snprintf(log, sizeof(log), "%s.log", dir);
			scxlab__mkdirs(dir);
			if (!o->quiet)
				fprintf(stderr, "[%d/%d] %-4s %-20s (%lds elapsed) ...\n", step, steps, target, cls[i]->name,
					(long)(time(NULL) - t0));
			run_one(o, target, cls[i], dir, log);
			read_outcome(cls[i], dir, r);
			judge(cls[i], real, r);
		}
		/* the two worlds must agree on the kind */
		for (int t = 1; t < o->nr_targets; t++) {
			struct outcome *a = &res[i][0], *b = &res[i][t];
			if (!a->skipped && !b->skipped && a->ran && b->ran && a->kind != b->kind && b->pass) {
				b->pass = false;
				snprintf(b->why, sizeof(b->why), "%s says %s, %s says %s", o->targets[0],
					 fault_kind_name(a->kind), o->targets[t], fault_kind_name(b->kind));
			}
		}
	}

	cat(&txt, &tl, "%-20s %-22s", "class", "expected");
	cat(&csv, &cl, "class,expected_kind");
	for (int t = 0; t < o->nr_targets; t++) {
		cat(&txt, &tl, " | %-4s %-22s %9s %9s %4s", o->targets[t], "kind", "eject_ms", "recov_ms", "lost");
		cat(&csv, &cl, ",%s_kind,%s_time_to_ejection_ms,%s_recovery_ms,%s_tasks_lost,%s_restarts,%s_pass,%s_note",
		    o->targets[t], o->targets[t], o->targets[t], o->targets[t], o->targets[t], o->targets[t], o->targets[t]);
	}
	cat(&txt, &tl, "\n");
	cat(&csv, &cl, "\n");
	cat(&json, &jl, "{\n  \"schema\": \"scxlab.fault-matrix/1\",\n  \"fault_at_s\": %g,\n  \"stall_timeout_ms\": %d,\n  \"rows\": [\n",
	    FAULT_AT_S, FAULT_STALL_T_MS);
	for (int i = 0; i < nr_cls; i++) {
		cat(&txt, &tl, "%-20s %-22s", cls[i]->name, fault_kind_name(cls[i]->expected_kind));
		cat(&csv, &cl, "%s,%s", cls[i]->name, fault_kind_name(cls[i]->expected_kind));
		cat(&json, &jl, "    { \"class\": \"%s\", \"expected_kind\": \"%s\", \"targets\": {", cls[i]->name,
		    fault_kind_name(cls[i]->expected_kind));
		for (int t = 0; t < o->nr_targets; t++) {
			struct outcome *r = &res[i][t];
			failed += !r->pass;
			if (r->skipped) {
				cat(&txt, &tl, " | %-4s %-22s %9s %9s %4s", "", "n/a", "-", "-", "-");
				cat(&csv, &cl, ",n/a,,,,,true,");
			} else {
				cat(&txt, &tl, " | %-4s %-22s %9.1f %9.1f %4d", r->pass ? "ok" : "FAIL",
				    r->ran ? fault_kind_name(r->kind) : "(run failed)", r->tte_ns / 1e6, r->recovery_ns / 1e6,
				    r->lost);
				cat(&csv, &cl, ",%s,%.3f,%.3f,%d,%d,%s,", r->ran ? fault_kind_name(r->kind) : "",
				    r->tte_ns / 1e6, r->recovery_ns / 1e6, r->lost, r->restarts, r->pass ? "true" : "false");
			}
			/* the note (quoted for CSV) */
			cat(&csv, &cl, "\"");
			for (const char *p = r->why; *p; p++)
				cat(&csv, &cl, *p == '"' ? "\"\"" : "%c", *p);
			cat(&csv, &cl, "\"");
			cat(&json, &jl, "%s\n        \"%s\": { \"kind\": ", t ? "," : "", o->targets[t]);
			json_str(&json, &jl, r->skipped ? "n/a" : r->ran ? fault_kind_name(r->kind) : "");
			cat(&json, &jl, ", \"msg\": ");
			json_str(&json, &jl, r->msg);
			cat(&json, &jl, ", \"time_to_ejection_ns\": %.0f, \"recovery_ns\": %.0f, \"tasks_lost\": %d, "
			    "\"restarts\": %d, \"pass\": %s, \"note\": ", r->tte_ns, r->recovery_ns, r->lost, r->restarts,
			    r->pass ? "true" : "false");
			json_str(&json, &jl, r->why);
			cat(&json, &jl, " }");
		}
		cat(&txt, &tl, "\n");
		cat(&csv, &cl, "\n");
		cat(&json, &jl, "\n      } }%s\n", i + 1 < nr_cls ? "," : "");
	}
	cat(&json, &jl, "  ],\n  \"failed\": %d\n}\n", failed);
	for (int i = 0; i < nr_cls; i++)
		for (int t = 0; t < o->nr_targets; t++)
			if (!res[i][t].pass || res[i][t].skipped)
				cat(&txt, &tl, "%s %s %s: %s\n", res[i][t].pass ? "note" : "FAIL", o->targets[t],
				    cls[i]->name, res[i][t].why);
	cat(&txt, &tl, "%s: %d of %d rows failed\n", failed ? "FAILED" : "PASSED", failed, nr_cls * o->nr_targets);
	fputs(txt, stdout);
	snprintf(path, sizeof(path), "%s/matrix.txt", o->out);
	int werr = atomic_file__write(path, txt);
	snprintf(path, sizeof(path), "%s/matrix.csv", o->out);
	werr |= atomic_file__write(path, csv);
	snprintf(path, sizeof(path), "%s/matrix.json", o->out);
	werr |= atomic_file__write(path, json);
	if (werr)
		fprintf(stderr, "scxlab fault: cannot write the matrix files under %s\n", o->out);
	free(txt);
	free(csv);
	free(json);
	free(res);
	return failed || werr ? 1 : 0;
}

int cmd_fault(int argc, char **argv)
{
	enum { O_MATRIX = 256, O_TARGETS, O_LIST, O_QUIET, O_KERNEL };
	static const struct option longopts[] = {
		{ "class", required_argument, NULL, 'c' },
		{ "target", required_argument, NULL, 't' },
		{ "targets", required_argument, NULL, O_TARGETS },
		{ "matrix", no_argument, NULL, O_MATRIX },
		{ "list", no_argument, NULL, O_LIST },
		{ "policy", required_argument, NULL, 'p' },
		{ "daemon", required_argument, NULL, 'd' },
		{ "job", required_argument, NULL, 'j' },
		{ "topology", required_argument, NULL, 'T' },
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const policy_label[] = {
		[FP_FAULTY] = " [scxl_faulty]",
		[FP_ANY] = " [around any policy]",
		[FP_HYBRID] = " [a policy and its daemon: scxl_user or --policy/--daemon]",
		[FP_USER] = " [scxl_user]",
	};
	static char policy[4200], job[4200], targets_buf[256];
	struct fault_opts o = { .topology = "2", .out = "results/fault" };
	const char *class_name = NULL, *target = "sim";
	bool matrix = false, policy_set = false;
	int c;

	snprintf(policy, sizeof(policy), "%s/sched/scxl_vtime.bpf.c", scxlab__root());
	snprintf(job, sizeof(job), "%s/workloads/jobs/fault-6s.job", scxlab__root());
	o.policy = policy;
	o.job = job;
	snprintf(targets_buf, sizeof(targets_buf), "sim,vm");
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:t:p:d:j:T:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': class_name = optarg; break;
		case 't': target = optarg; break;
		case O_TARGETS: snprintf(targets_buf, sizeof(targets_buf), "%s", optarg); break;
		case O_MATRIX: matrix = true; break;
		case O_LIST:
			for (int i = 0; i < nr_fault_classes; i++)
				printf("%-20s %-22s %s%s%s\n", fault_classes[i].name,
				       fault_kind_name(fault_classes[i].expected_kind), fault_classes[i].what,
				       fault_classes[i].sim_only ? " (simulator only)" : "",
				       policy_label[fault_classes[i].policy]);
			return 0;
		case 'p': o.policy = optarg; policy_set = true; break;
		case 'd': o.daemon = optarg; break;
		case 'j': o.job = optarg; break;
		case 'T': o.topology = optarg; break;
		case 'o': o.out = optarg; break;
		case O_QUIET: o.quiet = true; break;
		case O_KERNEL: o.kernel = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (!matrix && !class_name)) {
		usage(stderr);
		return 2;
	}
	const struct fault_class *cls[64];
	int nr = 0;
	if (class_name) {
		cls[nr] = fault_class__find(class_name);
		if (!cls[nr]) {
			fprintf(stderr, "scxlab fault: --class %s: no such class (scxlab fault --list)\n", class_name);
			return 2;
		}
		nr++;
	} else {
		for (int i = 0; i < nr_fault_classes; i++)
			cls[nr++] = &fault_classes[i];
	}
	if (matrix) {
		for (char *save = NULL, *tok = strtok_r(targets_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (o.nr_targets < MAX_TARGETS)
				o.targets[o.nr_targets++] = tok;
	} else {
		o.targets[o.nr_targets++] = target;
	}
	for (int t = 0; t < o.nr_targets; t++) {
		if (!kernel__target_valid(o.targets[t])) {
			fprintf(stderr, "scxlab fault: unknown target '%s' (sim, host, vm or vm@KERNEL such as vm@7.3)\n",
				o.targets[t]);
			return 2;
		}
	}
	if (o.daemon && !policy_set) {
		fprintf(stderr, "scxlab fault: --daemon needs the --policy it belongs to\n");
		return 2;
	}
	const char *files[] = { o.job, o.policy, o.daemon };
	for (int i = 0; i < 3; i++) {
		if (files[i] && access(files[i], R_OK)) {
			fprintf(stderr, "scxlab fault: %s: cannot read it\n", files[i]);
			return 2;
		}
	}
	if (scxlab__mkdirs(o.out)) {
		fprintf(stderr, "scxlab fault: cannot create %s\n", o.out);
		return 2;
	}
	return run_matrix(&o, cls, nr);
}
