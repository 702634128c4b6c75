/*
 * One simulation run: scenario -> world -> models -> events -> results.
 * Results are written into a temporary directory beside the target and
 * renamed into place only when complete.
 */
#ifndef ENGINE_RUN_H
#define ENGINE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct run_opts {
	const char	*scenario;
	const char	*sets[64];	/* --set, --seed, --duration */
	int		 nsets;
	const char	*outdir;	/* NULL: results/<scenario name> */
	const char	*capture;	/* NULL: the scenario's sim.capture */
	const char	*trace;		/* "pf,power": run_trace_names() */
	bool		 json, quiet, dump_states;
	int		 argc;		/* the command line, as recorded in */
	char *const	*argv;		/* summary.json (argv NULL: none) */
};

/* Exit status: 0 ok, 1 failure while running, 2 usage/scenario error. */
int	run_main(const struct run_opts *);
/* The --trace names ("all", then each model's), at most max into out;
 * returns how many. */
#define RUN_MAXTRACES	32
int	run_trace_names(const char **out, int max);
/* pfsim's version (git describe of the source tree at build time). */
extern const char run_version[];
/* The section types the engine itself declares ([sim], [net]). */
extern const struct section_type sim_section, net_section;

#endif
