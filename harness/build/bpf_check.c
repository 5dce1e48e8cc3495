/*
 * libbpf-side check of a policy's .bpf.o (see bpf_check.h).
 */
#include "harness/build/bpf_check.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int bpf_check__object(const char *path, char *ops_name, size_t ops_len, char *err, size_t errlen)
{
	struct bpf_object *obj;
	struct bpf_map *map;
	int nr_ops = 0;
	long e;

	libbpf_set_print(NULL);
	obj = bpf_object__open_file(path, NULL);
	e = libbpf_get_error(obj);
	if (e) {
		snprintf(err, errlen, "%s: libbpf cannot open it: %s", path, strerror((int)-e));
		return -1;
	}
	ops_name[0] = 0;
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		if (nr_ops++ == 0)
			snprintf(ops_name, ops_len, "%s", bpf_map__name(map));
	}
	bpf_object__close(obj);
	if (!nr_ops) {
		snprintf(err, errlen, "%s: no struct_ops map (a sched_ext policy defines one with SCX_OPS_DEFINE)",
			 path);
		return -1;
	}
	return 0;
}
