/*
 * ./sim threshold: measures the stall threshold of a split scenario
 * against a baseline (threshold.h has the rule). At each rate, seeds
 * 1..N of both run with KEY=<rate>pps; a seed's ratio is split / baseline
 * delivered pps of the first flow. A geometric grid first, then
 * geometric midpoints of the bracket. See README.md.
 *
 * DIR/runs/RATE-sS-split/, -base/   pfsim's results (stderr in .err)
 * DIR/runs.csv       rate,seed,split_pps,baseline_pps,ratio
 * DIR/threshold.csv  rate,n,min,q1,median,q3,max,share_ok,share_stalled,
 *                    median_rises
 * DIR/threshold.txt  the table printed, the threshold and warnings
 * DIR/threshold.svg  the figure (gnuplot; threshold.gp draws it again)
 */
#ifndef SWEEP_THRESHOLD_CMD_H
#define SWEEP_THRESHOLD_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "argv.h"

struct threshold_opts {
	const char		*scenario;	/* the split flow */
	const char		*baseline;	/* that flow, one firewall */
	unsigned long		 nseeds;	/* seeds 1..nseeds */
	double			 ratio;		/* R */
	double			 lo, hi;	/* pps */
	const char		*key;		/* set to <rate>pps */
	size_t			 grid;		/* points of the first scan */
	size_t			 jobs;
	const char		*outdir;	/* NULL: the default */
	const struct argv	*split_pass;	/* pfsim options, split runs */
	const struct argv	*base_pass;	/* and baseline runs */
	int			 progress;
};

/*
 * Measures and writes the results. Prints the table and the threshold
 * on out, warnings on warn. Returns 0, or an errno value with a message
 * in err: EINVAL for a bad scenario or output directory, EIO when runs
 * failed, EINTR when interrupted.
 */
int	threshold_cmd_run(const struct threshold_opts *, FILE *out,
	    FILE *warn, char *err, size_t errlen);

#endif
