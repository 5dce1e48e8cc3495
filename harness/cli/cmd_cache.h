/*
 * `scxlab cache`: what the cache holds (the real kernels by series and release, with sched_ext
 * or not, the private package lists, policy builds, VM scratch) and its sizes; `prune` removes
 * what can be fetched or built again: package lists and downloads, kernels no series links to,
 * leftovers of interrupted fetches, and with --kernel a kernel of choice (never the current).
 */
#ifndef HARNESS_CMD_CACHE_H
#define HARNESS_CMD_CACHE_H

int cmd_cache(int argc, char **argv);

#endif
