/*
 * A fixture policy whose verdict depends on its loader profile (profile_verdict.loader): it
 * runs clean only when every kind of setting arrived, and otherwise ends with an error exit
 * naming the first that did not. The same profile gives the same verdict in the simulator and
 * in the guest, so this pins that both worlds apply a profile alike:
 *   - a rodata value and a .bss struct field by path,
 *   - a before-attach program run once (seen by ops.init: it ran before attach) and one run
 *     per CPU, pinned to that CPU,
 *   - an after-attach program (it ran after ops.init),
 *   - a NULL-ed callback (ops.init_task never called, checked at ticks), a map size, and ops.flags
 *     (SCX_OPS_KEEP_BUILTIN_IDLE: with ops.update_idle, built-in idle tracking is off without it).
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile u32 nr_cpu_ids = 1;
const volatile u64 want_base;

struct verdict_cfg {
	u32 a;
	u16 b[4];
};
struct verdict_cfg cfg;

u32 armed, init_saw_armed, init_task_calls, after_ran, after_saw_init, problem;
u64 marked, ticks;
bool initialized, idle_probed;

UEI_DEFINE(uei); /* the guest's loader reads the exit from here */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* the profile makes it 16 */
	__type(key, u32);
	__type(value, u64);
} sized SEC(".maps");

struct arm_args {
	u32 value;
};

SEC("syscall")
int arm(struct arm_args *args)
{
	armed = args->value;
	return 0;
}

struct mark_args {
	s32 cpu;
};

SEC("syscall")
int mark(struct mark_args *args)
{
	s32 cpu = args->cpu;

	if (cpu >= 0 && cpu < 64 && bpf_get_smp_processor_id() == cpu)
		marked |= 1ULL << cpu;
	return 0;
}

/* After attach: what the profile should have set, as a bit per missing setting. */
SEC("syscall")
int check_profile(void *ctx)
{
	u64 want_marked = nr_cpu_ids >= 64 ? ~0ULL : (1ULL << nr_cpu_ids) - 1;
	u32 key = 15, p = 0;

	if (want_base != 42)
		p |= 1;
	if (cfg.b[2] != 5)
		p |= 2;
	if (init_saw_armed != 7)
		p |= 4;
	if (marked != want_marked)
		p |= 8;
	if (!bpf_map_lookup_elem(&sized, &key))
		p |= 32;
	if (!initialized)
		p |= 64;
	problem = p;
	after_ran = 1;
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(verdict_init)
{
	init_saw_armed = armed;
	initialized = true;
	return 0;
}

s32 BPF_STRUCT_OPS(verdict_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	__sync_fetch_and_add(&init_task_calls, 1);
	return 0;
}

void BPF_STRUCT_OPS(verdict_update_idle, s32 cpu, bool idle)
{
}

void BPF_STRUCT_OPS(verdict_dispatch, s32 cpu, struct task_struct *prev)
{
	if (!idle_probed) {
		idle_probed = true;
		/* an error exit unless ops.flags has SCX_OPS_KEEP_BUILTIN_IDLE */
		scx_bpf_test_and_clear_cpu_idle(cpu);
	}
}

void BPF_STRUCT_OPS(verdict_tick, struct task_struct *p)
{
	u64 t = __sync_add_and_fetch(&ticks, 1);

	/* tasks exist by now (on a kernel, from before attach; in the simulator, forked since) */
	if (init_task_calls)
		problem |= 16;
	if (problem)
		scx_bpf_error("profile not applied: problem bits 0x%x (1 rodata, 2 struct field, 4 before-attach, "
			      "8 per-cpu, 16 null callback, 32 map size, 64 after-attach order)", problem);
	else if (!after_ran && t > 100)
		scx_bpf_error("profile not applied: the after-attach program did not run");
}

void BPF_STRUCT_OPS(verdict_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(profile_verdict_ops,
	       .init = (void *)verdict_init,
	       .init_task = (void *)verdict_init_task,
	       .update_idle = (void *)verdict_update_idle,
	       .dispatch = (void *)verdict_dispatch,
	       .tick = (void *)verdict_tick,
	       .exit = (void *)verdict_exit,
	       .name = "profile_verdict");
