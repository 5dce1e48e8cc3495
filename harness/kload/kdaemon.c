/*
 * The daemon API on a real kernel (see kdaemon.h).
 */
#include "harness/kload/kdaemon.h"
#include "harness/daemon/daemon_log.h"
#include "harness/daemon/daemon_names.h"
#include "harness/daemon/scxlab_daemon.h"
#include "harness/kload/kpolicy.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct scxd {
	struct kpolicy *kp;
	void *so;
	int (*init)(struct scxd *, uint64_t *);
	void (*tick)(struct scxd *, uint64_t);
	void (*exit)(struct scxd *);
	uint64_t period, ticks, t0;
	uint64_t late_max, late_sum, cpu_ns;  /* how late its rounds ran; its thread's CPU time */
	pthread_t thread;
	pthread_mutex_t lock;
	volatile bool stop;
	bool failed;            /* an injected stall or crash: no more callbacks (under lock) */
	bool started;
	char *log;
	size_t log_len;
};

/* A map handle stands for a name (harness/daemon/daemon_names.h), and keeps its ring buffers. */
struct scxd_map {
	const char *name;
	struct ring_buffer *rb;             /* RINGBUF: made at the first drain, for rb_fd */
	struct user_ring_buffer *urb;       /* USER_RINGBUF: made at the first push, for urb_fd */
	int rb_fd, urb_fd;
	int (*cb)(void *ctx, const void *data, size_t size);  /* the current drain's callback */
	void *cb_ctx;
};

static struct daemon_names map_names;
static struct scxd_map map_handles[DAEMON_MAX_MAPS];

static struct scxd the_daemon = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *thread_fn(void *arg)
{
	struct scxd *d = arg;
	uint64_t next = d->t0 + d->period;

	while (!d->stop) {
		struct timespec ts = { .tv_sec = (time_t)(next / 1000000000ULL), .tv_nsec = (long)(next % 1000000000ULL) };
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (d->stop)
			break;
		pthread_mutex_lock(&d->lock);
		if (!d->failed && !scxd_exit_kind(d)) {
			uint64_t now = mono_ns(), late = now > next ? now - next : 0;
			if (late > d->late_max)
				d->late_max = late;
			d->late_sum += late;
			d->ticks++;
			d->tick(d, now - d->t0);
		}
		pthread_mutex_unlock(&d->lock);
		next += d->period;
	}
	struct timespec cpu;
	if (!clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu))
		d->cpu_ns = (uint64_t)cpu.tv_sec * 1000000000ULL + (uint64_t)cpu.tv_nsec;
	return NULL;
}

int kdaemon__start(const char *so, struct kpolicy *kp)
{
	struct scxd *d = &the_daemon;

	d->kp = kp;
	d->so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (!d->so) {
		fprintf(stderr, "scxlab-kload: --daemon: %s\n", dlerror());
		return -1;
	}
	d->init = (int (*)(struct scxd *, uint64_t *))dlsym(d->so, "scxd_main_init");
	d->tick = (void (*)(struct scxd *, uint64_t))dlsym(d->so, "scxd_main_tick");
	d->exit = (void (*)(struct scxd *))dlsym(d->so, "scxd_main_exit");
	if (!d->init || !d->tick) {
		fprintf(stderr, "scxlab-kload: --daemon: no scxd_main_init or scxd_main_tick in %s\n", so);
		return -1;
	}
	d->t0 = mono_ns();
	d->period = 100000000ULL;
	if (d->init(d, &d->period)) {
		fprintf(stderr, "scxlab-kload: --daemon: scxd_main_init() failed\n%s", d->log ? d->log : "");
		return -1;
	}
	if (!d->period)
		d->period = 100000000ULL;
	if (pthread_create(&d->thread, NULL, thread_fn, d)) {
		fprintf(stderr, "scxlab-kload: --daemon: cannot start its thread\n");
		return -1;
	}
	d->started = true;
	return 0;
}

void kdaemon__pause(void)
{
	if (the_daemon.started)
		pthread_mutex_lock(&the_daemon.lock);
}

void kdaemon__resume(struct kpolicy *kp)
{
	if (!the_daemon.started)
		return;
	the_daemon.kp = kp;
	pthread_mutex_unlock(&the_daemon.lock);
}

void kdaemon__fail(enum daemon_fault fault)
{
	struct scxd *d = &the_daemon;

	if (!d->started)
		return;
	pthread_mutex_lock(&d->lock);
	if (!d->failed) {
		d->failed = true;
		scxd_log(d, "%s (injected by scxlab)", daemon_fault__verb(fault));
	}
	pthread_mutex_unlock(&d->lock);
}

void kdaemon__stop(const char *log)
{
	struct scxd *d = &the_daemon;

	if (!d->started)
		return;
	d->stop = true;
	pthread_join(d->thread, NULL);
	for (int i = 0; i < map_names.nr; i++) {
		ring_buffer__free(map_handles[i].rb);
		user_ring_buffer__free(map_handles[i].urb);
		map_handles[i].rb = NULL;
		map_handles[i].urb = NULL;
	}
	if (d->exit && !d->failed)     /* a stalled or crashed daemon does not clean up */
		d->exit(d);
	FILE *f = log ? fopen(log, "w") : stderr;
	if (f) {
		fputs(d->log ? d->log : "", f);
		if (f != stderr)
			fclose(f);
	}
	d->started = false;
}

void kdaemon__report(FILE *f)
{
	if (the_daemon.so)
		fprintf(f, "daemon_period_ns %llu\ndaemon_ticks %llu\ndaemon_cpu_ns %llu\ndaemon_late_max_ns %llu\n"
			"daemon_late_mean_ns %llu\n", (unsigned long long)the_daemon.period,
			(unsigned long long)the_daemon.ticks, (unsigned long long)the_daemon.cpu_ns,
			(unsigned long long)the_daemon.late_max,
			(unsigned long long)(the_daemon.ticks ? the_daemon.late_sum / the_daemon.ticks : 0));
}

/* ---- the API ---- */

int scxd_nr_cpus(struct scxd *d)
{
	return libbpf_num_possible_cpus();
}

uint64_t scxd_now_ns(struct scxd *d)
{
	return mono_ns() - d->t0;
}

static struct bpf_map *find_map(const char *name)
{
	struct kpolicy *kp = the_daemon.kp;

	return kp && kp->obj ? bpf_object__find_map_by_name(kp->obj, name) : NULL;
}

struct scxd_map *scxd_map(struct scxd *d, const char *name)
{
	int i = find_map(name) ? daemon_names__intern(&map_names, name) : -1;

	if (i < 0)
		return NULL;
	map_handles[i].name = map_names.name[i];
	return &map_handles[i];
}

static struct bpf_map *map_of(struct scxd_map *m)
{
	return m ? find_map(m->name) : NULL;
}

static int fd_of(struct scxd_map *m)
{
	struct bpf_map *map = map_of(m);

	return map ? bpf_map__fd(map) : -1;
}

static int err_of(int rc)
{
	return rc < 0 ? -errno : rc;
}

int scxd_map_lookup(struct scxd_map *m, const void *key, void *value)
{
	return fd_of(m) < 0 ? -EINVAL : err_of(bpf_map_lookup_elem(fd_of(m), key, value));
}

int scxd_map_update(struct scxd_map *m, const void *key, const void *value, uint64_t flags)
{
	return fd_of(m) < 0 ? -EINVAL : err_of(bpf_map_update_elem(fd_of(m), key, value, flags));
}

int scxd_map_delete(struct scxd_map *m, const void *key)
{
	return fd_of(m) < 0 ? -EINVAL : err_of(bpf_map_delete_elem(fd_of(m), key));
}

int scxd_map_next_key(struct scxd_map *m, const void *key, void *next_key)
{
	return fd_of(m) < 0 ? -EINVAL : err_of(bpf_map_get_next_key(fd_of(m), key, next_key));
}

int scxd_map_push(struct scxd_map *m, const void *value)
{
	return fd_of(m) < 0 ? -EINVAL : err_of(bpf_map_update_elem(fd_of(m), NULL, value, 0));
}

int scxd_map_pop(struct scxd_map *m, void *value)
{
	return fd_of(m) < 0 ? -EINVAL : err_of(bpf_map_lookup_and_delete_elem(fd_of(m), NULL, value));
}

static int drain_one(void *ctx, void *data, size_t size)
{
	struct scxd_map *m = ctx;

	return m->cb(m->cb_ctx, data, size) ? 1 : 0;
}

int scxd_ringbuf_drain(struct scxd_map *m, int (*cb)(void *ctx, const void *data, size_t size), void *ctx)
{
	int fd = fd_of(m);

	if (fd < 0 || !cb || bpf_map__type(map_of(m)) != BPF_MAP_TYPE_RINGBUF)
		return -EINVAL;
	if (m->rb && m->rb_fd != fd) {   /* the policy was loaded again */
		ring_buffer__free(m->rb);
		m->rb = NULL;
	}
	if (!m->rb) {
		m->rb = ring_buffer__new(fd, drain_one, m, NULL);
		if (!m->rb)
			return -errno;
		m->rb_fd = fd;
	}
	m->cb = cb;
	m->cb_ctx = ctx;
	return ring_buffer__consume(m->rb);
}

int scxd_user_ringbuf_push(struct scxd_map *m, const void *data, size_t size)
{
	void *rec;

	int fd = fd_of(m);

	if (fd < 0 || bpf_map__type(map_of(m)) != BPF_MAP_TYPE_USER_RINGBUF)
		return -EINVAL;
	if (m->urb && m->urb_fd != fd) {
		user_ring_buffer__free(m->urb);
		m->urb = NULL;
	}
	if (!m->urb) {
		m->urb = user_ring_buffer__new(fd, NULL);
		if (!m->urb)
			return -errno;
		m->urb_fd = fd;
	}
	rec = user_ring_buffer__reserve(m->urb, (__u32)size);
	if (!rec)
		return errno == EAGAIN || errno == ENOSPC ? -ENOSPC : -errno;
	memcpy(rec, data, size);
	user_ring_buffer__submit(m->urb, rec);
	return 0;
}

/* The global's map and offset; its value in the kernel's copy through a lookup of key 0. */
static int global_at(struct scxd *d, const char *name, size_t size, struct bpf_map **map, size_t *off)
{
	size_t have = 0;

	if (!d->kp || !d->kp->obj || !kobj__find_var_in(d->kp->obj, name, &have, NULL, map, off))
		return -ENOENT;
	return have == size ? 0 : -EINVAL;
}

int scxd_global_read(struct scxd *d, const char *name, void *buf, size_t size)
{
	struct bpf_map *map;
	size_t off;
	int zero = 0, rc = global_at(d, name, size, &map, &off);
	char *val;

	if (rc)
		return rc;
	val = calloc(1, bpf_map__value_size(map));
	if (!val)
		return -ENOMEM;
	rc = err_of(bpf_map_lookup_elem(bpf_map__fd(map), &zero, val));
	if (!rc)
		memcpy(buf, val + off, size);
	free(val);
	return rc;
}

int scxd_global_write(struct scxd *d, const char *name, const void *buf, size_t size)
{
	struct bpf_map *map;
	size_t off;
	int rc = global_at(d, name, size, &map, &off);
	long page = sysconf(_SC_PAGESIZE);

	if (rc)
		return rc;
	/* in place through a shared mapping (the policy's .data/.bss are mmap-able; rodata is frozen) */
	size_t len = ((size_t)bpf_map__value_size(map) + (size_t)page - 1) & ~((size_t)page - 1);
	char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	if (mem == MAP_FAILED)
		return -errno;
	memcpy(mem + off, buf, size);
	munmap(mem, len);
	return 0;
}

int scxd_run_syscall(struct scxd *d, const char *prog, void *ctx, size_t ctx_size)
{
	struct bpf_program *p = d->kp && d->kp->obj ? bpf_object__find_program_by_name(d->kp->obj, prog) : NULL;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx, .ctx_size_in = (__u32)ctx_size);

	if (!p)
		return -ENOENT;
	int rc = bpf_prog_test_run_opts(bpf_program__fd(p), &opts);
	return rc ? -errno : (int)opts.retval;
}

int scxd_exit_kind(struct scxd *d)
{
	return d->kp && kpolicy__exited(d->kp) ? d->kp->uei->kind : 0;
}

void scxd_log(struct scxd *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	daemon_log__vappend(&d->log, &d->log_len, mono_ns() - d->t0, fmt, ap);
	va_end(ap);
}
