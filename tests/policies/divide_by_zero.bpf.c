/*
 * A fixture policy that divides by zero in ops.enqueue, as BPF allows: BPF defines x / 0 = 0
 * and x % 0 = x (the kernel's verifier patches every division so), and a signed INT_MIN / -1
 * is INT_MIN with remainder 0. A global FIFO that, at every enqueue, divides by a divisor it
 * reads from memory (0, unknown to the compiler and to the verifier), keeps scheduling, and at
 * its `report_after`-th enqueue exits with the results in the exit message, so the simulator's
 * results can be compared with the kernel's. `signed_ops=1` reports the signed cases instead
 * (sdiv/smod: BPF CPU v4, so the simulator build only).
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0

const volatile u64 report_after = 50;
const volatile u32 signed_ops;

u64 divisor;              /* .bss: 0, and neither compiler nor verifier may assume it */
s64 minus_one = -1;
s64 most_negative = -0x7fffffffffffffffLL - 1;
s32 most_negative32 = -0x7fffffff - 1;

static u64 nr_enqueued, quotients, remainders;

UEI_DEFINE(uei); /* the real loader reads the exit message from here */

void BPF_STRUCT_OPS(div_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 x = 1000 + (nr_enqueued++ % 7);
	u32 y = (u32)x;

	quotients += x / divisor;      /* 0 each time */
	remainders += x % divisor;     /* x each time */
	if (nr_enqueued == report_after) {
#ifndef __bpf__
		if (signed_ops) {
			s64 m = most_negative, n = minus_one, neg = -(s64)x;
			s32 m32 = most_negative32, n32 = (s32)minus_one;

			scx_bpf_exit(0, "s64 MIN/-1=%lld MIN%%-1=%lld s32 MIN/-1=%d MIN%%-1=%d s64 %lld/0=%lld %lld%%0=%lld",
				     m / n, m % n, m32 / n32, m32 % n32, neg, neg / (s64)divisor, neg, neg % (s64)divisor);
			return;
		}
#endif
		scx_bpf_exit(0, "u64 %llu/0=%llu %llu%%0=%llu u32 %u/0=%u %u%%0=%u sums %llu %llu",
			     x, x / divisor, x, x % divisor, y, y / (u32)divisor, y, y % (u32)divisor,
			     quotients, remainders);
	}
	scx_bpf_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

void BPF_STRUCT_OPS(div_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

void BPF_STRUCT_OPS(div_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(div_init)
{
	return scx_bpf_create_dsq(SHARED_DSQ, -1);
}

SCX_OPS_DEFINE(div_ops,
	       .enqueue = (void *)div_enqueue,
	       .dispatch = (void *)div_dispatch,
	       .init = (void *)div_init,
	       .exit = (void *)div_exit,
	       .name = "divide_by_zero");
