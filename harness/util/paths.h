/*
 * Where scxlab finds things: its cache, its own executable, the source tree (shim and BPF
 * headers for policy builds) and the vmlinux.h for BPF builds. Environment variables
 * override each guess: SCXLAB_CACHE, SCXLAB_ROOT, SCXLAB_VMLINUX_DIR.
 */
#ifndef HARNESS_PATHS_H
#define HARNESS_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* $SCXLAB_CACHE, else $XDG_CACHE_HOME/scxlab, else $HOME/.cache/scxlab (created on demand). */
const char *scxlab__cache_dir(void);
/* Create @dir and its parents. 0 or -1 (errno set). */
int scxlab__mkdirs(const char *dir);
/* The directory holding the running scxlab executable (and libscxsim.so). */
const char *scxlab__exe_dir(void);
/* The source tree: $SCXLAB_ROOT, the tree this binary was built from, or exe_dir/.. */
const char *scxlab__root(void);
/* Directory of the vmlinux.h for BPF builds, or NULL if none is found. */
const char *scxlab__vmlinux_dir(void);

/* @s ends with @suffix. */
bool path__ends_with(const char *s, const char *suffix);
/* The last component of @path without @suffix when it ends so: "sched/x.bpf.c" -> "x". */
void path__stem(const char *path, const char *suffix, char *out, size_t len);

#endif
