/*
 * The special fields of a map's value type, found in its BTF as the kernel's btf_parse_fields()
 * finds them: kptrs, timers, spin locks, list/rbtree roots and nodes, refcounts, in nested
 * structs and arrays too. gcc's BTF has no type tags, so a kptr is recognised by what it
 * points to (struct bpf_cpumask, task_struct or cgroup: the kernel objects a policy may keep
 * a reference to in a map), not by its __kptr tag.
 */
#include "sim/policy/policy_internal.h"

#include <bpf/btf.h>

#include <stdio.h>
#include <string.h>

static const struct btf_type *strip(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

static const char *struct_name(const struct btf *btf, const struct btf_type *t)
{
	return t && (btf_is_struct(t) || btf_is_union(t) || btf_is_fwd(t))
		       ? btf__name_by_offset(btf, t->name_off) : "";
}

/* The kind of a field of type @t, or -1 for plain data. */
static int field_kind(const struct btf *btf, const struct btf_type *t)
{
	static const char *const opaque[] = {
		"bpf_spin_lock", "bpf_res_spin_lock", "bpf_list_head", "bpf_list_node",
		"bpf_rb_root", "bpf_rb_node", "bpf_refcount", "bpf_wq", "bpf_task_work",
	};
	const char *name;

	if (btf_is_ptr(t)) {
		name = struct_name(btf, strip(btf, t->type));
		if (!strcmp(name, "bpf_cpumask"))
			return SIM_BPF_FIELD_KPTR_CPUMASK;
		if (!strcmp(name, "task_struct") || !strcmp(name, "cgroup"))
			return SIM_BPF_FIELD_KPTR;
		return -1;
	}
	name = struct_name(btf, t);
	if (!strcmp(name, "bpf_timer"))
		return SIM_BPF_FIELD_TIMER;
	for (size_t i = 0; i < sizeof(opaque) / sizeof(opaque[0]); i++)
		if (!strcmp(name, opaque[i]))
			return SIM_BPF_FIELD_OPAQUE;
	return -1;
}

static int add_field(struct sim_bpf_map_def *def, uint32_t off, uint32_t size, int kind)
{
	if (def->nr_fields >= SIM_BPF_MAX_FIELDS)
		return -1;
	def->fields[def->nr_fields++] = (struct sim_bpf_field){ off, size, (uint32_t)kind };
	return 0;
}

/* Fields of type @id placed at byte @off, in increasing offset order. */
static int walk(const struct btf *btf, __u32 id, uint32_t off, struct sim_bpf_map_def *def,
		int depth)
{
	const struct btf_type *t = strip(btf, id);
	__s64 size;
	int kind;

	if (!t || depth > 16)
		return 0;
	kind = field_kind(btf, t);
	if (kind >= 0) {
		size = btf__resolve_size(btf, id);
		return size > 0 ? add_field(def, off, (uint32_t)size, kind) : 0;
	}
	if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		__s64 esz = btf__resolve_size(btf, a->type);
		uint32_t before = def->nr_fields;

		if (esz <= 0 || !a->nelems)
			return 0;
		if (walk(btf, a->type, off, def, depth + 1))
			return -1;
		if (def->nr_fields == before)
			return 0; /* no special field in an element: plain data */
		for (__u32 i = 1; i < a->nelems; i++)
			if (walk(btf, a->type, off + (uint32_t)(i * esz), def, depth + 1))
				return -1;
		return 0;
	}
	if (btf_is_struct(t) || btf_is_union(t)) {
		const struct btf_member *m = btf_members(t);

		/* a union's members overlap: special fields of one would overlap the others */
		if (btf_is_union(t))
			return 0;
		for (int i = 0; i < btf_vlen(t); i++, m++) {
			if (btf_member_bitfield_size(t, i))
				continue;
			if (walk(btf, m->type, off + btf_member_bit_offset(t, i) / 8, def, depth + 1))
				return -1;
		}
	}
	return 0;
}

int policy__value_fields(const struct btf *btf, uint32_t value_type_id, struct sim_bpf_map_def *def,
			 const char *path, char *err, size_t errlen)
{
	def->nr_fields = 0;
	if (walk(btf, value_type_id, 0, def, 0)) {
		snprintf(err, errlen, "%s: map '%s': its value has more than %d special fields "
			 "(kptrs, timers, locks, list and rbtree roots and nodes)", path,
			 def->name ? def->name : "?", SIM_BPF_MAX_FIELDS);
		return -1;
	}
	return 0;
}
