/*
 * `scxlab load`: attach a policy for a while and report its exit (see kloader.h).
 */
#include "harness/kload/kloader.h"
#include "harness/kload/kprofile.h"
#include "harness/kload/kpolicy.h"

#include <signal.h>
#include <sys/utsname.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * --verify: load with the verifier's statistics per program; if the kernel refuses it, load
 * again without them, for the verifier's log of why (a statistics-only log has no reason).
 */
static int verify(const struct kloader_opts *o)
{
	struct kpolicy kp;
	int ret;

	kpolicy_stats__want(true);
	ret = kpolicy__load(&kp, o->path, o->knobs, o->nr_knobs, o->map_sizes, o->nr_map_sizes);
	if (!ret)
		printf("VERIFIED %s\n", o->path);
	kpolicy_stats__print(&kp, stdout);
	kpolicy__close(&kp);
	kpolicy_stats__want(false);
	if (ret == 1) {
		kpolicy__clear_libbpf_log();
		ret = kpolicy__load(&kp, o->path, o->knobs, o->nr_knobs, o->map_sizes, o->nr_map_sizes);
		kpolicy__close(&kp);
		ret = ret ? ret : 1;
	}
	return ret;
}

int kloader__run(const struct kloader_opts *o)
{
	struct kpolicy kp;
	struct timespec t0;
	char state[64];
	int ret;

	kpolicy__quiet_libbpf();
	if (o->check_only) {
		char err[1280];

		ret = kpolicy__open(&kp, o->path, o->knobs, o->nr_knobs, o->map_sizes, o->nr_map_sizes);
		if (!ret && kprofile__current() && kprofile__check_maps(kprofile__current(), kp.obj, err, sizeof(err))) {
			fprintf(stderr, "scxlab load: --loader: %s\n", err);
			ret = 2;
		}
		if (!ret)
			printf("SETTINGS OK %s\n", o->path);
		kpolicy__close(&kp);
		return ret;
	}
	/* without sched_ext the verifier refuses every struct_ops of it: say what is really missing */
	ksys__state(state, sizeof(state));
	if (!state[0]) {
		struct utsname u;
		uname(&u);
		fprintf(stderr, "scxlab load: kernel %s has no sched_ext (no /sys/kernel/sched_ext: CONFIG_SCHED_CLASS_EXT "
			"is not enabled); use `scxlab run --target vm` or `scxlab verify`, which boot a sched_ext kernel\n",
			u.release);
		return 2;
	}
	if (o->verify_only)
		return verify(o);
	ret = kpolicy__load(&kp, o->path, o->knobs, o->nr_knobs, o->map_sizes, o->nr_map_sizes);
	if (ret)
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = kpolicy__attach(&kp);
	if (ret)
		goto out;
	ksys__state(state, sizeof(state));
	printf("ATTACHED %s state=%s\n", kpolicy__ops_name(&kp), state);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop_requested && !kpolicy__exited(&kp)) {
		usleep(50000);
		ksys__state(state, sizeof(state));
		if (strcmp(state, "enabled") && strcmp(state, "enabling"))
			break;
		if (o->seconds > 0 && seconds_since(&t0) >= o->seconds)
			break;
	}
	kpolicy__detach(&kp);
	kpolicy__print_exit(&kp, stdout);
	ksys__state(state, sizeof(state));
	printf("DETACHED state=%s\n", state);
out:
	kpolicy__close(&kp);
	return ret;
}
