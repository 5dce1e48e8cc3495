/*
 * Loading a policy's .sim.so: struct_ops, maps and knobs from its BTF, independent instances,
 * knob checking, map access, and clear errors for bad objects.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sim/bpf/bpf_runtime.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"
#include "test_helpers.h"
#include "workloads/builtin.h"

#define SMOKE "policies/tests/policies/shim_smoke.sim.so"

static struct sim_policy *open_smoke(int nr_cpus)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path(SMOKE), nr_cpus, err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	return pol;
}

static int knob_index(struct sim_policy *pol, const char *name)
{
	for (int i = 0; i < sim_policy__nr_knobs(pol); i++)
		if (!strcmp(sim_policy__knob_name(pol, i), name))
			return i;
	return -1;
}

Test(policy_loader, finds_ops_maps_and_knobs)
{
	struct sim_policy *pol = open_smoke(8);
	char val[64];

	cr_assert_str_eq(sim_policy__name(pol), "shim_smoke");
	cr_assert_not_null(sim_policy__ops(pol)->enqueue);
	const struct sim_bpf_map *stats = sim_policy__map_by_name(pol, "stats");
	cr_assert_not_null(stats);
	cr_assert_eq(sim_bpf_map__def(stats)->type, BPF_MAP_TYPE_PERCPU_ARRAY);
	cr_assert_eq(sim_bpf_map__def(stats)->key_size, 4);
	cr_assert_eq(sim_bpf_map__def(stats)->value_size, 8);
	const struct sim_bpf_map *ts = sim_policy__map_by_name(pol, "task_ctxs");
	cr_assert_not_null(ts);
	cr_assert_eq(sim_bpf_map__def(ts)->type, BPF_MAP_TYPE_TASK_STORAGE);

	int i = knob_index(pol, "slice_ns");
	cr_assert_geq(i, 0);
	cr_assert_eq(sim_policy__knob_value(pol, i, val, sizeof(val)), 0);
	cr_assert_str_eq(val, "20000000");
	/* the loader sizes the exit dump as libbpf-based loaders do */
	i = knob_index(pol, "uei_dump_len");
	cr_assert_geq(i, 0);
	sim_policy__knob_value(pol, i, val, sizeof(val));
	cr_assert_neq(strcmp(val, "0"), 0);
	sim_policy__close(pol);
}

Test(policy_loader, knobs_are_checked_by_type_and_name)
{
	struct sim_policy *pol = open_smoke(8);
	char err[512], val[64];

	cr_assert_eq(sim_policy__set_knob(pol, "slice_ns", "0x1000", err, sizeof(err)), 0, "%s", err);
	sim_policy__knob_value(pol, knob_index(pol, "slice_ns"), val, sizeof(val));
	cr_assert_str_eq(val, "4096");
	cr_assert_eq(sim_policy__set_knob(pol, "fifo_sched", "true", err, sizeof(err)), 0, "%s", err);

	cr_assert_neq(sim_policy__set_knob(pol, "fifo_sched", "2", err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "fifo_sched"), "%s", err);
	cr_assert_neq(sim_policy__set_knob(pol, "slice_ns", "-1", err, sizeof(err)), 0);
	cr_assert_neq(sim_policy__set_knob(pol, "slice_ns", "12abc", err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "not a number"), "%s", err);
	cr_assert_neq(sim_policy__set_knob(pol, "no_such_knob", "1", err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "no_such_knob"), "%s", err);

	cr_assert_eq(sim_policy__freeze(pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_neq(sim_policy__set_knob(pol, "slice_ns", "1", err, sizeof(err)), 0);
	sim_policy__close(pol);
}

Test(policy_loader, two_opens_do_not_share_globals)
{
	struct sim_policy *a = open_smoke(8), *b = open_smoke(8);
	char err[256], va[64], vb[64];

	cr_assert_eq(sim_policy__set_knob(a, "slice_ns", "1234", err, sizeof(err)), 0, "%s", err);
	sim_policy__knob_value(a, knob_index(a, "slice_ns"), va, sizeof(va));
	sim_policy__knob_value(b, knob_index(b, "slice_ns"), vb, sizeof(vb));
	cr_assert_str_eq(va, "1234");
	cr_assert_str_eq(vb, "20000000");
	sim_policy__close(a);
	sim_policy__close(b);
}

static struct sim *smoke_run(struct sim_policy *pol, uint64_t ns)
{
	struct sim_topology topo;
	struct sim_config cfg;
	struct builtin_workload wl;
	char err[512];
	struct sim *sim;

	cr_assert_eq(sim_topology__parse(&topo, "4cpu", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	sim = sim__new(&cfg, &topo);
	sim__set_current(sim);
	cr_assert_eq(sim_policy__freeze(pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(scx_sched__attach(sim, sim_policy__ops(pol), sim_policy__name(pol), err, sizeof(err)), 0,
		     "%s", err);
	builtin_workload__defaults(&wl, topo.nr_cpus);
	cr_assert_eq(builtin_workload__add(sim, &wl), 0);
	cr_assert_eq(sim__run_until(sim, ns), 0);
	sim_topology__destroy(&topo);
	return sim;
}

Test(policy_loader, policy_counts_into_its_percpu_map)
{
	struct sim_policy *pol = open_smoke(4);
	struct sim *sim = smoke_run(pol, 200000000ULL);
	struct sim_bpf_map *stats = sim_policy__map_by_name(pol, "stats");
	uint64_t vals[4], total = 0;

	cr_assert(scx_sched__enabled(sim));
	/* every counter of the smoke policy, over all CPUs: it scheduled things */
	for (uint32_t k = 0; k < sim_bpf_map__def(stats)->max_entries; k++) {
		cr_assert_eq(sim_bpf_map__lookup(stats, &k, vals, sizeof(vals)), 0);
		for (int c = 0; c < 4; c++)
			total += vals[c];
	}
	cr_assert_gt(total, 1000);
	sim__free(sim);
	sim_policy__close(pol);
}

Test(policy_loader, scx_bpf_exit_from_a_policy_reaches_the_exit_record)
{
	struct sim_policy *pol = open_smoke(4);
	char err[256];

	cr_assert_eq(sim_policy__set_knob(pol, "exit_after_enqueues", "50", err, sizeof(err)), 0, "%s", err);
	struct sim *sim = smoke_run(pol, 300000000ULL);
	const struct scx_exit_record *ex = scx_sched__exit_record(sim);

	cr_assert(ex->exited);
	cr_assert_eq(ex->kind, SCX_EXIT_UNREG_BPF);
	cr_assert_eq(ex->exit_code & 0xff, 42);
	cr_assert_not_null(strstr(ex->msg, "smoke: exit after 50 enqueues"), "%s", ex->msg);
	cr_assert_not(scx_sched__enabled(sim));
	sim__free(sim);
	sim_policy__close(pol);
}

Test(policy_loader, bad_objects_get_errors_naming_the_file)
{
	char err[512];

	cr_assert_null(sim_policy__open("/nonexistent/x.sim.so", 4, err, sizeof(err)));
	cr_assert_not_null(strstr(err, "/nonexistent/x.sim.so"), "%s", err);
	/* a shared object without BTF (the simulator library itself) */
	const char *lib = th_build_path("libscxsim.so");
	cr_assert_null(sim_policy__open(lib, 4, err, sizeof(err)));
	cr_assert_not_null(strstr(err, lib), "%s", err);
}

Test(policy_loader, kconfig_values_are_the_emulated_kernels)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/kconfig_reader.sim.so"), 4,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = smoke_run(pol, 10000000ULL);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_hz", NULL), 250);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_version", NULL), (7u << 16) | (2u << 8) | 13u);
	sim__free(sim);
	sim_policy__close(pol);
}

struct consume_ctx {
	uint64_t n, last_seq;
	bool in_order;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct consume_ctx *c = ctx;
	struct { int32_t pid; uint64_t seq; } e;

	cr_assert_eq(size, sizeof(e));
	memcpy(&e, data, sizeof(e));
	c->in_order &= e.seq == c->last_seq + 1;
	c->last_seq = e.seq;
	c->n++;
	return 0;
}

Test(policy_loader, ring_buffers_carry_records_both_ways_in_order)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/ringbuf_syscall.sim.so"), 4,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim_bpf_map *cmds = sim_policy__map_by_name(pol, "commands");
	for (uint64_t v = 1; v <= 5; v++)
		cr_assert_eq(sim_bpf_map__user_ringbuf_produce(cmds, &v, sizeof(v)), 0);
	struct sim *sim = smoke_run(pol, 1000000000ULL);
	struct consume_ctx c = { .in_order = true };
	int n = sim_bpf_map__ringbuf_consume(sim_policy__map_by_name(pol, "events"), on_event, &c);
	uint64_t enq = *(uint64_t *)sim_policy__global(pol, "nr_enqueued", NULL);
	uint64_t dropped = *(uint64_t *)sim_policy__global(pol, "nr_events_dropped", NULL);

	cr_assert_gt(enq, 200, "%lu enqueues", (unsigned long)enq);
	cr_assert_gt(dropped, 0, "a 4 KiB buffer nobody drains must fill up (170 records)");
	cr_assert_eq((uint64_t)n, enq - dropped);
	cr_assert(c.in_order, "records out of order");
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "command_sum", NULL), 15);
	sim__free(sim);
	sim_policy__close(pol);
}

Test(policy_loader, syscall_programs_run_with_unlocked_kfuncs)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/ringbuf_syscall.sim.so"), 4,
						  err, sizeof(err));
	struct { uint64_t add, dsq_id; } args = { 40, 99 };
	int ret = 0;

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = smoke_run(pol, 1000000ULL);
	cr_assert_eq(sim_policy__run_syscall(pol, sim, "add_and_create", &args, &ret, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ret, 7);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "syscall_sum", NULL), 40);
	/* the DSQ exists now: creating it again fails */
	cr_assert_eq(sim_policy__run_syscall(pol, sim, "add_and_create", &args, &ret, err, sizeof(err)), 0);
	cr_assert_eq(ret, -1);
	cr_assert_neq(sim_policy__run_syscall(pol, sim, "no_such_prog", &args, &ret, err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "no_such_prog"));
	sim__free(sim);
	sim_policy__close(pol);
}

/* A policy's own types for __kconfig externs (unsigned, unsigned long, bool, unsigned char)
 * read the emulated kernel's values. */
Test(policy_loader, kconfig_externs_read_in_the_type_the_source_declares)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/kconfig_perf.sim.so"), 4,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = smoke_run(pol, 10000000ULL);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_hz", NULL), 250);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_nr_cpus", NULL), 512);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_x86_64", NULL), 1);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_preempt_rt", NULL), 0);
	sim__free(sim);
	sim_policy__close(pol);
}

/* Perf event reads: a slot user space filled counts the reading CPU's busy time, never going
 * backwards and never past the time run; an empty slot reads -ENOENT. */
Test(policy_loader, perf_event_reads_count_simulated_execution)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/kconfig_perf.sim.so"), 4,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim_bpf_map *counters = sim_policy__map_by_name(pol, "counters");
	cr_assert_not_null(counters);
	for (uint32_t cpu = 0; cpu < 2; cpu++) {
		uint32_t fd = 100 + cpu; /* what a loader stores: the event's fd */
		cr_assert_eq(sim_bpf_map__update(counters, &cpu, &fd, sizeof(fd), 0), 0);
	}
	struct sim *sim = smoke_run(pol, 200000000ULL);
	const uint64_t *reads = sim_policy__global(pol, "nr_reads", NULL);
	const uint64_t *enoent = sim_policy__global(pol, "nr_enoent", NULL);
	const uint64_t *last = sim_policy__global(pol, "last_counter", NULL);

	for (int cpu = 0; cpu < 2; cpu++) {
		cr_assert_gt(reads[cpu], 0, "cpu %d", cpu);
		cr_assert_eq(enoent[cpu], 0, "cpu %d", cpu);
		cr_assert_gt(last[cpu], 0, "cpu %d", cpu);
		cr_assert_leq(last[cpu], 200000000ULL, "cpu %d: %llu", cpu, (unsigned long long)last[cpu]);
	}
	for (int cpu = 2; cpu < 4; cpu++) {
		cr_assert_eq(reads[cpu], 0, "cpu %d", cpu);
		cr_assert_gt(enoent[cpu], 0, "cpu %d", cpu);
	}
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "went_backwards", NULL), 0);
	sim__free(sim);
	sim_policy__close(pol);
}

/* scx's __SCX_* rodata gets the simulated kernel's SCX_* values when the policy is opened, as
 * a libbpf loader fills it from the kernel's BTF; a u64 knob keeps all 64 bits. */
Test(policy_loader, scx_enum_rodata_reads_the_kernels_values)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/enum_reader.sim.so"), 4,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	cr_assert_eq(sim_policy__set_knob(pol, "big_knob", "0xfffffffffffffffe", err, sizeof(err)), 0, "%s", err);
	struct sim *sim = smoke_run(pol, 10000000ULL);
	cr_assert(scx_sched__enabled(sim), "no error exit");
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_dsq_local", NULL), SCX_DSQ_LOCAL);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_slice_dfl", NULL), SCX_SLICE_DFL);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_enq_wakeup", NULL), SCX_ENQ_WAKEUP);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_big_knob", NULL), 0xfffffffffffffffeULL);
	sim__free(sim);
	sim_policy__close(pol);
}

/* A plain `const` (scx_cake's nr_llcs) is a folded constant, not a knob: the topology fill
 * leaves it alone and --knob refuses it by name, while a const volatile one is filled. */
Test(policy_loader, a_folded_const_is_not_a_knob)
{
	char err[512];
	struct sim_topology topo;
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/folded_const.sim.so"), 4,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	cr_assert_eq(sim_topology__parse(&topo, "8cpu-2llc", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sim_policy__apply_topology(pol, &topo), 1, "only nr_cpu_ids is a knob");
	sim_topology__destroy(&topo);
	cr_assert_neq(sim_policy__set_knob(pol, "nr_llcs", "2", err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "nr_llcs is const but not volatile"), "%s", err);
	cr_assert_neq(sim_policy__set_knob(pol, "folded_cfg.depth", "4", err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "folded_cfg is const but not volatile"), "%s", err);
	struct sim *sim = smoke_run(pol, 10000000ULL);
	cr_assert_eq(*(uint32_t *)sim_policy__global(pol, "seen_nr_llcs", NULL), 1);
	cr_assert_eq(*(uint32_t *)sim_policy__global(pol, "seen_depth", NULL), 3);
	cr_assert_eq(*(uint32_t *)sim_policy__global(pol, "seen_nr_cpu_ids", NULL), 8);
	sim__free(sim);
	sim_policy__close(pol);
}

/* Arenas as the kernel lays them out (sim/bpf/arena.c, sim/scx/arena_trap.c): a NULL arena
 * pointer reaches page 0, the first page allocated; pages not allocated read and write the
 * one scratch page; a freed page comes back zeroed. The policy checks it from inside. */
Test(policy_loader, arena_pointers_reach_the_window_as_in_the_kernel)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/arena_layout.sim.so"), 4,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = smoke_run(pol, 10000000ULL);
	cr_assert(scx_sched__enabled(sim), "ops.init must not fault");
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "null_read", NULL), 0);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "first_page_offset", NULL), 0);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "problems", NULL), 0, "problem bits 0x%llx",
		     (unsigned long long)*(uint64_t *)sim_policy__global(pol, "problems", NULL));
	sim__free(sim);
	sim_policy__close(pol);
}

/* scx_bpf_cpu_curr() of an idle CPU is its idle task, as in the kernel (it was NULL here,
 * which made the selftest allowed_cpus fail with "running CPU 0 should be marked as busy"). */
Test(policy_loader, cpu_curr_of_an_idle_cpu_is_its_idle_task)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/cpu_curr_reader.sim.so"), 4,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = smoke_run(pol, 10000000ULL);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_null", NULL), 0);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_pid", NULL), 0);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_idle_flag", NULL), 1);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "seen_on_cpu", NULL), 1);
	/* current of an idle CPU is its idle task (scx_lavd's ops.runnable reads current->comm),
	 * and a workload task's parent is init (lavd's init_task reads p->real_parent->pid) */
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "current_null", NULL), 0);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "current_pid", NULL), 0);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "parent_pid", NULL), 1);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "grandparent_pid", NULL), 0);
	sim__free(sim);
	sim_policy__close(pol);
}

/* A map update copies a value around its kptrs and frees the kptr it replaces, as the kernel's
 * copy_map_value()/bpf_obj_free_fields() do: a stack value with an uninitialised kptr slot
 * (scx_rusty's lb_domain_alloc()) used to be copied whole, and the garbage pointer was later
 * released by the policy (heap corruption in ops.init). User space reads a kptr as 0. */
Test(policy_loader, map_update_skips_and_frees_kptr_fields)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/map_kptr_update.sim.so"), 4,
						  err, sizeof(err));
	static const char *const seen[] = {
		"array_slot_null", "array_members_copied", "array_xchg_empty",
		"hash_slot_null", "hash_members_copied", "hash_replace_slot_null",
	};
	struct { uint64_t before, mask, after; } v;
	uint32_t key = 0;

	cr_assert_not_null(pol, "%s", err);
	struct sim *sim = smoke_run(pol, 10000000ULL);
	cr_assert(scx_sched__enabled(sim), "ops.init failed");
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		cr_assert_eq(*(uint64_t *)sim_policy__global(pol, seen[i], NULL), 1, "%s", seen[i]);
	/* the array element holds a mask again (array_xchg_empty); user space sees 0 there */
	cr_assert_eq(sim_bpf_map__lookup(sim_policy__map_by_name(pol, "masked_array"), &key, &v, sizeof(v)), 0);
	cr_assert_eq(v.before, 11);
	cr_assert_eq(v.mask, 0);
	cr_assert_eq(v.after, 22);
	sim__free(sim);
	sim_policy__close(pol);
}
