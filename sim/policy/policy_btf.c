/*
 * Reading a .sim.so's BTF the way libbpf reads a .bpf.o's: the struct_ops variable, map
 * definitions in .maps (the __uint/__type member encoding), and const-qualified globals.
 * Addresses come from the loaded object's symbol table (dlsym), so policy->dl must be open.
 */
#include "sim/policy/policy_internal.h"
#include "sim/bpf/bpf_runtime.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id, __u32 *out_id,
					bool *is_const)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		if (btf_is_const(t) && is_const)
			*is_const = true;
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (out_id)
		*out_id = id;
	return t;
}

/* A map-definition member: __ulong(name, v) is an anonymous enum whose one value is v. */
static int member_ulong(const struct btf *btf, const struct btf_member *m, uint64_t *val)
{
	const struct btf_type *t = skip_mods(btf, m->type, NULL, NULL);

	if (t && btf_is_enum64(t) && btf_vlen(t) >= 1) {
		*val = btf_enum64_value(btf_enum64(t));
		return 0;
	}
	if (t && btf_is_enum(t) && btf_vlen(t) >= 1) {
		*val = (__u32)btf_enum(t)->val;
		return 0;
	}
	if (t && (btf_is_enum(t) || btf_is_enum64(t))) {
		*val = 0; /* gcc 12's BTF drops 64-bit enum values: any 4 GiB-aligned start */
		return 0;
	}
	return -1;
}

/* A map-definition member: __uint(name, v) is a pointer to an array of v ints. */
static int member_uint(const struct btf *btf, const struct btf_member *m, __u32 *val)
{
	const struct btf_type *t = skip_mods(btf, m->type, NULL, NULL);

	if (!t || !btf_is_ptr(t))
		return -1;
	t = skip_mods(btf, t->type, NULL, NULL);
	if (!t || !btf_is_array(t))
		return -1;
	*val = btf_array(t)->nelems;
	return 0;
}

/* __type(name, T) is a pointer to T: its size. */
static int member_type_size(const struct btf *btf, const struct btf_member *m, __u32 *size)
{
	const struct btf_type *t = skip_mods(btf, m->type, NULL, NULL);
	__s64 sz;

	if (!t || !btf_is_ptr(t))
		return -1;
	sz = btf__resolve_size(btf, t->type);
	if (sz <= 0)
		return -1;
	*size = (__u32)sz;
	return 0;
}

/*
 * A map of maps initialised in the source (`.values = { [0] = &inner, ... }`): the slots follow
 * the definition's other members in the global; the symbol's size says how many there are.
 */
static int fill_inner_maps(struct sim_policy *pol, const char *name, struct sim_bpf_map *map,
			   void *global, size_t off, char *err, size_t errlen)
{
	Dl_info info;
	ElfW(Sym) *sym = NULL;
	size_t n;

	if (!dladdr1(global, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym) {
		snprintf(err, errlen, "%s: map '%s': cannot size its initialiser", pol->path, name);
		return -1;
	}
	n = sym->st_size > off ? (sym->st_size - off) / sizeof(void *) : 0;
	for (size_t i = 0; i < n; i++) {
		void *inner;
		uint32_t key = (uint32_t)i;

		memcpy(&inner, (unsigned char *)global + off + i * sizeof(void *), sizeof(inner));
		if (!inner)
			continue;
		if (sim_bpf_map__update(map, &key, &inner, sizeof(inner), BPF_ANY)) {
			snprintf(err, errlen, "%s: map '%s': slot %zu does not fit (max_entries %u)",
				 pol->path, name, i, sim_bpf_map__def(map)->max_entries);
			return -1;
		}
	}
	return 0;
}

/*
 * Read a map definition struct (type id @type_id) into @def. For a map of maps, *@values_off
 * is where the inner-map slots start and *@inner_id the inner definition's type id.
 */
static int parse_def(struct sim_policy *pol, const char *name, __u32 type_id,
		     struct sim_bpf_map_def *def, long *values_off, __u32 *inner_id,
		     char *err, size_t errlen)
{
	const struct btf_type *t = skip_mods(pol->btf, type_id, NULL, NULL);
	const struct btf_member *m;

	*values_off = -1;
	*inner_id = 0;
	if (!t || !btf_is_struct(t)) {
		snprintf(err, errlen, "%s: map '%s' in .maps is not a struct definition", pol->path, name);
		return -1;
	}
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(pol->btf, m->name_off);
		int bad = 0;

		if (!strcmp(mn, "type"))
			bad = member_uint(pol->btf, m, &def->type);
		else if (!strcmp(mn, "max_entries"))
			bad = member_uint(pol->btf, m, &def->max_entries);
		else if (!strcmp(mn, "map_flags"))
			bad = member_uint(pol->btf, m, &def->map_flags);
		else if (!strcmp(mn, "key_size"))
			bad = member_uint(pol->btf, m, &def->key_size);
		else if (!strcmp(mn, "value_size"))
			bad = member_uint(pol->btf, m, &def->value_size);
		else if (!strcmp(mn, "key"))
			bad = member_type_size(pol->btf, m, &def->key_size);
		else if (!strcmp(mn, "value")) {
			const struct btf_type *ptr = skip_mods(pol->btf, m->type, NULL, NULL);
			bad = member_type_size(pol->btf, m, &def->value_size);
			if (!bad && policy__value_fields(pol->btf, ptr->type, def, pol->path, err, errlen))
				return -1;
		}
		else if (!strcmp(mn, "values")) {
			/* __array(values, struct inner): an array of pointers to the inner definition */
			const struct btf_type *a = skip_mods(pol->btf, m->type, NULL, NULL), *ptr;
			*values_off = (long)(btf_member_bit_offset(t, i) / 8);
			if (a && btf_is_array(a)) {
				ptr = skip_mods(pol->btf, btf_array(a)->type, NULL, NULL);
				if (ptr && btf_is_ptr(ptr))
					skip_mods(pol->btf, ptr->type, inner_id, NULL);
			}
		}
		else if (!strcmp(mn, "map_extra"))
			bad = member_ulong(pol->btf, m, &def->map_extra);
		else if (!strcmp(mn, "numa_node") || !strcmp(mn, "pinning"))
			continue;
		else {
			snprintf(err, errlen, "%s: map '%s': member '%s' is not supported by the simulator",
				 pol->path, name, mn);
			return -1;
		}
		if (bad) {
			snprintf(err, errlen, "%s: map '%s': cannot read member '%s' (use __uint/__type)",
				 pol->path, name, mn);
			return -1;
		}
	}
	return 0;
}

/* Remember the inner-map definition of a map of maps, for sim_policy__populate_inner_maps(). */
static int add_inner_template(struct sim_policy *pol, const char *outer, __u32 inner_id,
			      char *err, size_t errlen)
{
	struct inner_template *it;
	struct sim_bpf_map_def def = { .name = outer };
	long off;
	__u32 nested;

	if (!inner_id)
		return 0;
	if (parse_def(pol, outer, inner_id, &def, &off, &nested, err, errlen))
		return -1;
	it = realloc(pol->inner, (pol->nr_inner + 1) * sizeof(*it));
	if (!it) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pol->inner = it;
	it = &pol->inner[pol->nr_inner++];
	snprintf(it->outer, sizeof(it->outer), "%s", outer);
	it->def = def;
	it->def.name = NULL;
	return 0;
}

static int parse_map(struct sim_policy *pol, const char *name, __u32 type_id, int nr_cpus,
		     char *err, size_t errlen)
{
	struct sim_bpf_map_def def = { .name = name };
	struct sim_bpf_map *map, **maps;
	void *global;
	long values_off;
	__u32 inner_id;

	if (parse_def(pol, name, type_id, &def, &values_off, &inner_id, err, errlen) ||
	    add_inner_template(pol, name, inner_id, err, errlen))
		return -1;
	global = dlsym(pol->dl, name);
	if (!global) {
		snprintf(err, errlen, "%s: map '%s' has no global symbol (is it static?)", pol->path, name);
		return -1;
	}
	for (int i = 0; i < pol->nr_maps; i++)
		if (sim_bpf_map__from_global(global) == pol->maps[i])
			return 0; /* a __weak definition every source repeats (scx's arena_map.h): one map,
				   * as libbpf's linker keeps one */
	if (btf__resolve_size(pol->btf, type_id) < (__s64)sizeof(void *)) {
		snprintf(err, errlen, "%s: map '%s' is too small to bind", pol->path, name);
		return -1;
	}
	if (def.type == BPF_MAP_TYPE_ARRAY_OF_MAPS || def.type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		if (values_off < 0) {
			snprintf(err, errlen, "%s: map '%s': a map of maps needs __array(values, ...)",
				 pol->path, name);
			return -1;
		}
		def.value_size = sizeof(void *); /* the inner map */
	}
	if (!def.max_entries && def.type != BPF_MAP_TYPE_TASK_STORAGE &&
	    def.type != BPF_MAP_TYPE_CGRP_STORAGE && values_off < 0) {
		/* sized by the loader (bpf_map__set_max_entries) before load: created at freeze */
		struct pending_map *pm = realloc(pol->pending, (pol->nr_pending + 1) * sizeof(*pm));
		if (!pm) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		pol->pending = pm;
		pm = &pol->pending[pol->nr_pending++];
		snprintf(pm->name, sizeof(pm->name), "%s", name);
		pm->def = def;
		pm->def.name = pm->name;
		pm->def.max_entries = 0;
		pm->global = global;
		return 0;
	}
	map = sim_bpf_map__new(&def, nr_cpus, err, errlen);
	if (!map)
		return -1;
	maps = realloc(pol->maps, (pol->nr_maps + 1) * sizeof(*maps));
	if (!maps) {
		sim_bpf_map__free(map);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pol->maps = maps;
	pol->maps[pol->nr_maps++] = map;
	if (values_off >= 0 && fill_inner_maps(pol, name, map, global, (size_t)values_off, err, errlen))
		return -1;
	sim_bpf_map__bind(map, global);
	return 0;
}

/* A const global of integer, enum or bool type (or an array of them) is a knob. */
static int parse_knob(struct sim_policy *pol, const char *name, __u32 type_id)
{
	bool is_const = false;
	const struct btf_type *t = skip_mods(pol->btf, type_id, NULL, &is_const);
	struct policy_knob k = { 0 }, *knobs;

	if (!t)
		return 0;
	k.nelems = 1;
	/* arrays of arrays (u64 dom_cpumasks[MAX_DOMS][N]) are set as one flat list, row after row */
	while (t && btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		k.multi_dim = k.is_array;
		k.is_array = true;
		k.nelems *= a->nelems;
		t = skip_mods(pol->btf, a->type, NULL, NULL);
	}
	if (!t)
		return 0;
	if (btf_is_int(t)) {
		__u8 enc = btf_int_encoding(t);
		k.is_signed = enc & BTF_INT_SIGNED;
		k.is_bool = enc & BTF_INT_BOOL;
		k.elem_size = t->size;
	} else if (btf_is_any_enum(t)) {
		k.is_signed = btf_kflag(t);
		k.elem_size = t->size;
	} else {
		return 0; /* strings, structs: not settable as knobs */
	}
	if (k.elem_size != 1 && k.elem_size != 2 && k.elem_size != 4 && k.elem_size != 8)
		return 0;
	snprintf(k.name, sizeof(k.name), "%s", name);
	k.addr = dlsym(pol->dl, name);
	if (!k.addr)
		return 0;
	if (!is_const) {
		knobs = realloc(pol->vars, (pol->nr_vars + 1) * sizeof(*knobs));
		if (!knobs)
			return -1;
		pol->vars = knobs;
		pol->vars[pol->nr_vars++] = k;
		return 0;
	}
	k.folded = !policy__global_is_writable(k.addr, (size_t)k.elem_size * k.nelems);
	knobs = realloc(pol->knobs, (pol->nr_knobs + 1) * sizeof(*knobs));
	if (!knobs)
		return -1;
	pol->knobs = knobs;
	pol->knobs[pol->nr_knobs++] = k;
	return 0;
}

int policy__scan_btf(struct sim_policy *pol, int nr_cpus, char *err, size_t errlen)
{
	__u32 n = btf__type_cnt(pol->btf);

	pol->nr_ops = 0;
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(pol->btf, id);
		const char *sec;
		const struct btf_var_secinfo *vs;

		if (!btf_is_datasec(t))
			continue;
		sec = btf__name_by_offset(pol->btf, t->name_off);
		vs = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(pol->btf, vs->type);
			const char *vname;

			if (!btf_is_var(v))
				continue;
			vname = btf__name_by_offset(pol->btf, v->name_off);
			if (!strcmp(sec, ".struct_ops") || !strcmp(sec, ".struct_ops.link")) {
				if (pol->nr_ops == SIM_POLICY_MAX_OPS) {
					snprintf(err, errlen, "%s: more than %d struct_ops maps", pol->path,
						 SIM_POLICY_MAX_OPS);
					return -1;
				}
				snprintf(pol->ops_names[pol->nr_ops++], sizeof(pol->ops_names[0]), "%s", vname);
			} else if (!strcmp(sec, ".maps")) {
				if (parse_map(pol, vname, v->type, nr_cpus, err, errlen))
					return -1;
			} else if (!strncmp(sec, ".rodata", 7) || !strncmp(sec, ".data", 5) ||
				   !strncmp(sec, ".bss", 4)) {
				if (parse_knob(pol, vname, v->type)) {
					snprintf(err, errlen, "out of memory");
					return -1;
				}
			}
		}
	}
	if (pol->nr_ops == 0) {
		snprintf(err, errlen, "%s: no struct_ops map found (a policy defines its ops with SCX_OPS_DEFINE)",
			 pol->path);
		return -1;
	}
	return 0;
}

struct btf *policy__btf_open(const char *path, char *err, size_t errlen)
{
	/* libbpf would print its own complaint; the caller reports ours */
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	struct btf *btf = btf__parse_elf(path, NULL);
	long e = libbpf_get_error(btf);

	libbpf_set_print(old);
	if (e) {
		snprintf(err, errlen, "%s: no BTF type information (build it with `scxlab build`, which "
			 "compiles with gcc -gbtf): %s", path, strerror((int)-e));
		return NULL;
	}
	return btf;
}

void policy__btf_free(struct btf *btf)
{
	btf__free(btf);
}

int policy__create_pending(struct sim_policy *pol, char *err, size_t errlen)
{
	for (int i = 0; i < pol->nr_pending; i++) {
		struct pending_map *pm = &pol->pending[i];
		struct sim_bpf_map_def def = pm->def;
		struct sim_bpf_map *map, **maps;

		def.name = pm->name;
		if (!def.max_entries) {
			snprintf(err, errlen, "%s: map '%s' has max_entries 0: its loader sizes it before "
				 "load (set it with --map-entries %s=N)", pol->path, pm->name, pm->name);
			return -1;
		}
		map = sim_bpf_map__new(&def, pol->nr_cpus, err, errlen);
		if (!map)
			return -1;
		maps = realloc(pol->maps, (pol->nr_maps + 1) * sizeof(*maps));
		if (!maps) {
			sim_bpf_map__free(map);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		pol->maps = maps;
		pol->maps[pol->nr_maps++] = map;
		sim_bpf_map__bind(map, pm->global);
	}
	free(pol->pending);
	pol->pending = NULL;
	pol->nr_pending = 0;
	return 0;
}
