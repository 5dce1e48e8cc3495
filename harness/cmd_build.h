/*
 * `scxlab build`: compile one policy source both ways, for the kernel (.bpf.o, clang -target
 * bpf against a sched_ext kernel's vmlinux.h and sched/include) and for the simulator
 * (.sim.so, cc against sim/shim). Results are cached by a hash of the preprocessed source
 * and the command line, so an unchanged policy is never compiled twice.
 */
#ifndef HARNESS_CMD_BUILD_H
#define HARNESS_CMD_BUILD_H

int cmd_build(int argc, char **argv);

#endif
