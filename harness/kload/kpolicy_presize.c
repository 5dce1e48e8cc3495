/*
 * The debug dump buffer sized before libbpf opens the object. scx's headers put `uei_dump` alone
 * in a `.data.uei_dump` section of 1 byte, and their loaders grow it with
 * bpf_map__set_value_size(). With libbpf before 1.5 (Debian 12's 1.4.6) that resize adds a
 * BTF type, which makes the object's BTF modifiable and frees the raw BTF that the struct_ops
 * map's record still points into (its type and type name): the load then looks up a garbage
 * name ("struct & is not found in kernel BTF"; libbpf 1.5 keeps the type id instead). So the
 * resize is done here on a copy of the ELF file, before any open: the section's data is grown,
 * and its BTF (a new char array type, the DATASEC and VAR sizes) and the symbol's size follow,
 * as libbpf's resize would have left them. The copy is a memfd the caller opens by its path
 * (kpolicy.h).
 */
#include "harness/kload/kpolicy.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define DUMP_SEC ".data.uei_dump"

static Elf_Scn *section(Elf *elf, size_t shstrndx, const char *name, GElf_Shdr *sh)
{
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* The .BTF of @d with DUMP_SEC's one array variable grown to @size bytes: new raw data, or NULL. */
static void *grow_btf(Elf_Data *d, size_t size, size_t *raw_len)
{
	struct btf *btf = btf__new(d->d_buf, d->d_size);
	struct btf_var_secinfo *vs;
	struct btf_type *sec, *var;
	const struct btf_type *arr;
	const struct btf_array *a;
	void *copy = NULL;
	const void *raw;
	__u32 raw_size;
	int sec_id, new_id;

	if (libbpf_get_error(btf))
		return NULL;
	sec_id = btf__find_by_name_kind(btf, DUMP_SEC, BTF_KIND_DATASEC);
	sec = sec_id > 0 ? (struct btf_type *)btf__type_by_id(btf, (__u32)sec_id) : NULL;
	if (!sec || btf_vlen(sec) != 1 || btf_var_secinfos(sec)->offset)
		goto out;
	var = (struct btf_type *)btf__type_by_id(btf, btf_var_secinfos(sec)->type);
	arr = var && btf_is_var(var) ? btf__type_by_id(btf, (__u32)btf__resolve_type(btf, var->type)) : NULL;
	if (!arr || !btf_is_array(arr) || btf__resolve_size(btf, btf_array(arr)->type) != 1)
		goto out;
	a = btf_array(arr);
	new_id = btf__add_array(btf, a->index_type, a->type, (__u32)size);
	if (new_id < 0)
		goto out;
	/* adding a type moves the type data: look them up again */
	sec = (struct btf_type *)btf__type_by_id(btf, (__u32)sec_id);
	vs = btf_var_secinfos(sec);
	var = (struct btf_type *)btf__type_by_id(btf, vs->type);
	sec->size = (__u32)size;
	vs->size = (__u32)size;
	var->type = (__u32)new_id;
	raw = btf__raw_data(btf, &raw_size);
	copy = raw ? malloc(raw_size) : NULL;
	if (copy) {
		memcpy(copy, raw, raw_size);
		*raw_len = raw_size;
	}
out:
	btf__free(btf);
	return copy;
}

/* The symbol `uei_dump` of section @ndx gets @size. */
static void grow_symbol(Elf *elf, size_t ndx, size_t size)
{
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); i++) {
			GElf_Sym sym;
			const char *n;

			if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx != ndx)
				continue;
			n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, "uei_dump")) {
				sym.st_size = size;
				gelf_update_sym(d, (int)i, &sym);
				elf_flagdata(d, ELF_C_SET, ELF_F_DIRTY);
			}
		}
	}
}

int kpolicy_presize__dump(const char *path, size_t size, char *out, size_t outlen, int *memfd)
{
	int in = -1, fd = -1, ret = 1;
	void *btf_raw = NULL, *buf = NULL;
	Elf *elf = NULL;
	struct stat st;
	size_t shstrndx, btf_len = 0;
	GElf_Shdr dsh, bsh;
	Elf_Scn *dscn, *bscn;
	Elf_Data *dd, *bd;

	if (elf_version(EV_CURRENT) == EV_NONE || (in = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(in, &st))
		goto out;
	fd = memfd_create("scxlab-policy.bpf.o", MFD_CLOEXEC);
	if (fd < 0 || sendfile(fd, in, NULL, (size_t)st.st_size) != st.st_size)
		goto out;
	elf = elf_begin(fd, ELF_C_RDWR, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		goto out;
	dscn = section(elf, shstrndx, DUMP_SEC, &dsh);
	bscn = section(elf, shstrndx, ".BTF", &bsh);
	if (!dscn || !bscn || dsh.sh_type != SHT_PROGBITS || dsh.sh_size >= size || !(dd = elf_getdata(dscn, NULL)) ||
	    !(bd = elf_getdata(bscn, NULL)))
		goto out;
	btf_raw = grow_btf(bd, size, &btf_len);
	buf = calloc(1, size);
	if (!btf_raw || !buf)
		goto out;
	memcpy(buf, dd->d_buf, dd->d_size);
	dd->d_buf = buf;
	dd->d_size = size;
	bd->d_buf = btf_raw;
	bd->d_size = btf_len;
	elf_flagdata(dd, ELF_C_SET, ELF_F_DIRTY);
	elf_flagdata(bd, ELF_C_SET, ELF_F_DIRTY);
	grow_symbol(elf, elf_ndxscn(dscn), size);
	if (elf_update(elf, ELF_C_WRITE) < 0) {
		ret = -1;
		goto out;
	}
	snprintf(out, outlen, "/proc/self/fd/%d", fd);
	*memfd = fd;
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	free(btf_raw);
	free(buf);
	if (in >= 0)
		close(in);
	if (ret && fd >= 0)
		close(fd);
	return ret;
}
