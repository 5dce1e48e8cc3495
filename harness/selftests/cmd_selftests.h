/*
 * `scxlab selftests`: the kernel's sched_ext selftests run in the simulator against the
 * expectations table (harness/selftests/selftest_table.h).
 */
#ifndef HARNESS_CMD_SELFTESTS_H
#define HARNESS_CMD_SELFTESTS_H

int cmd_selftests(int argc, char **argv);

#endif
