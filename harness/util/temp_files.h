/*
 * Files that exist only while this process runs (a private build, the copy a run loads, a
 * file being written before its rename). Their names hold ".tmp.PID", so whatever a killed
 * process left behind is recognised by a later one and removed; the ones of this process are
 * removed at exit, on SIGINT/SIGTERM/SIGHUP and before a crash report ends the process.
 */
#ifndef HARNESS_TEMP_FILES_H
#define HARNESS_TEMP_FILES_H

#include <stddef.h>

/* "@dir/@stem.tmp.PID@suffix" for this process into @out. */
void temp_files__name(char *out, size_t len, const char *dir, const char *stem, const char *suffix);
/* Remove @path when this process ends (at most 16 at a time). 0, or -1 if the list is full. */
int temp_files__add(const char *path);
/* @path is gone or kept (renamed, unlinked): no longer removed at exit. */
void temp_files__forget(const char *path);
/* Unlink every listed file (async-signal-safe: a crash or signal handler may call it). */
void temp_files__unlink_all(void);
/*
 * Catch SIGINT, SIGTERM and SIGHUP: unlink the listed files, then end by the same signal, so a
 * parent sees how its child ended. For commands that do not handle these signals themselves.
 */
void temp_files__remove_on_signals(void);
/*
 * Remove the files in @dir whose name starts with @prefix (NULL: any) and holds ".tmp.PID" of
 * a process that no longer exists, owned by this user; with @min_age_s, only files older than
 * that (a shared folder such as /tmp, where PIDs may be of another PID namespace). The number
 * removed.
 */
int temp_files__sweep_stale(const char *dir, const char *prefix, unsigned int min_age_s);

#endif
