/*
 * Generic BPF kfuncs that the kernel's scx/common.bpf.h declares for policies: allocated objects,
 * linked lists and rbtrees, task and cgroup references, css iteration, RCU and resilient spin
 * locks. Kernel names and BPF-visible signatures; the simulator's sim/bpf implements them.
 * (bpf_cpumask_* kfuncs and the BPF helpers come from bpf/bpf_helpers.h and scxsim/helpers.h.)
 *
 * Simulator convention: where the kernel's verifier fills in a BTF type id (bpf_obj_new), the
 * shim passes sizeof(type) instead, which is what an allocator in userspace needs.
 */
#ifndef __SCX_BPF_KFUNCS_BPF_H
#define __SCX_BPF_KFUNCS_BPF_H

#include "../vmlinux.h"

/* ---- allocated objects ---- */
void *bpf_obj_new_impl(__u64 local_type_id, void *meta);
void bpf_obj_drop_impl(void *kptr, void *meta);
void *bpf_refcount_acquire_impl(void *kptr, void *meta);

#ifndef bpf_obj_new
#define bpf_obj_new(type) ((type *)bpf_obj_new_impl(sizeof(type), NULL))
#endif
#ifndef bpf_obj_drop
#define bpf_obj_drop(kptr) bpf_obj_drop_impl((kptr), NULL)
#endif
#ifndef bpf_refcount_acquire
#define bpf_refcount_acquire(kptr) bpf_refcount_acquire_impl((kptr), NULL)
#endif

/* ---- lists and rbtrees of allocated objects ---- */
int bpf_list_push_front_impl(struct bpf_list_head *head, struct bpf_list_node *node,
			     void *meta, __u64 off);
int bpf_list_push_back_impl(struct bpf_list_head *head, struct bpf_list_node *node,
			    void *meta, __u64 off);
struct bpf_list_node *bpf_list_pop_front(struct bpf_list_head *head);
struct bpf_list_node *bpf_list_pop_back(struct bpf_list_head *head);
struct bpf_rb_node *bpf_rbtree_remove(struct bpf_rb_root *root, struct bpf_rb_node *node);
int bpf_rbtree_add_impl(struct bpf_rb_root *root, struct bpf_rb_node *node,
			bool (less)(struct bpf_rb_node *a, const struct bpf_rb_node *b),
			void *meta, __u64 off);
struct bpf_rb_node *bpf_rbtree_first(struct bpf_rb_root *root);

#ifndef bpf_list_push_front
#define bpf_list_push_front(head, node) bpf_list_push_front_impl((head), (node), NULL, 0)
#endif
#ifndef bpf_list_push_back
#define bpf_list_push_back(head, node) bpf_list_push_back_impl((head), (node), NULL, 0)
#endif
#ifndef bpf_rbtree_add
#define bpf_rbtree_add(head, node, less) bpf_rbtree_add_impl((head), (node), (less), NULL, 0)
#endif

/* ---- task references ---- */
struct task_struct *bpf_task_from_pid(s32 pid);
struct task_struct *bpf_task_acquire(struct task_struct *p);
void bpf_task_release(struct task_struct *p);

/* ---- cgroup references ---- */
struct cgroup *bpf_cgroup_ancestor(struct cgroup *cgrp, int level);
struct cgroup *bpf_cgroup_acquire(struct cgroup *cgrp);
void bpf_cgroup_release(struct cgroup *cgrp);
struct cgroup *bpf_cgroup_from_id(u64 cgid);

/* ---- css iteration ---- */
int bpf_iter_css_new(struct bpf_iter_css *it, struct cgroup_subsys_state *start,
		     unsigned int flags);
struct cgroup_subsys_state *bpf_iter_css_next(struct bpf_iter_css *it);
void bpf_iter_css_destroy(struct bpf_iter_css *it);

/* ---- RCU and resilient spin locks ---- */
void bpf_rcu_read_lock(void);
void bpf_rcu_read_unlock(void);
int bpf_res_spin_lock(struct bpf_res_spin_lock *lock);
void bpf_res_spin_unlock(struct bpf_res_spin_lock *lock);

#endif /* __SCX_BPF_KFUNCS_BPF_H */
