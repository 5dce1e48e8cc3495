/*
 * One build of a policy, for the kernel (.bpf.o: clang -target bpf, several sources linked
 * by bpftool, checked as libbpf will load it) or for the simulator (.sim.so: cc against
 * sim/shim, the host clang for a source gcc cannot build, one merged BTF, no symbol the
 * simulator lacks). Outputs are cached in $CACHE/build/ by a hash of the build recipe, the
 * compiler, its flags and every preprocessed source. `scxlab build` (cmd_build.h) drives it.
 */
#ifndef HARNESS_BUILD_POLICY_BUILD_H
#define HARNESS_BUILD_POLICY_BUILD_H

#include <limits.h>
#include <stdbool.h>

/* scx_lavd links 21 sources; room for larger policies too */
#define MAX_INCLUDES 32
#define MAX_SRCS 64

struct build_opts {
	bool sim, bpf, quiet;
	const char *out, *out_dir, *vmlinux;
	const char *srcs[MAX_SRCS];
	int nr_srcs;
	const char *incs[MAX_INCLUDES];
	int nr_incs;
	char base[256];
	/* simulator build: sources gcc cannot build, compiled by the host clang instead */
	bool host_clang[MAX_SRCS];
	char clang[PATH_MAX];
};

/* Build @o's sources for the kernel (@bpf) or the simulator into @out. 0, or -1 with the
 * reason printed. */
int policy_build__one(struct build_opts *o, bool bpf, const char *out);

#endif
