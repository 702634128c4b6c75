/*
 * The process pool (see pool.h). The signals it waits for stay blocked
 * while it runs and are taken with sigtimedwait, so no handler and no
 * global flag are needed; the wait times out every 250 ms to redraw the
 * progress line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"

#define POOL_TICK_NS	250000000L	/* progress redraw period */
#define POOL_GRACE_S	5		/* SIGTERM, then SIGKILL after this */

struct slot {
	pid_t	pid;
	size_t	job;
};

size_t
pool_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return (n > 0 ? (size_t)n : 1);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* Redirects fd to path (or /dev/null); in the child, before exec. */
static int
redirect(int fd, const char *path, int flags)
{
	int f = open(path ? path : "/dev/null", flags, 0666);

	if (f < 0)
		return (-1);
	if (f != fd) {
		if (dup2(f, fd) < 0)
			return (-1);
		close(f);
	}
	return (0);
}

static pid_t
spawn(const struct pool_job *j, const sigset_t *mask)
{
	pid_t pid = fork();
	int wr = O_WRONLY | O_CREAT | O_TRUNC;

	if (pid != 0)
		return (pid);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if ((j->errpath != NULL && redirect(2, j->errpath, wr) != 0) ||
	    redirect(0, NULL, O_RDONLY) != 0 ||
	    redirect(1, j->outpath, wr) != 0) {
		dprintf(2, "pfsim-sweep: cannot redirect %s: %s\n",
		    j->argv[0], strerror(errno));
		_exit(127);
	}
	if (j->cwd != NULL && chdir(j->cwd) != 0) {
		dprintf(2, "pfsim-sweep: %s: %s\n", j->cwd, strerror(errno));
		_exit(127);
	}
	execvp(j->argv[0], j->argv);
	dprintf(2, "pfsim-sweep: cannot run %s: %s\n", j->argv[0],
	    strerror(errno));
	_exit(127);
}

static void
clock_fmt(char *buf, size_t len, double s)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

static void
progress(const struct pool_opts *o, size_t done, size_t n, size_t failed,
    double elapsed)
{
	char el[32], eta[32];

	if (!o->progress)
		return;
	clock_fmt(el, sizeof(el), elapsed);
	if (done > 0)
		clock_fmt(eta, sizeof(eta),
		    elapsed / (double)done * (double)(n - done));
	else
		snprintf(eta, sizeof(eta), "-");
	fprintf(stderr, "\r%s: %zu/%zu runs, %zu failed, %s elapsed, ETA %s"
	    "\033[K", o->label, done, n, failed, el, eta);
	fflush(stderr);
}

/* Reaps finished children: blocking when block is set. */
static void
reap(struct pool_job *jobs, struct slot *run, size_t *nrun, size_t *done,
    size_t *failed, int block)
{
	pid_t pid;
	size_t i;
	int st;

	while (*nrun > 0 && (pid = waitpid(-1, &st, block ? 0 : WNOHANG)) >
	    0) {
		for (i = 0; i < *nrun && run[i].pid != pid; i++)
			;
		if (i == *nrun)
			continue;	/* not one of ours */
		jobs[run[i].job].status = WIFEXITED(st) ? WEXITSTATUS(st) :
		    WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
		if (jobs[run[i].job].status != 0)
			(*failed)++;
		run[i] = run[--*nrun];
		(*done)++;
	}
}

/* Terminates the running children and waits for them all. */
static void
stop_all(struct pool_job *jobs, struct slot *run, size_t *nrun,
    size_t *done, size_t *failed, const sigset_t *set)
{
	struct timespec ts = { 0, POOL_TICK_NS };
	double t0 = now_s();
	size_t i;

	for (i = 0; i < *nrun; i++)
		kill(run[i].pid, SIGTERM);
	while (*nrun > 0 && now_s() - t0 < POOL_GRACE_S) {
		reap(jobs, run, nrun, done, failed, 0);
		if (*nrun > 0)
			sigtimedwait(set, NULL, &ts);
	}
	for (i = 0; i < *nrun; i++)
		kill(run[i].pid, SIGKILL);
	reap(jobs, run, nrun, done, failed, 1);
}

int
pool_run(struct pool_job *jobs, size_t n, const struct pool_opts *o)
{
	struct timespec ts = { 0, POOL_TICK_NS };
	struct sigaction dfl, oldchld;
	sigset_t set, old;
	struct slot *run;
	size_t i, next = 0, nrun = 0, done = 0, failed = 0;
	size_t maxjobs = o->jobs > 0 ? o->jobs : 1;
	double t0 = now_s();
	int rv = 0, sig;
	pid_t pid;

	for (i = 0; i < n; i++)
		jobs[i].status = -1;
	if (n == 0)
		return (0);
	if (maxjobs > n)
		maxjobs = n;
	if ((run = calloc(maxjobs, sizeof(*run))) == NULL)
		return (ENOMEM);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* Children must not be reaped behind our back (SIG_IGN). */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &dfl, &oldchld);

	fflush(stdout);
	fflush(stderr);
	progress(o, done, n, failed, 0);
	while (done < n) {
		while (rv == 0 && nrun < maxjobs && next < n) {
			if ((pid = spawn(&jobs[next], &old)) < 0) {
				rv = errno;
				break;
			}
			run[nrun].pid = pid;
			run[nrun++].job = next++;
		}
		if (nrun == 0)
			break;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			stop_all(jobs, run, &nrun, &done, &failed, &set);
			rv = EINTR;
			break;
		}
		reap(jobs, run, &nrun, &done, &failed, 0);
		progress(o, done, n, failed, now_s() - t0);
	}
	if (o->progress)
		fprintf(stderr, "\n");
	free(run);
	sigaction(SIGCHLD, &oldchld, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return (rv);
}
