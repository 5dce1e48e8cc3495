/*
 * The missing-symbol check of simulator builds (see undef_check.h).
 */
#include "harness/build/undef_check.h"
#include "harness/util/name_set.h"

#include "harness/util/proc.h"

#include <ctype.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* First line of @src that uses @name (as a whole word, not in a __ksym declaration), or 0. */
static int find_use(const char *src, const char *name)
{
	FILE *f = fopen(src, "r");
	char line[4096];
	size_t n = strlen(name);
	int lineno = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (strstr(line, "__ksym"))
			continue; /* a declaration, not a use */
		for (char *p = strstr(line, name); p; p = strstr(p + 1, name)) {
			bool left = p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
			bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
			if (left && right) {
				fclose(f);
				return lineno;
			}
		}
	}
	fclose(f);
	return 0;
}

/* Symbols the static linker itself provides to every shared object. */
static bool linker_defined(const char *name)
{
	return !strcmp(name, "_GLOBAL_OFFSET_TABLE_") || !strcmp(name, "_DYNAMIC") ||
	       !strcmp(name, "__dso_handle");
}

/*
 * Walk the global symbols of @obj: without @report, add every defined one to @set; with it,
 * report every undefined one that nothing provides. Returns the missing count or -1.
 */
static int scan(const char *obj, const char *src, struct name_set *set, bool report)
{
	int fd = open(obj, O_RDONLY | O_CLOEXEC), missing = 0;
	Elf_Scn *scn = NULL;
	Elf *elf;

	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		close(fd);
		return -1;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			int line;

			if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_BIND(sym.st_info) == STB_LOCAL)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (!report) {
				if (sym.st_shndx != SHN_UNDEF)
					name_set__add(set, name);
				continue;
			}
			if (sym.st_shndx != SHN_UNDEF || GELF_ST_BIND(sym.st_info) == STB_WEAK ||
			    linker_defined(name) || name_set__has(set, name) || dlsym(RTLD_DEFAULT, name))
				continue;
			name_set__add(set, name); /* report each name once */
			line = find_use(src, name);
			if (line)
				fprintf(stderr, "%s:%d: error: '%s' is not provided by the simulator "
					"(a kfunc or helper it does not model; see docs/limits.md)\n",
					src, line, name);
			else
				fprintf(stderr, "%s: error: '%s' (used through an included header) is not "
					"provided by the simulator (see docs/limits.md)\n", src, name);
			missing++;
		}
	}
	elf_end(elf);
	close(fd);
	return missing;
}

/*
 * Add to @set what the compiler's runtime library provides: the helpers gcc calls for what the
 * target lacks (`__popcountdi2` for __builtin_popcountll without POPCNT, 128-bit division, ...).
 * The shared object's link by @cc pulls them from that archive, so they are not missing.
 */
static void add_compiler_runtime(const char *cc, struct name_set *set)
{
	struct argv_buf a = { 0 };
	char path[4096];
	Elf_Arsym *syms;
	size_t nr = 0;
	Elf *ar;
	int fd, rc;

	argv__add(&a, cc);
	argv__add(&a, "-print-libgcc-file-name");
	rc = proc__run_capture_stdout(&a, path, sizeof(path));
	argv__free(&a);
	path[strcspn(path, "\n")] = '\0';
	if (rc || !*path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return; /* no runtime library found: its helpers are reported as missing */
	elf_version(EV_CURRENT);
	ar = elf_begin(fd, ELF_C_READ, NULL);
	syms = ar && elf_kind(ar) == ELF_K_AR ? elf_getarsym(ar, &nr) : NULL;
	for (size_t i = 0; syms && i < nr; i++)
		if (syms[i].as_name)
			name_set__add(set, syms[i].as_name);
	if (ar)
		elf_end(ar);
	close(fd);
}

int undef_check__objects(const char *const *objs, const char *const *srcs, int n, const char *cc)
{
	struct name_set set = { 0 };
	int missing = 0;

	add_compiler_runtime(cc, &set);

	for (int i = 0; i < n && missing >= 0; i++)
		if (scan(objs[i], srcs[i], &set, false) < 0)
			missing = -1;
	for (int i = 0; i < n && missing >= 0; i++) {
		int m = scan(objs[i], srcs[i], &set, true);
		missing = m < 0 ? -1 : missing + m;
	}
	name_set__free(&set);
	return missing;
}
