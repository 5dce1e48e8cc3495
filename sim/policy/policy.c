/*
 * Opening and closing a policy's .sim.so (see policy.h): a private copy of the object is
 * dlopen()ed so every open has its own globals, its BTF is read for the ops, maps and knobs,
 * and the maps are created and bound.
 */
#include "sim/policy/policy_internal.h"
#include "sim/bpf/bpf_runtime.h"
#include "sim/topo/topology.h"
#include "sim/shim/vmlinux.h"
#include "sim/scx/scx.h"

#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Copy @src to a new temporary file; its path goes to @out. */
static int private_copy(const char *src, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char buf[65536];
	int in, fd;
	ssize_t n;

	/* ".tmp.PID": the harness removes one a killed run left (harness/util/temp_files.h) */
	snprintf(out, outlen, "%s/" SIM_POLICY_COPY_PREFIX "%d.XXXXXX.so", tmp && *tmp ? tmp : "/tmp", (int)getpid());
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return -1;
	}
	fd = mkstemps(out, 3);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a temporary copy of %s in %s: %s", src,
			 tmp && *tmp ? tmp : "/tmp", strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(fd, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	}
	close(in);
	if (close(fd) || n < 0) {
		snprintf(err, errlen, "cannot copy %s: %s", src, strerror(errno));
		unlink(out);
		return -1;
	}
	return 0;
}

struct sim_policy *sim_policy__open(const char *path, int nr_cpus, char *err, size_t errlen)
{
	struct sim_policy *pol = calloc(1, sizeof(*pol));
	char copy[4096];

	if (!pol) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(pol->path, sizeof(pol->path), "%s", path);
	pol->nr_cpus = nr_cpus;
	if (access(path, R_OK)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	pol->btf = policy__btf_open(path, err, errlen);
	if (!pol->btf)
		goto fail;
	if (private_copy(path, copy, sizeof(copy), err, errlen))
		goto fail;
	pol->dl = dlopen(copy, RTLD_NOW | RTLD_LOCAL);
	unlink(copy);
	if (!pol->dl) {
		snprintf(err, errlen, "%s: cannot load: %s", path, dlerror());
		goto fail;
	}
	if (policy__scan_btf(pol, nr_cpus, err, errlen))
		goto fail;
	/* the first struct_ops map until a loader chooses another (one of several must be chosen) */
	if (sim_policy__choose_ops(pol, pol->ops_names[0], err, errlen))
		goto fail;
	pol->ops_chosen = pol->nr_ops == 1;
	/* as a libbpf loader does first: the kernel's SCX_* constants into __SCX_* rodata */
	policy__import_kernel_enums(pol);

	/* UEI_DEFINE(x): the loader tells the policy how much dump room x_dump has */
	for (int i = 0; i < pol->nr_knobs; i++) {
		struct policy_knob *k = &pol->knobs[i];
		size_t len = strlen(k->name);
		char dump[80];
		void *sym;

		if (len <= 9 || strcmp(k->name + len - 9, "_dump_len") || k->is_array)
			continue;
		snprintf(dump, sizeof(dump), "%.*s", (int)(len - 4), k->name);
		sym = dlsym(pol->dl, dump);
		if (sym) {
			Dl_info info;
			ElfW(Sym) *es = NULL;
			if (dladdr1(sym, &info, (void **)&es, RTLD_DL_SYMENT) && es)
				policy__knob_set_int(k, 0, (int64_t)es->st_size);
		}
	}
	return pol;
fail:
	sim_policy__close(pol);
	return NULL;
}

void sim_policy__close(struct sim_policy *pol)
{
	if (!pol)
		return;
	sim_bpf__timers_free();
	for (int i = 0; i < pol->nr_maps; i++)
		sim_bpf_map__free(pol->maps[i]);
	free(pol->maps);
	free(pol->knobs);
	free(pol->vars);
	free(pol->pending);
	free(pol->inner);
	sim_bpf__obj_free_all();
	if (pol->dl)
		dlclose(pol->dl);
	policy__btf_free(pol->btf);
	free(pol);
}

static void set_if_present(struct sim_policy *pol, const char *name, uint32_t idx, int64_t v,
			   int *count)
{
	struct policy_knob *k = policy__find_knob(pol, name);

	if (k && !policy__knob_set_int(k, idx, v) && idx == 0)
		(*count)++;
}

int sim_policy__apply_topology(struct sim_policy *pol, const struct sim_topology *topo)
{
	int n = 0;

	set_if_present(pol, "nr_cpu_ids", 0, topo->nr_cpus, &n);
	set_if_present(pol, "nr_llcs", 0, topo->nr_llcs, &n);
	set_if_present(pol, "nr_nodes", 0, topo->nr_nodes, &n);
	for (int cpu = 0; cpu < topo->nr_cpus; cpu++) {
		set_if_present(pol, "cpu_llc", (uint32_t)cpu, topo->cpu[cpu].llc, &n);
		set_if_present(pol, "cpu_node", (uint32_t)cpu, topo->cpu[cpu].node, &n);
		set_if_present(pol, "cpu_core", (uint32_t)cpu, topo->cpu[cpu].core, &n);
	}
	return n;
}

int sim_policy__run_syscall(struct sim_policy *pol, struct sim *sim, const char *prog, void *ctx,
			    int *retval, char *err, size_t errlen)
{
	int (*fn)(void *);

	*(void **)&fn = dlsym(pol->dl, prog);
	if (!fn) {
		snprintf(err, errlen, "%s: no program '%s'", pol->path, prog);
		return -1;
	}
	*retval = scx_sched__run_syscall(sim, fn, ctx);
	return 0;
}

int sim_policy__set_map_entries(struct sim_policy *pol, const char *name, uint32_t entries,
				char *err, size_t errlen)
{
	if (pol->frozen) {
		snprintf(err, errlen, "map '%s': sizes are fixed once the policy is loaded", name);
		return -1;
	}
	for (int i = 0; i < pol->nr_pending; i++) {
		if (!strcmp(pol->pending[i].name, name)) {
			pol->pending[i].def.max_entries = entries;
			return 0;
		}
	}
	for (int i = 0; i < pol->nr_maps; i++) {
		const struct sim_bpf_map_def *d = sim_bpf_map__def(pol->maps[i]);
		struct sim_bpf_map_def def;
		struct sim_bpf_map *map;
		void *global;

		if (strcmp(d->name, name))
			continue;
		/* libbpf's set_max_entries on a sized map before load: this one is made again, empty */
		global = dlsym(pol->dl, name);
		if (d->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || d->type == BPF_MAP_TYPE_HASH_OF_MAPS || !global ||
		    sim_bpf_map__from_global(global) != pol->maps[i]) {
			snprintf(err, errlen, "map '%s': a map of maps is sized in its definition only", name);
			return -1;
		}
		def = *d;
		def.max_entries = entries;
		map = sim_bpf_map__new(&def, pol->nr_cpus, err, errlen);
		if (!map)
			return -1;
		sim_bpf_map__free(pol->maps[i]);
		pol->maps[i] = map;
		sim_bpf_map__bind(map, global);
		return 0;
	}
	snprintf(err, errlen, "the policy has no map '%s'", name);
	return -1;
}

/* The inner maps of map of maps @outer, made from its inner definition (policy_btf.c). */
int sim_policy__populate_inner_maps(struct sim_policy *pol, const char *outer, char *err,
				    size_t errlen)
{
	struct sim_bpf_map *om = sim_policy__map_by_name(pol, outer);
	const struct inner_template *it = NULL;

	err[0] = 0;
	for (int i = 0; i < pol->nr_inner; i++)
		if (!strcmp(pol->inner[i].outer, outer))
			it = &pol->inner[i];
	if (!om || !it) {
		snprintf(err, errlen, "%s: no map of maps '%s' with an inner definition", pol->path, outer);
		return -1;
	}
	for (uint32_t k = 0; k < sim_bpf_map__def(om)->max_entries; k++) {
		struct sim_bpf_map_def def = it->def;
		char name[96];
		void *slot, *handle;
		struct sim_bpf_map *inner, **maps;

		if (!sim_bpf_map__lookup(om, &k, &slot, sizeof(slot)) && slot)
			continue; /* filled statically */
		snprintf(name, sizeof(name), "%s[%u]", outer, k);
		def.name = name;
		inner = sim_bpf_map__new(&def, pol->nr_cpus, err, errlen);
		/* the inner map is reached through a one-word handle, like a map global */
		handle = inner ? sim_bpf__obj_alloc(sizeof(void *)) : NULL;
		maps = handle ? realloc(pol->maps, (pol->nr_maps + 1) * sizeof(*maps)) : NULL;
		if (!maps) {
			sim_bpf_map__free(inner);
			if (!err[0])
				snprintf(err, errlen, "out of memory");
			return -1;
		}
		pol->maps = maps;
		pol->maps[pol->nr_maps++] = inner;
		sim_bpf_map__bind(inner, handle);
		if (sim_bpf_map__update(om, &k, &handle, sizeof(handle), BPF_ANY)) {
			snprintf(err, errlen, "%s: cannot store inner map %u", outer, k);
			return -1;
		}
	}
	return 0;
}

/* "a, b": the object's struct_ops maps, for messages. */
static const char *ops_list(const struct sim_policy *pol, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (int i = 0; i < pol->nr_ops && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", pol->ops_names[i]);
	return buf;
}

int sim_policy__choose_ops(struct sim_policy *pol, const char *name, char *err, size_t errlen)
{
	char names[512];

	for (int i = 0; i < pol->nr_ops; i++) {
		struct sched_ext_ops *ops;

		if (strcmp(pol->ops_names[i], name))
			continue;
		ops = dlsym(pol->dl, name);
		if (!ops) {
			snprintf(err, errlen, "%s: struct_ops '%s' has no global symbol", pol->path, name);
			return -1;
		}
		if (pol->frozen) {
			snprintf(err, errlen, "struct_ops %s: the policy is already loaded", name);
			return -1;
		}
		pol->ops = ops;
		pol->ops_chosen = true;
		snprintf(pol->name, sizeof(pol->name), "%s", ops->name[0] ? ops->name : name);
		return 0;
	}
	snprintf(err, errlen, "struct_ops %s: the policy has no struct_ops map of that name (it has %s)", name,
		 ops_list(pol, names, sizeof(names)));
	return -1;
}

int sim_policy__nr_ops(const struct sim_policy *pol)
{
	return pol->nr_ops;
}

const char *sim_policy__ops_name(const struct sim_policy *pol, int i)
{
	return i >= 0 && i < pol->nr_ops ? pol->ops_names[i] : NULL;
}

const struct btf *sim_policy__btf(const struct sim_policy *pol)
{
	return pol->btf;
}

int sim_policy__nr_cpus(const struct sim_policy *pol)
{
	return pol->nr_cpus;
}

int sim_policy__freeze(struct sim_policy *pol, char *err, size_t errlen)
{
	if (pol->frozen)
		return 0;
	if (!pol->ops_chosen) {
		char names[512];

		snprintf(err, errlen, "%s: %d struct_ops maps (%s): a loader profile says which is attached "
			 "(`struct_ops NAME`)", pol->path, pol->nr_ops, ops_list(pol, names, sizeof(names)));
		return -1;
	}
	if (policy__create_pending(pol, err, errlen))
		return -1;
	/* a map of maps left empty by the source is filled by its loader: do it here */
	for (int i = 0; i < pol->nr_inner; i++) {
		struct sim_bpf_map *om = sim_policy__map_by_name(pol, pol->inner[i].outer);
		uint32_t key;
		if (om && sim_bpf_map__next_key(om, NULL, &key) == 0) {
			void *slot = NULL;
			bool empty = true;
			for (uint32_t k = 0; k < sim_bpf_map__def(om)->max_entries && empty; k++)
				if (!sim_bpf_map__lookup(om, &k, &slot, sizeof(slot)) && slot)
					empty = false;
			if (empty && sim_policy__populate_inner_maps(pol, pol->inner[i].outer, err, errlen))
				return -1;
		}
	}
	pol->frozen = true;
	return 0;
}

struct sched_ext_ops *sim_policy__ops(struct sim_policy *pol)
{
	return pol->ops;
}

const char *sim_policy__name(const struct sim_policy *pol)
{
	return pol->name;
}

const char *sim_policy__path(const struct sim_policy *pol)
{
	return pol->path;
}

int sim_policy__nr_maps(const struct sim_policy *pol)
{
	return pol->nr_maps;
}

struct sim_bpf_map *sim_policy__map(const struct sim_policy *pol, int i)
{
	return i >= 0 && i < pol->nr_maps ? pol->maps[i] : NULL;
}

struct sim_bpf_map *sim_policy__map_by_name(const struct sim_policy *pol, const char *name)
{
	for (int i = 0; i < pol->nr_maps; i++)
		if (!strcmp(sim_bpf_map__def(pol->maps[i])->name, name))
			return pol->maps[i];
	return NULL;
}
