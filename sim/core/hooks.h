/*
 * Hooks the layers above the core register, so that the core can tell them what happened
 * (a run or a task freed, a cgroup created) without calling their functions: the simulator's
 * version of the kernel's sched_class table and notifier chains. The core depends on nothing
 * above it; the classes (sim/fair, sim/scx) and the BPF runtime (sim/bpf) fill these slots
 * when libscxsim is loaded (a constructor in each layer's *_register.c).
 *
 * Every slot has one owner. A slot nobody filled is skipped (a class missing fails sim__new).
 */
#ifndef SIM_CORE_HOOKS_H
#define SIM_CORE_HOOKS_H

#include <stdbool.h>

struct sim;
struct sim_class;
struct sim_task;
struct sim_cgroup;
struct task_struct;

/* The scheduling classes, in priority order (fair ranks above ext, as since Linux 6.12). */
enum sim_class_id {
	SIM_CLASS_FAIR,
	SIM_CLASS_EXT,
	SIM_NR_CLASSES,
};

void sim_class__register(enum sim_class_id id, const struct sim_class *cls);
const struct sim_class *sim_class__registered(enum sim_class_id id);

/* What the ext class (sim/scx) hears about runs, tasks and cgroups while a policy is loaded. */
struct sim_ext_hooks {
	/* the run is freed with a policy still loaded (sim->scx) */
	void (*policy_free)(struct sim *sim);
	/* a new task joins the ext class now (the class is enabled, the task eligible) */
	bool (*accepts_task)(const struct sim *sim, const struct sim_task *p);
	/* a task forked while a policy is loaded stays on another class: initialize it anyway */
	void (*init_other_task)(struct sim *sim, struct sim_task *p, bool fork);
	/* a task exited while a policy is loaded (after its class let it go) */
	void (*task_dead)(struct sim *sim, struct sim_task *p);
	void (*cgroup_created)(struct sim *sim, struct sim_cgroup *cg);
	void (*cgroup_weight_changed)(struct sim *sim, struct sim_cgroup *cg);
	/* 0 lets @p move from @from to @to, an errno refuses the move */
	int (*cgroup_prep_move)(struct sim *sim, struct sim_task *p, struct sim_cgroup *from,
				struct sim_cgroup *to);
	void (*cgroup_moved)(struct sim *sim, struct sim_task *p, struct sim_cgroup *from,
			     struct sim_cgroup *to);
};

/* What the BPF runtime (sim/bpf) hears: the life of runs and tasks its state refers to. */
struct sim_runtime_hooks {
	void (*sim_created)(struct sim *sim); /* the run's configuration is set */
	void (*sim_freed)(struct sim *sim);   /* after the ext class's policy_free */
	void (*task_freed)(struct task_struct *p); /* its storage goes (after task_dead) */
};

void sim_hooks__register_ext(const struct sim_ext_hooks *hooks);
void sim_hooks__register_runtime(const struct sim_runtime_hooks *hooks);

/* The registered tables (never NULL: an empty table until a layer registers one). */
extern const struct sim_ext_hooks *sim_ext_hooks;
extern const struct sim_runtime_hooks *sim_runtime_hooks;

#endif
