/*
 * Loader profiles in the simulator: a parsed profile (harness/loader_profile.h) applied to a
 * .sim.so before load, and its syscall programs run before and after attach.
 */
#include "harness/run/loader_profile_sim.h"
#include "harness/util/line_text.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/shim/vmlinux.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* the parser's flag names are the emulated kernel's */
#define SAME_FLAG(name, bit) _Static_assert(name == (bit), #name " differs from the profile parser's");
LOADER_PROFILE_OPS_FLAGS(SAME_FLAG)

#define OPS_CB_OFF(name) { #name, offsetof(struct sched_ext_ops, name) },
static const struct {
	const char *name;
	size_t off;
} ops_callbacks[] = { LOADER_PROFILE_OPS_CALLBACKS(OPS_CB_OFF) };

static size_t callback_offset(const char *name)
{
	for (size_t i = 0; i < sizeof(ops_callbacks) / sizeof(ops_callbacks[0]); i++)
		if (!strcmp(name, ops_callbacks[i].name))
			return ops_callbacks[i].off;
	return 0; /* the parser accepts only these names */
}

int loader_profile__apply_open(const struct loader_profile *lp, struct sim_policy *pol, char *err,
			       size_t errlen)
{
	struct sched_ext_ops *ops = sim_policy__ops(pol);
	char e[1024];

	for (int i = 0; i < lp->nr_items; i++) {
		const struct profile_item *it = &lp->items[i];

		switch (it->kind) {
		case PI_GLOBAL:
			if (sim_policy__set_knob(pol, it->name, it->value, e, sizeof(e)))
				return line_text__fail(err, errlen, lp->path, it->line, "%s", e);
			break;
		case PI_OPS_FIELD:
			if (!strcmp(it->name, "flags"))
				ops->flags = it->num;
			else if (!strcmp(it->name, "timeout_ms"))
				ops->timeout_ms = (u32)it->num;
			else if (!strcmp(it->name, "exit_dump_len"))
				ops->exit_dump_len = (u32)it->num;
			else
				ops->dispatch_max_batch = (u32)it->num;
			break;
		case PI_OPS_NULL:
			memset((char *)ops + callback_offset(it->name), 0, sizeof(void *));
			break;
		case PI_MAP_ENTRIES:
			if (sim_policy__set_map_entries(pol, it->name, (uint32_t)it->num, e, sizeof(e)))
				return line_text__fail(err, errlen, lp->path, it->line, "%s", e);
			break;
		case PI_SYSCALL:
		case PI_ATTACH_AT:
			break;
		}
	}
	return 0;
}

static int run_one(const struct loader_profile *lp, const struct profile_item *it, struct sim_policy *pol,
		   struct sim *sim, int cpu, char *err, size_t errlen)
{
	unsigned char ctx[8 * PROFILE_MAX_ARGS];
	int saved = sim->current_cpu, ret = 0;
	char e[1024];

	loader_profile__pack_args(it, cpu, ctx, sizeof(ctx));
	/* pinned: the program runs on that CPU (bpf_get_smp_processor_id() says so) */
	if (cpu >= 0)
		sim->current_cpu = cpu;
	if (sim_policy__run_syscall(pol, sim, it->name, ctx, &ret, e, sizeof(e))) {
		sim->current_cpu = saved;
		return line_text__fail(err, errlen, lp->path, it->line, "%s", e);
	}
	sim->current_cpu = saved;
	if (ret)
		fprintf(stderr, "scxlab: %s:%d: syscall %s (cpu %d) returned %d\n", lp->path, it->line, it->name,
			cpu, ret);
	return 0;
}

int loader_profile__run_syscalls(const struct loader_profile *lp, struct sim_policy *pol, struct sim *sim,
				 bool after_attach, char *err, size_t errlen)
{
	for (int i = 0; i < lp->nr_items; i++) {
		const struct profile_item *it = &lp->items[i];

		if (it->kind != PI_SYSCALL || it->after_attach != after_attach)
			continue;
		if (it->mode == SM_PER_CPU) {
			for (int cpu = 0; cpu < sim->nr_cpus; cpu++)
				if (run_one(lp, it, pol, sim, cpu, err, errlen))
					return -1;
		} else if (it->mode == SM_ON_CPU) {
			if (it->on_cpu >= sim->nr_cpus)
				return line_text__fail(err, errlen, lp->path, it->line, "syscall %s: on-cpu=%d, the run has %d CPUs",
					    it->name, it->on_cpu, sim->nr_cpus);
			if (run_one(lp, it, pol, sim, it->on_cpu, err, errlen))
				return -1;
		} else if (run_one(lp, it, pol, sim, -1, err, errlen)) {
			return -1;
		}
	}
	return 0;
}
