/*
 * The simulator's fast paths give the answers of the slow ones they replaced: the PRIQ DSQ's
 * vtime index against a list walk (random vtimes with ties and wrap-around, random removals),
 * the idle-CPU pick's word-at-a-time rotation against a CPU-by-CPU one, and the same inputs
 * giving byte-identical result.json on several topologies, under a policy and without.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scx_fixture.h"
#include "sim/scx/scx_internal.h"
#include "test_helpers.h"

static struct sched_ext_ops idle_ops = { .name = "speed_paths" };

/* The old insert: walk from the tail to the last task whose vtime is <= p's. */
static void oracle_insert(struct sim_task **list, int *n, struct sim_task *p)
{
	int pos = *n;

	while (pos > 0 && (int64_t)(p->ts.scx.dsq_vtime - list[pos - 1]->ts.scx.dsq_vtime) < 0)
		pos--;
	memmove(&list[pos + 1], &list[pos], (size_t)(*n - pos) * sizeof(*list));
	list[pos] = p;
	(*n)++;
}

static void oracle_remove(struct sim_task **list, int *n, int at)
{
	memmove(&list[at], &list[at + 1], (size_t)(*n - at - 1) * sizeof(*list));
	(*n)--;
}

static void check_same_order(const struct scx_dsq *dsq, struct sim_task **list, int n)
{
	const struct sim_task *it = dsq->head, *prev = NULL;

	cr_assert_eq(dsq->nr, (uint32_t)n);
	for (int i = 0; i < n; i++, prev = it, it = it->scx.dsq_next) {
		cr_assert_not_null(it, "list ends at %d of %d", i, n);
		cr_assert_eq(it, list[i], "position %d: pid %d, the list walk put pid %d there", i,
			     it->ts.pid, list[i]->ts.pid);
		cr_assert_eq(it->scx.dsq_prev, prev);
	}
	cr_assert_null(it);
	cr_assert_eq(dsq->tail, n ? list[n - 1] : NULL);
}

Test(speed_paths, priq_index_orders_as_the_list_walk_did)
{
	enum { NR = 600, STEPS = 6000 };
	struct sim *sim = fx_sim("4", 1);
	struct sim_task *tasks = calloc(NR, sizeof(*tasks)), *list[NR];
	struct scx_dsq dsq;
	uint64_t rng = 12345;
	int n = 0;

	fx_attach(sim, &idle_ops);
	scx_dsq_init(&dsq, 99, -1, false);
	for (int i = 0; i < NR; i++) {
		tasks[i].sim = sim;
		tasks[i].ts.pid = 1 + i;
	}
	for (int step = 0; step < STEPS; step++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		bool insert = n == 0 || (n < NR && (rng >> 60) < 9);
		if (insert) {
			struct sim_task *p = NULL;
			for (int i = (int)((rng >> 20) % NR); !p; i = (i + 1) % NR)
				if (!tasks[i].scx.dsq)
					p = &tasks[i];
			/* a few distinct vtimes (many ties) around the 2^64 wrap */
			p->ts.scx.dsq_vtime = UINT64_MAX - 40 + (rng >> 40) % 80;
			oracle_insert(list, &n, p);
			scx_dsq_link(sim->scx, &dsq, p, SCX_ENQ_DSQ_PRIQ);
		} else {
			int at = (int)((rng >> 24) % (uint64_t)n);
			if ((rng >> 58) == 0)
				at = 0; /* consuming takes the head */
			scx_dsq_unlink(list[at]);
			oracle_remove(list, &n, at);
		}
		check_same_order(&dsq, list, n);
	}
	cr_assert_null(sim->scx->exit.exited ? "exited" : NULL, "no error on a PRIQ-only DSQ");
	while (n) {
		scx_dsq_unlink(list[0]);
		oracle_remove(list, &n, 0);
	}
	cr_assert_null(dsq.vt.root, "the index empties with the list");
	free(tasks);
	sim__free(sim);
}

Test(speed_paths, idle_pick_rotates_across_mask_words)
{
	struct sim *sim = fx_sim("130", 1);
	struct cpumask allowed = { 0 };
	static const int cpus[] = { 3, 64, 65, 127, 129 };

	fx_attach(sim, &idle_ops);
	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		allowed.bits[cpus[i] / 64] |= 1UL << (cpus[i] % 64);
	/* every CPU is idle before any task: the picks go up from CPU 0, one allowed CPU each */
	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		cr_assert_eq(scx_bpf_pick_idle_cpu(&allowed, 0), cpus[i]);
	cr_assert_eq(scx_bpf_pick_idle_cpu(&allowed, 0), -EBUSY, "all five claimed");
	/* after CPU 129 the rotation wraps: 64 idle again is found from CPU 0 on */
	scx_idle_update(sim->scx, 64, true);
	scx_idle_update(sim->scx, 3, true);
	cr_assert_eq(scx_bpf_pick_idle_cpu(&allowed, 0), 3);
	cr_assert_eq(scx_bpf_pick_idle_cpu(&allowed, 0), 64);
	/* pick_any without an idle CPU: the next online allowed CPU after the last pick */
	cr_assert_eq(scx_bpf_pick_any_cpu(&allowed, 0), 65);
	cr_assert_eq(scx_bpf_pick_any_cpu(&allowed, 0), 127);
	cr_assert_eq(scx_bpf_pick_any_cpu(&allowed, 0), 129);
	cr_assert_eq(scx_bpf_pick_any_cpu(&allowed, 0), 3);
	sim__free(sim);
}

static char *run_once(const char *policy, const char *topo, const char *tag)
{
	char dir[512], path[600], log[600];

	snprintf(dir, sizeof(dir), "%s/%s", th_tmpdir(), tag);
	snprintf(log, sizeof(log), "%s/%s.log", th_tmpdir(), tag);
	if (policy)
		cr_assert_eq(th_scxlab(log, "run", "--policy", policy, "--topology", topo, "--hogs", "600",
				       "--pairs", "100", "--duration", "60ms", "--seed", "5", "--out", dir,
				       "--quiet", NULL), 0, "%s on %s failed (see %s)", policy, topo, log);
	else
		cr_assert_eq(th_scxlab(log, "run", "--topology", topo, "--hogs", "600", "--pairs", "100",
				       "--duration", "60ms", "--seed", "5", "--out", dir, "--quiet", NULL), 0,
			     "fair on %s failed (see %s)", topo, log);
	snprintf(path, sizeof(path), "%s/result.json", dir);
	char *text = th_read_file(path, NULL);
	cr_assert_not_null(text, "no %s", path);
	return text;
}

Test(speed_paths, same_inputs_give_byte_identical_results_on_several_topologies, .timeout = 300)
{
	static const char *const topos[] = { "8cpu-smt", "2x2x4x2", "130", "512cpu-4node" };
	/* th_build_path's buffer is reused: keep copies */
	char *pols[] = { strdup(th_build_path("policies/sched/scxl_vtime.sim.so")),
			 strdup(th_build_path("policies/sched/scxl_llc.sim.so")), NULL };

	for (size_t t = 0; t < sizeof(topos) / sizeof(topos[0]); t++) {
		for (size_t p = 0; p < sizeof(pols) / sizeof(pols[0]); p++) {
			char *a = run_once(pols[p], topos[t], "a"), *b = run_once(pols[p], topos[t], "b");
			cr_assert_str_eq(a, b, "%s on %s: two runs differ", pols[p] ? pols[p] : "fair",
					 topos[t]);
			cr_assert_not_null(strstr(a, "\"tasks\": 800"));
			free(a);
			free(b);
		}
	}
	free(pols[0]);
	free(pols[1]);
}
