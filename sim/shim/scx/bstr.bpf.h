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
#include "scxsim/varargs.h"

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
