/*
 * Loader profiles (`--loader FILE`): what a scheduler's own user-space loader sets before and
 * after it attaches the scheduler, written down once and applied by scxlab in the same order a
 * libbpf loader applies it: rodata and other globals, struct_ops fields and flags, NULL-ed
 * callbacks, map sizes, then load, SEC("syscall") programs marked before-attach, attach, and
 * those marked after-attach. The format is in docs/upstream-schedulers.md.
 */
#ifndef HARNESS_LOADER_PROFILE_H
#define HARNESS_LOADER_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_policy;
struct sim;

enum profile_item_kind {
	PI_GLOBAL,      /* rodata/data/bss NAME = VALUE */
	PI_OPS_FIELD,   /* ops FIELD = VALUE (flags, timeout_ms, exit_dump_len, dispatch_max_batch) */
	PI_OPS_NULL,    /* ops CALLBACK = null */
	PI_MAP_ENTRIES, /* map_entries MAP = N */
	PI_SYSCALL,     /* syscall PROG WHEN MODE [TYPE:VALUE ...] */
	PI_ATTACH_AT,   /* attach-at TIME: the workload runs on fair until then */
};

enum syscall_mode { SM_ONCE, SM_PER_CPU, SM_ON_CPU };

#define PROFILE_MAX_ARGS 8

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

/* Parse @path. 0, or -1 with "FILE:LINE: what" in @err. */
int loader_profile__parse(struct loader_profile *lp, const char *path, char *err, size_t errlen);
void loader_profile__free(struct loader_profile *lp);
/* When the loader attaches (`attach-at TIME`, the last one wins): 0 for at the start. */
uint64_t loader_profile__attach_at(const struct loader_profile *lp);
/*
 * Add one setting, line @line of @path (for errors), to @lp: how a file that embeds profile
 * lines among its own (the selftests table) reuses this parser. 0, or -1 with FILE:LINE.
 */
int loader_profile__add_line(struct loader_profile *lp, const char *path, int line, char *text, char *err,
			     size_t errlen);

/* Before load: globals, struct_ops fields/flags/NULLs, map sizes. -1 with FILE:LINE in @err. */
int loader_profile__apply_open(const struct loader_profile *lp, struct sim_policy *pol, char *err,
			       size_t errlen);
/* The syscall programs of one phase (before or after attach), in file order. */
int loader_profile__run_syscalls(const struct loader_profile *lp, struct sim_policy *pol, struct sim *sim,
				 bool after_attach, char *err, size_t errlen);

#endif
