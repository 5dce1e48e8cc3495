/*
 * BPF's results for the integer divisions x86-64 traps on. In BPF, x / 0 is 0 and x % 0 is x,
 * and a signed INT_MIN / -1 is INT_MIN with remainder 0 (the verifier patches divisions so);
 * the CPU raises #DE (SIGFPE) for all of these. Given the faulting context, this decodes the
 * DIV or IDIV at the instruction pointer, writes BPF's quotient and remainder where the
 * instruction would have put them and moves past it, so the policy's C code gets the result
 * its BPF build gets in the kernel.
 */
#include "sim/scx/div_trap.h"
#include "sim/scx/x86_operand.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <ucontext.h>

struct div_insn {
	int width;        /* operand bits: 8, 16, 32, 64 */
	bool is_signed;   /* IDIV */
	uint64_t divisor; /* the r/m operand, zero-extended */
	const uint8_t *next;
};

static uint64_t mask_of(int width)
{
	return width == 64 ? ~0ULL : (1ULL << width) - 1;
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
			d->divisor = x86_reg__get(uc, rm - 4) >> 8; /* ah, ch, dh, bh */
		else
			d->divisor = x86_reg__get(uc, rm | ((rex & 1) << 3));
	} else {
		struct x86_mem_operand m;

		x86_mem_operand__decode(p, mod, rm, rex, &m);
		p = m.end;
		d->divisor = 0;
		memcpy(&d->divisor, (const void *)(uintptr_t)x86_mem_operand__address(uc, &m), (size_t)d->width / 8);
	}
	d->divisor &= mask_of(d->width);
	d->next = p;
	return true;
}

/* Store @v into the low @width bits of register @reg as the CPU would (32-bit writes zero-extend). */
static void set_low(ucontext_t *uc, int reg, int width, uint64_t v)
{
	uint64_t m = mask_of(width);

	if (width == 32 || width == 64)
		x86_reg__set(uc, reg, v & m);
	else
		x86_reg__set(uc, reg, (x86_reg__get(uc, reg) & ~m) | (v & m));
}

bool div_trap__fix(void *ucontext)
{
	ucontext_t *uc = ucontext;
	struct div_insn d;
	uint64_t dividend, quotient, remainder;

	if (!decode_div(uc, &d))
		return false;
	/* BPF divides the operand itself: the dividend is the low half (rax, eax, ax, or al) */
	dividend = x86_reg__get(uc, 0) & mask_of(d.width);
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
