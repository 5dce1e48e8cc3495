/*
 * The machine costs of this host, measured (docs/calibration.md): what a context switch costs
 * the CPU, how long a task woken onto another CPU waits for it (the IPI, and the idle exit when
 * that CPU was idle), what the waker itself spends waking a task on another CPU rather than
 * its own (the IPI it sends), how long a task woken on the waker's own CPU waits for the waker
 * to return and block, what a sched_yield() costs with nothing to switch to, and how late a
 * timed sleep ends, and how often and how long something takes CPU 1 from a spinning task
 * (machine noise). Each is the median of many samples by
 * threads pinned to two CPUs, with futexes and clock_nanosleep, no other tool; on a loaded
 * machine the lower quartile is kept (another task in the way only ever adds time).
 */
#ifndef HARNESS_MACHINE_PROBE_H
#define HARNESS_MACHINE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct machine_costs {
	uint64_t ctx_switch_ns;     /* CPU time of one switch between two tasks on one CPU */
	uint64_t wakeup_busy_ns;    /* wake to running, the other CPU busy with a lower-priority task */
	uint64_t wakeup_idle_ns;    /* wake to running, the other CPU idle */
	uint64_t timer_late_ns;     /* a 1 ms clock_nanosleep ends this much later, on an idle CPU */
	uint64_t futex_calls_ns;    /* a FUTEX_WAKE without waiter plus a FUTEX_WAIT that returns at once */
	uint64_t wake_call_remote_ns; /* the waker's FUTEX_WAKE of a sleeper on the other, idle CPU */
	uint64_t wake_call_local_ns;  /* ... of a sleeper on its own CPU (that does not preempt it) */
	uint64_t wake_local_ns;     /* that sleeper on the waker's CPU: from the FUTEX_WAKE call to it
				       running, the waker returning and entering FUTEX_WAIT meanwhile */
	uint64_t yield_alone_ns;    /* a sched_yield() with nothing else to run: no switch */
	/* machine noise: a SCHED_FIFO spinner on CPU 1 reading CLOCK_MONOTONIC for NOISE_SPIN_NS
	   sees gaps above NOISE_GAP_NS (interrupts, VM exits, the vCPU descheduled) */
	uint64_t noise_hz;          /* that many a second */
	uint64_t noise_min_ns;      /* their lengths: minimum, lower quartile, median, 90th and */
	uint64_t noise_p25_ns;      /* 99th percentiles, maximum */
	uint64_t noise_p50_ns;
	uint64_t noise_p90_ns;
	uint64_t noise_p99_ns;
	uint64_t noise_max_ns;
	uint64_t noise_fifo;        /* 1: the spinner was SCHED_FIFO (else a normal task: its gaps
				       include other tasks' turns) */
	int samples;                /* per measurement */
};

#define NOISE_SPIN_NS 500000000ULL
#define NOISE_GAP_NS 1000ULL

/* Measure on CPUs 0 and 1 (needs two). 0, or -1 with the reason in @err. */
int machine_probe__host(struct machine_costs *out, char *err, size_t errlen);

/* @mc as `SCXLAB-MACHINE KEY VALUE` lines (what scxlab-mprobe prints in a guest). */
void machine_costs__print(FILE *f, const struct machine_costs *mc);
/* One such line's KEY and VALUE into @mc; false for an unknown key. */
bool machine_costs__set(struct machine_costs *mc, const char *key, unsigned long long v);

#endif
