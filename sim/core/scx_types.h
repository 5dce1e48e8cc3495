/*
 * Per-CPU and per-task state of the sched_ext core (embedded in sim_cpu and sim_task), and the
 * dispatch queue type. Kept apart from the logic (the .c files of sim/scx), in the core's layer,
 * so the core can embed it (as the kernel's include/linux/sched/ext.h holds sched_ext_entity).
 */
#ifndef SIM_CORE_SCX_TYPES_H
#define SIM_CORE_SCX_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/engine/treap.h"
#include "sim/shim/vmlinux.h"

struct sim_task;

/* A dispatch queue: a list in dispatch order. In PRIQ mode the list is kept in vtime order. */
struct scx_dsq {
	uint64_t id;
	struct sim_task *head, *tail;
	uint32_t nr;
	uint32_t seq;      /* bumped per insert, for iterators */
	bool has_fifo;     /* holds FIFO-inserted tasks */
	bool has_priq;     /* holds vtime-ordered tasks */
	bool is_local;
	bool destroyed;
	int cpu;           /* for local DSQs */
	int node;          /* creation node (user DSQs) */
	struct scx_dsq *hash_next; /* user DSQ table chaining */
	/* vtime index of a PRIQ DSQ: the same tasks as the list, in the same order */
	struct sim_treap vt;
	bool vt_unindexed;     /* FIFO and PRIQ mixed (an error): the list is searched instead */
};

enum scx_ops_state {
	SCX_OPSS_NONE,        /* not in BPF custody */
	SCX_OPSS_QUEUED,      /* handed to ops.enqueue and not dispatched yet */
	SCX_OPSS_DISPATCHING, /* being moved out of custody */
};

struct scx_task {
	struct scx_dsq *dsq;          /* DSQ the task sits on, or NULL */
	struct sim_task *dsq_next, *dsq_prev;
	uint32_t dsq_seq;             /* dsq->seq when inserted */
	bool on_priq;
	struct sim_treap_node vt_node; /* in dsq->vt when on a PRIQ DSQ */
	enum scx_ops_state ops_state;
	uint32_t qseq;                /* bumped each time the task enters ops.enqueue */
	bool ddsp_pending;            /* a direct dispatch verdict is recorded */
	uint64_t ddsp_dsq_id;
	uint64_t ddsp_enq_flags;
	const void *ddsp_site;        /* where in the policy the verdict was given */
	int ddsp_op;                  /* enum scx_op of that callback */
	bool in_custody;              /* ops.dequeue owed when leaving BPF custody */
	uint32_t reenq_count;
	bool enabled;                 /* ops.enable ran (task is on the policy) */
	bool init_done;               /* ops.init_task ran */
	bool ran_on_scx;              /* has run since enable (for exit_task cancelled) */
	uint64_t runnable_at_ns;      /* for the watchdog */
	bool runnable_at_valid;
	bool cpu_selected;            /* select_cpu ran for the pending enqueue */
	uint32_t last_weight;         /* weight / mask the policy was last told about */
	struct cpumask last_mask;
};

/* One entry of a CPU's dispatch buffer (scx_bpf_dsq_insert from ops.dispatch). */
struct scx_dsp_ent {
	struct sim_task *task;
	uint32_t qseq;
	uint64_t dsq_id;
	uint64_t enq_flags;
	uint64_t slice;
	uint64_t vtime;
	bool vtime_insert;
	const void *site;             /* the policy's call of the insert, for error reports */
};

struct scx_rq {
	struct scx_dsq local;
	struct scx_dsq bypass;
	uint32_t nr_running;   /* ext tasks enqueued on this CPU (queued anywhere or running) */
	struct scx_dsp_ent *dsp_buf;
	uint32_t dsp_cnt;
	uint32_t dsp_nr_tasks; /* entries flushed in the current dispatch round */
	bool in_balance;
	bool cpu_released;
	uint64_t pending_kick;   /* SCX_KICK_* requested toward this CPU */
	bool idle;               /* built-in idle tracking: CPU idle bit */
	uint32_t cpuperf;
	uint64_t kick_wait_seq;  /* bumped on each switch-out, for SCX_KICK_WAIT */
	uint64_t nr_dsp_placed;  /* tasks this CPU's ops.dispatch placed in a DSQ (any CPU's) */
};

#endif
