/*
 * scxlab: the command-line front end. Dispatches `scxlab COMMAND ...` to the command's module.
 */
#include <stdio.h>
#include <string.h>

#include "harness/cmd_build.h"
#include "harness/cmd_calibrate.h"
#include "harness/cmd_run.h"
#include "harness/version.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "build", cmd_build, "compile a policy for the kernel (.bpf.o) and the simulator (.sim.so)" },
	{ "run", cmd_run, "run a policy with a workload on a target and write result.json" },
	{ "calibrate", cmd_calibrate, "measure a target's stressor costs into a calibration file" },
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
