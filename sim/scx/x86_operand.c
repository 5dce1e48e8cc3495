/*
 * Registers of a saved signal context and x86-64 memory operands (see x86_operand.h).
 */
#include "sim/scx/x86_operand.h"

#if defined(__x86_64__)
#include <string.h>
#include <ucontext.h>

/* gregs slots of the x86 register numbers 0..15 (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15) */
static const int greg_of[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

uint64_t x86_reg__get(const void *uc, int reg)
{
	return (uint64_t)((const ucontext_t *)uc)->uc_mcontext.gregs[greg_of[reg]];
}

void x86_reg__set(void *uc, int reg, uint64_t v)
{
	((ucontext_t *)uc)->uc_mcontext.gregs[greg_of[reg]] = (greg_t)v;
}

void x86_mem_operand__decode(const uint8_t *p, int mod, int rm, int rex, struct x86_mem_operand *m)
{
	int32_t disp = 0;

	*m = (struct x86_mem_operand){ X86_REG_NONE, X86_REG_NONE, 1, 0, false, NULL };
	if (rm == 4) {
		uint8_t sib = *p++;
		int index = ((sib >> 3) & 7) | ((rex & 2) << 2);

		m->scale = 1 << (sib >> 6);
		if (index != 4)
			m->index = index;
		if ((sib & 7) == 5 && mod == 0) {
			memcpy(&disp, p, 4); /* no base: a 32-bit displacement */
			p += 4;
		} else {
			m->base = (sib & 7) | ((rex & 1) << 3);
		}
	} else if (rm == 5 && mod == 0) {
		m->rip_relative = true;
		memcpy(&disp, p, 4);
		p += 4;
	} else {
		m->base = rm | ((rex & 1) << 3);
	}
	if (mod == 1) {
		disp = (int8_t)*p++;
	} else if (mod == 2) {
		memcpy(&disp, p, 4);
		p += 4;
	}
	m->disp = disp;
	m->end = p;
}

uint64_t x86_mem_operand__address(const void *uc, const struct x86_mem_operand *m)
{
	uint64_t a = 0;

	if (m->rip_relative)
		return (uint64_t)(uintptr_t)m->end + (uint64_t)m->disp;
	if (m->base != X86_REG_NONE)
		a += x86_reg__get(uc, m->base);
	if (m->index != X86_REG_NONE)
		a += x86_reg__get(uc, m->index) * (uint64_t)m->scale;
	return a + (uint64_t)m->disp;
}
#endif
