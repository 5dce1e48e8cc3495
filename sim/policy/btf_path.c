/*
 * Paths into a BPF object's globals through its BTF (see btf_path.h).
 */
#include "sim/policy/btf_path.h"

#include <bpf/btf.h>

#include <errno.h>
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

/* The integer (or integer array) at @id: its element size and count, signedness. */
static int leaf(const struct btf *btf, __u32 id, struct btf_path *k)
{
	const struct btf_type *t = strip(btf, &id);

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

int btf_path__resolve(const struct btf *btf, const char *path, struct btf_path *out, char *err, size_t errlen)
{
	size_t n = strcspn(path, "[.");
	char base[sizeof(out->base)];
	__u32 id;

	snprintf(base, sizeof(base), "%.*s", (int)n, path);
	id = global_type(btf, base);
	if (!id) {
		memset(out, 0, sizeof(*out));
		snprintf(out->base, sizeof(out->base), "%s", base);
		snprintf(err, errlen, "%s: the policy has no global of that name", base);
		return -1;
	}
	return btf_path__resolve_in(btf, id, base, path, path + n, out, err, errlen);
}

uint32_t btf_path__map_value_type(const struct btf *btf, const char *map)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vs;

		if (!btf_is_datasec(t) || strcmp(btf__name_by_offset(btf, t->name_off), ".maps"))
			continue;
		vs = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type), *def;
			const struct btf_member *m;
			__u32 did;

			if (!btf_is_var(v) || strcmp(btf__name_by_offset(btf, v->name_off), map))
				continue;
			did = v->type;
			def = strip(btf, &did);
			if (!def || !btf_is_struct(def))
				return 0;
			m = btf_members(def);
			for (int j = 0; j < btf_vlen(def); j++, m++) {
				__u32 pid = m->type;
				const struct btf_type *ptr;

				if (strcmp(btf__name_by_offset(btf, m->name_off), "value"))
					continue;
				ptr = strip(btf, &pid);
				return ptr && btf_is_ptr(ptr) ? ptr->type : 0; /* __type(value, T): a T pointer */
			}
			return 0;
		}
	}
	return 0;
}

int btf_path__resolve_in(const struct btf *btf, uint32_t type_id, const char *base, const char *path,
			 const char *p, struct btf_path *out, char *err, size_t errlen)
{
	size_t off = 0;
	__u32 id = type_id;

	memset(out, 0, sizeof(*out));
	snprintf(out->base, sizeof(out->base), "%s", base);
	while (*p) {
		const struct btf_type *t = strip(btf, &id);

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
			esz = btf__resolve_size(btf, btf_array(t)->type);
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
			    !find_member(btf, t, member, &id, &moff)) {
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
	out->offset = off;
	if (leaf(btf, id, out)) {
		snprintf(err, errlen, "%s: not an integer or an array of integers", path);
		return -1;
	}
	return 0;
}

bool btf_path__fits(const struct btf_path *bp, int64_t sv, uint64_t uv, bool negative)
{
	unsigned bits = bp->elem_size * 8;

	if (bp->is_bool)
		return !negative && uv <= 1;
	if (bp->is_signed) {
		int64_t lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
		int64_t hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
		if (!negative && uv > (uint64_t)INT64_MAX)
			return false;
		return sv >= lo && sv <= hi;
	}
	if (negative)
		return false;
	return bits == 64 || uv <= ((uint64_t)1 << bits) - 1;
}

void btf_path__store(const struct btf_path *bp, void *at, uint32_t idx, uint64_t raw)
{
	unsigned char *p = (unsigned char *)at + (size_t)idx * bp->elem_size;

	switch (bp->elem_size) {
	case 1: { uint8_t v = (uint8_t)raw; memcpy(p, &v, 1); break; }
	case 2: { uint16_t v = (uint16_t)raw; memcpy(p, &v, 2); break; }
	case 4: { uint32_t v = (uint32_t)raw; memcpy(p, &v, 4); break; }
	default: memcpy(p, &raw, 8); break;
	}
}

int btf_path__set_elem(const struct btf_path *bp, void *at, uint32_t idx, const char *name, const char *text,
		       char *err, size_t errlen)
{
	bool negative = false;
	uint64_t uv;
	int64_t sv;
	char *end;

	while (*text == ' ')
		text++;
	if (bp->is_bool && (!strcmp(text, "true") || !strcmp(text, "false"))) {
		btf_path__store(bp, at, idx, text[0] == 't');
		return 0;
	}
	if (*text == '-')
		negative = true;
	errno = 0;
	if (negative) {
		sv = strtoll(text, &end, 0);
		uv = (uint64_t)sv;
	} else {
		uv = strtoull(text, &end, 0);
		sv = (int64_t)uv;
	}
	while (*end == ' ')
		end++;
	if (!*text || *end || errno) {
		snprintf(err, errlen, "%s: '%s' is not a number%s", name, text, bp->is_bool ? " or true/false" : "");
		return -1;
	}
	if (!btf_path__fits(bp, sv, uv, negative)) {
		snprintf(err, errlen, "%s: %s does not fit a %s%u-bit %s", name, text, bp->is_signed ? "signed " : "",
			 bp->elem_size * 8, bp->is_bool ? "bool" : "integer");
		return -1;
	}
	btf_path__store(bp, at, idx, uv);
	return 0;
}

int btf_path__set_text(const struct btf_path *bp, void *at, const char *name, const char *text, char *err,
		       size_t errlen)
{
	char buf[8192];
	uint32_t i = 0;

	if (!bp->is_array)
		return btf_path__set_elem(bp, at, 0, name, text, err, errlen);
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (i >= bp->nelems) {
			snprintf(err, errlen, "%s: more than %u values", name, bp->nelems);
			return -1;
		}
		if (btf_path__set_elem(bp, at, i++, name, tok, err, errlen))
			return -1;
	}
	return 0;
}
