/*
 * scxlab-kload: the generic kernel-side loader as its own small program (kloader.h). It is a
 * separate executable because libscxsim exports the BPF helper names policies call
 * (bpf_map_update_elem, ...), which are also libbpf's own API names: in one process the
 * simulator's would interpose libbpf's. `scxlab load` runs this program.
 */
#include "harness/kload/kloader.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_KNOBS 64

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab load [--knob NAME=VALUE]... [--map-entries MAP=N]... [--seconds S]\n"
		"                   [--verify] POLICY.bpf.o\n\n"
		"Load a policy into this machine's sched_ext kernel and keep it attached for S seconds\n"
		"(0: until it exits or SIGINT/SIGTERM), then detach and print its exit record.\n"
		"With --verify only load it (the verifier runs) and report; the log is printed on failure.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "knob", required_argument, NULL, 'k' },
		{ "map-entries", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 's' },
		{ "verify", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *knobs[MAX_KNOBS], *sizes[MAX_KNOBS];
	struct kloader_opts o = { .knobs = knobs, .map_sizes = sizes, .sysfs = "" };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:m:s:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (o.nr_knobs < MAX_KNOBS)
				knobs[o.nr_knobs++] = optarg;
			break;
		case 'm':
			if (o.nr_map_sizes < MAX_KNOBS)
				sizes[o.nr_map_sizes++] = optarg;
			break;
		case 's': o.seconds = atof(optarg); break;
		case 'v': o.verify_only = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o.path = argv[optind];
	return kloader__run(&o);
}
