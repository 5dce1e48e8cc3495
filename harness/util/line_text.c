/* Helpers of the line-based input files: see line_text.h. */
#include "harness/util/line_text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

char *line_text__trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int line_text__fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
	int n = snprintf(err, errlen, "%s:%d: ", path, line);
	va_list ap;

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int line_text__each(const char *path, int (*fn)(void *ctx, char *text, int line), void *ctx, int *last_line,
		    char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char buf[8192];
	int line = 0, rc = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (!rc && fgets(buf, sizeof(buf), f)) {
		char *hash = strchr(buf, '#'), *s;

		line++;
		if (hash)
			*hash = 0;
		s = line_text__trim(buf);
		if (*s)
			rc = fn(ctx, s, line);
	}
	fclose(f);
	if (last_line)
		*last_line = line;
	return rc;
}
