/*
 * Values from scxlab's own result.json (see result_read.h).
 */
#include "harness/results/result_read.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *result_read__file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n + 1))) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = 0;
		}
	}
	fclose(f);
	return buf;
}

/* "line L, column C" of @p in @doc. */
static void position(const char *doc, const char *p, char *why, size_t len, const char *what)
{
	int line = 1, col = 1;

	for (const char *q = doc; q < p && *q; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(why, len, "line %d, column %d: %s", line, col, what);
}

int result_read__check(const char *doc, char *why, size_t len)
{
	int depth = 0;
	const char *p = doc, *last = NULL;

	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	if (*p != '{') {
		position(doc, p, why, len, "not a JSON object");
		return -1;
	}
	for (; *p; p++) {
		if (*p == '"') {
			const char *open = p;
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p) {
				position(doc, open, why, len, "a string that never ends (cut off)");
				return -1;
			}
			continue;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			/* outside strings JSON has only true, false and null: NaN or Infinity is no number */
			size_t n = 0;
			while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z'))
				n++;
			if (!((n == 4 && !strncmp(p, "true", 4)) || (n == 5 && !strncmp(p, "false", 5)) ||
			      (n == 4 && !strncmp(p, "null", 4)))) {
				char what[96];
				snprintf(what, sizeof(what), "'%.*s' is not a JSON value (a number that is not finite?)",
					 (int)(n > 40 ? 40 : n), p);
				position(doc, p, why, len, what);
				return -1;
			}
			p += n - 1;
			last = NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (--depth < 0) {
				position(doc, p, why, len, "a closing bracket without its opening one");
				return -1;
			}
			last = p;
		} else if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') {
			last = NULL; /* something after the closing brace */
		}
	}
	if (depth != 0 || !last || *last != '}') {
		position(doc, p, why, len, depth > 0 ? "cut off (brackets left open)" : "text after the document");
		return -1;
	}
	return 0;
}

int result_read__complete(const char *doc)
{
	char why[160];

	return !result_read__check(doc, why, sizeof(why));
}

/* Where "key": 's value starts, within @object's braces. */
static const char *value_at(const char *doc, const char *object, const char *key)
{
	char pat[160];
	const char *start = doc, *end = NULL, *at;
	int depth = 0;

	if (object) {
		snprintf(pat, sizeof(pat), "\"%s\": {", object);
		start = strstr(doc, pat);
		if (!start)
			return NULL;
		start += strlen(pat) - 1;
		for (end = start; *end; end++) {
			if (*end == '"') { /* skip strings: they may hold braces */
				for (end++; *end && *end != '"'; end++)
					if (*end == '\\' && end[1])
						end++;
				if (!*end)
					break; /* an unterminated string: the object ends with the text */
				continue;
			}
			if (*end == '{')
				depth++;
			else if (*end == '}' && --depth == 0)
				break;
		}
	}
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	at = strstr(start, pat);
	if (!at || (end && at > end))
		return NULL;
	return at + strlen(pat);
}

int result_read__number(const char *doc, const char *object, const char *key, double *v)
{
	const char *at = value_at(doc, object, key);
	char *end;

	if (!at)
		return -1;
	if (!strncmp(at, "true", 4) || !strncmp(at, "false", 5)) {
		*v = at[0] == 't';
		return 0;
	}
	*v = strtod(at, &end);
	return end == at || !isfinite(*v) ? -1 : 0; /* JSON has no NaN or infinity */
}

int result_read__element(const char *doc, const char *object, const char *key, int idx, double *v)
{
	const char *at = value_at(doc, object, key);
	char *end;

	if (!at || *at != '[' || idx < 0)
		return -1;
	at++;
	for (int i = 0; i < idx; i++) {
		at += strcspn(at, ",]");
		if (*at != ',')
			return -1;
		at++;
	}
	*v = strtod(at, &end);
	return end == at || !isfinite(*v) ? -1 : 0;
}

int result_read__string(const char *doc, const char *object, const char *key, char *out, size_t len)
{
	const char *at = value_at(doc, object, key);
	size_t n = 0;

	if (!at || *at != '"' || !len)
		return -1;
	for (at++; *at && *at != '"' && n + 1 < len; at++) {
		if (*at == '\\' && at[1]) {
			at++;
			out[n++] = *at == 'n' ? '\n' : *at == 't' ? '\t' : *at;
			if (*at == 'u' && at[1] && at[2] && at[3] && at[4])
				at += 4, out[n - 1] = '?';
			continue;
		}
		out[n++] = *at;
	}
	out[n] = 0;
	return 0;
}
