/*
 * scxlab: the command-line front end. Dispatches `scxlab COMMAND ...` to the command's module.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness/build/cmd_build.h"
#include "harness/cli/cmd_cache.h"
#include "harness/cli/cmd_calibrate.h"
#include "harness/cli/cmd_check.h"
#include "harness/cli/cmd_report.h"
#include "harness/compare/cmd_compare.h"
#include "harness/fault/cmd_fault.h"
#include "harness/cli/cmd_verify.h"
#include "harness/cli/cmd_vm.h"
#include "harness/run/cmd_run.h"
#include "harness/selftests/cmd_selftests.h"
#include "harness/sweep/cmd_sweep.h"
#include "harness/util/version.h"
#include "harness/validate/cmd_validate.h"

/* `scxlab load ...` runs the separate loader program next to this one (see harness/kload/main.c). */
static int cmd_load(int argc, char **argv)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return 1;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	snprintf(slash ? slash + 1 : exe, sizeof(exe) - (size_t)(slash ? slash + 1 - exe : 0), "scxlab-kload");
	argv[0] = exe;
	execv(exe, argv);
	fprintf(stderr, "scxlab load: cannot run %s\n", exe);
	return 1;
}

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "build", cmd_build, "compile a policy for the kernel (.bpf.o) and the simulator (.sim.so)" },
	{ "run", cmd_run, "run a policy with a workload on a target and write result.json" },
	{ "compare", cmd_compare, "policies x jobs x targets x runs: table, summary.json/csv, plots" },
	{ "sweep", cmd_sweep, "run a sweep file's runs (or one shard), or emit a Slurm / GNU parallel job" },
	{ "merge", cmd_merge, "join sweep shards into one compare directory" },
	{ "check", cmd_check, "compare a run or a compare directory with a baseline; fail on regressions" },
	{ "baseline", cmd_baseline, "record a run or a compare directory as a baseline" },
	{ "load", cmd_load, "load a policy's .bpf.o into this machine's sched_ext kernel (generic loader)" },
	{ "verify", cmd_verify, "check a policy with the real kernel's verifier (this host or a VM)" },
	{ "vm", cmd_vm, "boot the sched_ext guest with a script and files, print its console" },
	{ "fault", cmd_fault, "inject a fault, check the ejection and the fallback (one class, or --matrix)" },
	{ "cache", cmd_cache, "list the cache (kernels by series and release, sizes) or prune it" },
	{ "calibrate", cmd_calibrate, "measure a target's stressor costs into a calibration file" },
	{ "report", cmd_report, "redraw a compare directory's figures, rewrite report.html and tables" },
	{ "validate", cmd_validate, "the simulator against the host or the guest: errors, thresholds, policy ranks (tau)" },
	{ "timeline", cmd_timeline, "draw a `run --timeline` file: a row per CPU, the busiest tasks named" },
	{ "selftests", cmd_selftests, "run the kernel's sched_ext selftests in the simulator against their table" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: scxlab COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n`scxlab COMMAND --help` describes a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("scxlab %s\n", SCXLAB_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "scxlab: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
