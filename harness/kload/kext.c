/* Moving a workload's named stressors to SCHED_EXT (see kext.h). */
#include "harness/kload/kext.h"
#include "harness/util/options.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHED_EXT_POLICY 7 /* include/uapi/linux/sched.h: SCHED_EXT */

int kext__valid(const char *names)
{
	size_t len = 0;

	for (const char *c = names; ; c++) {
		if (*c == ',' || !*c) {
			if (!len)
				return 0;
			if (!*c)
				return 1;
			len = 0;
		} else if (isalnum((unsigned char)*c) || *c == '-' || *c == '_') {
			len++;
		} else {
			return 0;
		}
	}
}

/* Whether @comm is "stress-ng-NAME" with NAME one of @names, as the kernel keeps it: cut to
 * TASK_COMM_LEN - 1 = 15 characters ("stress-ng-affinity" is "stress-ng-affin"). */
static int named(const char *comm, const char *names)
{
	const size_t comm_max = 15, prefix = strlen("stress-ng-");

	if (strncmp(comm, "stress-ng-", prefix) || !comm[prefix])
		return 0;
	const char *p = names, *item;
	size_t len;

	while (opt__list_next(&p, &item, &len)) {
		size_t cut = prefix + len > comm_max ? comm_max - prefix : len;

		if (strlen(comm + prefix) == cut && !strncmp(item, comm + prefix, cut))
			return 1;
	}
	return 0;
}

/* @pid's comm and process group from /proc/PID/stat. 0, or -1 when it is gone. */
static int stat_of(const char *pid, char *comm, size_t len, long *pgrp)
{
	char path[300], buf[512], *open, *close;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* PID (COMM) STATE PPID PGRP ...: the comm may hold spaces and parentheses */
	open = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (!open || !close || close < open || sscanf(close + 1, " %*c %*d %ld", pgrp) != 1)
		return -1;
	n = (size_t)(close - open - 1) < len ? (size_t)(close - open - 1) : len - 1;
	memcpy(comm, open + 1, n);
	comm[n] = 0;
	return 0;
}

int kext__switch(const char *names, pid_t pgid)
{
	struct sched_param sp = { .sched_priority = 0 };
	DIR *d = opendir("/proc");
	struct dirent *e;
	int moved = 0;
	static bool warned;

	if (!d) {
		if (!warned)
			fprintf(stderr, "scxlab-kload: --ext-stressors: cannot read /proc (%s): no stressor moved to SCHED_EXT\n",
				strerror(errno));
		warned = true;
		return -1;
	}
	while ((e = readdir(d))) {
		char comm[64];
		long pgrp;
		pid_t pid;

		if (!isdigit((unsigned char)e->d_name[0]) || stat_of(e->d_name, comm, sizeof(comm), &pgrp) ||
		    pgrp != pgid || !named(comm, names))
			continue;
		pid = (pid_t)atol(e->d_name);
		if ((sched_getscheduler(pid) & ~SCHED_RESET_ON_FORK) == SCHED_EXT_POLICY)
			continue;
		if (!sched_setscheduler(pid, SCHED_EXT_POLICY, &sp))
			moved++;
		else if (!warned && errno != ESRCH) {
			fprintf(stderr, "scxlab-kload: --ext-stressors: cannot move %s[%d] to SCHED_EXT: %s\n", comm,
				(int)pid, strerror(errno));
			warned = true;
		}
	}
	closedir(d);
	return moved;
}
