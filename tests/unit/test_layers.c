/*
 * The layering check (scripts/check-layers.sh, rules in scripts/layers*.conf): the source tree
 * passes it, and it fails, naming both files and the rule, on a copy of the tree with one
 * upward include, on folders that include each other in a circle, and on bad rule files; with
 * --calls the build's objects pass the same rules, and an upward call without an include fails.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_helpers.h"

/* Run the check with @options on @tree; its exit status, its output in *@out (malloc'ed). */
static int check_layers_with(const char *options, const char *tree, char **out)
{
	char cmd[8192], log[700];

	snprintf(log, sizeof(log), "%s/check-layers.log", th_tmpdir());
	snprintf(cmd, sizeof(cmd), "bash '%s' %s '%s' > '%s' 2>&1", th_src_path("scripts/check-layers.sh"), options,
		 tree, log);
	int rc = system(cmd);
	*out = th_read_file(log, NULL);
	cr_assert_not_null(*out);
	cr_assert(WIFEXITED(rc), "check-layers did not exit: %d", rc);
	return WEXITSTATUS(rc);
}

static int check_layers(const char *tree, char **out)
{
	return check_layers_with("", tree, out);
}

/* Run @fmt with every %1$s the tree (a setup step that must succeed). */
static void sh(const char *fmt, const char *tree)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), fmt, tree, getenv("SCXLAB_SRC"));
	int rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "setup failed: %s", cmd);
}

/* A copy of the source tree's C files, rule files and Makefile in th_tmpdir()/tree. */
static const char *copy_of_tree(void)
{
	static char tree[700];

	snprintf(tree, sizeof(tree), "%s/tree", th_tmpdir());
	sh("mkdir -p '%1$s' && cd '%2$s' && find sim harness sched workloads tests -name '*.[ch]' -print0 | "
	   "tar cf - --null -T - Makefile scripts/layers*.conf | tar xf - -C '%1$s'", tree);
	return tree;
}

Test(layers, the_source_tree_follows_its_layers)
{
	char *out;

	cr_assert_eq(check_layers(getenv("SCXLAB_SRC"), &out), 0, "%s", out);
	cr_assert(strstr(out, "check-layers: ok"), "%s", out);
	free(out);
}

Test(layers, an_upward_include_fails_naming_both_files_and_the_rule)
{
	const char *tree = copy_of_tree();
	char *out, path[900], expect[1200];

	/* the copy passes as the tree does, then the core includes the sched_ext class */
	cr_assert_eq(check_layers(tree, &out), 0, "%s", out);
	free(out);
	snprintf(path, sizeof(path), "%s/sim/core/chan.c", tree);
	size_t len;
	char *text = th_read_file(path, &len);
	int lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	free(text);
	sh("echo '#include \"sim/scx/scx.h\"' >> '%1$s/sim/core/chan.c'", tree);

	cr_assert_eq(check_layers(tree, &out), 1, "%s", out);
	snprintf(expect, sizeof(expect),
		 "sim/core/chan.c:%d: includes sim/scx/scx.h: sim/core may not use sim/scx (rule scripts/layers.conf:",
		 lines + 1);
	cr_assert(strstr(out, expect), "expected \"%s\" in:\n%s", expect, out);
	/* scx uses the core (through the BPF runtime): now a circle, shown with one include per step */
	cr_assert(strstr(out, "circle between folders sim/bpf, sim/core, sim/scx, e.g. "), "%s", out);
	cr_assert(strstr(out, "sim/core -> sim/scx (sim/core/chan.c:"), "%s", out);
	cr_assert(strstr(out, "check-layers: 2 problem(s)"), "%s", out);
	free(out);
}

Test(layers, a_circle_the_rules_allow_is_still_reported)
{
	char tree[700], *out;

	snprintf(tree, sizeof(tree), "%s/circle", th_tmpdir());
	sh("mkdir -p '%1$s/scripts' '%1$s/sim/a' '%1$s/sim/b' && cd '%1$s' && "
	   "printf 'sim/a: sim/b\\nsim/b: sim/a\\n' > scripts/layers.conf && "
	   "printf '#include \"sim/b/y.h\"\\n' > sim/a/x.c && printf '#include \"sim/a/z.h\"\\n' > sim/b/y.h && "
	   ": > sim/a/z.h", tree);

	cr_assert_eq(check_layers(tree, &out), 1, "%s", out);
	cr_assert(strstr(out, "circle between folders sim/a, sim/b, e.g. sim/a -> sim/b -> sim/a"), "%s", out);
	cr_assert(strstr(out, "sim/a -> sim/b (sim/a/x.c:1 includes sim/b/y.h)"), "%s", out);
	cr_assert(strstr(out, "sim/b -> sim/a (sim/b/y.h:1 includes sim/a/z.h)"), "%s", out);
	cr_assert_null(strstr(out, "may not use"), "%s", out);
	free(out);
}

Test(layers, rules_and_files_the_rules_miss_are_errors)
{
	char tree[700], *out;

	snprintf(tree, sizeof(tree), "%s/bad", th_tmpdir());
	sh("mkdir -p '%1$s/scripts' '%1$s/sim/a' '%1$s/harness' && cd '%1$s' && "
	   "printf '# the harness rules\\nharness: sim/nowhere\\nsim/a sim/b\\n' > scripts/layers-harness.conf && "
	   ": > sim/a/x.c && : > harness/main.c", tree);

	cr_assert_eq(check_layers(tree, &out), 1, "%s", out);
	cr_assert(strstr(out, "scripts/layers-harness.conf:2: 'sim/nowhere' does not exist in the tree"), "%s", out);
	cr_assert(strstr(out, "scripts/layers-harness.conf:3: expected 'FOLDER: ALLOWED ...'"), "%s", out);
	cr_assert(strstr(out, "sim/a/x.c: its folder has no rule in scripts/layers*.conf"), "%s", out);
	free(out);
}

Test(layers, the_build_calls_only_down_the_layers_too)
{
	char options[900], *out;

	snprintf(options, sizeof(options), "--calls '%s'", th_build_path("obj"));
	cr_assert_eq(check_layers_with(options, getenv("SCXLAB_SRC"), &out), 0, "%s", out);
	cr_assert(strstr(out, "check-layers: calls ok"), "%s", out);
	free(out);
}

Test(layers, an_upward_call_through_a_local_declaration_fails)
{
	char tree[700], options[900], *out;

	/* sim/a may use nothing, yet calls sim/b's function, declared by hand (no include to see) */
	snprintf(tree, sizeof(tree), "%s/calls", th_tmpdir());
	sh("mkdir -p '%1$s/scripts' '%1$s/sim/a' '%1$s/sim/b' '%1$s/obj/sim/a' '%1$s/obj/sim/b' && cd '%1$s' && "
	   "printf 'sim/a:\\nsim/b: sim/a\\n' > scripts/layers.conf && "
	   "printf 'int b_value(void);\\nint a_value(void) { return b_value(); }\\n' > sim/a/x.c && "
	   "printf 'int a_value(void);\\nint b_value(void) { return 1; }\\n' > sim/b/y.c && "
	   "cc -c sim/a/x.c -o obj/sim/a/x.o && cc -c sim/b/y.c -o obj/sim/b/y.o", tree);
	cr_assert_eq(check_layers(tree, &out), 0, "the includes alone pass: %s", out);
	free(out);

	snprintf(options, sizeof(options), "--calls '%s/obj'", tree);
	cr_assert_eq(check_layers_with(options, tree, &out), 1, "%s", out);
	cr_assert(strstr(out, "sim/a/x.c uses b_value, defined in sim/b/y.c: sim/a may not use sim/b "
			      "(rule scripts/layers.conf:1)"), "%s", out);
	free(out);
}
