/*
 * `scxlab compare`: policies (and the default scheduler as the baseline) x job files x
 * targets (sim, vm, host) x repetitions. Every run is a separate `scxlab run` whose result.json
 * lands in DIR/runs/TARGET/POLICY/JOB/rN/; a run whose result exists is not redone, so an
 * interrupted compare resumes. Then the summary (median and spread per group, sim vs real
 * errors) as a table, summary.json / summary.csv, and gnuplot plots.
 */
#ifndef HARNESS_CMD_COMPARE_H
#define HARNESS_CMD_COMPARE_H

int cmd_compare(int argc, char **argv);

#endif
