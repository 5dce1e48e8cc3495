/*
 * One measured real-kernel run (see krun.h).
 */
#include "harness/kload/krun.h"
#include "harness/util/atomic_file.h"
#include "harness/kload/kglobals.h"
#include "harness/kload/kdaemon.h"
#include "harness/kload/kext.h"
#include "harness/kload/kpolicy.h"
#include "harness/kload/kprobes.h"
#include "harness/daemon/daemon_fault.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 1024

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Without CAP_SYS_NICE no task of the workload can move itself to an RT class, out of sched_ext. */
static void drop_sys_nice(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	prctl(PR_CAPBSET_DROP, CAP_SYS_NICE, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data))
		return;
	data[0].effective &= ~(1u << CAP_SYS_NICE);
	data[0].permitted &= ~(1u << CAP_SYS_NICE);
	data[0].inheritable &= ~(1u << CAP_SYS_NICE);
	syscall(SYS_capset, &hdr, data);
}

/*
 * The loader watches the policy from the RT class, outside sched_ext: when a policy stalls every
 * task it runs, a loader in the class it watches would see the exit only once the fallback ran it
 * again (seen 0.2-0.3 s late in a TCG guest). SCHED_RESET_ON_FORK returns the workload, the
 * daemon thread and the probes' threads to the fair class, as the policy's tasks. Without the
 * privilege the loader watches from where it is, as before.
 */
static void watch_from_rt_class(void)
{
	struct sched_param sp = { .sched_priority = 1 };

	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp))
		fprintf(stderr, "scxlab-kload: cannot watch the policy from SCHED_FIFO (%s); its exit may be seen late\n",
			strerror(errno));
}

/* Busy time per CPU so far, from /proc/stat (user nice system idle iowait irq softirq steal). */
static int cpu_busy(uint64_t *busy, int max)
{
	FILE *f = fopen("/proc/stat", "r");
	long tick = sysconf(_SC_CLK_TCK);
	char line[512];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = { 0 };
		int cpu;
		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7]) < 5 || cpu < 0 || cpu >= max)
			continue;
		busy[cpu] = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * (1000000000ULL / (uint64_t)tick);
		if (cpu + 1 > n)
			n = cpu + 1;
	}
	fclose(f);
	return n;
}

static void report_events(FILE *out)
{
	static const char *const paths[] = { "/sys/kernel/sched_ext/root/events",
					     "/sys/kernel/sched_ext/events" };
	char line[256];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		FILE *f = fopen(paths[i], "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char name[128];
			long long v;
			if (sscanf(line, "%127s %lld", name, &v) == 2)
				fprintf(out, "event %s %lld\n", name, v);
		}
		fclose(f);
		return;
	}
}

/* Kernel messages about sched_ext written since @fd was opened (and seeked to the end). */
static void report_klog(int fd, FILE *out)
{
	char rec[8192];
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		unsigned long long ts = 0;
		char *text;
		if (n <= 0)
			continue;
		rec[n] = 0;
		text = strchr(rec, ';');
		if (!text || !strstr(text, "sched_ext"))
			continue;
		sscanf(rec, "%*[^,],%*[^,],%llu", &ts);
		text++;
		text[strcspn(text, "\n")] = 0;
		fprintf(out, "klog [%llu.%06llu] %s\n", ts / 1000000, ts % 1000000, text);
	}
}

static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n')
			*s = ' ';
}

struct run_state {
	uint64_t t0, elapsed, exit_seen;
	int status;
	int timed_out;
	char state_at_end[64];
	/* --inject */
	char inject_kind[32];
	int inject_cpu;
	uint64_t inject_at, injected_ns;
	uint64_t attached_ns;                /* --attach-after: when it was attached */
	/* restarts: the first exit and the first load's fault time are kept */
	int restarts;
	bool have_first_exit;
	struct kpolicy_exit first_exit;
	char first_dump[KPOLICY_DUMP_LEN];   /* the kernel's debug dump of that first exit */
	uint64_t fault_injected_at;
	int ext_switched;                    /* --ext-stressors: processes moved to SCHED_EXT */
};

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(text, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/* The --inject fault, done from outside the policy as a user or the kernel would. */
static void do_inject(struct kpolicy *kp, struct run_state *rs)
{
	char path[128];

	enum daemon_fault df = daemon_fault__parse(rs->inject_kind);

	if (df) {
		kdaemon__fail(df);
		/* a crash takes this process down: the kernel closes its link and unregisters */
		if (df == DAEMON_CRASH)
			kpolicy__detach(kp);
	} else if (!strcmp(rs->inject_kind, "detach")) {
		kpolicy__detach(kp); /* the loader letting go: the kernel unregisters the policy */
	} else if (!strcmp(rs->inject_kind, "sysrq")) {
		if (write_file("/proc/sysrq-trigger", "S"))
			fprintf(stderr, "scxlab-kload: --inject sysrq: cannot write /proc/sysrq-trigger: %s\n", strerror(errno));
	} else if (!strcmp(rs->inject_kind, "offline")) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", rs->inject_cpu);
		if (write_file(path, "0"))
			fprintf(stderr, "scxlab-kload: --inject offline: cannot write %s: %s\n", path, strerror(errno));
	}
}

/*
 * The policy exited asking for a restart (SCX_ECODE_ACT_RESTART): once the kernel has disabled
 * it, load and attach it again, as the kernel tools' loaders do. The first exit is kept.
 */
#define ECODE_ACT_RESTART (1ULL << 48)
#define MAX_RESTARTS 32

static void maybe_restart(const struct krun_opts *o, struct kpolicy *kp, struct run_state *rs)
{
	char st[64];

	if (!kpolicy__exited(kp) || !(kp->uei->exit_code & (int64_t)ECODE_ACT_RESTART) ||
	    rs->restarts >= MAX_RESTARTS || !strcmp(rs->inject_kind, "detach") ||
	    !strcmp(rs->inject_kind, "daemon-crash"))
		return;
	for (int i = 0; i < 200; i++) {
		ksys__state(st, sizeof(st));
		if (!strcmp(st, "disabled"))
			break;
		usleep(5000);
	}
	if (!rs->have_first_exit) {
		rs->first_exit = *kp->uei;
		kpolicy__dump(kp, rs->first_dump, sizeof(rs->first_dump));
		rs->have_first_exit = true;
	}
	if (!rs->fault_injected_at)
		kpolicy__read_u64(kp, "fault_injected_at", &rs->fault_injected_at);
	kdaemon__pause();
	kpolicy__close(kp);
	if (kpolicy__load(kp, o->policy, o->knobs, o->nr_knobs, o->map_sizes, o->nr_map_sizes) ||
	    kpolicy__attach(kp)) {
		fprintf(stderr, "scxlab-kload: reloading %s after its restart request failed\n", o->policy);
		kdaemon__resume(kp);
		return;
	}
	kdaemon__resume(kp);
	rs->restarts++;
	printf("RESTARTED %s (%d)\n", kpolicy__ops_name(kp), rs->restarts);
	fflush(stdout);
}

/* Fork @argv as part of the workload: its own process group (@pgid 0), or @pgid's. */
static pid_t start_command(char *const *argv, pid_t pgid)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, pgid);
		drop_sys_nice();
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "scxlab-kload: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pgid ? pgid : pid);
	return pid;
}

/* --attach-after: attach the loaded policy now. 0, or -1 (the loader said why on stderr). */
static int attach_late(struct kpolicy *kp, struct run_state *rs, uint64_t t)
{
	char st[64];

	if (kpolicy__attach(kp))
		return -1;
	rs->attached_ns = t ? t : 1;
	ksys__state(st, sizeof(st));
	printf("ATTACHED %s state=%s after %.3fs\n", kpolicy__ops_name(kp), st, t / 1e9);
	fflush(stdout);
	return 0;
}

/*
 * Start the workload and wait for it, watching the policy; kill it at the deadline. With
 * --attach-after the policy is attached while it runs; the late command starts once it is.
 */
static int run_workload(const struct krun_opts *o, struct kpolicy *kp, struct run_state *rs)
{
	uint64_t deadline = o->timeout_s > 0 ? (uint64_t)(o->timeout_s * 1e9) : 0, term_at = 0;
	uint64_t attach_at = kp && o->attach_after_s > 0 ? (uint64_t)(o->attach_after_s * 1e9) : 0;
	bool attached = !attach_at, main_done = false;
	int status, main_status = 0, late_status = 0;
	pid_t pid, late = 0; /* late: 0 not started, else its pid, -1 once it has ended */

	rs->t0 = now_ns();
	pid = start_command(o->argv, 0);
	if (pid < 0)
		return -1;
	for (;;) {
		pid_t w = waitpid(-1, &status, WNOHANG);
		uint64_t t = now_ns() - rs->t0;

		if (w > 0) {
			if (w == pid)
				main_done = true, main_status = status;
			else if (w == late)
				late = -1, late_status = status;
			if (main_done && late <= 0)
				break;
			continue;
		}
		if (w < 0 && errno != EINTR)
			return -1;
		if (!attached && t >= attach_at) {
			if (attach_late(kp, rs, t)) {
				kill(-pid, SIGKILL);
				while (waitpid(-pid, NULL, 0) > 0)
					;
				return -2;
			}
			attached = true;
		}
		if (attached && o->late_argv && !late) {
			late = start_command(o->late_argv, pid);
			if (late < 0)
				late = -1;
		}
		if (o->ext_stressors) {
			int moved = kext__switch(o->ext_stressors, pid);
			rs->ext_switched += moved > 0 ? moved : 0;
		}
		if (rs->inject_at && !rs->injected_ns && t >= rs->inject_at && kp && attached) {
			do_inject(kp, rs);
			rs->injected_ns = t;
		}
		if (kp && attached && !rs->exit_seen) {
			char st[64];
			ksys__state(st, sizeof(st));
			if (kpolicy__exited(kp) || (strcmp(st, "enabled") && strcmp(st, "enabling")))
				rs->exit_seen = t ? t : 1;
		}
		if (kp && attached)
			maybe_restart(o, kp, rs);
		if (deadline && t >= deadline && !rs->timed_out) {
			rs->timed_out = 1;
			kill(-pid, SIGKILL);
		}
		if (stop_requested && !term_at) {
			term_at = t;
			kill(-pid, SIGTERM);
		}
		if (term_at && t > term_at + 3000000000ULL)
			kill(-pid, SIGKILL);
		usleep(5000);
	}
	rs->elapsed = now_ns() - rs->t0;
	kill(-pid, SIGKILL); /* anything the workload left behind */
	while (waitpid(-pid, NULL, WNOHANG) > 0)
		;
	if (!attached) {
		fprintf(stderr, "scxlab-kload: the workload ended %.3f s in, before the attach at %.3f s\n",
			rs->elapsed / 1e9, attach_at / 1e9);
		return -2;
	}
	rs->status = WIFEXITED(main_status) ? WEXITSTATUS(main_status) : -1;
	/* the late command's failure counts when the main one succeeded */
	if (!rs->status && late == -1 && late_status)
		rs->status = WIFEXITED(late_status) ? WEXITSTATUS(late_status) : -1;
	return 0;
}

/* The policy's u64 counter maps, per-CPU values summed, as "map NAME v0 v1 ..." lines. */
static void report_maps(struct kpolicy *kp, FILE *out)
{
	struct bpf_map *m;
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals = ncpu > 0 ? calloc((size_t)ncpu, sizeof(uint64_t)) : NULL;

	if (!vals)
		return;
	bpf_object__for_each_map(m, kp->obj) {
		enum bpf_map_type t = bpf_map__type(m);
		bool percpu = t == BPF_MAP_TYPE_PERCPU_ARRAY;
		if ((t != BPF_MAP_TYPE_ARRAY && !percpu) || bpf_map__value_size(m) != 8 || bpf_map__max_entries(m) > 4096 ||
		    strchr(bpf_map__name(m), '.'))
			continue;
		fprintf(out, "map %s", bpf_map__name(m));
		for (uint32_t k = 0; k < bpf_map__max_entries(m); k++) {
			uint64_t sum = 0;
			if (!bpf_map_lookup_elem(bpf_map__fd(m), &k, vals))
				for (int c = 0; c < (percpu ? ncpu : 1); c++)
					sum += vals[c];
			fprintf(out, " %llu", (unsigned long long)sum);
		}
		fputc('\n', out);
	}
	free(vals);
}

static int write_report(const struct krun_opts *o, struct kpolicy *kp, struct kprobes *pr,
			const struct run_state *rs, const uint64_t *busy0, const uint64_t *busy1, int ncpu,
			const char *events, const char *maps, int kmsg)
{
	char tmp[4096];
	FILE *f;

	f = atomic_file__open(o->report, tmp, sizeof(tmp));
	if (!f) {
		fprintf(stderr, "scxlab-kload: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	fprintf(f, "scxlab-kreport 1\npolicy %s\n", kp ? kpolicy__ops_name(kp) : "-");
	fprintf(f, "elapsed_ns %llu\nworkload_status %d\nworkload_timed_out %d\ninterrupted %d\n",
		(unsigned long long)rs->elapsed, rs->status, rs->timed_out, (int)stop_requested);
	fprintf(f, "state_at_end %s\nexit_seen_ns %llu\n", rs->state_at_end[0] ? rs->state_at_end : "-",
		(unsigned long long)rs->exit_seen);
	fprintf(f, "attached_ns %llu\next_switched %d\n", (unsigned long long)rs->attached_ns, rs->ext_switched);
	fprintf(f, "attach_call_ns %llu\ntasks_at_attach %d\n", kp ? (unsigned long long)kp->attach_call_ns : 0ULL,
		kp ? kp->tasks_at_attach : 0);
	fprintf(f, "t0_ktime %llu\ninject %s %llu\nrestarts %d\npolicy_fault_injected_at %llu\n",
		(unsigned long long)rs->t0, rs->inject_kind[0] ? rs->inject_kind : "-",
		(unsigned long long)rs->injected_ns, rs->restarts, (unsigned long long)rs->fault_injected_at);
	if (kprobes__report(pr, f))
		fprintf(stderr, "scxlab-kload: reading the probes' maps failed\n");
	for (int c = 0; c < ncpu; c++)
		fprintf(f, "cpu %d %llu\n", c, (unsigned long long)(busy1[c] > busy0[c] ? busy1[c] - busy0[c] : 0));
	if (kp && (kp->uei || rs->have_first_exit)) {
		struct kpolicy_exit e = rs->have_first_exit ? rs->first_exit : *kp->uei;
		e.reason[sizeof(e.reason) - 1] = 0;
		e.msg[sizeof(e.msg) - 1] = 0;
		one_line(e.reason);
		one_line(e.msg);
		fprintf(f, "exit_kind %d\nexit_code %lld\nexit_cpu %d\nexit_reason %s\nexit_msg %s\n", e.kind,
			(long long)e.exit_code, e.exit_cpu, e.reason, e.msg);
		/* the kernel's debug dump, a report line per dump line */
		static char dump[KPOLICY_DUMP_LEN];
		if (rs->have_first_exit)
			snprintf(dump, sizeof(dump), "%s", rs->first_dump);
		else
			kpolicy__dump(kp, dump, sizeof(dump));
		for (char *l = dump; *l;) {
			char *nl = strchr(l, '\n');
			if (nl)
				*nl = 0;
			fprintf(f, "exit_dump_line %s\n", l);
			if (!nl)
				break;
			l = nl + 1;
		}
	}
	fputs(events ? events : "", f);
	fputs(maps ? maps : "", f);
	kdaemon__report(f);
	kglobals__report(kp, f);
	report_klog(kmsg, f);
	fprintf(f, "end\n");
	if (atomic_file__commit(f, tmp, o->report)) {
		fprintf(stderr, "scxlab-kload: %s: cannot write the report\n", o->report);
		return 1;
	}
	return 0;
}

int krun__run(const struct krun_opts *o)
{
	static uint64_t busy0[MAX_CPUS], busy1[MAX_CPUS];
	struct kpolicy kp_store, *kp = NULL;
	struct kprobes pr = { 0 };
	struct run_state rs = { 0 };
	int ret = 1, ncpu, kmsg = -1;

	if (!o->argv || !o->argv[0] || !o->report || !o->probes) {
		fprintf(stderr, "scxlab-kload run: needs --probes, --report and a command after --\n");
		return 2;
	}
	if ((o->attach_after_s > 0 || o->late_argv) && !o->policy) {
		fprintf(stderr, "scxlab-kload run: --attach-after and --after-attach need --policy\n");
		return 2;
	}
	if (o->ext_stressors && !kext__valid(o->ext_stressors)) {
		fprintf(stderr, "scxlab-kload run: --ext-stressors %s: expected stressor names separated by commas\n",
			o->ext_stressors);
		return 2;
	}
	if (o->late_argv && !o->late_argv[0]) {
		fprintf(stderr, "scxlab-kload run: --after-attach needs a command after it\n");
		return 2;
	}
	if (o->inject) {
		char spec[64], *at;
		snprintf(spec, sizeof(spec), "%s", o->inject);
		at = strchr(spec, '@');
		if (at)
			*at++ = 0;
		if (!strncmp(spec, "offline:", 8)) {
			rs.inject_cpu = atoi(spec + 8);
			spec[7] = 0;
		}
		if (!at || atof(at) <= 0 ||
		    (strcmp(spec, "detach") && strcmp(spec, "sysrq") && strcmp(spec, "offline") && !daemon_fault__parse(spec))) {
			fprintf(stderr, "scxlab-kload run: --inject %s: expected detach@S, sysrq@S, offline:CPU@S, "
				"daemon-stall@S or daemon-crash@S\n", o->inject);
			return 2;
		}
		if (daemon_fault__parse(spec) && !o->daemon) {
			fprintf(stderr, "scxlab-kload run: --inject %s: needs --daemon\n", o->inject);
			return 2;
		}
		snprintf(rs.inject_kind, sizeof(rs.inject_kind), "%.31s", spec);
		rs.inject_at = (uint64_t)(atof(at) * 1e9);
	}
	kpolicy__quiet_libbpf();
	if (o->policy)
		watch_from_rt_class();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* from before the attach: the kernel reports an attach-time error (its ops checks) then */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	if (kprobes__start(&pr, o->probes, o->comm_prefix ? o->comm_prefix : "stress-ng"))
		goto out_kmsg;
	if (o->policy) {
		ret = kpolicy__load(&kp_store, o->policy, o->knobs, o->nr_knobs, o->map_sizes, o->nr_map_sizes);
		kp = &kp_store;
		if (ret)
			goto out_kmsg;
		/* the daemon first: a policy that hands its decisions to it needs it from the start */
		if (o->daemon && kdaemon__start(o->daemon, kp)) {
			ret = 1;
			goto out_kmsg;
		}
		if (o->attach_after_s <= 0) {
			if ((ret = kpolicy__attach(kp)))
				goto out_kmsg;
			char st[64];
			ksys__state(st, sizeof(st));
			printf("ATTACHED %s state=%s\n", kpolicy__ops_name(kp), st);
			fflush(stdout);
		}
		ret = 1;
	}
	ncpu = cpu_busy(busy0, MAX_CPUS);
	int wrc = run_workload(o, kp, &rs);
	if (wrc) {
		/* -2: no late attach (the loader said why), the workload was stopped or over */
		if (wrc == -1)
			fprintf(stderr, "scxlab-kload: cannot run the workload %s\n", o->argv[0]);
		goto out_kmsg;
	}
	cpu_busy(busy1, MAX_CPUS);
	ksys__state(rs.state_at_end, sizeof(rs.state_at_end));
	FILE *events = NULL, *mapf;
	char *ev_buf = NULL, *map_buf = NULL;
	size_t ev_len = 0, map_len = 0;
	if (o->daemon)
		kdaemon__stop(o->daemon_log);
	if (kp && (mapf = open_memstream(&map_buf, &map_len))) {
		report_maps(kp, mapf);
		fclose(mapf);
	}
	if (kp && !rs.fault_injected_at)
		kpolicy__read_u64(kp, "fault_injected_at", &rs.fault_injected_at);
	if (kp) {
		/* the scheduler's event counters go with it: read them while it is attached */
		events = open_memstream(&ev_buf, &ev_len);
		if (events) {
			report_events(events);
			fclose(events);
		}
		kpolicy__detach(kp);
	}
	kprobes__stop(&pr);
	ret = write_report(o, kp, &pr, &rs, busy0, busy1, ncpu, ev_buf, map_buf, kmsg);
	free(ev_buf);
	free(map_buf);
	if (kp)
		kpolicy__print_exit(kp, stdout);
	printf("WORKLOAD status=%d elapsed=%.3fs%s\n", rs.status, rs.elapsed / 1e9,
	       rs.timed_out ? " (killed at the timeout)" : "");
out_kmsg:
	if (kmsg >= 0)
		close(kmsg);
	kdaemon__stop(NULL); /* when it was started and the run did not get going (else a no-op) */
	if (kp)
		kpolicy__close(kp);
	kprobes__close(&pr);
	return ret;
}
