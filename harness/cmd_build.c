/*
 * `scxlab build` (see cmd_build.h).
 */
#include "harness/cmd_build.h"
#include "harness/bpf_check.h"
#include "harness/paths.h"
#include "harness/proc.h"
#include "harness/undef_check.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MAX_INCLUDES 16

struct build_opts {
	bool sim, bpf, quiet;
	const char *out, *out_dir, *vmlinux, *src;
	const char *incs[MAX_INCLUDES];
	int nr_incs;
	char base[256];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab build [OPTIONS] POLICY.bpf.c\n\n"
		"Compile a sched_ext policy for the kernel (POLICY.bpf.o) and for the simulator\n"
		"(POLICY.sim.so) from the same source. Outputs are cached by content hash.\n\n"
		"  --sim-only         only the simulator build\n"
		"  --bpf-only         only the kernel build\n"
		"  -o, --out PATH     output file (with --sim-only or --bpf-only)\n"
		"  --out-dir DIR      directory for both outputs (default: .)\n"
		"  -I DIR             extra include directory (repeatable)\n"
		"  --vmlinux DIR      directory holding vmlinux.h for the kernel build\n"
		"                     (default: $SCXLAB_VMLINUX_DIR or the cache from scripts/fetch-kernel.sh)\n"
		"  -q, --quiet        print nothing on success\n\n"
		"Environment: SCXLAB_CC (simulator compiler, default cc), SCXLAB_CLANG (BPF compiler,\n"
		"default the newest clang found), SCXLAB_CACHE (cache directory).\n");
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static int copy_file(const char *src, const char *dst)
{
	char tmp[PATH_MAX + 32], buf[65536];
	int in, out;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", dst, (int)getpid());
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0 || rename(tmp, dst)) {
		unlink(tmp);
		return -1;
	}
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
		argv__addf(a, "-I%s/sim/shim", root);
	}
	for (int i = 0; i < o->nr_incs; i++)
		argv__addf(a, "-I%s", o->incs[i]);
	return 0;
}

static int build_one(const struct build_opts *o, bool bpf, const char *out)
{
	char clang_buf[PATH_MAX], cached[PATH_MAX], tmp[PATH_MAX + 32], err[1024], cmd[8192];
	const char *cc = bpf ? find_clang(clang_buf, sizeof(clang_buf)) : getenv("SCXLAB_CC");
	struct argv_buf pre = { 0 }, comp = { 0 };
	uint64_t h = HASH_INIT;
	int ret = -1, rc;

	if (!bpf && (!cc || !*cc))
		cc = "cc";
	if (!cc) {
		fprintf(stderr, "scxlab build: no clang found for the kernel build (install clang, or set SCXLAB_CLANG)\n");
		return -1;
	}
	/* the cache key: compiler, flags and the preprocessed source */
	argv__add(&pre, cc);
	if (add_flags(&pre, o, bpf, err, sizeof(err))) {
		fprintf(stderr, "scxlab build: %s\n", err);
		goto out;
	}
	argv__add(&pre, "-E");
	argv__add(&pre, o->src);
	for (int i = 0; i < pre.argc; i++)
		h = hash__bytes(h, pre.argv[i], strlen(pre.argv[i]) + 1);
	rc = proc__run_hash_stdout(&pre, &h);
	if (rc) {
		fprintf(stderr, "scxlab build: %s: preprocessing for the %s build failed\n", o->src,
			bpf ? "kernel" : "simulator");
		goto out;
	}
	snprintf(cached, sizeof(cached), "%s/build", scxlab__cache_dir());
	if (scxlab__mkdirs(cached)) {
		fprintf(stderr, "scxlab build: cannot create %s: %s\n", cached, strerror(errno));
		goto out;
	}
	snprintf(cached, sizeof(cached), "%s/build/%s-%016" PRIx64 "%s", scxlab__cache_dir(), o->base,
		 h, bpf ? ".bpf.o" : ".sim.so");

	if (access(cached, R_OK)) {
		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", cached, (int)getpid());
		argv__add(&comp, cc);
		add_flags(&comp, o, bpf, err, sizeof(err));
		if (bpf) {
			argv__add(&comp, "-Wno-missing-declarations"); /* vmlinux.h's anonymous enums */
			argv__add(&comp, "-c");
			argv__add(&comp, o->src);
			argv__add(&comp, "-o");
			argv__add(&comp, tmp);
			rc = proc__run(&comp);
		} else {
			/* compile, check every called symbol exists, then link */
			char objtmp[PATH_MAX + 40];
			snprintf(objtmp, sizeof(objtmp), "%s.o", tmp);
			argv__add(&comp, "-g");
			argv__add(&comp, "-gbtf");
			argv__add(&comp, "-fPIC");
			argv__add(&comp, "-Wall");
			argv__add(&comp, "-Wno-unused-function");
			argv__add(&comp, "-c");
			argv__add(&comp, o->src);
			argv__add(&comp, "-o");
			argv__add(&comp, objtmp);
			rc = proc__run(&comp);
			if (!rc) {
				int missing = undef_check__object(objtmp, o->src);
				if (missing) {
					fprintf(stderr, "scxlab build: %s: %s\n", o->src,
						missing < 0 ? "cannot read the compiled object"
							    : "uses what the simulator does not provide");
					unlink(objtmp);
					goto out;
				}
			}
			if (!rc) {
				argv__free(&comp);
				argv__add(&comp, cc);
				argv__add(&comp, "-shared");
				argv__add(&comp, "-g");
				argv__add(&comp, objtmp);
				argv__add(&comp, "-o");
				argv__add(&comp, tmp);
				argv__addf(&comp, "-L%s", scxlab__exe_dir());
				argv__add(&comp, "-lscxsim");
				argv__add(&comp, "-Wl,--no-undefined");
				rc = proc__run(&comp);
			}
			unlink(objtmp);
			if (rc) {
				argv__format(&comp, cmd, sizeof(cmd));
				fprintf(stderr, "scxlab build: %s: the simulator build failed (exit %d):\n  %s\n",
					o->src, rc, cmd);
				unlink(tmp);
				goto out;
			}
		}
		if (rc) {
			argv__format(&comp, cmd, sizeof(cmd));
			fprintf(stderr, "scxlab build: %s: the kernel build failed (exit %d):\n  %s\n", o->src,
				rc, cmd);
			unlink(tmp);
			goto out;
		}
		if (bpf) {
			char ops[128];
			if (bpf_check__object(tmp, ops, sizeof(ops), err, sizeof(err))) {
				fprintf(stderr, "scxlab build: %s: %s\n", o->src, err);
				unlink(tmp);
				goto out;
			}
		}
		if (rename(tmp, cached)) {
			fprintf(stderr, "scxlab build: cannot store %s: %s\n", cached, strerror(errno));
			unlink(tmp);
			goto out;
		}
	}
	if (copy_file(cached, out)) {
		fprintf(stderr, "scxlab build: cannot write %s: %s\n", out, strerror(errno));
		goto out;
	}
	if (!o->quiet)
		printf("%s\n", out);
	ret = 0;
out:
	argv__free(&pre);
	argv__free(&comp);
	return ret;
}

int cmd_build(int argc, char **argv)
{
	enum { O_SIM = 256, O_BPF, O_OUTDIR, O_VMLINUX };
	static const struct option longopts[] = {
		{ "sim-only", no_argument, NULL, O_SIM },
		{ "bpf-only", no_argument, NULL, O_BPF },
		{ "out", required_argument, NULL, 'o' },
		{ "out-dir", required_argument, NULL, O_OUTDIR },
		{ "vmlinux", required_argument, NULL, O_VMLINUX },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct build_opts o = { .sim = true, .bpf = true, .out_dir = "." };
	bool sim_only = false, bpf_only = false;
	char out[PATH_MAX];
	const char *slash;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:I:qh", longopts, NULL)) != -1) {
		switch (c) {
		case O_SIM: sim_only = true; break;
		case O_BPF: bpf_only = true; break;
		case 'o': o.out = optarg; break;
		case O_OUTDIR: o.out_dir = optarg; break;
		case O_VMLINUX: o.vmlinux = optarg; break;
		case 'q': o.quiet = true; break;
		case 'I':
			if (o.nr_incs == MAX_INCLUDES) {
				fprintf(stderr, "scxlab build: -I: at most %d include directories\n", MAX_INCLUDES);
				return 2;
			}
			o.incs[o.nr_incs++] = optarg;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "scxlab build: expected one POLICY.bpf.c (see `scxlab build --help`)\n");
		return 2;
	}
	o.src = argv[optind];
	if (sim_only && bpf_only) {
		fprintf(stderr, "scxlab build: --sim-only and --bpf-only exclude each other\n");
		return 2;
	}
	if (o.out && !sim_only && !bpf_only) {
		fprintf(stderr, "scxlab build: --out names one file: use it with --sim-only or --bpf-only (or use --out-dir)\n");
		return 2;
	}
	if (!ends_with(o.src, ".bpf.c")) {
		fprintf(stderr, "scxlab build: %s: a policy source is named NAME.bpf.c\n", o.src);
		return 2;
	}
	if (access(o.src, R_OK)) {
		fprintf(stderr, "scxlab build: %s: %s\n", o.src, strerror(errno));
		return 1;
	}
	o.sim = !bpf_only;
	o.bpf = !sim_only;
	slash = strrchr(o.src, '/');
	snprintf(o.base, sizeof(o.base), "%.*s", (int)(strlen(slash ? slash + 1 : o.src) - 6),
		 slash ? slash + 1 : o.src);

	if (o.sim) {
		if (o.out)
			snprintf(out, sizeof(out), "%s", o.out);
		else
			snprintf(out, sizeof(out), "%s/%s.sim.so", o.out_dir, o.base);
		if (build_one(&o, false, out))
			return 1;
	}
	if (o.bpf) {
		if (o.out)
			snprintf(out, sizeof(out), "%s", o.out);
		else
			snprintf(out, sizeof(out), "%s/%s.bpf.o", o.out_dir, o.base);
		if (build_one(&o, true, out))
			return 1;
	}
	return 0;
}
