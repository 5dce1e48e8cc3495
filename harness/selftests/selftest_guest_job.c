/* A selftest's workload as the guest's stress-ng jobs: see selftest_guest_job.h. */
#include "harness/selftests/selftest_guest_job.h"
#include "harness/util/options.h"
#include "harness/util/paths.h"
#include "workloads/job.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* One group of the test's workload: started together, written as one job file. */
struct group {
	bool builtin;
	int nr_jobs;
	const char *jobs[SELFTEST_MAX_JOBS];
};

/* Whether @job starts its stressors SCHED_EXT (`sched ext`). */
static bool job_is_ext(const struct job *job)
{
	const char *sched = job__global(job, "sched");

	return sched && !strcmp(sched, "ext");
}

/* Whether @name is one of the comma-separated @list. */
static bool listed(const char *list, const char *name)
{
	const char *p = list, *item;
	size_t len, n = strlen(name);

	while (opt__list_next(&p, &item, &len))
		if (len == n && !strncmp(item, name, n))
			return true;
	return false;
}

/*
 * The stressors of @st's `sched ext` jobs, for the guest's loader to move to SCHED_EXT (this
 * host's stress-ng, which the guest runs, may not know `--sched ext`). 0; 1 when one of them
 * also runs as a stressor that is not SCHED_EXT (the loader tells them by name only); -1 on an
 * error (why in @why).
 */
static int ext_stressors(const struct selftest *st, int guest_cpus, struct selftest_guest_workload *w, char *why,
			 size_t len)
{
	static struct job job;
	char other[512] = "", err[1024];
	size_t off = 0;

	if (st->builtin)
		snprintf(other, sizeof(other), "%s%s", (st->hogs >= 0 ? st->hogs : guest_cpus) > 0 ? "cpu," : "",
			 (st->pairs >= 0 ? st->pairs : 1) > 0 ? "switch," : "");
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < st->nr_jobs; i++) {
			if (job__parse_file(&job, st->jobs[i], err, sizeof(err))) {
				snprintf(why, len, "%s", err);
				return -1;
			}
			/* the first pass lists the others' stressors, the second the SCHED_EXT ones */
			if (job_is_ext(&job) != (pass == 1))
				continue;
			for (int e = 0; e < job.nr_entries; e++) {
				const char *name = job.entries[e].stressor;
				size_t o = strlen(other);

				if (pass == 0) {
					snprintf(other + o, sizeof(other) - o, "%s,", name);
					continue;
				}
				if (listed(other, name)) {
					snprintf(why, len, "%s starts its %s stressors SCHED_EXT and another workload of the test "
						 "runs %s: the guest's loader tells them apart by name only", st->jobs[i], name, name);
					return 1;
				}
				if (!listed(w->ext_stressors, name))
					off += (size_t)snprintf(w->ext_stressors + off, sizeof(w->ext_stressors) - off, "%s%s",
								off ? "," : "", name);
			}
		}
	return 0;
}

/* A global option of @job other than the ones every job file here has (and `sched ext`, which the
 * guest's loader does). NULL: none. */
static const char *global_option(const struct job *job)
{
	for (int i = 0; i < job->nr_options; i++)
		if (job->options[i].owner < 0 && strcmp(job->options[i].name, "metrics-brief") &&
		    strcmp(job->options[i].name, "metrics") && (strcmp(job->options[i].name, "sched") || !job_is_ext(job)))
			return job->options[i].name;
	return NULL;
}

/* Copy @src's lines to @out, leaving out `timeout` and `sched` (the loader does `sched ext`;
 * write_group() refuses any other), and when merging `run` and `metrics-brief`. */
static int copy_lines(const char *src, FILE *out, bool merging)
{
	FILE *in = fopen(src, "r");
	char line[1024], first[64];

	if (!in)
		return -1;
	fprintf(out, "# from %s\n", src);
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, " %63s", first) == 1 &&
		    (!strcmp(first, "timeout") || !strcmp(first, "sched") || (merging && (!strcmp(first, "run") || !strcmp(first, "metrics-brief")))))
			continue;
		fputs(line, out);
	}
	fclose(in);
	return 0;
}

/* The built-in workload's stress-ng lines: N = 0 means one per CPU to stress-ng, so none then. */
static void builtin_lines(const struct selftest *st, int guest_cpus, FILE *out)
{
	int hogs = st->hogs >= 0 ? st->hogs : guest_cpus;
	int pairs = st->pairs >= 0 ? st->pairs : (guest_cpus / 2 > 0 ? guest_cpus / 2 : 1);

	fprintf(out, "# the built-in workload (hogs=%d pairs=%d): cpu hogs and switch pairs\n", hogs, pairs);
	if (hogs > 0)
		fprintf(out, "cpu %d\n", hogs);
	if (pairs > 0)
		fprintf(out, "switch %d\n", pairs);
}

/* @g as one job file at @path. 0; 1 when it cannot be (why in @why); -1 on an error. */
static int write_group(const struct selftest *st, const struct group *g, int guest_cpus, const char *path,
		       char *why, size_t len)
{
	static struct job job;
	bool merging = g->nr_jobs + g->builtin > 1;
	char err[1024];
	FILE *out;

	for (int i = 0; i < g->nr_jobs; i++) {
		const char *opt, *sched;

		if (job__parse_file(&job, g->jobs[i], err, sizeof(err))) {
			snprintf(why, len, "%s", err);
			return -1;
		}
		sched = job__global(&job, "sched");
		if (sched && !job_is_ext(&job)) {
			snprintf(why, len, "%s: sched %s is refused in the guest (only `sched ext`, which its loader does)",
				 g->jobs[i], sched);
			return 1;
		}
		opt = global_option(&job);
		if (merging && (opt || job.sequential)) {
			snprintf(why, len, "%s (%s) starts with other workloads: one stress-ng job would apply it to all",
				 g->jobs[i], opt ? opt : "run sequential");
			return 1;
		}
	}
	out = fopen(path, "w");
	if (!out) {
		snprintf(why, len, "cannot write %s", path);
		return -1;
	}
	fprintf(out, "# selftest %s in the guest (harness/selftests/selftest_guest_job.h)\n", st->name);
	if (merging)
		fprintf(out, "run parallel\nmetrics-brief\n");
	if (g->builtin && !merging)
		fprintf(out, "run parallel\nmetrics-brief\n");
	if (g->builtin)
		builtin_lines(st, guest_cpus, out);
	for (int i = 0; i < g->nr_jobs; i++)
		if (copy_lines(g->jobs[i], out, merging)) {
			fclose(out);
			snprintf(why, len, "cannot read %s", g->jobs[i]);
			return -1;
		}
	if (fclose(out)) {
		snprintf(why, len, "cannot write %s", path);
		return -1;
	}
	return 0;
}

int selftest_guest__workload(const struct selftest *st, const char *work, int guest_cpus,
			     struct selftest_guest_workload *w, char *why, size_t len)
{
	uint64_t attach_at = loader_profile__attach_at(&st->profile);
	struct group start = { .builtin = st->builtin }, late = { 0 };
	int rc;

	memset(w, 0, sizeof(*w));
	w->run_ns = st->run_ns > SELFTEST_GUEST_MIN_RUN_NS ? st->run_ns : SELFTEST_GUEST_MIN_RUN_NS;
	if (attach_at)
		w->attach_at_ns = attach_at > SELFTEST_GUEST_MIN_ATTACH_NS ? attach_at : SELFTEST_GUEST_MIN_ATTACH_NS;
	/* without attach-at every task is forked after the attach: one group */
	for (int i = 0; i < st->nr_jobs; i++) {
		struct group *g = attach_at && st->job_after_attach[i] ? &late : &start;
		g->jobs[g->nr_jobs++] = st->jobs[i];
	}
	if (!start.builtin && !start.nr_jobs && !late.nr_jobs) {
		snprintf(w->job, sizeof(w->job), "%.4000s/workloads/jobs/smoke-3s.job", scxlab__root());
		return 0;
	}
	if (!start.builtin && !start.nr_jobs) {
		snprintf(why, len, "only after-attach jobs: nothing runs before the attach");
		return 1;
	}
	rc = ext_stressors(st, guest_cpus, w, why, len);
	if (rc)
		return rc;
	snprintf(w->job, sizeof(w->job), "%.4000s/%s.guest.job", work, st->name);
	rc = write_group(st, &start, guest_cpus, w->job, why, len);
	if (rc || !late.nr_jobs)
		return rc;
	snprintf(w->late_job, sizeof(w->late_job), "%.4000s/%s.after-attach.guest.job", work, st->name);
	return write_group(st, &late, guest_cpus, w->late_job, why, len);
}
