/*
 * Paths into a BPF object's globals, `NAME[i].member[j].inner`, resolved through its BTF to one
 * integer or an array of integers: what a loader writes when it fills a field of a struct in
 * .bss/.data/.rodata before load. Shared by the simulator's policies (policy_member.c) and the
 * kernel-side loader (harness/kload/kprofile.c), which both read libbpf's struct btf.
 */
#ifndef SIM_POLICY_BTF_PATH_H
#define SIM_POLICY_BTF_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;

struct btf_path {
	char base[64];      /* the global's name */
	size_t offset;      /* of the integer (or the array's first) from the global's start */
	uint32_t elem_size; /* 1, 2, 4 or 8 */
	uint32_t nelems;    /* 1 for a scalar; every element of a (multi-dimensional) array */
	bool is_array;
	bool is_signed;
	bool is_bool;
};

/* Resolve @path in @btf. 0, or -1 with "PATH: why" in @err. */
int btf_path__resolve(const struct btf *btf, const char *path, struct btf_path *out, char *err, size_t errlen);

/*
 * Resolve @p, the rest of @path after its base ("[2].member", "" for the whole), from the type
 * @type_id: a map value's fields (`map MAP[KEY].member` in a loader profile). @base names
 * what @type_id is the type of; @path is the whole text, for errors.
 */
int btf_path__resolve_in(const struct btf *btf, uint32_t type_id, const char *base, const char *path,
			 const char *p, struct btf_path *out, char *err, size_t errlen);
/* The value type of map @map (its `__type(value, T)` in .maps), or 0 when it has none in BTF. */
uint32_t btf_path__map_value_type(const struct btf *btf, const char *map);

/* A value of @bp's type (range checks: signedness, width, bool). */
bool btf_path__fits(const struct btf_path *bp, int64_t sv, uint64_t uv, bool negative);
/* Store the low bytes of @raw as element @idx of the integer(s) at @at. */
void btf_path__store(const struct btf_path *bp, void *at, uint32_t idx, uint64_t raw);
/*
 * Element @idx of the integer(s) at @at from text: a number (decimal, 0x hex, negative for
 * two's complement), true/false for a bool. -1 with "NAME: why" in @err.
 */
int btf_path__set_elem(const struct btf_path *bp, void *at, uint32_t idx, const char *name, const char *text,
		       char *err, size_t errlen);
/* A scalar, or an array filled from element 0 by a comma-separated list. */
int btf_path__set_text(const struct btf_path *bp, void *at, const char *name, const char *text, char *err,
		       size_t errlen);

#endif
