/*
 * The fault classes (see fault_classes.h).
 */
#include "harness/fault_classes.h"

#include <string.h>

/* fault_after_ns = FAULT_AT_S; exit_code 1 << 48 is SCX_ECODE_ACT_RESTART */
#define AFTER "fault_after_ns=1000000000"

const struct fault_class fault_classes[] = {
	{ "stall", "the policy stops dispatching user tasks; the watchdog ejects it",
	  { "fault=1", AFTER }, NULL, 1026, false, true, NULL },
	{ "bpf-error", "scx_bpf_error() from ops.enqueue", { "fault=2", AFTER }, NULL, 1025, false, false, NULL },
	{ "bogus-dsq", "insert into a DSQ that was never created", { "fault=3", AFTER }, NULL, 1024, false, false, NULL },
	{ "double-dispatch", "direct-dispatch the same task twice", { "fault=4", AFTER }, NULL, 1024, false, false, NULL },
	{ "vtime-builtin", "vtime-ordered insert into the built-in global DSQ", { "fault=5", AFTER }, NULL, 1024,
	  false, false, NULL },
	{ "exit", "scx_bpf_exit(42)", { "fault=6", AFTER, "exit_code=42" }, NULL, 65, false, false, NULL },
	{ "exit-restart", "scx_bpf_exit() with SCX_ECODE_ACT_RESTART: the loader loads it again",
	  { "fault=6", AFTER, "exit_code=281474976710656" }, NULL, 65, true, false, NULL },
	{ "loader-gone", "the loader lets go of the struct_ops link (as when it is killed)", { NULL }, "unreg", 64,
	  false, false, NULL },
	{ "sysrq", "SysRq-S", { NULL }, "sysrq", 67, false, false, NULL },
	{ "cpu-offline", "CPU 1 goes offline; the policy has no cpu_online/cpu_offline", { NULL }, "offline:1", 66,
	  true, false, NULL },
	{ "kernel-error", "a runtime error raised by the kernel at a chosen time", { NULL }, "error", 1024, false, false,
	  "the kernel has no way to raise an error in a policy from outside; its errors come from the "
	  "policy's own calls (bogus-dsq, double-dispatch, vtime-builtin)" },
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
	switch (kind) {
	case 0: return "SCX_EXIT_NONE";
	case 64: return "SCX_EXIT_UNREG";
	case 65: return "SCX_EXIT_UNREG_BPF";
	case 66: return "SCX_EXIT_UNREG_KERN";
	case 67: return "SCX_EXIT_SYSRQ";
	case 1024: return "SCX_EXIT_ERROR";
	case 1025: return "SCX_EXIT_ERROR_BPF";
	case 1026: return "SCX_EXIT_ERROR_STALL";
	default: return "SCX_EXIT_OTHER";
	}
}
