/*
 * A policy fault is a policy error, not a simulator crash. While a callback's code runs
 * (scx_op_call armed), a SIGSEGV, SIGBUS or SIGILL (a stack overflow too: the handler runs on
 * an alternate signal stack), a SIGFPE BPF has no result for, or running past the callback's
 * host CPU-time budget leaves the callback by a long jump to the sched_ext core's call site.
 * There the policy is marked dead and ended with an error exit naming the callback, its task
 * and the policy's source line; the core goes on in bypass until the disable work puts every
 * task on the fair class, and calls into the policy again only for ops.exit, as the kernel
 * would. A division BPF defines (x / 0, x % 0, INT_MIN / -1) is given BPF's result instead
 * (div_trap.c) and the callback goes on, and so is an arena access the kernel's JIT carries
 * out (arena_trap.c: a page not allocated, a NULL arena pointer).
 *
 * What cannot be undone: memory the policy wrote before it faulted (its maps, globals, and
 * anything it corrupted through a bad pointer) stays as it is, and a fault inside a kfunc
 * leaves that kfunc's work half done. docs/limits.md says what is recoverable.
 *
 * The budget is enforced by a per-thread timer on the thread's CPU clock ticking every quarter
 * of the budget: a callback seen running at five ticks in a row (the same call) has used at
 * least the budget and is ended. The budget only decides whether a run is ended, never a
 * simulated number: a callback that returns is unaffected however long it took.
 */
#include "sim/scx/scx_internal.h"
#include "sim/scx/div_trap.h"
#include "sim/scx/arena_trap.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif
#include <execinfo.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define ALT_STACK_SIZE (256 * 1024)
#define BUDGET_TICKS 4          /* timer ticks per budget */
#define OUTSIDE_POLICY_TICKS 12 /* in a kfunc: wait this long for the policy's own code */

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGXCPU, SIGTRAP };
#define NR_FAULT_SIGNALS ((int)(sizeof(fault_signals) / sizeof(fault_signals[0])))

static struct sigaction previous[NR_FAULT_SIGNALS];
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

/* per thread: the fault being carried to the landing, the stack and the budget's timer */
static _Thread_local struct scx_fault pending;
static _Thread_local void *alt_stack;
static _Thread_local struct {
	bool created;
	timer_t id;
	uint64_t budget_ns;
	const struct scx_op_ctx *seen; /* the call last seen running at a tick, and its serial */
	unsigned long seen_serial;
	int ticks;
} budget;

static uintptr_t pc_of(const ucontext_t *uc)
{
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

static uintptr_t sp_of(const ucontext_t *uc)
{
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.sp;
#else
	(void)uc;
	return 0;
#endif
}

static bool in_policy(const struct scx_sched *sch, uintptr_t pc)
{
	return pc >= sch->text_lo && pc < sch->text_hi;
}

/* Hand the fault to the signal's previous disposition (a simulator bug, or not a callback). */
static void pass_on(int sig, siginfo_t *si, void *uc)
{
	for (int i = 0; i < NR_FAULT_SIGNALS; i++) {
		const struct sigaction *old = &previous[i];

		if (fault_signals[i] != sig)
			continue;
		if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
			old->sa_sigaction(sig, si, uc);
			return;
		}
		if (old->sa_handler == SIG_IGN)
			return;
		if (old->sa_handler != SIG_DFL) {
			old->sa_handler(sig);
			return;
		}
		/* default action: restore it; the faulting instruction runs again and faults for good */
		signal(sig, SIG_DFL);
		if (sig == SIGXCPU)
			raise(sig);
		return;
	}
}

/* Leave the policy's code for the call site of @l with what the fault was and where. */
static void land(struct scx_op_ctx *l, int sig, uintptr_t addr, const ucontext_t *uc)
{
	void *frames[SCX_EXIT_BT_MAX + 8]; /* room for the handler's own frames */
	uintptr_t pc = pc_of(uc);
	int n = backtrace(frames, SCX_EXIT_BT_MAX + 8), from = 0;

	pending.signal = sig;
	pending.addr = addr;
	pending.in_policy = in_policy(l->sch, pc);
	/* a fault just below the stack pointer: the stack ran into its guard page */
	pending.stack_overflow = sig == SIGSEGV && addr + 65536 >= sp_of(uc) && addr <= sp_of(uc) + 4096;
	/* the faulting instruction itself first (+1: the symbolizer looks up return address - 1),
	 * then its callers, skipping the handler's own frames. Where a stack overflow meets the
	 * guard page (a call, a prologue) depends on the stack's random start: it is shown from
	 * the callers, the same every run. */
	pending.bt_len = 0;
	if (!pending.stack_overflow)
		pending.bt[pending.bt_len++] = (const void *)(pc + 1);
	for (int i = 0; i < n; i++)
		if ((uintptr_t)frames[i] == pc || (uintptr_t)frames[i] == pc + 1)
			from = i + 1;
	for (int i = from; i < n && pending.bt_len < SCX_EXIT_BT_MAX; i++)
		pending.bt[pending.bt_len++] = frames[i]; /* the symbolizer keeps the policy's frames */
	l->armed = 0;
#if defined(__SANITIZE_ADDRESS__)
	__asan_handle_no_return(); /* unpoison the frames left behind, as ASan does for longjmp */
#endif
	__builtin_longjmp(l->landing, 1);
}

static void on_budget_tick(siginfo_t *si, ucontext_t *uc)
{
	struct scx_op_ctx *l = scx_op_top;
	unsigned long serial = l ? l->armed : 0;

	if (si->si_code != SI_TIMER) {
		pass_on(SIGXCPU, si, uc);
		return;
	}
	if (!serial) {
		budget.seen = NULL;
		return;
	}
	if (budget.seen != l || budget.seen_serial != serial) {
		budget.seen = l;
		budget.seen_serial = serial;
		budget.ticks = 0;
		return;
	}
	/* seen at the first tick: at least @ticks whole periods have passed since */
	if (++budget.ticks < BUDGET_TICKS)
		return;
	/* a kfunc is left half done only if the policy's own code never shows up */
	if (!in_policy(l->sch, pc_of(uc)) && budget.ticks < OUTSIDE_POLICY_TICKS)
		return;
	budget.seen = NULL;
	land(l, SIGXCPU, 0, uc);
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	struct scx_op_ctx *l = scx_op_top;

	if (sig == SIGXCPU) {
		on_budget_tick(si, uc);
		return;
	}
	if (sig == SIGTRAP) {
		if (!arena_trap__after_step(uc))
			pass_on(sig, si, ucv);
		return;
	}
	if (!l || !l->armed) {
		pass_on(sig, si, ucv);
		return;
	}
	if (sig == SIGFPE && in_policy(l->sch, pc_of(uc)) && div_trap__fix(uc))
		return; /* BPF's result is in place: the policy goes on after the division */
	/* arena accesses the kernel carries out: a page not allocated (the scratch page), an
	 * arena offset without the window's base (NULL arena pointers) */
	if (sig == SIGSEGV &&
	    arena_trap__unallocated(uc, (uintptr_t)si->si_addr, in_policy(l->sch, pc_of(uc))))
		return;
	if (sig == SIGSEGV && in_policy(l->sch, pc_of(uc)) &&
	    arena_trap__redirect(uc, (uintptr_t)si->si_addr, si->si_code == SI_KERNEL))
		return;
	land(l, sig, (uintptr_t)si->si_addr, uc);
}

static void install_handlers(void)
{
	struct sigaction sa;
	void *prime[2];

	/* the first backtrace() loads the unwinder: not something to do inside a handler */
	backtrace(prime, 2);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < NR_FAULT_SIGNALS; i++)
		sigaction(fault_signals[i], &sa, &previous[i]);
}

/* The executable segments of the object holding @sch->ops: what counts as the policy's code. */
static int find_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct scx_sched *sch = arg;
	uintptr_t anchor = (uintptr_t)sch->ops, lo = UINTPTR_MAX, hi = 0;
	bool holds = false;
	(void)size;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr, end = start + ph->p_memsz;

		if (ph->p_type != PT_LOAD)
			continue;
		if (anchor >= start && anchor < end)
			holds = true;
		if (ph->p_flags & PF_X) {
			lo = start < lo ? start : lo;
			hi = end > hi ? end : hi;
		}
	}
	if (!holds || !hi)
		return 0;
	sch->text_lo = lo;
	sch->text_hi = hi;
	return 1;
}

static void arm_alt_stack(void)
{
	stack_t ss = { .ss_size = ALT_STACK_SIZE };

	if (alt_stack)
		return;
	alt_stack = mmap(NULL, ALT_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alt_stack == MAP_FAILED) {
		alt_stack = NULL;
		return;
	}
	ss.ss_sp = alt_stack;
	if (sigaltstack(&ss, NULL)) {
		munmap(alt_stack, ALT_STACK_SIZE);
		alt_stack = NULL;
	}
}

static void arm_budget(uint64_t budget_ns)
{
	uint64_t period = budget_ns / BUDGET_TICKS;
	struct itimerspec its = {
		.it_value = { .tv_sec = (time_t)(period / 1000000000ULL), .tv_nsec = (long)(period % 1000000000ULL) },
	};

	if (!budget.created) {
		struct sigevent sev;

		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGXCPU;
		sev._sigev_un._tid = gettid();
		if (timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &budget.id))
			return;
		budget.created = true;
	}
	its.it_interval = its.it_value;
	budget.budget_ns = budget_ns;
	budget.seen = NULL;
	timer_settime(budget.id, 0, &its, NULL);
}

void scx_op_fault__arm(struct scx_sched *sch)
{
	uint64_t budget_ns = sch->sim->cfg.op_budget_ns;

	pthread_once(&handlers_once, install_handlers);
	dl_iterate_phdr(find_text, sch);
	arm_alt_stack();
	if (budget_ns)
		arm_budget(budget_ns);
}

void scx_op_fault__disarm(void)
{
	struct itimerspec off = { 0 };

	if (budget.created)
		timer_settime(budget.id, 0, &off, NULL);
	budget.seen = NULL;
}

/* " at 0x10" for a NULL pointer plus an offset; other addresses differ between runs (ASLR). */
static const char *address_text(uint64_t addr, char *buf, size_t len)
{
	if (addr < 65536)
		snprintf(buf, len, " at 0x%llx", (unsigned long long)addr);
	else
		snprintf(buf, len, " through a wild pointer");
	return buf;
}

void scx_op_fault__landed(struct scx_sched *sch)
{
	const struct scx_fault *f = &pending;
	const char *op = scx_op_names[sch->op];
	const char *where = f->in_policy ? "" : " (inside a kfunc it called)";
	sigset_t set;
	char addr[48];

	sigemptyset(&set);
	for (int i = 0; i < NR_FAULT_SIGNALS; i++)
		sigaddset(&set, fault_signals[i]);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	sch->policy_dead = true;
	if (sch->state != SCX_ST_DISABLED)
		sch->bypassing = true; /* the core stops asking the policy at once */
	if (f->signal == SIGXCPU)
		scx_exit_fault(sch, f, "ops.%s() ran for more than %llu.%03llus of host CPU time%s (an endless loop? the kernel's verifier bounds every loop)",
			       op, (unsigned long long)(budget.budget_ns / 1000000000ULL),
			       (unsigned long long)(budget.budget_ns % 1000000000ULL / 1000000ULL), where);
	else if (f->stack_overflow)
		scx_exit_fault(sch, f, "ops.%s() crashed: SIGSEGV, stack overflow%s (the kernel's verifier refuses recursion and BPF stacks over 512 bytes)",
			       op, where);
	else if (f->signal == SIGSEGV || f->signal == SIGBUS)
		scx_exit_fault(sch, f, "ops.%s() crashed: %s, %s%s%s (the kernel's verifier refuses such an access)",
			       op, f->signal == SIGSEGV ? "SIGSEGV" : "SIGBUS",
			       f->signal == SIGSEGV ? "invalid memory access" : "bus error",
			       address_text(f->addr, addr, sizeof(addr)), where);
	else
		scx_exit_fault(sch, f, "ops.%s() crashed: SIG%s%s (the kernel's verifier refuses such a program)",
			       op, sigabbrev_np(f->signal) ? sigabbrev_np(f->signal) : "?", where);
}
