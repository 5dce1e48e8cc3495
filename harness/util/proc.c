/*
 * External processes without a shell (see proc.h).
 */
#include "harness/util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void argv__add(struct argv_buf *a, const char *arg)
{
	if (a->argc >= ARGV_MAX) {
		a->overflow = 1;
		return;
	}
	a->argv[a->argc] = strdup(arg);
	if (!a->argv[a->argc]) {
		a->overflow = 1;
		return;
	}
	a->argv[++a->argc] = NULL;
}

void argv__addf(struct argv_buf *a, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	argv__add(a, buf);
}

void argv__free(struct argv_buf *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
	a->argc = 0;
	a->argv[0] = NULL;
}

void argv__format(const struct argv_buf *a, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < a->argc && off < len; i++) {
		bool quote = strpbrk(a->argv[i], " \t'\"$") != NULL;
		int n = snprintf(buf + off, len - off, "%s%s%s%s", i ? " " : "", quote ? "'" : "",
				 a->argv[i], quote ? "'" : "");
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static int wait_for(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Start @a with stdout and stderr sent to the file @out (truncated; NULL: inherited), in a
 * process group of its own when @new_group (set on both sides of the fork, so a signal to the
 * group cannot miss it). The pid, or -1.
 */
static pid_t spawn(const struct argv_buf *a, const char *out, bool new_group)
{
	pid_t pid;

	pid_t parent = getpid();

	if (a->overflow || !a->argc)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (new_group)
			setpgid(0, 0);
		/* it dies with this process, even killed by SIGKILL (checked after: it may be gone already) */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
		}
		execvp(a->argv[0], a->argv);
		fprintf(stderr, "scxlab: cannot run %s: %s\n", a->argv[0], strerror(errno));
		_exit(127);
	}
	if (new_group)
		setpgid(pid, pid);
	return pid;
}

int proc__run(const struct argv_buf *a)
{
	pid_t pid = spawn(a, NULL, false);

	return pid < 0 ? -1 : wait_for(pid);
}

int proc__run_silent(const struct argv_buf *a)
{
	pid_t pid = spawn(a, "/dev/null", false);

	return pid < 0 ? -1 : wait_for(pid);
}

static volatile sig_atomic_t stop_signal;
static volatile pid_t forward_to;   /* the child's process group (> 0) or the child (< 0: -pid) */

static void forward_stop(int sig)
{
	pid_t to = forward_to;

	if (!stop_signal)
		stop_signal = sig;
	if (to)
		kill(-to, sig);
}

void proc__forward_stop_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = forward_stop }, old; /* no SA_RESTART: waits see EINTR */

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* one ignored (nohup, a background job of a script) stays ignored */
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int proc__stop_signal(void)
{
	return stop_signal;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Wait for @pid; once a stop signal has come, make sure the child has it too and give it
 * PROC_STOP_GRACE_S seconds before SIGKILL (of its group when @group).
 */
static int wait_stoppable(pid_t pid, bool group, int *status)
{
	struct timespec stop_t0, nap = { 0, 20 * 1000 * 1000 };
	bool forwarded = false, killed = false;

	for (;;) {
		pid_t r = waitpid(pid, status, stop_signal ? WNOHANG : 0);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (!stop_signal)
			continue;
		if (!forwarded) {
			/* the signal may have come before forward_to was set */
			kill(group ? -pid : pid, stop_signal);
			clock_gettime(CLOCK_MONOTONIC, &stop_t0);
			forwarded = true;
		} else if (!killed && seconds_since(&stop_t0) >= PROC_STOP_GRACE_S) {
			kill(group ? -pid : pid, SIGKILL);
			killed = true;
		}
		nanosleep(&nap, NULL);
	}
}

int proc__run_logged(const struct argv_buf *a, const char *log, bool new_group, volatile pid_t *running,
		     int *status)
{
	pid_t pid = spawn(a, log, new_group);
	int rc;

	if (pid < 0)
		return -1;
	if (running)
		*running = pid;
	forward_to = new_group ? pid : -pid;
	rc = wait_stoppable(pid, new_group, status);
	forward_to = 0;
	if (new_group)
		kill(-pid, SIGKILL); /* anything of its group still there (a child it left) */
	if (running)
		*running = 0;
	return rc;
}

int proc__run_silent_deadline(const struct argv_buf *a, unsigned int deadline_s)
{
	struct timespec start, now, nap = { 0, 20 * 1000 * 1000 };
	pid_t pid;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &start);
	pid = spawn(a, "/dev/null", true);
	if (pid < 0)
		return -1;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)deadline_s) {
			kill(-pid, SIGKILL);
			wait_for(pid);
			return PROC_TIMED_OUT;
		}
		nanosleep(&nap, NULL);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

uint64_t hash__bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int proc__run_read_stdout(const struct argv_buf *a, void (*chunk)(const char *, size_t, void *), void *ctx)
{
	int fds[2];
	pid_t pid;
	char buf[65536];
	ssize_t n;

	if (a->overflow || !a->argc || pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(a->argv[0], a->argv);
		fprintf(stderr, "scxlab: cannot run %s: %s\n", a->argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		chunk(buf, (size_t)n, ctx);
	}
	close(fds[0]);
	return wait_for(pid);
}

static void hash_chunk(const char *buf, size_t n, void *ctx)
{
	uint64_t *hash = ctx;

	*hash = hash__bytes(*hash, buf, n);
}

int proc__run_hash_stdout(const struct argv_buf *a, uint64_t *hash)
{
	return proc__run_read_stdout(a, hash_chunk, hash);
}

struct capture {
	char *buf;
	size_t len, used;
};

static void capture_chunk(const char *buf, size_t n, void *ctx)
{
	struct capture *c = ctx;
	size_t room = c->len - 1 - c->used;

	if (n > room)
		n = room;
	memcpy(c->buf + c->used, buf, n);
	c->used += n;
}

int proc__run_capture_stdout(const struct argv_buf *a, char *out, size_t len)
{
	struct capture c = { out, len, 0 };
	int rc;

	if (!len)
		return -1;
	rc = proc__run_read_stdout(a, capture_chunk, &c);
	out[c.used] = '\0';
	return rc;
}

int proc__which(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char dirs[8192];

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, X_OK);
	}
	snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", d, name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}
