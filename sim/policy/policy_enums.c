/*
 * The SCX_* constants of the simulated kernel, through the same rodata the real loader fills:
 * scx's `scx/enums.autogen.bpf.h` declares each constant as `const volatile u64 __SCX_NAME`
 * and libbpf-based loaders (scxlab-kload included) set it from the kernel's BTF before load.
 * Opening a .sim.so sets every such global it has to the shim's vmlinux.h value, so both
 * worlds read identical constants. Names the simulated kernel lacks keep their default.
 */
#include "sim/policy/policy_internal.h"
#include "sim/shim/vmlinux.h"

#include <string.h>

#define E(name) { "__" #name, (uint64_t)(name) }
static const struct {
	const char *global;
	uint64_t value;
} kernel_enums[] = {
	E(SCX_DEQ_SCHED_CHANGE),
	E(SCX_DSQ_FLAG_BUILTIN),
	E(SCX_DSQ_FLAG_LOCAL_ON),
	E(SCX_DSQ_GLOBAL),
	E(SCX_DSQ_INVALID),
	E(SCX_DSQ_LOCAL),
	E(SCX_DSQ_LOCAL_CPU_MASK),
	E(SCX_DSQ_LOCAL_ON),
	E(SCX_ENQ_CLEAR_OPSS),
	E(SCX_ENQ_DSQ_PRIQ),
	E(SCX_ENQ_HEAD),
	E(SCX_ENQ_IMMED),
	E(SCX_ENQ_LAST),
	E(SCX_ENQ_PREEMPT),
	E(SCX_ENQ_REENQ),
	E(SCX_ENQ_WAKEUP),
	E(SCX_KICK_IDLE),
	E(SCX_KICK_PREEMPT),
	E(SCX_KICK_WAIT),
	E(SCX_OPS_NAME_LEN),
	E(SCX_SLICE_DFL),
	E(SCX_SLICE_INF),
	E(SCX_TASK_CURSOR),
	E(SCX_TASK_DEQD_FOR_SLEEP),
	E(SCX_TASK_ENABLED),
	E(SCX_TASK_IMMED),
	E(SCX_TASK_INIT),
	E(SCX_TASK_NONE),
	E(SCX_TASK_QUEUED),
	E(SCX_TASK_READY),
	E(SCX_TASK_RESET_RUNNABLE_AT),
	E(SCX_TASK_STATE_BITS),
	E(SCX_TASK_STATE_MASK),
	E(SCX_TASK_STATE_SHIFT),
	E(SCX_TASK_SUB_INIT),
};

int policy__import_kernel_enums(struct sim_policy *pol)
{
	int n = 0;

	for (int i = 0; i < pol->nr_knobs; i++) {
		struct policy_knob *k = &pol->knobs[i];

		if (strncmp(k->name, "__SCX_", 6) || k->is_array || k->elem_size != 8 || k->folded)
			continue;
		for (size_t e = 0; e < sizeof(kernel_enums) / sizeof(kernel_enums[0]); e++)
			if (!strcmp(k->name, kernel_enums[e].global)) {
				memcpy(k->addr, &kernel_enums[e].value, 8);
				n++;
				break;
			}
	}
	return n;
}
