/*
 * A policy's integer globals after the run (see kglobals.h).
 */
#include "harness/kload/kglobals.h"
#include "harness/kload/kpolicy.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The integer at @p of @size bytes, sign-extended if @is_signed. */
static long long as_integer(const unsigned char *p, unsigned size, bool is_signed)
{
	uint64_t u = 0;

	memcpy(&u, p, size); /* little-endian */
	if (is_signed && size < 8 && (u >> (size * 8 - 1)) & 1)
		u |= ~0ULL << (size * 8);
	return (long long)u;
}

static void report_section(const struct btf *btf, const struct btf_type *sec, const unsigned char *val,
			   size_t len, FILE *out)
{
	const struct btf_var_secinfo *vs = btf_var_secinfos(sec);

	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);
		const struct btf_type *t = v ? btf__type_by_id(btf, (__u32)btf__resolve_type(btf, v->type)) : NULL;
		bool is_signed;

		if (!t || !btf_is_var(v) || !(btf_is_int(t) || btf_is_any_enum(t)) || vs->offset + vs->size > len)
			continue;
		if (vs->size != 1 && vs->size != 2 && vs->size != 4 && vs->size != 8)
			continue;
		is_signed = btf_is_int(t) ? (btf_int_encoding(t) & BTF_INT_SIGNED) != 0 : btf_kflag(t);
		if (is_signed)
			fprintf(out, "global %s %lld\n", btf__name_by_offset(btf, v->name_off),
				as_integer(val + vs->offset, vs->size, true));
		else
			fprintf(out, "global %s %llu\n", btf__name_by_offset(btf, v->name_off),
				(unsigned long long)as_integer(val + vs->offset, vs->size, false));
	}
}

void kglobals__report(const struct kpolicy *kp, FILE *out)
{
	const struct btf *btf = kp && kp->obj ? bpf_object__btf(kp->obj) : NULL;
	struct bpf_map *map;

	if (!btf)
		return;
	bpf_object__for_each_map(map, kp->obj) {
		const char *sec = strchr(bpf_map__name(map), '.');
		const struct btf_type *t;
		unsigned char *val;
		int id, zero = 0;

		if (!sec || (strncmp(sec, ".bss", 4) && strncmp(sec, ".data", 5)) || bpf_map__fd(map) < 0)
			continue;
		id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
		t = id > 0 ? btf__type_by_id(btf, (__u32)id) : NULL;
		val = t ? calloc(1, bpf_map__value_size(map)) : NULL;
		if (val && !bpf_map_lookup_elem(bpf_map__fd(map), &zero, val))
			report_section(btf, t, val, bpf_map__value_size(map), out);
		free(val);
	}
}
