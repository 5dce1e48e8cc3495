/*
 * `scxlab build` (see cmd_build.h): its options, and the child builds other commands start;
 * the compiling is policy_build.c's.
 */
#include "harness/build/cmd_build.h"
#include "harness/build/policy_build.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"
#include "harness/util/temp_files.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab build [OPTIONS] POLICY.bpf.c [MORE.bpf.c ...]\n\n"
		"Compile a sched_ext policy for the kernel (POLICY.bpf.o) and for the simulator\n"
		"(POLICY.sim.so) from the same source. A policy in several files is linked into one\n"
		"object of each kind (bpftool gen object / one shared object), named after the first.\n"
		"Outputs are cached by content hash.\n\n"
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

/* `scxlab build @only --quiet --out @out @src` in a child process. */
static int build_in_child(const char *only, const char *src, const char *out)
{
	struct argv_buf a = { 0 };
	int rc;

	argv__add(&a, "/proc/self/exe");
	argv__add(&a, "build");
	argv__add(&a, only);
	argv__add(&a, "--quiet");
	argv__add(&a, "--out");
	argv__add(&a, out);
	argv__add(&a, src);
	rc = proc__run(&a);
	argv__free(&a);
	return rc;
}

int cmd_build__bpf_object(const char *src, const char *out)
{
	return build_in_child("--bpf-only", src, out);
}

int cmd_build__sim_object(const char *src, const char *out)
{
	return build_in_child("--sim-only", src, out);
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

	temp_files__remove_on_signals();
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
	if (optind >= argc || argc - optind > MAX_SRCS) {
		fprintf(stderr, "scxlab build: expected one to %d POLICY .bpf.c files (see `scxlab build --help`)\n",
			MAX_SRCS);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		const char *src = argv[i];
		if (!path__ends_with(src, ".bpf.c")) {
			fprintf(stderr, "scxlab build: %s: a policy source is named NAME.bpf.c\n", src);
			return 2;
		}
		if (access(src, R_OK)) {
			fprintf(stderr, "scxlab build: %s: %s\n", src, strerror(errno));
			return 1;
		}
		o.srcs[o.nr_srcs++] = src;
	}
	if (sim_only && bpf_only) {
		fprintf(stderr, "scxlab build: --sim-only and --bpf-only exclude each other\n");
		return 2;
	}
	if (o.out && !sim_only && !bpf_only) {
		fprintf(stderr, "scxlab build: --out names one file: use it with --sim-only or --bpf-only (or use --out-dir)\n");
		return 2;
	}
	o.sim = !bpf_only;
	o.bpf = !sim_only;
	/* outputs are named after the first source */
	slash = strrchr(o.srcs[0], '/');
	snprintf(o.base, sizeof(o.base), "%.*s", (int)(strlen(slash ? slash + 1 : o.srcs[0]) - 6),
		 slash ? slash + 1 : o.srcs[0]);

	if (o.sim) {
		if (o.out)
			snprintf(out, sizeof(out), "%s", o.out);
		else
			snprintf(out, sizeof(out), "%s/%s.sim.so", o.out_dir, o.base);
		if (policy_build__one(&o, false, out))
			return 1;
	}
	if (o.bpf) {
		if (o.out)
			snprintf(out, sizeof(out), "%s", o.out);
		else
			snprintf(out, sizeof(out), "%s/%s.bpf.o", o.out_dir, o.base);
		if (policy_build__one(&o, true, out))
			return 1;
	}
	return 0;
}

