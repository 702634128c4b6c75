/*
 * ./sim sweep: runs a scenario over a grid of --set values and seeds in
 * parallel, or writes the runs as jobs for GNU parallel or Slurm, and
 * collates every run's summary.json into one CSV. See README.md.
 *
 * DIR/plan.csv       run,<varied keys...>,seed,command
 * DIR/runs/NNNN/     pfsim's results of run NNNN; its stderr in NNNN.err
 * DIR/sweep.csv      run,<varied keys...>,seed,status,error,<metrics>
 */
#ifndef SWEEP_SWEEP_H
#define SWEEP_SWEEP_H

#include <stddef.h>
#include <stdio.h>

#include "argv.h"
#include "grid.h"

struct sweep_opts {
	const char		*scenario;
	const struct grid	*grid;
	unsigned long		 nseeds;	/* >= 1 */
	unsigned long		 seed0;
	size_t			 jobs;		/* >= 1 */
	int			 jobs_given;	/* --jobs: throttle Slurm */
	const char		*outdir;	/* NULL: results/sweep-NAME */
	const struct argv	*pass;		/* pfsim options of every run */
	const char		*emit;		/* write jobs, do not run */
	int			 progress;	/* progress line on stderr */
};

/*
 * Runs the sweep (or writes its jobs) and collates it. Returns 0 with
 * the number of failed runs in *nfailed, or an errno value with a
 * message in err: EINVAL for a bad scenario or output directory, EINTR
 * when interrupted. Says what it wrote on out and lists failed runs on
 * report.
 */
int	sweep_run(const struct sweep_opts *, FILE *out, FILE *report,
	    size_t *nfailed, char *err, size_t errlen);

/*
 * Writes DIR/sweep.csv from DIR/plan.csv and the runs' results. status
 * (NULL in --collate) holds each run's exit status in plan order. A run
 * fails when its status is not 0 (error: the first line of its stderr)
 * or its summary.json is missing (the first line of its stderr, else
 * "no summary.json") or unreadable. Returns as sweep_run.
 */
int	sweep_collate(const char *dir, const int *status, size_t nstatus,
	    FILE *out, FILE *report, size_t *nfailed, char *err,
	    size_t errlen);

#endif
