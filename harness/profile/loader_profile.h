/*
 * Loader profiles (`--loader FILE`): what a scheduler's own user-space loader sets before and
 * after it attaches the scheduler, written down once and applied by scxlab in the same order a
 * libbpf loader applies it: the struct_ops map chosen, rodata and other globals, struct_ops
 * fields and flags, NULL-ed callbacks, map sizes, then load, map values and SEC("syscall")
 * programs marked before-attach (in file order), attach, and those marked after-attach. The format is in docs/upstream-schedulers.md.
 *
 * This file is the one parser of both worlds: the simulator applies a profile through
 * harness/loader_profile_sim.c, scxlab-kload through libbpf (harness/kload/kprofile.c).
 */
#ifndef HARNESS_LOADER_PROFILE_H
#define HARNESS_LOADER_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The sched_ext_ops callbacks a profile may set to null (`ops CALLBACK = null`). */
#define LOADER_PROFILE_OPS_CALLBACKS(X)                                                        \
	X(select_cpu) X(enqueue) X(dequeue) X(dispatch) X(tick) X(runnable) X(running)           \
	X(stopping) X(quiescent) X(yield) X(core_sched_before) X(set_weight) X(set_cpumask)      \
	X(update_idle) X(cpu_acquire) X(cpu_release) X(init_task) X(exit_task) X(enable)         \
	X(disable) X(dump) X(dump_cpu) X(dump_task) X(cgroup_init) X(cgroup_exit)                \
	X(cgroup_prep_move) X(cgroup_move) X(cgroup_cancel_move) X(cgroup_set_weight)            \
	X(cgroup_set_bandwidth) X(cgroup_set_idle) X(cpu_online) X(cpu_offline) X(init) X(exit)

/*
 * The `ops flags` names: the kernel's enum scx_ops_flags (ABI values; the simulator checks at
 * compile time that its emulated kernel has the same ones).
 */
#define LOADER_PROFILE_OPS_FLAGS(X)                                                            \
	X(SCX_OPS_KEEP_BUILTIN_IDLE, 1ULL << 0) X(SCX_OPS_ENQ_LAST, 1ULL << 1)                   \
	X(SCX_OPS_ENQ_EXITING, 1ULL << 2) X(SCX_OPS_SWITCH_PARTIAL, 1ULL << 3)                   \
	X(SCX_OPS_ENQ_MIGRATION_DISABLED, 1ULL << 4) X(SCX_OPS_ALLOW_QUEUED_WAKEUP, 1ULL << 5)   \
	X(SCX_OPS_BUILTIN_IDLE_PER_NODE, 1ULL << 6) X(SCX_OPS_ALWAYS_ENQ_IMMED, 1ULL << 7)       \
	X(SCX_OPS_TID_TO_TASK, 1ULL << 8)

/* The most CPUs `on-cpu=N` may name (both worlds check N against the machine when run). */
#define LOADER_PROFILE_MAX_CPU 4096

enum profile_item_kind {
	PI_GLOBAL,      /* rodata/data/bss NAME = VALUE */
	PI_OPS_FIELD,   /* ops FIELD = VALUE (flags, timeout_ms, exit_dump_len, dispatch_max_batch) */
	PI_OPS_NULL,    /* ops CALLBACK = null (the callback's name in `name`) */
	PI_MAP_ENTRIES, /* map_entries MAP = N */
	PI_SYSCALL,     /* syscall PROG WHEN MODE [TYPE:VALUE ...] */
	PI_ATTACH_AT,   /* attach-at TIME: the workload runs on fair until then */
	PI_MAP_VALUE,   /* map MAP[KEY].path [cpu=N] = VALUE: bpf_map_update_elem after load */
	PI_STRUCT_OPS,  /* struct_ops NAME: the struct_ops map attached, of several */
};

enum syscall_mode { SM_ONCE, SM_PER_CPU, SM_ON_CPU };

/* scalar arguments of one program (an array argument counts its elements) */
#define PROFILE_MAX_ARGS 128

struct profile_item {
	enum profile_item_kind kind;
	int line;
	char name[128];
	char value[4096];
	uint64_t num;
	/* syscall programs */
	bool after_attach;
	enum syscall_mode mode;
	int on_cpu;
	/* map values: the map in `name`, the key in `num`, the path into the value after it, the
	 * CPU whose per-CPU value is written (-1: every CPU's), `value` the text or `cpu` */
	char path[256];
	int cpu;
	bool value_is_cpu;
	int nr_args;
	struct {
		uint8_t size;      /* 1, 2, 4 or 8 bytes */
		bool is_cpu;       /* the value is the CPU the program runs for */
		uint64_t value;
	} args[PROFILE_MAX_ARGS];
};

struct loader_profile {
	char path[1024];
	struct profile_item *items;
	int nr_items;
	int cap;
};

/* The settings a profile line starts with, for messages. */
#define LOADER_PROFILE_KEYWORDS "rodata, data, bss, ops, map_entries, map, struct_ops, syscall, attach-at"
/* @kw starts a profile line (one of LOADER_PROFILE_KEYWORDS). */
bool loader_profile__is_keyword(const char *kw);

/* Parse @path. 0, or -1 with "FILE:LINE: what" in @err. */
int loader_profile__parse(struct loader_profile *lp, const char *path, char *err, size_t errlen);
void loader_profile__free(struct loader_profile *lp);
/* The struct_ops map the profile chooses (`struct_ops NAME`, the last one wins), or NULL. */
const struct profile_item *loader_profile__struct_ops(const struct loader_profile *lp);
/* When the loader attaches (`attach-at TIME`, the last one wins): 0 for at the start. */
uint64_t loader_profile__attach_at(const struct loader_profile *lp);
/*
 * Add one setting, line @line of @path (for errors), to @lp: how a file that embeds profile
 * lines among its own (the selftests table) reuses this parser. 0, or -1 with FILE:LINE.
 */
int loader_profile__add_line(struct loader_profile *lp, const char *path, int line, char *text, char *err,
			     size_t errlen);
/* @lp as profile text again (what a parsed profile says, one setting a line): 0, or -1. */
int loader_profile__write(const struct loader_profile *lp, FILE *f);

/*
 * A syscall program's context: its arguments packed at their natural alignment (little-endian),
 * `cpu` arguments set to @cpu. The number of bytes used.
 */
size_t loader_profile__pack_args(const struct profile_item *it, int cpu, unsigned char *ctx, size_t len);

#endif
