/*
 * Map values set by a loader profile (see map_fill.h): the same checks and the same
 * read-modify-write in the simulator and through libbpf.
 */
#include "harness/profile/map_fill.h"
#include "harness/profile/loader_profile.h"
#include "harness/util/line_text.h"
#include "sim/policy/btf_path.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_fillable(uint32_t type)
{
	return is_percpu(type) || type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_HASH ||
	       type == BPF_MAP_TYPE_LRU_HASH;
}

/* The checks that need no BTF: the map's kind, the key, the CPU. */
static int check_shape(const char *path, const struct profile_item *it, const struct map_fill_target *t,
		       const char *where, char *err, size_t errlen)
{
	bool array = t->type == BPF_MAP_TYPE_ARRAY || t->type == BPF_MAP_TYPE_PERCPU_ARRAY;

	if (!is_fillable(t->type))
		return line_text__fail(err, errlen, path, it->line,
				       "map %s: a map of type %u is not filled this way (array, hash, and their "
				       "per-CPU and LRU kinds)", it->name, t->type);
	if (array && it->num >= t->max_entries)
		return line_text__fail(err, errlen, path, it->line, "%s: key %llu out of range (the map has %u entries)",
				       where, (unsigned long long)it->num, t->max_entries);
	if (t->key_size != 1 && t->key_size != 2 && t->key_size != 4 && t->key_size != 8)
		return line_text__fail(err, errlen, path, it->line, "%s: a key of %u bytes is not an integer", where,
				       t->key_size);
	if (t->key_size < 8 && it->num >> (t->key_size * 8))
		return line_text__fail(err, errlen, path, it->line, "%s: key %llu does not fit in %u bytes", where,
				       (unsigned long long)it->num, t->key_size);
	if (!is_percpu(t->type) && (it->cpu >= 0 || it->value_is_cpu))
		return line_text__fail(err, errlen, path, it->line, "%s: %s is for per-CPU maps only", where,
				       it->cpu >= 0 ? "cpu=N" : "the value 'cpu'");
	if (it->cpu >= t->nr_cpus)
		return line_text__fail(err, errlen, path, it->line, "%s: cpu=%d, the machine has %d CPUs", where,
				       it->cpu, t->nr_cpus);
	if (!t->value_type_id)
		return line_text__fail(err, errlen, path, it->line, "map %s: its value has no BTF type (declare it "
				       "with __type(value, ...))", it->name);
	return 0;
}

/* Set the item's field in every copy of the value it names (@ncopies of them, @stride apart). */
static int set_copies(const char *path, const struct profile_item *it, const struct btf_path *bp,
		      unsigned char *buf, size_t stride, int ncopies, const char *where, char *err,
		      size_t errlen)
{
	char e[1024], text[24];

	for (int c = 0; c < ncopies; c++) {
		if (it->cpu >= 0 && c != it->cpu)
			continue;
		if (it->value_is_cpu)
			snprintf(text, sizeof(text), "%d", c);
		if (btf_path__set_text(bp, buf + (size_t)c * stride + bp->offset, where,
				       it->value_is_cpu ? text : it->value, e, sizeof(e)))
			return line_text__fail(err, errlen, path, it->line, "%s", e);
	}
	return 0;
}

int map_fill__apply(const char *path, const struct profile_item *it, const struct map_fill_target *t,
		    char *err, size_t errlen)
{
	bool percpu = is_percpu(t->type);
	size_t stride = percpu ? ((size_t)t->value_size + 7) & ~(size_t)7 : t->value_size;
	int ncopies = percpu ? t->nr_cpus : 1, rc = 0;
	unsigned char key[8];
	unsigned char *buf;
	struct btf_path bp;
	char where[512], e[1024];

	snprintf(where, sizeof(where), "map %s[%llu]%s", it->name, (unsigned long long)it->num, it->path);
	if (check_shape(path, it, t, where, err, errlen))
		return -1;
	if (btf_path__resolve_in(t->btf, t->value_type_id, it->name, where, it->path, &bp, e, sizeof(e)))
		return line_text__fail(err, errlen, path, it->line, "%s", e);
	if (bp.offset + (size_t)bp.nelems * bp.elem_size > t->value_size)
		return line_text__fail(err, errlen, path, it->line, "%s: past the end of the map's %u-byte value", where,
				       t->value_size);
	buf = calloc((size_t)ncopies, stride ? stride : 1);
	if (!buf)
		return line_text__fail(err, errlen, path, it->line, "%s: out of memory", where);
	memcpy(key, &it->num, sizeof(key)); /* little-endian: the low bytes are the key */
	if (t->lookup) {
		rc = t->lookup(t->ctx, key, buf);
		if (rc == -ENOENT && !(t->type == BPF_MAP_TYPE_ARRAY || t->type == BPF_MAP_TYPE_PERCPU_ARRAY))
			rc = 0; /* a new hash element starts from zeroes */
		if (rc)
			rc = line_text__fail(err, errlen, path, it->line, "%s: cannot read it: %s", where, strerror(-rc));
	}
	if (!rc)
		rc = set_copies(path, it, &bp, buf, stride, ncopies, where, err, errlen);
	if (!rc && t->update) {
		int urc = t->update(t->ctx, key, buf);
		if (urc)
			rc = line_text__fail(err, errlen, path, it->line, "%s: the update failed: %s", where, strerror(-urc));
	}
	free(buf);
	return rc;
}
