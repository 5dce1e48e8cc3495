/*
 * `scxlab vm --init SCRIPT [--file DEST=SRC]...`: boot the sched_ext guest with a script as its
 * /init and the given files, and print its console. For checks that need the real kernel
 * (the tests use it) and for poking at the guest by hand.
 */
#ifndef HARNESS_CMD_VM_H
#define HARNESS_CMD_VM_H

int cmd_vm(int argc, char **argv);

#endif
