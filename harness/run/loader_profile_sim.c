/*
 * Loader profiles in the simulator: a parsed profile (harness/loader_profile.h) applied to a
 * .sim.so before load, and its syscall programs run before and after attach.
 */
#include "harness/run/loader_profile_sim.h"
#include "harness/profile/map_fill.h"
#include "harness/util/line_text.h"
#include "sim/bpf/bpf_runtime.h"
#include "sim/core/sim.h"
#include "sim/policy/btf_path.h"
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
	const struct profile_item *choice = loader_profile__struct_ops(lp);
	struct sched_ext_ops *ops;
	char e[1024];

	/* which struct_ops map first: the ops fields below are that map's */
	if (choice && sim_policy__choose_ops(pol, choice->name, e, sizeof(e)))
		return line_text__fail(err, errlen, lp->path, choice->line, "%s", e);
	ops = sim_policy__ops(pol);
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
		case PI_MAP_VALUE:
		case PI_STRUCT_OPS: /* chosen first, above */
			break;
		}
	}
	return 0;
}

struct sim_map_io {
	struct sim_bpf_map *map;
	size_t user_size;
};

static int sim_map_lookup(void *ctx, const void *key, void *value)
{
	struct sim_map_io *io = ctx;

	return sim_bpf_map__lookup(io->map, key, value, io->user_size);
}

static int sim_map_update(void *ctx, const void *key, const void *value)
{
	struct sim_map_io *io = ctx;

	return sim_bpf_map__update(io->map, key, value, io->user_size, 0 /* BPF_ANY */);
}

/* `map MAP[KEY]... = VALUE`: bpf_map_update_elem() from user space, after load. */
static int fill_map(const struct loader_profile *lp, const struct profile_item *it, struct sim_policy *pol,
		    char *err, size_t errlen)
{
	struct sim_bpf_map *map = sim_policy__map_by_name(pol, it->name);
	const struct sim_bpf_map_def *def;
	struct sim_map_io io = { .map = map };
	struct map_fill_target t;

	if (!map)
		return line_text__fail(err, errlen, lp->path, it->line, "map %s: the policy has no map of that name",
				       it->name);
	def = sim_bpf_map__def(map);
	t = (struct map_fill_target){
		.btf = sim_policy__btf(pol),
		.value_type_id = btf_path__map_value_type(sim_policy__btf(pol), it->name),
		.type = def->type,
		.key_size = def->key_size,
		.value_size = def->value_size,
		.max_entries = def->max_entries,
		.nr_cpus = sim_policy__nr_cpus(pol),
		.lookup = sim_map_lookup,
		.update = sim_map_update,
		.ctx = &io,
	};
	io.user_size = (def->type == BPF_MAP_TYPE_PERCPU_ARRAY || def->type == BPF_MAP_TYPE_PERCPU_HASH ||
			def->type == BPF_MAP_TYPE_LRU_PERCPU_HASH)
			       ? (((size_t)def->value_size + 7) & ~(size_t)7) * (size_t)t.nr_cpus
			       : def->value_size;
	return map_fill__apply(lp->path, it, &t, err, errlen);
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

		if (it->kind == PI_MAP_VALUE && !after_attach) {
			if (fill_map(lp, it, pol, err, errlen))
				return -1;
			continue;
		}
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
