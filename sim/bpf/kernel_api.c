/*
 * Which kernel the simulator emulates, as BPF code can tell: LINUX_KERNEL_VERSION,
 * bpf_ksym_exists() for the sched_ext kfuncs, and CO-RE checks of the sched_ext enumerators.
 * Four kernels are modelled: 6.12 (the first mainline sched_ext), 7.0, 7.2 (the default) and
 * 7.3, as `--kernel` names them. The availability tables are facts from the kernels' kfunc sets
 * (docs: scx-reference section 4) and, for 7.0 and 7.3, from the BTF of Debian's 7.0.13 and
 * 7.3.4 cloud kernels; the simulator's semantics stay those of 7.2 either way (docs/limits.md).
 */
#include "sim/bpf/bpf_runtime.h"
#include "sim/core/sim.h"
#include "sim/shim/scxsim/helpers.h"

#include <string.h>

#define KV(a, b, c) (((a) << 16) | ((b) << 8) | (c))

/* sched_ext kfuncs that 6.12 does not have (everything else it has, or is generic BPF). */
static const char *const not_in_612[] = {
	"__scx_bpf_dsq_insert_vtime", "__scx_bpf_select_cpu_and", "scx_bpf_cpu_curr",
	"scx_bpf_cpu_node", "scx_bpf_dsq_insert", "scx_bpf_dsq_insert___v2",
	"scx_bpf_dsq_insert_vtime", "scx_bpf_dsq_move", "scx_bpf_dsq_move_set_slice",
	"scx_bpf_dsq_move_set_vtime", "scx_bpf_dsq_move_to_local",
	"scx_bpf_dsq_move_to_local___v2", "scx_bpf_dsq_move_vtime", "scx_bpf_dsq_peek",
	"scx_bpf_dsq_reenq", "scx_bpf_events", "scx_bpf_get_idle_cpumask_node",
	"scx_bpf_get_idle_smtmask_node", "scx_bpf_locked_rq", "scx_bpf_now",
	"scx_bpf_nr_node_ids", "scx_bpf_pick_any_cpu_node", "scx_bpf_pick_idle_cpu_node",
	"scx_bpf_reenqueue_local___v2", "scx_bpf_select_cpu_and", "scx_bpf_sub_dispatch",
	"scx_bpf_task_set_dsq_vtime", "scx_bpf_task_set_slice", "scx_bpf_tid_to_task",
	"bpf_cpumask_populate",
};

/* 6.12 kfuncs that 7.2 no longer has (renamed in 6.13, aliases removed later). */
static const char *const gone_in_72[] = {
	"scx_bpf_consume", "scx_bpf_dispatch", "scx_bpf_dispatch_from_dsq",
	"scx_bpf_dispatch_from_dsq_set_slice", "scx_bpf_dispatch_from_dsq_set_vtime",
	"scx_bpf_dispatch_vtime", "scx_bpf_dispatch_vtime_from_dsq",
};

/* sched_ext kfuncs of 7.2 that 7.0 does not have yet (the cid interface, sub-schedulers). */
static const char *const not_in_70[] = {
	"scx_bpf_cid_curr", "scx_bpf_cid_override", "scx_bpf_cid_to_cpu", "scx_bpf_cid_topo",
	"scx_bpf_cidperf_cap", "scx_bpf_cidperf_cur", "scx_bpf_cidperf_set", "scx_bpf_cpu_to_cid",
	"scx_bpf_dsq_move_to_local___v2", "scx_bpf_dsq_reenq", "scx_bpf_kick_cid", "scx_bpf_nr_cids",
	"scx_bpf_nr_online_cids", "scx_bpf_sub_dispatch", "scx_bpf_task_cid", "scx_bpf_this_cid",
	"scx_bpf_tid_to_task",
};

/* The 7.2 kfunc that 7.3 no longer has. */
static const char *const gone_in_73[] = { "scx_bpf_cpu_rq" };

/* sched_ext enumerators of 7.2 that 7.0 does not have (those a policy names). */
static const char *const enums_not_in_70[] = {
	"SCX_ENQ_IMMED", "SCX_OPS_ALWAYS_ENQ_IMMED", "SCX_OPS_TID_TO_TASK", "SCX_EXIT_PARENT",
	"SCX_REENQ_ANY", "SCX_ENQ_GDSQ_FALLBACK", "SCX_DEQ_SCHED_CHANGE",
};

/* sched_ext enumerators that 6.12 does not have, and 6.12's that 7.2 dropped. */
static const char *const enums_not_in_612[] = {
	"SCX_ENQ_IMMED", "SCX_OPS_ALWAYS_ENQ_IMMED", "SCX_OPS_TID_TO_TASK",
	"SCX_OPS_BUILTIN_IDLE_PER_NODE", "SCX_PICK_IDLE_IN_NODE", "SCX_EXIT_PARENT_KILL",
};
static const char *const enums_gone_in_72[] = {
	"SCX_OPS_HAS_CGROUP_WEIGHT",
};

static bool listed(const char *const *list, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], name, len))
			return true;
	return false;
}

/* The name libbpf matches against the kernel: without a trailing ___flavour. */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n; i >= 4; i--) {
		const char *s = name + i - 4;
		if (s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' && i < n && name[i] != '_')
			return i - 3;
	}
	return n;
}

uint32_t sim_bpf__kernel_version(void)
{
	struct sim *sim = sim__current();

	return sim && sim->cfg.kernel_version ? sim->cfg.kernel_version : KV(7, 2, 13);
}

static bool is_612(void)
{
	return sim_bpf__kernel_version() < KV(7, 0, 0);
}

bool scxsim_ksym_exists(const char *name)
{
	size_t len = essential_len(name);

	uint32_t v = sim_bpf__kernel_version();

	if (is_612())
		return !listed(not_in_612, sizeof(not_in_612) / sizeof(not_in_612[0]), name, len);
	if (listed(gone_in_72, sizeof(gone_in_72) / sizeof(gone_in_72[0]), name, len))
		return false;
	if (v < KV(7, 1, 0) && listed(not_in_70, sizeof(not_in_70) / sizeof(not_in_70[0]), name, len))
		return false;
	return !(v >= KV(7, 3, 0) && listed(gone_in_73, sizeof(gone_in_73) / sizeof(gone_in_73[0]), name, len));
}

bool scxsim_enum_exists(const char *name)
{
	size_t len = strlen(name);

	if (is_612())
		return !listed(enums_not_in_612, sizeof(enums_not_in_612) / sizeof(enums_not_in_612[0]),
			       name, len);
	if (sim_bpf__kernel_version() < KV(7, 1, 0))
		/* 7.0 still has SCX_OPS_HAS_CGROUP_WEIGHT */
		return !listed(enums_not_in_70, sizeof(enums_not_in_70) / sizeof(enums_not_in_70[0]), name, len);
	return !listed(enums_gone_in_72, sizeof(enums_gone_in_72) / sizeof(enums_gone_in_72[0]), name,
		       len);
}
