/*
 * `scxlab validate`: the simulator against a real target (issue 16 item 3). The host's own
 * scheduler against the fair model, or every project policy and the baseline in the sched_ext
 * guest against the simulator calibrated for the guest: per job and stressor both worlds'
 * medians and ranges and the error, per job the wakeup latencies, zero-wait fraction, switch
 * and migration rates, and on the guest the policies' order in each world (Kendall's tau-b).
 */
#ifndef HARNESS_CMD_VALIDATE_H
#define HARNESS_CMD_VALIDATE_H

int cmd_validate(int argc, char **argv);

#endif
