/*
 * `scxlab verify` (see cmd_verify.h).
 */
#include "harness/cmd_verify.h"
#include "harness/cmd_build.h"
#include "harness/paths.h"
#include "harness/preflight.h"
#include "harness/proc.h"
#include "harness/vm.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_POLICIES 32

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab verify [--kernel VMLINUZ] [--timeout S] POLICY.bpf.c|POLICY.bpf.o ...\n\n"
		"Load each policy into a sched_ext kernel without attaching it: the kernel's verifier\n"
		"accepts it or not. Uses this host's kernel when it has sched_ext (and root), else boots\n"
		"the cached Debian sched_ext kernel in QEMU. Prints OK or REJECTED per policy, with the\n"
		"verifier's log for rejected ones; exits 0 only if every policy is accepted.\n");
}


static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* A .bpf.o for @src: itself, or built from a .bpf.c into @out. */
static int object_for(const char *src, char *out, size_t len)
{
	if (path__ends_with(src, ".bpf.o")) {
		snprintf(out, len, "%s", src);
		return access(out, R_OK);
	}
	snprintf(out, len, "%s/vm/verify.%d.%.*s.bpf.o", scxlab__cache_dir(), (int)getpid(),
		 (int)(strlen(base_name(src)) - 6), base_name(src));
	return cmd_build__bpf_object(src, out);
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char objs[MAX_POLICIES][4096], err[1024], log[4200], why[768];
	const char *kernel = NULL;
	int timeout = 300, c, n, failed = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': kernel = optarg; break;
		case 't': timeout = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	n = argc - optind;
	if (n < 1 || n > MAX_POLICIES) {
		usage(stderr);
		return 2;
	}
	snprintf(log, sizeof(log), "%s/vm", scxlab__cache_dir());
	scxlab__mkdirs(log);
	for (int i = 0; i < n; i++) {
		if (object_for(argv[optind + i], objs[i], sizeof(objs[i]))) {
			fprintf(stderr, "scxlab verify: %s: cannot build or read it\n", argv[optind + i]);
			return 2;
		}
	}

	if (!kernel && !preflight__host("", why, sizeof(why))) {
		/* this host can: load each here */
		for (int i = 0; i < n; i++) {
			struct argv_buf a = { 0 };
			char exe[4096];
			snprintf(exe, sizeof(exe), "%s/scxlab-kload", scxlab__exe_dir());
			argv__add(&a, exe);
			argv__add(&a, "--verify");
			argv__add(&a, objs[i]);
			int rc = proc__run(&a);
			argv__free(&a);
			printf("%s %s\n", rc ? "REJECTED" : "OK", argv[optind + i]);
			failed += rc != 0;
		}
		return failed ? 1 : 0;
	}

	/* in the guest: one boot, every object, markers around each result */
	struct vm_run r = { .kernel = kernel, .timeout_s = timeout, .log = log };
	char init[16384], files[VM_MAX_FILES][4200];
	size_t off = (size_t)snprintf(init, sizeof(init),
		"#!/bin/sh\nmount -t proc proc /proc\nmount -t sysfs sysfs /sys\nmount -t devtmpfs dev /dev\n");
	int nf = 0;

	snprintf(log, sizeof(log), "%s/vm/verify.%d.log", scxlab__cache_dir(), (int)getpid());
	snprintf(files[nf++], sizeof(files[0]), "/scx/scxlab-kload=%.4000s/scxlab-kload", scxlab__exe_dir());
	for (int i = 0; i < n && off < sizeof(init); i++) {
		snprintf(files[nf++], sizeof(files[0]), "/scx/p%d.bpf.o=%.4000s", i, objs[i]);
		off += (size_t)snprintf(init + off, sizeof(init) - off,
			"echo SCXLAB-BEGIN %d\n/scx/scxlab-kload --verify /scx/p%d.bpf.o 2>&1\necho SCXLAB-END %d $?\n",
			i, i, i);
	}
	snprintf(init + off, sizeof(init) - off, "echo SCXLAB-DONE\npoweroff -f\n");
	r.init = init;
	for (int i = 0; i < nf; i++)
		r.files[r.nr_files++] = files[i];
	if (vm__run(&r, err, sizeof(err))) {
		fprintf(stderr, "scxlab verify: %s\n", err);
		return 2;
	}

	FILE *f = fopen(log, "r");
	char line[4096];
	int cur = -1, rc_seen = 0, done = 0;
	char *text[MAX_POLICIES] = { 0 };
	size_t len[MAX_POLICIES] = { 0 };
	int rcs[MAX_POLICIES];

	for (int i = 0; i < n; i++)
		rcs[i] = -1;
	while (f && fgets(line, sizeof(line), f)) {
		int idx, rc;
		char *mark = strstr(line, "SCXLAB-");
		if (mark && sscanf(mark, "SCXLAB-BEGIN %d", &idx) == 1 && idx >= 0 && idx < n) {
			cur = idx;
			continue;
		}
		if (mark && sscanf(mark, "SCXLAB-END %d %d", &idx, &rc) == 2 && idx >= 0 && idx < n) {
			rcs[idx] = rc;
			rc_seen++;
			cur = -1;
			continue;
		}
		if (mark && !strncmp(mark, "SCXLAB-DONE", 11))
			done = 1;
		if (cur >= 0) {
			size_t l = strlen(line);
			char *t = realloc(text[cur], len[cur] + l + 1);
			if (t) {
				memcpy(t + len[cur], line, l + 1);
				text[cur] = t;
				len[cur] += l;
			}
		}
	}
	if (f)
		fclose(f);
	if (!done) {
		fprintf(stderr, "scxlab verify: the guest did not finish (console log kept: %s)\n", log);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		printf("%s %s\n", rcs[i] == 0 ? "OK" : "REJECTED", argv[optind + i]);
		if (rcs[i] != 0) {
			failed++;
			fputs(text[i] ? text[i] : "(no output)\n", stdout);
		}
		free(text[i]);
		if (!path__ends_with(argv[optind + i], ".bpf.o"))
			unlink(objs[i]);
	}
	(void)rc_seen;
	unlink(log);
	return failed ? 1 : 0;
}
