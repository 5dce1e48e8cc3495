/*
 * `scxlab cache` (see cmd_cache.h).
 */
#include "harness/cli/cmd_cache.h"
#include "harness/util/paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ENTRIES 256

static uint64_t tree_bytes;

static int add_size(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F)
		tree_bytes += (uint64_t)st->st_size;
	return 0;
}

/* Bytes of the files under @path (links not followed). */
static uint64_t du(const char *path)
{
	tree_bytes = 0;
	nftw(path, add_size, 16, FTW_PHYS);
	return tree_bytes;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	if (remove(path))
		fprintf(stderr, "scxlab cache: cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

static void remove_tree(const char *path, bool dry_run)
{
	struct stat st;

	if (lstat(path, &st))
		return;
	printf("%s %s (%.1f MB)\n", dry_run ? "would remove" : "removed", path, (double)du(path) / 1e6);
	if (!dry_run)
		nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void read_word(const char *dir, const char *name, char *out, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(out, len, "-");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(out, (int)len, f))
		snprintf(out, len, "-");
	out[strcspn(out, "\n")] = 0;
	fclose(f);
}

/* The kernel directory's entries: release directories and the links (series, current) to them. */
struct kentry {
	char name[256];
	char target[256]; /* links: what they point to */
	bool link;
};

static int read_kernels(const char *kdir, struct kentry *e, int max)
{
	DIR *d = opendir(kdir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < max) {
		char path[PATH_MAX], vmlinuz[PATH_MAX + 16];
		struct stat st;
		ssize_t l;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", kdir, de->d_name);
		if (lstat(path, &st))
			continue;
		memset(&e[n], 0, sizeof(e[n]));
		snprintf(e[n].name, sizeof(e[n].name), "%s", de->d_name);
		if (S_ISLNK(st.st_mode)) {
			l = readlink(path, e[n].target, sizeof(e[n].target) - 1);
			if (l < 0)
				continue;
			e[n].target[l] = 0;
			e[n].link = true;
			n++;
			continue;
		}
		snprintf(vmlinuz, sizeof(vmlinuz), "%s/vmlinuz", path);
		if (S_ISDIR(st.st_mode) && !access(vmlinuz, F_OK))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static int compare_names(const void *a, const void *b)
{
	return strverscmp(((const struct kentry *)a)->name, ((const struct kentry *)b)->name);
}

/* The series links and "current" pointing at release @rel, as "7.3, current". */
static void links_to(const struct kentry *e, int n, const char *rel, char *out, size_t len)
{
	out[0] = 0;
	for (int i = 0; i < n; i++)
		if (e[i].link && !strcmp(e[i].target, rel) && strcmp(e[i].name, "vmlinux.h"))
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? ", " : "", e[i].name);
}

static int list(const char *cache)
{
	char kdir[PATH_MAX], path[PATH_MAX + 300], links[256], sx[8], suite[64], pkg[128];
	static const char *const others[][2] = {
		{ "kernel/apt", "package lists and downloads (fetch-kernel.sh)" },
		{ "sched_ext-examples", "the kernel's example schedulers (fetch-sched-ext-examples.sh)" },
		{ "build", "policy builds (scxlab build)" },
		{ "run", "run scratch" },
		{ "vm", "VM scratch (initramfs, console logs)" },
	};
	struct kentry e[MAX_ENTRIES];
	int n;

	snprintf(kdir, sizeof(kdir), "%s/kernel", cache);
	printf("cache %s: %.1f MB\n\n", cache, (double)du(cache) / 1e6);
	n = read_kernels(kdir, e, MAX_ENTRIES);
	qsort(e, (size_t)n, sizeof(e[0]), compare_names);
	printf("kernels (%s):\n  %-28s %-9s %-17s %8s  %-14s %s\n", kdir, "release", "sched_ext", "suite", "MB",
	       "--kernel", "package");
	for (int i = 0; i < n; i++) {
		if (e[i].link)
			continue;
		snprintf(path, sizeof(path), "%.4000s/%.255s", kdir, e[i].name);
		read_word(path, "sched_ext", sx, sizeof(sx));
		read_word(path, "suite", suite, sizeof(suite));
		read_word(path, "package", pkg, sizeof(pkg));
		links_to(e, n, e[i].name, links, sizeof(links));
		printf("  %-28s %-9s %-17s %8.1f  %-14s %s\n", e[i].name, sx, suite, (double)du(path) / 1e6,
		       links[0] ? links : "(unlinked)", pkg);
	}
	printf("\nother:\n");
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", cache, others[i][0]);
		if (!access(path, F_OK))
			printf("  %-20s %8.1f MB  %s\n", others[i][0], (double)du(path) / 1e6, others[i][1]);
	}
	return 0;
}

/* What a link (series or current) points at, or "". */
static const char *resolve(const struct kentry *e, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (e[i].link && !strcmp(e[i].name, name))
			return e[i].target;
	return "";
}

static int prune(const char *cache, const char *kernel, bool dry_run)
{
	char kdir[PATH_MAX], path[PATH_MAX + 300], links[256];
	struct kentry e[MAX_ENTRIES];
	const char *current, *victim = NULL;
	int n;

	snprintf(kdir, sizeof(kdir), "%s/kernel", cache);
	/* fetch-kernel.sh holds this lock while it fetches: leave its work alone */
	snprintf(path, sizeof(path), "%s/.lock", kdir);
	int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "scxlab cache: a kernel is being fetched (%s is locked); prune again later\n", path);
		close(lock);
		return 1;
	}
	n = read_kernels(kdir, e, MAX_ENTRIES);
	current = resolve(e, n, "current");
	if (kernel) {
		victim = resolve(e, n, kernel);
		for (int i = 0; !victim[0] && i < n; i++)
			if (!e[i].link && !strcmp(e[i].name, kernel))
				victim = e[i].name;
		if (!victim[0] || !strcmp(kernel, "current") || !strcmp(kernel, "vmlinux.h")) {
			fprintf(stderr, "scxlab cache: --kernel %s: no such kernel in %s (`scxlab cache` lists them)\n",
				kernel, kdir);
			close(lock);
			return 2;
		}
		if (!strcmp(victim, current)) {
			close(lock);
			fprintf(stderr, "scxlab cache: --kernel %s: %s is the current (default) kernel; it stays\n", kernel,
				victim);
			return 2;
		}
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%.4000s/%.255s", kdir, e[i].name);
		if (e[i].link) {
			if (victim && !strcmp(e[i].target, victim) && strcmp(e[i].name, "current"))
				remove_tree(path, dry_run);
			continue;
		}
		links_to(e, n, e[i].name, links, sizeof(links));
		if (!links[0] || (victim && !strcmp(e[i].name, victim)))
			remove_tree(path, dry_run);
	}
	snprintf(path, sizeof(path), "%s/kernel/apt", cache);
	remove_tree(path, dry_run);
	snprintf(path, sizeof(path), "%s/sched_ext-examples/apt", cache);
	remove_tree(path, dry_run);
	/* interrupted fetches */
	DIR *d = opendir(kdir);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "work.", 5) || !strncmp(de->d_name, "fetch.", 6)) {
			snprintf(path, sizeof(path), "%s/%s", kdir, de->d_name);
			remove_tree(path, dry_run);
		}
	if (d)
		closedir(d);
	if (lock >= 0)
		close(lock);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab cache [list]\n"
		"       scxlab cache prune [--kernel SERIES|RELEASE] [--dry-run]\n\n"
		"list: the cache's directory and size; each real kernel (release, sched_ext or not, the\n"
		"suite it came from, its size, the --kernel names that boot it) and the other parts.\n"
		"prune: remove what is fetched again when needed: the private package lists and downloads,\n"
		"kernels no series links to, leftovers of interrupted fetches; with --kernel also that kernel\n"
		"(not the current one). The cache is $SCXLAB_CACHE, else $XDG_CACHE_HOME/scxlab, else\n"
		"~/.cache/scxlab.\n");
}

int cmd_cache(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *kernel = NULL, *what = "list";
	bool dry_run = false;
	int c;

	if (argc > 1 && argv[1][0] != '-') {
		what = argv[1];
		argv++;
		argc--;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': kernel = optarg; break;
		case 'n': dry_run = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "scxlab cache: unexpected argument '%s' (see `scxlab cache --help`)\n", argv[optind]);
		return 2;
	}
	if (!strcmp(what, "list")) {
		if (kernel || dry_run) {
			fprintf(stderr, "scxlab cache: --kernel and --dry-run are options of `scxlab cache prune`\n");
			return 2;
		}
		return list(scxlab__cache_dir());
	}
	if (!strcmp(what, "prune"))
		return prune(scxlab__cache_dir(), kernel, dry_run);
	fprintf(stderr, "scxlab cache: '%s': expected list or prune\n", what);
	return 2;
}
