/*
 * Writing JUnit XML (see junit.h).
 */
#include "harness/report/junit.h"
#include "harness/util/atomic_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct junit_case *junit__add(struct junit_report *r, const char *classname, const char *name)
{
	struct junit_case *c;

	if (r->nr == r->cap) {
		int cap = r->cap ? r->cap * 2 : 32;
		struct junit_case *n = realloc(r->cases, (size_t)cap * sizeof(*n));
		if (!n)
			return NULL;
		r->cases = n;
		r->cap = cap;
	}
	c = &r->cases[r->nr++];
	memset(c, 0, sizeof(*c));
	snprintf(c->classname, sizeof(c->classname), "%s", classname);
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

static void escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\n': fputs("&#10;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void report(FILE *f, const void *ctx)
{
	const struct junit_report *r = ctx;
	char host[256] = "localhost", stamp[32];
	int failures = 0, errors = 0;
	double total = 0;
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	time_t now = epoch ? (time_t)strtoll(epoch, NULL, 10) : time(NULL);
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	for (int i = 0; i < r->nr; i++) {
		failures += r->cases[i].outcome == JUNIT_FAILED;
		errors += r->cases[i].outcome == JUNIT_ERROR;
		total += r->cases[i].time_s;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"scxlab\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"%.3f\">\n",
		r->nr, failures, errors, total);
	fprintf(f, "  <testsuite name=\"");
	escape(f, r->suite);
	fprintf(f, "\" id=\"0\" package=\"scxlab\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"%.3f\" "
		"timestamp=\"%s\" hostname=\"", r->nr, failures, errors, total, stamp);
	escape(f, host);
	fprintf(f, "\">\n    <properties/>\n");
	for (int i = 0; i < r->nr; i++) {
		const struct junit_case *c = &r->cases[i];
		fprintf(f, "    <testcase classname=\"");
		escape(f, c->classname);
		fprintf(f, "\" name=\"");
		escape(f, c->name);
		fprintf(f, "\" time=\"%.3f\"", c->time_s);
		if (c->outcome == JUNIT_PASSED) {
			fprintf(f, "/>\n");
			continue;
		}
		const char *tag = c->outcome == JUNIT_FAILED ? "failure" : "error";
		fprintf(f, ">\n      <%s type=\"", tag);
		escape(f, c->type[0] ? c->type : tag);
		fprintf(f, "\" message=\"");
		escape(f, c->message);
		fprintf(f, "\">");
		escape(f, c->message);
		fprintf(f, "</%s>\n    </testcase>\n", tag);
	}
	fprintf(f, "    <system-out/>\n    <system-err/>\n  </testsuite>\n</testsuites>\n");
}

int junit__write(const struct junit_report *r, const char *path, char *err, size_t errlen)
{
	return atomic_file__write_with(path, report, r, err, errlen);
}

void junit__free(struct junit_report *r)
{
	free(r->cases);
	memset(r, 0, sizeof(*r));
}
