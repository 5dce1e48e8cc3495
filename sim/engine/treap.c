/*
 * The ordered index of treap.h: insert as a leaf at the place a list walk would find, rotate up
 * while the parent's priority is lower; remove by rotating the node down below its
 * higher-priority child until it has at most one, then splicing it out.
 */
#include "sim/engine/treap.h"

#include <string.h>

/* Keys may be uint64_t or the kernel's u64 (unsigned long long): read without aliasing. */
static uint64_t key_of(const void *key)
{
	uint64_t v;

	memcpy(&v, key, sizeof(v));
	return v;
}

static bool key_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static uint32_t next_prio(struct sim_treap *t)
{
	uint32_t x = ++t->prio_seq * 0x9e3779b9u;

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	return x ^ (x >> 16);
}

static struct sim_treap_node **slot_of(struct sim_treap *t, struct sim_treap_node *n)
{
	struct sim_treap_node *par = n->parent;

	if (!par)
		return &t->root;
	return par->left == n ? &par->left : &par->right;
}

/* Rotate @n above its parent, keeping the in-order sequence. */
static void rotate_up(struct sim_treap *t, struct sim_treap_node *n)
{
	struct sim_treap_node *par = n->parent, **slot = slot_of(t, par), *moved;

	if (par->left == n) {
		moved = n->right;
		par->left = moved;
		n->right = par;
	} else {
		moved = n->left;
		par->right = moved;
		n->left = par;
	}
	if (moved)
		moved->parent = par;
	n->parent = par->parent;
	par->parent = n;
	*slot = n;
}

struct sim_treap_node *sim_treap__insert(struct sim_treap *t, struct sim_treap_node *n,
					 const void *key)
{
	struct sim_treap_node *pred = NULL, *par = NULL, **slot = &t->root;
	uint64_t k = key_of(key);

	while (*slot) {
		par = *slot;
		if (!key_before(k, key_of(par->key))) {
			pred = par;
			slot = &par->right;
		} else {
			slot = &par->left;
		}
	}
	n->left = n->right = NULL;
	n->parent = par;
	n->key = key;
	n->prio = next_prio(t);
	n->linked = true;
	*slot = n;
	while (n->parent && n->parent->prio < n->prio)
		rotate_up(t, n);
	return pred;
}

void sim_treap__remove(struct sim_treap *t, struct sim_treap_node *n)
{
	struct sim_treap_node *child;

	while (n->left && n->right)
		rotate_up(t, n->left->prio > n->right->prio ? n->left : n->right);
	child = n->left ? n->left : n->right;
	*slot_of(t, n) = child;
	if (child)
		child->parent = n->parent;
	n->left = n->right = n->parent = NULL;
	n->linked = false;
}
