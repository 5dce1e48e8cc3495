/*
 * Merging the BTF of a policy's objects into its .sim.so (see btf_merge.h).
 */
#include "harness/build/btf_merge.h"
#include "harness/build/btf_arrays.h"
#include "harness/util/proc.h"
#include "harness/util/temp_files.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) || !ok ? -1 : 0;
}

int btf_merge__objects(const char *const *objs, const bool *fix_arrays, int n, const char *so,
		       char *err, size_t errlen)
{
	libbpf_print_fn_t old = libbpf_set_print(NULL);
	struct btf *dst = btf__new_empty();
	char raw[PATH_MAX + 16];
	struct argv_buf a = { 0 };
	const void *data;
	__u32 size;
	int ret = -1, rc;

	if (!dst) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct btf *src = btf__parse_elf(objs[i], NULL);

		if (libbpf_get_error(src)) {
			snprintf(err, errlen, "%s: no BTF in the compiled object", objs[i]);
			goto out;
		}
		rc = btf__add_btf(dst, src);
		btf__free(src);
		if (rc < 0) {
			snprintf(err, errlen, "%s: cannot merge its BTF: %s", objs[i], strerror(-rc));
			goto out;
		}
		if (fix_arrays && fix_arrays[i] &&
		    btf_arrays__fix_order(dst, (__u32)rc, btf__type_cnt(dst))) {
			snprintf(err, errlen, "%s: cannot reorder its arrays' dimensions", objs[i]);
			goto out;
		}
	}
	data = btf__raw_data(dst, &size);
	snprintf(raw, sizeof(raw), "%s.btf", so);
	temp_files__add(raw); /* removed on Ctrl-C too: objcopy may still be reading it */
	if (!data || write_all(raw, data, size)) {
		snprintf(err, errlen, "cannot write %s: %s", raw, strerror(errno));
		unlink(raw);
		temp_files__forget(raw);
		goto out;
	}
	/* replace the linked .BTF, or add one (no source was built with gcc -gbtf) */
	argv__add(&a, "objcopy");
	argv__addf(&a, "--update-section=.BTF=%s", raw);
	argv__add(&a, so);
	rc = proc__run_silent(&a);
	argv__free(&a);
	if (rc) {
		argv__add(&a, "objcopy");
		argv__addf(&a, "--add-section=.BTF=%s", raw);
		argv__add(&a, so);
		rc = proc__run(&a);
		argv__free(&a);
	}
	unlink(raw);
	temp_files__forget(raw);
	if (rc) {
		snprintf(err, errlen, "objcopy could not write the merged .BTF (exit %d)", rc);
		goto out;
	}
	ret = 0;
out:
	btf__free(dst);
	libbpf_set_print(old);
	return ret;
}
