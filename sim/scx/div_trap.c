/*
 * BPF's results for the integer divisions x86-64 traps on. In BPF, x / 0 is 0 and x % 0 is x,
 * and a signed INT_MIN / -1 is INT_MIN with remainder 0 (the verifier patches divisions so);
 * the CPU raises #DE (SIGFPE) for all of these. Given the faulting context, this decodes the
 * DIV or IDIV at the instruction pointer, writes BPF's quotient and remainder where the
 * instruction would have put them and moves past it, so the policy's C code gets the result
 * its BPF build gets in the kernel.
 */
#include "sim/scx/div_trap.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <ucontext.h>

/* gregs slots of the x86 register numbers 0..15 (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15) */
static const int greg_of[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

struct div_insn {
	int width;        /* operand bits: 8, 16, 32, 64 */
	bool is_signed;   /* IDIV */
	uint64_t divisor; /* the r/m operand, zero-extended */
	const uint8_t *next;
};

static uint64_t greg(const ucontext_t *uc, int reg)
{
	return (uint64_t)uc->uc_mcontext.gregs[greg_of[reg]];
}

static uint64_t mask_of(int width)
{
	return width == 64 ? ~0ULL : (1ULL << width) - 1;
}

/* The memory operand's address from ModRM (and SIB, displacement); false if not decodable. */
static bool decode_address(const ucontext_t *uc, const uint8_t **pp, int mod, int rm, int rex,
			   uint64_t *addr)
{
	const uint8_t *p = *pp;
	uint64_t a = 0;
	bool rip_relative = false;
	int32_t disp = 0;

	if (rm == 4) {
		uint8_t sib = *p++;
		int scale = sib >> 6, index = ((sib >> 3) & 7) | ((rex & 2) << 2), base = (sib & 7) | ((rex & 1) << 3);

		if (index != 4)
			a += greg(uc, index) << scale;
		if ((sib & 7) == 5 && mod == 0) {
			memcpy(&disp, p, 4);
			p += 4;
		} else {
			a += greg(uc, base);
		}
	} else if (rm == 5 && mod == 0) {
		rip_relative = true;
		memcpy(&disp, p, 4);
		p += 4;
	} else {
		a += greg(uc, rm | ((rex & 1) << 3));
	}
	if (mod == 1) {
		disp = (int8_t)*p++;
	} else if (mod == 2) {
		memcpy(&disp, p, 4);
		p += 4;
	}
	if (rip_relative)
		a = (uint64_t)(uintptr_t)p; /* the displacement is the instruction's last field */
	*addr = a + (uint64_t)(int64_t)disp;
	*pp = p;
	return true;
}

static bool decode_div(const ucontext_t *uc, struct div_insn *d)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	bool opsize16 = false;
	int rex = 0, mod, reg, rm;

	for (;; p++) {
		if (*p == 0x66)
			opsize16 = true;
		else if (*p == 0x2e || *p == 0x3e || *p == 0x26 || *p == 0x36 || *p == 0xf2 || *p == 0xf3)
			continue;
		else
			break;
	}
	if ((*p & 0xf0) == 0x40)
		rex = *p++ & 0x0f;
	if (*p != 0xf6 && *p != 0xf7)
		return false;
	d->width = *p == 0xf6 ? 8 : (rex & 8) ? 64 : opsize16 ? 16 : 32;
	p++;
	mod = *p >> 6;
	reg = (*p >> 3) & 7;
	rm = *p & 7;
	p++;
	if (reg != 6 && reg != 7)
		return false;
	d->is_signed = reg == 7;
	if (mod == 3) {
		if (d->width == 8 && !rex && rm >= 4)
			d->divisor = greg(uc, rm - 4) >> 8; /* ah, ch, dh, bh */
		else
			d->divisor = greg(uc, rm | ((rex & 1) << 3));
	} else {
		uint64_t addr;

		if (!decode_address(uc, &p, mod, rm, rex, &addr))
			return false;
		d->divisor = 0;
		memcpy(&d->divisor, (const void *)(uintptr_t)addr, (size_t)d->width / 8);
	}
	d->divisor &= mask_of(d->width);
	d->next = p;
	return true;
}

/* Store @v into the low @width bits of register @reg as the CPU would (32-bit writes zero-extend). */
static void set_low(ucontext_t *uc, int reg, int width, uint64_t v)
{
	greg_t *g = &uc->uc_mcontext.gregs[greg_of[reg]];
	uint64_t m = mask_of(width);

	if (width == 32 || width == 64)
		*g = (greg_t)(v & m);
	else
		*g = (greg_t)(((uint64_t)*g & ~m) | (v & m));
}

bool div_trap__fix(void *ucontext)
{
	ucontext_t *uc = ucontext;
	struct div_insn d;
	uint64_t dividend, quotient, remainder;

	if (!decode_div(uc, &d))
		return false;
	/* BPF divides the operand itself: the dividend is the low half (rax, eax, ax, or al) */
	dividend = greg(uc, 0) & mask_of(d.width);
	if (d.divisor == 0) {
		quotient = 0;
		remainder = dividend;
	} else if (d.is_signed && d.divisor == mask_of(d.width)) {
		quotient = (0 - dividend) & mask_of(d.width); /* -INT_MIN wraps to INT_MIN */
		remainder = 0;
	} else {
		return false; /* a quotient too wide for its register: not a BPF division */
	}
	if (d.width == 8) {
		set_low(uc, 0, 16, (remainder << 8) | quotient); /* ah = remainder, al = quotient */
	} else {
		set_low(uc, 0, d.width, quotient);
		set_low(uc, 2, d.width, remainder);
	}
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)d.next;
	return true;
}

#else

bool div_trap__fix(void *ucontext)
{
	(void)ucontext;
	return false; /* only x86-64 is decoded: elsewhere a trapping division is a crash */
}

#endif
