/*
 * Before a policy's simulator build is linked: every function it calls must exist in the
 * simulator (libscxsim) or libc. A kfunc or helper the simulator does not provide is reported
 * by name with the source line that uses it, instead of a linker error or a crash at run time.
 * What the compiler's runtime library (libgcc) provides counts as there: the link pulls it in.
 */
#ifndef HARNESS_UNDEF_CHECK_H
#define HARNESS_UNDEF_CHECK_H

/* Check the @n objects @objs compiled from @srcs (one policy; symbols one defines satisfy the
 * others), to be linked by the compiler driver @cc. Returns the number of missing symbols (each
 * reported on stderr), or -1 if an object cannot be read. */
int undef_check__objects(const char *const *objs, const char *const *srcs, int n, const char *cc);

#endif
