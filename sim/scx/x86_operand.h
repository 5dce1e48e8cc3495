/*
 * The general registers of a signal's saved context and the memory operand of an x86-64
 * instruction (ModRM, SIB, displacement), shared by the policy fault handlers that carry an
 * instruction out as BPF would: div_trap.c and arena_trap.c. x86-64 only.
 */
#ifndef SIM_SCX_X86_OPERAND_H
#define SIM_SCX_X86_OPERAND_H

#if defined(__x86_64__)
#include <stdbool.h>
#include <stdint.h>

#define X86_REG_NONE (-1)

/* Register @reg (the x86 numbering: 0 rax, 1 rcx, 2 rdx, ..., 15 r15) of ucontext_t @uc. */
uint64_t x86_reg__get(const void *uc, int reg);
void x86_reg__set(void *uc, int reg, uint64_t v);

struct x86_mem_operand {
	int base, index;   /* registers, or X86_REG_NONE */
	int scale;         /* 1, 2, 4 or 8 */
	int64_t disp;
	bool rip_relative; /* the address is @end + @disp */
	const uint8_t *end; /* the byte after the operand's fields */
};

/*
 * Decode the memory operand whose SIB and displacement (if any) start at @p, for the ModRM
 * fields @mod (not 3) and @rm and the REX byte @rex (0 without one; only its X and B bits are
 * read).
 */
void x86_mem_operand__decode(const uint8_t *p, int mod, int rm, int rex, struct x86_mem_operand *m);
/* The operand's address with the registers of @uc. */
uint64_t x86_mem_operand__address(const void *uc, const struct x86_mem_operand *m);

#endif
#endif
