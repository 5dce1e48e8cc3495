/*
 * Arena accesses the host faults on but the kernel carries out (see arena_trap.c).
 */
#ifndef SIM_SCX_ARENA_TRAP_H
#define SIM_SCX_ARENA_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* A SIGSEGV at @fault_addr inside a live arena's window, on a page not allocated. From the
 * policy's code (@from_policy): a zero page is lent to that page for the one instruction (a
 * load gives 0, a store is dropped after it), the trap flag is set. From elsewhere (a kfunc):
 * the arena's scratch page is mapped there for good. True: return from the handler to run
 * the instruction again. */
bool arena_trap__unallocated(void *ucontext, uintptr_t fault_addr, bool from_policy);
/* A SIGSEGV in policy code while an arena is live, at @fault_addr outside its window or
 * (@general_protection) at a non-canonical address: the register holding the pointer now
 * makes the access the window's base plus its low 32 bits, and the trap flag is set; return
 * from the handler to run the instruction. False: not such an access (a fault for good). */
bool arena_trap__redirect(void *ucontext, uintptr_t fault_addr, bool general_protection);
/* The SIGTRAP after that one instruction: the register is put back, lent zero pages taken
 * away, the trap flag cleared. False if no step was pending on this thread. */
bool arena_trap__after_step(void *ucontext);

#endif
