/*
 * Compiling a policy for the kernel or the simulator, cached by content (see policy_build.h).
 */
#include "harness/build/policy_build.h"
#include "harness/build/bpf_check.h"
#include "harness/build/btf_merge.h"
#include "harness/build/btf_arrays.h"
#include "harness/build/ksyms_dedup.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"
#include "harness/util/temp_files.h"
#include "harness/build/undef_check.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* what the cache key says of the build steps themselves (objcopy, BTF merge, clang fallback) */
#define BUILD_RECIPE "recipe 5: merged BTF, host clang fallback (BTF by -mcpu=v3), general registers only, gcc array order fixed, libgcc helpers"

static int copy_file(const char *src, const char *dst)
{
	char tmp[PATH_MAX + 32], buf[65536];
	int in, out;
	ssize_t n;

	const char *slash = strrchr(dst, '/');
	char dir[PATH_MAX], prefix[PATH_MAX];

	/* what a killed build of @dst left beside it */
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - dst) : 1, slash ? dst : ".");
	snprintf(prefix, sizeof(prefix), "%s.tmp.", slash ? slash + 1 : dst);
	temp_files__sweep_stale(dir[0] ? dir : "/", prefix, 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", dst, (int)getpid());
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	temp_files__add(tmp);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0 || rename(tmp, dst)) {
		unlink(tmp);
		temp_files__forget(tmp);
		return -1;
	}
	temp_files__forget(tmp);
	return 0;
}

static const char *find_clang(char *buf, size_t len)
{
	static const char *const names[] = { "clang-22", "clang-21", "clang-20", "clang-19", "clang" };
	const char *env = getenv("SCXLAB_CLANG");

	if (env && *env)
		return env;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!proc__which(names[i], buf, len))
			return buf;
	return NULL;
}

/* Flags shared by preprocessing and compiling, for one target. */
static int add_flags(struct argv_buf *a, const struct build_opts *o, bool bpf, char *err,
		     size_t errlen)
{
	const char *root = scxlab__root();

	if (bpf) {
		const char *vml = o->vmlinux ? o->vmlinux : scxlab__vmlinux_dir();
		struct utsname u;
		char multiarch[PATH_MAX];

		if (!vml) {
			snprintf(err, errlen,
				 "no vmlinux.h for the kernel build: run scripts/fetch-kernel.sh, or pass --vmlinux DIR");
			return -1;
		}
		argv__add(a, "-target");
		argv__add(a, "bpf");
		argv__add(a, "-mcpu=v3");
		argv__add(a, "-g");
		argv__add(a, "-O2");
		argv__add(a, "-D__TARGET_ARCH_x86");
		/* the scheduler's own headers first; the project's sched/include serves the
		 * project's policies and fills in what another tree lacks */
		for (int i = 0; i < o->nr_incs; i++)
			argv__addf(a, "-I%s", o->incs[i]);
		argv__addf(a, "-I%s", vml);
		argv__addf(a, "-I%s/sched/include", root);
		uname(&u);
		snprintf(multiarch, sizeof(multiarch), "/usr/include/%s-linux-gnu", u.machine);
		if (!access(multiarch, R_OK))
			argv__addf(a, "-idirafter%s", multiarch);
	} else {
		argv__add(a, "-std=gnu17");
		argv__add(a, "-O2");
		argv__add(a, "-D__SCXSIM__=1");
		/* every policy frame stays on the stack, so an error names the policy's line (exit_site.c);
		 * among the hashed flags, so objects built without it are not reused */
		argv__add(a, "-fno-optimize-sibling-calls");
		/* what clang -target bpf defines: upstream headers keep their BPF-side half
		 * (prototypes, arena types) under #ifdef __BPF__ */
		argv__add(a, "-D__BPF__=1");
		argv__addf(a, "-I%s/sim/shim", root);
		for (int i = 0; i < o->nr_incs; i++)
			argv__addf(a, "-I%s", o->incs[i]);
	}
	return 0;
}

/* The compile command of source @i into @obj: clang -target bpf (kernel), cc or the host
 * clang (simulator; @host_clang), or clang -target bpf with the simulator's headers (@btf_only:
 * an object only for its BTF, the layout of the host build's types). */
static void compile_argv(struct argv_buf *a, const struct build_opts *o, bool bpf, const char *cc,
			 bool host_clang, bool btf_only, int i, const char *obj)
{
	char err[1024];

	argv__add(a, host_clang || btf_only ? o->clang : cc);
	add_flags(a, o, bpf, err, sizeof(err));
	if (bpf) {
		argv__add(a, "-Wno-missing-declarations"); /* vmlinux.h's anonymous enums */
		/* what the kernel's own sched_ext builds relax (tools/sched_ext, the selftests):
		 * ops assigned without a (void *) cast, comparisons of DSQ ids and pointers */
		argv__add(a, "-Wno-incompatible-function-pointer-types");
		argv__add(a, "-Wno-compare-distinct-pointer-types");
	} else if (btf_only) {
		argv__add(a, "-target");
		argv__add(a, "bpf");
		argv__add(a, "-mcpu=v3"); /* as the kernel build: older ISAs have no atomics that return */
		argv__add(a, "-g");
		argv__add(a, "-w");
		/* the host's C library headers, as for the host (64-bit x86) */
		argv__add(a, "-D__x86_64__=1");
		argv__add(a, "-idirafter/usr/include/x86_64-linux-gnu");
	} else {
		argv__add(a, "-g");
		if (!host_clang)
			argv__add(a, "-gbtf");
		/* BPF has no alignment faults and no floating point: without SSE, the compiler cannot
		 * turn stores to a type it believes 16-byte aligned into movaps, which faults on the
		 * 8-byte aligned objects BPF allocators hand out (scx_lavd's arena task contexts) */
		argv__add(a, "-mgeneral-regs-only");
		argv__add(a, "-fPIC");
		argv__add(a, "-Wall");
		argv__add(a, "-Wno-unused-function");
		if (host_clang)
			argv__add(a, "-Wno-unknown-attributes");
	}
	argv__add(a, "-c");
	argv__add(a, o->srcs[i]);
	argv__add(a, "-o");
	argv__add(a, obj);
}

static int compile_run(const struct build_opts *o, bool bpf, const char *cc, bool host_clang,
		       bool btf_only, int i, const char *obj, bool quiet)
{
	struct argv_buf a = { 0 };
	char cmd[8192];
	int rc;

	compile_argv(&a, o, bpf, cc, host_clang, btf_only, i, obj);
	rc = quiet ? proc__run_silent(&a) : proc__run(&a);
	if (rc && !quiet) {
		argv__format(&a, cmd, sizeof(cmd));
		fprintf(stderr, "scxlab build: %s: the %s build failed (exit %d):\n  %s\n", o->srcs[i],
			bpf ? "kernel" : host_clang ? "simulator (host clang)" : "simulator", rc, cmd);
	}
	argv__free(&a);
	return rc ? -1 : 0;
}

/*
 * The BTF of a host-clang object: clang emits BTF only for the BPF target, so the source is
 * compiled once more with -target bpf and the simulator's headers (types have the same layout
 * on BPF as on x86-64: LP64, natural alignment) and its .BTF is used; if even that fails,
 * pahole -J makes BTF from the host object's DWARF (types only: pahole 1.24 writes no VARs,
 * so that source's maps and globals stay invisible, and the build says so).
 */
static int host_clang_btf(const struct build_opts *o, int i, const char *obj, char *btf_obj, size_t len)
{
	struct argv_buf a = { 0 };
	int rc;

	snprintf(btf_obj, len, "%s.btf.o", obj);
	if (!compile_run(o, false, NULL, false, true, i, btf_obj, true))
		return 0;
	unlink(btf_obj);
	snprintf(btf_obj, len, "%s", obj);
	argv__add(&a, "pahole");
	argv__add(&a, "-J");
	argv__add(&a, obj);
	rc = proc__run_silent(&a);
	argv__free(&a);
	if (rc) {
		fprintf(stderr, "scxlab build: %s: no BTF for the host-clang object (pahole -J failed; "
			"install dwarves)\n", o->srcs[i]);
		return -1;
	}
	fprintf(stderr, "scxlab build: %s: warning: its BTF comes from pahole -J (types only): maps "
		"and globals it defines are not seen by the simulator's loader\n", o->srcs[i]);
	return 0;
}

/*
 * Compile source @i of @o into object @obj (cc -c for the simulator, clang for the kernel).
 * A simulator source gcc cannot build (it refuses non-clang compilers, or uses what only
 * clang accepts) is built by the host clang: then @btf_obj names the file its BTF is read
 * from, else @obj itself.
 */
static int compile_one(const struct build_opts *o, bool bpf, const char *cc, int i, const char *obj,
		       char *btf_obj, size_t btf_len, bool *by_gcc)
{
	snprintf(btf_obj, btf_len, "%s", obj);
	*by_gcc = false;
	if (bpf)
		return compile_run(o, true, cc, false, false, i, obj, false);
	if (!o->host_clang[i]) {
		if (!compile_run(o, false, cc, false, false, i, obj, !!o->clang[0])) {
			*by_gcc = true;
			return 0;
		}
		if (!o->clang[0] || compile_run(o, false, cc, true, false, i, obj, true)) {
			if (o->clang[0]) /* show gcc's complaint */
				compile_run(o, false, cc, false, false, i, obj, false);
			return -1;
		}
		fprintf(stderr, "scxlab build: %s: gcc cannot build it; built with %s for the host\n",
			o->srcs[i], o->clang);
	} else if (compile_run(o, false, cc, true, false, i, obj, false)) {
		return -1;
	} else {
		fprintf(stderr, "scxlab build: %s: gcc cannot preprocess it; built with %s for the host\n",
			o->srcs[i], o->clang);
	}
	return host_clang_btf(o, i, obj, btf_obj, btf_len);
}

/* Link the objects into @tmp: bpftool gen object for the kernel, a shared object for the sim. */
static int link_objects(const struct build_opts *o, bool bpf, const char *cc, char objs[][PATH_MAX + 48],
			const char *tmp)
{
	struct argv_buf a = { 0 };
	char cmd[8192];
	int rc;

	if (bpf && o->nr_srcs == 1)
		return rename(objs[0], tmp) ? -1 : 0;
	if (bpf && ksyms_dedup__objects(objs, o->nr_srcs, cmd, sizeof(cmd))) {
		fprintf(stderr, "scxlab build: %s: %s\n", o->srcs[0], cmd);
		return -1;
	}
	if (bpf) {
		argv__add(&a, "bpftool");
		argv__add(&a, "gen");
		argv__add(&a, "object");
		argv__add(&a, tmp);
	} else {
		argv__add(&a, cc);
		argv__add(&a, "-shared");
		argv__add(&a, "-g");
		argv__add(&a, "-o");
		argv__add(&a, tmp);
	}
	for (int i = 0; i < o->nr_srcs; i++)
		argv__add(&a, objs[i]);
	if (!bpf) {
		argv__addf(&a, "-L%s", scxlab__exe_dir());
		argv__add(&a, "-lscxsim");
		argv__add(&a, "-Wl,--no-undefined");
	}
	rc = proc__run(&a);
	if (rc) {
		argv__format(&a, cmd, sizeof(cmd));
		fprintf(stderr, "scxlab build: %s: linking the %s build failed (exit %d):\n  %s\n", o->srcs[0],
			bpf ? "kernel" : "simulator", rc, cmd);
	}
	argv__free(&a);
	return rc ? -1 : 0;
}

/*
 * Each BPF source of a policy defines its own `_license` (and may define `_version`); the BPF
 * linker merges those sections, a host linker would refuse the duplicates. Make them local to
 * each simulator object, as they are only markers there.
 */
static int localize_markers(const char *obj)
{
	struct argv_buf a = { 0 };
	int rc;

	argv__add(&a, "objcopy");
	argv__add(&a, "--localize-symbol=_license");
	argv__add(&a, "--localize-symbol=_version");
	argv__add(&a, obj);
	rc = proc__run(&a);
	if (rc)
		fprintf(stderr, "scxlab build: %s: objcopy failed (exit %d)\n", obj, rc);
	argv__free(&a);
	return rc ? -1 : 0;
}

/* Compile every source, check (simulator) that all it calls exists, link into @tmp. */
static int build_uncached(const struct build_opts *o, bool bpf, const char *cc, const char *tmp)
{
	char (*objs)[PATH_MAX + 48] = calloc(MAX_SRCS, sizeof(*objs));
	char (*btfs)[PATH_MAX + 64] = calloc(MAX_SRCS, sizeof(*btfs));
	bool merge_btf = !bpf && o->nr_srcs > 1, by_gcc[MAX_SRCS];
	int ret = -1, done = 0;

	if (!objs || !btfs) {
		free(objs);
		free(btfs);
		return -1;
	}
	for (; done < o->nr_srcs; done++) {
		snprintf(objs[done], sizeof(objs[done]), "%s.%d.o", tmp, done);
		temp_files__add(objs[done]);
		if (compile_one(o, bpf, cc, done, objs[done], btfs[done], sizeof(btfs[done]), &by_gcc[done]))
			goto out;
		/* another BTF than the object's, or gcc's with array dimensions to put in order */
		if (strcmp(btfs[done], objs[done]) || (by_gcc[done] && btf_arrays__gcc_reverses(cc)))
			merge_btf = true;
		if (!bpf && o->nr_srcs > 1 && localize_markers(objs[done])) {
			done++;
			goto out;
		}
	}
	if (!bpf) {
		const char *obj_list[MAX_SRCS];
		for (int i = 0; i < o->nr_srcs; i++)
			obj_list[i] = objs[i];
		int missing = undef_check__objects(obj_list, o->srcs, o->nr_srcs, cc);
		if (missing) {
			fprintf(stderr, "scxlab build: %s: %s\n", o->srcs[0],
				missing < 0 ? "cannot read the compiled object"
					    : "uses what the simulator does not provide");
			goto out;
		}
	}
	ret = link_objects(o, bpf, cc, objs, tmp);
	if (!ret && merge_btf) {
		const char *btf_list[MAX_SRCS];
		bool fix[MAX_SRCS];
		char err[1024];

		for (int i = 0; i < o->nr_srcs; i++) {
			btf_list[i] = btfs[i];
			fix[i] = by_gcc[i] && btf_arrays__gcc_reverses(cc);
		}
		ret = btf_merge__objects(btf_list, fix, o->nr_srcs, tmp, err, sizeof(err));
		if (ret)
			fprintf(stderr, "scxlab build: %s: %s\n", o->srcs[0], err);
	}
out:
	for (int i = 0; i < done + (done < o->nr_srcs ? 1 : 0) && i < o->nr_srcs; i++) {
		if (strcmp(btfs[i], objs[i]))
			unlink(btfs[i]);
		unlink(objs[i]);
		temp_files__forget(objs[i]);
	}
	free(objs);
	free(btfs);
	return ret;
}

/* A simulator source that gcc cannot even preprocess (`#ifndef __clang__ #error`) while the
 * host clang can: build it with clang. */
static bool needs_host_clang(const struct build_opts *o, int i)
{
	bool gcc_ok, clang_ok = false;

	for (int k = 0; k < 2; k++) {
		struct argv_buf pre = { 0 };
		char err[1024];
		int rc;

		if (k == 1 && !o->clang[0])
			break;
		argv__add(&pre, k ? o->clang : (getenv("SCXLAB_CC") && *getenv("SCXLAB_CC") ? getenv("SCXLAB_CC") : "cc"));
		add_flags(&pre, o, false, err, sizeof(err));
		argv__add(&pre, "-E");
		argv__add(&pre, "-o");
		argv__add(&pre, "/dev/null");
		argv__add(&pre, o->srcs[i]);
		rc = proc__run_silent(&pre);
		argv__free(&pre);
		if (k == 0)
			gcc_ok = !rc;
		else
			clang_ok = !rc;
		if (k == 0 && gcc_ok)
			return false;
	}
	return !gcc_ok && clang_ok;
}

int policy_build__one(struct build_opts *o, bool bpf, const char *out)
{
	char clang_buf[PATH_MAX], cached[PATH_MAX], tmp[PATH_MAX + 32], err[1024];
	const char *cc = bpf ? find_clang(clang_buf, sizeof(clang_buf)) : getenv("SCXLAB_CC");
	uint64_t h = HASH_INIT;

	if (!bpf && (!cc || !*cc))
		cc = "cc";
	if (!bpf) {
		const char *c = find_clang(o->clang, sizeof(o->clang));
		if (c && c != o->clang)
			snprintf(o->clang, sizeof(o->clang), "%s", c);
		else if (!c)
			o->clang[0] = 0;
	}
	if (!cc) {
		fprintf(stderr, "scxlab build: no clang found for the kernel build (install clang, or set SCXLAB_CLANG)\n");
		return -1;
	}
	/* the cache key: how outputs are made (bump on a change), compiler, flags and every
	 * preprocessed source */
	h = hash__bytes(h, BUILD_RECIPE, sizeof(BUILD_RECIPE));
	for (int i = 0; i < o->nr_srcs; i++) {
		struct argv_buf pre = { 0 };
		int rc;

		if (!bpf)
			o->host_clang[i] = needs_host_clang(o, i);
		argv__add(&pre, o->host_clang[i] ? o->clang : cc);
		if (add_flags(&pre, o, bpf, err, sizeof(err))) {
			fprintf(stderr, "scxlab build: %s\n", err);
			argv__free(&pre);
			return -1;
		}
		argv__add(&pre, "-E");
		argv__add(&pre, o->srcs[i]);
		for (int k = 0; k < pre.argc; k++)
			h = hash__bytes(h, pre.argv[k], strlen(pre.argv[k]) + 1);
		rc = proc__run_hash_stdout(&pre, &h);
		argv__free(&pre);
		if (rc) {
			fprintf(stderr, "scxlab build: %s: preprocessing for the %s build failed\n", o->srcs[i],
				bpf ? "kernel" : "simulator");
			return -1;
		}
	}
	snprintf(cached, sizeof(cached), "%s/build", scxlab__cache_dir());
	if (scxlab__mkdirs(cached)) {
		fprintf(stderr, "scxlab build: cannot create %s: %s\n", cached, strerror(errno));
		return -1;
	}
	snprintf(cached, sizeof(cached), "%s/build/%s-%016" PRIx64 "%s", scxlab__cache_dir(), o->base,
		 h, bpf ? ".bpf.o" : ".sim.so");

	if (access(cached, R_OK)) {
		char build_dir[PATH_MAX];
		snprintf(build_dir, sizeof(build_dir), "%s/build", scxlab__cache_dir());
		temp_files__sweep_stale(build_dir, NULL, 0); /* what killed builds left */
		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", cached, (int)getpid());
		temp_files__add(tmp);
		if (build_uncached(o, bpf, cc, tmp)) {
			unlink(tmp);
			return -1;
		}
		if (bpf) {
			char ops[128];
			if (bpf_check__object(tmp, ops, sizeof(ops), err, sizeof(err))) {
				fprintf(stderr, "scxlab build: %s: %s\n", o->srcs[0], err);
				unlink(tmp);
				return -1;
			}
		}
		if (rename(tmp, cached)) {
			fprintf(stderr, "scxlab build: cannot store %s: %s\n", cached, strerror(errno));
			unlink(tmp);
			return -1;
		}
		temp_files__forget(tmp);
	}
	if (copy_file(cached, out)) {
		fprintf(stderr, "scxlab build: cannot write %s: %s\n", out, strerror(errno));
		return -1;
	}
	if (!o->quiet)
		printf("%s\n", out);
	return 0;
}
