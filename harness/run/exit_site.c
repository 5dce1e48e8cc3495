/*
 * Naming where a policy raised its exit: the simulator keeps the return addresses of the
 * error's call stack (as the kernel keeps ei->bt); this turns the frames that lie inside the
 * policy's own .sim.so into "function (FILE:LINE)" with elfutils' libdwfl, reading the DWARF
 * that `scxlab build` compiles into the object. Frames of the simulator itself are left out:
 * the user's question is which line of their policy failed.
 *
 * The object loaded is a private, already unlinked copy of the .sim.so, so the file given to
 * exit_site__set_object() is read at the copy's load address. Paths are shown as the compiler
 * saw them, relative to the working directory when under it; no addresses are written, so
 * results stay the same from run to run.
 */
#include "harness/run/exit_site.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

static char policy_file[PATH_MAX];

void exit_site__set_object(const char *path)
{
	snprintf(policy_file, sizeof(policy_file), "%s", path ? path : "");
}

/* Copy @src into @dst (@len bytes), cut if it does not fit. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void append(char *dst, size_t len, const char *text)
{
	size_t used = strlen(dst);

	if (used + 1 < len)
		copy_str(dst + used, len - used, text);
}

/* @path (relative to @comp_dir) shown relative to the working directory when under it. */
static const char *shown_path(const char *path, const char *comp_dir, char *buf, size_t len)
{
	char cwd[PATH_MAX], abs[PATH_MAX * 2];
	size_t n;

	abs[0] = 0;
	if (path[0] != '/' && comp_dir) {
		copy_str(abs, sizeof(abs), comp_dir);
		append(abs, sizeof(abs), "/");
	}
	append(abs, sizeof(abs), path);
	if (getcwd(cwd, sizeof(cwd)) && (n = strlen(cwd)) && !strncmp(abs, cwd, n) && abs[n] == '/')
		copy_str(buf, len, abs + n + 1);
	else
		copy_str(buf, len, abs);
	return buf;
}

/* A file of the simulator's shim headers: an inlined kfunc wrapper, not the policy's code. */
static bool in_shim(const char *file)
{
	return file && strstr(file, "sim/shim/");
}

/*
 * While @*file:@*line lies in an inlined shim wrapper, move out to where the policy called it
 * (DW_AT_call_file/line of the inlined scopes around @pc, innermost first).
 */
static void out_of_shim(Dwfl_Module *mod, Dwarf_Addr pc, const char **file, int *line)
{
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(mod, pc, &bias), *scopes = NULL;
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	int n;

	if (!cu || !in_shim(*file) || dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
		return;
	n = dwarf_getscopes(cu, pc - bias, &scopes);
	for (int i = 0; i < n && in_shim(*file); i++) {
		Dwarf_Attribute af, al;
		Dwarf_Word fidx, ln;
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine ||
		    !dwarf_attr(&scopes[i], DW_AT_call_file, &af) || !dwarf_attr(&scopes[i], DW_AT_call_line, &al) ||
		    dwarf_formudata(&af, &fidx) || dwarf_formudata(&al, &ln) || fidx >= nfiles)
			continue;
		const char *f = dwarf_filesrc(files, fidx, NULL, NULL);
		if (!f)
			break;
		*file = f;
		*line = (int)ln;
	}
	free(scopes);
}

/* After a frame shown once for @n more calls of it in a row. */
static void append_repeats(char *chain, size_t len, int n)
{
	char text[48];

	if (!n)
		return;
	snprintf(text, sizeof(text), " [and %d more calls of it]", n);
	append(chain, len, text);
}

/* The load base of the object an address lies in, NULL if none. */
static void *base_of(const void *addr)
{
	Dl_info di;

	return dladdr(addr, &di) ? di.dli_fbase : NULL;
}

void exit_site__symbolize(struct scx_exit_record *r, const void *policy_anchor)
{
	void *base = base_of(policy_anchor);
	Dwfl *dwfl;
	int frames = 0, repeats = 0;
	char last[PATH_MAX + 256] = "";

	r->site[0] = 0;
	r->chain[0] = 0;
	if (!base || !policy_file[0])
		return;
	dwfl = dwfl_begin(&callbacks);
	if (!dwfl)
		return;
	dwfl_report_begin(dwfl);
	if (!dwfl_report_elf(dwfl, "policy", policy_file, -1, (GElf_Addr)(uintptr_t)base, false) ||
	    dwfl_report_end(dwfl, NULL, NULL) != 0) {
		dwfl_end(dwfl);
		return;
	}
	for (int i = 0; i < r->bt_len; i++) {
		/* a return address points after the call: look up the call itself */
		Dwarf_Addr pc = (Dwarf_Addr)(uintptr_t)r->bt[i] - 1;
		const char *func, *file = NULL, *comp_dir = NULL;
		char where[PATH_MAX + 64], shown[PATH_MAX], frame[PATH_MAX + 256];
		Dwfl_Module *mod;
		Dwfl_Line *l;
		int line = 0;

		if (base_of(r->bt[i]) != base || !(mod = dwfl_addrmodule(dwfl, pc)))
			continue;
		func = dwfl_module_addrname(mod, pc);
		if (!frames && r->fault_signal == SIGXCPU && !func)
			continue; /* stopped in a PLT stub, on the way to a kfunc: its caller is next */
		if (!frames && r->fault_signal == SIGXCPU) {
			/* where a callback over its time budget was stopped is chance: name the function
			 * it was in, at its first line, the same in every run */
			GElf_Off off;
			GElf_Sym sym;

			if (dwfl_module_addrinfo(mod, pc, &off, &sym, NULL, NULL, NULL))
				pc -= off;
		}
		l = dwfl_module_getsrc(mod, pc);
		if (l) {
			file = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
			comp_dir = dwfl_line_comp_dir(l);
			out_of_shim(mod, pc, &file, &line);
		}
		if (file)
			snprintf(where, sizeof(where), "%s:%d", shown_path(file, comp_dir, shown, sizeof(shown)), line);
		else
			snprintf(where, sizeof(where), "?");
		if (!frames)
			copy_str(r->site, sizeof(r->site), where);
		snprintf(frame, sizeof(frame), "%s (%s)", func ? func : "?", where);
		if (frames && !strcmp(frame, last)) {
			repeats++; /* a recursion: one line with a count */
			continue;
		}
		append_repeats(r->chain, sizeof(r->chain), repeats);
		repeats = 0;
		if (frames)
			append(r->chain, sizeof(r->chain), "\n");
		append(r->chain, sizeof(r->chain), frame);
		copy_str(last, sizeof(last), frame);
		frames++;
	}
	append_repeats(r->chain, sizeof(r->chain), repeats);
	dwfl_end(dwfl);
}
