/*
 * bpf_arena_spin_lock.h (queued spin locks in arena memory) for the simulator build.
 *
 * Simulated callbacks run one at a time to completion (docs/architecture.md), so a lock a
 * callback takes is never held by another CPU: taking one always succeeds at once and
 * releasing it only clears the word. The lock word is kept so that a policy that reads it
 * sees locked/unlocked as on the kernel.
 */
#ifndef __SCXSIM_BPF_ARENA_SPIN_LOCK_H
#define __SCXSIM_BPF_ARENA_SPIN_LOCK_H

#include "vmlinux.h"
#include "scx/bpf_arena_common.bpf.h"
#include "bpf_atomic.h"

struct __qspinlock {
	union {
		u32 val;
		struct {
			u8 locked;
			u8 pending;
		};
	};
};
#define arena_spinlock_t struct __qspinlock

static inline int arena_spin_trylock(arena_spinlock_t __arena *lock)
{
	if (lock->val)
		return 0;
	lock->val = 1;
	return 1;
}

/* 0 on success, as the kernel side; a lock already held by this callback is a deadlock there
 * (the kernel side times out with -ETIMEDOUT; so does this one, at once). */
static inline int arena_spin_lock(arena_spinlock_t __arena *lock)
{
	return arena_spin_trylock(lock) ? 0 : -110;
}

static inline void arena_spin_unlock(arena_spinlock_t __arena *lock)
{
	lock->val = 0;
}

#define arena_spin_lock_irqsave(lock, flags) ((void)(flags), arena_spin_lock(lock))
#define arena_spin_unlock_irqrestore(lock, flags) ((void)(flags), arena_spin_unlock(lock))

#endif
