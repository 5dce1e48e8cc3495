/*
 * The controller of scxl_adapt (sched/scxl_adapt.bpf.c): every 100 ms it reads the policy's
 * wait statistics and steers its time slice. When more than 0.1% of the waits in the last
 * period were long (over 1 ms), tasks are waiting behind long slices: halve the slice (down to
 * 500 us). When waits are short, lengthen it by a quarter (up to 20 ms) to cut switches. It
 * writes the slice it chose into the policy's `slice_trace` map, so the result shows it over
 * time, and logs each change.
 *
 * Runs unchanged in the simulator (`scxlab run --daemon`) and on a real kernel.
 */
#include "scxlab_daemon.h"

#define SLICE_MIN 500000ULL
#define SLICE_MAX 20000000ULL
#define LONG_PERMILLE 1

static uint64_t last_waits, last_long;
static uint32_t period_no;

int scxd_main_init(struct scxd *d, uint64_t *period_ns)
{
	*period_ns = 100000000ULL;
	if (!scxd_map(d, "lat") || !scxd_map(d, "slice_trace")) {
		scxd_log(d, "not scxl_adapt: no lat or slice_trace map");
		return -1;
	}
	return 0;
}

/* The per-CPU counter @idx of `lat`, summed. */
static uint64_t lat_sum(struct scxd *d, uint32_t idx)
{
	uint64_t vals[1024], sum = 0;
	int n = scxd_nr_cpus(d);

	if (n > 1024 || scxd_map_lookup(scxd_map(d, "lat"), &idx, vals))
		return 0;
	for (int i = 0; i < n; i++)
		sum += vals[i];
	return sum;
}

void scxd_main_tick(struct scxd *d, uint64_t now_ns)
{
	uint64_t waits = lat_sum(d, 0), longw = lat_sum(d, 2), slice, next;
	uint64_t dw = waits - last_waits, dl = longw - last_long;
	uint32_t slot = period_no++ % 128;

	last_waits = waits;
	last_long = longw;
	if (scxd_global_read(d, "slice_ns", &slice, sizeof(slice)))
		return;
	if (dw && dl * 1000 > dw * LONG_PERMILLE)
		next = slice / 2 < SLICE_MIN ? SLICE_MIN : slice / 2;
	else
		next = slice + slice / 4 > SLICE_MAX ? SLICE_MAX : slice + slice / 4;
	if (next != slice) {
		scxd_global_write(d, "slice_ns", &next, sizeof(next));
		scxd_log(d, "slice %llu -> %llu us (%llu of %llu waits over 1 ms)", (unsigned long long)slice / 1000,
			 (unsigned long long)next / 1000, (unsigned long long)dl, (unsigned long long)dw);
	}
	scxd_map_update(scxd_map(d, "slice_trace"), &slot, &next, 0);
}

void scxd_main_exit(struct scxd *d)
{
	scxd_log(d, "stopped after %u periods", period_no);
}
