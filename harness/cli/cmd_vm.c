/*
 * `scxlab vm` (see cmd_vm.h).
 */
#include "harness/cli/cmd_vm.h"
#include "harness/util/paths.h"
#include "harness/real/vm.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab vm --init SCRIPT [--file DEST=SRC]... [--kernel K] [--cpus N]\n"
		"                 [--timeout S]\n\n"
		"Boot the sched_ext guest with SCRIPT as /init (it should end with `poweroff -f`) and the\n"
		"given files (plus scxlab-kload at /scx/scxlab-kload), then print the guest's console.\n"
		"--kernel: a series (7.3, fetched on first use), a cached release or an image.\n");
}

int cmd_vm(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "init", required_argument, NULL, 'i' },
		{ "file", required_argument, NULL, 'f' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct vm_run r = { .timeout_s = 300 };
	char log[4200], err[1024], kload[4200], *script = NULL, buf[4096];
	const char *init = NULL;
	FILE *f;
	size_t n;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:f:k:c:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': init = optarg; break;
		case 'f':
			if (r.nr_files < VM_MAX_FILES - 1)
				r.files[r.nr_files++] = optarg;
			break;
		case 'k': r.kernel = optarg; break;
		case 'c': r.cpus = atoi(optarg); break;
		case 't': r.timeout_s = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!init || optind != argc) {
		usage(stderr);
		return 2;
	}
	f = fopen(init, "r");
	if (!f || !(script = calloc(1, 1 << 20)) || (n = fread(script, 1, (1 << 20) - 1, f), 0)) {
		fprintf(stderr, "scxlab vm: %s: cannot read it\n", init);
		return 2;
	}
	fclose(f);
	r.init = script;
	snprintf(kload, sizeof(kload), "/scx/scxlab-kload=%.4000s/scxlab-kload", scxlab__exe_dir());
	r.files[r.nr_files++] = kload;
	snprintf(log, sizeof(log), "%s/vm", scxlab__cache_dir());
	scxlab__mkdirs(log);
	snprintf(log, sizeof(log), "%s/vm/console.%d.log", scxlab__cache_dir(), (int)getpid());
	r.log = log;
	int rc = vm__run(&r, err, sizeof(err));
	free(script);
	f = fopen(log, "r");
	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	if (f)
		fclose(f);
	unlink(log);
	if (rc) {
		fprintf(stderr, "scxlab vm: %s\n", err);
		return 1;
	}
	return 0;
}
