/*
 * `scxlab fault`: run a policy with a job and an injected fault on the simulator, the VM or
 * this host, and check the kernel's safety net: the exit kind and message, the time from the
 * fault to the ejection, the time until every workload task ran again, tasks lost. With
 * --matrix, every fault class on every target, as a table (text, CSV, JSON) whose rows fail
 * when a world misses the expected kind or the two worlds disagree. docs/faults.md.
 */
#ifndef HARNESS_CMD_FAULT_H
#define HARNESS_CMD_FAULT_H

int cmd_fault(int argc, char **argv);

#endif
