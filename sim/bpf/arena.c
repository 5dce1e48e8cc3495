/*
 * BPF arenas as the kernel lays them out. An arena is a 4 GiB window (plus the JIT's guard)
 * whose pages exist only once allocated; a BPF program reaches arena byte X at the window's
 * base plus the low 32 bits of X. So, as in the kernel:
 *   - the pointers bpf_arena_alloc_pages() hands out are user addresses, `map_extra` (or a
 *     4 GiB-aligned start) plus the page offset, and the window is indexed by their low 32
 *     bits: a NULL arena pointer is page 0 of a window whose start's low bits are 0 (scx's
 *     arena_map.h: map_extra 1 << 44), which sdt_alloc's code reaches when its loader never
 *     ran arena_init (see sim/scx/arena_trap.c for how such an access is carried out);
 *   - pages are found by the kernel's best fit over the free ranges (range_tree_find: the
 *     smallest free range that is large enough, the most recently changed one among equals),
 *     and come zeroed;
 *   - an access to a page that is not allocated does not fault for good. From the program's
 *     own code (the JIT's exception table) a load gives 0 and a store is dropped: the policy
 *     fault handler runs that one instruction on a zero page it takes away again
 *     (sim_bpf_arena__zero_page_in/out); from a kfunc, the kernel maps the arena's one scratch
 *     page there for good (shared by every such address, writes included):
 *     sim_bpf_arena__fault(). Both are reported on stderr once per arena, as the kernel
 *     reports each on the program's stderr stream. A later allocation gets a fresh page.
 * Preemption control is a no-op in the single-threaded simulator.
 */
#include "sim/bpf/map_internal.h"
#include "sim/shim/scx/bpf_arena_common.bpf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ARENA_PAGE 4096ULL
#define WINDOW (1ULL << 32)
#define GUARD (64ULL << 10)          /* the kernel's GUARD_SZ: an s16 offset either way */
#define MAX_ARENAS 8                 /* live at once (one a policy; tests open several) */

struct free_range {
	uint32_t start, len;
	uint64_t changed;                /* when it was last inserted or resized */
};

struct sim_bpf_arena {
	uintptr_t window;                /* 4 GiB aligned: kernel address of low-32 offset 0 */
	uintptr_t user_start;            /* address of page 0: window + low 32 bits of the start */
	uint32_t nr_pages;
	uint8_t *state;                  /* per page: PAGE_FREE, PAGE_MAPPED, PAGE_RESERVED */
	struct free_range *free;
	int nr_free, cap_free;
	uint64_t clock;
	int scratch_fd;
	volatile uint64_t faults;        /* accesses to pages not allocated */
};

enum { PAGE_FREE, PAGE_MAPPED, PAGE_RESERVED, PAGE_SCRATCH };

/* what the fault handler reads: written only outside policy callbacks */
static struct sim_bpf_arena *volatile live[MAX_ARENAS];

static void range_insert(struct sim_bpf_arena *a, uint32_t start, uint32_t len)
{
	if (!len)
		return;
	if (a->nr_free == a->cap_free) {
		int cap = a->cap_free ? a->cap_free * 2 : 16;
		struct free_range *n = realloc(a->free, (size_t)cap * sizeof(*n));
		if (!n)
			return; /* the range is lost to allocation: never handed out twice */
		a->free = n;
		a->cap_free = cap;
	}
	a->free[a->nr_free++] = (struct free_range){ start, len, ++a->clock };
}

static void range_remove(struct sim_bpf_arena *a, int i)
{
	a->free[i] = a->free[--a->nr_free];
}

/* range_tree_find(): the smallest free range of at least @len pages; ties to the newest */
static int range_best_fit(const struct sim_bpf_arena *a, uint32_t len)
{
	int best = -1;

	for (int i = 0; i < a->nr_free; i++) {
		const struct free_range *r = &a->free[i];

		if (r->len < len)
			continue;
		if (best < 0 || r->len < a->free[best].len ||
		    (r->len == a->free[best].len && r->changed > a->free[best].changed))
			best = i;
	}
	return best;
}

/* Take pages [start, start + len) out of the free ranges (they must be free). */
static void range_clear(struct sim_bpf_arena *a, uint32_t start, uint32_t len)
{
	for (int i = 0; i < a->nr_free; i++) {
		struct free_range r = a->free[i];

		if (start < r.start || start + len > r.start + r.len)
			continue;
		range_remove(a, i);
		range_insert(a, r.start, start - r.start);
		range_insert(a, start + len, r.start + r.len - (start + len));
		return;
	}
}

/* Give pages back, merged with the free ranges they touch (range_tree_set()). */
static void range_set(struct sim_bpf_arena *a, uint32_t start, uint32_t len)
{
	for (int i = 0; i < a->nr_free;) {
		struct free_range r = a->free[i];

		if (r.start + r.len == start || start + len == r.start) {
			range_remove(a, i);
			len += r.len;
			start = r.start < start ? r.start : start;
			continue;
		}
		i++;
	}
	range_insert(a, start, len);
}

static bool remap(uintptr_t addr, size_t len, int prot, int flags, int fd)
{
	return mmap((void *)addr, len, prot, flags | MAP_FIXED, fd, 0) != MAP_FAILED;
}

/* A 4 GiB aligned window of 4 GiB plus the guard, inaccessible; at @want if it is free. */
static uintptr_t reserve_window(uintptr_t want)
{
	const size_t len = WINDOW + GUARD;
	void *p;

	if (want) {
		p = mmap((void *)want, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)want)
			return want;
		if (p != MAP_FAILED)
			munmap(p, len);
	}
	p = mmap(NULL, len + WINDOW, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	uintptr_t lo = (uintptr_t)p, base = (lo + WINDOW - 1) & ~(WINDOW - 1);
	if (base > lo)
		munmap(p, base - lo);
	munmap((void *)(base + len), lo + len + WINDOW - (base + len));
	return base;
}

struct sim_bpf_arena *sim_bpf_arena__new(uint32_t nr_pages, uint64_t map_extra, char *err, size_t errlen)
{
	struct sim_bpf_arena *a = calloc(1, sizeof(*a));
	uint64_t offset = map_extra & (WINDOW - 1);
	int slot = -1;

	for (int i = 0; i < MAX_ARENAS && slot < 0; i++)
		if (!live[i])
			slot = i;
	if (!a || slot < 0 || (map_extra % ARENA_PAGE) || offset + nr_pages * ARENA_PAGE > WINDOW) {
		snprintf(err, errlen, "%s", !a ? "out of memory" : slot < 0 ? "too many arenas at once"
			 : "an arena's pages must lie in one 4 GiB window starting at a page (map_extra)");
		free(a);
		return NULL;
	}
	a->window = reserve_window(map_extra & ~(WINDOW - 1));
	a->state = calloc(nr_pages, 1);
	a->scratch_fd = memfd_create("scxsim-arena-scratch", MFD_CLOEXEC);
	if (!a->window || !a->state || a->scratch_fd < 0 || ftruncate(a->scratch_fd, ARENA_PAGE)) {
		snprintf(err, errlen, "cannot reserve the arena's 4 GiB window: %s", strerror(errno));
		sim_bpf_arena__free(a);
		return NULL;
	}
	a->user_start = a->window + offset;
	a->nr_pages = nr_pages;
	range_insert(a, 0, nr_pages);
	live[slot] = a;
	return a;
}

void sim_bpf_arena__free(struct sim_bpf_arena *a)
{
	if (!a)
		return;
	for (int i = 0; i < MAX_ARENAS; i++)
		if (live[i] == a)
			live[i] = NULL;
	for (uint32_t p = 0; p < a->nr_pages; p++)
		if (a->state[p] == PAGE_MAPPED)
			sim_bpf_mem__uncharge(ARENA_PAGE);
	if (a->faults)
		fprintf(stderr, "scxsim: arena: %llu access(es) to pages not allocated (loads gave 0, stores "
			"were dropped, as the kernel does)\n",
			(unsigned long long)a->faults);
	if (a->window)
		munmap((void *)a->window, WINDOW + GUARD);
	if (a->scratch_fd >= 0)
		close(a->scratch_fd);
	free(a->state);
	free(a->free);
	free(a);
}

static struct sim_bpf_arena *arena_of(void *map)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(map);

	return m && m->def.type == BPF_MAP_TYPE_ARENA ? m->arena : NULL;
}

static uintptr_t page_addr(const struct sim_bpf_arena *a, uint32_t pgoff)
{
	return a->user_start + (uintptr_t)pgoff * ARENA_PAGE;
}

/* The page offset of arena pointer @p (its low 32 bits against the start's), or -1. */
static int64_t pgoff_of(const struct sim_bpf_arena *a, const void *p, uint32_t cnt)
{
	uint32_t lo = (uint32_t)(uintptr_t)p - (uint32_t)a->user_start;

	if (lo % ARENA_PAGE || lo / ARENA_PAGE + (uint64_t)cnt > a->nr_pages)
		return -1;
	return lo / ARENA_PAGE;
}

/* Whether pages [pgoff, pgoff + cnt) are all unallocated (a kfunc's scratch page counts). */
static bool pages_free(const struct sim_bpf_arena *a, uint32_t pgoff, uint32_t cnt)
{
	for (uint32_t i = 0; i < cnt; i++)
		if (a->state[pgoff + i] != PAGE_FREE && a->state[pgoff + i] != PAGE_SCRATCH)
			return false;
	return true;
}

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt, int node_id,
				    __u64 flags)
{
	struct sim_bpf_arena *a = arena_of(map);
	int64_t pgoff;

	(void)node_id, (void)flags;
	if (!a || !page_cnt || page_cnt > a->nr_pages)
		return NULL;
	if (addr) {
		pgoff = pgoff_of(a, addr, page_cnt);
		if (pgoff < 0 || !pages_free(a, (uint32_t)pgoff, page_cnt))
			return NULL;
	} else {
		int r = range_best_fit(a, page_cnt);
		if (r < 0)
			return NULL;
		pgoff = a->free[r].start;
	}
	if (sim_bpf_mem__charge((uint64_t)page_cnt * ARENA_PAGE))
		return NULL;
	if (!remap(page_addr(a, (uint32_t)pgoff), page_cnt * ARENA_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1)) {
		sim_bpf_mem__uncharge((uint64_t)page_cnt * ARENA_PAGE);
		return NULL;
	}
	range_clear(a, (uint32_t)pgoff, page_cnt);
	memset(a->state + pgoff, PAGE_MAPPED, page_cnt);
	return (void *)page_addr(a, (uint32_t)pgoff);
}

void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt)
{
	struct sim_bpf_arena *a = arena_of(map);
	int64_t pgoff = a && ptr ? pgoff_of(a, ptr, page_cnt) : -1;

	if (pgoff < 0)
		return;
	for (uint32_t i = 0; i < page_cnt; i++) {
		uint32_t p = (uint32_t)pgoff + i;

		if (a->state[p] == PAGE_FREE)
			continue;
		if (a->state[p] == PAGE_MAPPED)
			sim_bpf_mem__uncharge(ARENA_PAGE);
		remap(page_addr(a, p), ARENA_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
		a->state[p] = PAGE_FREE;
		range_set(a, p, 1);
	}
}

int bpf_arena_reserve_pages(void *map, void __arena *ptr, __u32 page_cnt)
{
	struct sim_bpf_arena *a = arena_of(map);
	int64_t pgoff = a && ptr ? pgoff_of(a, ptr, page_cnt) : -1;

	if (pgoff < 0)
		return -EINVAL; /* no arena, or not a page of it */
	if (!pages_free(a, (uint32_t)pgoff, page_cnt))
		return -EBUSY;
	range_clear(a, (uint32_t)pgoff, page_cnt);
	memset(a->state + pgoff, PAGE_RESERVED, page_cnt);
	return 0;
}

long bpf_arena_mapping_nr_pages(void *p__map)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(p__map);

	return m ? (long)m->def.max_entries : -EINVAL;
}

static const char fault_note[] = "scxsim: arena: access to a page that is not allocated "
				 "(the kernel reports each on the program's stderr stream)\n";

/* The live arena whose window holds @addr (the window and its upper half-guard), or NULL. */
static struct sim_bpf_arena *window_of(uintptr_t addr)
{
	for (int i = 0; i < MAX_ARENAS; i++) {
		struct sim_bpf_arena *a = live[i];

		if (a && addr >= a->window && addr < a->window + WINDOW + GUARD / 2)
			return a;
	}
	return NULL;
}

static void count_fault(struct sim_bpf_arena *a)
{
	if (!a->faults++)
		(void)!write(2, fault_note, sizeof(fault_note) - 1);
}

bool sim_bpf_arena__fault(uintptr_t addr)
{
	struct sim_bpf_arena *a = window_of(addr);
	uintptr_t page = addr & ~(uintptr_t)(ARENA_PAGE - 1);

	if (!a || !remap(page, ARENA_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, a->scratch_fd))
		return false;
	if (addr >= a->user_start && addr < page_addr(a, a->nr_pages))
		a->state[(addr - a->user_start) / ARENA_PAGE] = PAGE_SCRATCH;
	count_fault(a);
	return true;
}

bool sim_bpf_arena__zero_page_in(uintptr_t addr)
{
	struct sim_bpf_arena *a = window_of(addr);
	uintptr_t page = addr & ~(uintptr_t)(ARENA_PAGE - 1);

	if (!a || !remap(page, ARENA_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1))
		return false;
	count_fault(a);
	return true;
}

void sim_bpf_arena__zero_page_out(uintptr_t addr)
{
	uintptr_t page = addr & ~(uintptr_t)(ARENA_PAGE - 1);

	remap(page, ARENA_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
}

bool sim_bpf_arena__window(uintptr_t *window)
{
	int n = 0;

	for (int i = 0; i < MAX_ARENAS; i++)
		if (live[i]) {
			*window = live[i]->window;
			n++;
		}
	return n == 1;
}

void bpf_preempt_disable(void)
{
}

void bpf_preempt_enable(void)
{
}
