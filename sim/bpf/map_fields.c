/*
 * Special fields of map values (kptrs, timers, spin locks, graph roots and nodes): what an
 * update copies, what it frees, and what user space sees, with the kernel's semantics. The
 * kernel copies a new value around its btf_record's fields (copy_map_value()), then frees
 * the fields of the value it replaced (bpf_obj_free_fields()): a referenced kptr is released
 * and reads NULL afterwards, a timer is cancelled. A user-space lookup reads them as zero.
 */
#include "sim/bpf/map_internal.h"
#include "sim/shim/scxsim/helpers.h"

#include <stdio.h>
#include <string.h>

int map__check_fields(const struct sim_bpf_map_def *d, char *err, size_t errlen)
{
	uint32_t end = 0;

	if (d->nr_fields > SIM_BPF_MAX_FIELDS) {
		snprintf(err, errlen, "map '%s': %u special fields in its value, at most %d",
			 d->name ? d->name : "?", d->nr_fields, SIM_BPF_MAX_FIELDS);
		return -1;
	}
	for (uint32_t i = 0; i < d->nr_fields; i++) {
		const struct sim_bpf_field *f = &d->fields[i];

		if (f->off < end || !f->size || f->size > d->value_size ||
		    f->off > d->value_size - f->size) {
			snprintf(err, errlen, "map '%s': special field %u (offset %u, %u bytes) is "
				 "outside its %u-byte value or overlaps the previous one",
				 d->name ? d->name : "?", i, f->off, f->size, d->value_size);
			return -1;
		}
		end = f->off + f->size;
	}
	return 0;
}

void map__copy_value(const struct sim_bpf_map *m, void *dst, const void *src)
{
	const struct sim_bpf_map_def *d = &m->def;
	unsigned char *to = dst;
	const unsigned char *from = src;
	uint32_t at = 0;

	for (uint32_t i = 0; i < d->nr_fields; i++) {
		memcpy(to + at, from + at, d->fields[i].off - at);
		at = d->fields[i].off + d->fields[i].size;
	}
	memcpy(to + at, from + at, d->value_size - at);
}

void map__free_fields(const struct sim_bpf_map *m, void *value)
{
	for (uint32_t i = 0; i < m->def.nr_fields; i++) {
		const struct sim_bpf_field *f = &m->def.fields[i];
		unsigned char *at = (unsigned char *)value + f->off;
		void *kptr;

		switch (f->kind) {
		case SIM_BPF_FIELD_KPTR_CPUMASK:
			memcpy(&kptr, at, sizeof(kptr));
			memset(at, 0, sizeof(kptr));
			bpf_cpumask_release(kptr);
			break;
		case SIM_BPF_FIELD_KPTR:
			memset(at, 0, sizeof(kptr));
			break;
		case SIM_BPF_FIELD_TIMER:
			sim_bpf__timers_forget(at, f->size);
			memset(at, 0, f->size);
			break;
		default:
			break;
		}
	}
}

void map__hide_fields(const struct sim_bpf_map *m, void *copy)
{
	for (uint32_t i = 0; i < m->def.nr_fields; i++)
		memset((unsigned char *)copy + m->def.fields[i].off, 0, m->def.fields[i].size);
}
