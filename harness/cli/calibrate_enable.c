/*
 * The enable transition's cost in the calibration guest (calibrate_enable.h): the attach
 * calls of a small policy, their time per task walked, the median of the samples.
 */
#include "harness/cli/calibrate_enable.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int calibrate_enable__files(struct calibrate_enable *e, const char *exe_dir)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->kload, sizeof(e->kload), "/scx/scxlab-kload=%.4000s/scxlab-kload", exe_dir);
	snprintf(e->probes, sizeof(e->probes), "/scx/latency.bpf.o=%.4000s/probes/latency.bpf.o", exe_dir);
	snprintf(e->policy, sizeof(e->policy), "/scx/enable.bpf.o=%.4000s/policies/sched/scxl_vtime.bpf.o", exe_dir);
	if (access(strchr(e->kload, '=') + 1, X_OK) || access(strchr(e->probes, '=') + 1, R_OK) ||
	    access(strchr(e->policy, '=') + 1, R_OK))
		return -1;
	return 0;
}

/* the guest's loop below spells the run count out */
_Static_assert(CALIBRATE_ENABLE_RUNS == 5, "calibrate_enable__script() runs kload 5 times");

const char *calibrate_enable__script(void)
{
	/* nothing else runs: the tasks the enable walks are the guest's own (kernel threads, init,
	 * the loader); `:` is the workload, so each run is the attach, a detach and the report */
	return "for i in 1 2 3 4 5; do\n"
	       "  /scx/scxlab-kload run --probes /scx/latency.bpf.o --report /tmp/enable.txt --timeout 60 "
	       "--policy /scx/enable.bpf.o -- /bin/sh -c : >/dev/null 2>&1\n"
	       "  while read k v; do case $k in attach_call_ns|tasks_at_attach) echo SCXLAB-ENABLE $k $v;; esac; "
	       "done < /tmp/enable.txt\n"
	       "  rm -f /tmp/enable.txt\n"
	       "done\n";
}

int calibrate_enable__line(struct calibrate_enable *e, const char *line)
{
	unsigned long long v;
	long long t;

	if (sscanf(line, "SCXLAB-ENABLE attach_call_ns %llu", &v) == 1) {
		if (e->nr < CALIBRATE_ENABLE_RUNS)
			e->attach_ns[e->nr] = v;
		return 1;
	}
	if (sscanf(line, "SCXLAB-ENABLE tasks_at_attach %lld", &t) == 1) {
		/* tasks_at_attach follows attach_call_ns in kload's report: it closes a sample */
		if (e->nr < CALIBRATE_ENABLE_RUNS && t > 0 && e->attach_ns[e->nr])
			e->tasks[e->nr++] = (uint64_t)t;
		else if (e->nr < CALIBRATE_ENABLE_RUNS)
			e->attach_ns[e->nr] = 0;
		return 1;
	}
	return 0;
}

static int by_per_task(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

void calibrate_enable__write(FILE *f, const struct calibrate_enable *e)
{
	double per[CALIBRATE_ENABLE_RUNS][2];
	int n = e->nr;

	if (!n)
		return;
	fprintf(f, "# the enable transition: %d attach call(s) of scxl_vtime by scxlab-kload in the guest, nothing\n"
		"# else running (ms / tasks):", n);
	for (int i = 0; i < n; i++) {
		per[i][0] = (double)e->attach_ns[i] / (double)e->tasks[i];
		per[i][1] = (double)e->tasks[i];
		fprintf(f, " %.1f/%llu", e->attach_ns[i] / 1e6, (unsigned long long)e->tasks[i]);
	}
	qsort(per, (size_t)n, sizeof(per[0]), by_per_task);
	fprintf(f, "\n# the median per task, and the guest's own tasks then\n"
		"machine.scx_enable_task_ns %.0f\nmachine.scx_enable_tasks %.0f\n", per[n / 2][0], per[n / 2][1]);
}
