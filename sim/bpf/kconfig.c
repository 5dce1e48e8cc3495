/*
 * The kernel configuration values BPF programs read as `extern ... __kconfig` (libbpf fills
 * them from the running kernel's config): those of the kernel the simulator emulates, Debian's
 * 7.2 cloud kernel (HZ=250, the same as SIM_HZ).
 */
#include "sim/core/sim.h"
#include "sim/shim/scxsim/helpers.h"

/* KERNEL_VERSION(7, 2, 13) */
int LINUX_KERNEL_VERSION = (7 << 16) | (2 << 8) | 13;
const char CONFIG_CC_VERSION_TEXT[64] = "scxlab simulator (emulating Linux 7.2)";
const char CONFIG_LOCALVERSION[64] = "";
unsigned long CONFIG_HZ = SIM_HZ;
int CONFIG_NR_CPUS = NR_CPUS;
_Bool CONFIG_SCHED_CLASS_EXT = 1;
_Bool CONFIG_EXT_GROUP_SCHED = 1;
_Bool CONFIG_SCHED_SMT = 1;
_Bool CONFIG_NUMA = 1;
