/*
 * QUEUE and STACK maps: bounded FIFO / LIFO stores of values without keys, driven by
 * bpf_map_push_elem(), bpf_map_pop_elem() and bpf_map_peek_elem() with the kernel's return
 * codes (-E2BIG when full unless BPF_EXIST asks to drop the oldest, -ENOENT when empty).
 */
#include "sim/bpf/map_internal.h"

#include <errno.h>
#include <string.h>

static unsigned char *slot(struct sim_bpf_map *m, uint32_t i)
{
	return m->ring + (size_t)(i % m->def.max_entries) * m->stride;
}

int map__push(struct sim_bpf_map *m, const void *value, uint64_t flags)
{
	if (!m->ring)
		return -EINVAL;
	if (flags & ~(uint64_t)BPF_EXIST)
		return -EINVAL;
	if (m->ring_len == m->def.max_entries) {
		if (!(flags & BPF_EXIST))
			return -E2BIG;
		/* full with BPF_EXIST: the oldest element makes room (the bottom, for a stack) */
		m->ring_head++;
		m->ring_len--;
	}
	memcpy(slot(m, m->ring_head + m->ring_len), value, m->def.value_size);
	m->ring_len++;
	return 0;
}

int map__pop(struct sim_bpf_map *m, void *value, bool remove)
{
	uint32_t i;

	if (!m->ring)
		return -EINVAL;
	if (!m->ring_len)
		return -ENOENT;
	i = m->def.type == BPF_MAP_TYPE_QUEUE ? m->ring_head : m->ring_head + m->ring_len - 1;
	memcpy(value, slot(m, i), m->def.value_size);
	if (remove) {
		if (m->def.type == BPF_MAP_TYPE_QUEUE)
			m->ring_head++;
		m->ring_len--;
	}
	return 0;
}

const void *map__key_of_addr(struct sim_bpf_map *m, const void *addr, uint32_t *idx_buf,
			     void **value)
{
	const unsigned char *a = addr;

	if (m->array) {
		size_t per = (size_t)m->stride * (m->percpu ? (size_t)m->nr_cpus : 1);
		size_t total = per * m->def.max_entries;
		if (a < m->array || a >= m->array + total)
			return NULL;
		*idx_buf = (uint32_t)((size_t)(a - m->array) / per);
		*value = m->array + (size_t)*idx_buf * per;
		return idx_buf;
	}
	for (struct hmap_elem *e = m->first; e; e = e->next) {
		const unsigned char *v = e->data + m->key_off_value;
		size_t n = (size_t)m->stride * (m->percpu ? (size_t)m->nr_cpus : 1);
		if (a >= v && a < v + n) {
			*value = (void *)v;
			return e->data;
		}
	}
	return NULL;
}
