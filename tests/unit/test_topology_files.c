/*
 * Topology files: every shipped file loads and matches its preset, capacities and distances
 * are read, errors name the line, and the QEMU options describe the same machine.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/topo/topology.h"

static const char *topo_dir(void)
{
	static char dir[4096];
	const char *src = getenv("SCXLAB_SRC");

	cr_assert(src && *src, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(dir, sizeof(dir), "%s/workloads/topologies", src);
	return dir;
}

Test(topology_files, shipped_files_match_their_presets)
{
	char pattern[4200], err[256];
	glob_t g;
	int presets = 0;

	snprintf(pattern, sizeof(pattern), "%s/*.topo", topo_dir());
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct sim_topology file, preset;
		char name[256], *copy = strdup(g.gl_pathv[i]);

		snprintf(name, sizeof(name), "%s", basename(copy));
		free(copy);
		name[strlen(name) - 5] = 0;
		cr_assert_eq(sim_topology__parse(&file, g.gl_pathv[i], err, sizeof(err)), 0, "%s", err);
		cr_assert_str_eq(file.name, name);
		if (!sim_topology__parse(&preset, name, err, sizeof(err))) {
			presets++;
			cr_assert_eq(file.nr_cpus, preset.nr_cpus, "%s", name);
			cr_assert_eq(file.nr_llcs, preset.nr_llcs, "%s", name);
			cr_assert_eq(file.nr_nodes, preset.nr_nodes, "%s", name);
			cr_assert_eq(file.threads_per_core, preset.threads_per_core, "%s", name);
			sim_topology__destroy(&preset);
		}
		sim_topology__destroy(&file);
	}
	cr_assert_geq(presets, 10, "every preset has its file");
	globfree(&g);
}

Test(topology_files, capacities_and_distances)
{
	char path[4200], err[256];
	struct sim_topology t;

	snprintf(path, sizeof(path), "%s/8cpu-hybrid.topo", topo_dir());
	cr_assert_eq(sim_topology__load(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t.cpu[3].capacity, 1024);
	cr_assert_eq(t.cpu[4].capacity, 512);
	cr_assert_eq(t.cpu[7].capacity, 512);
	sim_topology__destroy(&t);
	snprintf(path, sizeof(path), "%s/4node-far.topo", topo_dir());
	cr_assert_eq(sim_topology__load(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t.nr_nodes, 4);
	cr_assert_eq(t.distance[0 * 4 + 3], 32);
	cr_assert_eq(t.distance[0 * 4 + 1], 20);
	cr_assert_eq(t.distance[2 * 4 + 2], 10);
	sim_topology__destroy(&t);
}

static void expect_error(const char *text, const char *want)
{
	char path[] = "/tmp/scxlab-topo-XXXXXX.topo", err[256];
	struct sim_topology t;
	int fd = mkstemps(path, 5);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cr_assert_neq(sim_topology__load(&t, path, err, sizeof(err)), 0, "accepted: %s", text);
	unlink(path);
	cr_assert_not_null(strstr(err, want), "'%s' lacks '%s'", err, want);
}

Test(topology_files, errors_name_the_line)
{
	expect_error("nodes 1\nllcs_per_node 1\ncores 4\n", ":3: 'cores': unknown key");
	expect_error("nodes 1\nllcs_per_node x\ncores_per_llc 4\n", ":2: 'x': expected an integer");
	expect_error("nodes 1\n", "are required");
	expect_error("nodes 1\nllcs_per_node 1\ncores_per_llc 4\ncapacity 2-9 512\n", ":4: '9'");
	expect_error("nodes 2\nllcs_per_node 1\ncores_per_llc 4\ndistance 0 1\n", ":4: 'distance': wrong number");
}

Test(topology_files, qemu_options_describe_the_same_machine)
{
	struct sim_topology t;
	char err[256], args[1024];

	cr_assert_eq(sim_topology__parse(&t, "8cpu-2llc", err, sizeof(err)), 0);
	cr_assert_eq(sim_topology__qemu_args(&t, 2048, args, sizeof(args)), 0);
	cr_assert_str_eq(args, "-smp 8,sockets=1,dies=2,cores=4,threads=1");
	sim_topology__destroy(&t);
	cr_assert_eq(sim_topology__parse(&t, "32cpu-2node", err, sizeof(err)), 0);
	cr_assert_eq(sim_topology__qemu_args(&t, 4096, args, sizeof(args)), 0);
	cr_assert_not_null(strstr(args, "-smp 32,sockets=2,dies=2,cores=4,threads=2"), "%s", args);
	cr_assert_not_null(strstr(args, "-object memory-backend-ram,id=mem1,size=2048M -numa node,nodeid=1,memdev=mem1"),
			   "%s", args);
	cr_assert_not_null(strstr(args, "-numa dist,src=0,dst=1,val=20"), "%s", args);
	sim_topology__destroy(&t);
}
