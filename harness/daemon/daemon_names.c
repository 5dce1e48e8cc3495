/*
 * Map names of a daemon (see daemon_names.h).
 */
#include "harness/daemon/daemon_names.h"

#include <stdio.h>
#include <string.h>

int daemon_names__intern(struct daemon_names *t, const char *name)
{
	if (strlen(name) >= DAEMON_NAME_LEN)
		return -1;
	for (int i = 0; i < t->nr; i++)
		if (!strcmp(t->name[i], name))
			return i;
	if (t->nr == DAEMON_MAX_MAPS)
		return -1;
	snprintf(t->name[t->nr], DAEMON_NAME_LEN, "%s", name);
	return t->nr++;
}
