/*
 * A small streaming JSON writer for result files: objects, arrays, keys and scalars, written
 * as they come with two-space indentation. Output is a pure function of the calls made (no
 * locale, fixed number formats), so equal runs give byte-identical files.
 *
 * Errors (a write that fails, a key outside an object, nesting too deep) are sticky: check
 * json__failed() once at the end. Output is gathered in the writer's own buffer and reaches
 * the stream when a top-level value is closed and at json__failed(), so a caller may write to
 * the stream itself between top-level values.
 */
#ifndef SIM_METRICS_JSON_H
#define SIM_METRICS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/metrics/hist.h"

#define JSON_MAX_DEPTH 32
#define JSON_BUF_SIZE 16384

struct json_writer {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];  /* no member written yet at this level */
	bool inline_[JSON_MAX_DEPTH]; /* this level is written on one line */
	bool is_object[JSON_MAX_DEPTH];
	bool after_key;
	bool failed;
	size_t used; /* bytes of buf not yet written to f */
	char buf[JSON_BUF_SIZE];
};

void json__init_file(struct json_writer *w, FILE *f);
void json__begin_object(struct json_writer *w);
void json__end_object(struct json_writer *w);
void json__begin_array(struct json_writer *w);
/* An array written on one line (short rows such as [low, count] pairs). */
void json__begin_array_inline(struct json_writer *w);
void json__end_array(struct json_writer *w);
void json__key(struct json_writer *w, const char *key);
void json__string(struct json_writer *w, const char *s);
void json__u64(struct json_writer *w, uint64_t v);
void json__i64(struct json_writer *w, int64_t v);
/* Finite doubles with up to 9 significant digits; NaN and infinities become null. */
void json__double(struct json_writer *w, double v);
void json__bool(struct json_writer *w, bool v);
void json__null(struct json_writer *w);
/* { "count", "mean", "min", "p50", "p90", "p99", "p999", "max", "buckets": [[low, n], ...] } */
void json__write_hist(struct json_writer *w, const struct hist *h);
/* Writes what is buffered, then: did anything fail? */
bool json__failed(struct json_writer *w);

#endif
