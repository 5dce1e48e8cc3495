/*
 * Knobs: setting and reading a policy's const volatile globals by name, with type and range
 * checks, the way a loader fills rodata before the BPF program is loaded.
 */
#include "sim/policy/policy_internal.h"
#include "sim/policy/btf_path.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct policy_knob *policy__find_knob(struct sim_policy *pol, const char *name)
{
	for (int i = 0; i < pol->nr_knobs; i++)
		if (!strcmp(pol->knobs[i].name, name))
			return &pol->knobs[i];
	return NULL;
}

/* A knob as a BTF path leaf (btf_path.h): the same element rules. */
static struct btf_path as_path(const struct policy_knob *k)
{
	struct btf_path bp = {
		.elem_size = k->elem_size, .nelems = k->nelems, .is_array = k->is_array,
		.is_signed = k->is_signed, .is_bool = k->is_bool,
	};

	return bp;
}

static uint64_t load(const struct policy_knob *k, uint32_t idx)
{
	const unsigned char *p = (const unsigned char *)k->addr + (size_t)idx * k->elem_size;

	switch (k->elem_size) {
	case 1: { uint8_t v; memcpy(&v, p, 1); return k->is_signed ? (uint64_t)(int64_t)(int8_t)v : v; }
	case 2: { uint16_t v; memcpy(&v, p, 2); return k->is_signed ? (uint64_t)(int64_t)(int16_t)v : v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return k->is_signed ? (uint64_t)(int64_t)(int32_t)v : v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

int policy__knob_set_int(struct policy_knob *k, uint32_t idx, int64_t v)
{
	struct btf_path bp = as_path(k);

	if (k->folded || idx >= k->nelems || !btf_path__fits(&bp, v, (uint64_t)v, v < 0))
		return -1;
	btf_path__store(&bp, k->addr, idx, (uint64_t)v);
	return 0;
}

int policy__knob_set_elem(struct sim_policy *pol, struct policy_knob *k, uint32_t idx,
			  const char *text, char *err, size_t errlen)
{
	struct btf_path bp = as_path(k);

	return btf_path__set_elem(&bp, k->addr, idx, k->name, text, err, errlen);
}

/* A scalar from @value, or an array filled from element 0 by a comma-separated list. */
static int set_whole(struct sim_policy *pol, struct policy_knob *k, const char *value, char *err,
		     size_t errlen)
{
	struct btf_path bp = as_path(k);

	return btf_path__set_text(&bp, k->addr, k->name, value, err, errlen);
}

int sim_policy__set_knob(struct sim_policy *pol, const char *name, const char *value,
			 char *err, size_t errlen)
{
	char base[64];
	const char *br = strchr(name, '[');
	struct policy_knob *k, member;
	long idx = -1;

	if (pol->frozen) {
		snprintf(err, errlen, "%s: knobs are read-only once the policy is loaded", name);
		return -1;
	}
	snprintf(base, sizeof(base), "%.*s", br ? (int)(br - name) : (int)strlen(name), name);
	k = policy__find_knob(pol, base);
	for (int i = 0; !k && i < pol->nr_vars; i++) /* a .data/.bss write, as loaders do */
		if (!strcmp(pol->vars[i].name, base))
			k = &pol->vars[i];
	/* a field of a struct global (NAME[i].member...), or a row of an array of arrays */
	if (strchr(name, '.') || (br && k && k->multi_dim)) {
		if (policy__resolve_member(pol, name, &member, err, errlen))
			return -1;
		return set_whole(pol, &member, value, err, errlen);
	}
	if (!k) {
		snprintf(err, errlen, "%s: the policy has no integer global of that name", base);
		return -1;
	}
	if (k->folded)
		return policy__folded_error(err, errlen, NULL, base);
	if (br) {
		char *end;
		idx = strtol(br + 1, &end, 10);
		if (end == br + 1 || strcmp(end, "]") || idx < 0 || !k->is_array ||
		    (uint64_t)idx >= k->nelems) {
			snprintf(err, errlen, "%s: bad index in '%s' (%s has %u elements)", base, name,
				 base, k->nelems);
			return -1;
		}
		return policy__knob_set_elem(pol, k, (uint32_t)idx, value, err, errlen);
	}
	return set_whole(pol, k, value, err, errlen);
}

int sim_policy__nr_knobs(const struct sim_policy *pol)
{
	return pol->nr_knobs;
}

const char *sim_policy__knob_name(const struct sim_policy *pol, int i)
{
	return i >= 0 && i < pol->nr_knobs ? pol->knobs[i].name : NULL;
}

int sim_policy__knob_value(const struct sim_policy *pol, int i, char *buf, size_t len)
{
	const struct policy_knob *k;
	size_t off = 0;
	uint32_t n;

	if (i < 0 || i >= pol->nr_knobs || !len)
		return -1;
	k = &pol->knobs[i];
	buf[0] = 0;
	/* long arrays: trailing zeros are not printed */
	n = k->nelems;
	while (k->is_array && n > 1 && load(k, n - 1) == 0)
		n--;
	for (uint32_t e = 0; e < n && off < len; e++) {
		uint64_t v = load(k, e);
		int w = k->is_signed ? snprintf(buf + off, len - off, "%s%" PRId64, e ? "," : "", (int64_t)v)
				     : snprintf(buf + off, len - off, "%s%" PRIu64, e ? "," : "", v);
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}
