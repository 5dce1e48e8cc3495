/*
 * Temporary files removed on every exit path, and stale ones swept (see temp_files.h).
 */
#include "harness/util/temp_files.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TEMP_FILES_MAX 16
#define TEMP_PATH_MAX 4096

static char listed[TEMP_FILES_MAX][TEMP_PATH_MAX];
static volatile sig_atomic_t in_use[TEMP_FILES_MAX];
static bool atexit_done;

void temp_files__name(char *out, size_t len, const char *dir, const char *stem, const char *suffix)
{
	snprintf(out, len, "%s/%s.tmp.%d%s", dir, stem, (int)getpid(), suffix);
}

void temp_files__unlink_all(void)
{
	for (int i = 0; i < TEMP_FILES_MAX; i++)
		if (in_use[i])
			unlink(listed[i]);
}

static void unlink_at_exit(void)
{
	temp_files__unlink_all();
}

int temp_files__add(const char *path)
{
	if (!atexit_done) {
		atexit(unlink_at_exit);
		atexit_done = true;
	}
	if (strlen(path) >= TEMP_PATH_MAX)
		return -1;
	for (int i = 0; i < TEMP_FILES_MAX; i++) {
		if (in_use[i])
			continue;
		snprintf(listed[i], TEMP_PATH_MAX, "%s", path);
		in_use[i] = 1;
		return 0;
	}
	return -1;
}

void temp_files__forget(const char *path)
{
	for (int i = 0; i < TEMP_FILES_MAX; i++)
		if (in_use[i] && !strcmp(listed[i], path))
			in_use[i] = 0;
}

static void on_stop_signal(int sig)
{
	temp_files__unlink_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void temp_files__remove_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_stop_signal }, old;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* one ignored (nohup) stays ignored */
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* The PID in ".tmp.PID" of @name, or 0. */
static long pid_in(const char *name)
{
	const char *p = strstr(name, ".tmp.");
	char *end;
	long pid;

	if (!p)
		return 0;
	errno = 0;
	pid = strtol(p + 5, &end, 10);
	if (errno || end == p + 5 || pid <= 0 || (*end && *end != '.'))
		return 0;
	return pid;
}

static bool process_gone(long pid)
{
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

int temp_files__sweep_stale(const char *dir, const char *prefix, unsigned int min_age_s)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[TEMP_PATH_MAX];
		struct stat st;
		long pid = pid_in(e->d_name);

		if (!pid || (prefix && strncmp(e->d_name, prefix, strlen(prefix))) || pid == (long)getpid())
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) || !S_ISREG(st.st_mode) || st.st_uid != getuid())
			continue;
		if (min_age_s && now - st.st_mtime < (time_t)min_age_s)
			continue;
		if (process_gone(pid) && !unlink(path))
			removed++;
	}
	closedir(d);
	return removed;
}
