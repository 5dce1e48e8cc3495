/*
 * `scxlab calibrate`: measure what stressor operations cost on a target and write a calibration
 * file (docs/calibration.md) that `scxlab run --calibration FILE` gives the simulator.
 */
#ifndef HARNESS_CMD_CALIBRATE_H
#define HARNESS_CMD_CALIBRATE_H

int cmd_calibrate(int argc, char **argv);

#endif
