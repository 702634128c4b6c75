/*
 * A pool of child processes: runs a list of commands, at most J at a
 * time, with a progress line on a terminal. SIGINT, SIGTERM and SIGHUP
 * stop it: the running children are terminated and waited for.
 */
#ifndef SWEEP_POOL_H
#define SWEEP_POOL_H

#include <stddef.h>

struct pool_job {
	char *const	*argv;		/* argv[0] found on PATH if no '/' */
	const char	*outpath;	/* stdout to this file, or /dev/null */
	const char	*errpath;	/* stderr to this file; NULL: ours */
	const char	*cwd;		/* NULL: ours */
	int		 status;	/* out: exit status, 128 + signal, or
					   -1 when it did not run */
};

struct pool_opts {
	size_t		 jobs;		/* at most this many at once (>= 1) */
	const char	*label;		/* "LABEL: 3/8 runs, 1 failed, ..." */
	int		 progress;	/* draw that line on stderr */
};

/*
 * Runs the n jobs and sets their status. Returns 0 when every job ran
 * (whatever its status), EINTR when a signal stopped the pool, or the
 * errno value of a failed fork (the jobs started before it are waited
 * for, the others not run).
 */
int	pool_run(struct pool_job *, size_t n, const struct pool_opts *);

/* The number of online CPUs (at least 1). */
size_t	pool_ncpu(void);

#endif
