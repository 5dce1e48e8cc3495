/*
 * The names of the maps a daemon asked for, shared by both backends of the daemon API: a map
 * handle stands for a name and is resolved against the policy loaded now at each call, so a
 * handle the daemon keeps stays good when the policy is loaded again (a restart).
 */
#ifndef HARNESS_DAEMON_NAMES_H
#define HARNESS_DAEMON_NAMES_H

#define DAEMON_MAX_MAPS 64
#define DAEMON_NAME_LEN 64

struct daemon_names {
	char name[DAEMON_MAX_MAPS][DAEMON_NAME_LEN];
	int nr;
};

/* The index of @name in @t, added if new; -1 when the table is full or the name too long. */
int daemon_names__intern(struct daemon_names *t, const char *name);

#endif
