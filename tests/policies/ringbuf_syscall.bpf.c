/*
 * A fixture policy for the ring-buffer and syscall-program tests: a global FIFO that reports
 * every enqueue through a ring buffer (pid, CPU, enqueue count), takes commands from user space
 * through a user ring buffer, and has a SEC("syscall") program that adds to a counter and
 * creates a DSQ, as loaders do after load.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

struct enq_event {
	s32 pid;
	u32 cpu;        /* seq increases per CPU (CPUs enqueue concurrently on a real kernel) */
	u64 seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} commands SEC(".maps");

u64 nr_enqueued, nr_events_dropped, command_sum, syscall_sum;

struct rbs_syscall_args {
	u64 add;
	u64 dsq_id;
};

SEC("syscall")
int add_and_create(struct rbs_syscall_args *args)
{
	syscall_sum += args->add;
	return scx_bpf_create_dsq(args->dsq_id, -1) ? -1 : 7;
}

static long read_command(struct bpf_dynptr *dynptr, void *ctx)
{
	u64 v;

	if (!bpf_dynptr_read(&v, sizeof(v), dynptr, 0, 0))
		command_sum += v;
	return 0;
}

void BPF_STRUCT_OPS(rbs_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 seq = __sync_add_and_fetch(&nr_enqueued, 1);
	struct enq_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (e) {
		e->pid = p->pid;
		e->cpu = bpf_get_smp_processor_id();
		e->seq = seq;
		bpf_ringbuf_submit(e, 0);
	} else {
		nr_events_dropped++;
	}
	bpf_user_ringbuf_drain(&commands, read_command, NULL, 0);
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SCX_OPS_DEFINE(rbs_ops,
	       .enqueue = (void *)rbs_enqueue,
	       .name = "ringbuf_syscall");
