/*
 * UEI_DEFINE(name) declares a policy's exit record and its dump buffer; UEI_RECORD(name, ei)
 * copies the kernel's struct scx_exit_info into it from ops.exit(), so the loader can say why
 * the scheduler stopped. The kind is stored last, atomically: a reader that sees it non-zero
 * sees the rest.
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

#define UEI_RECORD(__name, __ei)						\
	({									\
		bpf_probe_read_kernel_str(__name.reason, sizeof(__name.reason),	\
					  (__ei)->reason);			\
		bpf_probe_read_kernel_str(__name.msg, sizeof(__name.msg),	\
					  (__ei)->msg);				\
		bpf_probe_read_kernel_str(__name##_dump,			\
					  __name##_dump_len > sizeof(__name##_dump) ? \
					  sizeof(__name##_dump) : __name##_dump_len, \
					  (__ei)->dump);			\
		if (bpf_core_field_exists((__ei)->exit_code))			\
			__name.exit_code = (__ei)->exit_code;			\
		__name.exit_cpu = bpf_core_field_exists((__ei)->exit_cpu) ?	\
				  (__ei)->exit_cpu : -1;						\
		__sync_val_compare_and_swap(&__name.kind, __name.kind, (__ei)->kind); \
	})

#endif
