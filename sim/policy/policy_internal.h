/*
 * State of a loaded policy, shared by the files of sim/policy.
 */
#ifndef SIM_POLICY_POLICY_INTERNAL_H
#define SIM_POLICY_POLICY_INTERNAL_H

#include "sim/policy/policy.h"
#include "sim/bpf/bpf_runtime.h"

struct btf;

/* A const volatile global of the policy: a scalar or an array of integers. */
struct policy_knob {
	char name[64];
	void *addr;
	uint32_t elem_size;  /* 1, 2, 4 or 8 */
	uint32_t nelems;     /* 1 for a scalar */
	bool is_array;
	bool multi_dim;      /* an array of arrays: NAME[i] is row i (policy_member.c) */
	bool is_signed;
	bool is_bool;
	bool folded;         /* a plain const the compiler folds: not settable (policy_readonly.c) */
};

/* A map the loader must size before load (max_entries 0 in the source). */
struct pending_map {
	char name[64];
	struct sim_bpf_map_def def; /* max_entries is what the loader sets */
	void *global;
};

/* The inner-map definition of a map of maps (`__array(values, struct inner)`). */
struct inner_template {
	char outer[64];
	struct sim_bpf_map_def def;
};

#define SIM_POLICY_MAX_OPS 8

struct sim_policy {
	char path[4096];
	void *dl;
	struct btf *btf;
	struct sched_ext_ops *ops;
	char name[128];
	/* every struct_ops map of the object; with several, a loader chooses one (`ops_chosen`) */
	char ops_names[SIM_POLICY_MAX_OPS][128];
	int nr_ops;
	bool ops_chosen;
	struct policy_knob *knobs;
	int nr_knobs;
	/* writable integer globals (.data, .bss): what a loader writes before attach; not knobs */
	struct policy_knob *vars;
	int nr_vars;
	struct sim_bpf_map **maps;
	int nr_maps;
	bool frozen;
	struct pending_map *pending;
	int nr_pending;
	int nr_cpus;
	struct inner_template *inner;
	int nr_inner;
};

/* policy_btf.c: the object's BTF (NULL and a message when it has none). */
struct btf *policy__btf_open(const char *path, char *err, size_t errlen);
void policy__btf_free(struct btf *btf);
/* policy_btf.c: read the object's BTF into knobs, maps and the ops symbol name. */
int policy__scan_btf(struct sim_policy *pol, int nr_cpus, char *err, size_t errlen);

/* policy_fields.c: the special fields of a map value of type @value_type_id into @def. */
int policy__value_fields(const struct btf *btf, uint32_t value_type_id, struct sim_bpf_map_def *def,
			 const char *path, char *err, size_t errlen);

/* Create the maps the loader had to size (at freeze). */
int policy__create_pending(struct sim_policy *pol, char *err, size_t errlen);

/* policy_knob.c */
struct policy_knob *policy__find_knob(struct sim_policy *pol, const char *name);
int policy__knob_set_elem(struct sim_policy *pol, struct policy_knob *k, uint32_t idx,
			  const char *text, char *err, size_t errlen);
int policy__knob_set_int(struct policy_knob *k, uint32_t idx, int64_t v);

/* policy_member.c: NAME[i].member[j]... of a struct global, as a knob-like integer (array). */
int policy__resolve_member(struct sim_policy *pol, const char *path, struct policy_knob *k,
			   char *err, size_t errlen);

/* policy_readonly.c: false for a global in the policy's read-only segment (a folded const) */
bool policy__global_is_writable(const void *addr, size_t len);
/* The error for setting folded constant @name (reached through @path, or NULL): returns -1. */
int policy__folded_error(char *err, size_t errlen, const char *path, const char *name);

/* policy_enums.c: set the __SCX_* rodata (scx's enums.autogen.bpf.h) to the simulated kernel's values */
int policy__import_kernel_enums(struct sim_policy *pol);

#endif
