/*
 * A comparison's numbers (see compare_summary.h).
 */
#include "harness/results/compare_summary.h"
#include "harness/util/atomic_file.h"
#include "harness/results/result_read.h"
#include "harness/results/summary_csv.h"
#include "harness/util/sorted_values.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct group *summary__find(struct summary *s, const char *target, const char *policy, const char *job)
{
	for (int i = 0; i < s->nr_groups; i++) {
		struct group *g = &s->groups[i];
		if (!strcmp(g->target, target) && !strcmp(g->policy, policy) && !strcmp(g->job, job))
			return g;
	}
	return NULL;
}

static struct group *group_of(struct summary *s, const char *target, const char *policy, const char *job)
{
	struct group *g = summary__find(s, target, policy, job);

	if (g)
		return g;
	if (s->nr_groups == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		struct group *n = realloc(s->groups, (size_t)cap * sizeof(*n));
		if (!n)
			return NULL;
		s->groups = n;
		s->cap = cap;
	}
	g = &s->groups[s->nr_groups++];
	memset(g, 0, sizeof(*g));
	snprintf(g->target, sizeof(g->target), "%s", target);
	snprintf(g->policy, sizeof(g->policy), "%s", policy);
	snprintf(g->job, sizeof(g->job), "%s", job);
	return g;
}

static struct metric *metric_of(struct group *g, const char *name)
{
	for (int i = 0; i < g->nr_metrics; i++)
		if (!strcmp(g->metrics[i].name, name))
			return &g->metrics[i];
	if (g->nr_metrics == SUMMARY_MAX_METRICS)
		return NULL;
	struct metric *m = &g->metrics[g->nr_metrics++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	return m;
}

static void add_value(struct group *g, const char *name, double v)
{
	struct metric *m = metric_of(g, name);

	if (m && m->n < SUMMARY_MAX_VALUES) {
		m->run[m->n] = (short)(g->runs > 0 ? g->runs - 1 : 0);
		m->values[m->n++] = v;
	}
}

void group__add_value(struct group *g, const char *name, double v)
{
	add_value(g, name, v);
}

const struct metric *group__metric(const struct group *g, const char *name)
{
	for (int i = 0; i < g->nr_metrics; i++)
		if (!strcmp(g->metrics[i].name, name))
			return &g->metrics[i];
	return NULL;
}

void summary__note_failed(struct summary *s, const char *target, const char *policy, const char *job)
{
	struct group *g = group_of(s, target, policy, job);

	if (g)
		g->failed++;
}

void summary__note_policy_failed(struct summary *s, const char *target, const char *policy, const char *job,
				 const char *why)
{
	struct group *g = group_of(s, target, policy, job);

	if (!g)
		return;
	g->policy_failed++;
	if (!g->failure[0])
		snprintf(g->failure, sizeof(g->failure), "%s", why);
}

int summary__policy_failures(const struct summary *s)
{
	int n = 0;

	for (int i = 0; i < s->nr_groups; i++)
		n += s->groups[i].policy_failed > 0;
	return n;
}

int summary__run_failures(const struct summary *s)
{
	int n = 0;

	for (int i = 0; i < s->nr_groups; i++)
		n += s->groups[i].failed;
	return n;
}

bool group__emulated(const struct group *g)
{
	return !strcmp(g->accel, "tcg");
}

static void put_json_text(FILE *f, const char *text)
{
	summary__json_text(f, text);
}

void summary__json_text(FILE *f, const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if ((unsigned char)*c < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*c);
		else
			fputc(*c, f);
	}
}

const char *group__input(const struct group *g, const char *name)
{
	for (int i = 0; i < g->nr_inputs; i++)
		if (!strcmp(g->inputs[i].name, name))
			return g->inputs[i].value;
	return NULL;
}

static void set_input(struct group *g, const char *name, const char *value)
{
	for (int i = 0; i < g->nr_inputs; i++)
		if (!strcmp(g->inputs[i].name, name)) {
			snprintf(g->inputs[i].value, sizeof(g->inputs[i].value), "%s", value);
			return;
		}
	if (g->nr_inputs == SUMMARY_MAX_INPUTS)
		return;
	snprintf(g->inputs[g->nr_inputs].name, sizeof(g->inputs[0].name), "%s", name);
	snprintf(g->inputs[g->nr_inputs].value, sizeof(g->inputs[0].value), "%s", value);
	g->nr_inputs++;
}

/* The text of the object "key": {...} in @doc without spaces and quotes ({a:1,b:2}), or "". */
static void raw_object(const char *doc, const char *key, char *out, size_t len)
{
	char pat[80];
	const char *at, *end;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\": {", key);
	out[0] = 0;
	at = strstr(doc, pat);
	if (!at)
		return;
	at += strlen(pat) - 1;
	end = strchr(at, '}');
	for (; at && end && at <= end && n + 1 < len; at++)
		if (*at != ' ' && *at != '\n' && *at != '"')
			out[n++] = *at;
	out[n] = 0;
}

/* The inputs a run was made from, as its result.json records them; seeds accumulate. */
static void add_inputs(struct group *g, const char *doc)
{
	char v[160], text[160];
	double d;

	if (!result_read__number(doc, "inputs", "duration_ns", &d)) {
		snprintf(text, sizeof(text), "%.0f", d);
		set_input(g, "duration_ns", text);
	}
	if (!result_read__string(doc, "topology", "spec", v, sizeof(v)))
		set_input(g, "topology", v);
	if (!result_read__string(doc, "workload", "file", v, sizeof(v)))
		set_input(g, "workload", v);
	else if (!result_read__number(doc, "workload", "hogs", &d)) {
		double pairs = 0;
		result_read__number(doc, "workload", "pairs", &pairs);
		snprintf(text, sizeof(text), "builtin hogs=%.0f pairs=%.0f", d, pairs);
		set_input(g, "workload", text);
	}
	if (!result_read__string(doc, "calibration", "hash", v, sizeof(v)))
		set_input(g, "calibration", v);
	else
		set_input(g, "calibration", "built-in");
	if (!result_read__string(doc, "policy", "source_hash", v, sizeof(v)))
		set_input(g, "policy_hash", v);
	raw_object(doc, "knobs", v, sizeof(v));
	if (v[0])
		set_input(g, "knobs", v);
	if (!result_read__string(doc, "tool", "scxlab", v, sizeof(v)))
		set_input(g, "scxlab", v);
	if (!result_read__number(doc, "inputs", "seed", &d)) {
		const char *seeds = group__input(g, "seeds");
		snprintf(text, sizeof(text), "%s%s%.0f", seeds ? seeds : "", seeds ? "," : "", d);
		set_input(g, "seeds", text);
	}
}

/* Per stressor, bogo-ops per second of wall time, from the result's "stressors" array. */
static void add_stressors(struct group *g, const char *doc)
{
	const char *at = strstr(doc, "\"stressors\": [");
	const char *end = at ? strstr(at, "\n  ]") : NULL;

	while (at && (at = strstr(at + 1, "\"stressor\": \"")) && (!end || at < end)) {
		char name[48], key[80];
		const char *rate = strstr(at, "\"bogo_ops_per_second_real_time\": ");
		if (sscanf(at, "\"stressor\": \"%47[^\"]\"", name) != 1 || !rate)
			break;
		snprintf(key, sizeof(key), "ops_per_s.%s", name);
		add_value(g, key, strtod(rate + strlen("\"bogo_ops_per_second_real_time\": "), NULL));
	}
}

int summary__add_run(struct summary *s, const char *target, const char *policy, const char *job,
		     const char *path)
{
	static const struct { const char *obj, *key, *name; } fields[] = {
		{ "wakeup", "p50", "wakeup_p50_ns" },
		{ "wakeup", "p99", "wakeup_p99_ns" },
		{ "wakeup", "max", "wakeup_max_ns" },
		{ "preempt", "p99", "preempt_p99_ns" },
		{ "run_delay", "mean", "run_delay_mean_ns" },
		{ "summary", "context_switches", "context_switches" },
		{ "summary", "migrations", "migrations" },
		{ "summary", "utilization", "utilization" },
	};
	char *doc = result_read__file(path);
	struct group *g;
	double v;

	if (!doc)
		return -1;
	if (!result_read__complete(doc)) {
		free(doc); /* cut off (a run killed while writing it, or a truncated copy) */
		return -1;
	}
	g = group_of(s, target, policy, job);
	if (!g) {
		free(doc);
		return -1;
	}
	g->runs++;
	char status[16] = "", why[320] = "";
	if (!result_read__string(doc, "verdict", "status", status, sizeof(status)) && !strcmp(status, "failed")) {
		result_read__string(doc, "verdict", "first_failure", why, sizeof(why));
		g->policy_failed++;
		if (!g->failure[0])
			snprintf(g->failure, sizeof(g->failure), "%s", why[0] ? why : "the policy failed");
	}
	if (!g->kernel[0])
		result_read__string(doc, "real", "kernel_release", g->kernel, sizeof(g->kernel));
	if (!g->accel[0])
		result_read__string(doc, "real", "accel", g->accel, sizeof(g->accel));
	add_inputs(g, doc);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!result_read__number(doc, fields[i].obj, fields[i].key, &v))
			add_value(g, fields[i].name, v);
	add_stressors(g, doc);
	free(doc);
	return 0;
}

void summary__finish(struct summary *s)
{
	for (int i = 0; i < s->nr_groups; i++) {
		for (int k = 0; k < s->groups[i].nr_metrics; k++) {
			struct metric *m = &s->groups[i].metrics[k];
			double sorted[SUMMARY_MAX_VALUES];
			if (!m->n)
				continue;
			memcpy(sorted, m->values, (size_t)m->n * sizeof(double));
			values__sort(sorted, (size_t)m->n);
			m->min = sorted[0];
			m->max = sorted[m->n - 1];
			m->median = values__median(sorted, (size_t)m->n);
		}
	}
}

enum metric_sense metric__sense(const char *name)
{
	if (!strncmp(name, "ops_per_s.", 10))
		return SENSE_HIGHER_BETTER;
	if (strstr(name, "_ns"))
		return SENSE_LOWER_BETTER;
	return SENSE_NEUTRAL;
}

static void summary_json(FILE *f, const void *ctx)
{
	const struct summary *s = ctx;

	fprintf(f, "{\n  \"schema\": \"scxlab.compare/1\",\n  \"skipped_targets\": [");
	for (int i = 0; i < s->nr_skipped; i++) {
		fprintf(f, "%s\"", i ? ", " : "");
		put_json_text(f, s->skipped[i]);
		fputc('"', f);
	}
	fprintf(f, "],\n  \"groups\": [\n");
	for (int i = 0; i < s->nr_groups; i++) {
		const struct group *g = &s->groups[i];
		fprintf(f, "    { \"target\": \"%s\", \"policy\": \"%s\", \"job\": \"%s\", \"runs\": %d, \"failed\": %d, "
			"\"policy_failed\": %d, \"status\": \"%s\",\n", g->target, g->policy, g->job, g->runs, g->failed,
			g->policy_failed, g->policy_failed ? "policy failed" : g->failed ? "runs failed" : "ok");
		fprintf(f, "      \"failure\": \"");
		put_json_text(f, g->failure);
		fprintf(f, "\", \"kernel\": \"");
		put_json_text(f, g->kernel);
		fprintf(f, "\", \"accel\": \"%s\",\n      \"inputs\": {", g->accel);
		for (int k = 0; k < g->nr_inputs; k++) {
			fprintf(f, "%s\"%s\": \"", k ? ", " : " ", g->inputs[k].name);
			put_json_text(f, g->inputs[k].value);
			fputc('"', f);
		}
		fprintf(f, " },\n      \"metrics\": {\n");
		for (int k = 0; k < g->nr_metrics; k++) {
			const struct metric *m = &g->metrics[k];
			fprintf(f, "        \"%s\": { \"median\": %.17g, \"min\": %.17g, \"max\": %.17g, \"values\": [", m->name,
				m->median, m->min, m->max);
			for (int v = 0; v < m->n; v++)
				fprintf(f, "%s%.17g", v ? ", " : "", m->values[v]);
			fprintf(f, "] }%s\n", k + 1 < g->nr_metrics ? "," : "");
		}
		fprintf(f, "      } }%s\n", i + 1 < s->nr_groups ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

int summary__write_json(const struct summary *s, const char *path, char *err, size_t errlen)
{
	return atomic_file__write_with(path, summary_json, s, err, errlen);
}

int summary__write(const struct summary *s, const char *dir, char *err, size_t errlen)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/summary.json", dir);
	if (summary__write_json(s, path, err, errlen))
		return -1;
	return summary_csv__write(s, dir, err, errlen);
}

int summary__load(struct summary *s, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[16384];
	struct group *g = NULL;
	bool schema = false;

	if (!f) {
		snprintf(err, errlen, "%s: cannot read it", path);
		return -1;
	}
	char *whole = result_read__file(path), why[200] = "cannot read it";
	int bad = !whole || result_read__check(whole, why, sizeof(why));
	free(whole);
	if (bad) {
		fclose(f);
		snprintf(err, errlen, "%s: not a whole JSON document (%s)", path, why);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char target[72], policy[64], job[64], name[64];
		int runs, failed;
		double md, mn, mx;
		const char *p = line;

		while (*p == ' ')
			p++;
		if (strstr(p, "\"schema\": \"scxlab.result/1\"")) {
			/* a single run: one group of one run */
			fclose(f);
			char *doc = result_read__file(path);
			char pol[128] = "default", file[512] = "", tgt[72] = "sim";
			if (!doc) {
				snprintf(err, errlen, "%s: cannot read it", path);
				return -1;
			}
			result_read__string(doc, "inputs", "target", tgt, sizeof(tgt));
			result_read__string(doc, "policy", "name", pol, sizeof(pol));
			result_read__string(doc, "workload", "file", file, sizeof(file));
			free(doc);
			const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
			char jobname[64];
			snprintf(jobname, sizeof(jobname), "%.*s", (int)(strstr(base, ".job") ? strstr(base, ".job") - base : (long)strlen(base)), base);
			if (summary__add_run(s, tgt, pol, jobname[0] ? jobname : "builtin", path)) {
				snprintf(err, errlen, "%s: cannot read it", path);
				return -1;
			}
			summary__finish(s);
			return 0;
		}
		if (strstr(p, "\"schema\": \"scxlab.compare/1\""))
			schema = true;
		if (sscanf(p, "{ \"target\": \"%71[^\"]\", \"policy\": \"%63[^\"]\", \"job\": \"%63[^\"]\", \"runs\": %d, \"failed\": %d",
			   target, policy, job, &runs, &failed) == 5) {
			g = group_of(s, target, policy, job);
			if (!g)
				break;
			g->runs = runs;
			g->failed = failed;
			const char *pf = strstr(p, "\"policy_failed\": ");
			if (pf)
				g->policy_failed = atoi(pf + strlen("\"policy_failed\": "));
		} else if (g && !strncmp(p, "\"failure\": \"", 12)) {
			/* the failure text (no escapes expected beyond what was written) and the real target */
			sscanf(p, "\"failure\": \"%319[^\"]\"", g->failure);
			const char *k = strstr(p, "\"kernel\": \"");
			if (k)
				sscanf(k, "\"kernel\": \"%63[^\"]\"", g->kernel);
			const char *a = strstr(p, "\"accel\": \"");
			if (a)
				sscanf(a, "\"accel\": \"%7[^\"]\"", g->accel);
		} else if (g && !strncmp(p, "\"inputs\": {", 11)) {
			/* "name": "value" pairs; values hold no quotes but escaped ones, read back as written */
			const char *q = p + 11;
			char iname[16], ivalue[160];
			while ((q = strchr(q, '"'))) {
				if (sscanf(q, "\"%15[^\"]\": \"%159[^\"]\"", iname, ivalue) == 2) {
					set_input(g, iname, ivalue);
				} else if (sscanf(q, "\"%15[^\"]\": \"\"", iname) == 1) {
					set_input(g, iname, "");
				} else {
					break;
				}
				/* skip past the value's closing quote */
				q = strchr(q + 1, '"');
				q = q ? strchr(q + 1, '"') : NULL;
				q = q ? strchr(q + 1, '"') : NULL;
				if (!q)
					break;
				q++;
			}
		} else if (g && sscanf(p, "\"%63[^\"]\": { \"median\": %lf, \"min\": %lf, \"max\": %lf", name, &md, &mn, &mx) == 4) {
			struct metric *m = metric_of(g, name);
			const char *v = strstr(p, "\"values\": [");
			if (!m)
				continue;
			if (!isfinite(md) || !isfinite(mn) || !isfinite(mx)) {
				fclose(f);
				snprintf(err, errlen, "%s: %s/%s/%s %s is not a finite number", path, g->target, g->policy,
					 g->job, name);
				return -1;
			}
			m->median = md;
			m->min = mn;
			m->max = mx;
			for (v = v ? v + 11 : NULL; v && *v && *v != ']' && m->n < SUMMARY_MAX_VALUES;) {
				char *end;
				double x = strtod(v, &end);
				if (end == v)
					break;
				m->run[m->n] = (short)m->n;
				m->values[m->n++] = x;
				v = end;
				while (*v == ',' || *v == ' ')
					v++;
			}
		}
	}
	fclose(f);
	if (!schema) {
		snprintf(err, errlen, "%s: neither a result.json nor a compare summary.json", path);
		return -1;
	}
	return 0;
}

void summary__free(struct summary *s)
{
	free(s->groups);
	memset(s, 0, sizeof(*s));
}
