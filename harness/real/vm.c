/*
 * Booting the sched_ext guest (see vm.h).
 */
#include "harness/real/vm.h"
#include "harness/real/kernels.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The booted kernel's build configuration: a config-RELEASE file beside the kernel image
 * (scripts/fetch-kernel.sh keeps the package's /boot/config-RELEASE there). The guest gets it
 * as /boot/config-RELEASE, where libbpf looks for the Kconfig behind `__kconfig` externs.
 * 0 and the guest path in @dest, or -1 when there is none.
 */
static int kernel_config(const char *kernel, char *src, size_t srclen, char *dest, size_t destlen)
{
	char dir[4096], *slash;
	struct dirent *de;
	DIR *d;
	int ret = -1;

	if (!realpath(kernel, dir))
		return -1;
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	*slash = 0;
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "config-", 7)) {
			snprintf(src, srclen, "%.3800s/%.255s", dir, de->d_name);
			snprintf(dest, destlen, "/boot/%s", de->d_name);
			ret = 0;
			break;
		}
	closedir(d);
	return ret;
}

/* Run QEMU, wait at most @timeout_s. 0 on a normal exit, 1 if killed on timeout, -1 error. */
static int run_qemu(struct argv_buf *a, int timeout_s)
{
	pid_t pid;
	int status;
	time_t end = time(NULL) + timeout_s;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(a->argv[0], a->argv);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -1 : 0;
		if (w < 0 && errno != EINTR)
			return -1;
		if (time(NULL) >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 1;
		}
		usleep(50000);
	}
}

static void qemu_args(struct argv_buf *a, const char *accel, const char *kernel, const char *initrd,
		      const struct vm_run *r)
{
	argv__add(a, "qemu-system-x86_64");
	/*
	 * TCG runs the vCPUs in one thread: with one thread per vCPU, a guest enabling and
	 * disabling sched_ext in quick succession (a policy's restart loop) hit "Oops: int3" in
	 * static-key sites being patched under another vCPU (cross-modifying code), and panicked.
	 */
	argv__add(a, "-accel");
	argv__add(a, !strcmp(accel, "kvm") ? "kvm" : "tcg,thread=single");
	if (!strcmp(accel, "kvm")) {
		argv__add(a, "-cpu");
		argv__add(a, "host");
	}
	argv__add(a, "-m");
	argv__addf(a, "%d", r->mem_mb ? r->mem_mb : 1024);
	if (r->smp && *r->smp) {
		char buf[2048];
		snprintf(buf, sizeof(buf), "%s", r->smp);
		for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			argv__add(a, tok);
	} else {
		argv__add(a, "-smp");
		argv__addf(a, "%d", r->cpus ? r->cpus : 2);
	}
	argv__add(a, "-kernel");
	argv__add(a, kernel);
	argv__add(a, "-initrd");
	argv__add(a, initrd);
	argv__add(a, "-append");
	/* no transparent huge pages: under TCG khugepaged's collapses run for milliseconds of
	 * kernel time, which a vtime scheduler charges at its weight (1, nice 19) and then
	 * starves it past the watchdog (scx_bpfland, scx_cosmos: docs/upstream-schedulers.md) */
	argv__add(a, "console=ttyS0 quiet panic=-1 oops=panic transparent_hugepage=never");
	argv__add(a, "-display");
	argv__add(a, "none");
	argv__add(a, "-serial");
	argv__addf(a, "file:%s", r->log);
	argv__add(a, "-no-reboot");
}

static int boot(const struct vm_run *r, const char *accel, char *err, size_t errlen)
{
	char kernel[4096], initrd[4200], init[4200];
	struct argv_buf a = { 0 };
	FILE *f;
	int rc;

	char dir[4096];

	if (kernel__image(r->kernel, kernel, sizeof(kernel), err, errlen))
		return -1;
	snprintf(dir, sizeof(dir), "%s/vm", scxlab__cache_dir());
	if (scxlab__mkdirs(dir)) {
		snprintf(err, errlen, "cannot create %s", dir);
		return -1;
	}
	snprintf(init, sizeof(init), "%s/init.%d", dir, (int)getpid());
	snprintf(initrd, sizeof(initrd), "%s/initrd.%d.gz", dir, (int)getpid());
	f = fopen(init, "w");
	if (!f || fputs(r->init, f) == EOF) {
		if (f)
			fclose(f);
		snprintf(err, errlen, "cannot write %s", init);
		return -1;
	}
	fclose(f);
	argv__add(&a, "bash");
	argv__addf(&a, "%s/scripts/vm/initramfs.sh", scxlab__root());
	argv__add(&a, initrd);
	argv__add(&a, init);
	for (int i = 0; i < r->nr_files; i++)
		argv__add(&a, r->files[i]);
	{
		char cfg[4096], dest[512];
		if (!kernel_config(kernel, cfg, sizeof(cfg), dest, sizeof(dest)))
			argv__addf(&a, "%s=%s", dest, cfg);
	}
	rc = proc__run(&a);
	argv__free(&a);
	unlink(init);
	if (rc) {
		snprintf(err, errlen, "building the guest initramfs failed (scripts/vm/initramfs.sh)");
		unlink(initrd);
		return -1;
	}
	qemu_args(&a, accel, kernel, initrd, r);
	rc = run_qemu(&a, r->timeout_s ? r->timeout_s : 300);
	argv__free(&a);
	unlink(initrd);
	if (rc < 0) {
		snprintf(err, errlen, "cannot run qemu-system-x86_64 (scripts/deps.sh installs it)");
		return -1;
	}
	if (rc > 0) {
		snprintf(err, errlen, "the guest hung: no poweroff within %d s (console log: %s)",
			 r->timeout_s ? r->timeout_s : 300, r->log);
		return -1;
	}
	return 0;
}

const char *vm__accel(void)
{
	static char accel[8];
	char path[4096], boot_id[64] = "", cached[8] = "";
	FILE *f;

	if (accel[0])
		return accel;
	if (getenv("SCXLAB_VM_ACCEL") && *getenv("SCXLAB_VM_ACCEL")) {
		snprintf(accel, sizeof(accel), "%s", getenv("SCXLAB_VM_ACCEL"));
		return accel;
	}
	snprintf(accel, sizeof(accel), "tcg");
	if (access("/dev/kvm", R_OK | W_OK))
		return accel;
	f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (!fgets(boot_id, sizeof(boot_id), f))
			boot_id[0] = 0;
		fclose(f);
		boot_id[strcspn(boot_id, "\n")] = 0;
	}
	snprintf(path, sizeof(path), "%s/vm/accel", scxlab__cache_dir());
	f = fopen(path, "r");
	if (f) {
		char id[64], acc[8];
		if (fscanf(f, "%63s %7s", id, acc) == 2 && !strcmp(id, boot_id))
			snprintf(cached, sizeof(cached), "%s", acc);
		fclose(f);
	}
	if (cached[0]) {
		snprintf(accel, sizeof(accel), "%s", cached);
		return accel;
	}
	/* the probe: does a guest under KVM get to its init and power off within 20 s? */
	char log[4200], err[256];
	snprintf(log, sizeof(log), "%s/vm/probe.log", scxlab__cache_dir());
	struct vm_run probe = { .init = "#!/bin/sh\necho SCXLAB-KVM-OK\npoweroff -f\n", .log = log,
				.timeout_s = 20, .mem_mb = 256, .cpus = 1 };
	if (!boot(&probe, "kvm", err, sizeof(err))) {
		char *text = NULL;
		size_t n = 0;
		FILE *lf = fopen(log, "r");
		if (lf) {
			text = calloc(1, 1 << 20);
			n = text ? fread(text, 1, (1 << 20) - 1, lf) : 0;
			fclose(lf);
		}
		if (text && n && strstr(text, "SCXLAB-KVM-OK"))
			snprintf(accel, sizeof(accel), "kvm");
		free(text);
	}
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s %s\n", boot_id, accel);
		fclose(f);
	}
	return accel;
}

int vm__run(const struct vm_run *r, char *err, size_t errlen)
{
	return boot(r, vm__accel(), err, errlen);
}
