/*
 * Variadic-macro machinery shared by the shim's printf-like macros (scx_bpf_error, bpf_printk,
 * ...): count the arguments and turn each into one u64 slot, as BPF passes them.
 */
#ifndef SCXSIM_VARARGS_H
#define SCXSIM_VARARGS_H

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

#endif
