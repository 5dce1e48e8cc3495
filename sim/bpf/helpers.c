/*
 * BPF helpers as policies call them (bpf_map_lookup_elem(), bpf_ktime_get_ns(), ...), with
 * the kernel's return conventions. Time, CPU and randomness come from the simulation that is
 * current on this thread, so they are simulated time, the simulated CPU and the run's seeded
 * policy RNG: a run is reproducible whatever the policy asks for.
 */
#include "sim/bpf/map_internal.h"
#include "sim/core/sim.h"
#include "sim/shim/scxsim/helpers.h"
#include "sim/shim/scx/bpf_kfuncs.bpf.h"
#include "sim/shim/scxsim/kfuncs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sim_bpf__this_cpu(void)
{
	struct sim *sim = sim__current();

	return sim && sim->current_cpu >= 0 ? sim->current_cpu : 0;
}

static struct sim_bpf_map *map_of(void *global)
{
	return sim_bpf_map__from_global(global);
}

void *bpf_map_lookup_elem(void *map, const void *key)
{
	struct sim_bpf_map *m = map_of(map);

	void *v;

	if (!m || m->def.type == BPF_MAP_TYPE_TASK_STORAGE)
		return NULL;
	if (m->array && !m->of_maps)
		return map__array_lookup(m, key, sim_bpf__this_cpu());
	v = map__lookup(m, key, sim_bpf__this_cpu());
	if (v && m->of_maps) {
		/* a map of maps holds inner maps: the lookup gives the inner map itself */
		void *inner;
		memcpy(&inner, v, sizeof(inner));
		return inner;
	}
	return v;
}

long bpf_map_push_elem(void *map, const void *value, u64 flags)
{
	struct sim_bpf_map *m = map_of(map);

	return m ? map__push(m, value, flags) : -EINVAL;
}

long bpf_map_pop_elem(void *map, void *value)
{
	struct sim_bpf_map *m = map_of(map);

	return m ? map__pop(m, value, true) : -EINVAL;
}

long bpf_map_peek_elem(void *map, void *value)
{
	struct sim_bpf_map *m = map_of(map);

	return m ? map__pop(m, value, false) : -EINVAL;
}

void *bpf_map_lookup_percpu_elem(void *map, const void *key, u32 cpu)
{
	struct sim_bpf_map *m = map_of(map);

	if (!m || !m->percpu || cpu >= (u32)m->nr_cpus)
		return NULL;
	return map__lookup(m, key, (int)cpu);
}

long bpf_map_update_elem(void *map, const void *key, const void *value, u64 flags)
{
	struct sim_bpf_map *m = map_of(map);

	if (!m)
		return -EINVAL;
	return map__update(m, key, value, flags, m->percpu ? sim_bpf__this_cpu() : -1);
}

long bpf_map_delete_elem(void *map, const void *key)
{
	struct sim_bpf_map *m = map_of(map);

	return m ? map__delete(m, key) : -EINVAL;
}

typedef long (*map_elem_cb)(void *map, const void *key, void *value, void *ctx);

long bpf_for_each_map_elem(void *map, void *callback_fn, void *ctx, u64 flags)
{
	struct sim_bpf_map *m = map_of(map);
	map_elem_cb cb = (map_elem_cb)callback_fn;
	int cpu = sim_bpf__this_cpu();
	long n = 0;

	if (!m || flags)
		return -EINVAL;
	if (m->array) {
		for (uint32_t i = 0; i < m->def.max_entries; i++) {
			n++;
			if (cb(map, &i, map__lookup(m, &i, cpu), ctx))
				break;
		}
		return n;
	}
	for (struct hmap_elem *e = m->first, *next; e; e = next) {
		next = e->next; /* the callback may delete the element */
		n++;
		if (cb(map, e->data, map__elem_value(m, e, cpu), ctx))
			break;
	}
	return n;
}

void *bpf_task_storage_get(void *map, struct task_struct *task, void *value, u64 flags)
{
	struct sim_bpf_map *m = map_of(map);

	if (!m || !task || m->def.type != BPF_MAP_TYPE_TASK_STORAGE)
		return NULL;
	return sim_bpf__task_storage(m, task, value, flags & BPF_LOCAL_STORAGE_GET_F_CREATE);
}

long bpf_task_storage_delete(void *map, struct task_struct *task)
{
	struct sim_bpf_map *m = map_of(map);

	if (!m || !task || m->def.type != BPF_MAP_TYPE_TASK_STORAGE)
		return -EINVAL;
	return map__local_storage_delete(m, task);
}

u64 bpf_ktime_get_ns(void)
{
	struct sim *sim = sim__current();

	return sim ? sim__ktime(sim) : 0;
}

u64 bpf_ktime_get_boot_ns(void)
{
	return bpf_ktime_get_ns();
}

u32 bpf_get_smp_processor_id(void)
{
	return (u32)sim_bpf__this_cpu();
}

u32 bpf_get_numa_node_id(void)
{
	struct sim *sim = sim__current();

	return sim ? (u32)sim->topo.cpu[sim_bpf__this_cpu()].node : 0;
}

u32 bpf_get_prandom_u32(void)
{
	struct sim *sim = sim__current();

	return sim ? (u32)sim_rng__next(&sim->rng_policy) : 0;
}

struct task_struct *bpf_get_current_task_btf(void)
{
	struct sim *sim = sim__current();
	int cpu = sim_bpf__this_cpu();

	if (!sim)
		return NULL;
	/* never NULL in the kernel: an idle CPU's current is its idle task */
	if (sim->cpus[cpu].curr)
		return &sim->cpus[cpu].curr->ts;
	return sim_bpf_policy_hooks->idle_task ? sim_bpf_policy_hooks->idle_task(sim, cpu) : NULL;
}

u64 bpf_get_current_task(void)
{
	return (u64)(uintptr_t)bpf_get_current_task_btf();
}

u64 bpf_get_current_pid_tgid(void)
{
	struct task_struct *p = bpf_get_current_task_btf();

	return p ? (u64)p->tgid << 32 | (u32)p->pid : 0;
}

long bpf_get_current_comm(void *buf, u32 size)
{
	struct task_struct *p = bpf_get_current_task_btf();

	if (!size)
		return -EINVAL;
	snprintf(buf, size, "%s", p ? p->comm : "swapper");
	return 0;
}

long bpf_probe_read_kernel(void *dst, u32 size, const void *src)
{
	if (!src) {
		memset(dst, 0, size);
		return -EFAULT;
	}
	memcpy(dst, src, size);
	return 0;
}

long bpf_probe_read_kernel_str(void *dst, u32 size, const void *src)
{
	size_t n;

	if (!size)
		return 0;
	if (!src) {
		memset(dst, 0, size);
		return -EFAULT;
	}
	n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	((char *)dst)[n] = 0;
	return (long)n + 1;
}

long bpf_probe_read(void *dst, u32 size, const void *src)
{
	return bpf_probe_read_kernel(dst, size, src);
}

long bpf_probe_read_str(void *dst, u32 size, const void *src)
{
	return bpf_probe_read_kernel_str(dst, size, src);
}

/* bpf_printk(): one line in the run's trace log (the kernel's trace_pipe). */
long bpf_trace_printk(const char *fmt, u32 fmt_size, ...)
{
	struct sim *sim = sim__current();
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt_size);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && line[n < (int)sizeof(line) ? n - 1 : (int)sizeof(line) - 2] == '\n')
		line[n < (int)sizeof(line) ? n - 1 : (int)sizeof(line) - 2] = 0;
	if (sim)
		sim__klog(sim, "bpf_trace_printk: %s", line);
	return n;
}

long bpf_trace_vprintk(const char *fmt, u32 fmt_size, const void *data, u32 data_len)
{
	struct sim *sim = sim__current();
	char line[512], err[128];
	int n;

	if (data_len % 8 || !fmt_size)
		return -EINVAL;
	n = sim_bpf__bstr_format(line, sizeof(line), fmt, data, data_len, err, sizeof(err));
	if (n < 0)
		return -EINVAL;
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = 0;
	if (sim)
		sim__klog(sim, "bpf_trace_printk: %s", line);
	return n;
}

typedef long (*loop_cb)(u64 index, void *ctx);

long bpf_loop(u32 nr_loops, void *callback_fn, void *ctx, u64 flags)
{
	loop_cb cb = (loop_cb)callback_fn;
	u32 i;

	if (flags || nr_loops > (1u << 23))
		return -E2BIG;
	for (i = 0; i < nr_loops; i++)
		if (cb(i, ctx))
			return (long)i + 1;
	return (long)i;
}

/* One thread runs a simulation: locks only mark the critical sections. */
long bpf_spin_lock(struct bpf_spin_lock *lock)
{
	lock->val = 1;
	return 0;
}

long bpf_spin_unlock(struct bpf_spin_lock *lock)
{
	lock->val = 0;
	return 0;
}

void *bpf_kptr_xchg(void *dst, void *ptr)
{
	void *old;

	memcpy(&old, dst, sizeof(old));
	memcpy(dst, &ptr, sizeof(ptr));
	return old;
}

/* Per-CPU kernel variables are not emulated: no address is valid. */
void *bpf_per_cpu_ptr(const void *ptr, u32 cpu)
{
	return NULL;
}

void *bpf_this_cpu_ptr(const void *ptr)
{
	return NULL;
}

/* Resilient spin locks (7.x): never contended or deadlocked with one thread. */
int bpf_res_spin_lock(struct bpf_res_spin_lock *lock)
{
	lock->val = 1;
	return 0;
}

void bpf_res_spin_unlock(struct bpf_res_spin_lock *lock)
{
	lock->val = 0;
}

/*
 * bpf_throw() (bpf_assert and friends, bpf_experimental.h). The kernel unwinds the program and
 * returns the cookie from it; C cannot unwind a callback, so the simulator ends the policy
 * with an error exit naming the cookie instead (docs/limits.md).
 */
void scxsim_bpf_throw(u64 cookie);
void scxsim_bpf_throw(u64 cookie)
{
	unsigned long long data[1] = { cookie };
	static char fmt[] = "bpf_throw(%llu): a BPF assertion failed";

	if (sim_bpf_policy_hooks->error_bstr)
		sim_bpf_policy_hooks->error_bstr(fmt, data, sizeof(data));
}

/* bpf_strncmp(): @s1 (at most @s1_sz bytes) against the NUL-terminated @s2, as strncmp. */
long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2)
{
	if (!s1 || !s2)
		return -EFAULT;
	for (u32 i = 0; i < s1_sz; i++) {
		unsigned char a = (unsigned char)s1[i], b = (unsigned char)s2[i];

		if (a != b)
			return a < b ? -1 : 1;
		if (!a)
			return 0;
	}
	return 0;
}

/* bpf_jiffies64(): ticks of the emulated kernel's HZ since boot. */
u64 bpf_jiffies64(void)
{
	return bpf_ktime_get_ns() / (1000000000ULL / SIM_HZ);
}

/*
 * bpf_snprintf(): the kernel's bstr rules (each argument one u64 of @data). Returns the length
 * of the whole formatted string with its NUL (more than @str_size when cut short), or -EINVAL
 * for a format the kernel refuses.
 */
long bpf_snprintf(char *str, u32 str_size, const char *fmt, u64 *data, u32 data_len)
{
	char buf[1024], err[128];
	int n;

	if (!fmt || (data_len % 8) || (data_len && !data))
		return -EINVAL;
	n = sim_bpf__bstr_format(buf, sizeof(buf), fmt, (const unsigned long long *)data, data_len, err,
				 sizeof(err));
	if (n < 0)
		return -EINVAL;
	if (str && str_size) {
		size_t len = strlen(buf);

		if (len >= str_size)
			len = str_size - 1;
		memcpy(str, buf, len);
		str[len] = 0;
	}
	return (long)strlen(buf) + 1;
}

/*
 * bpf_seq_write() and bpf_seq_printf() exist only inside iterator programs, which write to the
 * seq file of the reader that started them. The simulator has no such reader and runs no
 * iterator program, so there is never a seq file to write to.
 */
long bpf_seq_write(struct seq_file *m, const void *data, u32 len)
{
	(void)m, (void)data, (void)len;
	return -EOPNOTSUPP;
}

long bpf_seq_printf(struct seq_file *m, const char *fmt, u32 fmt_size, const void *data, u32 data_len)
{
	(void)m, (void)fmt, (void)fmt_size, (void)data, (void)data_len;
	return -EOPNOTSUPP;
}
