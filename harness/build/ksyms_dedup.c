/*
 * Linking several BPF objects that call the same kfunc (`bpf_for` in two sources: every scx
 * scheduler in several files) fails with the BPF static linker of libbpf before kernel 6.13,
 * which bpftool 7.5 (Debian's newest for bookworm) carries: "global 'bpf_iter_num_new':
 * failed to resolve size of underlying type". Each object lists its kfunc externs as FUNC
 * entries of its `.ksyms` BTF DATASEC; for a second object's entry of a name already linked,
 * that linker asks the size of a FUNC, which has none (later linkers skip such an entry).
 *
 * So before bpftool links, each object's `.ksyms` entries of a kfunc an earlier object already
 * listed are dropped: the duplicate entry the fixed linker skips. The types after the DATASEC
 * move down; the linker builds its own BTF and skips relocations against .BTF, and the
 * string section (which .BTF.ext names strings in) is unchanged, as are all type ids.
 */
#include "harness/build/ksyms_dedup.h"
#include "harness/util/name_set.h"

#include <linux/btf.h>

/* linux/btf.h has no encoder for btf_type.info */
#define INFO_ENC(kind, vlen) (((__u32)(kind) << 24) | ((__u32)(vlen) & 0xffff))

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes after the btf_type header of @t, or -1 for an unknown kind. */
static long type_extra(const struct btf_type *t)
{
	__u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* The type with id @id (ids start at 1) in [types, end), or NULL. */
static const struct btf_type *type_at(const unsigned char *types, const unsigned char *end, __u32 id)
{
	for (__u32 k = 1; types < end; k++) {
		const struct btf_type *u = (const struct btf_type *)types;
		if (k == id)
			return u;
		types += sizeof(*u) + type_extra(u);
	}
	return NULL;
}

/*
 * In the raw .BTF @data of *@size bytes: drop the .ksyms FUNC entries named in @seen, add the
 * others to it. Returns 1 if @data changed (*@size is its new size), 0 if not, -1 if it cannot
 * be read.
 */
static int dedup_btf(unsigned char *data, size_t *size, struct name_set *seen)
{
	struct btf_header *h = (struct btf_header *)data;
	unsigned char *types, *end;
	const char *strs;
	int changed = 0;

	if (*size < sizeof(*h) || h->magic != BTF_MAGIC || h->hdr_len + (size_t)h->type_off + h->type_len > *size ||
	    h->hdr_len + (size_t)h->str_off + h->str_len > *size)
		return -1;
	types = data + h->hdr_len + h->type_off;
	end = types + h->type_len;
	strs = (const char *)data + h->hdr_len + h->str_off;
	for (unsigned char *p = types; p < end;) { /* every type readable: the walks below trust it */
		long extra = type_extra((const struct btf_type *)p);
		if (extra < 0 || p + sizeof(struct btf_type) + extra > end ||
		    ((const struct btf_type *)p)->name_off >= h->str_len)
			return -1;
		p += sizeof(struct btf_type) + extra;
	}
	for (unsigned char *p = types; p < end;) {
		struct btf_type *t = (struct btf_type *)p;
		__u32 vlen = BTF_INFO_VLEN(t->info), keep = 0;
		struct btf_var_secinfo *vs = (struct btf_var_secinfo *)(t + 1);
		size_t cut;

		p += sizeof(*t) + type_extra(t);
		if (BTF_INFO_KIND(t->info) != BTF_KIND_DATASEC || strcmp(strs + t->name_off, ".ksyms"))
			continue;
		for (__u32 i = 0; i < vlen; i++) {
			const struct btf_type *v = type_at(types, end, vs[i].type);
			const char *name = v && v->name_off < h->str_len ? strs + v->name_off : "";
			bool is_func = v && BTF_INFO_KIND(v->info) == BTF_KIND_FUNC;

			if (is_func && name_set__has(seen, name))
				continue;
			if (is_func && name_set__add(seen, name))
				return -1;
			vs[keep++] = vs[i];
		}
		if (keep == vlen)
			continue;
		/* close the gap: later types and the strings move down, the header follows */
		cut = (size_t)(vlen - keep) * sizeof(*vs);
		t->info = INFO_ENC(BTF_KIND_DATASEC, keep);
		memmove(p - cut, p, (size_t)(data + *size - p));
		*size -= cut;
		p -= cut;
		end -= cut;
		h->type_len -= (__u32)cut;
		if (h->str_off > h->type_off)
			h->str_off -= (__u32)cut;
		strs -= cut;
		changed = 1;
	}
	return changed;
}

int ksyms_dedup__objects(char objs[][PATH_MAX + 48], int n, char *err, size_t errlen)
{
	struct name_set seen = { 0 };
	int ret = 0;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "libelf is not usable");
		return -1;
	}
	for (int i = 0; i < n && !ret; i++) {
		int fd = open(objs[i], O_RDWR);
		Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_RDWR, NULL) : NULL;
		Elf_Scn *scn = NULL;
		size_t shstrndx;

		if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
			snprintf(err, errlen, "%s: cannot read it as ELF", objs[i]);
			ret = -1;
		}
		elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT); /* keep every section where it is */
		while (!ret && (scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *d;
			int rc;

			if (!gelf_getshdr(scn, &sh) || strcmp(elf_strptr(elf, shstrndx, sh.sh_name) ?: "", ".BTF"))
				continue;
			d = elf_getdata(scn, NULL);
			size_t sz = d ? d->d_size : 0;
			rc = d ? dedup_btf(d->d_buf, &sz, &seen) : -1;
			if (rc < 0) {
				snprintf(err, errlen, "%s: cannot rewrite the kfunc entries of its BTF", objs[i]);
				ret = -1;
				break;
			}
			if (!rc)
				break;
			d->d_size = sz;
			sh.sh_size = sz;
			if (!gelf_update_shdr(scn, &sh) || !elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY) ||
			    elf_update(elf, ELF_C_WRITE) < 0) {
				snprintf(err, errlen, "%s: cannot write it: %s", objs[i], elf_errmsg(-1));
				ret = -1;
			}
			break;
		}
		if (elf)
			elf_end(elf);
		if (fd >= 0)
			close(fd);
	}
	name_set__free(&seen);
	return ret;
}
