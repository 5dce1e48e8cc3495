/*
 * Fuzz target: stress-ng job files (workloads/job_parse.c), through the file reader (so a NUL
 * byte or an over-long file is covered) and the queries a run makes of a parsed job.
 */
#include "fuzz_input.h"
#include "workloads/job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct job job;
	char err[512];
	const char *path = fuzz_input__file(data, size, ".job");

	if (!path || job__parse_file(&job, path, err, sizeof(err)))
		return 0;
	for (int i = 0; i < job.nr_entries; i++) {
		(void)job__instances(&job, i, 8);
		(void)job__ops_per_instance(&job, i, 8);
	}
	(void)job__global(&job, "timer-slack");
	return 0;
}
