/*
 * The fuzzer's input as a string or a file (see fuzz_input.h).
 */
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *fuzz_input__string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

const char *fuzz_input__file(const uint8_t *data, size_t size, const char *suffix)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/dev/shm/scxlab-fuzz.%d%s", (int)getpid(), suffix);
	f = fopen(path, "wb");
	if (!f)
		return NULL;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	return path;
}
