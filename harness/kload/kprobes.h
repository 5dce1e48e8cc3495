/*
 * The harness's latency probes (harness/probes/latency.bpf.c) in the real kernel: load and
 * attach them for the workload's tasks, detach, and write what they measured as report lines
 * (the format is in krun.h).
 */
#ifndef HARNESS_KLOAD_KPROBES_H
#define HARNESS_KLOAD_KPROBES_H

#include <stdio.h>

#define KPROBES_MAX_LINKS 8

struct bpf_object;
struct bpf_link;

struct kprobes {
	struct bpf_object *obj;
	struct bpf_link *links[KPROBES_MAX_LINKS];
	int nr_links;
};

/* Load @path with the comm prefix of the workload's tasks and attach every program. 0 or 1. */
int kprobes__start(struct kprobes *kp, const char *path, const char *comm_prefix);
/* Detach (the maps stay readable). */
void kprobes__stop(struct kprobes *kp);
/* hist, bucket, counter and task lines. 0, or -1 if a map could not be read. */
int kprobes__report(const struct kprobes *kp, FILE *out);
void kprobes__close(struct kprobes *kp);

#endif
