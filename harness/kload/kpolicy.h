/*
 * One sched_ext policy object in the real kernel, through libbpf: open any .bpf.o (no skeleton),
 * write knobs into its rodata by variable name, size loader-sized maps, load (the verifier runs
 * here), attach its struct_ops map, watch it, detach, and read its UEI exit record.
 *
 * Every fd libbpf opens is close-on-exec, and nothing is pinned: when this process dies, even
 * by SIGKILL, the link fd closes and the kernel unregisters the policy.
 */
#ifndef HARNESS_KLOAD_KPOLICY_H
#define HARNESS_KLOAD_KPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bpf_object;
struct bpf_map;
struct bpf_link;

/* The policy's UEI record (struct user_exit_info: kind, exit_cpu, exit_code, reason, msg). */
struct kpolicy_exit {
	int kind;
	int32_t exit_cpu;
	int64_t exit_code;
	char reason[128];
	char msg[1024];
};

struct kpolicy {
	const char *path;
	struct bpf_object *obj;
	struct bpf_map *ops;
	struct bpf_link *link;
	struct kpolicy_exit *uei; /* in the kernel's .data map (mmap'ed), NULL if it has none */
	void *uei_map;
	size_t uei_map_len;
	void *dump_map;           /* the kernel's copy of uei_dump (kpolicy_dump.c) */
	size_t dump_map_len;
	const char *dump;
	size_t dump_size;
	char **prog_logs;         /* per program, the verifier's statistics (kpolicy_stats.c) */
	int nr_prog_logs;
	uint64_t attach_call_ns;  /* how long bpf_map__attach_struct_ops() took: the kernel's enable
				     (ops.init, ops.init_task and the class switch of every task) */
	int tasks_at_attach;      /* the kernel's tasks then (/proc/loadavg), -1 if unknown */
};

/* The kernel's default debug dump length (ops.exit_dump_len 0), what the loader reads at most. */
#define KPOLICY_DUMP_LEN 32768

/* The debug dump buffer (kpolicy_dump.c): size it before load, map it after. */
void kpolicy_dump__prepare(struct kpolicy *kp);
void kpolicy_dump__map(struct kpolicy *kp);
void kpolicy_dump__unmap(struct kpolicy *kp);
/*
 * A copy of the object @path with its `.data.uei_dump` section (scx's UEI_DEFINE) grown to
 * @size, made before libbpf opens it (kpolicy_presize.c: libbpf 1.4's own resize breaks the
 * struct_ops map). 0 with the copy's path in @out and its fd in *@memfd (close it once opened);
 * 1 if the object needs none; -1 on error.
 */
int kpolicy_presize__dump(const char *path, size_t size, char *out, size_t outlen, int *memfd);
/* The dump text UEI_RECORD copied at the exit into @out (at most @len - 1 bytes); its length. */
size_t kpolicy__dump(const struct kpolicy *kp, char *out, size_t len);

/* The verifier's statistics per program (kpolicy_stats.c): wanted for the next loads or not;
 * buffers set before load; "PROG NAME insns N states T peak_states P" lines after it. */
void kpolicy_stats__want(bool on);
void kpolicy_stats__prepare(struct kpolicy *kp);
void kpolicy_stats__print(const struct kpolicy *kp, FILE *f);
void kpolicy_stats__free(struct kpolicy *kp);

/* libbpf's messages are kept and printed only when something fails. */
void kpolicy__quiet_libbpf(void);
const char *kpolicy__libbpf_log(void);
/* Forget the messages kept so far. */
void kpolicy__clear_libbpf_log(void);

/* Open, set knobs ("NAME=V", "NAME=a,b", "NAME[i]=V") and map sizes ("MAP=N"), load.
 * 0; 1 if the kernel refused it (log on stderr); 2 for a bad knob or map size. */
/* Only the open and the settings (knobs, map sizes, the loader profile): 0, 1 if it cannot be
 * opened, 2 for a bad setting. The kernel is not asked anything. */
int kpolicy__open(struct kpolicy *kp, const char *path, const char *const *knobs, int nr_knobs,
		  const char *const *map_sizes, int nr_map_sizes);
int kpolicy__load(struct kpolicy *kp, const char *path, const char *const *knobs, int nr_knobs,
		  const char *const *map_sizes, int nr_map_sizes);
int kpolicy__attach(struct kpolicy *kp);
/* A u64 global of the loaded policy, read from the kernel's map. 0, or -1 if it has none. */
int kpolicy__read_u64(const struct kpolicy *kp, const char *name, uint64_t *v);
/* The policy has exited (its UEI record is filled). */
bool kpolicy__exited(const struct kpolicy *kp);
void kpolicy__detach(struct kpolicy *kp);
/* "EXIT: reason (msg) exit code N", as the kernel's tools print it; nothing if it did not exit. */
void kpolicy__print_exit(const struct kpolicy *kp, FILE *f);
void kpolicy__close(struct kpolicy *kp);
const char *kpolicy__ops_name(const struct kpolicy *kp);

/*
 * The global @name of a BPF object: where its value is (the initial value before load, the
 * mmap'ed map after), its size, and for arrays the element size. NULL if there is none.
 */
void *kobj__find_var(struct bpf_object *obj, const char *name, size_t *size, size_t *elem);
/* The same, also giving the map that holds it and the offset there. */
void *kobj__find_var_in(struct bpf_object *obj, const char *name, size_t *size, size_t *elem,
			struct bpf_map **in, size_t *offset);

/* /sys/kernel/sched_ext/state ("enabled", "disabled", ...; "" if sched_ext is absent). */
void ksys__state(char *buf, size_t len);

#endif
