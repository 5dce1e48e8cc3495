/*
 * `scxlab check`: a run (result.json) or a compare directory (summary.json) against a recorded
 * baseline (results/baselines/NAME.json), metric by metric with tolerances; prints what
 * regressed, exits 1 on a regression, writes JUnit XML for CI systems.
 * `scxlab baseline`: record one.
 */
#ifndef HARNESS_CMD_CHECK_H
#define HARNESS_CMD_CHECK_H

int cmd_check(int argc, char **argv);
int cmd_baseline(int argc, char **argv);

#endif
