/*
 * The exit record a policy keeps for its loader (UEI_DEFINE / UEI_RECORD), shared by the BPF
 * side and by user-space code that reads it from the object's .data section.
 */
#ifndef __USER_EXIT_INFO_COMMON_H
#define __USER_EXIT_INFO_COMMON_H

#ifdef __bpf__
#include "vmlinux.h"
typedef s32 uei_s32;
typedef s64 uei_s64;
#else
#include <stdint.h>
typedef int32_t uei_s32;
typedef int64_t uei_s64;
#endif

enum uei_sizes {
	UEI_REASON_LEN = 128,
	UEI_MSG_LEN = 1024,
	UEI_DUMP_DFL_LEN = 32768,
};

struct user_exit_info {
	int kind;		/* enum scx_exit_kind, 0 while the scheduler runs; written last */
	uei_s32 exit_cpu;	/* the CPU that triggered the exit, -1 if none */
	uei_s64 exit_code;	/* scx_bpf_exit() code with SCX_ECODE_* bits */
	char reason[UEI_REASON_LEN];
	char msg[UEI_MSG_LEN];
};

#endif
