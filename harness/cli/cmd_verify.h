/*
 * `scxlab verify POLICY...`: does the real kernel's verifier accept the policy? Loads each
 * policy's .bpf.o into a sched_ext kernel (this host's when it has one, else a VM's) without
 * attaching it, and prints the verifier's log for each one it rejects. Exit 0 when all pass.
 */
#ifndef HARNESS_CMD_VERIFY_H
#define HARNESS_CMD_VERIFY_H

int cmd_verify(int argc, char **argv);

#endif
