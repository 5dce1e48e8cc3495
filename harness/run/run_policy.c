/*
 * The policy's life in a simulator run (see run_policy.h).
 */
#include "harness/run/run_policy.h"
#include "harness/run/loader_profile_sim.h"
#include "harness/build/cmd_build.h"
#include "harness/util/options.h"
#include "harness/util/paths.h"
#include "harness/util/temp_files.h"
#include "sim/bpf/bpf_runtime.h"
#include "sim/scx/scx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/*
 * Build @src for the simulator with `scxlab build --sim-only` into @out, a temporary file of
 * this run in the cache's run folder (removed however the run ends; what killed runs left
 * there is removed first).
 */
int run_policy__build(const char *src, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	char run_dir[4200], name[256];

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - strlen(".bpf.c")), base);
	snprintf(run_dir, sizeof(run_dir), "%s/run", scxlab__cache_dir());
	if (scxlab__mkdirs(run_dir)) {
		snprintf(err, errlen, "cannot create %.900s: %s", run_dir, strerror(errno));
		return -1;
	}
	temp_files__sweep_stale(run_dir, NULL, 0);
	temp_files__name(out, outlen, run_dir, name, ".sim.so");
	temp_files__add(out);
	if (cmd_build__sim_object(src, out)) {
		snprintf(err, errlen, "building %s for the simulator failed (see the compiler output above)", src);
		return -1;
	}
	return 0;
}

/* Open @so_path and set its knobs: the topology ones first, then --knob in order. */
static struct sim_policy *open_policy(const char *so_path, const struct sim_topology *topo,
				      const struct run_opts *o, int *exit_code)
{
	char err[1024];
	struct sim_policy *pol = sim_policy__open(so_path, topo->nr_cpus, err, sizeof(err));

	*exit_code = 1;
	if (!pol) {
		fprintf(stderr, "scxlab run: %s\n", err);
		return NULL;
	}
	sim_policy__apply_topology(pol, topo);
	if (o->loader && loader_profile__apply_open(&o->profile, pol, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --loader: %s\n", err);
		*exit_code = 2;
		sim_policy__close(pol);
		return NULL;
	}
	for (int i = 0; i < o->nr_knobs; i++) {
		char kv[4096], *name, *value;

		snprintf(kv, sizeof(kv), "%s", o->knobs[i]);
		if (opt__split_kv("--knob", kv, &name, &value, err, sizeof(err)) ||
		    sim_policy__set_knob(pol, name, value, err, sizeof(err))) {
			fprintf(stderr, "scxlab run: --knob: %s\n", err);
			*exit_code = 2;
			sim_policy__close(pol);
			return NULL;
		}
	}
	for (int i = 0; i < o->nr_map_sizes; i++) {
		char kv[4096], *name, *value;
		uint64_t n;

		snprintf(kv, sizeof(kv), "%s", o->map_sizes[i]);
		if (opt__split_kv("--map-entries", kv, &name, &value, err, sizeof(err)) ||
		    opt__parse_u64("--map-entries", value, &n, err, sizeof(err)) ||
		    sim_policy__set_map_entries(pol, name, (uint32_t)n, err, sizeof(err))) {
			fprintf(stderr, "scxlab run: --map-entries: %s\n", err);
			*exit_code = 2;
			sim_policy__close(pol);
			return NULL;
		}
	}
	if (sim_policy__freeze(pol, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: %s\n", err);
		*exit_code = 2;
		sim_policy__close(pol);
		return NULL;
	}
	return pol;
}

/* open_policy(); a map past the BPF memory limit fails the policy's load, as in the kernel. */
struct sim_policy *run_policy__load(const char *so_path, const struct sim_topology *topo,
				      const struct run_opts *o, int *exit_code)
{
	uint64_t refused = sim_bpf_mem__stats()->refused;
	struct sim_policy *pol = open_policy(so_path, topo, o, exit_code);

	if (!pol && sim_bpf_mem__stats()->refused > refused)
		*exit_code = SCXLAB_EXIT_POLICY_FAILED;
	return pol;
}

/*
 * The policy exited asking to be restarted (SCX_ECODE_ACT_RESTART in its exit code) and the
 * kernel has finished disabling it: load it again, as the kernel tools' loaders do.
 */
bool run_policy__restart_due(struct sim *sim)
{
	const struct scx_exit_record *r = sim->scx ? scx_sched__exit_record(sim) : NULL;

	return r && r->exited && r->disabled_ns && (r->exit_code & SCX_ECODE_ACT_RESTART);
}

/* What a kernel tools loader prints at exit from the policy's UEI record: EXIT: reason (msg). */
void run_policy__print_uei(struct sim_policy *pol)
{
	size_t size = 0;
	const struct {
		int kind;
		int32_t exit_cpu;
		int64_t exit_code;
		char reason[128];
		char msg[1024];
	} *uei = sim_policy__global(pol, "uei", &size);

	if (!uei || size < sizeof(*uei) || !uei->kind)
		return;
	fprintf(stderr, "EXIT: %.128s", uei->reason);
	if (uei->msg[0])
		fprintf(stderr, " (%.1024s)", uei->msg);
	if (uei->exit_code)
		fprintf(stderr, " exit code %lld", (long long)uei->exit_code);
	fputc('\n', stderr);
}

/*
 * Attach the policy as its loader does: the before-attach programs, the attach, the
 * after-attach programs. An exit while attaching is a result (the run goes on). -1 with *@ret
 * set when the run cannot go on.
 */
int run_policy__attach(struct sim *sim, struct sim_policy *pol, const struct run_opts *o, int *ret)
{
	char err[1024];

	sim__set_current(sim);
	if (o->loader && loader_profile__run_syscalls(&o->profile, pol, sim, false, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --loader: %s\n", err);
		return -1;
	}
	if (scx_sched__attach(sim, sim_policy__ops(pol), sim_policy__name(pol), err, sizeof(err))) {
		const struct scx_exit_record *r = sim->scx ? scx_sched__exit_record(sim) : NULL;

		if (!r || !r->exited) {
			fprintf(stderr, "scxlab run: loading %s failed: %s\n", o->policy, err);
			*ret = SCXLAB_EXIT_POLICY_FAILED;
			return -1;
		}
		/* an exit while attaching (ops.init, the ops checks): the kernel reports it to
		 * ops.exit and the tasks stay on fair; the run goes on and records it */
		fprintf(stderr, "scxlab run: %s exited while attaching: %s\n", o->policy, err);
		return 0;
	}
	if (run_policy__wait_enable(sim)) {
		fprintf(stderr, "scxlab run: simulation failed: %s\n", sim->fatal);
		return -1;
	}
	const struct scx_exit_record *r = scx_sched__exit_record(sim);
	if (r && r->exited && !o->quiet)
		fprintf(stderr, "scxlab run: %s exited while attaching: %s (%s)\n", o->policy, r->msg, r->reason);
	if (o->loader && loader_profile__run_syscalls(&o->profile, pol, sim, true, err, sizeof(err))) {
		fprintf(stderr, "scxlab run: --loader: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * A timed enable transition (the calibration's machine.scx_enable_task_ns) is under way when
 * the attach returns in the simulator; the loader's attach call returns when it ends, and only
 * then does the loader go on (its after-attach programs, the workload it starts).
 */
int run_policy__wait_enable(struct sim *sim)
{
	uint64_t until = scx_sched__enabling_until(sim);

	return until ? sim__advance(sim, until) : 0;
}
