/*
 * gcc's -gbtf (gcc 12, Debian 12) writes the dimensions of a multi-dimensional array in reverse:
 * `u16 t[3][4]` becomes an array of 4 arrays of 3 u16. Same size, wrong shape, so a loader that
 * indexes a row (`pco_table[1] = ...`) or walks the elements would write the wrong bytes. This
 * probes the compiler once for the bug and, for BTF that has it, rebuilds each such array chain
 * in the right order (clang's BTF and pahole's never have it).
 */
#include "harness/build/btf_arrays.h"
#include "harness/util/proc.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool btf_arrays__gcc_reverses(const char *cc)
{
	static char probed_cc[256];
	static bool reversed;
	char dir[] = "/tmp/scxlab-btfprobe-XXXXXX", src[64], obj[64];
	struct argv_buf a = { 0 };
	struct btf *btf;
	FILE *f;

	if (probed_cc[0] && !strcmp(probed_cc, cc))
		return reversed;
	snprintf(probed_cc, sizeof(probed_cc), "%s", cc);
	reversed = false;
	if (!mkdtemp(dir))
		return false;
	snprintf(src, sizeof(src), "%s/p.c", dir);
	snprintf(obj, sizeof(obj), "%s/p.o", dir);
	f = fopen(src, "w");
	if (f) {
		fputs("int scxlab_probe[2][3];\n", f);
		fclose(f);
		argv__add(&a, cc);
		argv__add(&a, "-gbtf");
		argv__add(&a, "-c");
		argv__add(&a, src);
		argv__add(&a, "-o");
		argv__add(&a, obj);
		if (!proc__run_silent(&a)) {
			libbpf_print_fn_t old = libbpf_set_print(NULL);
			btf = btf__parse_elf(obj, NULL);
			libbpf_set_print(old);
			if (!libbpf_get_error(btf)) {
				__s32 id = btf__find_by_name_kind(btf, "scxlab_probe", BTF_KIND_VAR);
				const struct btf_type *t = id > 0 ? btf__type_by_id(btf, btf__type_by_id(btf, id)->type) : NULL;
				reversed = t && btf_is_array(t) && btf_array(t)->nelems == 3;
				btf__free(btf);
			}
		}
		argv__free(&a);
	}
	unlink(obj);
	unlink(src);
	rmdir(dir);
	return reversed;
}

static bool is_array(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	return t && btf_is_array(t);
}

/* Replace @t's references to a root in [first, end) by its rebuilt chain (@new_of). */
static void redirect_one(__u32 *slot, __u32 first, __u32 end, const __u32 *new_of)
{
	if (*slot >= first && *slot < end && new_of[*slot - first])
		*slot = new_of[*slot - first];
}

static void redirect(struct btf_type *t, __u32 first, __u32 end, const __u32 *new_of)
{
	switch (btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_VAR: case BTF_KIND_TYPE_TAG: case BTF_KIND_DECL_TAG:
		redirect_one(&t->type, first, end, new_of);
		break;
	case BTF_KIND_FUNC_PROTO: {
		struct btf_param *p = btf_params(t);
		redirect_one(&t->type, first, end, new_of);
		for (int i = 0; i < btf_vlen(t); i++)
			redirect_one(&p[i].type, first, end, new_of);
		break;
	}
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
		struct btf_member *m = btf_members(t);
		for (int i = 0; i < btf_vlen(t); i++)
			redirect_one(&m[i].type, first, end, new_of);
		break;
	}
	default: /* arrays never have a root as element; the rest refer to no type */
		break;
	}
}

int btf_arrays__fix_order(struct btf *btf, __u32 first, __u32 end)
{
	/* roots: arrays of arrays that no array in the range has as its element */
	bool *inner = calloc(end - first + 1, sizeof(bool));
	__u32 *new_of = calloc(end - first + 1, sizeof(__u32));
	int ret = 0;

	if (!inner || !new_of) {
		free(inner);
		free(new_of);
		return -1;
	}
	for (__u32 id = first; id < end; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (btf_is_array(t) && is_array(btf, btf_array(t)->type) && btf_array(t)->type >= first)
			inner[btf_array(t)->type - first] = true;
	}
	for (__u32 id = first; id < end && !ret; id++) {
		__u32 dims[32], elem, index_type, cur = id;
		int k = 0, nid;

		if (inner[id - first] || !is_array(btf, id) ||
		    !is_array(btf, btf_array(btf__type_by_id(btf, id))->type))
			continue;
		index_type = btf_array(btf__type_by_id(btf, id))->index_type;
		while (is_array(btf, cur) && k < 32) {
			dims[k++] = btf_array(btf__type_by_id(btf, cur))->nelems;
			cur = btf_array(btf__type_by_id(btf, cur))->type;
		}
		/* gcc's outermost dimension is the source's innermost: build from the inside out */
		elem = cur;
		for (int j = 0; j < k; j++) {
			nid = btf__add_array(btf, index_type, elem, dims[j]);
			if (nid < 0) {
				ret = -1;
				break;
			}
			elem = (__u32)nid;
		}
		new_of[id - first] = elem;
	}
	/* point every reference to a root at its rebuilt chain */
	for (__u32 id = first; id < end && !ret; id++) /* libbpf's buffer, writable once added to */
		redirect((struct btf_type *)btf__type_by_id(btf, id), first, end, new_of);
	free(inner);
	free(new_of);
	return ret;
}
