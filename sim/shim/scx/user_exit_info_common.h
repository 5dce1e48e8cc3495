/*
 * struct user_exit_info: where a policy's ops.exit() copies the exit record (UEI_RECORD) so the
 * loader can read it after the scheduler is gone. Shared by the policy side (through
 * scx/user_exit_info.bpf.h) and by the simulator's loader, with the field names, order and
 * sizes of the kernel's tools/sched_ext headers (Linux 7.2, which added exit_cpu).
 */
#ifndef __USER_EXIT_INFO_COMMON_H
#define __USER_EXIT_INFO_COMMON_H

#include <stdbool.h>
#include <stdint.h>

enum uei_sizes {
	UEI_REASON_LEN = 128,
	UEI_MSG_LEN = 1024,
	UEI_DUMP_DFL_LEN = 32768,
};

struct user_exit_info {
	int kind;		/* enum scx_exit_kind; 0 while the scheduler runs */
	int32_t exit_cpu;	/* CPU that caused the exit, -1 if unknown */
	int64_t exit_code;	/* scx_bpf_exit() code, SCX_ECODE_* bits */
	char reason[UEI_REASON_LEN];
	char msg[UEI_MSG_LEN];
};

/* True once the policy has recorded an exit (kind is written last, with a full barrier). */
static inline bool user_exit_info__exited(const struct user_exit_info *uei)
{
	return __atomic_load_n(&uei->kind, __ATOMIC_SEQ_CST) != 0;
}

#endif /* __USER_EXIT_INFO_COMMON_H */
