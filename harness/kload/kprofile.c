/*
 * Loader profiles in the real kernel, through libbpf (see kprofile.h).
 */
#include "harness/kload/kprofile.h"
#include "harness/kload/kpolicy.h"
#include "harness/util/line_text.h"
#include "harness/profile/loader_profile.h"
#include "harness/profile/map_fill.h"
#include "sim/policy/btf_path.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static const struct loader_profile *current;

void kprofile__use(const struct loader_profile *lp)
{
	current = lp;
}

const struct loader_profile *kprofile__current(void)
{
	return current;
}

/* A global, a struct field or an array row by path, in the object's initial values. */
static int set_global(const struct loader_profile *lp, const struct profile_item *it, struct bpf_object *obj,
		      char *err, size_t errlen)
{
	struct btf_path bp;
	size_t size = 0;
	char e[1024];
	char *base;

	if (!bpf_object__btf(obj))
		return line_text__fail(err, errlen, lp->path, it->line, "%s: the object has no BTF", it->name);
	if (btf_path__resolve(bpf_object__btf(obj), it->name, &bp, e, sizeof(e)))
		return line_text__fail(err, errlen, lp->path, it->line, "%s", e);
	base = kobj__find_var(obj, bp.base, &size, NULL);
	if (!base || bp.offset + (size_t)bp.nelems * bp.elem_size > size)
		return line_text__fail(err, errlen, lp->path, it->line, "%s: the policy has no global of that name",
				       bp.base);
	if (btf_path__set_text(&bp, base + bp.offset, it->name, it->value, e, sizeof(e)))
		return line_text__fail(err, errlen, lp->path, it->line, "%s", e);
	return 0;
}

/* Member @name of the struct_ops value: its place in the map's initial value and its size. */
static char *ops_member(struct bpf_object *obj, struct bpf_map *ops, const char *name, size_t *msize)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t = btf ? btf__type_by_id(btf, bpf_map__btf_value_type_id(ops)) : NULL;
	const struct btf_member *m;
	size_t size = 0;
	char *data = bpf_map__initial_value(ops, &size);

	if (!t || !data || !btf_is_struct(t))
		return NULL;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		size_t off = btf_member_bit_offset(t, (__u32)i) / 8;
		long long sz = btf__resolve_size(btf, m->type);

		if (strcmp(btf__name_by_offset(btf, m->name_off), name) || sz <= 0 || off + (size_t)sz > size)
			continue;
		*msize = (size_t)sz;
		return data + off;
	}
	return NULL;
}

static int set_ops_field(const struct loader_profile *lp, const struct profile_item *it, struct bpf_object *obj,
			 struct bpf_map *ops, char *err, size_t errlen)
{
	size_t size = 0;
	char *at = ops_member(obj, ops, it->name, &size);

	if (it->kind == PI_OPS_NULL) {
		/* libbpf (1.4 and later) reads the program pointer here: NULL drops the callback */
		if (at && size == sizeof(void *))
			memset(at, 0, size);
		return 0;
	}
	if (!at || (size != 4 && size != 8))
		return line_text__fail(err, errlen, lp->path, it->line, "ops %s: the policy's %s has no such field",
				       it->name, bpf_map__name(ops));
	if (size == 8) {
		uint64_t v = it->num;
		memcpy(at, &v, 8);
	} else {
		uint32_t v = (uint32_t)it->num;
		memcpy(at, &v, 4);
	}
	return 0;
}

int kprofile__apply_open(const struct loader_profile *lp, struct bpf_object *obj, struct bpf_map *ops,
			 char *err, size_t errlen)
{
	for (int i = 0; i < lp->nr_items; i++) {
		const struct profile_item *it = &lp->items[i];
		struct bpf_map *map;

		switch (it->kind) {
		case PI_GLOBAL:
			if (set_global(lp, it, obj, err, errlen))
				return -1;
			break;
		case PI_OPS_FIELD:
		case PI_OPS_NULL:
			if (set_ops_field(lp, it, obj, ops, err, errlen))
				return -1;
			break;
		case PI_MAP_ENTRIES:
			map = bpf_object__find_map_by_name(obj, it->name);
			if (!map)
				return line_text__fail(err, errlen, lp->path, it->line, "map_entries %s: no such map",
						       it->name);
			if (bpf_map__set_max_entries(map, (__u32)it->num))
				return line_text__fail(err, errlen, lp->path, it->line, "map_entries %s: %s", it->name,
						       strerror(errno));
			break;
		case PI_SYSCALL:
		case PI_ATTACH_AT:
		case PI_MAP_VALUE:
		case PI_STRUCT_OPS: /* chosen when the object was opened: kprofile__choose_ops */
			break;
		}
	}
	return 0;
}

int kprofile__choose_ops(const struct loader_profile *lp, struct bpf_object *obj, struct bpf_map **ops,
			 char *err, size_t errlen)
{
	const struct profile_item *choice = lp ? loader_profile__struct_ops(lp) : NULL;
	char names[512] = "";
	size_t len = 0;
	struct bpf_map *map;
	int nr = 0;

	*ops = NULL;
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		if (len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", nr ? ", " : "",
						bpf_map__name(map));
		nr++;
		if (!choice || !strcmp(bpf_map__name(map), choice->name))
			*ops = map;
	}
	if (choice && !*ops)
		return line_text__fail(err, errlen, lp->path, choice->line,
				       "struct_ops %s: the policy has no struct_ops map of that name (it has %s)",
				       choice->name, nr ? names : "none");
	if (!choice && nr > 1) {
		snprintf(err, errlen, "%d struct_ops maps (%s): a loader profile says which is attached "
			 "(`struct_ops NAME`)", nr, names);
		*ops = NULL;
		return -1;
	}
	return 0;
}

/* User-space access to a loaded map, as libbpf's bpf_map__lookup_elem()/update_elem(). */
static int kmap_lookup(void *ctx, const void *key, void *value)
{
	const struct bpf_map *map = ctx;

	return bpf_map_lookup_elem(bpf_map__fd(map), key, value) ? -errno : 0;
}

static int kmap_update(void *ctx, const void *key, const void *value)
{
	const struct bpf_map *map = ctx;

	return bpf_map_update_elem(bpf_map__fd(map), key, value, BPF_ANY) ? -errno : 0;
}

/* A `map` line through libbpf; @load false: only checked (the object is not loaded). */
static int fill_map(const struct loader_profile *lp, const struct profile_item *it, struct bpf_object *obj,
		    bool load, char *err, size_t errlen)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, it->name);
	struct map_fill_target t;

	if (!map || bpf_map__is_internal(map) || bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
		return line_text__fail(err, errlen, lp->path, it->line, "map %s: the policy has no map of that name",
				       it->name);
	if (!bpf_object__btf(obj))
		return line_text__fail(err, errlen, lp->path, it->line, "map %s: the object has no BTF", it->name);
	t = (struct map_fill_target){
		.btf = bpf_object__btf(obj),
		.value_type_id = bpf_map__btf_value_type_id(map),
		.type = bpf_map__type(map),
		.key_size = bpf_map__key_size(map),
		.value_size = bpf_map__value_size(map),
		.max_entries = bpf_map__max_entries(map),
		.nr_cpus = libbpf_num_possible_cpus(),
		.lookup = load ? kmap_lookup : NULL,
		.update = load ? kmap_update : NULL,
		.ctx = map,
	};
	if (!t.value_type_id)
		t.value_type_id = btf_path__map_value_type(t.btf, it->name);
	return map_fill__apply(lp->path, it, &t, err, errlen);
}

int kprofile__check_maps(const struct loader_profile *lp, struct bpf_object *obj, char *err, size_t errlen)
{
	for (int i = 0; i < lp->nr_items; i++)
		if (lp->items[i].kind == PI_MAP_VALUE && fill_map(lp, &lp->items[i], obj, false, err, errlen))
			return -1;
	return 0;
}

/* bpf_prog_test_run of @prog with the item's arguments, the thread pinned to @cpu (-1: not). */
static int run_one(const struct loader_profile *lp, const struct profile_item *it, struct bpf_program *prog,
		   int cpu, char *err, size_t errlen)
{
	unsigned char ctx[8 * PROFILE_MAX_ARGS];
	size_t len = loader_profile__pack_args(it, cpu, ctx, sizeof(ctx));
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = len ? ctx : NULL, .ctx_size_in = (__u32)((len + 7) & ~7UL));
	cpu_set_t saved, one;
	int rc;

	if (cpu >= 0) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_getaffinity(0, sizeof(saved), &saved) || sched_setaffinity(0, sizeof(one), &one))
			return line_text__fail(err, errlen, lp->path, it->line, "syscall %s: cannot run on CPU %d: %s",
					       it->name, cpu, strerror(errno));
	}
	rc = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (cpu >= 0)
		sched_setaffinity(0, sizeof(saved), &saved);
	if (rc)
		return line_text__fail(err, errlen, lp->path, it->line, "syscall %s (cpu %d): the kernel refused to run it: %s",
				       it->name, cpu, strerror(errno));
	if (opts.retval)
		fprintf(stderr, "scxlab load: %s:%d: syscall %s (cpu %d) returned %d\n", lp->path, it->line, it->name,
			cpu, (int)opts.retval);
	return 0;
}

int kprofile__run_syscalls(const struct loader_profile *lp, struct bpf_object *obj, bool after_attach,
			   char *err, size_t errlen)
{
	int nr_cpus = libbpf_num_possible_cpus();

	for (int i = 0; i < lp->nr_items; i++) {
		const struct profile_item *it = &lp->items[i];
		struct bpf_program *prog;

		if (it->kind == PI_MAP_VALUE && !after_attach) {
			if (fill_map(lp, it, obj, true, err, errlen))
				return -1;
			continue;
		}
		if (it->kind != PI_SYSCALL || it->after_attach != after_attach)
			continue;
		prog = bpf_object__find_program_by_name(obj, it->name);
		if (!prog || bpf_program__type(prog) != BPF_PROG_TYPE_SYSCALL)
			return line_text__fail(err, errlen, lp->path, it->line, "syscall %s: the policy has no SEC(\"syscall\") "
					       "program of that name", it->name);
		if (it->mode == SM_PER_CPU) {
			for (int cpu = 0; cpu < nr_cpus; cpu++)
				if (run_one(lp, it, prog, cpu, err, errlen))
					return -1;
		} else if (it->mode == SM_ON_CPU) {
			if (it->on_cpu >= nr_cpus)
				return line_text__fail(err, errlen, lp->path, it->line, "syscall %s: on-cpu=%d, the machine has %d CPUs",
						       it->name, it->on_cpu, nr_cpus);
			if (run_one(lp, it, prog, it->on_cpu, err, errlen))
				return -1;
		} else if (run_one(lp, it, prog, -1, err, errlen)) {
			return -1;
		}
	}
	return 0;
}
