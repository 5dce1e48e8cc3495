/*
 * `scxlab sweep SPEC`: expand a sweep file (sweep_spec.h) into numbered runs and run them (all,
 * or one shard), each as a separate `scxlab run` in DIR/runs/NNNNN/; a run that fails is
 * recorded with its reason and the sweep goes on; finished and failed runs are not redone.
 * `--emit slurm|parallel` writes the job-array script or command list that runs the shards on
 * a cluster. `scxlab merge`: join shard directories into one compare directory (summary,
 * plots), the same format as `scxlab compare`, so `scxlab check` and the plots work on it.
 */
#ifndef HARNESS_CMD_SWEEP_H
#define HARNESS_CMD_SWEEP_H

int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif
