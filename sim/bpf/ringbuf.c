/*
 * Ring buffers: RINGBUF (BPF produces with bpf_ringbuf_reserve/submit/discard or
 * bpf_ringbuf_output, user space consumes) and USER_RINGBUF (user space produces, BPF drains
 * with bpf_user_ringbuf_drain through dynptrs). Each record takes its size rounded up to 8
 * plus an 8-byte header out of the buffer's capacity, as in the kernel; a full buffer refuses
 * new records. Records are consumed in production order, and a reserved record that is
 * neither submitted nor discarded holds back the ones after it.
 */
#include "sim/bpf/map_internal.h"
#include "sim/shim/scxsim/helpers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum rec_state { REC_BUSY, REC_COMMITTED, REC_DISCARDED };

struct rb_rec {
	struct rb_rec *next;
	struct sim_bpf_map *map;
	uint32_t len;
	enum rec_state state;
	_Alignas(8) unsigned char data[];
};

/* dynptr layout in the opaque words: data pointer, size */
struct dynptr_view {
	void *data;
	uint64_t size;
};

static uint64_t rec_cost(uint64_t len)
{
	return ((len + 7) & ~7ULL) + 8;
}

static struct rb_rec *rec_of(void *data)
{
	return (struct rb_rec *)((unsigned char *)data - offsetof(struct rb_rec, data));
}

static struct rb_rec *rec_new(struct sim_bpf_map *m, uint64_t len)
{
	struct rb_rec *r;

	if (!len || rec_cost(len) + m->rb_used > m->def.max_entries)
		return NULL;
	r = calloc(1, sizeof(*r) + len);
	if (!r)
		return NULL;
	r->map = m;
	r->len = (uint32_t)len;
	r->state = REC_BUSY;
	if (m->rb_last)
		m->rb_last->next = r;
	else
		m->rb_first = r;
	m->rb_last = r;
	m->rb_used += rec_cost(len);
	m->rb_prod += rec_cost(len);
	return r;
}

/* Drop finished records from the head; stop at the first one still busy or wanted. */
static struct rb_rec *rec_pop(struct sim_bpf_map *m)
{
	struct rb_rec *r = m->rb_first;

	m->rb_first = r->next;
	if (!m->rb_first)
		m->rb_last = NULL;
	m->rb_used -= rec_cost(r->len);
	m->rb_cons += rec_cost(r->len);
	return r;
}

void map__ringbuf_free(struct sim_bpf_map *m)
{
	while (m->rb_first)
		free(rec_pop(m));
}

static struct sim_bpf_map *ringbuf_of(void *global, uint32_t type)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(global);

	return m && m->def.type == type ? m : NULL;
}

void *bpf_ringbuf_reserve(void *ringbuf, u64 size, u64 flags)
{
	struct sim_bpf_map *m = ringbuf_of(ringbuf, BPF_MAP_TYPE_RINGBUF);
	struct rb_rec *r;

	if (!m || flags)
		return NULL;
	r = rec_new(m, size);
	return r ? r->data : NULL;
}

void bpf_ringbuf_submit(void *data, u64 flags)
{
	if (data)
		rec_of(data)->state = REC_COMMITTED;
}

void bpf_ringbuf_discard(void *data, u64 flags)
{
	if (data)
		rec_of(data)->state = REC_DISCARDED;
}

long bpf_ringbuf_output(void *ringbuf, void *data, u64 size, u64 flags)
{
	struct sim_bpf_map *m = ringbuf_of(ringbuf, BPF_MAP_TYPE_RINGBUF);
	struct rb_rec *r;

	if (!m || (flags & ~(u64)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)))
		return -EINVAL;
	r = rec_new(m, size);
	if (!r)
		return -EAGAIN;
	memcpy(r->data, data, size);
	r->state = REC_COMMITTED;
	return 0;
}

u64 bpf_ringbuf_query(void *ringbuf, u64 flags)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(ringbuf);

	if (!m)
		return 0;
	switch (flags) {
	case BPF_RB_AVAIL_DATA: return m->rb_prod - m->rb_cons;
	case BPF_RB_RING_SIZE: return m->def.max_entries;
	case BPF_RB_CONS_POS: return m->rb_cons;
	case BPF_RB_PROD_POS: return m->rb_prod;
	default: return 0;
	}
}

int sim_bpf_map__ringbuf_consume(struct sim_bpf_map *m,
				 int (*cb)(void *ctx, void *data, size_t size), void *ctx)
{
	int n = 0;

	if (m->def.type != BPF_MAP_TYPE_RINGBUF)
		return -EINVAL;
	while (m->rb_first && m->rb_first->state != REC_BUSY) {
		struct rb_rec *r = rec_pop(m);
		int stop = 0;

		if (r->state == REC_COMMITTED) {
			n++;
			stop = cb(ctx, r->data, r->len);
		}
		free(r);
		if (stop)
			break;
	}
	return n;
}

int sim_bpf_map__user_ringbuf_produce(struct sim_bpf_map *m, const void *data, size_t size)
{
	struct rb_rec *r;

	if (m->def.type != BPF_MAP_TYPE_USER_RINGBUF)
		return -EINVAL;
	r = rec_new(m, size);
	if (!r)
		return -ENOSPC;
	memcpy(r->data, data, size);
	r->state = REC_COMMITTED;
	return 0;
}

typedef long (*drain_cb)(struct bpf_dynptr *dynptr, void *ctx);

long bpf_user_ringbuf_drain(void *map, void *callback_fn, void *ctx, u64 flags)
{
	struct sim_bpf_map *m = ringbuf_of(map, BPF_MAP_TYPE_USER_RINGBUF);
	long n = 0;

	if (!m)
		return -EINVAL;
	while (m->rb_first && n < BPF_MAX_LOOPS) {
		struct rb_rec *r = rec_pop(m);
		struct bpf_dynptr dp;
		struct dynptr_view v = { .data = r->data, .size = r->len };
		long stop;

		memcpy(&dp, &v, sizeof(v));
		stop = ((drain_cb)callback_fn)(&dp, ctx);
		free(r);
		n++;
		if (stop)
			break;
	}
	return n;
}

long bpf_dynptr_read(void *dst, u32 len, const struct bpf_dynptr *src, u32 offset, u64 flags)
{
	struct dynptr_view v;

	memcpy(&v, src, sizeof(v));
	if (flags || (uint64_t)offset + len > v.size)
		return -E2BIG;
	memcpy(dst, (unsigned char *)v.data + offset, len);
	return 0;
}

void *bpf_dynptr_data(const struct bpf_dynptr *ptr, u32 offset, u32 len)
{
	struct dynptr_view v;

	memcpy(&v, ptr, sizeof(v));
	if ((uint64_t)offset + len > v.size)
		return NULL;
	return (unsigned char *)v.data + offset;
}

u32 bpf_dynptr_size(const struct bpf_dynptr *ptr)
{
	struct dynptr_view v;

	memcpy(&v, ptr, sizeof(v));
	return (u32)v.size;
}
