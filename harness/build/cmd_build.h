/*
 * `scxlab build`: compile one policy source both ways, for the kernel (.bpf.o, clang -target
 * bpf against a sched_ext kernel's vmlinux.h and sched/include) and for the simulator
 * (.sim.so, cc against sim/shim). Results are cached by a hash of the preprocessed source
 * and the command line, so an unchanged policy is never compiled twice.
 */
#ifndef HARNESS_CMD_BUILD_H
#define HARNESS_CMD_BUILD_H

int cmd_build(int argc, char **argv);
/* Build @src into the kernel object @out through `scxlab build --bpf-only` (its cache shared),
 * compiler output on the terminal. The build's exit status (0: built). */
int cmd_build__bpf_object(const char *src, const char *out);
/* The same for the simulator (`--sim-only`): @out is the .sim.so. */
int cmd_build__sim_object(const char *src, const char *out);

#endif
