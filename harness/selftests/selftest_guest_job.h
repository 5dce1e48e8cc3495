/*
 * A selftest's workload in the guest (`scxlab selftests --target vm`): the table's `workload`
 * lines as the stress-ng jobs the guest's loader starts, and the guest's times.
 *
 * The jobs that exist before the runner attaches (with `attach-at`: the built-in workload and
 * the jobs without `after-attach`; without it, all of them) become the run's job (--job); the
 * `after-attach` ones of an `attach-at` test its --after-attach-job. Each is one stress-ng job
 * file written in the work directory: a table job is copied without its `timeout` line (the
 * test's run time is the limit, as in the simulator); `workload builtin hogs=N pairs=M` is
 * `cpu N` (stress-ng's CPU hog, busy all the time like the built-in hog) and `switch M` (a
 * pair of processes alternating strictly through a one-slot pipe, like the built-in ping-pong
 * pair; stress-ng does no work between the turns, the built-in 20 us). Several in one group
 * are merged into one file when none has global options (a taskset or sched line would apply
 * to all). A test without workload lines runs workloads/jobs/smoke-3s.job.
 *
 * A job's `sched ext` (its stressors start SCHED_EXT in the simulator) is not written: the
 * guest's loader moves those stressors' processes to SCHED_EXT as they start
 * (`--ext-stressors`, harness/kload/kext.h), since stress-ng 0.15.06 has no `--sched ext`. Its
 * stressors must not also run in a workload of the test that is not SCHED_EXT.
 */
#ifndef HARNESS_SELFTEST_GUEST_JOB_H
#define HARNESS_SELFTEST_GUEST_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "harness/selftests/selftest_table.h"

/* Under TCG stress-ng takes seconds to fork its workers: the guest's shortest times. */
#define SELFTEST_GUEST_MIN_ATTACH_NS 2000000000ULL
#define SELFTEST_GUEST_MIN_RUN_NS 3000000000ULL

struct selftest_guest_workload {
	char job[4096];        /* started with the run */
	char late_job[4096];   /* "" or started once the policy is attached */
	uint64_t attach_at_ns; /* 0: attached before the job starts */
	uint64_t run_ns;       /* how long it runs once attached */
	char ext_stressors[256]; /* "" or the `sched ext` jobs' stressors, moved to SCHED_EXT by the loader */
};

/*
 * The guest's workload of @st on @guest_cpus CPUs, its files written in @work. 0; 1 when the
 * guest cannot run it the way its runner does (why in @why); -1 on an error (in @why).
 */
int selftest_guest__workload(const struct selftest *st, const char *work, int guest_cpus,
			     struct selftest_guest_workload *w, char *why, size_t len);

#endif
