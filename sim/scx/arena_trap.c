/*
 * Arena accesses the host CPU faults on but the kernel's JIT carries out. A BPF program
 * reaches arena memory at the arena window's base plus the low 32 bits of its pointer, so any
 * pointer value reaches the window: NULL (page 0 of a window whose start's low bits are 0),
 * a bare offset, or garbage read from arena memory that aliases (scx's sdt_alloc without its
 * loader's arena_init: its NULL stack is the arena's first page). The host build faults on
 * those instead. Given the faulting context, this decodes the faulting instruction's memory
 * operand, moves the register that holds the pointer so that the operand's address becomes
 * the window's base plus its low 32 bits, and runs that one instruction with the trap flag
 * set; the SIGTRAP after it moves the register back, unless the instruction overwrote it (a
 * load into its own base). An access to a page the window has not allocated is what the JIT's
 * exception table fixes: a load gives 0, a store is dropped; this runs that instruction on a
 * zero page lent for the one step (sim_bpf_arena__zero_page_in/out). From a kfunc, the kernel
 * maps the scratch page instead (sim_bpf_arena__fault). It is used only while a policy with an arena is
 * loaded: the kernel's verifier would refuse a fault-prone access to anything else, but a
 * host-build fault through a non-arena pointer of such a policy is taken as an arena access
 * too (docs/limits.md).
 *
 * x86-64 only, and only instructions of the general registers (policies are compiled with
 * -mgeneral-regs-only): ModRM operands with a base or index register, and the string
 * instructions (rsi, rdi). Anything else stays a fault.
 */
#include "sim/scx/arena_trap.h"
#include "sim/scx/x86_operand.h"

#include "sim/bpf/bpf_runtime.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <ucontext.h>

#define TRAP_FLAG 0x100ULL
/* what the JIT can reach: the 4 GiB window and the upper half of its guard (an s16 offset) */
#define WINDOW_REACH ((1ULL << 32) + (32ULL << 10))

struct mem_operand {
	struct x86_mem_operand op; /* a ModRM operand */
	bool string_op;            /* or rsi and rdi, implicitly */
	bool uses_rsi, uses_rdi;
};

/* one pending step per thread: the register moved into the window, and by how much; the
 * zero pages lent for the instruction (a string move may touch two pages) */
static _Thread_local struct {
	bool active;
	int reg;
	uint64_t before, added;
	bool string_op;
	int nr_zero;
	uintptr_t zero[2];
} step;

static bool is_prefix(uint8_t b)
{
	return b == 0x66 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 ||
	       b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

/* one-byte opcodes with a ModRM operand that may address memory */
static bool one_byte_has_modrm(uint8_t op)
{
	if (op < 0x40)
		return (op & 7) < 4; /* the ALU block: op r/m,r and op r,r/m */
	switch (op) {
	case 0x63: case 0x69: case 0x6b: case 0xc0: case 0xc1: case 0xc6: case 0xc7:
	case 0xd0: case 0xd1: case 0xd2: case 0xd3: case 0xf6: case 0xf7: case 0xfe: case 0xff:
		return true;
	default:
		return op >= 0x80 && op <= 0x8f && op != 0x8d; /* lea computes, it does not access */
	}
}

static bool two_byte_has_modrm(uint8_t op)
{
	if ((op >= 0x80 && op <= 0x8f) || (op >= 0xc8 && op <= 0xcf))
		return false; /* jcc rel32, bswap */
	switch (op) {
	case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0b: case 0x31: case 0xa2:
	case 0xa0: case 0xa1: case 0xa8: case 0xa9: case 0x30: case 0x32: case 0x33: case 0x34:
	case 0x35: case 0x77:
		return false;
	default:
		return true;
	}
}

static bool is_string_op(uint8_t op)
{
	return (op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf);
}

static bool decode(const uint8_t *ip, struct mem_operand *m)
{
	uint8_t rex = 0, modrm;
	int n = 0;

	*m = (struct mem_operand){ .string_op = false };
	while (n < 14 && is_prefix(ip[n]))
		n++;
	if (ip[n] == 0x67)
		return false; /* 32-bit addressing */
	if ((ip[n] & 0xf0) == 0x40)
		rex = ip[n++];
	if (ip[n] == 0x0f) {
		n++;
		if (ip[n] == 0x38 || ip[n] == 0x3a)
			n += 2;
		else if (two_byte_has_modrm(ip[n]))
			n++;
		else
			return false;
	} else if (is_string_op(ip[n])) {
		uint8_t op = ip[n] & 0xfe;
		m->string_op = true;
		m->uses_rsi = op == 0xa4 || op == 0xa6 || op == 0xac; /* movs, cmps, lods */
		m->uses_rdi = op == 0xa4 || op == 0xa6 || op == 0xaa || op == 0xae; /* and stos, scas */
		return true;
	} else if (one_byte_has_modrm(ip[n])) {
		n++;
	} else {
		return false;
	}
	modrm = ip[n++];
	if (modrm >> 6 == 3)
		return false; /* a register operand */
	x86_mem_operand__decode(ip + n, modrm >> 6, modrm & 7, rex, &m->op);
	return !m->op.rip_relative; /* a global, never an arena pointer */
}

/* Where the JIT puts arena address @e: the window's base plus its low 32 bits. */
static uint64_t in_window(uintptr_t window, uint64_t e)
{
	return window + (uint32_t)e;
}

static bool outside(uintptr_t window, uint64_t e)
{
	return e < window || e >= window + WINDOW_REACH;
}

static bool canonical(uint64_t v)
{
	return (uint64_t)((int64_t)(v << 16) >> 16) == v;
}

/* Move one register so that @m addresses the window; false if none can be. */
static bool move_register(ucontext_t *uc, const struct mem_operand *m, uintptr_t window, uintptr_t fault_addr)
{
	if (m->string_op) {
		/* the one of rsi and rdi the instruction uses that is no host address (movs and cmps
		 * use both: one step moves the first, a second fault the other) */
		for (int reg = 6; reg <= 7; reg++) {
			uint64_t v = x86_reg__get(uc, reg);
			if (!(reg == 6 ? m->uses_rsi : m->uses_rdi) || !outside(window, v) ||
			    !(v < WINDOW_REACH || !canonical(v) || v == fault_addr))
				continue;
			step.reg = reg;
			step.before = v;
			step.added = in_window(window, v) - v;
			return true;
		}
		return false;
	}
	const struct x86_mem_operand *op = &m->op;
	uint64_t e = x86_mem_operand__address(uc, op), delta = in_window(window, e) - e;

	if (!outside(window, e) || (op->base == X86_REG_NONE && op->index == X86_REG_NONE))
		return false; /* in the window already, or an absolute address: not this one's to fix */
	step.reg = op->base != X86_REG_NONE ? op->base : op->index;
	step.before = x86_reg__get(uc, step.reg);
	step.added = step.reg == op->base ? delta : delta / (uint64_t)op->scale;
	return true;
}

bool arena_trap__redirect(void *ucontext, uintptr_t fault_addr, bool general_protection)
{
	ucontext_t *uc = ucontext;
	struct mem_operand m;
	uintptr_t window = 0;

	if (step.active || !sim_bpf_arena__window(&window))
		return false;
	/* a page fault away from every mapping, or a non-canonical address (#GP, no address) */
	if (!general_protection && !outside(window, fault_addr))
		return false;
	if (!decode((const uint8_t *)uc->uc_mcontext.gregs[REG_RIP], &m) || !move_register(uc, &m, window, fault_addr))
		return false;
	step.active = true;
	step.string_op = m.string_op;
	x86_reg__set(uc, step.reg, step.before + step.added);
	uc->uc_mcontext.gregs[REG_EFL] |= TRAP_FLAG;
	return true;
}

bool arena_trap__unallocated(void *ucontext, uintptr_t fault_addr, bool from_policy)
{
	ucontext_t *uc = ucontext;

	if (!from_policy)
		return sim_bpf_arena__fault(fault_addr); /* a kfunc's access: the scratch page */
	if (step.nr_zero == 2 || !sim_bpf_arena__zero_page_in(fault_addr))
		return false;
	step.zero[step.nr_zero++] = fault_addr;
	uc->uc_mcontext.gregs[REG_EFL] |= TRAP_FLAG;
	return true;
}

bool arena_trap__after_step(void *ucontext)
{
	ucontext_t *uc = ucontext;

	if (!step.active && !step.nr_zero)
		return false;
	if (step.active) {
		uint64_t now = x86_reg__get(uc, step.reg);

		if (now == step.before + step.added)
			x86_reg__set(uc, step.reg, step.before);
		else if (step.string_op && now - step.added - step.before + 4096 < 8192)
			x86_reg__set(uc, step.reg, now - step.added); /* advanced by the string instruction */
		/* otherwise the instruction loaded a new value into the register: it stays */
		step.active = false;
	}
	/* what the instruction stored on a lent zero page is dropped with it */
	while (step.nr_zero)
		sim_bpf_arena__zero_page_out(step.zero[--step.nr_zero]);
	uc->uc_mcontext.gregs[REG_EFL] &= ~TRAP_FLAG;
	return true;
}

#else

bool arena_trap__redirect(void *ucontext, uintptr_t fault_addr, bool general_protection)
{
	(void)ucontext, (void)fault_addr, (void)general_protection;
	return false;
}

bool arena_trap__after_step(void *ucontext)
{
	(void)ucontext;
	return false;
}

bool arena_trap__unallocated(void *ucontext, uintptr_t fault_addr, bool from_policy)
{
	(void)ucontext, (void)from_policy;
	return sim_bpf_arena__fault(fault_addr); /* no single step here: the scratch page */
}

#endif
