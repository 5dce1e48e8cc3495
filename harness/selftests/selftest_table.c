/*
 * Parsing the selftests table: one stanza per test, opened by `test NAME [SOURCE]`, then one
 * setting a line (see selftest_table.h and docs/selftests.md). Loader-profile lines (rodata,
 * data, bss, ops, map_entries, map, struct_ops, syscall) go to the test's profile, parsed by the profile's own
 * parser so both files mean the same thing.
 */
#include "harness/selftests/selftest_table.h"
#include "harness/util/line_text.h"
#include "harness/util/options.h"
#include "harness/util/paths.h"
#include "harness/results/verdict.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The next whitespace-separated word of *@s (NUL-terminated in place), or NULL. */
static char *word(char **s)
{
	char *w = *s + strspn(*s, " \t");

	if (!*w)
		return NULL;
	*s = w + strcspn(w, " \t");
	if (**s)
		*(*s)++ = 0;
	return w;
}

static const char *const op_names[] = { "==", "!=", "<", "<=", ">", ">=" };

const char *selftest_op__name(enum selftest_op op)
{
	return op_names[op];
}

static bool is_operand(const char *s)
{
	if (!*s || strlen(s) >= 64)
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			return false;
	return true;
}

static int parse_check(struct selftest *st, char *rest, const char *path, int line, char *err, size_t errlen)
{
	char *lhs = word(&rest), *op = word(&rest), *rhs = word(&rest);
	struct selftest_check *c;
	int i;

	if (!lhs || !op || !rhs || word(&rest))
		return line_text__fail(err, errlen, path, line, "check: expected 'check A OP B' (A, B: a global or a number)");
	for (i = 0; i < 6 && strcmp(op, op_names[i]); i++)
		;
	if (i == 6)
		return line_text__fail(err, errlen, path, line, "check: unknown operator '%s' (== != < <= > >=)", op);
	if (!is_operand(lhs) || !is_operand(rhs))
		return line_text__fail(err, errlen, path, line, "check: '%s' or '%s' is neither a global's name nor a number", lhs,
			    rhs);
	if (st->nr_checks == SELFTEST_MAX_CHECKS)
		return line_text__fail(err, errlen, path, line, "check: more than %d checks in one test", SELFTEST_MAX_CHECKS);
	c = &st->checks[st->nr_checks++];
	c->line = line;
	c->op = (enum selftest_op)i;
	snprintf(c->lhs, sizeof(c->lhs), "%s", lhs);
	snprintf(c->rhs, sizeof(c->rhs), "%s", rhs);
	snprintf(c->text, sizeof(c->text), "%s %s %s", lhs, op, rhs);
	return 0;
}

/* expect stays-loaded | verifier-reject | exit KIND [code N] [msg TEXT...] */
static int parse_expect(struct selftest *st, char *rest, const char *path, int line, char *err, size_t errlen)
{
	char *what = word(&rest), *kw;
	struct run_expect e;
	char e_err[256];

	if (st->expect != SE_UNSET)
		return line_text__fail(err, errlen, path, line, "expect: the test already has an expectation");
	if (!what)
		return line_text__fail(err, errlen, path, line, "expect: loads, stays-loaded, verifier-reject or exit KIND");
	if (!strcmp(what, "loads") || !strcmp(what, "stays-loaded") || !strcmp(what, "verifier-reject")) {
		if (word(&rest))
			return line_text__fail(err, errlen, path, line, "expect %s takes nothing after it", what);
		st->expect = what[0] == 'l' ? SE_LOADS : what[0] == 's' ? SE_STAYS_LOADED : SE_VERIFIER_REJECT;
		return 0;
	}
	if (strcmp(what, "exit"))
		return line_text__fail(err, errlen, path, line,
			    "expect: unknown outcome '%s' (loads, stays-loaded, verifier-reject, exit)", what);
	kw = word(&rest);
	if (!kw || run_expect__parse(&e, kw, e_err, sizeof(e_err)) || e.kind < 0)
		return line_text__fail(err, errlen, path, line, "expect exit: '%s' is not an exit kind (SCX_EXIT_ERROR, ...)",
			    kw ? kw : "");
	st->expect = SE_EXIT;
	st->exit_kind = e.kind;
	while ((kw = word(&rest))) {
		if (!strcmp(kw, "code")) {
			char *v = word(&rest), *end;

			errno = 0;
			st->exit_code = v ? strtoll(v, &end, 0) : 0;
			if (!v || *end || errno)
				return line_text__fail(err, errlen, path, line, "expect exit: code takes a number");
			st->has_code = true;
		} else if (!strcmp(kw, "msg")) {
			char *m = line_text__trim(rest);

			if (!*m)
				return line_text__fail(err, errlen, path, line, "expect exit: msg takes a text");
			snprintf(st->exit_msg, sizeof(st->exit_msg), "%s", m);
			st->has_msg = true;
			break;
		} else {
			return line_text__fail(err, errlen, path, line, "expect exit: unknown word '%s' (code N, msg TEXT)", kw);
		}
	}
	return 0;
}

/* A job file: as given, else next to the table, else in the tree's workloads/jobs. */
static int resolve_job(struct selftest *st, const char *name, const char *table, const char *path, int line,
		       char *err, size_t errlen)
{
	const char *slash = strrchr(table, '/');
	char cand[1024];

	snprintf(cand, sizeof(cand), "%.*s%s", slash ? (int)(slash - table + 1) : 0, table, name);
	if (name[0] == '/' || access(cand, R_OK)) {
		snprintf(cand, sizeof(cand), "%s", name);
		if (name[0] != '/' && access(cand, R_OK))
			snprintf(cand, sizeof(cand), "%s/workloads/jobs/%s", scxlab__root(), name);
	}
	if (access(cand, R_OK))
		return line_text__fail(err, errlen, path, line, "workload job %s: no such file (next to the table or in "
			    "workloads/jobs)", name);
	if (st->nr_jobs == SELFTEST_MAX_JOBS)
		return line_text__fail(err, errlen, path, line, "workload job: more than %d jobs in one test",
				       SELFTEST_MAX_JOBS);
	snprintf(st->jobs[st->nr_jobs++], sizeof(st->jobs[0]), "%s", cand);
	return 0;
}

/* workload builtin [hogs=N] [pairs=M] | workload job FILE */
static int parse_workload(struct selftest *st, char *rest, const char *path, int line, char *err, size_t errlen)
{
	char *kind = word(&rest), *w;

	if (kind && !strcmp(kind, "job")) {
		char *when;

		w = word(&rest);
		when = word(&rest);
		if (!w || word(&rest) || (when && strcmp(when, "after-attach")))
			return line_text__fail(err, errlen, path, line, "workload job: expected 'job FILE [after-attach]'");
		if (resolve_job(st, w, path, path, line, err, errlen))
			return -1;
		st->job_after_attach[st->nr_jobs - 1] = when != NULL;
		return 0;
	}
	if (!kind || strcmp(kind, "builtin"))
		return line_text__fail(err, errlen, path, line, "workload: expected 'builtin [hogs=N] [pairs=M]' or 'job FILE [after-attach]'");
	st->builtin = true;
	while ((w = word(&rest))) {
		char *eq = strchr(w, '='), *end;
		long v;

		if (!eq)
			return line_text__fail(err, errlen, path, line, "workload builtin: '%s' is not hogs=N or pairs=M", w);
		*eq = 0;
		errno = 0;
		v = strtol(eq + 1, &end, 10);
		if (*end || errno || v < 0 || v > 4096 || (strcmp(w, "hogs") && strcmp(w, "pairs")))
			return line_text__fail(err, errlen, path, line, "workload builtin: '%s=%s' is not hogs=N or pairs=M "
				    "(0 to 4096)", w, eq + 1);
		if (w[0] == 'h')
			st->hogs = (int)v;
		else
			st->pairs = (int)v;
	}
	return 0;
}

static int parse_setting(struct selftest *st, char *s, const char *path, int line, char *err, size_t errlen)
{
	char *kw = word(&s), *rest = s;

	if (!strcmp(kw, "expect"))
		return parse_expect(st, rest, path, line, err, errlen);
	if (!strcmp(kw, "check"))
		return parse_check(st, rest, path, line, err, errlen);
	if (!strcmp(kw, "workload"))
		return parse_workload(st, rest, path, line, err, errlen);
	if (!strcmp(kw, "run")) {
		char *d = word(&rest), e[256];

		if (!d || word(&rest) || opt__parse_duration("run", d, &st->run_ns, e, sizeof(e)) || !st->run_ns)
			return line_text__fail(err, errlen, path, line, "run: expected one duration above 0 (1s, 500ms)");
		return 0;
	}
	if (!strcmp(kw, "possible-cpus")) {
		char *name = word(&rest);

		if (!name || word(&rest))
			return line_text__fail(err, errlen, path, line, "possible-cpus: expected one rodata global's name");
		snprintf(st->possible_cpus_var, sizeof(st->possible_cpus_var), "%s", name);
		return 0;
	}
	if (!strcmp(kw, "min-cpus")) {
		char *n = word(&rest), e[256];
		uint64_t v;

		if (!n || word(&rest) || opt__parse_u64("min-cpus", n, &v, e, sizeof(e)) || !v || v > 1024)
			return line_text__fail(err, errlen, path, line, "min-cpus: expected one CPU count (1 to 1024)");
		st->min_cpus = (int)v;
		return 0;
	}
	if (!strcmp(kw, "vm-offline")) {
		char *spec = word(&rest), *at = spec ? strchr(spec, '@') : NULL, *end, e[256];
		uint64_t ns;

		if (!at || word(&rest) || at == spec || strtol(spec, &end, 10) < 0 || end != at ||
		    opt__parse_duration("vm-offline", at + 1, &ns, e, sizeof(e)) || !ns)
			return line_text__fail(err, errlen, path, line, "vm-offline: expected CPU@TIME (1@1500ms)");
		snprintf(st->vm_offline, sizeof(st->vm_offline), "%s", spec);
		return 0;
	}
	if (!strcmp(kw, "unsupported")) {
		char *why = line_text__trim(rest);

		if (!*why)
			return line_text__fail(err, errlen, path, line, "unsupported: say why");
		snprintf(st->unsupported, sizeof(st->unsupported), "%s", why);
		return 0;
	}
	if (loader_profile__is_keyword(kw)) {
		char full[8192];

		snprintf(full, sizeof(full), "%s %s", kw, rest);
		return loader_profile__add_line(&st->profile, path, line, full, err, errlen);
	}
	return line_text__fail(err, errlen, path, line,
		    "unknown setting '%s' (test, workload, run, min-cpus, possible-cpus, expect, check, unsupported, vm-offline, "
		    "or a loader-profile line: " LOADER_PROFILE_KEYWORDS ")", kw);
}

static int finish(const struct selftest *st, const char *path, char *err, size_t errlen)
{
	if (st->expect == SE_UNSET && !st->unsupported[0])
		return line_text__fail(err, errlen, path, st->line, "test %s has no expect line", st->name);
	if ((st->expect == SE_VERIFIER_REJECT || st->expect == SE_LOADS) && (st->nr_checks || st->run_ns))
		return line_text__fail(err, errlen, path, st->line, "test %s: a test that is not attached has no run or checks",
			    st->name);
	return 0;
}

static int new_test(struct selftest_table *t, char *rest, const char *path, int line, char *err, size_t errlen)
{
	char *name = word(&rest), *source = word(&rest);
	struct selftest *n, *st;

	if (!name || word(&rest) || !is_operand(name) || (source && !is_operand(source)))
		return line_text__fail(err, errlen, path, line, "test: expected 'test NAME [SOURCE]'");
	for (int i = 0; i < t->nr; i++)
		if (!strcmp(t->tests[i].name, name))
			return line_text__fail(err, errlen, path, line, "test %s: already defined at line %d", name,
				    t->tests[i].line);
	n = realloc(t->tests, (size_t)(t->nr + 1) * sizeof(*n));
	if (!n)
		return line_text__fail(err, errlen, path, line, "out of memory");
	t->tests = n;
	st = &t->tests[t->nr++];
	memset(st, 0, sizeof(*st));
	st->line = line;
	st->hogs = st->pairs = -1;
	snprintf(st->name, sizeof(st->name), "%s", name);
	snprintf(st->source, sizeof(st->source), "%s", source ? source : name);
	snprintf(st->profile.path, sizeof(st->profile.path), "%s", path);
	return 0;
}

struct table_parse {
	struct selftest_table *t;
	char *err;
	size_t errlen;
};

static int table_line(void *ctx, char *s, int line)
{
	struct table_parse *tp = ctx;
	struct selftest_table *t = tp->t;

	if (!strncmp(s, "test", 4) && (!s[4] || isspace((unsigned char)s[4])))
		return (t->nr && finish(&t->tests[t->nr - 1], t->path, tp->err, tp->errlen)) ||
		       new_test(t, s + 4, t->path, line, tp->err, tp->errlen);
	if (!t->nr)
		return line_text__fail(tp->err, tp->errlen, t->path, line, "a setting before the first 'test' line");
	return parse_setting(&t->tests[t->nr - 1], s, t->path, line, tp->err, tp->errlen);
}

int selftest_table__parse(struct selftest_table *t, const char *path, char *err, size_t errlen)
{
	struct table_parse tp = { .t = t, .err = err, .errlen = errlen };
	int line = 0, rc;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", path);
	rc = line_text__each(path, table_line, &tp, &line, err, errlen);
	if (!rc && t->nr)
		rc = finish(&t->tests[t->nr - 1], path, err, errlen);
	if (!rc && !t->nr)
		rc = line_text__fail(err, errlen, path, line, "no tests");
	if (rc) {
		selftest_table__free(t);
		return -1;
	}
	return 0;
}

void selftest_table__free(struct selftest_table *t)
{
	for (int i = 0; i < t->nr; i++)
		loader_profile__free(&t->tests[i].profile);
	free(t->tests);
	t->tests = NULL;
	t->nr = 0;
}

void selftest__describe(const struct selftest *st, char *buf, size_t len)
{
	size_t n = 0;

	switch (st->expect) {
	case SE_STAYS_LOADED:
		n = (size_t)snprintf(buf, len, "stays loaded");
		break;
	case SE_LOADS:
		n = (size_t)snprintf(buf, len, "loads");
		break;
	case SE_VERIFIER_REJECT:
		n = (size_t)snprintf(buf, len, "verifier rejects it");
		break;
	case SE_EXIT:
		n = (size_t)snprintf(buf, len, "%s", scx_exit_kind__name(st->exit_kind));
		if (st->has_code && n < len)
			n += (size_t)snprintf(buf + n, len - n, " code %lld", (long long)st->exit_code);
		if (st->has_msg && n < len)
			n += (size_t)snprintf(buf + n, len - n, " \"%s\"", st->exit_msg);
		break;
	default:
		n = (size_t)snprintf(buf, len, "-");
	}
	for (int i = 0; i < st->nr_checks && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "; %s", st->checks[i].text);
}
