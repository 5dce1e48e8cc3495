/*
 * Map internals shared by the files of sim/bpf (not part of the runtime's interface).
 */
#ifndef SIM_BPF_MAP_INTERNAL_H
#define SIM_BPF_MAP_INTERNAL_H

#include "sim/bpf/bpf_runtime.h"
#include "sim/shim/vmlinux.h"

#include <string.h>

/* One element of a hash-like map (hash, LRU hash, per-CPU hash, task storage). */
struct hmap_elem {
	struct hmap_elem *chain;      /* bucket chain */
	struct hmap_elem *prev, *next; /* insertion order, for iteration */
	uint64_t hash;
	unsigned char data[];          /* key, then value(s) at an 8-byte aligned offset */
};

struct sim_bpf_map {
	struct sim_bpf_map_def def;
	char name[64];
	int nr_cpus;
	uint32_t stride;               /* value size rounded up to 8 */
	uint32_t ikey;                 /* key bytes as stored (task storage: the task pointer) */
	uint32_t key_off_value;        /* offset of the value inside hmap_elem.data */
	bool percpu;
	unsigned char *array;          /* array maps: [index][cpu] values */
	struct hmap_elem **buckets;    /* hash-like maps */
	uint32_t nbuckets;
	uint32_t count;
	struct hmap_elem *first, *last;
	struct sim_bpf_map *next_storage; /* live task-storage maps */
	unsigned char *ring;           /* queue / stack maps: max_entries values */
	uint32_t ring_head, ring_len;
	bool of_maps;                  /* ARRAY_OF_MAPS / HASH_OF_MAPS: values are map globals */
	struct rb_rec *rb_first, *rb_last; /* RINGBUF / USER_RINGBUF records, oldest first */
	uint64_t rb_used;              /* bytes the records take, headers included */
	uint64_t rb_prod, rb_cons;     /* producer / consumer positions (bytes) */
	uint64_t charged;              /* BPF memory charged at creation */
	uint64_t elem_charge;          /* charged per element (maps that allocate as they fill) */
	struct sim_bpf_arena *arena;   /* ARENA maps: the window and its pages (arena.c) */
};

/* arena.c: an arena map's 4 GiB window, made with the map and unmapped with it */
struct sim_bpf_arena *sim_bpf_arena__new(uint32_t nr_pages, uint64_t map_extra, char *err, size_t errlen);
void sim_bpf_arena__free(struct sim_bpf_arena *a);

/* Value of @key on @cpu, or NULL (missing key / index out of range). */
void *map__lookup(struct sim_bpf_map *map, const void *key, int cpu);
/*
 * map__lookup() of an array map (map->array set): inline, since policies look up a statistics
 * counter or a per-CPU context in most callbacks.
 */
static inline void *map__array_lookup(const struct sim_bpf_map *m, const void *key, int cpu)
{
	uint32_t idx;

	if (cpu < 0 || cpu >= m->nr_cpus)
		cpu = 0;
	memcpy(&idx, key, sizeof(idx));
	if (idx >= m->def.max_entries)
		return NULL;
	return m->array + ((size_t)idx * (m->percpu ? m->nr_cpus : 1) + (m->percpu ? cpu : 0)) * m->stride;
}
/* BPF-side update: per-CPU maps change @cpu's value only (cpu < 0: every CPU's). */
int map__update(struct sim_bpf_map *map, const void *key, const void *value, uint64_t flags,
		int cpu);
int map__delete(struct sim_bpf_map *map, const void *key);
/* Hash-like maps: the element for @key, or NULL. */
struct hmap_elem *map__find(struct sim_bpf_map *map, const void *key);
void *map__elem_value(struct sim_bpf_map *map, struct hmap_elem *e, int cpu);
/* Task-local storage of @p (create: a zeroed or @init-copied value when missing). */
void *sim_bpf__task_storage(struct sim_bpf_map *map, struct task_struct *p, const void *init,
			    bool create);
/* Local storage keyed by its owner (a task or a cgroup). */
void *map__local_storage(struct sim_bpf_map *map, const void *owner, const void *init, bool create);
int map__local_storage_delete(struct sim_bpf_map *map, const void *owner);
/* Ring buffers (ringbuf.c). */
void map__ringbuf_free(struct sim_bpf_map *map);

/* Special fields of values (map_fields.c): check a definition's list (sorted by offset,
 * inside the value), copy a value around them, free those of a value being replaced or
 * deleted, zero them in a copy handed to user space. */
int map__check_fields(const struct sim_bpf_map_def *def, char *err, size_t errlen);
void map__copy_value(const struct sim_bpf_map *map, void *dst, const void *src);
void map__free_fields(const struct sim_bpf_map *map, void *value);
void map__hide_fields(const struct sim_bpf_map *map, void *copy);

/* Timers inside [start, start + len) lose their element (timer.c). */
void sim_bpf__timers_forget(const void *start, size_t len);
/* Queue and stack maps (map_queue.c). */
int map__push(struct sim_bpf_map *map, const void *value, uint64_t flags);
int map__pop(struct sim_bpf_map *map, void *value, bool remove);
/* The key of the element whose value holds @addr (for timer callbacks), and that value's
 * start in *@value; NULL if no element holds it. */
const void *map__key_of_addr(struct sim_bpf_map *map, const void *addr, uint32_t *idx_buf,
			     void **value);

#endif
