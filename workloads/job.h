/*
 * stress-ng job files: the parsed form and the parser.
 *
 * The grammar is stress-ng's own (0.15.06; unchanged since): one option per line, written without
 * the leading `--`; `#` starts a comment anywhere; blank lines are ignored; `run sequential|seq|
 * sequentially` or `run parallel|par|together` picks the mode (parallel by default; both is an
 * error); `job`/`j` is refused; a stressor line is `NAME N` (N <= 0: one instance per online
 * CPU); every other line is a global option or an option of some stressor. Options are stress-ng
 * settings per stressor *type*, which is why an entry without its own `cpu-method` runs with
 * another cpu entry's: job__option() resolves an option for an entry with that same rule.
 * Errors name the file, the line and the token, as stress-ng's do.
 */
#ifndef WORKLOADS_JOB_H
#define WORKLOADS_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOB_MAX_ENTRIES 64
#define JOB_MAX_OPTIONS 256

struct job_option {
	char name[48];
	char value[128];   /* "" for flags */
	int line;
	int entry;         /* the entry it was written under (-1: before any entry) */
	int owner;         /* index into stressng_stressors of the stressor type it belongs to, -1: global */
};

struct job_entry {
	char stressor[32];
	int64_t instances; /* as written; <= 0 means one per online CPU */
	int line;
};

struct job {
	char path[512];
	bool sequential;
	uint64_t timeout_ns;  /* 0: not given (stress-ng's default then applies) */
	struct job_entry entries[JOB_MAX_ENTRIES];
	int nr_entries;
	struct job_option options[JOB_MAX_OPTIONS];
	int nr_options;
};

/* Parse @path. 0, or -1 with "FILE:LINE: 'TOKEN': why" in @err. */
int job__parse_file(struct job *job, const char *path, char *err, size_t errlen);
/* Parse job text (for tests and generated jobs); @name stands for the file in messages. */
int job__parse_text(struct job *job, const char *name, const char *text, char *err, size_t errlen);

/* The value of option @name for entry @idx by stress-ng's rule: the entry's own setting, else
 * the last setting of that option for the same stressor type anywhere in the file. NULL if unset. */
const char *job__option(const struct job *job, int idx, const char *name);
/* A global option's value (NULL if unset; "" for a flag that is set). */
const char *job__global(const struct job *job, const char *name);
/* Instances of entry @idx on a machine with @online_cpus CPUs. */
int job__instances(const struct job *job, int idx, int online_cpus);
/* Per-instance op limit from `NAME-ops` (split across instances, rounded up), 0 if none. */
uint64_t job__ops_per_instance(const struct job *job, int idx, int online_cpus);
/* Index of a stress-ng stressor name in stressng_stressors, or -1. */
int job__stressor_index(const char *name);
/* The longest time a job may give, as --duration allows: 1e9 s (about 31 years). */
#define JOB_MAX_TIME_S 1000000000ULL
#define JOB_MAX_TIME_TEXT "1000000000s, about 31 years"
/*
 * stress-ng's time syntax: N with optional s, m, h, d or y suffix (seconds by default). 0, -1
 * if it is not a time, -2 if longer than JOB_MAX_TIME_S (it would overflow the nanoseconds).
 */
int job__parse_time(const char *text, uint64_t *ns);

#endif
