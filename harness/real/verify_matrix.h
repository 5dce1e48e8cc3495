/*
 * The results of `scxlab verify` across kernels: per policy and kernel, accepted or rejected
 * (with the first lines of the reason), and per BPF program the verifier's instruction count
 * and states, read from what the guest's loader printed; printed as a text table, CSV or JSON.
 */
#ifndef HARNESS_VERIFY_MATRIX_H
#define HARNESS_VERIFY_MATRIX_H

#include <stddef.h>
#include <stdio.h>

#define VERIFY_MAX_PROGS 64

enum verify_verdict {
	VERIFY_NOT_RUN,      /* the guest did not get to it */
	VERIFY_ACCEPTED,
	VERIFY_REJECTED,     /* the verifier (or libbpf against this kernel's BTF) refused it */
	VERIFY_NO_SCHED_EXT, /* the kernel is built without sched_ext */
};

#define VERIFY_UNKNOWN (~0UL) /* states the kernel did not report */

struct verify_prog {
	char name[64];
	unsigned long insns, states, peak_states;
};

struct verify_cell {
	enum verify_verdict verdict;
	char reason[512];    /* its first lines, joined by " / " */
	struct verify_prog progs[VERIFY_MAX_PROGS];
	int nr_progs;
	char *log;           /* the loader's whole output (malloc'ed) */
};

struct verify_kernel {
	const char *spec;    /* as given: "7.3", a file, or "" for the default */
	char release[128];
	char image[4096];
	char error[512];     /* the boot failed: why (its cells are VERIFY_NOT_RUN) */
	struct verify_cell *cells; /* one per policy */
};

struct verify_matrix {
	struct verify_kernel *kernels;
	int nr_kernels;
	const char *const *policies;
	int nr_policies;
	const char *accel;   /* "tcg" or "kvm" */
};

/* Fill @c from the loader's output @text for one policy and its exit status @rc. */
void verify_cell__parse(struct verify_cell *c, const char *text, int rc);
const char *verify_verdict__name(enum verify_verdict v);
/* @v as text in @buf, or @unknown for VERIFY_UNKNOWN. */
const char *verify_count(unsigned long v, const char *unknown, char *buf, size_t len);

void verify_matrix__print_text(const struct verify_matrix *m, FILE *f);
void verify_matrix__print_csv(const struct verify_matrix *m, FILE *f);
void verify_matrix__print_json(const struct verify_matrix *m, FILE *f);
/* 0 every policy accepted on every kernel with sched_ext (and there was one), else 1. */
int verify_matrix__status(const struct verify_matrix *m);
void verify_matrix__free(struct verify_matrix *m);

#endif
