/*
 * Allocated objects and the BPF graph data structures: bpf_obj_new / bpf_obj_drop /
 * bpf_refcount_acquire, linked lists (bpf_list_push_front/back, bpf_list_pop_front/back) and
 * red-black trees (bpf_rbtree_add, bpf_rbtree_first, bpf_rbtree_remove).
 *
 * The kernel's rbtree is a balanced tree; here a tree is a list kept sorted with the policy's
 * less() callback (a new node goes after every node it is not less than, as rbtree insertion
 * does), which gives the same first() and removal results and is fast at the sizes policies
 * use. A node knows its owner, so adding a node that is already in a collection fails with
 * -EINVAL as in the kernel. The bpf_spin_lock the verifier requires around these is a no-op
 * in the single-threaded simulator.
 */
#include "sim/bpf/bpf_runtime.h"
#include "sim/shim/scx/bpf_kfuncs.bpf.h"

#include <errno.h>
#include <string.h>

/* Node layout in the opaque words: next, prev, owner. Head layout: first, last. */
struct link {
	void *next, *prev, *owner;
};

static struct link *link_of(void *node)
{
	return node;
}

void *bpf_obj_new_impl(__u64 local_type_id, void *meta)
{
	/* the shim passes sizeof(type) where the verifier would put a BTF id */
	return sim_bpf__obj_alloc((size_t)local_type_id);
}

void bpf_obj_drop_impl(void *kptr, void *meta)
{
	sim_bpf__obj_put(kptr);
}

void *bpf_refcount_acquire_impl(void *kptr, void *meta)
{
	return sim_bpf__obj_get(kptr);
}

/* ---- a doubly linked collection in a two-word head ---- */

static void **head_first(void *head)
{
	return (void **)head;
}

static void **head_last(void *head)
{
	return (void **)head + 1;
}

static void insert_between(void *head, void *node, void *prev, void *next)
{
	struct link *l = link_of(node);

	l->prev = prev;
	l->next = next;
	l->owner = head;
	if (prev)
		link_of(prev)->next = node;
	else
		*head_first(head) = node;
	if (next)
		link_of(next)->prev = node;
	else
		*head_last(head) = node;
}

static void *unlink_node(void *head, void *node)
{
	struct link *l = link_of(node);

	if (!node || l->owner != head)
		return NULL;
	if (l->prev)
		link_of(l->prev)->next = l->next;
	else
		*head_first(head) = l->next;
	if (l->next)
		link_of(l->next)->prev = l->prev;
	else
		*head_last(head) = l->prev;
	memset(l, 0, sizeof(*l));
	return node;
}

/* ---- lists ---- */

int bpf_list_push_front_impl(struct bpf_list_head *head, struct bpf_list_node *node, void *meta,
			     __u64 off)
{
	if (link_of(node)->owner)
		return -EINVAL;
	insert_between(head, node, NULL, *head_first(head));
	return 0;
}

int bpf_list_push_back_impl(struct bpf_list_head *head, struct bpf_list_node *node, void *meta,
			    __u64 off)
{
	if (link_of(node)->owner)
		return -EINVAL;
	insert_between(head, node, *head_last(head), NULL);
	return 0;
}

struct bpf_list_node *bpf_list_pop_front(struct bpf_list_head *head)
{
	return unlink_node(head, *head_first(head));
}

struct bpf_list_node *bpf_list_pop_back(struct bpf_list_head *head)
{
	return unlink_node(head, *head_last(head));
}

/* ---- rbtrees ---- */

int bpf_rbtree_add_impl(struct bpf_rb_root *root, struct bpf_rb_node *node,
			bool (less)(struct bpf_rb_node *a, const struct bpf_rb_node *b), void *meta,
			__u64 off)
{
	void *prev = NULL, *it = *head_first(root);

	if (link_of(node)->owner)
		return -EINVAL;
	while (it && !less(node, it)) {
		prev = it;
		it = link_of(it)->next;
	}
	insert_between(root, node, prev, it);
	return 0;
}

struct bpf_rb_node *bpf_rbtree_first(struct bpf_rb_root *root)
{
	return *head_first(root);
}

struct bpf_rb_node *bpf_rbtree_remove(struct bpf_rb_root *root, struct bpf_rb_node *node)
{
	return unlink_node(root, node);
}
