/*
 * Loader profiles: the parser both worlds share (see loader_profile.h). Nothing here knows the
 * simulator or libbpf: what a line means is applied by loader_profile_sim.c and kload/kprofile.c.
 */
#include "harness/profile/loader_profile.h"
#include "harness/util/line_text.h"
#include "harness/util/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPS_CB_NAME(name) #name,
static const char *const ops_callbacks[] = { LOADER_PROFILE_OPS_CALLBACKS(OPS_CB_NAME) };

#define OPS_FLAG(name, bit) { #name, bit },
static const struct {
	const char *name;
	uint64_t bit;
} ops_flags[] = { LOADER_PROFILE_OPS_FLAGS(OPS_FLAG) };

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

/* One scalar argument of @size bytes from @text (a number, or `cpu`). */
static int add_arg(struct profile_item *it, uint8_t size, const char *text, const char *path, int line,
		   char *err, size_t errlen)
{
	if (it->nr_args == PROFILE_MAX_ARGS)
		return line_text__fail(err, errlen, path, line, "syscall %s: at most %d arguments (array elements count)",
				       it->name, PROFILE_MAX_ARGS);
	it->args[it->nr_args].size = size;
	if (!strcmp(text, "cpu"))
		it->args[it->nr_args].is_cpu = true;
	else if (!parse_u64(text, &it->args[it->nr_args].value))
		return line_text__fail(err, errlen, path, line, "syscall %s: '%s' is not a number or 'cpu'", it->name,
				       text);
	it->nr_args++;
	return 0;
}

/*
 * TYPE:VALUE, or TYPE[N]:V,V,... (an array member of the program's context: N elements, those
 * not listed 0).
 */
static int parse_arg(struct profile_item *it, const char *tok, const char *path, int line, char *err,
		     size_t errlen)
{
	static const struct { const char *name; uint8_t size; } types[] = {
		{ "s8", 1 }, { "u8", 1 }, { "s16", 2 }, { "u16", 2 }, { "s32", 4 }, { "u32", 4 },
		{ "s64", 8 }, { "u64", 8 },
	};
	const char *colon = strchr(tok, ':'), *bracket;
	size_t tl;
	uint64_t n = 0;

	if (!colon)
		return line_text__fail(err, errlen, path, line, "syscall %s: argument '%s' is not TYPE:VALUE", it->name, tok);
	bracket = memchr(tok, '[', (size_t)(colon - tok));
	tl = (size_t)((bracket ? bracket : colon) - tok);
	if (bracket) {
		char num[32];

		snprintf(num, sizeof(num), "%.*s", (int)(colon - bracket - 1), bracket + 1);
		if (colon[-1] != ']' || (num[strlen(num) - 1] = 0, !parse_u64(num, &n)) || !n || n > PROFILE_MAX_ARGS)
			return line_text__fail(err, errlen, path, line, "syscall %s: '%.*s' is not TYPE[N] with N from 1 to %d",
					       it->name, (int)(colon - tok), tok, PROFILE_MAX_ARGS);
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char list[2048], *save = NULL;
		uint64_t done = 0;

		if (strlen(types[i].name) != tl || strncmp(tok, types[i].name, tl))
			continue;
		if (!bracket)
			return add_arg(it, types[i].size, colon + 1, path, line, err, errlen);
		snprintf(list, sizeof(list), "%s", colon + 1);
		for (char *v = strtok_r(list, ",", &save); v; v = strtok_r(NULL, ",", &save), done++)
			if (done == n)
				return line_text__fail(err, errlen, path, line, "syscall %s: more than %llu values for '%.*s'",
						       it->name, (unsigned long long)n, (int)(colon - tok), tok);
			else if (add_arg(it, types[i].size, v, path, line, err, errlen))
				return -1;
		for (; done < n; done++)
			if (add_arg(it, types[i].size, "0", path, line, err, errlen))
				return -1;
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
			else if (!strncmp(tok, "on-cpu=", 7) && parse_u64(tok + 7, &c) && c < LOADER_PROFILE_MAX_CPU) {
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

/* `map MAP[KEY]PATH [cpu=N] = VALUE`: @rest is what follows `map`. */
static int parse_map_value(struct profile_item *it, char *rest, const char *path, int line, char *err,
			   size_t errlen)
{
	static const char usage[] = "map: expected 'map MAP[KEY][.member...] [cpu=N] = VALUE'";
	char *eq = strchr(rest, '='), *lhs, *value, *cpu, *open, *close;
	uint64_t key, c;

	it->kind = PI_MAP_VALUE;
	it->cpu = -1;
	/* the '=' of a `cpu=N` word is not the assignment */
	while (eq && eq - rest >= 4 && !strncmp(eq - 3, "cpu", 3) && isspace((unsigned char)eq[-4]))
		eq = strchr(eq + 1, '=');
	if (!eq)
		return line_text__fail(err, errlen, path, line, "%s", usage);
	*eq = 0;
	lhs = line_text__trim(rest);
	value = line_text__trim(eq + 1);
	cpu = strpbrk(lhs, " \t");
	if (cpu) {
		*cpu = 0;
		cpu = line_text__trim(cpu + 1);
		if (strncmp(cpu, "cpu=", 4) || !parse_u64(cpu + 4, &c) || c >= LOADER_PROFILE_MAX_CPU)
			return line_text__fail(err, errlen, path, line, "map %s: expected cpu=N after it, got '%s'",
					       lhs, cpu);
		it->cpu = (int)c;
	}
	open = strchr(lhs, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!*value || !open || open == lhs || !close)
		return line_text__fail(err, errlen, path, line, "%s", usage);
	*close = 0;
	if (!parse_u64(open + 1, &key))
		return line_text__fail(err, errlen, path, line, "map %.*s: key '%s' is not a number",
				       (int)(open - lhs), lhs, open + 1);
	if (close[1] && close[1] != '.' && close[1] != '[')
		return line_text__fail(err, errlen, path, line, "map %.*s[%s]: expected .member or [N] at '%s'",
				       (int)(open - lhs), lhs, open + 1, close + 1);
	snprintf(it->name, sizeof(it->name), "%.*s", (int)(open - lhs), lhs);
	snprintf(it->path, sizeof(it->path), "%s", close + 1);
	snprintf(it->value, sizeof(it->value), "%s", value);
	it->num = key;
	it->value_is_cpu = !strcmp(value, "cpu");
	return 0;
}

bool loader_profile__is_keyword(const char *kw)
{
	static const char *const keywords[] = { "rodata", "data", "bss", "ops", "map_entries", "map",
						"struct_ops", "syscall", "attach-at" };

	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(kw, keywords[i]))
			return true;
	return false;
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
	if (!strcmp(kw, "map"))
		return parse_map_value(it, s, path, line, err, errlen);
	if (!strcmp(kw, "struct_ops")) {
		it->kind = PI_STRUCT_OPS;
		if (!*s || strpbrk(s, " \t="))
			return line_text__fail(err, errlen, path, line, "struct_ops: expected 'struct_ops NAME' (the map)");
		snprintf(it->name, sizeof(it->name), "%s", s);
		return 0;
	}
	if (!loader_profile__is_keyword(kw))
		return line_text__fail(err, errlen, path, line, "unknown setting '%s' (" LOADER_PROFILE_KEYWORDS ")", kw);
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
			if (!strcmp(name, ops_callbacks[i]))
				return 0;
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

const struct profile_item *loader_profile__struct_ops(const struct loader_profile *lp)
{
	const struct profile_item *found = NULL;

	for (int i = 0; i < lp->nr_items; i++)
		if (lp->items[i].kind == PI_STRUCT_OPS)
			found = &lp->items[i];
	return found;
}

void loader_profile__free(struct loader_profile *lp)
{
	free(lp->items);
	lp->items = NULL;
	lp->nr_items = 0;
	lp->cap = 0;
}

size_t loader_profile__pack_args(const struct profile_item *it, int cpu, unsigned char *ctx, size_t len)
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


int loader_profile__write(const struct loader_profile *lp, FILE *f)
{
	for (int i = 0; i < lp->nr_items; i++) {
		const struct profile_item *it = &lp->items[i];

		switch (it->kind) {
		case PI_GLOBAL:
			fprintf(f, "data %s = %s\n", it->name, it->value); /* the section keyword says nothing more */
			break;
		case PI_OPS_FIELD:
			fprintf(f, "ops %s = 0x%llx\n", it->name, (unsigned long long)it->num);
			break;
		case PI_OPS_NULL:
			fprintf(f, "ops %s = null\n", it->name);
			break;
		case PI_MAP_ENTRIES:
			fprintf(f, "map_entries %s = %llu\n", it->name, (unsigned long long)it->num);
			break;
		case PI_ATTACH_AT:
			fprintf(f, "attach-at %lluns\n", (unsigned long long)it->num);
			break;
		case PI_MAP_VALUE:
			fprintf(f, "map %s[%llu]%s", it->name, (unsigned long long)it->num, it->path);
			if (it->cpu >= 0)
				fprintf(f, " cpu=%d", it->cpu);
			fprintf(f, " = %s\n", it->value);
			break;
		case PI_STRUCT_OPS:
			fprintf(f, "struct_ops %s\n", it->name);
			break;
		case PI_SYSCALL:
			fprintf(f, "syscall %s %s-attach ", it->name, it->after_attach ? "after" : "before");
			if (it->mode == SM_ON_CPU)
				fprintf(f, "on-cpu=%d", it->on_cpu);
			else
				fprintf(f, "%s", it->mode == SM_PER_CPU ? "per-cpu" : "once");
			for (int a = 0; a < it->nr_args; a++) {
				if (it->args[a].is_cpu)
					fprintf(f, " u%d:cpu", it->args[a].size * 8);
				else
					fprintf(f, " u%d:0x%llx", it->args[a].size * 8, (unsigned long long)it->args[a].value);
			}
			fputc('\n', f);
			break;
		}
	}
	return ferror(f) ? -1 : 0;
}
