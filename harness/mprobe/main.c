/*
 * scxlab-mprobe: measures the machine costs of the machine it runs on (harness/machine_probe.h)
 * and prints them as `SCXLAB-MACHINE KEY VALUE` lines. `scxlab calibrate --target vm` runs it
 * inside the guest, where the scxlab CLI itself does not go, and reads the lines off the
 * console; it is a program of its own so that the guest needs nothing but libc for it.
 */
#include "harness/real/machine_probe.h"

#include <stdio.h>

int main(void)
{
	struct machine_costs mc;
	char err[256];

	if (machine_probe__host(&mc, err, sizeof(err))) {
		fprintf(stderr, "scxlab-mprobe: %s\n", err);
		printf("SCXLAB-MACHINE error %s\n", err);
		return 1;
	}
	machine_costs__print(stdout, &mc);
	return 0;
}
