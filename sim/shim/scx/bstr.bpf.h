/*
 * scx_bpf_error(), scx_bpf_exit(), scx_bpf_dump() and scx_bpf_dump_header() for the simulator
 * build of a policy.
 *
 * As with the kernel's headers, each macro takes a printf-like format and up to 12 arguments,
 * stores the format in a writable static array, widens every argument to one unsigned long long
 * and hands the array to the matching *_bstr kfunc (scxsim/kfuncs.h); the simulator formats the
 * message with the kernel's bstr rules. scx_bpf_error() puts "<__FILE__>:<__LINE__>: " in front
 * of the format, exactly as the kernel's header does, so both builds report the same text.
 */
#ifndef __SCX_BSTR_BPF_H
#define __SCX_BSTR_BPF_H

#include "vmlinux.h"
#include "scxsim/kfuncs.h"

#define SCX_STRINGIFY(x) #x
#define SCX_TOSTRING(x) SCX_STRINGIFY(x)

/* Token pasting after expansion of both sides. */
#define __scx_cat_(a, b) a##b
#define __scx_cat(a, b) __scx_cat_(a, b)

/* Number of macro arguments, 0 to 12. */
#define __scx_nth_arg(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, n, ...) n
#define __scx_narg(...)								\
	__scx_nth_arg(_ __VA_OPT__(,) __VA_ARGS__,				\
		      12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

/* Each argument as one u64 slot; no arguments give a single 0 slot. */
#define __scx_bstr_u64(x) ((unsigned long long)(x))
#define __scx_bstr_list0() 0
#define __scx_bstr_list1(a) __scx_bstr_u64(a)
#define __scx_bstr_list2(a, ...) __scx_bstr_u64(a), __scx_bstr_list1(__VA_ARGS__)
#define __scx_bstr_list3(a, ...) __scx_bstr_u64(a), __scx_bstr_list2(__VA_ARGS__)
#define __scx_bstr_list4(a, ...) __scx_bstr_u64(a), __scx_bstr_list3(__VA_ARGS__)
#define __scx_bstr_list5(a, ...) __scx_bstr_u64(a), __scx_bstr_list4(__VA_ARGS__)
#define __scx_bstr_list6(a, ...) __scx_bstr_u64(a), __scx_bstr_list5(__VA_ARGS__)
#define __scx_bstr_list7(a, ...) __scx_bstr_u64(a), __scx_bstr_list6(__VA_ARGS__)
#define __scx_bstr_list8(a, ...) __scx_bstr_u64(a), __scx_bstr_list7(__VA_ARGS__)
#define __scx_bstr_list9(a, ...) __scx_bstr_u64(a), __scx_bstr_list8(__VA_ARGS__)
#define __scx_bstr_list10(a, ...) __scx_bstr_u64(a), __scx_bstr_list9(__VA_ARGS__)
#define __scx_bstr_list11(a, ...) __scx_bstr_u64(a), __scx_bstr_list10(__VA_ARGS__)
#define __scx_bstr_list12(a, ...) __scx_bstr_u64(a), __scx_bstr_list11(__VA_ARGS__)
#define __scx_bstr_list(...)							\
	__scx_cat(__scx_bstr_list, __scx_narg(__VA_ARGS__))(__VA_ARGS__)

/* Lets the compiler check the format against the arguments; never does anything. */
static inline __attribute__((format(printf, 1, 2), unused))
void __scx_bstr_format_check(const char *fmt, ...)
{
	(void)fmt;
}

/*
 * Declares ___fmt (the format, writable, as the kfuncs take a char *) and ___param (the
 * arguments, at least one slot) in the current block; the kernel's headers export the same
 * macro and names.
 */
#define scx_bpf_bstr_preamble(fmt, ...)						\
	static char ___fmt[] = fmt;						\
	unsigned long long ___param[__scx_narg(__VA_ARGS__) ?: 1] = {		\
		__scx_bstr_list(__VA_ARGS__)					\
	};

/* Ends the scheduler cleanly with exit code @code and a formatted message. */
#define scx_bpf_exit(code, fmt, ...)						\
({										\
	scx_bpf_bstr_preamble(fmt __VA_OPT__(,) __VA_ARGS__)			\
	scx_bpf_exit_bstr(code, ___fmt, ___param, sizeof(___param));		\
	__scx_bstr_format_check(fmt __VA_OPT__(,) __VA_ARGS__);			\
})

/* Ends the scheduler with an error; the message starts with "FILE:LINE: ". */
#define scx_bpf_error(fmt, ...)							\
({										\
	scx_bpf_bstr_preamble(__FILE__ ":" SCX_TOSTRING(__LINE__) ": " fmt	\
			      __VA_OPT__(,) __VA_ARGS__)			\
	scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));			\
	__scx_bstr_format_check(__FILE__ ":" SCX_TOSTRING(__LINE__) ": " fmt	\
				__VA_OPT__(,) __VA_ARGS__);			\
})

/* Appends formatted text to the debug dump (ops.dump, ops.dump_cpu, ops.dump_task). */
#define scx_bpf_dump(fmt, ...)							\
({										\
	scx_bpf_bstr_preamble(fmt __VA_OPT__(,) __VA_ARGS__)			\
	scx_bpf_dump_bstr(___fmt, ___param, sizeof(___param));			\
	__scx_bstr_format_check(fmt __VA_OPT__(,) __VA_ARGS__);			\
})

/*
 * A dump line naming the (emulated) kernel release and the compiler; the __kconfig variables
 * are declared in scx/common.bpf.h.
 */
#define scx_bpf_dump_header()							\
	scx_bpf_dump("kernel: %d.%d.%d %s\ncc: %s\n",				\
		     LINUX_KERNEL_VERSION >> 16,				\
		     (LINUX_KERNEL_VERSION >> 8) & 0xff,			\
		     LINUX_KERNEL_VERSION & 0xff,				\
		     CONFIG_LOCALVERSION, CONFIG_CC_VERSION_TEXT)

#endif /* __SCX_BSTR_BPF_H */
