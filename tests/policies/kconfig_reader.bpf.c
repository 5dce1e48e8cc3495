/*
 * A fixture policy that records the __kconfig values it sees at ops.init, for the test that
 * the simulator answers them as the emulated kernel (Linux 7.2, HZ=250).
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

extern unsigned long CONFIG_HZ __kconfig;

u64 seen_hz, seen_version;

s32 BPF_STRUCT_OPS_SLEEPABLE(kconfig_init)
{
	seen_hz = CONFIG_HZ;
	seen_version = LINUX_KERNEL_VERSION;
	return 0;
}

SCX_OPS_DEFINE(kconfig_ops,
	       .init = (void *)kconfig_init,
	       .name = "kconfig_reader");
