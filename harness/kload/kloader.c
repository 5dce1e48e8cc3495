/*
 * The generic kernel-side loader (see kloader.h).
 */
#include "harness/kload/kloader.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

/* libbpf's messages (the verifier log among them) go to stderr only when loading fails. */
static char *log_buf;
static size_t log_len, log_cap;

static int collect(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[4096];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (level == LIBBPF_DEBUG || n <= 0)
		return 0;
	if (log_len + (size_t)n + 1 > log_cap) {
		size_t cap = (log_cap ? log_cap * 2 : 65536) + (size_t)n;
		char *b = realloc(log_buf, cap);
		if (!b)
			return 0;
		log_buf = b;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	log_len += (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	log_buf[log_len] = 0;
	return 0;
}

/* The global @name of the object: its section map, offset and size, from the BTF datasecs. */
static void *find_var(struct bpf_object *obj, const char *name, size_t *size, size_t *elem)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;

	if (!btf)
		return NULL;
	bpf_object__for_each_map(map, obj) {
		const char *mn = bpf_map__name(map), *sec = strchr(mn, '.');
		int id;
		const struct btf_type *t;
		const struct btf_var_secinfo *vs;
		size_t msz;
		void *data;

		if (!sec)
			continue;
		id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
		if (id < 0)
			continue;
		t = btf__type_by_id(btf, (__u32)id);
		vs = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);
			if (strcmp(btf__name_by_offset(btf, v->name_off), name))
				continue;
			data = bpf_map__initial_value(map, &msz);
			if (!data || vs->offset + vs->size > msz)
				return NULL;
			*size = vs->size;
			if (elem) {
				/* an array's element size, else the variable's own */
				__u32 tid = btf__resolve_type(btf, v->type);
				const struct btf_type *vt = btf__type_by_id(btf, tid);
				*elem = vs->size;
				if (vt && btf_is_array(vt))
					*elem = (size_t)btf__resolve_size(btf, btf_array(vt)->type);
			}
			return (char *)data + vs->offset;
		}
	}
	return NULL;
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

/* NAME=v, NAME=a,b,c (array from 0) or NAME[i]=v; element size from the array length hint. */
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
	at = find_var(obj, name, &size, &elem);
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
		return set_int((char *)at + (size_t)idx * elem, elem, strtoll(eq + 1, NULL, 0));
	}
	if (strchr(eq + 1, ',')) {
		size_t n = 0;
		for (char *save = NULL, *tok = strtok_r(eq + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++)
			if ((n + 1) * elem > size || set_int((char *)at + n * elem, elem, strtoll(tok, NULL, 0)))
				return -1;
		return 0;
	}
	return set_int(at, size, strtoll(eq + 1, NULL, 0));
}

static void read_state(const char *sysfs, char *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/kernel/sched_ext/state", sysfs);
	buf[0] = 0;
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/* The policy's UEI record (struct user_exit_info: kind, exit_cpu, exit_code, reason, msg). */
struct uei_view {
	int kind;
	int32_t exit_cpu;
	int64_t exit_code;
	char reason[128];
	char msg[1024];
};

int kloader__run(const struct kloader_opts *o)
{
	struct bpf_object *obj;
	struct bpf_map *map, *ops = NULL;
	struct bpf_link *link = NULL;
	struct uei_view *uei;
	char state[64];
	size_t sz;
	int ret = 1;

	if (!getenv("SCXLAB_LIBBPF_STDERR"))
		libbpf_set_print(collect);
	obj = bpf_object__open_file(o->path, NULL);
	if (libbpf_get_error(obj)) {
		fprintf(stderr, "scxlab load: %s: cannot open: %s\n%s", o->path, strerror(errno), log_buf ? log_buf : "");
		return 1;
	}
	bpf_object__for_each_map(map, obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			ops = map;
	if (!ops) {
		fprintf(stderr, "scxlab load: %s: no struct_ops map\n", o->path);
		goto out;
	}
	/* what every scx loader sets: the CPU count, and the exit-dump room */
	void *nr = find_var(obj, "nr_cpu_ids", &sz, NULL);
	if (nr)
		set_int(nr, sz, libbpf_num_possible_cpus());
	for (int i = 0; i < o->nr_knobs; i++) {
		if (set_knob(obj, o->knobs[i])) {
			fprintf(stderr, "scxlab load: --knob %s: cannot set it\n", o->knobs[i]);
			ret = 2;
			goto out;
		}
	}
	for (int i = 0; i < o->nr_map_sizes; i++) {
		char name[128], *eq;
		snprintf(name, sizeof(name), "%s", o->map_sizes[i]);
		eq = strchr(name, '=');
		if (!eq || (*eq = 0, !(map = bpf_object__find_map_by_name(obj, name))) ||
		    bpf_map__set_max_entries(map, (__u32)strtoul(eq + 1, NULL, 10))) {
			fprintf(stderr, "scxlab load: --map-entries %s: no such map\n", o->map_sizes[i]);
			ret = 2;
			goto out;
		}
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "scxlab load: %s: the kernel refused it (verifier log below)\n%s", o->path,
			log_buf ? log_buf : "");
		goto out;
	}
	if (o->verify_only) {
		printf("VERIFIED %s\n", o->path);
		ret = 0;
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	link = bpf_map__attach_struct_ops(ops);
	if (libbpf_get_error(link)) {
		link = NULL;
		fprintf(stderr, "scxlab load: %s: attach failed: %s\n%s", o->path, strerror(errno),
			log_buf ? log_buf : "");
		goto out;
	}
	read_state(o->sysfs, state, sizeof(state));
	printf("ATTACHED %s state=%s\n", bpf_map__name(ops), state);
	fflush(stdout);
	uei = find_var(obj, "uei", &sz, NULL);
	if (uei && sz < sizeof(*uei))
		uei = NULL;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop_requested) {
		usleep(50000);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (uei && __atomic_load_n(&uei->kind, __ATOMIC_SEQ_CST))
			break;
		read_state(o->sysfs, state, sizeof(state));
		if (strcmp(state, "enabled") && strcmp(state, "enabling"))
			break;
		if (o->seconds > 0 && (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 >= o->seconds)
			break;
	}
	bpf_link__destroy(link);
	link = NULL;
	if (uei && uei->kind) {
		printf("EXIT: %.128s", uei->reason);
		if (uei->msg[0])
			printf(" (%.1024s)", uei->msg);
		if (uei->exit_code)
			printf(" exit code %lld", (long long)uei->exit_code);
		putchar('\n');
	}
	read_state(o->sysfs, state, sizeof(state));
	printf("DETACHED state=%s\n", state);
	ret = 0;
out:
	if (link)
		bpf_link__destroy(link);
	bpf_object__close(obj);
	free(log_buf);
	log_buf = NULL;
	log_len = log_cap = 0;
	return ret;
}
