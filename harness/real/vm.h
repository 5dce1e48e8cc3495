/*
 * The VM target's machinery: a sched_ext guest booted with QEMU from the cached Debian kernel
 * (scripts/fetch-kernel.sh) and an initramfs holding busybox, scxlab and whatever a run needs
 * (scripts/vm/initramfs.sh). The guest runs an /init script; its serial console is captured to
 * a log file the caller reads. KVM is used when a quick probe shows it works, TCG otherwise; a
 * guest that does not power off within the timeout is killed and reported as hung.
 */
#ifndef HARNESS_VM_H
#define HARNESS_VM_H

#include <stddef.h>

#define VM_MAX_FILES 64

struct vm_run {
	const char *kernel;        /* --kernel: a series, an image, NULL for the default (kernels.h) */
	const char *init;          /* /init script text */
	const char *files[VM_MAX_FILES]; /* "DEST=SRC" */
	int nr_files;
	int cpus;                  /* vCPUs (default 2) */
	const char *smp;           /* QEMU -smp/-numa options (topology), overrides cpus */
	int mem_mb;                /* default 1024 */
	int timeout_s;             /* default 300 */
	const char *log;           /* where the serial console goes */
};

/* Boot, run the guest to poweroff, capture the console. 0, or -1 with the reason in @err
 * (no kernel, QEMU missing, the guest hung past its timeout). */
int vm__run(const struct vm_run *r, char *err, size_t errlen);
/* "kvm" or "tcg": what this host can use (probed once per boot, cached). */
const char *vm__accel(void);

#endif
