/*
 * Locating the cache, the executable, the source tree and vmlinux.h (see paths.h).
 */
#include "harness/util/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SCXLAB_SRC_ROOT
#define SCXLAB_SRC_ROOT ""
#endif

static char cache_dir[PATH_MAX], exe_dir[PATH_MAX], root_dir[PATH_MAX], vmlinux_dir[PATH_MAX];

int scxlab__mkdirs(const char *dir)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

const char *scxlab__cache_dir(void)
{
	const char *env = getenv("SCXLAB_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (cache_dir[0])
		return cache_dir;
	if (env && *env)
		snprintf(cache_dir, sizeof(cache_dir), "%s", env);
	else if (xdg && *xdg)
		snprintf(cache_dir, sizeof(cache_dir), "%s/scxlab", xdg);
	else
		snprintf(cache_dir, sizeof(cache_dir), "%s/.cache/scxlab", home && *home ? home : "/tmp");
	scxlab__mkdirs(cache_dir);
	return cache_dir;
}

const char *scxlab__exe_dir(void)
{
	ssize_t n;
	char *slash;

	if (exe_dir[0])
		return exe_dir;
	n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);
	if (n <= 0) {
		snprintf(exe_dir, sizeof(exe_dir), ".");
		return exe_dir;
	}
	exe_dir[n] = 0;
	slash = strrchr(exe_dir, '/');
	if (slash)
		*slash = 0;
	return exe_dir;
}

static int has_shim(const char *root)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/sim/shim/scx/common.bpf.h", root);
	return root[0] && access(p, R_OK) == 0;
}

const char *scxlab__root(void)
{
	const char *env = getenv("SCXLAB_ROOT");

	if (root_dir[0])
		return root_dir;
	if (env && *env)
		snprintf(root_dir, sizeof(root_dir), "%s", env);
	else if (has_shim(SCXLAB_SRC_ROOT))
		snprintf(root_dir, sizeof(root_dir), "%s", SCXLAB_SRC_ROOT);
	else
		snprintf(root_dir, sizeof(root_dir), "%s/..", scxlab__exe_dir());
	return root_dir;
}

const char *scxlab__vmlinux_dir(void)
{
	const char *env = getenv("SCXLAB_VMLINUX_DIR");
	char p[PATH_MAX + 16];

	if (vmlinux_dir[0])
		return vmlinux_dir;
	if (env && *env)
		snprintf(vmlinux_dir, sizeof(vmlinux_dir), "%s", env);
	else
		snprintf(vmlinux_dir, sizeof(vmlinux_dir), "%s/kernel", scxlab__cache_dir());
	snprintf(p, sizeof(p), "%s/vmlinux.h", vmlinux_dir);
	if (access(p, R_OK)) {
		vmlinux_dir[0] = 0;
		return NULL;
	}
	return vmlinux_dir;
}

bool path__ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

void path__stem(const char *path, const char *suffix, char *out, size_t len)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(b), s = strlen(suffix);

	if (n > s && !strcmp(b + n - s, suffix))
		n -= s;
	snprintf(out, len, "%.*s", (int)n, b);
}
