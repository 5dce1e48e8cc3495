/*
 * UEI_DEFINE() and UEI_RECORD() for the simulator build of a policy.
 *
 * UEI_DEFINE(name) gives the same three globals as the kernel's header: `char name_dump[]` in
 * section ".data.name_dump", `const volatile u32 name_dump_len` (a knob the loader sets, like
 * the kernel loader's UEI_SET_SIZE) and `struct user_exit_info name` in ".data". A BPF loader
 * resizes name_dump; here it is a fixed UEI_DUMP_DFL_LEN bytes, and UEI_RECORD never copies more
 * than that, whatever name_dump_len says.
 *
 * UEI_RECORD(name, ei) copies the reason, message and dump strings out of the scx_exit_info,
 * then exit_code and exit_cpu, and stores the kind last through an atomic compare-and-swap, so a
 * reader that sees a non-zero kind sees the rest too.
 */
#ifndef __USER_EXIT_INFO_BPF_H
#define __USER_EXIT_INFO_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "user_exit_info_common.h"

#define UEI_DEFINE(__name)							\
	char __name##_dump[UEI_DUMP_DFL_LEN] SEC(".data." #__name "_dump");	\
	const volatile u32 __name##_dump_len;					\
	struct user_exit_info __name SEC(".data")

/* the dump buffer's length, clamped to what UEI_DEFINE allocates (the buffer may be declared
 * `extern char uei_dump[]` in the source that records the exit) */
#define __UEI_DUMP_LEN(__name)							\
	(__name##_dump_len < UEI_DUMP_DFL_LEN ? __name##_dump_len : (u32)UEI_DUMP_DFL_LEN)

#define UEI_RECORD(__name, __ei)						\
({										\
	bpf_probe_read_kernel_str(__name.reason, sizeof(__name.reason),	\
				  (__ei)->reason);				\
	bpf_probe_read_kernel_str(__name.msg, sizeof(__name.msg),		\
				  (__ei)->msg);					\
	bpf_probe_read_kernel_str(__name##_dump, __UEI_DUMP_LEN(__name),	\
				  (__ei)->dump);				\
	__name.exit_code = (__ei)->exit_code;					\
	__name.exit_cpu = (__ei)->exit_cpu;					\
	__sync_val_compare_and_swap(&__name.kind, __name.kind, (__ei)->kind);	\
})

#endif /* __USER_EXIT_INFO_BPF_H */
