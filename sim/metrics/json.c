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

/* The buffer must hold the longest indentation in one piece (see indent()). */
_Static_assert(JSON_BUF_SIZE > 2 * JSON_MAX_DEPTH + 4, "json buffer smaller than an indentation");

/*
 * Room for @n more bytes at the end of the buffer, written out first if @n does not fit; NULL
 * when @n is more than the whole buffer. Most pieces are a few bytes: they are gathered and
 * written a buffer at a time, and the callers that know their size write in place.
 */
static inline char *reserve(struct json_writer *w, size_t n)
{
	if (n > sizeof(w->buf) - w->used) {
		flush(w);
		if (n > sizeof(w->buf))
			return NULL;
	}
	return w->buf + w->used;
}

static inline void put_n(struct json_writer *w, const char *s, size_t n)
{
	char *p = reserve(w, n);

	if (!p) {
		write_out(w, s, n);
		return;
	}
	memcpy(p, s, n);
	w->used += n;
}

static void put(struct json_writer *w, const char *s)
{
	put_n(w, s, strlen(s));
}

/*
 * A newline and two spaces a level, after a comma if @comma (", " on an inline level). The
 * spaces are copied as one fixed-size block, the longest indentation, so the copy is a few
 * stores; the bytes past the indentation are overwritten by what follows or never written.
 */
static const char json_spaces[2 * JSON_MAX_DEPTH] = "                                                                ";

static void put_separator(struct json_writer *w, bool comma, bool newline)
{
	bool inl = w->inline_[w->depth];
	size_t nc = comma ? (inl ? 2 : 1) : 0, ns = newline ? 2 * (size_t)w->depth : 0;
	char *p = reserve(w, nc + 1 + sizeof(json_spaces));

	if (comma) {
		p[0] = ',';
		if (inl)
			p[1] = ' ';
	}
	if (newline) {
		p[nc] = '\n';
		memcpy(p + nc + 1, json_spaces, sizeof(json_spaces));
	}
	w->used += nc + newline + ns;
}

static void indent(struct json_writer *w)
{
	put_separator(w, false, true);
}

/* Separator and indentation before a value (or a key) at the current level. */
static inline void before_item(struct json_writer *w, bool is_key)
{
	if (w->after_key) {
		if (is_key)
			w->failed = true;
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->is_object[w->depth] && !is_key)
		w->failed = true; /* a value in an object needs a key */
	bool comma = !w->first[w->depth], newline = w->depth > 0 && !w->inline_[w->depth];
	if (comma || newline)
		put_separator(w, comma, newline);
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

/* A quoted string with escapes: runs of characters that need none go out in one write. */
static void put_escaped(struct json_writer *w, const char *s)
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

#define BYTES(b) (0x0101010101010101ULL * (b))

/* Does any byte of @x need an escape: below 0x20, '"' or '\\'? (exact, 8 bytes at a time) */
static inline bool word_needs_escape(uint64_t x)
{
	uint64_t q = x ^ BYTES('"'), b = x ^ BYTES('\\');
	uint64_t ctl = (x - BYTES(0x20)) & ~x;
	uint64_t quote = (q - BYTES(1)) & ~q, bslash = (b - BYTES(1)) & ~b;

	return (ctl | quote | bslash) & BYTES(0x80);
}

/*
 * Can the @n bytes at @s go out as they are? Whole words, then the last 8 (or 4 and 4) bytes
 * loaded overlapping the ones already tested, so only strings under 4 bytes go byte by byte.
 */
static bool plain_text(const char *s, size_t n)
{
	uint64_t x;
	uint32_t lo, hi;
	size_t i = 0;

	if (n >= 8) {
		for (; i + 8 <= n; i += 8) {
			memcpy(&x, s + i, 8);
			if (word_needs_escape(x))
				return false;
		}
		memcpy(&x, s + n - 8, 8);
		return !word_needs_escape(x);
	}
	if (n >= 4) {
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		return !word_needs_escape(lo | (uint64_t)hi << 32);
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '"' || c == '\\')
			return false;
	}
	return true;
}

/*
 * "@s", and ": " after it if @key: a string with nothing to escape (keys, names) is written in
 * place in one piece, any other through put_escaped().
 */
static void put_quoted(struct json_writer *w, const char *s, bool key)
{
	size_t n = strlen(s), extra = key ? 4 : 2;
	char *p = plain_text(s, n) ? reserve(w, n + extra) : NULL;

	if (!p) {
		put_escaped(w, s);
		if (key)
			put_n(w, ": ", 2);
		return;
	}
	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	if (key) {
		p[n + 2] = ':';
		p[n + 3] = ' ';
	}
	w->used += n + extra;
}

void json__key(struct json_writer *w, const char *key)
{
	if (w->depth == 0 || !w->is_object[w->depth]) {
		w->failed = true;
		return;
	}
	before_item(w, true);
	put_quoted(w, key, true);
	w->after_key = true;
}

void json__string(struct json_writer *w, const char *s)
{
	before_item(w, false);
	if (s)
		put_quoted(w, s, false);
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
