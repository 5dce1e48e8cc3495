/*
 * Reading `scxlab validate`'s runs back (see validate_runs.h).
 */
#include "harness/validate/validate_runs.h"
#include "harness/results/result_read.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per entry of the "stressors" array: both rates, named NAME or NAME#K for the K-th of a name. */
static void add_entries(struct group *g, const char *doc)
{
	const char *at = strstr(doc, "\"stressors\": [");
	const char *end = at ? strstr(at, "\n  ]") : NULL;
	char seen[32][48];
	int nr_seen = 0;

	while (at && (at = strstr(at + 1, "\"stressor\": \"")) && (!end || at < end)) {
		static const char wall[] = "\"bogo_ops_per_second_real_time\": ";
		static const char cpu[] = "\"bogo_ops_per_second_usr_sys_time\": ";
		char name[48], key[128];
		const char *r = strstr(at, wall), *c = strstr(at, cpu);
		int k = 1;
		if (sscanf(at, "\"stressor\": \"%47[^\"]\"", name) != 1 || !r || !c)
			break;
		for (int i = 0; i < nr_seen; i++)
			k += !strcmp(seen[i], name);
		if (nr_seen < 32)
			snprintf(seen[nr_seen++], sizeof(seen[0]), "%s", name);
		if (k > 1)
			snprintf(name + strnlen(name, 40), 8, "#%d", k % 100);
		snprintf(key, sizeof(key), VALIDATE_OPS "%s", name);
		group__add_value(g, key, strtod(r + strlen(wall), NULL));
		snprintf(key, sizeof(key), VALIDATE_OPS_CPU "%s", name);
		group__add_value(g, key, strtod(c + strlen(cpu), NULL));
	}
}

/* Percent of wakeups that waited 0 ns: the first bucket of latency_ns.wakeup when it starts at 0. */
static int zero_wait_pct(const char *doc, double *pct)
{
	const char *lat = strstr(doc, "\"latency_ns\": {");
	const char *w = lat ? strstr(lat, "\"wakeup\": {") : NULL;
	const char *b = w ? strstr(w, "\"buckets\": [") : NULL;
	double count, lo = -1, n = 0;

	if (!b || result_read__number(w, "wakeup", "count", &count))
		return -1;
	b += strlen("\"buckets\": [");
	b += strspn(b, " \n");
	if (sscanf(b, "[%lf, %lf]", &lo, &n) != 2 || lo != 0)
		n = 0;
	*pct = count > 0 ? 100.0 * n / count : 0;
	return 0;
}

int validate_runs__add(struct summary *s, const char *target, const char *policy, const char *job,
		       const char *path)
{
	if (summary__add_run(s, target, policy, job, path))
		return -1;
	struct group *g = summary__find(s, target, policy, job);
	char *doc = result_read__file(path);
	double v, t = 0;

	if (!g || !doc) {
		free(doc);
		return -1;
	}
	add_entries(g, doc);
	if (!zero_wait_pct(doc, &v))
		group__add_value(g, "zero_wait_pct", v);
	if (!result_read__number(doc, "summary", "sim_time_ns", &t) && t > 0) {
		if (!result_read__number(doc, "summary", "context_switches", &v))
			group__add_value(g, "switches_per_s", v / (t / 1e9));
		if (!result_read__number(doc, "summary", "migrations", &v))
			group__add_value(g, "migrations_per_s", v / (t / 1e9));
	}
	free(doc);
	return 0;
}

/* The job's entries as "name x instances, ..." from inputs.workload.entries. */
static void entries_of(const char *doc, char *out, size_t len)
{
	const char *at = strstr(doc, "\"entries\": [");
	const char *end = at ? strstr(at, "\n      ]") : NULL;
	size_t n = 0;

	out[0] = 0;
	while (at && (at = strstr(at + 1, "\"stressor\": \"")) && (!end || at < end) && n + 64 < len) {
		char name[48];
		const char *inst = strstr(at, "\"instances\": ");
		if (sscanf(at, "\"stressor\": \"%47[^\"]\"", name) != 1 || !inst)
			break;
		n += (size_t)snprintf(out + n, len - n, "%s%s x %ld", n ? ", " : "", name,
				      strtol(inst + strlen("\"instances\": "), NULL, 10));
	}
}

/* The shortest wall-clock time of the result's stressors (stress-ng's own, without the start-up
 * and teardown a slow guest adds to the run), in seconds; 0 if none. */
static double shortest_stressor_s(const char *doc)
{
	static const char key[] = "\"wall_clock_time_s\": ";
	const char *at = strstr(doc, "\"stressors\": [");
	double best = 0;

	while (at && (at = strstr(at + 1, key))) {
		double v = strtod(at + strlen(key), NULL);
		if (v > 0 && (!best || v < best))
			best = v;
	}
	return best;
}

int validate_runs__match(const char *real_path, const char *sim_path, const char *target, char *why, size_t len)
{
	char *real = result_read__file(real_path), *sim = result_read__file(sim_path);
	char rv[256] = "", sv[256] = "", re[2048], se[2048];
	double rd = 0, sd = 0;
	int rc = -1;

	if (!real || !result_read__complete(real)) {
		snprintf(why, len, "%s: %s", real_path, real ? "cut off (not a whole result)" : "missing or unreadable");
		goto out;
	}
	if (!sim) {
		snprintf(why, len, "%s: missing", sim_path);
		goto out;
	}
	result_read__string(real, "inputs", "target", rv, sizeof(rv));
	if (strcmp(rv, target)) {
		snprintf(why, len, "%s: made on target '%s', not %s", real_path, rv, target);
		goto out;
	}
	rv[0] = sv[0] = 0;
	result_read__string(real, "policy", "source_hash", rv, sizeof(rv));
	result_read__string(sim, "policy", "source_hash", sv, sizeof(sv));
	if (strcmp(rv, sv)) {
		snprintf(why, len, "%s: made with policy source %s, the current one is %s", real_path,
			 rv[0] ? rv : "none (the default scheduler)", sv[0] ? sv : "none (the default scheduler)");
		goto out;
	}
	entries_of(real, re, sizeof(re));
	entries_of(sim, se, sizeof(se));
	if (strcmp(re, se)) {
		snprintf(why, len, "%s: made from the stressors [%s], the job now has [%s]", real_path, re, se);
		goto out;
	}
	rd = shortest_stressor_s(real);
	sd = shortest_stressor_s(sim);
	/* an emulated guest's stress-ng overruns its timeout by a second or more */
	if (!(sd > 0) || !(rd > 0) || rd < 0.75 * sd || rd > 2 * sd) {
		snprintf(why, len, "%s: its stressors ran %.3g s, the simulator's %.3g s (a real run lasts 0.75 to 2 "
			 "times as long)", real_path, rd, sd);
		goto out;
	}
	rc = 0;
out:
	free(real);
	free(sim);
	return rc;
}
