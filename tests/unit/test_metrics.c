/*
 * Histograms and the JSON writer: bucket geometry, percentile rule, merging, exact output.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/metrics/hist.h"
#include "sim/metrics/json.h"

Test(hist, every_value_lies_in_its_bucket_and_buckets_are_narrow)
{
	for (uint64_t v = 0; v < 200000; v = v * 3 / 2 + 1) {
		unsigned int b = hist__bucket_of(v);
		cr_assert_lt(b, HIST_BUCKETS);
		cr_assert(hist__bucket_low(b) <= v && v <= hist__bucket_high(b), "v=%lu b=%u", (unsigned long)v, b);
		/* width at most 1/32 of the bucket's low end (exact below 64) */
		cr_assert_leq((hist__bucket_high(b) - hist__bucket_low(b)) * 32, hist__bucket_low(b));
	}
	cr_assert_eq(hist__bucket_of(UINT64_MAX), HIST_BUCKETS - 1);
}

Test(hist, percentiles_follow_nearest_rank_within_one_bucket)
{
	struct hist h;

	hist__init(&h);
	for (uint64_t v = 1; v <= 1000; v++)
		hist__record(&h, v * 1000);
	cr_assert_eq(hist__count(&h), 1000);
	cr_assert_eq(hist__min(&h), 1000);
	cr_assert_eq(hist__max(&h), 1000000);
	uint64_t p50 = hist__percentile(&h, 50), p99 = hist__percentile(&h, 99);
	cr_assert(p50 >= 500000 && p50 <= 500000 + 500000 / 32, "p50=%lu", (unsigned long)p50);
	cr_assert(p99 >= 990000 && p99 <= 1000000, "p99=%lu", (unsigned long)p99);
	cr_assert_eq(hist__percentile(&h, 100), 1000000);
	cr_assert_float_eq(hist__mean(&h), 500500.0, 1e-6);
}

Test(hist, empty_histogram_reports_zero)
{
	struct hist h;

	hist__init(&h);
	cr_assert_eq(hist__percentile(&h, 50), 0);
	cr_assert_eq(hist__min(&h), 0);
	cr_assert_eq(hist__max(&h), 0);
}

Test(hist, merge_equals_recording_into_one)
{
	struct hist a, b, all;

	hist__init(&a);
	hist__init(&b);
	hist__init(&all);
	for (uint64_t v = 0; v < 5000; v += 7) {
		hist__record(v % 2 ? &a : &b, v);
		hist__record(&all, v);
	}
	hist__merge(&a, &b);
	cr_assert_eq(memcmp(&a, &all, sizeof(a)), 0);
}

static char *write_doc(void (*fn)(struct json_writer *), bool *failed)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_writer w;

	json__init_file(&w, f);
	fn(&w);
	*failed = json__failed(&w);
	fclose(f);
	return buf;
}

static void doc_simple(struct json_writer *w)
{
	json__begin_object(w);
	json__key(w, "name"); json__string(w, "a\"b\n");
	json__key(w, "n"); json__i64(w, -3);
	json__key(w, "list");
	json__begin_array(w);
	json__u64(w, 1);
	json__double(w, 0.5);
	json__null(w);
	json__end_array(w);
	json__key(w, "pair");
	json__begin_array_inline(w);
	json__bool(w, true);
	json__bool(w, false);
	json__end_array(w);
	json__key(w, "empty");
	json__begin_object(w);
	json__end_object(w);
	json__end_object(w);
}

Test(json, writes_exact_indented_text)
{
	bool failed;
	char *s = write_doc(doc_simple, &failed);

	cr_assert_not(failed);
	cr_assert_str_eq(s, "{\n"
			    "  \"name\": \"a\\\"b\\n\",\n"
			    "  \"n\": -3,\n"
			    "  \"list\": [\n"
			    "    1,\n"
			    "    0.5,\n"
			    "    null\n"
			    "  ],\n"
			    "  \"pair\": [true, false],\n"
			    "  \"empty\": {}\n"
			    "}\n");
	free(s);
}

static void doc_value_without_key(struct json_writer *w)
{
	json__begin_object(w);
	json__u64(w, 1);
	json__end_object(w);
}

static void doc_unclosed(struct json_writer *w)
{
	json__begin_array(w);
}

Test(json, misuse_is_reported)
{
	bool failed;

	free(write_doc(doc_value_without_key, &failed));
	cr_assert(failed);
	free(write_doc(doc_unclosed, &failed));
	cr_assert(failed);
}

/* Strings of 0 to 40,000 characters: pieces that cross the writer's buffer and exceed it. */
static void doc_long_strings(struct json_writer *w)
{
	static char s[40001];

	memset(s, 'x', sizeof(s) - 1);
	json__begin_array_inline(w);
	for (size_t len = 0; len < sizeof(s); len = len * 3 + 1) {
		s[len] = '\0';
		json__string(w, s);
		s[len] = 'x';
	}
	json__end_array(w);
}

Test(json, output_is_the_same_across_buffer_boundaries)
{
	bool failed;
	char *s = write_doc(doc_long_strings, &failed);
	size_t cap = 200000, n = 0;
	char *want = malloc(cap);

	cr_assert_not(failed);
	n += (size_t)snprintf(want + n, cap - n, "[");
	for (size_t len = 0; len < 40001; len = len * 3 + 1) {
		n += (size_t)snprintf(want + n, cap - n, "%s\"", len ? ", " : "");
		memset(want + n, 'x', len);
		n += len;
		n += (size_t)snprintf(want + n, cap - n, "\"");
	}
	snprintf(want + n, cap - n, "]\n");
	cr_assert_gt(strlen(want), JSON_BUF_SIZE * 2);
	cr_assert_str_eq(s, want);
	free(want);
	free(s);
}

/* The escape every byte gets, as the format says: \" \\ \n \r \t, \u00XX below 0x20, else itself. */
static size_t oracle_quote(char *out, const unsigned char *s)
{
	size_t n = 0;

	out[n++] = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			n += (size_t)sprintf(out + n, "\\%c", *s);
		else if (*s == '\n')
			n += (size_t)sprintf(out + n, "\\n");
		else if (*s == '\r')
			n += (size_t)sprintf(out + n, "\\r");
		else if (*s == '\t')
			n += (size_t)sprintf(out + n, "\\t");
		else if (*s < 0x20)
			n += (size_t)sprintf(out + n, "\\u%04x", *s);
		else
			out[n++] = (char)*s;
	}
	out[n++] = '"';
	out[n] = 0;
	return n;
}

/*
 * Keys and values of 1 to 19 bytes with one byte of every value at every position: the writer
 * tests 8 bytes at a time and the rest one by one, so a byte needing an escape must be found in
 * either part, and bytes 0x7f-0xff (UTF-8) must go out as they are.
 */
Test(json, every_byte_at_every_position_is_escaped_as_the_format_says)
{
	unsigned char s[20];

	for (size_t len = 1; len < sizeof(s); len++) {
		for (size_t at = 0; at < len; at++) {
			for (int b = 1; b < 256; b++) {
				char *buf = NULL, want[4 * 128];
				size_t size = 0, n = 0;
				FILE *f = open_memstream(&buf, &size);
				struct json_writer w;

				memset(s, 'k', len);
				s[at] = (unsigned char)b;
				s[len] = 0;
				json__init_file(&w, f);
				json__begin_object(&w);
				json__key(&w, (const char *)s);
				json__string(&w, (const char *)s);
				json__end_object(&w);
				cr_assert_not(json__failed(&w));
				fclose(f);
				n += (size_t)sprintf(want, "{\n  ");
				n += oracle_quote(want + n, s);
				n += (size_t)sprintf(want + n, ": ");
				n += oracle_quote(want + n, s);
				sprintf(want + n, "\n}\n");
				cr_assert_str_eq(buf, want, "byte 0x%02x at %zu of %zu", b, at, len);
				free(buf);
			}
		}
	}
}

static void doc_deep(struct json_writer *w)
{
	for (int d = 0; d < JSON_MAX_DEPTH - 1; d++) {
		json__begin_array(w);
		json__u64(w, (uint64_t)d);
	}
	for (int d = 0; d < JSON_MAX_DEPTH - 1; d++)
		json__end_array(w);
}

/* The deepest nesting the writer takes: two spaces a level on every line, none left over. */
Test(json, indentation_is_two_spaces_a_level_at_every_depth)
{
	bool failed;
	char *s = write_doc(doc_deep, &failed), want[8192];
	size_t n = 0;
	int levels = JSON_MAX_DEPTH - 1;

	cr_assert_not(failed);
	for (int d = 0; d < levels; d++) {
		if (d)
			n += (size_t)sprintf(want + n, ",\n%*s", 2 * d, "");
		n += (size_t)sprintf(want + n, "[\n%*s%d", 2 * (d + 1), "", d);
	}
	for (int d = levels - 1; d >= 0; d--)
		n += (size_t)sprintf(want + n, "\n%*s]", 2 * d, "");
	sprintf(want + n, "\n");
	cr_assert_str_eq(s, want);
	free(s);
}

static void doc_numbers(struct json_writer *w)
{
	json__begin_array_inline(w);
	for (uint64_t p = 1; p; p = p * 10 > p ? p * 10 : 0) {
		json__u64(w, p - 1);
		json__u64(w, p);
		json__u64(w, p + 1);
		json__i64(w, -(int64_t)p);
	}
	json__u64(w, UINT64_MAX);
	json__i64(w, INT64_MIN);
	json__i64(w, INT64_MAX);
	json__end_array(w);
}

/* Integers as printf prints them: every power of ten and its neighbours, and the extremes. */
Test(json, integers_are_written_as_printf_writes_them)
{
	bool failed;
	char *s = write_doc(doc_numbers, &failed), want[4096];
	size_t n = 0;

	cr_assert_not(failed);
	n += (size_t)sprintf(want + n, "[");
	for (uint64_t p = 1; p; p = p * 10 > p ? p * 10 : 0)
		n += (size_t)sprintf(want + n, "%s%llu, %llu, %llu, %lld", p > 1 ? ", " : "",
				     (unsigned long long)(p - 1), (unsigned long long)p,
				     (unsigned long long)(p + 1), -(long long)p);
	sprintf(want + n, ", %llu, %lld, %lld]\n", (unsigned long long)UINT64_MAX, (long long)INT64_MIN,
		(long long)INT64_MAX);
	cr_assert_str_eq(s, want);
	free(s);
}
