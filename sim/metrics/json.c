/*
 * Streaming JSON writer (see json.h).
 */
#include "sim/metrics/json.h"

#include <math.h>
#include <string.h>

void json__init_file(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->first[0] = true;
}

static void write_out(struct json_writer *w, const char *s, size_t n)
{
	/* the writer owns its stream: no lock per call */
	if (!w->failed && n && fwrite_unlocked(s, 1, n, w->f) != n)
		w->failed = true;
}

static void flush(struct json_writer *w)
{
	write_out(w, w->buf, w->used);
	w->used = 0;
}

/* Most pieces are a few bytes: they are gathered and written a buffer at a time. */
static void put_n(struct json_writer *w, const char *s, size_t n)
{
	if (n > sizeof(w->buf) - w->used) {
		flush(w);
		if (n > sizeof(w->buf)) {
			write_out(w, s, n);
			return;
		}
	}
	memcpy(w->buf + w->used, s, n);
	w->used += n;
}

static void put(struct json_writer *w, const char *s)
{
	put_n(w, s, strlen(s));
}

static void indent(struct json_writer *w)
{
	static const char spaces[] = "\n                                                                ";
	int n = 2 * w->depth;

	put_n(w, spaces, 1);
	for (; n > 0; n -= (int)sizeof(spaces) - 2)
		put_n(w, spaces + 1, n < (int)sizeof(spaces) - 2 ? (size_t)n : sizeof(spaces) - 2);
}

/* Separator and indentation before a value (or a key) at the current level. */
static void before_item(struct json_writer *w, bool is_key)
{
	if (w->after_key) {
		if (is_key)
			w->failed = true;
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->is_object[w->depth] && !is_key)
		w->failed = true; /* a value in an object needs a key */
	if (!w->first[w->depth])
		put(w, w->inline_[w->depth] ? ", " : ",");
	if (w->depth > 0 && !w->inline_[w->depth])
		indent(w);
	w->first[w->depth] = false;
}

static void open_level(struct json_writer *w, const char *brace, bool object, bool inl)
{
	before_item(w, false);
	put(w, brace);
	if (w->depth + 1 >= JSON_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	w->depth++;
	w->first[w->depth] = true;
	w->is_object[w->depth] = object;
	w->inline_[w->depth] = inl || (w->depth > 1 && w->inline_[w->depth - 1]);
}

static void close_level(struct json_writer *w, const char *brace, bool object)
{
	if (w->depth == 0 || w->is_object[w->depth] != object || w->after_key) {
		w->failed = true;
		return;
	}
	bool empty = w->first[w->depth], inl = w->inline_[w->depth];
	w->depth--;
	if (!empty && !inl)
		indent(w);
	put(w, brace);
	if (w->depth == 0) {
		put(w, "\n");
		flush(w);
	}
}

void json__begin_object(struct json_writer *w) { open_level(w, "{", true, false); }
void json__end_object(struct json_writer *w) { close_level(w, "}", true); }
void json__begin_array(struct json_writer *w) { open_level(w, "[", false, false); }
void json__begin_array_inline(struct json_writer *w) { open_level(w, "[", false, true); }
void json__end_array(struct json_writer *w) { close_level(w, "]", false); }

/* A quoted string: runs of characters that need no escape go out in one write. */
static void put_string(struct json_writer *w, const char *s)
{
	const unsigned char *c = (const unsigned char *)s, *run = c;
	char buf[8];

	put_n(w, "\"", 1);
	for (; *c; c++) {
		const char *esc;

		switch (*c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (*c >= 0x20)
				continue;
			snprintf(buf, sizeof(buf), "\\u%04x", *c);
			esc = buf;
		}
		put_n(w, (const char *)run, (size_t)(c - run));
		put(w, esc);
		run = c + 1;
	}
	put_n(w, (const char *)run, (size_t)(c - run));
	put_n(w, "\"", 1);
}

void json__key(struct json_writer *w, const char *key)
{
	if (w->depth == 0 || !w->is_object[w->depth]) {
		w->failed = true;
		return;
	}
	before_item(w, true);
	put_string(w, key);
	put(w, ": ");
	w->after_key = true;
}

void json__string(struct json_writer *w, const char *s)
{
	before_item(w, false);
	if (s)
		put_string(w, s);
	else
		put(w, "null");
}

/* Decimal digits of @v, with a leading '-' if @neg, as printf's %llu would give them. */
static void put_decimal(struct json_writer *w, uint64_t v, bool neg)
{
	char buf[24], *end = buf + sizeof(buf), *c = end;

	do {
		*--c = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--c = '-';
	put_n(w, c, (size_t)(end - c));
}

void json__u64(struct json_writer *w, uint64_t v)
{
	before_item(w, false);
	put_decimal(w, v, false);
}

void json__i64(struct json_writer *w, int64_t v)
{
	before_item(w, false);
	put_decimal(w, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void json__double(struct json_writer *w, double v)
{
	char buf[40];

	before_item(w, false);
	if (!isfinite(v)) {
		put(w, "null");
		return;
	}
	snprintf(buf, sizeof(buf), "%.9g", v);
	/* keep it a JSON number that reads back as a double: "1e+06" is valid, "1" too */
	put(w, buf);
}

void json__bool(struct json_writer *w, bool v)
{
	before_item(w, false);
	put(w, v ? "true" : "false");
}

void json__null(struct json_writer *w)
{
	before_item(w, false);
	put(w, "null");
}

void json__write_hist(struct json_writer *w, const struct hist *h)
{
	json__begin_object(w);
	json__key(w, "count"); json__u64(w, h->count);
	json__key(w, "mean"); json__double(w, hist__mean(h));
	json__key(w, "min"); json__u64(w, hist__min(h));
	json__key(w, "p50"); json__u64(w, hist__percentile(h, 50));
	json__key(w, "p90"); json__u64(w, hist__percentile(h, 90));
	json__key(w, "p99"); json__u64(w, hist__percentile(h, 99));
	json__key(w, "p999"); json__u64(w, hist__percentile(h, 99.9));
	json__key(w, "max"); json__u64(w, h->max);
	json__key(w, "buckets");
	json__begin_array(w);
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		json__begin_array_inline(w);
		json__u64(w, hist__bucket_low(i));
		json__u64(w, h->buckets[i]);
		json__end_array(w);
	}
	json__end_array(w);
	json__end_object(w);
}

bool json__failed(struct json_writer *w)
{
	flush(w);
	return w->failed || w->depth != 0 || ferror(w->f);
}
