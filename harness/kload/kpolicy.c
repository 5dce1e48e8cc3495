/*
 * A sched_ext policy in the real kernel through libbpf (see kpolicy.h).
 */
#include "harness/kload/kpolicy.h"
#include "harness/kload/kenums.h"
#include "harness/kload/kprofile.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static char *log_buf;
static size_t log_len, log_cap;

static int collect(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[4096];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (level == LIBBPF_DEBUG || n <= 0)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (log_len + (size_t)n + 1 > log_cap) {
		size_t cap = (log_cap ? log_cap * 2 : 65536) + (size_t)n;
		char *b = realloc(log_buf, cap);
		if (!b)
			return 0;
		log_buf = b;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, line, (size_t)n);
	log_len += (size_t)n;
	log_buf[log_len] = 0;
	return 0;
}

void kpolicy__quiet_libbpf(void)
{
	if (!getenv("SCXLAB_LIBBPF_STDERR"))
		libbpf_set_print(collect);
}

const char *kpolicy__libbpf_log(void)
{
	return log_buf ? log_buf : "";
}

void kpolicy__clear_libbpf_log(void)
{
	log_len = 0;
	if (log_buf)
		log_buf[0] = 0;
}

void *kobj__find_var(struct bpf_object *obj, const char *name, size_t *size, size_t *elem)
{
	return kobj__find_var_in(obj, name, size, elem, NULL, NULL);
}

void *kobj__find_var_in(struct bpf_object *obj, const char *name, size_t *size, size_t *elem,
			struct bpf_map **in, size_t *offset)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;

	if (!btf)
		return NULL;
	bpf_object__for_each_map(map, obj) {
		const char *sec = strchr(bpf_map__name(map), '.');
		const struct btf_var_secinfo *vs;
		const struct btf_type *t;
		size_t msz;
		int id;

		if (!sec)
			continue;
		id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
		if (id < 0)
			continue;
		t = btf__type_by_id(btf, (__u32)id);
		vs = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);
			void *data;

			if (strcmp(btf__name_by_offset(btf, v->name_off), name))
				continue;
			data = bpf_map__initial_value(map, &msz);
			if (!data || vs->offset + vs->size > msz)
				return NULL;
			*size = vs->size;
			if (in)
				*in = map;
			if (offset)
				*offset = vs->offset;
			if (elem) {
				const struct btf_type *vt = btf__type_by_id(btf, btf__resolve_type(btf, v->type));
				*elem = vs->size;
				if (vt && btf_is_array(vt))
					*elem = (size_t)btf__resolve_size(btf, btf_array(vt)->type);
			}
			return (char *)data + vs->offset;
		}
	}
	return NULL;
}

/* A knob's number: every u64 (0x8000000000000000 and above included), or a negative one. */
static long long knob_number(const char *s)
{
	while (*s == ' ')
		s++;
	return *s == '-' ? strtoll(s, NULL, 0) : (long long)strtoull(s, NULL, 0);
}

static int set_int(void *at, size_t size, long long v)
{
	switch (size) {
	case 1: *(int8_t *)at = (int8_t)v; return 0;
	case 2: *(int16_t *)at = (int16_t)v; return 0;
	case 4: *(int32_t *)at = (int32_t)v; return 0;
	case 8: *(int64_t *)at = (int64_t)v; return 0;
	default: return -1;
	}
}

/* NAME=v, NAME=a,b,c (array from 0) or NAME[i]=v. */
static int set_knob(struct bpf_object *obj, const char *kv)
{
	char name[128], *eq, *br;
	size_t size = 0, elem;
	void *at;

	snprintf(name, sizeof(name), "%s", kv);
	eq = strchr(name, '=');
	if (!eq)
		return -1;
	*eq = 0;
	br = strchr(name, '[');
	if (br)
		*br = 0;
	at = kobj__find_var(obj, name, &size, &elem);
	if (!at) {
		fprintf(stderr, "scxlab load: --knob %s: the policy has no global of that name\n", name);
		return -1;
	}
	if (!strcmp(eq + 1, "true") || !strcmp(eq + 1, "false"))
		return set_int(at, size, eq[1] == 't');
	if (br) {
		long idx = strtol(br + 1, NULL, 10);
		if (idx < 0 || (size_t)(idx + 1) * elem > size)
			return -1;
		return set_int((char *)at + (size_t)idx * elem, elem, knob_number(eq + 1));
	}
	if (strchr(eq + 1, ',')) {
		size_t n = 0;
		for (char *save = NULL, *tok = strtok_r(eq + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++)
			if ((n + 1) * elem > size || set_int((char *)at + n * elem, elem, knob_number(tok)))
				return -1;
		return 0;
	}
	return set_int(at, size, knob_number(eq + 1));
}

int kpolicy__open(struct kpolicy *kp, const char *path, const char *const *knobs, int nr_knobs,
		  const char *const *map_sizes, int nr_map_sizes)
{
	struct bpf_map *map;
	size_t sz;
	void *nr;

	char presized[64], obj_name[64];
	const char *base = strrchr(path, '/');
	int memfd = -1;

	memset(kp, 0, sizeof(*kp));
	kp->path = path;
	/* libbpf's own name for it (the file name to its first dot), whichever file is opened */
	snprintf(obj_name, sizeof(obj_name), "%s", base ? base + 1 : path);
	obj_name[strcspn(obj_name, ".")] = 0;
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = obj_name);
	if (kpolicy_presize__dump(path, KPOLICY_DUMP_LEN, presized, sizeof(presized), &memfd)) {
		kp->obj = bpf_object__open_file(path, &oo);
	} else {
		kp->obj = bpf_object__open_file(presized, &oo);
		close(memfd);
	}
	if (libbpf_get_error(kp->obj)) {
		kp->obj = NULL;
		fprintf(stderr, "scxlab load: %s: cannot open: %s\n%s", path, strerror(errno), kpolicy__libbpf_log());
		return 1;
	}
	{
		char err[1280];

		if (kprofile__choose_ops(kprofile__current(), kp->obj, &kp->ops, err, sizeof(err))) {
			fprintf(stderr, "scxlab load: %s%s\n", kprofile__current() ? "--loader: " : "", err);
			return 2;
		}
	}
	if (!kp->ops) {
		fprintf(stderr, "scxlab load: %s: no struct_ops map\n", path);
		return 1;
	}
	/* what every libbpf-based scx loader does first: the SCX_* constants from the kernel */
	if (kenums__import(kp->obj, getenv("SCXLAB_VMLINUX_BTF")) < 0)
		fprintf(stderr, "scxlab load: %s: warning: no kernel BTF: __SCX_* constants stay 0\n", path);
	/* what every scx loader sets: the CPU count */
	nr = kobj__find_var(kp->obj, "nr_cpu_ids", &sz, NULL);
	if (nr)
		set_int(nr, sz, libbpf_num_possible_cpus());
	/* a policy that must tell its daemon's threads from the tasks it schedules (docs/daemons.md):
	 * the daemon runs in this process */
	nr = kobj__find_var(kp->obj, "scxlab_daemon_tgid", &sz, NULL);
	if (nr)
		set_int(nr, sz, getpid());
	/* the loader profile, then the command line's knobs (they win), as in the simulator */
	if (kprofile__current()) {
		char err[1280];

		if (kprofile__apply_open(kprofile__current(), kp->obj, kp->ops, err, sizeof(err))) {
			fprintf(stderr, "scxlab load: --loader: %s\n", err);
			return 2;
		}
	}
	for (int i = 0; i < nr_knobs; i++) {
		if (set_knob(kp->obj, knobs[i])) {
			fprintf(stderr, "scxlab load: --knob %s: cannot set it\n", knobs[i]);
			return 2;
		}
	}
	for (int i = 0; i < nr_map_sizes; i++) {
		char name[128], *eq;
		snprintf(name, sizeof(name), "%s", map_sizes[i]);
		eq = strchr(name, '=');
		if (!eq || (*eq = 0, !(map = bpf_object__find_map_by_name(kp->obj, name))) ||
		    bpf_map__set_max_entries(map, (__u32)strtoul(eq + 1, NULL, 10))) {
			fprintf(stderr, "scxlab load: --map-entries %s: no such map\n", map_sizes[i]);
			return 2;
		}
	}
	return 0;
}

int kpolicy__load(struct kpolicy *kp, const char *path, const char *const *knobs, int nr_knobs,
		  const char *const *map_sizes, int nr_map_sizes)
{
	size_t sz;
	int ret = kpolicy__open(kp, path, knobs, nr_knobs, map_sizes, nr_map_sizes);

	if (ret)
		return ret;
	kpolicy_dump__prepare(kp);
	kpolicy_stats__prepare(kp);
	if (bpf_object__load(kp->obj)) {
		if (kp->prog_logs)
			return 1; /* a statistics-only log says nothing of why: the caller loads again */
		fprintf(stderr, "scxlab load: %s: the kernel refused it (verifier log below)\n%s", path,
			kpolicy__libbpf_log());
		return 1;
	}
	/*
	 * The record lives in the kernel's copy of the policy's .data: map it (read-only). libbpf
	 * before 1.5 maps global data into the kernel's maps only for skeletons.
	 */
	struct bpf_map *in;
	size_t off;
	if (kobj__find_var_in(kp->obj, "uei", &sz, NULL, &in, &off) && sz >= sizeof(*kp->uei)) {
		long page = sysconf(_SC_PAGESIZE);
		kp->uei_map_len = ((size_t)bpf_map__value_size(in) + (size_t)page - 1) & ~((size_t)page - 1);
		kp->uei_map = mmap(NULL, kp->uei_map_len, PROT_READ, MAP_SHARED, bpf_map__fd(in), 0);
		if (kp->uei_map == MAP_FAILED)
			kp->uei_map = NULL;
		else
			kp->uei = (struct kpolicy_exit *)((char *)kp->uei_map + off);
	}
	kpolicy_dump__map(kp);
	return 0;
}

int kpolicy__read_u64(const struct kpolicy *kp, const char *name, uint64_t *v)
{
	struct bpf_map *in;
	size_t size, off;
	char *buf;
	int zero = 0, ret = -1;

	if (!kp->obj || !kobj__find_var_in(kp->obj, name, &size, NULL, &in, &off) || size != sizeof(*v))
		return -1;
	buf = calloc(1, bpf_map__value_size(in));
	if (buf && !bpf_map_lookup_elem(bpf_map__fd(in), &zero, buf)) {
		memcpy(v, buf + off, sizeof(*v));
		ret = 0;
	}
	free(buf);
	return ret;
}

/* The profile's syscall programs of one phase; 0, or 1 with the message on stderr. */
static int run_profile_programs(struct kpolicy *kp, bool after_attach)
{
	char err[1280];

	if (!kprofile__current() || !kprofile__run_syscalls(kprofile__current(), kp->obj, after_attach, err, sizeof(err)))
		return 0;
	fprintf(stderr, "scxlab load: --loader: %s\n", err);
	return 1;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The number of tasks (threads) the kernel has, from /proc/loadavg's "running/total"; -1. */
static int kernel_task_count(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	int running, total = -1;

	if (f && fscanf(f, "%*s %*s %*s %d/%d", &running, &total) != 2)
		total = -1;
	if (f)
		fclose(f);
	return total;
}

int kpolicy__attach(struct kpolicy *kp)
{
	uint64_t t0;

	if (run_profile_programs(kp, false))
		return 1;
	kp->tasks_at_attach = kernel_task_count();
	t0 = monotonic_ns();
	kp->link = bpf_map__attach_struct_ops(kp->ops);
	kp->attach_call_ns = monotonic_ns() - t0;
	if (libbpf_get_error(kp->link)) {
		kp->link = NULL;
		fprintf(stderr, "scxlab load: %s: attach failed: %s\n%s", kp->path, strerror(errno),
			kpolicy__libbpf_log());
		return 1;
	}
	return run_profile_programs(kp, true);
}

bool kpolicy__exited(const struct kpolicy *kp)
{
	return kp->uei && __atomic_load_n(&kp->uei->kind, __ATOMIC_SEQ_CST);
}

void kpolicy__detach(struct kpolicy *kp)
{
	if (kp->link)
		bpf_link__destroy(kp->link);
	kp->link = NULL;
}

void kpolicy__print_exit(const struct kpolicy *kp, FILE *f)
{
	if (!kpolicy__exited(kp))
		return;
	fprintf(f, "EXIT: %.128s", kp->uei->reason);
	if (kp->uei->msg[0])
		fprintf(f, " (%.1024s)", kp->uei->msg);
	if (kp->uei->exit_code)
		fprintf(f, " exit code %lld", (long long)kp->uei->exit_code);
	fputc('\n', f);
}

void kpolicy__close(struct kpolicy *kp)
{
	kpolicy__detach(kp);
	if (kp->uei_map)
		munmap(kp->uei_map, kp->uei_map_len);
	kpolicy_dump__unmap(kp);
	if (kp->obj)
		bpf_object__close(kp->obj);
	kpolicy_stats__free(kp);
	kp->obj = NULL;
	kp->uei = NULL;
	kp->uei_map = NULL;
}

/* sched_ext_ops.name as the policy sets it (the kernel's messages use it), else the map's name. */
const char *kpolicy__ops_name(const struct kpolicy *kp)
{
	const struct btf *btf = kp->obj ? bpf_object__btf(kp->obj) : NULL;
	const struct btf_type *t;
	const struct btf_member *m;
	const char *data;
	size_t size;

	if (!kp->ops)
		return "";
	t = btf ? btf__type_by_id(btf, bpf_map__btf_value_type_id(kp->ops)) : NULL;
	data = bpf_map__initial_value(kp->ops, &size);
	if (!t || !data || !btf_is_struct(t))
		return bpf_map__name(kp->ops);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		size_t off = btf_member_bit_offset(t, (__u32)i) / 8;
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "name") && off < size && data[off])
			return data + off;
	}
	return bpf_map__name(kp->ops);
}

void ksys__state(char *buf, size_t len)
{
	FILE *f = fopen("/sys/kernel/sched_ext/state", "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}
