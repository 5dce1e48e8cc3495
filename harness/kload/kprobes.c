/*
 * The latency probes in the real kernel (see kprobes.h).
 */
#include "harness/kload/kprobes.h"
#include "harness/kload/kpolicy.h"
#include "sim/metrics/hist.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Must match harness/probes/latency.bpf.c. */
enum { H_WAKEUP, H_PREEMPT, H_RUN_DELAY, NR_HISTS };
static const char *const hist_names[NR_HISTS] = { "wakeup", "preempt", "run_delay" };
static const char *const counter_names[] = { "switch_in_ext", "switch_in_other", "rows_dropped" };

struct hist_stat {
	uint64_t count, sum, min, max;
};

struct task_row {
	char comm[16];
	uint64_t cpu_ns, ext_ns, other_ns, run_delay_ns, nvcsw, nivcsw, migrations, wakeups,
		wakeup_wait_max_ns, back_on_other_ns, back_wait_ns, exit_ns;
	uint32_t on_ext_at_exit, pad;
};

int kprobes__start(struct kprobes *kp, const char *path, const char *comm_prefix)
{
	struct bpf_program *prog;
	size_t size;
	char *prefix;
	uint32_t *len;

	memset(kp, 0, sizeof(*kp));
	kp->obj = bpf_object__open_file(path, NULL);
	if (libbpf_get_error(kp->obj)) {
		kp->obj = NULL;
		fprintf(stderr, "scxlab-kload: probes %s: cannot open: %s\n", path, strerror(errno));
		return 1;
	}
	prefix = kobj__find_var(kp->obj, "comm_prefix", &size, NULL);
	len = kobj__find_var(kp->obj, "prefix_len", &size, NULL);
	if (prefix && len) {
		memset(prefix, 0, 16);
		snprintf(prefix, 16, "%s", comm_prefix);
		*len = (uint32_t)strlen(prefix);
	}
	if (bpf_object__load(kp->obj)) {
		fprintf(stderr, "scxlab-kload: probes %s: the kernel refused them\n%s", path, kpolicy__libbpf_log());
		return 1;
	}
	bpf_object__for_each_program(prog, kp->obj) {
		struct bpf_link *l = bpf_program__attach(prog);
		if (libbpf_get_error(l) || kp->nr_links == KPROBES_MAX_LINKS) {
			fprintf(stderr, "scxlab-kload: probes: cannot attach %s: %s\n", bpf_program__name(prog),
				strerror(errno));
			return 1;
		}
		kp->links[kp->nr_links++] = l;
	}
	return 0;
}

void kprobes__stop(struct kprobes *kp)
{
	for (int i = 0; i < kp->nr_links; i++)
		bpf_link__destroy(kp->links[i]);
	kp->nr_links = 0;
}

static int map_fd(const struct kprobes *kp, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(kp->obj, name);
	return m ? bpf_map__fd(m) : -1;
}

static int compare_pid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int report_tasks(const struct kprobes *kp, FILE *out)
{
	int fd = map_fd(kp, "task_rows");
	uint32_t key, next, *pids = NULL;
	size_t nr = 0, cap = 0;
	struct task_row row;
	void *prev = NULL;

	if (fd < 0)
		return -1;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (nr == cap) {
			uint32_t *p = realloc(pids, (cap = cap ? cap * 2 : 1024) * sizeof(*p));
			if (!p) {
				free(pids);
				return -1;
			}
			pids = p;
		}
		pids[nr++] = next;
		key = next;
		prev = &key;
	}
	if (!nr) /* an empty map (a workload that exits at once): no rows, and pids is still NULL */
		return 0;
	qsort(pids, nr, sizeof(*pids), compare_pid);
	for (size_t i = 0; i < nr; i++) {
		if (bpf_map_lookup_elem(fd, &pids[i], &row))
			continue;
		row.comm[15] = 0;
		for (char *c = row.comm; *c; c++)
			if (*c == ' ' || *c == '\n')
				*c = '_';
		fprintf(out, "task %u %u %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %s\n", pids[i],
			row.on_ext_at_exit, (unsigned long long)row.cpu_ns, (unsigned long long)row.ext_ns,
			(unsigned long long)row.other_ns, (unsigned long long)row.run_delay_ns,
			(unsigned long long)row.nvcsw, (unsigned long long)row.nivcsw,
			(unsigned long long)row.migrations, (unsigned long long)row.wakeups,
			(unsigned long long)row.wakeup_wait_max_ns, (unsigned long long)row.back_on_other_ns,
			(unsigned long long)row.back_wait_ns, (unsigned long long)row.exit_ns, row.comm);
	}
	free(pids);
	return 0;
}

int kprobes__report(const struct kprobes *kp, FILE *out)
{
	int ncpu = libbpf_num_possible_cpus(), hfd = map_fd(kp, "hists"), sfd = map_fd(kp, "hist_stats"),
	    cfd = map_fd(kp, "counters");
	uint64_t *vals = calloc((size_t)ncpu, sizeof(uint64_t));
	struct hist_stat *st = calloc((size_t)ncpu, sizeof(*st));
	int ret = -1;

	if (ncpu <= 0 || !vals || !st || hfd < 0 || sfd < 0 || cfd < 0)
		goto out;
	for (uint32_t h = 0; h < NR_HISTS; h++) {
		struct hist_stat all = { 0 };
		if (bpf_map_lookup_elem(sfd, &h, st))
			goto out;
		for (int c = 0; c < ncpu; c++) {
			if (!st[c].count)
				continue;
			if (!all.count || st[c].min < all.min)
				all.min = st[c].min;
			if (st[c].max > all.max)
				all.max = st[c].max;
			all.count += st[c].count;
			all.sum += st[c].sum;
		}
		fprintf(out, "hist %s %llu %llu %llu %llu\n", hist_names[h], (unsigned long long)all.count,
			(unsigned long long)all.sum, (unsigned long long)all.min, (unsigned long long)all.max);
		for (uint32_t b = 0; b < HIST_BUCKETS; b++) {
			uint32_t key = h * HIST_BUCKETS + b;
			uint64_t sum = 0;
			if (bpf_map_lookup_elem(hfd, &key, vals))
				goto out;
			for (int c = 0; c < ncpu; c++)
				sum += vals[c];
			if (sum)
				fprintf(out, "bucket %s %u %llu\n", hist_names[h], b, (unsigned long long)sum);
		}
	}
	for (uint32_t i = 0; i < sizeof(counter_names) / sizeof(counter_names[0]); i++) {
		uint64_t sum = 0;
		if (bpf_map_lookup_elem(cfd, &i, vals))
			goto out;
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
		fprintf(out, "counter %s %llu\n", counter_names[i], (unsigned long long)sum);
	}
	ret = report_tasks(kp, out);
out:
	free(vals);
	free(st);
	return ret;
}

void kprobes__close(struct kprobes *kp)
{
	kprobes__stop(kp);
	if (kp->obj)
		bpf_object__close(kp->obj);
	kp->obj = NULL;
}
