/*
 * A fixture policy whose ops.init fails: the kernel refuses to enable it, so a run of it never
 * schedules a task. For the tests that a policy failing at load is a failing result in
 * `scxlab run` (exit status 3) and in `scxlab compare` (marked failed, JUnit failure).
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

s32 BPF_STRUCT_OPS_SLEEPABLE(init_fails_init)
{
	return -22; /* -EINVAL */
}

SCX_OPS_DEFINE(init_fails_ops,
	       .init = (void *)init_fails_init,
	       .name = "init_fails");
