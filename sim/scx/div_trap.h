/*
 * BPF's results for the divisions the CPU traps on (x / 0, x % 0, INT_MIN / -1): see div_trap.c.
 */
#ifndef SIM_SCX_DIV_TRAP_H
#define SIM_SCX_DIV_TRAP_H

#include <stdbool.h>

/*
 * @ucontext is a SIGFPE handler's third argument. If the faulting instruction is a DIV or IDIV
 * that BPF defines a result for, write that result into the saved registers, step past the
 * instruction and return true (returning from the handler then resumes after it); otherwise
 * change nothing and return false.
 */
bool div_trap__fix(void *ucontext);

#endif
