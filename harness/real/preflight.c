/*
 * Host preflight for real-kernel runs (see preflight.h).
 */
#include "harness/real/preflight.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static void add(char *err, size_t errlen, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= errlen)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err + *off, errlen - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

/* "y", "not set" or "unknown" for @opt in the running kernel's config. */
static const char *kconfig(const char *opt)
{
	static char buf[16];
	struct utsname u;
	char path[512], line[512], want[128], unset[128];
	FILE *f;

	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	if (!f)
		return "unknown";
	snprintf(want, sizeof(want), "%s=", opt);
	snprintf(unset, sizeof(unset), "# %s is not set", opt);
	snprintf(buf, sizeof(buf), "unknown");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want))) {
			snprintf(buf, sizeof(buf), "%.1s", line + strlen(want));
			break;
		}
		if (!strncmp(line, unset, strlen(unset))) {
			snprintf(buf, sizeof(buf), "not set");
			break;
		}
	}
	fclose(f);
	return buf;
}

static int check_host(const char *sysfs, bool need_sched_ext, char *err, size_t errlen)
{
	char path[512], state[64] = "";
	struct utsname u;
	size_t off = 0;
	FILE *f;

	uname(&u);
	err[0] = 0;
	snprintf(path, sizeof(path), "%s/sys/kernel/sched_ext", sysfs);
	if (access(path, F_OK) && need_sched_ext) {
		const char *v = kconfig("CONFIG_SCHED_CLASS_EXT");
		add(err, errlen, &off, "kernel %s has no sched_ext: CONFIG_SCHED_CLASS_EXT is %s (no %s); "
		    "use --target vm to run in a VM with a sched_ext kernel\n", u.release,
		    strcmp(v, "unknown") ? v : "not enabled", path);
	} else if (!access(path, F_OK)) {
		snprintf(path, sizeof(path), "%s/sys/kernel/sched_ext/state", sysfs);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%63s", state) != 1)
				state[0] = 0;
			fclose(f);
		}
		if (state[0] && strcmp(state, "disabled"))
			add(err, errlen, &off, "another sched_ext scheduler is active (state '%s'); unload it first\n",
			    state);
	}
	snprintf(path, sizeof(path), "%s/sys/kernel/btf/vmlinux", sysfs);
	if (access(path, R_OK))
		add(err, errlen, &off, "no kernel BTF (%s): CONFIG_DEBUG_INFO_BTF is needed\n", path);
	if (geteuid() != 0)
		add(err, errlen, &off, "not root: loading %s needs CAP_BPF and CAP_SYS_ADMIN\n",
		    need_sched_ext ? "a BPF scheduler" : "the latency probes");
	if (system("stress-ng --version >/dev/null 2>&1") != 0)
		add(err, errlen, &off, "stress-ng is not installed (scripts/deps.sh installs it)\n");
	if (off && err[off - 1] == '\n')
		err[off - 1] = 0;
	return off ? -1 : 0;
}

int preflight__host(const char *sysfs, char *err, size_t errlen)
{
	return check_host(sysfs, true, err, errlen);
}

int preflight__host_baseline(const char *sysfs, char *err, size_t errlen)
{
	return check_host(sysfs, false, err, errlen);
}
