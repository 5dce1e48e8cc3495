/*
 * Paths into a policy's struct globals, `NAME[i].member[j].inner` (resolved by btf_path.c), as
 * knobs: what a loader writes when it fills a field of a struct in .bss/.data/.rodata before
 * load (scx_lavd's `bss_data.cpdom_ctxs[d].llc_id = ...`).
 */
#include "sim/policy/policy_internal.h"
#include "sim/policy/btf_path.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int policy__resolve_member(struct sim_policy *pol, const char *path, struct policy_knob *k,
			   char *err, size_t errlen)
{
	struct btf_path bp;
	unsigned char *addr;

	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", path);
	if (btf_path__resolve(pol->btf, path, &bp, err, errlen))
		return -1;
	addr = dlsym(pol->dl, bp.base);
	if (!addr) {
		snprintf(err, errlen, "%s: the policy has no global of that name", bp.base);
		return -1;
	}
	if (!policy__global_is_writable(addr + bp.offset, (size_t)bp.elem_size * bp.nelems))
		return policy__folded_error(err, errlen, path, bp.base);
	k->addr = addr + bp.offset;
	k->elem_size = bp.elem_size;
	k->nelems = bp.nelems;
	k->is_array = bp.is_array;
	k->is_signed = bp.is_signed;
	k->is_bool = bp.is_bool;
	return 0;
}
