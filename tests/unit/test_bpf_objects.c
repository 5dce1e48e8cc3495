/*
 * Every policy in sched/ builds both ways from the same file: libbpf opens its .bpf.o and finds
 * exactly one struct_ops map, and the simulator opens its .sim.so.
 */
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/policy/policy.h"
#include "test_helpers.h"

static int struct_ops_maps(const char *path, char *name, size_t len)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_map *map;
	int n = 0;

	cr_assert_eq(libbpf_get_error(obj), 0, "libbpf cannot open %s", path);
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS && n++ == 0)
			snprintf(name, len, "%s", bpf_map__name(map));
	}
	bpf_object__close(obj);
	return n;
}

Test(bpf_objects, every_policy_builds_both_ways)
{
	const char *src = getenv("SCXLAB_SRC");
	char pattern[4096];
	glob_t g;

	cr_assert(src && *src, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(pattern, sizeof(pattern), "%s/sched/*.bpf.c", src);
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0, "no policies in %s/sched", src);
	cr_assert_geq(g.gl_pathc, 4);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char base[256], rel[512], ops[128], err[512];
		char *copy = strdup(g.gl_pathv[i]);

		snprintf(base, sizeof(base), "%s", basename(copy));
		free(copy);
		base[strlen(base) - strlen(".bpf.c")] = 0;

		snprintf(rel, sizeof(rel), "policies/sched/%s.bpf.o", base);
		cr_assert_eq(access(th_build_path(rel), R_OK), 0, "%s was not built (make bpf)", rel);
		cr_assert_eq(struct_ops_maps(th_build_path(rel), ops, sizeof(ops)), 1,
			     "%s: expected exactly one struct_ops map", rel);

		snprintf(rel, sizeof(rel), "policies/sched/%s.sim.so", base);
		struct sim_policy *pol = sim_policy__open(th_build_path(rel), 8, err, sizeof(err));
		cr_assert_not_null(pol, "%s", err);
		cr_assert_gt(strlen(sim_policy__name(pol)), 0);
		sim_policy__close(pol);
	}
	globfree(&g);
}
