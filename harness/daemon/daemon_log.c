/*
 * The daemon log (see daemon_log.h).
 */
#include "harness/daemon/daemon_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void daemon_log__vappend(char **buf, size_t *len, uint64_t now_ns, const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "[%.6f] ", now_ns / 1e9);
	size_t l;
	char *b;

	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	l = strlen(line);
	b = realloc(*buf, *len + l + 2);
	if (!b)
		return;
	memcpy(b + *len, line, l);
	b[*len + l] = '\n';
	b[*len + l + 1] = 0;
	*buf = b;
	*len += l + 1;
}
