/*
 * Loader profiles (harness/run/loader_profile.c): bad lines fail with FILE:LINE, and a profile's
 * settings reach the policy in a loader's order (globals, struct_ops, load, syscall programs
 * before attach, attach, syscall programs after attach).
 */
#include "harness/run/loader_profile_sim.h"
#include "harness/profile/loader_profile.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"
#include "test_helpers.h"

#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGET "policies/tests/policies/profile_target.sim.so"

static const char *write_profile(const char *name, const char *text)
{
	static char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", th_tmpdir(), name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* @text fails to parse, with an error naming the file and line @line. */
static void expect_parse_error(const char *text, int line, const char *what)
{
	struct loader_profile lp;
	char err[2048], want[1200];
	const char *path = write_profile("bad.loader", text);

	cr_assert_eq(loader_profile__parse(&lp, path, err, sizeof(err)), -1, "accepted: %s", text);
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	cr_assert_eq(strncmp(err, want, strlen(want)), 0, "want '%s...', got '%s'", want, err);
	cr_assert_not_null(strstr(err, what), "'%s' not in '%s'", what, err);
}

Test(loader_profile, bad_lines_fail_with_file_and_line)
{
	expect_parse_error("# ok\nrodata x = 1\nfrobnicate y = 2\n", 3, "unknown setting 'frobnicate'");
	expect_parse_error("ops flags = SCX_OPS_ENQ_LAST\nops nonsense = 1\n", 2, "ops nonsense: unknown field");
	expect_parse_error("ops flags = SCX_OPS_ENQ_LAST | SCX_OPS_BOGUS\n", 1, "SCX_OPS_BOGUS");
	expect_parse_error("\n\nops timeout_ms = soon\n", 3, "not a 32-bit unsigned number");
	expect_parse_error("ops not_a_callback = null\n", 1, "not a sched_ext_ops callback");
	expect_parse_error("map_entries m = 0\n", 1, "map_entries m");
	expect_parse_error("rodata = 3\n", 1, "expected 'rodata NAME = VALUE'");
	expect_parse_error("syscall prog before-attach sometimes\n", 1, "expected once, per-cpu or on-cpu=N");
	expect_parse_error("syscall prog during once\n", 1, "expected before-attach or after-attach");
	expect_parse_error("syscall prog before-attach once f32:1\n", 1, "unknown argument type 'f32'");
	expect_parse_error("syscall prog before-attach once s32:many\n", 1, "not a number or 'cpu'");
	expect_parse_error("\nmap cfgs.a = 1\n", 2, "expected 'map MAP[KEY][.member...] [cpu=N] = VALUE'");
	expect_parse_error("map cfgs[one].a = 1\n", 1, "map cfgs: key 'one' is not a number");
	expect_parse_error("map cfgs[1]a = 1\n", 1, "expected .member or [N] at 'a'");
	expect_parse_error("map cfgs[1].a cpu=x = 1\n", 1, "expected cpu=N after it, got 'cpu=x'");
	expect_parse_error("map cfgs[1].a =\n", 1, "expected 'map MAP[KEY]");
	expect_parse_error("syscall p before-attach once u32[0]:1\n", 1, "'u32[0]' is not TYPE[N] with N from 1 to 128");
	expect_parse_error("syscall p before-attach once u32[2:1\n", 1, "is not TYPE[N]");
	expect_parse_error("syscall p before-attach once u32[2]:1,2,3\n", 1, "more than 2 values for 'u32[2]'");
	expect_parse_error("syscall p before-attach once u8[100]:1 u8[29]:2\n", 1, "at most 128 arguments");
	expect_parse_error("struct_ops\n", 1, "expected 'struct_ops NAME'");
	expect_parse_error("struct_ops a b\n", 1, "expected 'struct_ops NAME'");
}

static struct sim_policy *open_target(void)
{
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path(TARGET), 4, err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	return pol;
}

Test(loader_profile, a_global_the_policy_lacks_fails_with_file_and_line)
{
	struct loader_profile lp;
	char err[2048], want[1200];
	const char *path = write_profile("noglobal.loader", "rodata big_knob = 2\n\nrodata no_such_global = 1\n");
	struct sim_policy *pol = open_target();

	cr_assert_eq(loader_profile__parse(&lp, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(loader_profile__apply_open(&lp, pol, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: no_such_global", path);
	cr_assert_not_null(strstr(err, want), "%s", err);
	loader_profile__free(&lp);
	sim_policy__close(pol);
}

Test(loader_profile, settings_reach_the_policy_in_loader_order)
{
	struct loader_profile lp;
	char err[2048];
	const char *path = write_profile("good.loader",
		"rodata big_knob = 0x8000000000000001   # needs all 64 bits\n"
		"bss bss_start = 5\n"
		"ops flags = SCX_OPS_SWITCH_PARTIAL | SCX_OPS_ENQ_EXITING\n"
		"ops timeout_ms = 5000\n"
		"ops dump = null\n"
		"syscall record_call before-attach once s32:-1 u64:7\n"
		"syscall record_call before-attach per-cpu s32:cpu u64:1\n"
		"syscall record_call after-attach on-cpu=3 s32:cpu u64:9\n");
	struct sim_policy *pol = open_target();
	struct sim_topology topo;
	struct sim_config cfg;

	cr_assert_eq(loader_profile__parse(&lp, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(loader_profile__apply_open(&lp, pol, err, sizeof(err)), 0, "%s", err);
	struct sched_ext_ops *ops = sim_policy__ops(pol);
	cr_assert_eq(ops->flags, SCX_OPS_SWITCH_PARTIAL | SCX_OPS_ENQ_EXITING);
	cr_assert_eq(ops->timeout_ms, 5000);
	cr_assert_null(ops->dump);
	cr_assert_not_null(ops->init);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "big_knob", NULL), 0x8000000000000001ULL);
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "bss_start", NULL), 5);

	cr_assert_eq(sim_topology__parse(&topo, "4cpu", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	struct sim *sim = sim__new(&cfg, &topo);
	sim__set_current(sim);
	cr_assert_eq(sim_policy__freeze(pol, err, sizeof(err)), 0, "%s", err);
	/* the before-attach programs run, in file order; the after-attach one waits for attach
	 * (which `scxlab run` does between the two phases) */
	cr_assert_eq(loader_profile__run_syscalls(&lp, pol, sim, false, err, sizeof(err)), 0, "%s", err);

	struct call_rec { int32_t arg_cpu, ran_on; uint64_t arg_val; bool after_attach; };
	const struct call_rec *calls = sim_policy__global(pol, "calls", NULL);
	cr_assert_eq(*(uint32_t *)sim_policy__global(pol, "nr_calls", NULL), 5);
	cr_assert_eq(calls[0].arg_cpu, -1);
	cr_assert_eq(calls[0].arg_val, 7);
	cr_assert(!calls[0].after_attach);
	for (int cpu = 0; cpu < 4; cpu++) {
		cr_assert_eq(calls[1 + cpu].arg_cpu, cpu);
		cr_assert_eq(calls[1 + cpu].ran_on, cpu, "pinned to its CPU");
		cr_assert_eq(calls[1 + cpu].arg_val, 1);
		cr_assert(!calls[1 + cpu].after_attach);
	}
	cr_assert_eq(loader_profile__run_syscalls(&lp, pol, sim, true, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(*(uint32_t *)sim_policy__global(pol, "nr_calls", NULL), 6);
	cr_assert_eq(calls[5].arg_cpu, 3);
	cr_assert_eq(calls[5].ran_on, 3, "pinned to on-cpu=3");
	cr_assert_eq(calls[5].arg_val, 9);
	sim__free(sim);
	sim_topology__destroy(&topo);
	loader_profile__free(&lp);
	sim_policy__close(pol);
}

Test(loader_profile, a_missing_program_fails_with_file_and_line)
{
	struct loader_profile lp;
	char err[2048], want[1200];
	const char *path = write_profile("noprog.loader", "syscall no_such_prog before-attach once\n");
	struct sim_policy *pol = open_target();
	struct sim_topology topo;
	struct sim_config cfg;

	cr_assert_eq(loader_profile__parse(&lp, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sim_topology__parse(&topo, "2cpu", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	struct sim *sim = sim__new(&cfg, &topo);
	sim__set_current(sim);
	cr_assert_eq(sim_policy__freeze(pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(loader_profile__run_syscalls(&lp, pol, sim, false, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: ", path);
	cr_assert_not_null(strstr(err, want), "%s", err);
	cr_assert_not_null(strstr(err, "no_such_prog"), "%s", err);
	sim__free(sim);
	sim_topology__destroy(&topo);
	loader_profile__free(&lp);
	sim_policy__close(pol);
}

/* A profile writes fields of struct globals and rows of arrays of arrays by path, as scx_lavd's
 * loader fills bss cpdom_ctxs[d].llc_id and rodata pco_table[state][...]; a bad path is an
 * error naming the file and line. */
Test(loader_profile, struct_fields_and_rows_by_path)
{
	struct loader_profile lp;
	char err[2048];
	const char *path = write_profile("paths.loader",
		"bss doms[1].id = 42\n"
		"bss doms[1].small = 1,2,3\n"
		"bss doms[0].mask[1] = 0xf0\n"
		"rodata table[2] = 7,8,9,10\n"
		"rodata table[0] = 5\n");
	struct sim_policy *pol = open_target();
	struct dom_cfg { uint64_t id; uint8_t small[4]; uint64_t mask[2]; };
	const struct dom_cfg *doms;
	const uint16_t *table;

	cr_assert_eq(loader_profile__parse(&lp, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(loader_profile__apply_open(&lp, pol, err, sizeof(err)), 0, "%s", err);
	doms = sim_policy__global(pol, "doms", NULL);
	table = sim_policy__global(pol, "table", NULL);
	cr_assert_eq(doms[1].id, 42);
	cr_assert_eq(doms[1].small[0], 1);
	cr_assert_eq(doms[1].small[2], 3);
	cr_assert_eq(doms[1].small[3], 0);
	cr_assert_eq(doms[0].mask[1], 0xf0);
	cr_assert_eq(doms[0].mask[0], 0);
	cr_assert_eq(doms[0].id, 0);
	cr_assert_eq(table[2 * 4 + 0], 7);
	cr_assert_eq(table[2 * 4 + 3], 10);
	cr_assert_eq(table[0], 5);
	cr_assert_eq(table[1], 0, "row 0 has one value");
	cr_assert_eq(table[1 * 4], 0, "row 1 untouched");
	loader_profile__free(&lp);

	static const char *const bad[][2] = {
		{ "bss doms[2].id = 1\n", "bad index" },
		{ "bss doms[0].nope = 1\n", "no member 'nope'" },
		{ "bss doms[0] = 1\n", "no integer global" },
		{ "bss doms[0].small = 1,2,3,4,5\n", "more than 4 values" },
		{ "bss doms[0].id = 1x\n", "not a number" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[1200];
		path = write_profile("badpath.loader", bad[i][0]);
		cr_assert_eq(loader_profile__parse(&lp, path, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(loader_profile__apply_open(&lp, pol, err, sizeof(err)), -1, "accepted %s", bad[i][0]);
		snprintf(want, sizeof(want), "%s:1: ", path);
		cr_assert_not_null(strstr(err, want), "%s", err);
		cr_assert_not_null(strstr(err, bad[i][1]), "'%s' not in '%s'", bad[i][1], err);
		loader_profile__free(&lp);
	}
	sim_policy__close(pol);
}

/* A parsed profile written back (what the selftests' guest runs hand to scxlab-kload) parses to
 * the same settings. */
/* An array member of a program's context, `u16[4]:7,cpu`: its elements at their natural
 * alignment after the scalars before it, those not listed zero, then the next member. */
Test(loader_profile, an_array_argument_packs_its_elements)
{
	struct loader_profile lp;
	char err[2048];
	const char *path = write_profile("array.loader", "syscall refresh before-attach once u8:1 u16[4]:7,cpu u64:5\n");
	unsigned char ctx[64], want[24] = { 1, 0, 7, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };

	cr_assert_eq(loader_profile__parse(&lp, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(lp.items[0].nr_args, 6);
	cr_assert_eq(loader_profile__pack_args(&lp.items[0], 3, ctx, sizeof(ctx)), 24);
	cr_assert_eq(memcmp(ctx, want, sizeof(want)), 0);
	loader_profile__free(&lp);
}

Test(loader_profile, a_written_profile_parses_to_the_same_settings)
{
	struct loader_profile a, b;
	char err[2048];
	const char *path = write_profile("round.loader",
		"rodata big_knob = 0x8000000000000001\n"
		"bss doms[1].small = 1,2,3\n"
		"ops flags = SCX_OPS_SWITCH_PARTIAL | SCX_OPS_ENQ_EXITING\n"
		"ops dump = null\n"
		"map_entries m = 16\n"
		"attach-at 50ms\n"
		"syscall record_call before-attach once s32:-1 u64:7\n"
		"syscall record_call after-attach on-cpu=3 s16:cpu u8:9\n"
		"syscall refresh before-attach once u32:1 u16[4]:7,cpu u64:5\n"
		"map cpu_fills[0].order[0] cpu=1 = 9\n"
		"map cfgs[3].b = 1,2,3,4\n"
		"struct_ops second_ops\n");
	const char *again = th_write_tmp("again.loader", "");
	FILE *f;

	cr_assert_eq(loader_profile__parse(&a, path, err, sizeof(err)), 0, "%s", err);
	f = fopen(again, "w");
	cr_assert_not_null(f);
	cr_assert_eq(loader_profile__write(&a, f), 0);
	fclose(f);
	cr_assert_eq(loader_profile__parse(&b, again, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(b.nr_items, a.nr_items);
	for (int i = 0; i < a.nr_items; i++) {
		const struct profile_item *x = &a.items[i], *y = &b.items[i];
		unsigned char cx[64], cy[64];

		cr_assert_eq(x->kind, y->kind, "item %d", i);
		cr_assert_str_eq(x->name, y->name);
		if (x->kind == PI_GLOBAL || x->kind == PI_MAP_VALUE)
			cr_assert_str_eq(x->value, y->value); /* ops values are compared as numbers */
		cr_assert_str_eq(x->path, y->path, "item %d", i);
		cr_assert_eq(x->cpu, y->cpu, "item %d", i);
		cr_assert_eq(x->num, y->num, "item %d", i);
		cr_assert_eq(x->after_attach, y->after_attach);
		cr_assert_eq(x->mode, y->mode);
		cr_assert_eq(x->on_cpu, y->on_cpu);
		cr_assert_eq(x->nr_args, y->nr_args);
		cr_assert_eq(loader_profile__pack_args(x, 5, cx, sizeof(cx)), loader_profile__pack_args(y, 5, cy, sizeof(cy)));
		cr_assert_eq(memcmp(cx, cy, sizeof(cx)), 0, "item %d: the same program context", i);
	}
	loader_profile__free(&a);
	loader_profile__free(&b);
}

/* Every shipped profile (workloads/loaders/, 2cpu/) parses: what `scxlab run --loader` reads first. */
Test(loader_profile, the_shipped_profiles_parse)
{
	const char *patterns[] = { "workloads/loaders/*.loader", "workloads/loaders/2cpu/*.loader" };
	size_t total = 0;

	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
		glob_t g;

		cr_assert_eq(glob(th_src_path(patterns[p]), 0, NULL, &g), 0, "%s", patterns[p]);
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct loader_profile lp;
			char err[2048];

			cr_assert_eq(loader_profile__parse(&lp, g.gl_pathv[i], err, sizeof(err)), 0, "%s", err);
			cr_assert_gt(lp.nr_items, 0, "%s", g.gl_pathv[i]);
			loader_profile__free(&lp);
			total++;
		}
		globfree(&g);
	}
	cr_assert_geq(total, 10, "%zu profiles", total);
}
