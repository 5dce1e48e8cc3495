/* `scxlab run`: one policy x workload x topology run on a target. */
#ifndef HARNESS_CMD_RUN_H
#define HARNESS_CMD_RUN_H
int cmd_run(int argc, char **argv);
#endif
