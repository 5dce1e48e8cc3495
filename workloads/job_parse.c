/*
 * The stress-ng job-file parser (see job.h).
 */
#include "workloads/job.h"
#include "workloads/stressng/tables.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int cmp_opt(const void *key, const void *elem)
{
	return strcmp(key, ((const struct stressng_option *)elem)->name);
}

int job__stressor_index(const char *name)
{
	const char *const *p = bsearch(name, stressng_stressors, (size_t)stressng_nr_stressors,
				       sizeof(stressng_stressors[0]), cmp_str);

	return p ? (int)(p - stressng_stressors) : -1;
}

static const struct stressng_option *find_option(const char *name)
{
	return bsearch(name, stressng_options, (size_t)stressng_nr_options, sizeof(stressng_options[0]),
		       cmp_opt);
}

/* stress-ng's global options whose names start with a stressor's name and a dash */
static const char *const globals_like_stressor_options[] = { "klog-check", "timer-slack" };

/*
 * The stressor an option belongs to: `cpu-load` -> cpu (longest matching stressor prefix), or
 * -1 for a global option (`timer-slack` is not the timer stressor's).
 */
static int option_owner(const char *name)
{
	char buf[48];
	int best = -1;

	for (size_t i = 0; i < sizeof(globals_like_stressor_options) / sizeof(globals_like_stressor_options[0]); i++)
		if (!strcmp(name, globals_like_stressor_options[i]))
			return -1;

	snprintf(buf, sizeof(buf), "%s", name);
	for (char *dash = strrchr(buf, '-'); dash; dash = strrchr(buf, '-')) {
		*dash = 0;
		int idx = job__stressor_index(buf);
		if (idx >= 0)
			best = idx;
	}
	return best;
}

/*
 * stress-ng reads a time as an integer and takes the unit from the last character (s, m, h,
 * d or y; none means seconds), so "100ms" is 100 seconds to it, and so it is here.
 */
int job__parse_time(const char *text, uint64_t *ns)
{
	size_t len = strlen(text);
	uint64_t mult = 1;
	unsigned long long v;
	char *end;

	if (!len || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno == ERANGE)
		return -2;
	if (errno)
		return -1;
	if (!isdigit((unsigned char)text[len - 1])) {
		switch (tolower((unsigned char)text[len - 1])) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		case 'y': mult = 31556952; break;
		default: return -1;
		}
	} else if (*end) {
		return -1;
	}
	if (v > JOB_MAX_TIME_S / mult)
		return -2;
	*ns = (uint64_t)v * mult * 1000000000ULL;
	return 0;
}

static int parse_int(const char *text, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(text, &end, 10);
	return (end == text || *end || errno) ? -1 : 0;
}

struct parse_ctx {
	struct job *job;
	const char *name;
	int line;
	char *err;
	size_t errlen;
	bool seen_seq, seen_par;
};

static int fail(struct parse_ctx *c, const char *token, const char *fmt, const char *detail)
{
	char why[256];

	snprintf(why, sizeof(why), fmt, detail);
	snprintf(c->err, c->errlen, "%s:%d: '%s': %s", c->name, c->line, token, why);
	return -1;
}

static int add_option(struct parse_ctx *c, const char *name, const char *value, int owner)
{
	struct job *job = c->job;
	struct job_option *o;

	if (job->nr_options == JOB_MAX_OPTIONS)
		return fail(c, name, "more than %s options", "256");
	o = &job->options[job->nr_options++];
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->value, sizeof(o->value), "%s", value ? value : "");
	o->line = c->line;
	o->entry = job->nr_entries - 1;
	o->owner = owner;
	return 0;
}

static int parse_line(struct parse_ctx *c, char *line)
{
	char *tok[2] = { 0 }, *save = NULL, *hash = strchr(line, '#');
	int n = 0;

	if (hash)
		*hash = 0;
	for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 2) /* nothing takes more than one value: a second option on the line */
			return fail(c, t, "%s", "one option per line (the line has more tokens than the option takes)");
		tok[n++] = t;
	}
	if (!n)
		return 0;

	if (!strcmp(tok[0], "run")) {
		if (n != 2)
			return fail(c, tok[0], "%s", "expects `run sequential` or `run parallel`");
		if (!strcmp(tok[1], "sequential") || !strcmp(tok[1], "seq") || !strcmp(tok[1], "sequentially"))
			c->seen_seq = true;
		else if (!strcmp(tok[1], "parallel") || !strcmp(tok[1], "par") || !strcmp(tok[1], "together"))
			c->seen_par = true;
		else
			return fail(c, tok[1], "%s", "unknown run mode (sequential, seq, sequentially, parallel, par or together)");
		if (c->seen_seq && c->seen_par)
			return fail(c, tok[1], "%s", "a job cannot have both run sequential and run parallel");
		c->job->sequential = c->seen_seq;
		return 0;
	}
	if (!strcmp(tok[0], "job") || !strcmp(tok[0], "j"))
		return fail(c, tok[0], "%s", "a job file cannot read another job file");

	/* a stressor entry: NAME N */
	int sidx = job__stressor_index(tok[0]);
	if (sidx >= 0) {
		struct job_entry *e;
		int64_t n_inst;

		if (n != 2)
			return fail(c, tok[0], "%s", "a stressor line is `NAME N` (N = 0: one per online CPU)");
		if (parse_int(tok[1], &n_inst))
			return fail(c, tok[1], "%s", "the instance count is not a number");
		if (c->job->nr_entries == JOB_MAX_ENTRIES)
			return fail(c, tok[0], "more than %s stressor entries", "64");
		e = &c->job->entries[c->job->nr_entries++];
		snprintf(e->stressor, sizeof(e->stressor), "%s", tok[0]);
		e->instances = n_inst;
		e->line = c->line;
		return 0;
	}

	const struct stressng_option *opt = find_option(tok[0]);
	if (!opt)
		return fail(c, tok[0], "%s", "not a stress-ng option or stressor");
	if (opt->takes_arg && n != 2)
		return fail(c, tok[0], "%s", n < 2 ? "needs a value" : "takes one value");
	if (!opt->takes_arg && n != 1)
		return fail(c, tok[1], "%s", "this option takes no value (one option per line)");
	if (!strcmp(tok[0], "timeout")) {
		int rc = job__parse_time(tok[1], &c->job->timeout_ns);
		if (rc == -2)
			return fail(c, tok[1], "%s", "too long (at most " JOB_MAX_TIME_TEXT ")");
		if (rc)
			return fail(c, tok[1], "%s", "not a time (N, Ns, Nm, Nh, Nd or Ny)");
		return 0;
	}
	return add_option(c, tok[0], n == 2 ? tok[1] : NULL, option_owner(tok[0]));
}

int job__parse_text(struct job *job, const char *name, const char *text, char *err, size_t errlen)
{
	struct parse_ctx c = { .job = job, .name = name, .err = err, .errlen = errlen };
	const char *p = text;

	memset(job, 0, sizeof(*job));
	snprintf(job->path, sizeof(job->path), "%s", name);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];

		c.line++;
		if (len >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: the line is too long", name, c.line);
			return -1;
		}
		memcpy(line, p, len);
		line[len] = 0;
		if (parse_line(&c, line))
			return -1;
		p += len + (nl ? 1 : 0);
	}
	if (!job->nr_entries) {
		snprintf(err, errlen, "%s: no stressors (a job needs at least one `NAME N` line)", name);
		return -1;
	}
	return 0;
}

int job__parse_file(struct job *job, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || len > (1 << 20) || fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%s: cannot read it (or larger than 1 MiB)", path);
		fclose(f);
		return -1;
	}
	text = calloc(1, (size_t)len + 1);
	if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	const char *nul = memchr(text, 0, (size_t)len);
	if (nul) {
		/* the parser reads text: everything after the NUL would be dropped unseen */
		int line = 1;
		const char *bol = text;
		for (const char *q = text; q < nul; q++)
			if (*q == '\n') {
				line++;
				bol = q + 1;
			}
		snprintf(err, errlen, "%s:%d: a NUL byte at column %d (byte %ld): not a text file", path, line,
			 (int)(nul - bol) + 1, (long)(nul - text));
		free(text);
		return -1;
	}
	ret = job__parse_text(job, path, text, err, errlen);
	free(text);
	return ret;
}
