/*
 * `map MAP[KEY].path [cpu=N] = VALUE` lines of a loader profile: what a loader writes into an
 * array, hash or per-CPU map with bpf_map_update_elem() after load. The checks and the value
 * (read, one field set through the map's BTF value type, written back) are the same in both
 * worlds; each world gives the map's shape and its lookup and update (loader_profile_sim.c,
 * kload/kprofile.c).
 */
#ifndef HARNESS_PROFILE_MAP_FILL_H
#define HARNESS_PROFILE_MAP_FILL_H

#include <stddef.h>
#include <stdint.h>

struct btf;
struct profile_item;

struct map_fill_target {
	const struct btf *btf;
	uint32_t value_type_id; /* 0: the map's value has no BTF type */
	uint32_t type;          /* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries;
	int nr_cpus;            /* per-CPU maps: the CPUs one user-space value holds */
	/*
	 * User-space lookup and update of the whole value at @key (per-CPU maps: every CPU's, each
	 * rounded up to 8 bytes), returning 0 or -errno. NULL: only check the line (no map yet).
	 */
	int (*lookup)(void *ctx, const void *key, void *value);
	int (*update)(void *ctx, const void *key, const void *value);
	void *ctx;
};

/* Apply (or only check) item @it of profile file @path. 0, or -1 with "FILE:LINE: why". */
int map_fill__apply(const char *path, const struct profile_item *it, const struct map_fill_target *t,
		    char *err, size_t errlen);

#endif
