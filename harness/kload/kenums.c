/*
 * Filling scx's __SCX_* rodata from the kernel's BTF (see kenums.h).
 */
#include "harness/kload/kenums.h"

#include <bpf/btf.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The value of enumerator @name in any enum of @btf. */
static bool find_enumerator(const struct btf *btf, const char *name, uint64_t *value)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);
			for (int i = 0; i < btf_vlen(t); i++, e++)
				if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
					*value = btf_kflag(t) ? (uint64_t)(int64_t)(int32_t)e->val : (uint64_t)(uint32_t)e->val;
					return true;
				}
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);
			for (int i = 0; i < btf_vlen(t); i++, e++)
				if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
					*value = btf_enum64_value(e);
					return true;
				}
		}
	}
	return false;
}

int kenums__import(struct bpf_object *obj, const char *vmlinux_btf_path)
{
	struct btf *obtf = bpf_object__btf(obj), *kbtf;
	struct bpf_map *map;
	int set = 0;

	if (!obtf)
		return 0;
	kbtf = vmlinux_btf_path ? btf__parse(vmlinux_btf_path, NULL) : btf__load_vmlinux_btf();
	if (libbpf_get_error(kbtf))
		return -1;
	bpf_object__for_each_map(map, obj) {
		const char *sec = strchr(bpf_map__name(map), '.');
		const struct btf_var_secinfo *vs;
		const struct btf_type *t;
		size_t msz;
		char *data;
		int id;

		if (!sec || strncmp(sec, ".rodata", 7))
			continue;
		id = btf__find_by_name_kind(obtf, sec, BTF_KIND_DATASEC);
		data = bpf_map__initial_value(map, &msz);
		if (id < 0 || !data)
			continue;
		t = btf__type_by_id(obtf, (__u32)id);
		vs = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const char *vname = btf__name_by_offset(obtf, btf__type_by_id(obtf, vs->type)->name_off);
			uint64_t v;

			if (strncmp(vname, "__SCX_", 6) || vs->size != 8 || vs->offset + 8 > msz)
				continue;
			if (!find_enumerator(kbtf, vname + 2, &v))
				continue; /* the kernel lacks it: the program's default stays, as with scx_utils */
			memcpy(data + vs->offset, &v, 8);
			set++;
		}
	}
	btf__free(kbtf);
	return set;
}
