/*
 * The kernel's bstr formatting (bpf_bprintf rules): a format string and its arguments as an
 * array of u64 slots, one per conversion. What bpf_trace_vprintk and bpf_snprintf print and
 * what the sched_ext kfuncs scx_bpf_error/exit/dump format their messages with.
 */
#include "sim/bpf/bpf_runtime.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int sim_bpf__bstr_format(char *buf, size_t len, const char *fmt, const unsigned long long *data,
			 uint32_t data_sz, char *err, size_t errlen)
{
	size_t out = 0;
	uint32_t nargs = data_sz / 8, argi = 0;

	if (!fmt || (data_sz % 8) || (data_sz && !data)) {
		snprintf(err, errlen, "invalid data=%p and data__sz=%u", (const void *)data, data_sz);
		return -EINVAL;
	}
	buf[0] = 0;
	for (const char *f = fmt; *f && out + 1 < len; f++) {
		char spec[32], piece[512];
		size_t sl = 0;
		const char *start = f;

		if (*f != '%') {
			buf[out++] = *f;
			continue;
		}
		if (f[1] == '%') {
			buf[out++] = '%';
			f++;
			continue;
		}
		/* flags, width, precision */
		f++;
		while (*f && strchr("-+ #0", *f))
			f++;
		while (*f >= '0' && *f <= '9')
			f++;
		if (*f == '.') {
			f++;
			while (*f >= '0' && *f <= '9')
				f++;
		}
		/* length modifiers are all the same here: every slot is 64 bits */
		const char *lenmod = f;
		while (*f && strchr("hlzjt", *f))
			f++;
		if (!*f || !strchr("diuxXocsp", *f)) {
			snprintf(err, errlen, "(\"%s\", %p, %u) failed to format", fmt, (const void *)data, data_sz);
			return -EINVAL;
		}
		if (argi >= nargs) {
			snprintf(err, errlen, "(\"%s\", %p, %u) failed to format", fmt, (const void *)data, data_sz);
			return -EINVAL;
		}
		sl = (size_t)(lenmod - start);
		if (sl > sizeof(spec) - 4)
			sl = sizeof(spec) - 4;
		memcpy(spec, start, sl);
		unsigned long long v = data[argi++];
		switch (*f) {
		case 's':
			spec[sl++] = 's';
			spec[sl] = 0;
			snprintf(piece, sizeof(piece), spec, v ? (const char *)(uintptr_t)v : "(null)");
			break;
		case 'p':
			/* the kernel hashes pointers; print a stable stand-in so runs stay identical */
			snprintf(piece, sizeof(piece), "(____ptrval____)");
			break;
		case 'c':
			spec[sl++] = 'c';
			spec[sl] = 0;
			snprintf(piece, sizeof(piece), spec, (int)(char)v);
			break;
		case 'd':
		case 'i': {
			long long sv = (long long)v;
			if (lenmod[0] != 'l')
				sv = (int)v; /* %d takes an int-sized value from the slot */
			spec[sl++] = 'l';
			spec[sl++] = 'l';
			spec[sl++] = 'd';
			spec[sl] = 0;
			snprintf(piece, sizeof(piece), spec, sv);
			break;
		}
		default: {
			unsigned long long uv = v;
			if (lenmod[0] != 'l' && lenmod[0] != 'z')
				uv = (unsigned int)v;
			spec[sl++] = 'l';
			spec[sl++] = 'l';
			spec[sl++] = *f;
			spec[sl] = 0;
			snprintf(piece, sizeof(piece), spec, uv);
			break;
		}
		}
		for (const char *s = piece; *s && out + 1 < len; s++)
			buf[out++] = *s;
	}
	buf[out] = 0;
	return (int)out;
}
