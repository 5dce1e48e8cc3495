/*
 * The verifier's statistics per BPF program, as veristat reports them: each program is loaded
 * with log level BPF_LOG_STATS into a buffer of its own, and the kernel's closing line
 * "processed N insns (limit L) max_states_per_insn M total_states T peak_states P mark_read R"
 * gives the verified instruction count (N), the states (T) and the peak states (P). A kernel
 * that writes no such line (Debian's 7.2 builds) still reports N in the program's info
 * (verified_insns); its states are then unknown ("-").
 */
#include "harness/kload/kpolicy.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <stdlib.h>
#include <string.h>

#define STATS_LOG_LEN 4096
#define BPF_LOG_STATS 4

static bool wanted;

void kpolicy_stats__want(bool on)
{
	wanted = on;
}

void kpolicy_stats__prepare(struct kpolicy *kp)
{
	struct bpf_program *prog;
	int n = 0;

	if (!wanted)
		return;
	bpf_object__for_each_program(prog, kp->obj)
		n++;
	kp->prog_logs = calloc((size_t)n ? (size_t)n : 1, sizeof(*kp->prog_logs));
	if (!kp->prog_logs)
		return;
	kp->nr_prog_logs = n;
	n = 0;
	bpf_object__for_each_program(prog, kp->obj) {
		char *buf = calloc(1, STATS_LOG_LEN);
		kp->prog_logs[n++] = buf;
		if (buf && bpf_program__autoload(prog)) {
			bpf_program__set_log_level(prog, BPF_LOG_STATS);
			bpf_program__set_log_buf(prog, buf, STATS_LOG_LEN);
		}
	}
}

/* "PROG NAME insns N states T peak_states P" for each program the kernel verified. */
void kpolicy_stats__print(const struct kpolicy *kp, FILE *f)
{
	struct bpf_program *prog;
	int n = 0;

	if (!kp->obj || !kp->prog_logs)
		return;
	bpf_object__for_each_program(prog, kp->obj) {
		const char *log = n < kp->nr_prog_logs ? kp->prog_logs[n] : NULL, *line;
		unsigned long insns, limit, per_insn, total, peak;

		n++;
		line = log ? strstr(log, "processed ") : NULL;
		if (line && sscanf(line, "processed %lu insns (limit %lu) max_states_per_insn %lu total_states %lu "
				   "peak_states %lu", &insns, &limit, &per_insn, &total, &peak) == 5) {
			fprintf(f, "PROG %s insns %lu states %lu peak_states %lu\n", bpf_program__name(prog), insns,
				total, peak);
			continue;
		}
		/* no statistics line (the 7.2 kernels write none at this level): the kernel's own count
		 * of verified instructions from the loaded program's info; states unknown */
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (bpf_program__fd(prog) >= 0 && !bpf_prog_get_info_by_fd(bpf_program__fd(prog), &info, &len) &&
		    info.verified_insns)
			fprintf(f, "PROG %s insns %u states - peak_states -\n", bpf_program__name(prog), info.verified_insns);
	}
}

void kpolicy_stats__free(struct kpolicy *kp)
{
	for (int i = 0; i < kp->nr_prog_logs; i++)
		free(kp->prog_logs[i]);
	free(kp->prog_logs);
	kp->prog_logs = NULL;
	kp->nr_prog_logs = 0;
}
