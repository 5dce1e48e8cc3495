/*
 * `scxlab validate`'s outputs in DIR: validate.txt (what it prints), validate.md (the same
 * tables in Markdown, docs/fidelity.md's), validate.csv (tidy: one row per job, policy,
 * stressor or metric and world) and validate.json (schema scxlab.validate/1, docs/results.md),
 * each written atomically.
 */
#ifndef HARNESS_VALIDATE_WRITE_H
#define HARNESS_VALIDATE_WRITE_H

#include <stdio.h>

#include "harness/validate/validate_report.h"

/* The tables as text (@markdown 0) or Markdown (1) to @f. */
void validate_write__tables(const struct validate_report *r, FILE *f, int markdown);
/* DIR/validate.{txt,md,csv,json}. 0, or -1 naming the file that could not be written. */
int validate_write__all(const struct validate_report *r, const char *dir, char *err, size_t errlen);

#endif
