/*
 * The BPF runtime a simulated policy runs on: maps, helpers and generic kfuncs, implemented
 * in plain C with the kernel's semantics (return codes, per-CPU views, RCU lifetime of
 * deleted elements). This header is the simulator-side interface (the loader creates maps
 * and binds them to the policy's map globals); policies see the BPF API through sim/shim.
 *
 * Binding: every map global of a policy (`struct {...} name SEC(".maps")`) is at least one
 * pointer wide; the loader stores the runtime map's address in its first word, so a helper
 * given `&name` finds its map in one load.
 */
#ifndef SIM_BPF_BPF_RUNTIME_H
#define SIM_BPF_BPF_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct task_struct;
struct sim;

struct sim_bpf_map;

/*
 * A special field of a map value, what the kernel's btf_record lists: an update never copies
 * it from the new value (the kernel's copy_map_value() skips it), and an update or delete
 * that replaces the value frees it (bpf_obj_free_fields(): a referenced kptr is released and
 * cleared, a timer cancelled and cleared).
 */
enum sim_bpf_field_kind {
	SIM_BPF_FIELD_KPTR_CPUMASK, /* struct bpf_cpumask __kptr *: released with bpf_cpumask_release */
	SIM_BPF_FIELD_KPTR,         /* struct task_struct / cgroup __kptr *: cleared (tasks and
				     * cgroups outlive every reference in the simulator) */
	SIM_BPF_FIELD_TIMER,        /* struct bpf_timer */
	SIM_BPF_FIELD_OPAQUE,       /* spin locks, graph roots and nodes, refcounts, wq: kept */
};

struct sim_bpf_field {
	uint32_t off, size;
	uint32_t kind;        /* enum sim_bpf_field_kind */
};

#define SIM_BPF_MAX_FIELDS 16

struct sim_bpf_map_def {
	const char *name;
	uint32_t type;        /* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint64_t map_extra;   /* arenas: the user address of page 0 (0: any 4 GiB-aligned one) */
	uint32_t nr_fields;   /* special fields of the value, by offset */
	struct sim_bpf_field fields[SIM_BPF_MAX_FIELDS];
};

/*
 * BPF memory accounting (mem_limit.c): what the policy's maps, objects and arena pages take,
 * against a limit (default SIM_BPF_MEM_LIMIT_DFL); charges past it fail with -ENOMEM.
 */
#define SIM_BPF_MEM_LIMIT_DFL (1ULL << 30) /* 1 GiB */
struct sim_bpf_mem_stats {
	uint64_t limit;
	uint64_t used;
	uint64_t peak;
	uint64_t refused;      /* charges refused (map creations, updates, allocations) */
};
void sim_bpf_mem__set_limit(uint64_t bytes);
int sim_bpf_mem__charge(uint64_t bytes);
void sim_bpf_mem__uncharge(uint64_t bytes);
const struct sim_bpf_mem_stats *sim_bpf_mem__stats(void);

/* Map types the runtime implements (others are refused at load with a clear error). */
bool sim_bpf_map__type_supported(uint32_t type);
const char *sim_bpf_map__type_name(uint32_t type);

/* Create a map; @nr_cpus sizes per-CPU maps. NULL with a message in @err on bad input. */
struct sim_bpf_map *sim_bpf_map__new(const struct sim_bpf_map_def *def, int nr_cpus,
				     char *err, size_t errlen);
void sim_bpf_map__free(struct sim_bpf_map *map);
/* Store @map in the policy's map global at @global (its first word). */
void sim_bpf_map__bind(struct sim_bpf_map *map, void *global);
struct sim_bpf_map *sim_bpf_map__from_global(void *global);
const struct sim_bpf_map_def *sim_bpf_map__def(const struct sim_bpf_map *map);

/* Userspace-side access, as libbpf's bpf_map__lookup_elem() (per-CPU maps: all CPUs' values
 * concatenated, each rounded up to 8 bytes). Return 0 or a negative errno. */
int sim_bpf_map__lookup(struct sim_bpf_map *map, const void *key, void *value, size_t value_sz);
int sim_bpf_map__update(struct sim_bpf_map *map, const void *key, const void *value,
			size_t value_sz, uint64_t flags);
/* bpf_map_delete_elem() from user space. 0 or a negative errno. */
int sim_bpf_map__delete(struct sim_bpf_map *map, const void *key);
/* Queue and stack maps from user space (bpf_map_lookup_and_delete_elem with no key, and
 * bpf_map_update_elem): pop the next value / push one. 0 or a negative errno. */
int sim_bpf_map__pop(struct sim_bpf_map *map, void *value, size_t value_sz);
int sim_bpf_map__push(struct sim_bpf_map *map, const void *value, size_t value_sz, uint64_t flags);
/* Ring buffers from user space: consume committed records of a RINGBUF in order (@cb returns
 * non-zero to stop; returns the number consumed), or produce one into a USER_RINGBUF. */
int sim_bpf_map__ringbuf_consume(struct sim_bpf_map *map,
				 int (*cb)(void *ctx, void *data, size_t size), void *ctx);
int sim_bpf_map__user_ringbuf_produce(struct sim_bpf_map *map, const void *data, size_t size);
/* Next key after @key (NULL: the first), in a deterministic order. 0, or -ENOENT at the end. */
int sim_bpf_map__next_key(struct sim_bpf_map *map, const void *key, void *next_key);

/*
 * Arena faults (arena.c), for the policy fault handler; all async-signal-safe.
 * sim_bpf_arena__fault(): an access at @addr inside a live arena's window, to a page not
 * allocated, from outside the policy's code (a kfunc) is given the arena's scratch page for
 * good, as the kernel does (true: run the instruction again).
 * sim_bpf_arena__zero_page_in(): the same from the policy's code gets a zero page at @addr's
 * page for one instruction (a load gives 0), which sim_bpf_arena__zero_page_out() takes away
 * again with what was stored (a store is dropped): the kernel's exception-table fixup.
 * sim_bpf_arena__window(): the window of the one live arena (false if none, or several).
 */
bool sim_bpf_arena__fault(uintptr_t addr);
bool sim_bpf_arena__zero_page_in(uintptr_t addr);
void sim_bpf_arena__zero_page_out(uintptr_t addr);
bool sim_bpf_arena__window(uintptr_t *window);

/* Objects a policy allocates (tracked so that unloading frees what the policy still holds). */
void *sim_bpf__obj_alloc(size_t size);
void sim_bpf__obj_free(void *obj);
/* Free @obj when the grace period ends (sim_bpf__rcu_quiesce()): what the kernel does with a
 * released bpf_cpumask, which RCU readers may still be reading. */
void sim_bpf__obj_free_rcu(void *obj);
void sim_bpf__objs_quiesce(void);
void sim_bpf__obj_free_all(void);
/* Reference counting of such objects (bpf_refcount_acquire / bpf_obj_drop). */
void *sim_bpf__obj_get(void *obj);
void sim_bpf__obj_put(void *obj);

/*
 * Format @fmt with u64 arguments by the kernel's bstr rules (bstr.c: what bpf_trace_vprintk,
 * bpf_snprintf and scx_bpf_error print; pointers print as a fixed stand-in, so output is
 * reproducible). Returns the length, or -EINVAL with a message in @err.
 */
int sim_bpf__bstr_format(char *buf, size_t len, const char *fmt, const unsigned long long *data,
			 uint32_t data_sz, char *err, size_t errlen);

/*
 * What the runtime needs from the sched_ext core that runs the policy (sim/scx registers it,
 * sim/bpf/policy_hooks.c holds it): the runtime sits below sim/scx and never calls it.
 */
struct sim_bpf_policy_hooks {
	/* run a BPF timer callback on @cpu in the context the kernel gives it (a softirq) */
	long (*run_timer_cb)(struct sim *sim, int cpu, long (*cb)(void *, void *, void *),
			     void *map, void *key, void *value);
	/* whether the policy code running now runs with interrupts disabled */
	bool (*irqs_disabled)(const struct sim *sim);
	/* @cpu's idle task, what `current` is on an idle CPU */
	struct task_struct *(*idle_task)(struct sim *sim, int cpu);
	/* end the policy with an error exit, message in bstr form (bpf_throw) */
	void (*error_bstr)(char *fmt, unsigned long long *data, uint32_t data_sz);
};
void sim_bpf__register_policy_hooks(const struct sim_bpf_policy_hooks *hooks);
/* The registered table (never NULL: an empty one until sim/scx registers). */
extern const struct sim_bpf_policy_hooks *sim_bpf_policy_hooks;

/* @sim is being freed: its timers can no longer be queued or cancelled. */
void sim_bpf__sim_freed(struct sim *sim);
/* Free every BPF timer (a policy is unloaded). */
void sim_bpf__timers_free(void);

/* The emulated kernel's version (KERNEL_VERSION code) for the current simulation. */
uint32_t sim_bpf__kernel_version(void);

/* A task is gone: drop its task-local storage in every map. */
void sim_bpf__task_free(struct task_struct *p);
/* A grace period ended (no policy code on the stack): free what RCU readers could still see. */
void sim_bpf__rcu_quiesce(void);
/* Map elements and objects waiting for the grace period (0: a quiesce would do nothing). */
extern unsigned long sim_bpf__rcu_deferred;
/* The CPU whose policy code is executing (0 outside callbacks, as a loader thread's view). */
int sim_bpf__this_cpu(void);

/*
 * Kernel configuration values (sim/bpf/kconfig.c): each integer one is 8 bytes, so a policy's
 * `extern <any integer type> CONFIG_X __kconfig` reads it whatever type it declares.
 */
typedef uint64_t sim_kconfig_t __attribute__((aligned(8)));
extern sim_kconfig_t LINUX_KERNEL_VERSION;
extern const char CONFIG_CC_VERSION_TEXT[64];
extern const char CONFIG_LOCALVERSION[64];
extern sim_kconfig_t CONFIG_HZ, CONFIG_NR_CPUS, CONFIG_X86_64, CONFIG_SMP, CONFIG_SCHED_CLASS_EXT,
	CONFIG_EXT_GROUP_SCHED, CONFIG_SCHED_SMT, CONFIG_SCHED_MC, CONFIG_NUMA, CONFIG_NO_HZ_IDLE,
	CONFIG_NO_HZ_FULL, CONFIG_PREEMPT_RCU, CONFIG_PREEMPT_RT, CONFIG_PREEMPT_DYNAMIC,
	CONFIG_CGROUP_SCHED, CONFIG_FAIR_GROUP_SCHED;

#endif
