/*
 * Loader profiles: parsing and applying them in the simulator (see loader_profile.h).
 */
#include "harness/run/loader_profile.h"
#include "harness/util/line_text.h"
#include "harness/util/options.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/shim/vmlinux.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPS_CB(name) { #name, offsetof(struct sched_ext_ops, name) }
static const struct {
	const char *name;
	size_t off;
} ops_callbacks[] = {
	OPS_CB(select_cpu), OPS_CB(enqueue), OPS_CB(dequeue), OPS_CB(dispatch), OPS_CB(tick),
	OPS_CB(runnable), OPS_CB(running), OPS_CB(stopping), OPS_CB(quiescent), OPS_CB(yield),
	OPS_CB(core_sched_before), OPS_CB(set_weight), OPS_CB(set_cpumask), OPS_CB(update_idle),
	OPS_CB(cpu_acquire), OPS_CB(cpu_release), OPS_CB(init_task), OPS_CB(exit_task),
	OPS_CB(enable), OPS_CB(disable), OPS_CB(dump), OPS_CB(dump_cpu), OPS_CB(dump_task),
	OPS_CB(cgroup_init), OPS_CB(cgroup_exit), OPS_CB(cgroup_prep_move), OPS_CB(cgroup_move),
	OPS_CB(cgroup_cancel_move), OPS_CB(cgroup_set_weight), OPS_CB(cgroup_set_bandwidth),
	OPS_CB(cgroup_set_idle), OPS_CB(cpu_online), OPS_CB(cpu_offline), OPS_CB(init),
	OPS_CB(exit),
};

static const struct {
	const char *name;
	uint64_t bit;
} ops_flags[] = {
	{ "SCX_OPS_KEEP_BUILTIN_IDLE", SCX_OPS_KEEP_BUILTIN_IDLE },
	{ "SCX_OPS_ENQ_LAST", SCX_OPS_ENQ_LAST },
	{ "SCX_OPS_ENQ_EXITING", SCX_OPS_ENQ_EXITING },
	{ "SCX_OPS_SWITCH_PARTIAL", SCX_OPS_SWITCH_PARTIAL },
	{ "SCX_OPS_ENQ_MIGRATION_DISABLED", SCX_OPS_ENQ_MIGRATION_DISABLED },
	{ "SCX_OPS_ALLOW_QUEUED_WAKEUP", SCX_OPS_ALLOW_QUEUED_WAKEUP },
	{ "SCX_OPS_BUILTIN_IDLE_PER_NODE", SCX_OPS_BUILTIN_IDLE_PER_NODE },
	{ "SCX_OPS_ALWAYS_ENQ_IMMED", SCX_OPS_ALWAYS_ENQ_IMMED },
	{ "SCX_OPS_TID_TO_TASK", SCX_OPS_TID_TO_TASK },
};

/* A whole unsigned 64-bit number (decimal, 0x hex, or negative for two's complement). */
static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	if (*s == '-') {
		long long x = strtoll(s, &end, 0);
		*v = (uint64_t)x;
	} else {
		*v = strtoull(s, &end, 0);
	}
	return !errno && end != s && !*end;
}

static int parse_flags(const char *text, uint64_t *out, const char *path, int line, char *err,
		       size_t errlen)
{
	char buf[1024], *save = NULL;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		char *t = line_text__trim(tok);
		uint64_t v;
		bool found = false;

		for (size_t i = 0; i < sizeof(ops_flags) / sizeof(ops_flags[0]); i++)
			if (!strcmp(t, ops_flags[i].name)) {
				*out |= ops_flags[i].bit;
				found = true;
			}
		if (found)
			continue;
		if (!parse_u64(t, &v))
			return line_text__fail(err, errlen, path, line, "ops flags: unknown flag '%s'", t);
		*out |= v;
	}
	return 0;
}

static int parse_arg(struct profile_item *it, const char *tok, const char *path, int line, char *err,
		     size_t errlen)
{
	static const struct { const char *name; uint8_t size; } types[] = {
		{ "s8", 1 }, { "u8", 1 }, { "s16", 2 }, { "u16", 2 }, { "s32", 4 }, { "u32", 4 },
		{ "s64", 8 }, { "u64", 8 },
	};
	const char *colon = strchr(tok, ':');
	size_t tl = colon ? (size_t)(colon - tok) : 0;

	if (it->nr_args == PROFILE_MAX_ARGS)
		return line_text__fail(err, errlen, path, line, "syscall %s: at most %d arguments", it->name,
			    PROFILE_MAX_ARGS);
	if (!colon)
		return line_text__fail(err, errlen, path, line, "syscall %s: argument '%s' is not TYPE:VALUE", it->name, tok);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strlen(types[i].name) != tl || strncmp(tok, types[i].name, tl))
			continue;
		it->args[it->nr_args].size = types[i].size;
		if (!strcmp(colon + 1, "cpu"))
			it->args[it->nr_args].is_cpu = true;
		else if (!parse_u64(colon + 1, &it->args[it->nr_args].value))
			return line_text__fail(err, errlen, path, line, "syscall %s: '%s' is not a number or 'cpu'",
				    it->name, colon + 1);
		it->nr_args++;
		return 0;
	}
	return line_text__fail(err, errlen, path, line, "syscall %s: unknown argument type '%.*s' (s8..u64)", it->name,
		    (int)tl, tok);
}

static int parse_syscall(struct profile_item *it, char *rest, const char *path, int line, char *err,
			 size_t errlen)
{
	char *save = NULL, *tok = strtok_r(rest, " \t", &save);
	int field = 0;

	it->kind = PI_SYSCALL;
	for (; tok; tok = strtok_r(NULL, " \t", &save), field++) {
		if (field == 0) {
			snprintf(it->name, sizeof(it->name), "%s", tok);
		} else if (field == 1) {
			if (!strcmp(tok, "before-attach"))
				it->after_attach = false;
			else if (!strcmp(tok, "after-attach"))
				it->after_attach = true;
			else
				return line_text__fail(err, errlen, path, line,
					    "syscall %s: expected before-attach or after-attach, got '%s'", it->name, tok);
		} else if (field == 2) {
			uint64_t c;
			if (!strcmp(tok, "once"))
				it->mode = SM_ONCE;
			else if (!strcmp(tok, "per-cpu"))
				it->mode = SM_PER_CPU;
			else if (!strncmp(tok, "on-cpu=", 7) && parse_u64(tok + 7, &c) && c < NR_CPUS) {
				it->mode = SM_ON_CPU;
				it->on_cpu = (int)c;
			} else
				return line_text__fail(err, errlen, path, line,
					    "syscall %s: expected once, per-cpu or on-cpu=N, got '%s'", it->name, tok);
		} else if (parse_arg(it, tok, path, line, err, errlen)) {
			return -1;
		}
	}
	if (field < 3)
		return line_text__fail(err, errlen, path, line, "syscall: expected 'syscall PROG WHEN MODE [TYPE:VALUE ...]'");
	return 0;
}

/* "NAME = VALUE" after the keyword. */
static int split_assign(char *rest, char **name, char **value, const char *path, int line, char *err,
			size_t errlen, const char *kw)
{
	char *eq = strchr(rest, '=');

	if (!eq)
		return line_text__fail(err, errlen, path, line, "%s: expected '%s NAME = VALUE'", kw, kw);
	*eq = 0;
	*name = line_text__trim(rest);
	*value = line_text__trim(eq + 1);
	if (!**name || !**value)
		return line_text__fail(err, errlen, path, line, "%s: expected '%s NAME = VALUE'", kw, kw);
	return 0;
}

static int parse_line(struct profile_item *it, char *s, const char *path, int line, char *err,
		      size_t errlen)
{
	char *sp = s + strcspn(s, " \t"), *name = NULL, *value = NULL;
	char kw[32];

	snprintf(kw, sizeof(kw), "%.*s", (int)(sp - s), s);
	s = line_text__trim(sp);
	it->line = line;
	if (!strcmp(kw, "syscall"))
		return parse_syscall(it, s, path, line, err, errlen);
	if (!strcmp(kw, "attach-at")) {
		char e[256];

		it->kind = PI_ATTACH_AT;
		if (!*s || strpbrk(s, " \t") || opt__parse_duration("attach-at", s, &it->num, e, sizeof(e)))
			return line_text__fail(err, errlen, path, line, "attach-at: expected one time (50ms, 1s)");
		return 0;
	}
	if (strcmp(kw, "rodata") && strcmp(kw, "data") && strcmp(kw, "bss") && strcmp(kw, "ops") &&
	    strcmp(kw, "map_entries"))
		return line_text__fail(err, errlen, path, line,
			    "unknown setting '%s' (rodata, data, bss, ops, map_entries, syscall, attach-at)", kw);
	if (split_assign(s, &name, &value, path, line, err, errlen, kw))
		return -1;
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->value, sizeof(it->value), "%s", value);
	if (!strcmp(kw, "map_entries")) {
		it->kind = PI_MAP_ENTRIES;
		if (!parse_u64(value, &it->num) || !it->num || it->num > UINT32_MAX)
			return line_text__fail(err, errlen, path, line, "map_entries %s: '%s' is not a size from 1 to 2^32-1",
				    name, value);
		return 0;
	}
	if (strcmp(kw, "ops")) {
		it->kind = PI_GLOBAL;
		return 0;
	}
	if (!strcmp(value, "null")) {
		it->kind = PI_OPS_NULL;
		for (size_t i = 0; i < sizeof(ops_callbacks) / sizeof(ops_callbacks[0]); i++)
			if (!strcmp(name, ops_callbacks[i].name)) {
				it->num = ops_callbacks[i].off;
				return 0;
			}
		return line_text__fail(err, errlen, path, line, "ops %s: not a sched_ext_ops callback", name);
	}
	it->kind = PI_OPS_FIELD;
	if (!strcmp(name, "flags"))
		return parse_flags(value, &it->num, path, line, err, errlen);
	if (strcmp(name, "timeout_ms") && strcmp(name, "exit_dump_len") && strcmp(name, "dispatch_max_batch"))
		return line_text__fail(err, errlen, path, line,
			    "ops %s: unknown field (flags, timeout_ms, exit_dump_len, dispatch_max_batch, or a "
			    "callback = null)", name);
	if (!parse_u64(value, &it->num) || it->num > UINT32_MAX)
		return line_text__fail(err, errlen, path, line, "ops %s: '%s' is not a 32-bit unsigned number", name, value);
	return 0;
}

int loader_profile__add_line(struct loader_profile *lp, const char *path, int line, char *text, char *err,
			     size_t errlen)
{
	if (lp->nr_items == lp->cap) {
		int ncap = lp->cap ? lp->cap * 2 : 16;
		struct profile_item *n = realloc(lp->items, (size_t)ncap * sizeof(*n));

		if (!n) {
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
		lp->items = n;
		lp->cap = ncap;
	}
	memset(&lp->items[lp->nr_items], 0, sizeof(lp->items[0]));
	if (parse_line(&lp->items[lp->nr_items], line_text__trim(text), path, line, err, errlen))
		return -1;
	lp->nr_items++;
	return 0;
}

struct profile_parse {
	struct loader_profile *lp;
	char *err;
	size_t errlen;
};

static int profile_line(void *ctx, char *text, int line)
{
	struct profile_parse *pp = ctx;

	return loader_profile__add_line(pp->lp, pp->lp->path, line, text, pp->err, pp->errlen);
}

int loader_profile__parse(struct loader_profile *lp, const char *path, char *err, size_t errlen)
{
	struct profile_parse pp = { .lp = lp, .err = err, .errlen = errlen };

	memset(lp, 0, sizeof(*lp));
	snprintf(lp->path, sizeof(lp->path), "%s", path);
	if (line_text__each(path, profile_line, &pp, NULL, err, errlen)) {
		loader_profile__free(lp);
		return -1;
	}
	return 0;
}

uint64_t loader_profile__attach_at(const struct loader_profile *lp)
{
	uint64_t at = 0;

	for (int i = 0; i < lp->nr_items; i++)
		if (lp->items[i].kind == PI_ATTACH_AT)
			at = lp->items[i].num;
	return at;
}

void loader_profile__free(struct loader_profile *lp)
{
	free(lp->items);
	lp->items = NULL;
	lp->nr_items = 0;
	lp->cap = 0;
}

int loader_profile__apply_open(const struct loader_profile *lp, struct sim_policy *pol, char *err,
			       size_t errlen)
{
	struct sched_ext_ops *ops = sim_policy__ops(pol);
	char e[1024];

	for (int i = 0; i < lp->nr_items; i++) {
		const struct profile_item *it = &lp->items[i];

		switch (it->kind) {
		case PI_GLOBAL:
			if (sim_policy__set_knob(pol, it->name, it->value, e, sizeof(e)))
				return line_text__fail(err, errlen, lp->path, it->line, "%s", e);
			break;
		case PI_OPS_FIELD:
			if (!strcmp(it->name, "flags"))
				ops->flags = it->num;
			else if (!strcmp(it->name, "timeout_ms"))
				ops->timeout_ms = (u32)it->num;
			else if (!strcmp(it->name, "exit_dump_len"))
				ops->exit_dump_len = (u32)it->num;
			else
				ops->dispatch_max_batch = (u32)it->num;
			break;
		case PI_OPS_NULL:
			memset((char *)ops + it->num, 0, sizeof(void *));
			break;
		case PI_MAP_ENTRIES:
			if (sim_policy__set_map_entries(pol, it->name, (uint32_t)it->num, e, sizeof(e)))
				return line_text__fail(err, errlen, lp->path, it->line, "%s", e);
			break;
		case PI_SYSCALL:
		case PI_ATTACH_AT:
			break;
		}
	}
	return 0;
}

/* The program's context: the arguments packed at their natural alignment. */
static size_t pack_args(const struct profile_item *it, int cpu, unsigned char *ctx, size_t len)
{
	size_t off = 0;

	memset(ctx, 0, len);
	for (int a = 0; a < it->nr_args; a++) {
		uint64_t v = it->args[a].is_cpu ? (uint64_t)(int64_t)cpu : it->args[a].value;
		size_t sz = it->args[a].size;

		off = (off + sz - 1) & ~(sz - 1);
		if (off + sz > len)
			break;
		memcpy(ctx + off, &v, sz); /* little-endian: the low bytes */
		off += sz;
	}
	return off;
}

static int run_one(const struct loader_profile *lp, const struct profile_item *it, struct sim_policy *pol,
		   struct sim *sim, int cpu, char *err, size_t errlen)
{
	unsigned char ctx[8 * PROFILE_MAX_ARGS];
	int saved = sim->current_cpu, ret = 0;
	char e[1024];

	pack_args(it, cpu, ctx, sizeof(ctx));
	/* pinned: the program runs on that CPU (bpf_get_smp_processor_id() says so) */
	if (cpu >= 0)
		sim->current_cpu = cpu;
	if (sim_policy__run_syscall(pol, sim, it->name, ctx, &ret, e, sizeof(e))) {
		sim->current_cpu = saved;
		return line_text__fail(err, errlen, lp->path, it->line, "%s", e);
	}
	sim->current_cpu = saved;
	if (ret)
		fprintf(stderr, "scxlab: %s:%d: syscall %s (cpu %d) returned %d\n", lp->path, it->line, it->name,
			cpu, ret);
	return 0;
}

int loader_profile__run_syscalls(const struct loader_profile *lp, struct sim_policy *pol, struct sim *sim,
				 bool after_attach, char *err, size_t errlen)
{
	for (int i = 0; i < lp->nr_items; i++) {
		const struct profile_item *it = &lp->items[i];

		if (it->kind != PI_SYSCALL || it->after_attach != after_attach)
			continue;
		if (it->mode == SM_PER_CPU) {
			for (int cpu = 0; cpu < sim->nr_cpus; cpu++)
				if (run_one(lp, it, pol, sim, cpu, err, errlen))
					return -1;
		} else if (it->mode == SM_ON_CPU) {
			if (it->on_cpu >= sim->nr_cpus)
				return line_text__fail(err, errlen, lp->path, it->line, "syscall %s: on-cpu=%d, the run has %d CPUs",
					    it->name, it->on_cpu, sim->nr_cpus);
			if (run_one(lp, it, pol, sim, it->on_cpu, err, errlen))
				return -1;
		} else if (run_one(lp, it, pol, sim, -1, err, errlen)) {
			return -1;
		}
	}
	return 0;
}
