/*
 * Option value parsers. See options.h.
 */
#include "harness/util/options.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int opt__parse_u64(const char *opt, const char *text, uint64_t *out, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	if (!text || !*text || *text == '-') {
		snprintf(err, errlen, "%s: expected a non-negative integer, got '%s'", opt, text ? text : "");
		return -1;
	}
	unsigned long long v = strtoull(text, &end, 0);
	if (errno || *end) {
		snprintf(err, errlen, "%s: expected a non-negative integer, got '%s'", opt, text);
		return -1;
	}
	*out = v;
	return 0;
}

int opt__parse_duration(const char *opt, const char *text, uint64_t *ns, char *err, size_t errlen)
{
	static const struct { const char *suffix; double mult; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "", 1e9 },
	};
	char *end;
	double v;

	errno = 0;
	v = text ? strtod(text, &end) : 0;
	if (!text || end == text || errno || !isfinite(v) || v < 0) {
		snprintf(err, errlen, "%s: expected a duration such as 10s, 250ms or 1500us, got '%s'",
			 opt, text ? text : "");
		return -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].suffix)) {
			double total = v * units[i].mult;
			if (total > 1e18) {
				snprintf(err, errlen, "%s: '%s' is too long", opt, text);
				return -1;
			}
			*ns = (uint64_t)(total + 0.5);
			return 0;
		}
	}
	snprintf(err, errlen, "%s: unknown unit in '%s' (use ns, us, ms, s or m)", opt, text);
	return -1;
}

int opt__split_kv(const char *opt, char *text, char **name, char **value, char *err, size_t errlen)
{
	char *eq = strchr(text, '=');

	if (!eq || eq == text) {
		snprintf(err, errlen, "%s: expected NAME=VALUE, got '%s'", opt, text);
		return -1;
	}
	*eq = 0;
	*name = text;
	*value = eq + 1;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

int opt__knob_value(const char *opt, const char *name, const char *value, char *out, size_t len, char *err,
		    size_t errlen)
{
	static const struct { const char *suffix; uint64_t ns; } units[] = {
		{ "_ns", 1 }, { "_us", 1000 }, { "_ms", 1000000 },
	};
	size_t digits = strspn(value, "0123456789");
	uint64_t ns;

	snprintf(out, len, "%s", value);
	/* plain numbers (and anything that is not a number with a time unit) are the policy's to read */
	if (!digits || !value[digits] || strspn(value + digits, "0123456789.") + digits == strlen(value) ||
	    strncmp(value, "0x", 2) == 0)
		return 0;
	const char *unit = value + strspn(value, "0123456789.");
	if (strcmp(unit, "ns") && strcmp(unit, "us") && strcmp(unit, "ms") && strcmp(unit, "s") && strcmp(unit, "m"))
		return 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!ends_with(name, units[i].suffix))
			continue;
		if (opt__parse_duration(opt, value, &ns, err, errlen))
			return -1;
		if (ns % units[i].ns) {
			snprintf(err, errlen, "%s: %s=%s is not a whole number of %s", opt, name, value, units[i].suffix + 1);
			return -1;
		}
		snprintf(out, len, "%llu", (unsigned long long)(ns / units[i].ns));
		return 0;
	}
	snprintf(err, errlen, "%s: %s=%s: a time with a unit is taken only by a knob named *_ns, *_us or *_ms; give %s in "
		 "its own unit", opt, name, value, name);
	return -1;
}

int opt__parse_size(const char *opt, const char *text, uint64_t *bytes, char *err, size_t errlen)
{
	static const struct { const char *suffix; int shift; } units[] = {
		{ "", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 }, { "MiB", 20 }, { "G", 30 }, { "GiB", 30 },
		{ "T", 40 }, { "TiB", 40 },
	};
	char *end;

	errno = 0;
	unsigned long long v = text && *text && *text != '-' ? strtoull(text, &end, 10) : 0;
	if (!text || !*text || *text == '-' || end == text || errno)
		goto bad;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		if (units[i].shift && v > (~0ULL >> units[i].shift))
			goto bad;
		*bytes = (uint64_t)v << units[i].shift;
		return 0;
	}
bad:
	snprintf(err, errlen, "%s: expected a size such as 512M, 2G or 65536 (bytes), got '%s'", opt, text ? text : "");
	return -1;
}

bool opt__list_next(const char **p, const char **item, size_t *len)
{
	if (!**p)
		return false;
	*item = *p;
	*len = strcspn(*p, ",");
	*p += *len + ((*p)[*len] == ',');
	return true;
}
