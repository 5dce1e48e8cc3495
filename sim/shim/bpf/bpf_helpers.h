/*
 * bpf/bpf_helpers.h for the simulator build of a policy (libbpf's header of the same name, as
 * plain C): section and map-definition macros, attribute macros, the open-coded iterator
 * loops, and the helper prototypes (scxsim/helpers.h), implemented by libscxsim.
 *
 * Map definitions keep libbpf's shape: `__uint(max_entries, 8)` is a member `int
 * (*max_entries)[8]` and `__type(key, u32)` a member `u32 *key`, so the .sim.so's debug
 * information (BTF, from gcc -gbtf) describes each map exactly as clang's BTF does for the
 * kernel, and the loader reads the definitions from there.
 */
#ifndef __BPF_HELPERS__
#define __BPF_HELPERS__

#include "../vmlinux.h"
#include "../scxsim/helpers.h"
#include "../scxsim/varargs.h"

#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name
#define __array(name, val) __typeof__(val) *name[]
#define __ulong(name, val) enum { ___bpf_concat(__unique_value, __COUNTER__) = val } name

#define ___bpf_concat(a, b) a##b
#define ___bpf_apply(fn, n) ___bpf_concat(fn, n)
/* libbpf's argument counting and array filling, for headers that build their own printk */
#define ___bpf_nth(_, _1, _2, _3, _4, _5, _6, _7, _8, _9, _a, _b, _c, N, ...) N
#define ___bpf_narg(...) ___bpf_nth(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define ___bpf_fill0(arr, p, x) do {} while (0)
#define ___bpf_fill1(arr, p, x) arr[p] = (unsigned long long)(x)
#define ___bpf_fill2(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill1(arr, p + 1, args)
#define ___bpf_fill3(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill2(arr, p + 1, args)
#define ___bpf_fill4(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill3(arr, p + 1, args)
#define ___bpf_fill5(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill4(arr, p + 1, args)
#define ___bpf_fill6(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill5(arr, p + 1, args)
#define ___bpf_fill7(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill6(arr, p + 1, args)
#define ___bpf_fill8(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill7(arr, p + 1, args)
#define ___bpf_fill9(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill8(arr, p + 1, args)
#define ___bpf_fill10(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill9(arr, p + 1, args)
#define ___bpf_fill11(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill10(arr, p + 1, args)
#define ___bpf_fill12(arr, p, x, args...) arr[p] = (unsigned long long)(x); ___bpf_fill11(arr, p + 1, args)
#define ___bpf_fill(arr, args...) ___bpf_apply(___bpf_fill, ___bpf_narg(args))(arr, 0, args)

/* Data goes to the named ELF section of the .sim.so (the loader finds maps and rodata there). */
#define SEC(name) __attribute__((section(name), used))

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif
#ifndef __hidden
#define __hidden __attribute__((visibility("hidden")))
#endif
#define __kconfig __attribute__((weak))
#define __ksym
#define __kptr_untrusted
#define __kptr
#define __percpu_kptr
#define __uptr
#define __arg_ctx
#define __arg_nonnull
#define __arg_nullable
#define __arg_trusted
#define __arg_untrusted
#define __arg_arena
#define __bpf_fastcall
#define __noinline_on_bpf

#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
#ifndef container_of
#define container_of(ptr, type, member)						\
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define barrier() __asm__ __volatile__("" : : : "memory")
#define barrier_var(var) __asm__ __volatile__("" : "+r"(var))
#define __bpf_unreachable() __builtin_unreachable()

/* Whether the emulated kernel (7.2 by default, or 6.12) has the kfunc, as libbpf would resolve
 * it (a ___flavour suffix is ignored). Generic BPF kfuncs always exist. A `__weak __ksym` the
 * simulator does not implement at all resolves to NULL and does not exist either. */
#define bpf_ksym_exists(sym)							\
	(((unsigned long)(const void *)&(sym)) != 0UL && scxsim_ksym_exists(#sym))

/* Every argument becomes one u64, as in BPF, and the kernel's bstr rules format them. */
#define bpf_printk(fmt, ...)							\
	({									\
		static const char ___pfmt[] = fmt;				\
		unsigned long long ___pparam[__scx_narg(__VA_ARGS__) ?: 1] = {	\
			__scx_bstr_list(__VA_ARGS__)				\
		};								\
		bpf_trace_vprintk(___pfmt, sizeof(___pfmt), ___pparam,		\
				  __scx_narg(__VA_ARGS__) * 8);			\
	})

/*
 * Open-coded iterators. `bpf_for_each(type, cur, args...)` walks bpf_iter_<type>; the
 * iterator variable is ___it (BPF_FOR_EACH_ITER) and is destroyed when the loop is left,
 * break included. bpf_for() and bpf_repeat() are plain bounded loops.
 */
#define bpf_for_each(type, cur, args...)					\
	for (struct bpf_iter_##type ___it					\
		     __attribute__((aligned(8), cleanup(bpf_iter_##type##_destroy))), \
	     *___p __attribute__((unused)) =					\
		     (bpf_iter_##type##_new(&___it, ##args), (void *)0);	\
	     ((cur) = bpf_iter_##type##_next(&___it));)

#define bpf_for(i, start, end)							\
	for (int ___end __attribute__((unused)) = ((i) = (start), (end)); (i) < ___end; (i)++)

#define bpf_repeat(N) for (long ___n = 0; ___n < (long)(N); ___n++)

#endif
