/*
 * What stressor operations cost the CPU on the target (ns per operation), the simulator's
 * side of calibration. Defaults are measured on the project's reference machine (see
 * docs/calibration.md); `scxlab calibrate` measures a target's own, and a calibration file
 * (workloads/calibration/NAME.cal) overrides them.
 */
#ifndef WORKLOADS_STRESSORS_COSTS_H
#define WORKLOADS_STRESSORS_COSTS_H

#include <stddef.h>
#include <stdint.h>

struct stressor_costs {
	uint64_t cpu_op_ns;        /* one cpu bogo-op (default method "all") */
	uint64_t yield_ns;         /* a sched_yield() call */
	uint64_t pipe_write_ns;    /* write() of one packet into a pipe */
	uint64_t pipe_read_ns;     /* read() of one packet */
	uint64_t pipe_data_write_ns; /* the pipe stressor's 512-byte packet: filled and written; */
	uint64_t pipe_data_read_ns;  /* ... read (0: pipe_write_ns / pipe_read_ns, switch's packet) */
	uint64_t eventfd_ns;       /* write() or read() of an eventfd */
	uint64_t mq_ns;            /* mq_send() or mq_receive() */
	uint64_t futex_ns;         /* a futex wake or wait call */
	uint64_t sem_ns;           /* sem_trywait() + sem_post() */
	uint64_t sleep_call_ns;    /* entering and leaving a sleep call */
	uint64_t sleep_loop_ns;    /* one pass of a stress-ng 0.15.06 sleep thread (it spins) */
	uint64_t affinity_ns;      /* sched_setaffinity() + the op's work */
	uint64_t fork_parent_ns;   /* fork() + waitpid() in the parent */
	uint64_t fork_child_ns;    /* the child's life until exit */
	uint64_t clone_parent_ns;
	uint64_t clone_child_ns;
	uint64_t pipeherd_ns;      /* a pipeherd hop: read, write */
};

/* The built-in defaults. */
void stressor_costs__defaults(struct stressor_costs *c);
/*
 * Read a calibration file ("key value" lines, `#` comments; keys are the field names above,
 * plus the machine costs of sim_costs prefixed "machine." which go to @machine if non-NULL).
 * 0, or -1 with "FILE:LINE: ..." in @err.
 */
struct sim_costs;
int stressor_costs__load(struct stressor_costs *c, struct sim_costs *machine, const char *path,
			 char *err, size_t errlen);

#endif
