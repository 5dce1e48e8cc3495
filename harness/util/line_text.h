/*
 * Small helpers of the line-based input files (loader profiles, the selftests table):
 * trimming a line, and an error message that starts with FILE:LINE.
 */
#ifndef HARNESS_LINE_TEXT_H
#define HARNESS_LINE_TEXT_H

#include <stddef.h>

/* @s without leading and trailing white space (the end is cut in place). */
char *line_text__trim(char *s);
/* "PATH:LINE: " then the message into @err. Returns -1. */
int line_text__fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Call @fn for each line of @path that says something: '#' comments cut, trimmed, empty lines
 * skipped. Stops at @fn's first non-zero return and returns it; -1 with "PATH: why" in @err if
 * the file cannot be read. *@last_line is the number of lines read.
 */
int line_text__each(const char *path, int (*fn)(void *ctx, char *text, int line), void *ctx, int *last_line,
		    char *err, size_t errlen);

#endif
