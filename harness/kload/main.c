/*
 * scxlab-kload: the kernel-side loader as its own small program. It is a separate executable
 * because libscxsim exports the BPF helper names policies call (bpf_map_update_elem, ...), which
 * are also libbpf's own API names: in one process the simulator's would interpose libbpf's.
 *
 *   scxlab-kload [load options] POLICY.bpf.o             `scxlab load` (kloader.h)
 *   scxlab-kload run [--policy P] ... -- COMMAND...       one measured run (krun.h)
 */
#include "harness/kload/kloader.h"
#include "harness/kload/krun.h"
#include "harness/kload/kprofile.h"
#include "harness/profile/loader_profile.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KNOBS 64

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab load [--knob NAME=VALUE]... [--map-entries MAP=N]... [--seconds S]\n"
		"                   [--loader FILE [--loader-name NAME]] [--verify|--check] POLICY.bpf.o\n"
		"       scxlab-kload run --probes PROBES.bpf.o --report FILE [--policy POLICY.bpf.o]\n"
		"                   [--knob NAME=VALUE]... [--map-entries MAP=N]... [--timeout S]\n"
		"                   [--loader FILE [--loader-name NAME]]\n"
		"                   [--comm PREFIX] [--inject detach|sysrq|offline:CPU@S]\n"
		"                   [--daemon DAEMON.so [--daemon-log FILE]] [--attach-after S]\n"
		"                   [--ext-stressors NAME[,NAME]...]\n"
		"                   -- COMMAND [ARG]... [--after-attach COMMAND [ARG]...]\n\n"
		"Load a policy into this machine's sched_ext kernel and keep it attached for S seconds\n"
		"(0: until it exits or SIGINT/SIGTERM), then detach and print its exit record.\n"
		"With --verify only load it (the verifier runs) and report; the log is printed on failure.\n"
		"With --check only open it and apply the knobs, map sizes and loader profile (no kernel).\n"
		"`run` measures COMMAND (stress-ng) with the latency probes, under the policy or, without\n"
		"--policy, the default scheduler, and writes a report (format: harness/kload/krun.h).\n"
		"--loader applies a loader profile (docs/upstream-schedulers.md) as the simulator does;\n"
		"--loader-name is the file's name in messages (the host's path of a guest's copy).\n"
		"--attach-after S starts COMMAND on the fair class and attaches the policy S seconds\n"
		"later; the command after `--after-attach` starts once the policy is attached.\n"
		"--ext-stressors moves those stressors' processes (comm stress-ng-NAME) to SCHED_EXT.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "knob", required_argument, NULL, 'k' },
		{ "map-entries", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 's' },
		{ "verify", no_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 'C' },
		{ "policy", required_argument, NULL, 'p' },
		{ "probes", required_argument, NULL, 'P' },
		{ "report", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "comm", required_argument, NULL, 'c' },
		{ "inject", required_argument, NULL, 'i' },
		{ "daemon", required_argument, NULL, 'D' },
		{ "daemon-log", required_argument, NULL, 'L' },
		{ "loader", required_argument, NULL, 'l' },
		{ "loader-name", required_argument, NULL, 'n' },
		{ "attach-after", required_argument, NULL, 'A' },
		{ "ext-stressors", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *knobs[MAX_KNOBS], *sizes[MAX_KNOBS];
	struct kloader_opts o = { .knobs = knobs, .map_sizes = sizes };
	struct krun_opts r = { .knobs = knobs, .map_sizes = sizes };
	int run = argc > 1 && !strcmp(argv[1], "run");
	const char *loader = NULL, *loader_name = NULL;
	struct loader_profile profile;
	char err[1280];
	int c, rc;

	if (run) {
		argv++;
		argc--;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "+k:m:s:vCp:P:r:t:c:i:D:L:l:n:A:E:h", longopts, NULL)) != -1) {
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
		case 'C': o.check_only = true; break;
		case 'p': r.policy = optarg; break;
		case 'P': r.probes = optarg; break;
		case 'r': r.report = optarg; break;
		case 't': r.timeout_s = atof(optarg); break;
		case 'c': r.comm_prefix = optarg; break;
		case 'i': r.inject = optarg; break;
		case 'D': r.daemon = optarg; break;
		case 'L': r.daemon_log = optarg; break;
		case 'l': loader = optarg; break;
		case 'n': loader_name = optarg; break;
		case 'E': r.ext_stressors = optarg; break;
		case 'A':
			r.attach_after_s = atof(optarg);
			if (r.attach_after_s <= 0) {
				fprintf(stderr, "scxlab-kload run: --attach-after %s: expected seconds > 0\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!run && optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (loader) {
		if (loader_profile__parse(&profile, loader, err, sizeof(err))) {
			fprintf(stderr, "scxlab load: --loader: %s\n", err);
			return 2;
		}
		if (loader_name)
			snprintf(profile.path, sizeof(profile.path), "%s", loader_name);
		kprofile__use(&profile);
	}
	if (run) {
		r.nr_knobs = o.nr_knobs;
		r.nr_map_sizes = o.nr_map_sizes;
		r.argv = optind < argc ? argv + optind : NULL;
		/* `-- COMMAND... --after-attach COMMAND...`: two argv lists in one */
		for (int i = optind; i < argc; i++)
			if (!strcmp(argv[i], "--after-attach")) {
				argv[i] = NULL;
				r.late_argv = argv + i + 1;
				break;
			}
		rc = krun__run(&r);
	} else {
		o.path = argv[optind];
		rc = kloader__run(&o);
	}
	if (loader)
		loader_profile__free(&profile);
	return rc;
}
