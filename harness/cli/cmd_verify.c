/*
 * `scxlab verify` (see cmd_verify.h).
 */
#include "harness/cli/cmd_verify.h"
#include "harness/build/cmd_build.h"
#include "harness/real/kernels.h"
#include "harness/profile/loader_profile.h"
#include "harness/util/paths.h"
#include "harness/real/preflight.h"
#include "harness/util/proc.h"
#include "harness/real/verify_matrix.h"
#include "harness/real/vm.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_POLICIES 32
#define MAX_KERNELS 16

/* --loader FILE: the loader profile every policy is loaded with (NULL: none) */
static const char *loader;

static void usage(FILE *f)
{
	char all[128] = "";

	for (int i = 0; i < kernel__nr_all_series; i++)
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i ? " " : "", kernel__all_series[i]);
	fprintf(f,
		"usage: scxlab verify [--kernel K]... [--format text|csv|json] [--timeout S]\n"
		"                     [--loader FILE] POLICY.bpf.c|POLICY.bpf.o ...\n\n"
		"Load each policy into a sched_ext kernel without attaching it: the kernel's verifier\n"
		"accepts it or not. Without --kernel, uses this host's kernel when it has sched_ext (and\n"
		"root), else boots the cached Debian sched_ext kernel in QEMU. --kernel K boots K instead:\n"
		"a series (such as 7.3: Debian's newest of it, fetched into the cache), a kernel\n"
		"image, or `all` (%s); repeat it or give a comma list. Each kernel is booted once\n"
		"for all policies. Prints per policy and kernel accepted or rejected (with the first lines\n"
		"of the reason) and per BPF program the verified instruction count and states (the\n"
		"verifier's own statistics, as veristat reports them); with one kernel and text output,\n"
		"the whole verifier log of a rejected policy. Exits 0 only if every policy is accepted\n"
		"on every kernel that has sched_ext. --loader loads each with a loader profile (its\n"
		"globals, struct_ops fields, NULL-ed callbacks and map sizes: what the verifier sees).\n",
		all);
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

/* Append @spec (a comma list, `all` for the series list) to @specs. -1 when too many. */
static int add_kernels(const char **specs, int *n, char *spec)
{
	for (char *save = NULL, *tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			for (int i = 0; i < kernel__nr_all_series; i++) {
				if (*n == MAX_KERNELS)
					return -1;
				specs[(*n)++] = kernel__all_series[i];
			}
			continue;
		}
		if (*n == MAX_KERNELS)
			return -1;
		specs[(*n)++] = tok;
	}
	return 0;
}

/* This host has sched_ext and root: load each here. */
static int verify_on_host(char objs[][4096], char **names, int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		struct argv_buf a = { 0 };
		char exe[4096];
		snprintf(exe, sizeof(exe), "%s/scxlab-kload", scxlab__exe_dir());
		argv__add(&a, exe);
		argv__add(&a, "--verify");
		if (loader) {
			argv__add(&a, "--loader");
			argv__add(&a, loader);
		}
		argv__add(&a, objs[i]);
		int rc = proc__run(&a);
		argv__free(&a);
		printf("%s %s\n", rc ? "REJECTED" : "OK", names[i]);
		failed += rc != 0;
	}
	return failed ? 1 : 0;
}

/*
 * One boot of @k's kernel loading every object; the loader's output per policy, between
 * markers, into @k's cells. 0, or -1 with the reason in k->error.
 */
static int verify_in_guest(struct verify_kernel *k, char objs[][4096], int n, int timeout)
{
	struct vm_run r = { .kernel = k->spec[0] ? k->spec : NULL, .timeout_s = timeout };
	char init[16384], files[VM_MAX_FILES][4200], log[4200], line[4096];
	int nf = 0, cur = -1, done = 0, rcs[MAX_POLICIES];
	size_t off, len[MAX_POLICIES] = { 0 };
	FILE *f;

	if (kernel__image(r.kernel, k->image, sizeof(k->image), k->error, sizeof(k->error)))
		return -1;
	kernel__release(k->image, k->release, sizeof(k->release));
	r.kernel = k->image;
	snprintf(log, sizeof(log), "%s/vm/verify.%d.log", scxlab__cache_dir(), (int)getpid());
	r.log = log;
	off = (size_t)snprintf(init, sizeof(init),
		"#!/bin/sh\nmount -t proc proc /proc\nmount -t sysfs sysfs /sys\nmount -t devtmpfs dev /dev\n"
		"echo SCXLAB-RELEASE $(uname -r)\n");
	snprintf(files[nf++], sizeof(files[0]), "/scx/scxlab-kload=%.4000s/scxlab-kload", scxlab__exe_dir());
	if (loader)
		snprintf(files[nf++], sizeof(files[0]), "/scx/loader.profile=%.4000s", loader);
	for (int i = 0; i < n && off < sizeof(init); i++) {
		snprintf(files[nf++], sizeof(files[0]), "/scx/p%d.bpf.o=%.4000s", i, objs[i]);
		off += (size_t)snprintf(init + off, sizeof(init) - off,
			"echo SCXLAB-BEGIN %d\n/scx/scxlab-kload --verify%s%s%s /scx/p%d.bpf.o 2>&1\necho SCXLAB-END %d $?\n",
			i, loader ? " --loader /scx/loader.profile --loader-name '" : "", loader ? loader : "",
			loader ? "'" : "", i, i);
	}
	snprintf(init + off, sizeof(init) - off, "echo SCXLAB-DONE\npoweroff -f\n");
	r.init = init;
	for (int i = 0; i < nf; i++)
		r.files[r.nr_files++] = files[i];
	if (vm__run(&r, k->error, sizeof(k->error)))
		return -1;

	for (int i = 0; i < n; i++)
		rcs[i] = -1;
	f = fopen(log, "r");
	while (f && fgets(line, sizeof(line), f)) {
		int idx, rc;
		char *mark = strstr(line, "SCXLAB-"), rel[128];
		if (mark && sscanf(mark, "SCXLAB-RELEASE %127s", rel) == 1) {
			snprintf(k->release, sizeof(k->release), "%s", rel);
			continue;
		}
		if (mark && sscanf(mark, "SCXLAB-BEGIN %d", &idx) == 1 && idx >= 0 && idx < n) {
			cur = idx;
			continue;
		}
		if (mark && sscanf(mark, "SCXLAB-END %d %d", &idx, &rc) == 2 && idx >= 0 && idx < n) {
			rcs[idx] = rc;
			cur = -1;
			continue;
		}
		if (mark && !strncmp(mark, "SCXLAB-DONE", 11))
			done = 1;
		if (cur >= 0) {
			size_t l = strlen(line);
			char *t = realloc(k->cells[cur].log, len[cur] + l + 1);
			if (t) {
				memcpy(t + len[cur], line, l + 1);
				k->cells[cur].log = t;
				len[cur] += l;
			}
		}
	}
	if (f)
		fclose(f);
	if (!done) {
		snprintf(k->error, sizeof(k->error), "the guest did not finish (console log kept: %.400s)", log);
		return -1;
	}
	unlink(log);
	for (int i = 0; i < n; i++)
		if (rcs[i] >= 0)
			verify_cell__parse(&k->cells[i], k->cells[i].log ? k->cells[i].log : "", rcs[i]);
	return 0;
}

/* One kernel, text: "OK POLICY" or "REJECTED POLICY" and the whole log, program rows. */
static void print_one_kernel(const struct verify_matrix *m)
{
	const struct verify_kernel *k = &m->kernels[0];

	printf("kernel %s (QEMU, %s)\n", k->release, m->accel);
	for (int p = 0; p < m->nr_policies; p++) {
		const struct verify_cell *c = &k->cells[p];
		printf("%s %s\n", c->verdict == VERIFY_ACCEPTED ? "OK" : "REJECTED", m->policies[p]);
		for (int i = 0; i < c->nr_progs; i++) {
			char st[24], pk[24];
			printf("  %-32s insns %7lu  states %6s  peak_states %5s\n", c->progs[i].name, c->progs[i].insns,
			       verify_count(c->progs[i].states, "-", st, sizeof(st)),
			       verify_count(c->progs[i].peak_states, "-", pk, sizeof(pk)));
		}
		if (c->verdict != VERIFY_ACCEPTED)
			fputs(c->log ? c->log : "(no output)\n", stdout);
	}
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "loader", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static char objs[MAX_POLICIES][4096];
	const char *specs[MAX_KERNELS], *format = "text";
	char why[768], dir[4200];
	int timeout = 300, c, n, nk = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:f:t:l:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (add_kernels(specs, &nk, optarg)) {
				fprintf(stderr, "scxlab verify: --kernel: at most %d kernels\n", MAX_KERNELS);
				return 2;
			}
			break;
		case 'f': format = optarg; break;
		case 't': timeout = atoi(optarg); break;
		case 'l': {
			struct loader_profile lp;
			char err[1280];

			/* bad lines are the user's file's, said before any guest boots */
			if (strpbrk(optarg, "'\n")) {
				fprintf(stderr, "scxlab verify: --loader %s: a path with a quote or newline cannot be passed to "
					"the guest\n", optarg);
				return 2;
			}
			if (loader_profile__parse(&lp, optarg, err, sizeof(err))) {
				fprintf(stderr, "scxlab verify: --loader: %s\n", err);
				return 2;
			}
			loader_profile__free(&lp);
			loader = optarg;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json")) {
		fprintf(stderr, "scxlab verify: --format: '%s' is not text, csv or json\n", format);
		return 2;
	}
	if (timeout <= 0) {
		fprintf(stderr, "scxlab verify: --timeout: expected seconds > 0\n");
		return 2;
	}
	n = argc - optind;
	if (n < 1 || n > MAX_POLICIES) {
		usage(stderr);
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/vm", scxlab__cache_dir());
	scxlab__mkdirs(dir);
	for (int i = 0; i < n; i++) {
		if (object_for(argv[optind + i], objs[i], sizeof(objs[i]))) {
			fprintf(stderr, "scxlab verify: %s: cannot build or read it\n", argv[optind + i]);
			return 2;
		}
	}
	if (!nk && !strcmp(format, "text") && !preflight__host("", why, sizeof(why)))
		return verify_on_host(objs, argv + optind, n);

	struct verify_matrix m = { .nr_policies = n, .policies = (const char *const *)(argv + optind),
				   .accel = vm__accel() };
	m.nr_kernels = nk ? nk : 1;
	m.kernels = calloc((size_t)m.nr_kernels, sizeof(*m.kernels));
	for (int k = 0; m.kernels && k < m.nr_kernels; k++) {
		struct verify_kernel *kn = &m.kernels[k];
		kn->spec = nk ? specs[k] : "";
		snprintf(kn->release, sizeof(kn->release), "%s", kn->spec[0] ? kn->spec : "default");
		kn->cells = calloc((size_t)n, sizeof(*kn->cells));
		if (!kn->cells)
			break;
		fprintf(stderr, "scxlab verify: [%d/%d] kernel %s: booting (%s) ...\n", k + 1, m.nr_kernels,
			kn->spec[0] ? kn->spec : "(default)", m.accel);
		if (verify_in_guest(kn, objs, n, timeout))
			fprintf(stderr, "scxlab verify: kernel %s: %s\n", kn->spec[0] ? kn->spec : "(default)", kn->error);
	}
	if (!m.kernels || !m.kernels[m.nr_kernels - 1].cells) {
		fprintf(stderr, "scxlab verify: out of memory\n");
		verify_matrix__free(&m);
		return 2;
	}
	if (!strcmp(format, "csv"))
		verify_matrix__print_csv(&m, stdout);
	else if (!strcmp(format, "json"))
		verify_matrix__print_json(&m, stdout);
	else if (m.nr_kernels == 1 && !m.kernels[0].error[0])
		print_one_kernel(&m);
	else
		verify_matrix__print_text(&m, stdout);
	ret = verify_matrix__status(&m);
	/* a kernel that could not be booted is not a verdict on the policies */
	for (int k = 0; k < m.nr_kernels; k++)
		if (m.kernels[k].error[0])
			ret = 2;
	verify_matrix__free(&m);
	for (int i = 0; i < n; i++)
		if (!path__ends_with(argv[optind + i], ".bpf.o"))
			unlink(objs[i]);
	return ret;
}
