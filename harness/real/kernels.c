/*
 * The cached real kernels (see kernels.h).
 */
#include "harness/real/kernels.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const kernel__all_series[] = { "6.12", "7.0", "7.2", "7.3" };
const int kernel__nr_all_series = (int)(sizeof(kernel__all_series) / sizeof(kernel__all_series[0]));

bool kernel__is_series(const char *s)
{
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != '.' || !isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == 0 && p - s < 8;
}

/* The last "fetch-kernel.sh: " line of @log (its error), or a generic reason. */
static void fetch_error(const char *log, const char *what, char *err, size_t errlen)
{
	char line[1024], last[1024] = "";
	FILE *f = fopen(log, "r");

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "fetch-kernel.sh: ", 17) && !strstr(line, "downloading") && !strstr(line, "note:"))
			snprintf(last, sizeof(last), "%s", line + 17);
	}
	if (f)
		fclose(f);
	snprintf(err, errlen, "no kernel %s: %s (log: %s)", what,
		 last[0] ? last : "scripts/fetch-kernel.sh failed", log);
}

static int fetch(const char *series, const char *what, char *err, size_t errlen)
{
	char log[4200];
	struct argv_buf a = { 0 };
	int status = 0, rc;

	snprintf(log, sizeof(log), "%s/kernel", scxlab__cache_dir());
	scxlab__mkdirs(log);
	snprintf(log, sizeof(log), "%s/kernel/fetch.%d.log", scxlab__cache_dir(), (int)getpid());
	argv__add(&a, "bash");
	argv__addf(&a, "%s/scripts/fetch-kernel.sh", scxlab__root());
	if (series)
		argv__add(&a, series);
	rc = proc__run_logged(&a, log, false, NULL, &status);
	argv__free(&a);
	if (rc || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fetch_error(log, what, err, errlen);
		return -1;
	}
	unlink(log);
	return 0;
}

int kernel__image(const char *spec, char *image, size_t len, char *err, size_t errlen)
{
	char cfg[4300];

	if (spec && *spec && !kernel__is_series(spec)) {
		snprintf(image, len, "%s", spec);
		/* a cached release by name ("7.2.13+deb14-cloud-amd64") */
		if (access(image, R_OK) && !strchr(spec, '/'))
			snprintf(image, len, "%s/kernel/%s/vmlinuz", scxlab__cache_dir(), spec);
		if (access(image, R_OK)) {
			snprintf(image, len, "%s", spec);
			snprintf(err, errlen, "--kernel %s: %s (a series such as 7.3, a cached release, or a kernel image)", spec,
				 strerror(errno));
			return -1;
		}
		return 0;
	}
	if (spec && *spec) {
		snprintf(image, len, "%s/kernel/%s/vmlinuz", scxlab__cache_dir(), spec);
		snprintf(cfg, sizeof(cfg), "%s/kernel/%s/sched_ext", scxlab__cache_dir(), spec);
		if ((access(image, R_OK) || access(cfg, R_OK)) && fetch(spec, spec, err, errlen))
			return -1;
	} else {
		snprintf(image, len, "%s/kernel/current/vmlinuz", scxlab__cache_dir());
		/* fetched, with its config (a cache from before configs were kept fetches again) */
		snprintf(cfg, sizeof(cfg), "%s/kernel/current/sched_ext", scxlab__cache_dir());
		if ((access(image, R_OK) || access(cfg, R_OK)) && fetch(NULL, "(the default sched_ext kernel)", err, errlen))
			return -1;
	}
	if (access(image, R_OK)) {
		snprintf(err, errlen, "%s: %s", image, strerror(errno));
		return -1;
	}
	return 0;
}

void kernel__release(const char *image, char *out, size_t len)
{
	char real[PATH_MAX], sched_ext[PATH_MAX + 16], *slash;

	if (!realpath(image, real)) {
		snprintf(out, len, "%s", image);
		return;
	}
	slash = strrchr(real, '/');
	*slash = 0;
	snprintf(sched_ext, sizeof(sched_ext), "%s/sched_ext", real);
	if (access(sched_ext, R_OK)) {
		/* not a cached kernel directory: the file's own name */
		snprintf(out, len, "%s", slash + 1);
		return;
	}
	slash = strrchr(real, '/');
	snprintf(out, len, "%s", slash ? slash + 1 : real);
}

int kernel__has_sched_ext(const char *image)
{
	char real[PATH_MAX], path[PATH_MAX + 16], word[8] = "", *slash;
	FILE *f;

	if (!realpath(image, real))
		return -1;
	slash = strrchr(real, '/');
	*slash = 0;
	snprintf(path, sizeof(path), "%s/sched_ext", real);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%7s", word) != 1)
		word[0] = 0;
	fclose(f);
	return !strcmp(word, "yes") ? 1 : !strcmp(word, "no") ? 0 : -1;
}

const char *kernel__of_target(const char *target)
{
	const char *at = strchr(target, '@');

	return at ? at + 1 : NULL;
}

bool kernel__target_valid(const char *target)
{
	const char *k = kernel__of_target(target);

	if (!k)
		return !strcmp(target, "sim") || !strcmp(target, "vm") || !strcmp(target, "host");
	if (strncmp(target, "vm@", 3) || !*k || strlen(k) > 64)
		return false;
	/* a series, or a release name: letters, digits and .+-_ (no path) */
	for (const char *p = k; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".+-_", *p))
			return false;
	return true;
}

const char *kernel__target_base(const char *target, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(target, "@"), target);
	return buf;
}

void kernel__add_target_args(struct argv_buf *a, const char *target, const char *vm_kernel)
{
	const char *kernel = kernel__of_target(target);
	char base[16];

	argv__add(a, "--target");
	argv__add(a, kernel__target_base(target, base, sizeof(base)));
	if (!kernel && vm_kernel && !strcmp(target, "vm"))
		kernel = vm_kernel;
	if (kernel) {
		argv__add(a, "--kernel");
		argv__add(a, kernel);
	}
}
