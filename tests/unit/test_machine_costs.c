/*
 * The host's machine costs as `scxlab calibrate --target host` measures them: every figure is
 * measured (not 0), physically possible (a sleep never ends early, a wakeup takes time) and
 * within what any machine takes (a switch under 1 ms, a wakeup under 10 ms).
 */
#include <criterion/criterion.h>

#include "harness/real/machine_probe.h"

Test(machine_costs, the_host_probe_measures_each_cost, .timeout = 120)
{
	struct machine_costs m;
	char err[256];

	cr_assert_eq(machine_probe__host(&m, err, sizeof(err)), 0, "%s", err);
	cr_assert_gt(m.samples, 0);
	cr_assert(m.ctx_switch_ns > 0 && m.ctx_switch_ns < 1000000, "switch %llu ns", (unsigned long long)m.ctx_switch_ns);
	cr_assert(m.futex_calls_ns > 0 && m.futex_calls_ns < 1000000, "futex calls %llu ns",
		  (unsigned long long)m.futex_calls_ns);
	cr_assert(m.wakeup_busy_ns > 0 && m.wakeup_busy_ns < 10000000, "wakeup onto a busy CPU %llu ns",
		  (unsigned long long)m.wakeup_busy_ns);
	cr_assert(m.wakeup_idle_ns > 0 && m.wakeup_idle_ns < 10000000, "wakeup onto an idle CPU %llu ns",
		  (unsigned long long)m.wakeup_idle_ns);
	cr_assert(m.timer_late_ns > 0 && m.timer_late_ns < 20000000, "a 1 ms sleep ends %llu ns late",
		  (unsigned long long)m.timer_late_ns);
	cr_assert(m.wake_call_local_ns > 0 && m.wake_call_local_ns < 1000000, "a local FUTEX_WAKE %llu ns",
		  (unsigned long long)m.wake_call_local_ns);
	cr_assert(m.yield_alone_ns > 0 && m.yield_alone_ns < 1000000, "a lone sched_yield() %llu ns",
		  (unsigned long long)m.yield_alone_ns);
	cr_assert(m.wake_call_remote_ns > 0 && m.wake_call_remote_ns < 1000000, "a remote FUTEX_WAKE %llu ns",
		  (unsigned long long)m.wake_call_remote_ns);
	/* the sleeper on the waker's CPU runs only after the waker's call has returned and it blocked */
	cr_assert(m.wake_local_ns > m.wake_call_local_ns && m.wake_local_ns < 10000000,
		  "a sleeper on the waker's CPU ran %llu ns after the wake call began (the call: %llu ns)",
		  (unsigned long long)m.wake_local_ns, (unsigned long long)m.wake_call_local_ns);
	/* a spinner on CPU 1 is interrupted now and then (the tick alone: 100 to 1000 a second) */
	cr_assert(m.noise_hz > 0 && m.noise_hz < 100000, "%llu gaps a second", (unsigned long long)m.noise_hz);
	cr_assert(m.noise_min_ns > NOISE_GAP_NS && m.noise_min_ns <= m.noise_p25_ns && m.noise_p25_ns <= m.noise_p50_ns &&
		  m.noise_p50_ns <= m.noise_p90_ns && m.noise_p90_ns <= m.noise_p99_ns && m.noise_p99_ns <= m.noise_max_ns,
		  "gaps %llu/%llu/%llu/%llu/%llu/%llu ns", (unsigned long long)m.noise_min_ns,
		  (unsigned long long)m.noise_p25_ns, (unsigned long long)m.noise_p50_ns, (unsigned long long)m.noise_p90_ns,
		  (unsigned long long)m.noise_p99_ns, (unsigned long long)m.noise_max_ns);
}
