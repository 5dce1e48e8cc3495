/*
 * An intrusive ordered index: a treap (binary search tree balanced by pseudo-random heap
 * priorities) on u64 keys compared wrap-safe, equal keys in insertion order. It mirrors a
 * sorted list kept elsewhere and answers in O(log n) where a new element goes in it: after
 * the last element whose key is <= the new one's. Keys are read live through the pointer each
 * node holds, as a list walk reads them. Priorities come from a per-index counter through a
 * mixing function, so the shape (and the cost) is deterministic per run.
 */
#ifndef SIM_ENGINE_TREAP_H
#define SIM_ENGINE_TREAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_treap_node {
	struct sim_treap_node *left, *right, *parent;
	const void *key;        /* a 64-bit unsigned integer, read live */
	uint32_t prio;
	bool linked;
};

struct sim_treap {
	struct sim_treap_node *root;
	uint32_t prio_seq;
};

/* The structure a node is embedded in (NULL for NULL). */
#define sim_treap__entry(node, type, member) \
	((node) ? (type *)(void *)((char *)(node) - offsetof(type, member)) : (type *)NULL)

/* Add @n keyed by the 64-bit unsigned integer at @key (uint64_t or u64); returns the node it goes right after in key order (NULL: first). */
struct sim_treap_node *sim_treap__insert(struct sim_treap *t, struct sim_treap_node *n,
					 const void *key);
void sim_treap__remove(struct sim_treap *t, struct sim_treap_node *n);

#endif
