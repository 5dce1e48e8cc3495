/*
 * BPF maps of the runtime: ARRAY, PERCPU_ARRAY, HASH, PERCPU_HASH, LRU_HASH and TASK_STORAGE,
 * with the kernel's return codes. Element memory never moves while the element lives, and a
 * deleted element stays readable until the next grace period (sim_bpf__rcu_quiesce()), as
 * RCU guarantees a BPF program in the kernel. Iteration follows insertion order, so it is
 * the same in every run.
 */
#include "sim/bpf/map_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct sim_bpf_map *task_storage_maps;
static struct hmap_elem *deferred_free;

static uint32_t round8(uint32_t v)
{
	return (v + 7) & ~7u;
}

bool sim_bpf_map__type_supported(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_TASK_STORAGE:
	case BPF_MAP_TYPE_CGRP_STORAGE:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_ARENA:
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		return true;
	default:
		return false;
	}
}

const char *sim_bpf_map__type_name(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH: return "hash";
	case BPF_MAP_TYPE_ARRAY: return "array";
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY: return "perf_event_array";
	case BPF_MAP_TYPE_PERCPU_HASH: return "percpu_hash";
	case BPF_MAP_TYPE_PERCPU_ARRAY: return "percpu_array";
	case BPF_MAP_TYPE_LRU_HASH: return "lru_hash";
	case BPF_MAP_TYPE_QUEUE: return "queue";
	case BPF_MAP_TYPE_STACK: return "stack";
	case BPF_MAP_TYPE_STRUCT_OPS: return "struct_ops";
	case BPF_MAP_TYPE_RINGBUF: return "ringbuf";
	case BPF_MAP_TYPE_TASK_STORAGE: return "task_storage";
	case BPF_MAP_TYPE_CGRP_STORAGE: return "cgrp_storage";
	case BPF_MAP_TYPE_ARENA: return "arena";
	case BPF_MAP_TYPE_ARRAY_OF_MAPS: return "array_of_maps";
	case BPF_MAP_TYPE_HASH_OF_MAPS: return "hash_of_maps";
	default: return "unknown";
	}
}

static int check_def(const struct sim_bpf_map_def *d, char *err, size_t errlen)
{
	const char *name = d->name ? d->name : "?";

	if (!sim_bpf_map__type_supported(d->type)) {
		snprintf(err, errlen, "map '%s': map type %u (%s) is not supported by the simulator",
			 name, d->type, sim_bpf_map__type_name(d->type));
		return -1;
	}
	if (map__check_fields(d, err, errlen))
		return -1;
	if (d->type == BPF_MAP_TYPE_RINGBUF || d->type == BPF_MAP_TYPE_USER_RINGBUF) {
		if (d->key_size || d->value_size || d->max_entries < 4096 ||
		    (d->max_entries & (d->max_entries - 1)) || d->max_entries % 4096) {
			snprintf(err, errlen, "map '%s': a ring buffer has no key or value and a size "
				 "(max_entries) that is a power of two and a multiple of 4096, got %u",
				 name, d->max_entries);
			return -1;
		}
		return 0;
	}
	if (d->type == BPF_MAP_TYPE_ARENA) {
		if (!d->max_entries) {
			snprintf(err, errlen, "map '%s': an arena needs max_entries (its size in pages)", name);
			return -1;
		}
		return 0;
	}
	if (!d->value_size || d->value_size > (1u << 20)) {
		snprintf(err, errlen, "map '%s': invalid value_size %u", name, d->value_size);
		return -1;
	}
	if (d->type == BPF_MAP_TYPE_TASK_STORAGE || d->type == BPF_MAP_TYPE_CGRP_STORAGE) {
		if (d->key_size != 4 || d->max_entries != 0 || !(d->map_flags & BPF_F_NO_PREALLOC)) {
			snprintf(err, errlen,
				 "map '%s': task and cgroup storage need key_size 4 (int), max_entries 0 and "
				 "map_flags BPF_F_NO_PREALLOC (got %u, %u, 0x%x)",
				 name, d->key_size, d->max_entries, d->map_flags);
			return -1;
		}
		return 0;
	}
	if (!d->max_entries) {
		snprintf(err, errlen, "map '%s': max_entries must not be 0", name);
		return -1;
	}
	if (d->type == BPF_MAP_TYPE_QUEUE || d->type == BPF_MAP_TYPE_STACK) {
		if (d->key_size) {
			snprintf(err, errlen, "map '%s': queue and stack maps have no key (key_size %u)",
				 name, d->key_size);
			return -1;
		}
		return 0;
	}
	if (d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && (d->key_size != 4 || d->value_size != 4)) {
		snprintf(err, errlen, "map '%s': perf event arrays need key_size and value_size 4, got %u "
			 "and %u", name, d->key_size, d->value_size);
		return -1;
	}
	if ((d->type == BPF_MAP_TYPE_ARRAY || d->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	     d->type == BPF_MAP_TYPE_ARRAY_OF_MAPS) && d->key_size != 4) {
		snprintf(err, errlen, "map '%s': array maps need key_size 4, got %u", name, d->key_size);
		return -1;
	}
	if (!d->key_size || d->key_size > 512) {
		snprintf(err, errlen, "map '%s': invalid key_size %u", name, d->key_size);
		return -1;
	}
	if ((d->type == BPF_MAP_TYPE_ARRAY || d->type == BPF_MAP_TYPE_PERCPU_ARRAY) &&
	    (uint64_t)d->max_entries * round8(d->value_size) > (1ULL << 32)) {
		snprintf(err, errlen, "map '%s': %u entries of %u bytes is too large", name,
			 d->max_entries, d->value_size);
		return -1;
	}
	return 0;
}

/* Whether the map allocates its elements as they come (charged per element, not at creation). */
static bool allocates_per_element(const struct sim_bpf_map_def *d)
{
	switch (d->type) {
	case BPF_MAP_TYPE_TASK_STORAGE:
	case BPF_MAP_TYPE_CGRP_STORAGE:
		return true;
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return d->map_flags & BPF_F_NO_PREALLOC;
	default:
		return false;
	}
}

/*
 * Charge @m's memory to the policy (mem_limit.c): max_entries x (key + value) at creation, or
 * key + value per element for maps that allocate as they fill. -ENOMEM past the limit, as the
 * kernel's map creation fails when its memory cgroup refuses the charge.
 */
static int charge_map(struct sim_bpf_map *m, char *err, size_t errlen)
{
	const struct sim_bpf_map_def *d = &m->def;
	uint64_t value = (uint64_t)m->stride * (m->percpu ? (uint64_t)m->nr_cpus : 1), entry = value, total;
	bool hashed = !(d->type == BPF_MAP_TYPE_ARRAY || d->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
			d->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
			d->type == BPF_MAP_TYPE_QUEUE || d->type == BPF_MAP_TYPE_STACK);

	if (d->type == BPF_MAP_TYPE_ARENA)
		return 0; /* its pages are charged as they are allocated */
	if (d->type == BPF_MAP_TYPE_RINGBUF || d->type == BPF_MAP_TYPE_USER_RINGBUF)
		entry = 1, hashed = false; /* max_entries is the buffer's size in bytes */
	if (hashed)
		entry += round8(m->ikey);
	if (allocates_per_element(d)) {
		m->elem_charge = entry + sizeof(struct hmap_elem); /* each one a real allocation */
		return 0;
	}
	if (__builtin_mul_overflow(entry, (uint64_t)d->max_entries, &total) || sim_bpf_mem__charge(total)) {
		const struct sim_bpf_mem_stats *st = sim_bpf_mem__stats();

		snprintf(err, errlen,
			 "map '%s': failed to create: -ENOMEM (%u entries x %llu bytes = %llu MiB; the policy's BPF "
			 "memory limit is %llu MiB, %llu MiB already taken: --bpf-mem-limit)",
			 d->name ? d->name : "?", d->max_entries, (unsigned long long)entry,
			 (unsigned long long)(entry * d->max_entries >> 20), (unsigned long long)(st->limit >> 20),
			 (unsigned long long)(st->used >> 20));
		return -ENOMEM;
	}
	m->charged = total;
	return 0;
}

struct sim_bpf_map *sim_bpf_map__new(const struct sim_bpf_map_def *def, int nr_cpus,
				     char *err, size_t errlen)
{
	struct sim_bpf_map *m;

	if (check_def(def, err, errlen))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		goto nomem;
	m->def = *def;
	snprintf(m->name, sizeof(m->name), "%s", def->name ? def->name : "");
	m->def.name = m->name;
	m->nr_cpus = nr_cpus > 0 ? nr_cpus : 1;
	m->stride = round8(def->value_size);
	m->ikey = (def->type == BPF_MAP_TYPE_TASK_STORAGE || def->type == BPF_MAP_TYPE_CGRP_STORAGE)
			  ? sizeof(void *) : def->key_size;
	m->key_off_value = round8(m->ikey);
	m->percpu = def->type == BPF_MAP_TYPE_PERCPU_ARRAY || def->type == BPF_MAP_TYPE_PERCPU_HASH;

	m->of_maps = def->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || def->type == BPF_MAP_TYPE_HASH_OF_MAPS;
	if (charge_map(m, err, errlen)) {
		free(m);
		return NULL;
	}
	if (def->type == BPF_MAP_TYPE_ARENA) {
		m->arena = sim_bpf_arena__new(def->max_entries, def->map_extra, err, errlen);
		if (!m->arena) {
			sim_bpf_mem__uncharge(m->charged);
			free(m);
			return NULL;
		}
		return m; /* pages come from bpf_arena_alloc_pages() */
	}
	if (def->type == BPF_MAP_TYPE_RINGBUF || def->type == BPF_MAP_TYPE_USER_RINGBUF)
		return m; /* records are allocated as they are produced */
	if (def->type == BPF_MAP_TYPE_QUEUE || def->type == BPF_MAP_TYPE_STACK) {
		m->ring = calloc(def->max_entries, m->stride);
		if (!m->ring)
			goto nomem;
		return m;
	}
	if (def->type == BPF_MAP_TYPE_ARRAY || def->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	    def->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || def->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		size_t n = (size_t)def->max_entries * (m->percpu ? (size_t)m->nr_cpus : 1);
		m->array = calloc(n, m->stride);
		if (!m->array)
			goto nomem;
		return m;
	}
	m->nbuckets = 64;
	while (m->nbuckets < def->max_entries && m->nbuckets < (1u << 20))
		m->nbuckets <<= 1;
	m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
	if (!m->buckets)
		goto nomem;
	if (def->type == BPF_MAP_TYPE_TASK_STORAGE) {
		m->next_storage = task_storage_maps;
		task_storage_maps = m;
	}
	return m;
nomem:
	if (m) {
		sim_bpf_mem__uncharge(m->charged);
		free(m->array);
		free(m->ring);
		free(m);
	}
	snprintf(err, errlen, "map '%s': out of memory", def->name ? def->name : "?");
	return NULL;
}

void sim_bpf_map__free(struct sim_bpf_map *m)
{
	if (!m)
		return;
	if (m->def.type == BPF_MAP_TYPE_TASK_STORAGE) {
		struct sim_bpf_map **pp = &task_storage_maps;
		while (*pp && *pp != m)
			pp = &(*pp)->next_storage;
		if (*pp)
			*pp = m->next_storage;
	}
	for (struct hmap_elem *e = m->first, *n; e; e = n) {
		n = e->next;
		sim_bpf_mem__uncharge(m->elem_charge);
		free(e);
	}
	sim_bpf_mem__uncharge(m->charged);
	map__ringbuf_free(m);
	sim_bpf_arena__free(m->arena);
	sim_bpf__rcu_quiesce();
	free(m->buckets);
	free(m->array);
	free(m->ring);
	free(m);
}

void sim_bpf_map__bind(struct sim_bpf_map *map, void *global)
{
	memcpy(global, &map, sizeof(map));
}

struct sim_bpf_map *sim_bpf_map__from_global(void *global)
{
	struct sim_bpf_map *m;

	if (!global)
		return NULL;
	memcpy(&m, global, sizeof(m));
	return m;
}

const struct sim_bpf_map_def *sim_bpf_map__def(const struct sim_bpf_map *map)
{
	return &map->def;
}

/* ---- hash-like maps ---- */

static uint64_t key_hash(const void *key, uint32_t len)
{
	const unsigned char *k = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (uint32_t i = 0; i < len; i++) {
		h ^= k[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

struct hmap_elem *map__find(struct sim_bpf_map *m, const void *key)
{
	uint64_t h = key_hash(key, m->ikey);

	for (struct hmap_elem *e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->chain)
		if (e->hash == h && !memcmp(e->data, key, m->ikey))
			return e;
	return NULL;
}

void *map__elem_value(struct sim_bpf_map *m, struct hmap_elem *e, int cpu)
{
	return e->data + m->key_off_value + (m->percpu ? (size_t)cpu * m->stride : 0);
}

static void unlink_elem(struct sim_bpf_map *m, struct hmap_elem *e)
{
	struct hmap_elem **pp = &m->buckets[e->hash & (m->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
	if (e->prev)
		e->prev->next = e->next;
	else
		m->first = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		m->last = e->prev;
	m->count--;
	sim_bpf_mem__uncharge(m->elem_charge);
	sim_bpf__timers_forget(e->data + m->key_off_value,
			       (size_t)m->stride * (m->percpu ? (size_t)m->nr_cpus : 1));
	for (int c = 0; c < (m->percpu ? m->nr_cpus : 1); c++)
		map__free_fields(m, map__elem_value(m, e, c));
	/* readers may still hold the value: free after the grace period */
	e->chain = deferred_free;
	deferred_free = e;
	sim_bpf__rcu_deferred++;
}

static struct hmap_elem *insert_elem(struct sim_bpf_map *m, const void *key)
{
	size_t vals = m->percpu ? (size_t)m->nr_cpus : 1;
	struct hmap_elem *e;
	uint32_t b;

	if (m->elem_charge && sim_bpf_mem__charge(m->elem_charge))
		return NULL; /* over the policy's memory limit */
	e = calloc(1, sizeof(*e) + m->key_off_value + vals * m->stride);
	if (!e) {
		sim_bpf_mem__uncharge(m->elem_charge);
		return NULL;
	}
	memcpy(e->data, key, m->ikey);
	e->hash = key_hash(key, m->ikey);
	b = e->hash & (m->nbuckets - 1);
	e->chain = m->buckets[b];
	m->buckets[b] = e;
	e->prev = m->last;
	if (m->last)
		m->last->next = e;
	else
		m->first = e;
	m->last = e;
	m->count++;
	return e;
}

/* ---- element access ---- */

static bool is_array(const struct sim_bpf_map *m)
{
	return m->array != NULL;
}

void *map__lookup(struct sim_bpf_map *m, const void *key, int cpu)
{
	if (m->ring)
		return NULL; /* queues and stacks have push, pop and peek only */
	if (is_array(m))
		return map__array_lookup(m, key, cpu);
	if (cpu < 0 || cpu >= m->nr_cpus)
		cpu = 0;
	struct hmap_elem *e = map__find(m, key);
	if (!e)
		return NULL;
	if (m->def.type == BPF_MAP_TYPE_LRU_HASH && e != m->last) {
		/* most recently used goes last: eviction takes the first */
		if (e->prev)
			e->prev->next = e->next;
		else
			m->first = e->next;
		e->next->prev = e->prev;
		e->prev = m->last;
		e->next = NULL;
		m->last->next = e;
		m->last = e;
	}
	return map__elem_value(m, e, cpu);
}

/*
 * Write @value over the value(s) at @dst_cpu0 (per-CPU maps: @cpu's, every CPU's if < 0), as
 * the kernel's update does: special fields are not copied, and unless the update is
 * BPF_F_LOCK (an in-place copy) those of the replaced value are freed.
 */
static void store_value(struct sim_bpf_map *m, void *dst_cpu0, const void *value, int cpu,
			uint64_t flags)
{
	for (int c = 0; c < (m->percpu ? m->nr_cpus : 1); c++) {
		unsigned char *dst = (unsigned char *)dst_cpu0 + (size_t)c * m->stride;

		if (m->percpu && cpu >= 0 && c != cpu)
			continue;
		map__copy_value(m, dst, value);
		if (!(flags & BPF_F_LOCK))
			map__free_fields(m, dst);
	}
}

int map__update(struct sim_bpf_map *m, const void *key, const void *value, uint64_t flags,
		int cpu)
{
	uint64_t mode = flags & 3;

	if (mode == 3 || (flags & ~(uint64_t)(3 | BPF_F_LOCK)))
		return -EINVAL;
	if (m->ring)
		return map__push(m, value, flags);
	if (is_array(m)) {
		uint32_t idx;
		memcpy(&idx, key, sizeof(idx));
		if (idx >= m->def.max_entries)
			return -E2BIG;
		if (mode == BPF_NOEXIST)
			return -EEXIST;
		unsigned char *base = m->array + (size_t)idx * (m->percpu ? m->nr_cpus : 1) * m->stride;
		store_value(m, base, value, cpu, flags);
		return 0;
	}
	if (m->def.type == BPF_MAP_TYPE_TASK_STORAGE)
		return -EINVAL; /* through bpf_task_storage_get() only */
	struct hmap_elem *e = map__find(m, key);
	if (e && mode == BPF_NOEXIST)
		return -EEXIST;
	if (!e && mode == BPF_EXIST)
		return -ENOENT;
	if (!e) {
		if (m->count >= m->def.max_entries) {
			if (m->def.type != BPF_MAP_TYPE_LRU_HASH)
				return -E2BIG;
			unlink_elem(m, m->first);
		}
		e = insert_elem(m, key);
		if (!e)
			return -ENOMEM;
	}
	store_value(m, map__elem_value(m, e, 0), value, cpu, flags);
	return 0;
}

int map__delete(struct sim_bpf_map *m, const void *key)
{
	struct hmap_elem *e;

	if (is_array(m) || m->ring)
		return -EINVAL;
	e = map__find(m, key);
	if (!e)
		return -ENOENT;
	unlink_elem(m, e);
	return 0;
}

/* ---- task storage ---- */

void *map__local_storage(struct sim_bpf_map *m, const void *owner, const void *init, bool create)
{
	struct hmap_elem *e = map__find(m, &owner);
	void *v;

	if (e)
		return map__elem_value(m, e, 0);
	if (!create)
		return NULL;
	e = insert_elem(m, &owner);
	if (!e)
		return NULL;
	v = map__elem_value(m, e, 0);
	if (init)
		map__copy_value(m, v, init);
	return v;
}

void *sim_bpf__task_storage(struct sim_bpf_map *m, struct task_struct *p, const void *init,
			    bool create)
{
	return map__local_storage(m, p, init, create && !(p->flags & PF_EXITING));
}

int map__local_storage_delete(struct sim_bpf_map *m, const void *owner)
{
	struct hmap_elem *e = map__find(m, &owner);

	if (!e)
		return -ENOENT;
	unlink_elem(m, e);
	return 0;
}

void sim_bpf__task_free(struct task_struct *p)
{
	for (struct sim_bpf_map *m = task_storage_maps; m; m = m->next_storage)
		map__local_storage_delete(m, p);
}

unsigned long sim_bpf__rcu_deferred;

void sim_bpf__rcu_quiesce(void)
{
	sim_bpf__rcu_deferred = 0; /* what the frees below defer counts for the next grace period */
	while (deferred_free) {
		struct hmap_elem *e = deferred_free;
		deferred_free = e->chain;
		free(e);
	}
	sim_bpf__objs_quiesce();
}
