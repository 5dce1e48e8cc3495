/*
 * Sweep files (see sweep_spec.h).
 */
#include "harness/sweep/sweep_spec.h"
#include "harness/util/options.h"
#include "harness/real/kernels.h"
#include "sim/topo/topology.h"
#include "workloads/job.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int words(char *rest, char (*out)[512], size_t width, int max, int *n)
{
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(rest, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (*n == max || strlen(tok) >= width)
			return -1;
		snprintf((char *)out + (size_t)*n * width, width, "%s", tok);
		(*n)++;
	}
	return *n ? 0 : -1;
}

static int parse_seeds(struct sweep_spec *s, char *rest)
{
	s->nr_seeds = 0;
	for (char *save = NULL, *tok = strtok_r(rest, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		int a, b;
		if (sscanf(tok, "%d-%d", &a, &b) == 2) {
			if (a < 0 || b < a)
				return -1;
		} else if (sscanf(tok, "%d", &a) == 1 && a >= 0) {
			b = a;
		} else {
			return -1;
		}
		for (long long v = a; v <= b; v++) { /* long long: b may be INT_MAX */
			if (s->nr_seeds == (int)(sizeof(s->seeds) / sizeof(s->seeds[0])))
				return -1;
			s->seeds[s->nr_seeds++] = (int)v;
		}
	}
	return s->nr_seeds ? 0 : -1;
}

/* Whether the sweep's run count exceeds SWEEP_MAX_RUNS (counted without overflowing). */
static bool runs_beyond_limit(const struct sweep_spec *s)
{
	int64_t combos = 1, variants = 0;
	int64_t factors[] = { s->nr_targets, s->nr_topologies, s->nr_jobs, s->nr_seeds };
	int64_t n;

	for (int k = 0; k < s->nr_knobs; k++) {
		combos *= s->knobs[k].nr_values;
		if (combos > SWEEP_MAX_RUNS)
			return true;
	}
	for (int p = 0; p < s->nr_policies; p++)
		variants += strcmp(s->policies[p], "default") ? combos : 1;
	n = variants;
	for (size_t i = 0; i < sizeof(factors) / sizeof(factors[0]); i++) {
		n *= factors[i];
		if (n > SWEEP_MAX_RUNS)
			return true;
	}
	return n > SWEEP_MAX_RUNS;
}

/* A sweep's job is whole before any run starts (else every run of it fails): 0, or -1 with why. */
static int check_job(const char *job, char *why, size_t len)
{
	static struct job parsed; /* large: not on the stack */

	if (!strcmp(job, "builtin"))
		return 0;
	return job__parse_file(&parsed, job, why, len);
}

static int check_topology(const char *spec, char *why, size_t len)
{
	struct sim_topology t;

	if (sim_topology__parse(&t, spec, why, len))
		return -1;
	sim_topology__destroy(&t);
	return 0;
}

/* When @rc says so, "FILE:LINE: the WHAT: WHY" into @err. True then. */
static bool refused(const char *path, int lineno, const char *what, int rc, const char *why, char *err, size_t errlen)
{
	if (!rc)
		return false;
	snprintf(err, errlen, "%s:%d: the %s: %s", path, lineno, what, why);
	return true;
}

int sweep_spec__load(struct sweep_spec *s, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	int lineno = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (!f) {
		snprintf(err, errlen, "%s: cannot read it", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char key[32], *rest, why[1024];
		int bad = 0;

		lineno++;
		line[strcspn(line, "#\r\n")] = 0;
		if (sscanf(line, "%31s", key) != 1)
			continue;
		rest = strstr(line, key) + strlen(key);
		if (!strcmp(key, "policies"))
			bad = words(rest, s->policies, sizeof(s->policies[0]), SWEEP_MAX_ITEMS, &s->nr_policies);
		else if (!strcmp(key, "jobs")) {
			bad = words(rest, s->jobs, sizeof(s->jobs[0]), SWEEP_MAX_ITEMS, &s->nr_jobs);
			for (int i = 0; !bad && i < s->nr_jobs; i++)
				if (refused(path, lineno, "job", check_job(s->jobs[i], why, sizeof(why)), why, err, errlen)) {
					fclose(f);
					return -1;
				}
		} else if (!strcmp(key, "topologies")) {
			char tmp[SWEEP_MAX_ITEMS][512];
			bad = words(rest, tmp, sizeof(tmp[0]), SWEEP_MAX_ITEMS, &s->nr_topologies);
			for (int i = 0; !bad && i < s->nr_topologies; i++) {
				snprintf(s->topologies[i], sizeof(s->topologies[i]), "%.127s", tmp[i]);
				if (refused(path, lineno, "topology", check_topology(tmp[i], why, sizeof(why)), why, err,
					    errlen)) {
					fclose(f);
					return -1;
				}
			}
		} else if (!strcmp(key, "targets")) {
			char tmp[4][512];
			bad = words(rest, tmp, sizeof(tmp[0]), 4, &s->nr_targets);
			for (int i = 0; !bad && i < s->nr_targets; i++) {
				if (!kernel__target_valid(tmp[i]))
					bad = 1;
				snprintf(s->targets[i], sizeof(s->targets[i]), "%.71s", tmp[i]);
			}
		} else if (!strcmp(key, "knob")) {
			char tmp[SWEEP_MAX_ITEMS + 1][512];
			int n;
			struct sweep_knob *k = &s->knobs[s->nr_knobs];
			bad = s->nr_knobs == SWEEP_MAX_KNOBS || words(rest, tmp, sizeof(tmp[0]), SWEEP_MAX_ITEMS + 1, &n) || n < 2;
			if (!bad) {
				snprintf(k->name, sizeof(k->name), "%.63s", tmp[0]);
				for (int i = 1; i < n; i++) {
					char knob_err[256];
					if (opt__knob_value("knob", k->name, tmp[i], k->values[i - 1], sizeof(k->values[0]), knob_err,
							    sizeof(knob_err))) {
						snprintf(err, errlen, "%s:%d: %s", path, lineno, knob_err);
						fclose(f);
						return -1;
					}
				}
				k->nr_values = n - 1;
				s->nr_knobs++;
			}
		} else if (!strcmp(key, "seeds"))
			bad = parse_seeds(s, rest);
		else if (!strcmp(key, "duration"))
			bad = sscanf(rest, "%31s", s->duration) != 1;
		else if (!strcmp(key, "daemon")) {
			bad = s->nr_daemons == 8 || sscanf(rest, "%63s %511s", s->daemon_policy[s->nr_daemons],
							  s->daemon_src[s->nr_daemons]) != 2;
			if (!bad)
				s->nr_daemons++;
		}
		else {
			snprintf(err, errlen, "%s:%d: '%s': unknown setting (policies, jobs, topologies, knob, seeds, targets, "
				 "duration, daemon)", path, lineno, key);
			fclose(f);
			return -1;
		}
		if (bad) {
			snprintf(err, errlen, "%s:%d: '%s': bad or too many values", path, lineno, key);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!s->nr_policies || !s->nr_jobs) {
		snprintf(err, errlen, "%s: needs at least `policies` and `jobs`", path);
		return -1;
	}
	if (!s->nr_topologies)
		snprintf(s->topologies[s->nr_topologies++], sizeof(s->topologies[0]), "8cpu-2llc");
	if (!s->nr_targets)
		snprintf(s->targets[s->nr_targets++], sizeof(s->targets[0]), "sim");
	if (!s->nr_seeds)
		s->seeds[s->nr_seeds++] = 1;
	if (runs_beyond_limit(s)) {
		snprintf(err, errlen, "%s: more than %d runs (targets x topologies x jobs x policy variants x seeds, "
			 "each knob's values multiplying the variants): the most a sweep may have, its run folders "
			 "being numbered 00000-%05d", path, SWEEP_MAX_RUNS, SWEEP_MAX_RUNS - 1);
		return -1;
	}
	return 0;
}

static int knob_combos(const struct sweep_spec *s)
{
	int n = 1;
	for (int k = 0; k < s->nr_knobs; k++)
		n *= s->knobs[k].nr_values;
	return n;
}

/* Variants per (target, topology, job): the default scheduler once, each policy per knob combo. */
static int variants(const struct sweep_spec *s)
{
	int n = 0;
	for (int p = 0; p < s->nr_policies; p++)
		n += strcmp(s->policies[p], "default") ? knob_combos(s) : 1;
	return n;
}

int sweep_spec__count(const struct sweep_spec *s)
{
	return s->nr_targets * s->nr_topologies * s->nr_jobs * variants(s) * s->nr_seeds;
}

void sweep_spec__run(const struct sweep_spec *s, int index, struct sweep_run *r)
{
	int i = index, v;

	memset(r, 0, sizeof(*r));
	r->index = index;
	r->seed = s->seeds[i % s->nr_seeds];
	i /= s->nr_seeds;
	v = i % variants(s);
	i /= variants(s);
	r->job = s->jobs[i % s->nr_jobs];
	i /= s->nr_jobs;
	r->topology = s->topologies[i % s->nr_topologies];
	i /= s->nr_topologies;
	r->target = s->targets[i % s->nr_targets];
	for (int p = 0; p < s->nr_policies; p++) {
		int n = strcmp(s->policies[p], "default") ? knob_combos(s) : 1;
		if (v >= n) {
			v -= n;
			continue;
		}
		r->policy = s->policies[p];
		if (strcmp(s->policies[p], "default")) {
			for (int k = s->nr_knobs - 1; k >= 0; k--) {
				const struct sweep_knob *kn = &s->knobs[k];
				snprintf(r->knobs[k], sizeof(r->knobs[k]), "%s=%s", kn->name, kn->values[v % kn->nr_values]);
				v /= kn->nr_values;
			}
			r->nr_knobs = s->nr_knobs;
		}
		break;
	}
}
