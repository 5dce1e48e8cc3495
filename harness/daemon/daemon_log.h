/*
 * The daemon log both backends keep (scxd_log): lines stamped with the daemon's clock in
 * seconds, gathered in memory and written out when the daemon stops. Internal to scxlab.
 */
#ifndef SCXLAB_DAEMON_LOG_H
#define SCXLAB_DAEMON_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Append "[SECONDS] message\n" to the growing buffer *@buf of length *@len. */
void daemon_log__vappend(char **buf, size_t *len, uint64_t now_ns, const char *fmt, va_list ap);

#endif
