/*
 * The fault classes (see fault_classes.h).
 */
#include "harness/fault/fault_classes.h"
#include "harness/results/verdict.h"

#include <string.h>

/* fault_after_ns = FAULT_AT_S; exit_code 1 << 48 is SCX_ECODE_ACT_RESTART */
#define AFTER "fault_after_ns=1000000000"
#define NO_FALLBACK "fallback_after_ns=0"

const struct fault_class fault_classes[] = {
	{ .name = "stall", .what = "the policy stops dispatching user tasks; the watchdog ejects it",
	  .policy = FP_FAULTY, .knobs = { "fault=1", AFTER }, .expected_kind = 1026, .stall_window = true },
	{ .name = "bpf-error", .what = "scx_bpf_error() from ops.enqueue", .policy = FP_FAULTY,
	  .knobs = { "fault=2", AFTER }, .expected_kind = 1025 },
	{ .name = "bogus-dsq", .what = "insert into a DSQ that was never created", .policy = FP_FAULTY,
	  .knobs = { "fault=3", AFTER }, .expected_kind = 1024 },
	{ .name = "double-dispatch", .what = "direct-dispatch the same task twice", .policy = FP_FAULTY,
	  .knobs = { "fault=4", AFTER }, .expected_kind = 1024 },
	{ .name = "vtime-builtin", .what = "vtime-ordered insert into the built-in global DSQ", .policy = FP_FAULTY,
	  .knobs = { "fault=5", AFTER }, .expected_kind = 1024 },
	{ .name = "exit", .what = "scx_bpf_exit(42)", .policy = FP_FAULTY, .knobs = { "fault=6", AFTER, "exit_code=42" },
	  .expected_kind = 65 },
	{ .name = "exit-restart", .what = "scx_bpf_exit() with SCX_ECODE_ACT_RESTART: the loader loads it again",
	  .policy = FP_FAULTY, .knobs = { "fault=6", AFTER, "exit_code=281474976710656" }, .expected_kind = 65,
	  .expect_restart = true },
	{ .name = "loader-gone", .what = "the loader lets go of the struct_ops link (as when it is killed)",
	  .policy = FP_ANY, .inject = "unreg", .expected_kind = 64 },
	{ .name = "sysrq", .what = "SysRq-S", .policy = FP_ANY, .inject = "sysrq", .expected_kind = 67 },
	{ .name = "cpu-offline", .what = "CPU 1 goes offline; the policy has no cpu_online/cpu_offline",
	  .policy = FP_ANY, .inject = "offline:1", .expected_kind = 66, .expect_restart = true },
	{ .name = "kernel-error", .what = "a runtime error raised by the kernel at a chosen time", .policy = FP_ANY,
	  .inject = "error", .expected_kind = 1024,
	  .sim_only = "the kernel has no way to raise an error in a policy from outside; its errors come from the "
		      "policy's own calls (bogus-dsq, double-dispatch, vtime-builtin)" },
	{ .name = "daemon-stall", .what = "the daemon stops deciding; the policy must keep every task running",
	  .policy = FP_HYBRID, .inject = "daemon-stall", .expected_kind = 0, .counter = "stats[2]" },
	{ .name = "daemon-crash", .what = "the daemon dies and its process (the loader) with it",
	  .policy = FP_HYBRID, .inject = "daemon-crash", .expected_kind = 64 },
	{ .name = "daemon-stall-strict", .what = "scxl_user without its fallback: its daemon stops, the watchdog ejects it",
	  .policy = FP_USER, .knobs = { NO_FALLBACK }, .daemon = true, .inject = "daemon-stall", .expected_kind = 1026,
	  .stall_window = true },
	{ .name = "no-daemon", .what = "scxl_user without its fallback and without a daemon: the watchdog ejects it",
	  .policy = FP_USER, .knobs = { NO_FALLBACK }, .expected_kind = 1026, .stall_window = true, .from_load = true },
};

const int nr_fault_classes = sizeof(fault_classes) / sizeof(fault_classes[0]);

const struct fault_class *fault_class__find(const char *name)
{
	for (int i = 0; i < nr_fault_classes; i++)
		if (!strcmp(fault_classes[i].name, name))
			return &fault_classes[i];
	return NULL;
}

const char *fault_kind_name(int kind)
{
	return scx_exit_kind__name(kind);
}
