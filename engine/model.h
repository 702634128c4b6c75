/*
 * How models plug into a run. Each model declares its section types (with
 * their parameter tables) and a build function called once per section of
 * that type, in file order, after the engine has created every [net].
 * Reports are written into summary.json and the results directory.
 */
#ifndef ENGINE_MODEL_H
#define ENGINE_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "json.h"
#include "backend.h"
#include "net.h"

struct run;

struct model_type {
	const struct section_type *st;
	/* The --trace names this model asks run_trace() about,
	 * NULL-terminated (NULL: none). */
	const char *const *traces;
	/* More parameter tables for the same section type (one per
	 * module that adds keys to it), NULL-terminated. */
	const struct section_type *more[4];
	/* Build one section's object into the run. 0, or -1 with err set
	 * as "FILE:LINE: type.name.key: message" (exit 2). */
	int	(*build)(struct run *, struct conf_section *, char *err,
		    size_t errlen);
	/* Optional: after every section is built (resolve references). */
	int	(*link)(struct run *, char *err, size_t errlen);
	/* Optional: called once at simulated time 0, before the first event. */
	void	(*start)(struct run *);
	/* Optional: called at the end of the run, before reports. */
	void	(*stop)(struct run *);
	/* Optional: write this model's array into summary.json
	 * ("firewalls", "flows", ...); the model opens its own key. */
	void	(*report_json)(struct run *, struct json *);
	/* Optional: extra files in the results directory (dir is the
	 * temporary directory that will be renamed into place). */
	int	(*report_files)(struct run *, const char *dir);
	/* Optional: lines of the human summary on stdout. */
	void	(*report_text)(struct run *, FILE *);
	/* Optional: keys of summary.json's "totals" object (sums over
	 * the model's nodes), and the line saying them after every
	 * model's report_text. */
	void	(*totals_json)(struct run *, struct json *);
	void	(*totals_text)(struct run *, FILE *);
	/* Optional, with --dump-states: the model's tables, after the
	 * summary (the run's last output). */
	void	(*dump_text)(struct run *, FILE *);
	/* Optional: one interval row contribution for timeseries.csv
	 * (comma-first: ",a,b"). */
	void	(*ts_header)(struct run *, FILE *);
	void	(*ts_row)(struct run *, FILE *);
	/* Optional: the most memory one section of this type can take
	 * (bytes), for sim.mem_limit; called before anything is built. */
	uint64_t (*mem_estimate)(const struct conf_section *);
	/* Optional: free the model's data (always called, even on error). */
	void	(*destroy)(struct run *);
};

/* What a model can ask of the run. */
struct world		*run_world(struct run *);
struct conf		*run_conf(struct run *);
struct segment		*run_segment(struct run *, const char *name);
/* Model-private slot per model type (index in pfsim_models). */
void			*run_model_data(struct run *, const struct model_type *);
void			 run_set_model_data(struct run *,
			    const struct model_type *, void *);
/* Capture mode: "all", "sync", "none". Models call run_capture_iface()
 * after creating an interface; it opens the pcap if the mode wants it. */
int			 run_capture_iface(struct run *, struct iface *,
			    int is_sync);
/* Trace flags from --trace (e.g. "pf", a name in the model's traces[]):
 * nonzero if enabled. */
int			 run_trace(struct run *, const char *what);
/* sim.clock = realtime: nonzero when simulated time follows the wall
 * clock. Then a model may register a descriptor (a TAP device): fn(arg)
 * runs whenever it is readable, at the queue's now (the arrival). 0, or
 * -1 with errno (EINVAL: not realtime). Read in the build or link hook. */
int			 run_realtime(const struct run *);
int			 run_add_input(struct run *, int fd, void (*fn)(void *),
			    void *arg);

/* The models, NULL-terminated (models/models.c). */
extern const struct model_type *const pfsim_models[];
/* The demo model (models/demo.c), used by the demo scenario. */
extern const struct model_type demo_model;

#endif
