/*
 * Inside the run, shared by run.c (the main loop), run_conf.c ([sim],
 * [net], nets), results.c (the results directory) and summary.c. Not for
 * models: they see struct run only through model.h.
 */
#ifndef ENGINE_RUN_INT_H
#define ENGINE_RUN_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "capture.h"
#include "conf.h"
#include "ev.h"
#include "json.h"
#include "net.h"
#include "ns3/ns3.h"
#include "run.h"

#define RUN_MAXMODELS	16
#define RUN_MAXCAPS	256
#define RUN_NSIGNALS	3	/* SIGINT, SIGTERM, SIGHUP */

/* The marker in every results directory pfsim makes (results.c). */
#define RUN_MARKER	".pfsim-results"

struct run {
	const struct run_opts	*o;
	struct conf		*conf;
	struct world		*w;
	struct conf_section	*sim;
	char			 name[128];
	char			 outdir[1024];
	char			 tmpdir[1100];
	char			 capmode[16];
	struct capture_budget	 capbudget;	/* sim.capture_limit */
	struct capture		*merged;
	struct capture		*caps[RUN_MAXCAPS];
	int			 ncaps;
	void			*mdata[RUN_MAXMODELS];
	simtime_t		 duration, interval;
	FILE			*ts;
	struct ev		 ts_ev;
	double			 wall0;
	double			 wall_shown;	/* the last progress line */
	int			 tty;		/* progress on stderr */
	int			 caught;	/* sigsaved holds the old ones */
	struct sigaction	 sigsaved[RUN_NSIGNALS];
	struct realtime		*rt;		/* sim.clock = realtime */
	int			 ns3;		/* sim.backend = ns3 */
};

/* run.c */
int	run_stopped(void);
const char *run_signal_name(int);

/* run_conf.c */
const struct section_type *const *run_section_types(void);
const struct model_type *run_model_for(const char *type);
int	run_build_nets(struct run *, char *err, size_t errlen);
int	run_check_memory(struct run *, char *err, size_t errlen);
int	run_backend_check(struct run *, char *err, size_t errlen);

/* results.c: 0, or -1 (with errno set, or err filled in). */
struct names;
int	run_pathf(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	run_mkdirs(const char *path);
int	run_rmtree(const char *dir);
int	run_marker_write(const char *dir, const struct names *);
int	run_check_outdir(struct run *, char *err, size_t errlen);
void	run_clean_stale(const char *parent, const char *base);
int	run_resolve_outdir(struct run *, char *err, size_t errlen);
int	run_fclose(FILE *);
int	run_close_captures(struct run *, char *err, size_t errlen);
int	run_finish_results(struct run *, double wall, char *err,
	    size_t errlen);

/* realtime.c: sim.clock = realtime. */
int	run_rt_create(struct run *);
void	run_rt_destroy(struct run *);
void	run_rt_loop(struct run *, int (*stop)(void));
simtime_t run_rt_lag_quantile(const struct run *, double q);
simtime_t run_rt_lag_max(const struct run *);
uint64_t run_rt_batches(const struct run *);

/* summary.c */
int	run_write_summary(struct run *, const char *path, double wall,
	    bool tostdout);
void	run_print_human(struct run *, double wall);

#endif
