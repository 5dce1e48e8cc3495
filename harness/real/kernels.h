/*
 * The real kernels a VM run can boot: Debian cloud kernels kept in the cache, one directory per
 * release ($CACHE/kernel/RELEASE/ with vmlinuz, vmlinux.h, config-RELEASE, sched_ext) and a link
 * per series ($CACHE/kernel/7.3), fetched on first use by scripts/fetch-kernel.sh. `--kernel`
 * names one: a series (6.12, 7.0, 7.2, 7.3), an image file, or nothing for the default (the
 * cache's current kernel, the newest 7.x when first fetched). `all` is the series list below.
 */
#ifndef HARNESS_KERNELS_H
#define HARNESS_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

/* What `--kernel all` boots, oldest first. */
extern const char *const kernel__all_series[];
extern const int kernel__nr_all_series;

/* @s is a series name such as "7.3" (digits, one dot, digits). */
bool kernel__is_series(const char *s);
/*
 * The image to boot for @spec (NULL or "": the default kernel; a series; else an image file),
 * fetched into the cache when missing. 0 and the path in @image, or -1 with the reason in @err
 * (fetch-kernel.sh's own error: which suite it read, what to do).
 */
int kernel__image(const char *spec, char *image, size_t len, char *err, size_t errlen);
/* The release of a cached image (its directory's name, "7.3.4+deb13-cloud-amd64"), else the
 * file's name. */
void kernel__release(const char *image, char *out, size_t len);
/* 1 when the image's kernel is built with sched_ext, 0 when not, -1 when unknown (no record). */
int kernel__has_sched_ext(const char *image);

/*
 * A run target naming a kernel: "vm@7.3" (the VM booting series 7.3, or a cached release),
 * as compare, sweep and fault take them. The kernel part, or NULL for a target without one.
 */
const char *kernel__of_target(const char *target);
/* @target is "sim", "host", "vm" or "vm@KERNEL" with a series or cached-release name. */
bool kernel__target_valid(const char *target);
/* "vm" for "vm@7.3", else @target itself (in @buf). */
const char *kernel__target_base(const char *target, char *buf, size_t len);
struct argv_buf;
/*
 * The `scxlab run` arguments that send a run to @target: `--target BASE`, and `--kernel K`
 * when the target names a kernel ("vm@7.3"), else @vm_kernel for a plain "vm" when given.
 */
void kernel__add_target_args(struct argv_buf *a, const char *target, const char *vm_kernel);

#endif
