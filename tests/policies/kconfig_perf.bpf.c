/*
 * A fixture policy that declares __kconfig values with its own types (as upstream schedulers
 * do: `unsigned`, `unsigned long`, `bool`, `unsigned char`) and reads a perf event array in
 * ops.running, recording what it saw, for the tests of kconfig typing and perf events.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

extern unsigned CONFIG_HZ __kconfig;
extern unsigned long CONFIG_NR_CPUS __kconfig;
extern bool CONFIG_X86_64 __kconfig __weak;
extern unsigned char CONFIG_PREEMPT_RT __kconfig __weak;

u64 seen_hz, seen_nr_cpus, seen_x86_64, seen_preempt_rt;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(int));
	__uint(max_entries, 8);
} counters SEC(".maps");

/* per CPU: reads that succeeded, the last error, the last and the previous counter */
u64 nr_reads[8], nr_enoent[8], last_counter[8], went_backwards;

s32 BPF_STRUCT_OPS_SLEEPABLE(kconfig_perf_init)
{
	seen_hz = CONFIG_HZ;
	seen_nr_cpus = CONFIG_NR_CPUS;
	seen_x86_64 = CONFIG_X86_64;
	seen_preempt_rt = CONFIG_PREEMPT_RT;
	return 0;
}

void BPF_STRUCT_OPS(kconfig_perf_running, struct task_struct *p)
{
	struct bpf_perf_event_value v;
	u32 cpu = bpf_get_smp_processor_id();
	long ret;

	if (cpu >= 8)
		return;
	ret = bpf_perf_event_read_value(&counters, BPF_F_CURRENT_CPU, &v, sizeof(v));
	if (ret == -ENOENT) {
		nr_enoent[cpu]++;
		return;
	}
	if (ret)
		return;
	if (v.counter < last_counter[cpu] || v.enabled != v.running)
		went_backwards++;
	last_counter[cpu] = v.counter;
	nr_reads[cpu]++;
}

SCX_OPS_DEFINE(kconfig_perf_ops,
	       .init = (void *)kconfig_perf_init,
	       .running = (void *)kconfig_perf_running,
	       .name = "kconfig_perf");
