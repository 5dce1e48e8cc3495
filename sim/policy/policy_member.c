/*
 * Paths into a policy's struct globals, `NAME[i].member[j].inner`, resolved through its BTF to
 * one integer or an array of integers: what a loader writes when it fills a field of a struct
 * in .bss/.data/.rodata before load (scx_lavd's `bss_data.cpdom_ctxs[d].llc_id = ...`).
 */
#include "sim/policy/policy_internal.h"

#include <bpf/btf.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct btf_type *strip(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* The type of global @name in a data section, or 0. */
static __u32 global_type(const struct btf *btf, const char *name)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vs;
		const char *sec;

		if (!btf_is_datasec(t))
			continue;
		sec = btf__name_by_offset(btf, t->name_off);
		if (strncmp(sec, ".rodata", 7) && strncmp(sec, ".data", 5) && strncmp(sec, ".bss", 4))
			continue;
		vs = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);
			if (btf_is_var(v) && !strcmp(btf__name_by_offset(btf, v->name_off), name))
				return v->type;
		}
	}
	return 0;
}

/* Member @name of struct/union @t (looking into anonymous members): its type and byte offset. */
static bool find_member(const struct btf *btf, const struct btf_type *t, const char *name,
			__u32 *type, size_t *off)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		size_t moff = btf_member_bit_offset(t, i) / 8;
		__u32 mid = m->type;
		const struct btf_type *mt;

		if (btf_member_bitfield_size(t, i))
			continue;
		if (mn[0] && !strcmp(mn, name)) {
			*type = m->type;
			*off = moff;
			return true;
		}
		mt = strip(btf, &mid);
		if (!mn[0] && mt && (btf_is_struct(mt) || btf_is_union(mt)) &&
		    find_member(btf, mt, name, type, off)) {
			*off += moff;
			return true;
		}
	}
	return false;
}

/* Fill @k (address, element size and count, signedness) for an integer or integer array. */
static int leaf(const struct btf *btf, __u32 id, void *addr, struct policy_knob *k)
{
	const struct btf_type *t = strip(btf, &id);

	k->addr = addr;
	k->nelems = 1;
	k->is_array = false;
	while (t && btf_is_array(t)) {
		k->is_array = true;
		k->nelems *= btf_array(t)->nelems;
		id = btf_array(t)->type;
		t = strip(btf, &id);
	}
	if (!t || !(btf_is_int(t) || btf_is_any_enum(t)))
		return -1;
	k->elem_size = t->size;
	k->is_signed = btf_is_int(t) ? (btf_int_encoding(t) & BTF_INT_SIGNED) != 0 : btf_kflag(t);
	k->is_bool = btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL);
	return k->elem_size == 1 || k->elem_size == 2 || k->elem_size == 4 || k->elem_size == 8 ? 0 : -1;
}

int policy__resolve_member(struct sim_policy *pol, const char *path, struct policy_knob *k,
			   char *err, size_t errlen)
{
	char base[64];
	size_t n = strcspn(path, "[.");
	const char *p = path + n;
	__u32 id;
	size_t off = 0;
	void *addr;

	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", path);
	snprintf(base, sizeof(base), "%.*s", (int)n, path);
	id = global_type(pol->btf, base);
	addr = id ? dlsym(pol->dl, base) : NULL;
	if (!addr) {
		snprintf(err, errlen, "%s: the policy has no global of that name", base);
		return -1;
	}
	while (*p) {
		const struct btf_type *t = strip(pol->btf, &id);

		if (*p == '[') {
			char *end;
			long idx = strtol(p + 1, &end, 10);
			__s64 esz;

			if (!t || !btf_is_array(t) || end == p + 1 || *end != ']' || idx < 0 ||
			    (unsigned long)idx >= btf_array(t)->nelems) {
				snprintf(err, errlen, "%s: bad index at '%s'%s", path, p,
					 t && btf_is_array(t) ? "" : " (not an array)");
				return -1;
			}
			esz = btf__resolve_size(pol->btf, btf_array(t)->type);
			if (esz <= 0) {
				snprintf(err, errlen, "%s: cannot size the elements at '%s'", path, p);
				return -1;
			}
			off += (size_t)idx * (size_t)esz;
			id = btf_array(t)->type;
			p = end + 1;
		} else if (*p == '.') {
			char member[128];
			size_t ml = strcspn(p + 1, "[.");
			size_t moff;

			snprintf(member, sizeof(member), "%.*s", (int)ml, p + 1);
			if (!t || !(btf_is_struct(t) || btf_is_union(t)) ||
			    !find_member(pol->btf, t, member, &id, &moff)) {
				snprintf(err, errlen, "%s: no member '%s' there", path, member);
				return -1;
			}
			off += moff;
			p += 1 + ml;
		} else {
			snprintf(err, errlen, "%s: expected [N] or .member at '%s'", path, p);
			return -1;
		}
	}
	if (leaf(pol->btf, id, (unsigned char *)addr + off, k)) {
		snprintf(err, errlen, "%s: not an integer or an array of integers", path);
		return -1;
	}
	return 0;
}
