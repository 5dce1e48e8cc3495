/*
 * Finding a policy's global variables by name: exported ones through the dynamic symbol table,
 * file-local (static) ones through the object's full symbol table, relocated by the load base.
 */
#include "sim/policy/policy_internal.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

/* st_value and st_size of the data symbol @name in the ELF file @path; 0 if found. */
static int elf_symbol(const char *path, const char *name, GElf_Addr *value, GElf_Xword *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = -1;
	Elf *elf;
	Elf_Scn *scn = NULL;

	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && ret && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *n;

			if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_OBJECT)
				continue;
			n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name)) {
				*value = sym.st_value;
				*size = sym.st_size;
				ret = 0;
				break;
			}
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

void *sim_policy__global(struct sim_policy *pol, const char *name, size_t *size)
{
	void *addr = dlsym(pol->dl, name);
	struct link_map *lm = NULL;
	GElf_Addr value;
	GElf_Xword sz;

	if (addr) {
		Dl_info info;
		ElfW(Sym) *sym = NULL;
		if (size)
			*size = dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) && sym ? sym->st_size : 0;
		return addr;
	}
	if (elf_symbol(pol->path, name, &value, &sz) || dlinfo(pol->dl, RTLD_DI_LINKMAP, &lm) || !lm)
		return NULL;
	if (size)
		*size = sz;
	return (void *)(lm->l_addr + value);
}
