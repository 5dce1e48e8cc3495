/*
 * User-space access to maps (what libbpf's bpf_map__lookup_elem() and friends do for a real
 * loader): whole per-CPU values, and key iteration in a deterministic order.
 */
#include "sim/bpf/map_internal.h"

#include <errno.h>
#include <string.h>

static size_t user_value_size(const struct sim_bpf_map *m)
{
	return m->percpu ? (size_t)m->stride * m->nr_cpus : m->def.value_size;
}

int sim_bpf_map__lookup(struct sim_bpf_map *m, const void *key, void *value, size_t value_sz)
{
	if (value_sz != user_value_size(m))
		return -EINVAL;
	if (m->def.type == BPF_MAP_TYPE_TASK_STORAGE)
		return -EOPNOTSUPP;
	if (!m->percpu) {
		void *v = map__lookup(m, key, 0);
		if (!v)
			return -ENOENT;
		memcpy(value, v, m->def.value_size);
		map__hide_fields(m, value);
		return 0;
	}
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		void *v = map__lookup(m, key, cpu);
		if (!v)
			return -ENOENT;
		memcpy((unsigned char *)value + (size_t)cpu * m->stride, v, m->def.value_size);
		map__hide_fields(m, (unsigned char *)value + (size_t)cpu * m->stride);
	}
	return 0;
}

int sim_bpf_map__update(struct sim_bpf_map *m, const void *key, const void *value,
			size_t value_sz, uint64_t flags)
{
	int err;

	if (value_sz != user_value_size(m))
		return -EINVAL;
	if (!m->percpu)
		return map__update(m, key, value, flags, -1);
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		err = map__update(m, key, (const unsigned char *)value + (size_t)cpu * m->stride,
				  cpu ? BPF_EXIST : flags, cpu);
		if (err)
			return err;
	}
	return 0;
}

int sim_bpf_map__next_key(struct sim_bpf_map *m, const void *key, void *next_key)
{
	if (m->array) {
		uint32_t idx = 0;
		if (key) {
			memcpy(&idx, key, sizeof(idx));
			idx = idx >= m->def.max_entries ? 0 : idx + 1;
		}
		if (idx >= m->def.max_entries)
			return -ENOENT;
		memcpy(next_key, &idx, sizeof(idx));
		return 0;
	}
	if (m->def.type == BPF_MAP_TYPE_TASK_STORAGE)
		return -EOPNOTSUPP;
	struct hmap_elem *e = key ? map__find(m, key) : NULL;
	e = e ? e->next : m->first; /* a missing key restarts, as the kernel does */
	if (!e)
		return -ENOENT;
	memcpy(next_key, e->data, m->def.key_size);
	return 0;
}

int sim_bpf_map__pop(struct sim_bpf_map *m, void *value, size_t value_sz)
{
	if (!m->ring || value_sz != m->def.value_size)
		return -EINVAL;
	return map__pop(m, value, true);
}

int sim_bpf_map__push(struct sim_bpf_map *m, const void *value, size_t value_sz, uint64_t flags)
{
	if (!m->ring || value_sz != m->def.value_size)
		return -EINVAL;
	return map__push(m, value, flags);
}

int sim_bpf_map__delete(struct sim_bpf_map *m, const void *key)
{
	if (m->def.type == BPF_MAP_TYPE_TASK_STORAGE || m->def.type == BPF_MAP_TYPE_CGRP_STORAGE)
		return -EOPNOTSUPP;
	return (int)map__delete(m, key);
}
