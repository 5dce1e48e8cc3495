/*
 * Stressor operation costs: the defaults and the calibration-file reader (see costs.h and
 * docs/calibration.md).
 */
#include "workloads/stressors/costs.h"
#include "sim/core/sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Measured with stress-ng 0.15.06 on the reference machine (2 cores), one instance pinned to
 * one CPU, usr+sys time per bogo-op, with the simulator's own context-switch cost (1.5 us per
 * switch) taken out of the stressors that switch on every op (docs/calibration.md).
 */
void stressor_costs__defaults(struct stressor_costs *c)
{
	*c = (struct stressor_costs){
		.cpu_op_ns = 586900,
		.yield_ns = 300,
		.pipe_write_ns = 700,
		.pipe_read_ns = 650,
		.eventfd_ns = 2260,
		.mq_ns = 1800,
		.futex_ns = 14000,
		.sem_ns = 2600,
		.sleep_call_ns = 2000,
		.sleep_loop_ns = 5,
		.affinity_ns = 8000,
		.fork_parent_ns = 200000,
		.fork_child_ns = 226000,
		.clone_parent_ns = 2000000,
		.clone_child_ns = 2450000,
		.pipeherd_ns = 300,
	};
}

#define FIELD(name) { #name, offsetof(struct stressor_costs, name) }
static const struct {
	const char *key;
	size_t off;
} fields[] = {
	FIELD(cpu_op_ns), FIELD(yield_ns), FIELD(pipe_write_ns), FIELD(pipe_read_ns),
	FIELD(pipe_data_write_ns), FIELD(pipe_data_read_ns),
	FIELD(eventfd_ns), FIELD(mq_ns), FIELD(futex_ns), FIELD(sem_ns), FIELD(sleep_call_ns), FIELD(sleep_loop_ns),
	FIELD(affinity_ns), FIELD(fork_parent_ns), FIELD(fork_child_ns), FIELD(clone_parent_ns),
	FIELD(clone_child_ns), FIELD(pipeherd_ns),
};

#define MFIELD(name) { "machine." #name, offsetof(struct sim_costs, name) }
static const struct {
	const char *key;
	size_t off;
} machine_fields[] = {
	MFIELD(ctx_switch_ns), MFIELD(sched_delay_ns), MFIELD(wakeup_ipi_ns), MFIELD(idle_exit_ns), MFIELD(wakeup_send_ns),
	MFIELD(wake_tail_ns),
	MFIELD(migrate_core_ns),
	MFIELD(migrate_llc_ns), MFIELD(migrate_node_ns), MFIELD(timer_slack_ns), MFIELD(scx_disable_ns), MFIELD(jitter_pct),
	MFIELD(host_threads), MFIELD(noise_hz), MFIELD(noise_min_ns), MFIELD(noise_p50_ns),
	MFIELD(noise_p90_ns), MFIELD(noise_p99_ns), MFIELD(noise_max_ns), MFIELD(scx_enable_task_ns), MFIELD(scx_enable_tasks),
};

int stressor_costs__load(struct stressor_costs *c, struct sim_costs *machine, const char *path,
			 char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int lineno = 0;

	struct stat st;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		snprintf(err, errlen, "%s: not a calibration file (a directory?)", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char key[128], *hash = strchr(line, '#'), *end;
		unsigned long long v;
		char value[128];
		bool found = false;
		int n;

		lineno++;
		if (hash)
			*hash = 0;
		n = sscanf(line, "%127s %127s", key, value);
		if (n <= 0)
			continue;
		if (n != 2) {
			snprintf(err, errlen, "%s:%d: '%s': expected `key value`", path, lineno, key);
			goto fail;
		}
		if (!strcmp(key, "target"))
			continue; /* informational: where it was measured */
		errno = 0;
		v = strtoull(value, &end, 10);
		if (*end || errno || value[0] == '-') {
			snprintf(err, errlen, "%s:%d: '%s': not a non-negative integer", path, lineno, value);
			goto fail;
		}
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !found; i++) {
			if (!strcmp(key, fields[i].key)) {
				*(uint64_t *)((char *)c + fields[i].off) = v;
				found = true;
			}
		}
		if (!strcmp(key, "machine.jitter_pct") && v > 50) {
			snprintf(err, errlen, "%s:%d: '%s': jitter_pct is 0..50", path, lineno, value);
			goto fail;
		}
		if (!strcmp(key, "machine.noise_hz") && v > 100000) {
			snprintf(err, errlen, "%s:%d: '%s': noise_hz is 0..100000", path, lineno, value);
			goto fail;
		}
		if (!strncmp(key, "machine.noise_", 14) && strcmp(key, "machine.noise_hz") && v > 1000000000) {
			snprintf(err, errlen, "%s:%d: '%s': an interruption is at most 1 s (1000000000 ns)", path,
				 lineno, value);
			goto fail;
		}
		for (size_t i = 0; i < sizeof(machine_fields) / sizeof(machine_fields[0]) && !found; i++) {
			if (!strcmp(key, machine_fields[i].key)) {
				if (machine)
					*(uint64_t *)((char *)machine + machine_fields[i].off) = v;
				found = true;
			}
		}
		if (!found && !strcmp(key, "machine.smt_speed_pct")) {
			if (v < 1 || v > 100) {
				snprintf(err, errlen, "%s:%d: '%s': smt_speed_pct is 1..100", path, lineno, value);
				goto fail;
			}
			if (machine)
				machine->smt_speed_pct = (uint32_t)v;
			found = true;
		}
		if (!found) {
			snprintf(err, errlen, "%s:%d: '%s': unknown key", path, lineno, key);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}
