/*
 * The selftests' `check` lines (see selftest_checks.h).
 */
#include "harness/selftests/selftest_checks.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void selftest__appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

static bool is_number(const char *s)
{
	char *end;

	errno = 0;
	(void)strtoll(s, &end, 0);
	return *s && !*end && !errno;
}

static int operand(const char *s, selftest_global_fn global, void *ctx, int64_t *v, char *err, size_t errlen)
{
	if (is_number(s)) {
		*v = strtoll(s, NULL, 0);
		return 0;
	}
	return global(ctx, s, v, err, errlen);
}

static bool compare(int64_t a, enum selftest_op op, int64_t b)
{
	switch (op) {
	case SO_EQ: return a == b;
	case SO_NE: return a != b;
	case SO_LT: return a < b;
	case SO_LE: return a <= b;
	case SO_GT: return a > b;
	case SO_GE: return a >= b;
	}
	return false;
}

/* "; NAME=VALUE" for a global, once a row. */
static void show_operand(char *got, size_t len, const char *name, int64_t v)
{
	char key[80];

	snprintf(key, sizeof(key), "; %s=", name);
	if (!is_number(name) && !strstr(got, key))
		selftest__appendf(got, len, "%s%lld", key, (long long)v);
}

bool selftest_checks__hold(const struct selftest *st, selftest_global_fn global, void *ctx, char *got, size_t len)
{
	bool ok = true;
	char err[256];

	for (int i = 0; i < st->nr_checks; i++) {
		const struct selftest_check *c = &st->checks[i];
		int64_t a, b;

		if (operand(c->lhs, global, ctx, &a, err, sizeof(err)) || operand(c->rhs, global, ctx, &b, err, sizeof(err))) {
			selftest__appendf(got, len, "; check: %s", err);
			ok = false;
			continue;
		}
		show_operand(got, len, c->lhs, a);
		show_operand(got, len, c->rhs, b);
		if (!compare(a, c->op, b))
			ok = false;
	}
	return ok;
}

int selftest_checks__report_global(void *ctx, const char *name, int64_t *v, char *err, size_t errlen)
{
	const char *path = ctx;
	FILE *f = fopen(path, "r");
	char line[512], key[160];
	size_t kl;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	kl = (size_t)snprintf(key, sizeof(key), "global %s ", name);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl))
			continue;
		/* unsigned values above INT64_MAX read as their two's complement, as a runner's s64 would */
		*v = line[kl] == '-' ? strtoll(line + kl, NULL, 10) : (int64_t)strtoull(line + kl, NULL, 10);
		fclose(f);
		return 0;
	}
	fclose(f);
	snprintf(err, errlen, "the policy has no integer .bss/.data global '%s' in the guest's report", name);
	return -1;
}
