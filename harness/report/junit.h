/*
 * JUnit XML reports for CI servers: one test suite of test cases, each passed, failed (a
 * regression or a failing policy) or in error (a run that could not be done), with every
 * attribute the Jenkins and Ant JUnit schemas require (tests, failures, errors, skipped, time,
 * timestamp, hostname; failure type and message) and plain decimal numbers. Written atomically.
 */
#ifndef HARNESS_JUNIT_H
#define HARNESS_JUNIT_H

#include <stddef.h>

enum junit_outcome { JUNIT_PASSED, JUNIT_FAILED, JUNIT_ERROR };

struct junit_case {
	char classname[192];
	char name[128];
	enum junit_outcome outcome;
	char type[48];          /* "regression", "policy-failed", "run-failed", ... */
	char message[512];
	double time_s;
};

struct junit_report {
	char suite[64];
	struct junit_case *cases;
	int nr, cap;
};

/* Add a case; returns it (zeroed but for the names), or NULL when out of memory. */
struct junit_case *junit__add(struct junit_report *r, const char *classname, const char *name);
/* Write @r to @path (atomically). 0, or -1 with the file and why in @err. */
int junit__write(const struct junit_report *r, const char *path, char *err, size_t errlen);
void junit__free(struct junit_report *r);

#endif
