/*
 * Topology files (workloads/topologies/NAME.topo): one machine shape that the simulator builds
 * and the VM runner turns into QEMU options. "key value" lines, `#` comments:
 *
 *   nodes 2                # NUMA nodes
 *   llcs_per_node 2        # last-level caches per node
 *   cores_per_llc 4
 *   threads_per_core 2     # SMT
 *   capacity 0-7 512       # optional, repeatable: capacity of a CPU range (1024 = fastest)
 *   distance 1 0 21        # optional: NUMA distance from node 1 to node 0 (default 10/20)
 *
 * `--topology` takes a preset name, NxLxCxT, a CPU count, or a path to such a file.
 */
#include "sim/topo/topology.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct topo_line {
	char key[32];
	char a[32], b[32], c[32];
	int n;
	int line;
};

static int read_int(const char *path, int line, const char *text, int lo, int hi, int *out, char *err,
		    size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (end == text || *end || errno || v < lo || v > hi) {
		snprintf(err, errlen, "%s:%d: '%s': expected an integer in %d..%d", path, line, text, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int sim_topology__load(struct sim_topology *t, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct topo_line lines[256];
	int nl = 0, lineno = 0, nodes = 0, llcs = 0, cores = 0, threads = 1;
	char buf[256];

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *hash = strchr(buf, '#');
		struct topo_line *l = &lines[nl];

		lineno++;
		if (hash)
			*hash = 0;
		l->n = sscanf(buf, "%31s %31s %31s %31s", l->key, l->a, l->b, l->c);
		if (l->n <= 0)
			continue;
		l->line = lineno;
		if (++nl == 256) {
			snprintf(err, errlen, "%s: more than 256 settings", path);
			fclose(f);
			return -1;
		}
	}
	fclose(f);

	/* the shape first */
	for (int i = 0; i < nl; i++) {
		struct topo_line *l = &lines[i];
		int *dst = !strcmp(l->key, "nodes") ? &nodes :
			   !strcmp(l->key, "llcs_per_node") ? &llcs :
			   !strcmp(l->key, "cores_per_llc") ? &cores :
			   !strcmp(l->key, "threads_per_core") ? &threads : NULL;

		if (!dst) {
			if (strcmp(l->key, "capacity") && strcmp(l->key, "distance") && strcmp(l->key, "name")) {
				snprintf(err, errlen, "%s:%d: '%s': unknown key (nodes, llcs_per_node, cores_per_llc, "
					 "threads_per_core, capacity, distance, name)", path, l->line, l->key);
				return -1;
			}
			continue;
		}
		if (l->n != 2) {
			snprintf(err, errlen, "%s:%d: '%s': expected one value", path, l->line, l->key);
			return -1;
		}
		if (read_int(path, l->line, l->a, 1, SIM_MAX_CPUS, dst, err, errlen))
			return -1;
	}
	if (!nodes || !llcs || !cores) {
		snprintf(err, errlen, "%s: nodes, llcs_per_node and cores_per_llc are required", path);
		return -1;
	}
	if (sim_topology__init_uniform(t, nodes, llcs, cores, threads, err, errlen))
		return -1;

	/* then per-CPU capacities and distances */
	for (int i = 0; i < nl; i++) {
		struct topo_line *l = &lines[i];
		int lo, hi, v, a, b;
		char *dash;

		if (!strcmp(l->key, "name") && l->n >= 2) {
			snprintf(t->name, sizeof(t->name), "%s", l->a);
		} else if (!strcmp(l->key, "capacity")) {
			if (l->n != 3)
				goto bad;
			dash = strchr(l->a, '-');
			if (dash)
				*dash = 0;
			if (read_int(path, l->line, l->a, 0, t->nr_cpus - 1, &lo, err, errlen) ||
			    read_int(path, l->line, dash ? dash + 1 : l->a, lo, t->nr_cpus - 1, &hi, err, errlen) ||
			    read_int(path, l->line, l->b, 1, 1024, &v, err, errlen))
				goto fail;
			for (int c = lo; c <= hi; c++)
				t->cpu[c].capacity = (uint32_t)v;
		} else if (!strcmp(l->key, "distance")) {
			if (l->n != 4)
				goto bad;
			if (read_int(path, l->line, l->a, 0, t->nr_nodes - 1, &a, err, errlen) ||
			    read_int(path, l->line, l->b, 0, t->nr_nodes - 1, &b, err, errlen) ||
			    read_int(path, l->line, l->c, 10, 255, &v, err, errlen))
				goto fail;
			t->distance[a * t->nr_nodes + b] = v;
		}
		continue;
bad:
		snprintf(err, errlen, "%s:%d: '%s': wrong number of values", path, l->line, l->key);
fail:
		sim_topology__destroy(t);
		return -1;
	}
	return 0;
}

int sim_topology__qemu_args(const struct sim_topology *t, uint64_t mem_mb, char *buf, size_t len)
{
	int cores = t->nr_cores / t->nr_llcs, llcs = t->nr_llcs / t->nr_nodes;
	size_t off = 0;
	int n;

	/* a node is a socket, an LLC a die (QEMU gives each die its own L3) */
	n = snprintf(buf, len, "-smp %d,sockets=%d,dies=%d,cores=%d,threads=%d", t->nr_cpus, t->nr_nodes,
		     llcs, cores, t->threads_per_core);
	if (n < 0 || (size_t)n >= len)
		return -1;
	off = (size_t)n;
	if (t->nr_nodes < 2)
		return 0;
	for (int node = 0; node < t->nr_nodes; node++) {
		n = snprintf(buf + off, len - off, " -object memory-backend-ram,id=mem%d,size=%lluM"
			     " -numa node,nodeid=%d,memdev=mem%d", node,
			     (unsigned long long)(mem_mb / (uint64_t)t->nr_nodes), node, node);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
		n = snprintf(buf + off, len - off, " -numa cpu,node-id=%d,socket-id=%d", node, node);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	for (int a = 0; a < t->nr_nodes; a++) {
		for (int b = 0; b < t->nr_nodes; b++) {
			if (a == b)
				continue;
			n = snprintf(buf + off, len - off, " -numa dist,src=%d,dst=%d,val=%d", a, b,
				     t->distance[a * t->nr_nodes + b]);
			if (n < 0 || (size_t)n >= len - off)
				return -1;
			off += (size_t)n;
		}
	}
	return 0;
}
