/*
 * Linux 7.2 sched_ext kfuncs that policies may call but scxsim/kfuncs.h does not declare (yet),
 * with the kernel's names and BPF-visible signatures. Declaring them lets such sources compile;
 * a policy that calls one links only once libscxsim exports it. Move an entry to
 * scxsim/kfuncs.h when the simulator implements it (duplicate declarations are harmless).
 */
#ifndef __SCX_KFUNCS_EXTRA_BPF_H
#define __SCX_KFUNCS_EXTRA_BPF_H

#include "vmlinux.h"

/* Re-enqueue the tasks of a DSQ (SCX_DSQ_LOCAL, a SCX_DSQ_LOCAL_ON | cpu or a user DSQ). */
void scx_bpf_dsq_reenq(u64 dsq_id, u64 reenq_flags);

/* The task with scx tid @tid (needs SCX_OPS_TID_TO_TASK), or NULL. */
struct task_struct *scx_bpf_tid_to_task(u64 tid);

#endif /* __SCX_KFUNCS_EXTRA_BPF_H */
