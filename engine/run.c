/*
 * The run: build the world from a scenario, run its event loop with
 * progress and signals, and hand over to results.c. The [sim]/[net]
 * tables and the nets are in run_conf.c, the summary in summary.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "conf.h"
#include "json.h"
#include "pfsim_version.h"
#include "run_int.h"

static volatile sig_atomic_t run_interrupted;	/* the signal */

const char run_version[] = PFSIM_VERSION;

/* The --trace names: "all", then each model's traces[], in model order. */
int
run_trace_names(const char **out, int max)
{
	int i, k, n = 0;

	if (n < max)
		out[n++] = "all";
	for (i = 0; pfsim_models[i]; i++)
		for (k = 0; pfsim_models[i]->traces != NULL &&
		    pfsim_models[i]->traces[k] != NULL; k++)
			if (n < max)
				out[n++] = pfsim_models[i]->traces[k];
	return n;
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct world *
run_world(struct run *r)
{
	return r->w;
}

struct conf *
run_conf(struct run *r)
{
	return r->conf;
}

struct segment *
run_segment(struct run *r, const char *name)
{
	int i;

	for (i = 0; i < r->w->nsegs; i++)
		if (strcmp(r->w->segs[i]->name, name) == 0)
			return r->w->segs[i];
	return NULL;
}

static int
model_index(const struct model_type *mt)
{
	int i;

	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i] == mt)
			return i;
	return -1;
}

void *
run_model_data(struct run *r, const struct model_type *mt)
{
	int i = model_index(mt);

	return i < 0 || i >= RUN_MAXMODELS ? NULL : r->mdata[i];
}

void
run_set_model_data(struct run *r, const struct model_type *mt, void *d)
{
	int i = model_index(mt);

	if (i >= 0 && i < RUN_MAXMODELS)
		r->mdata[i] = d;
}


static int
trace_known(const char *name, size_t n)
{
	const char *names[RUN_MAXTRACES];
	int i, nn = run_trace_names(names, RUN_MAXTRACES);

	for (i = 0; i < nn; i++)
		if (strlen(names[i]) == n && strncmp(names[i], name, n) == 0)
			return 1;
	return 0;
}

/* --trace NAME,...: 0, or -1 with err naming the known names. */
static int
trace_check(const char *t, char *err, size_t errlen)
{
	const char *e, *names[RUN_MAXTRACES];
	size_t n, len;
	int i, nn;

	for (; t != NULL; t = *e ? e + 1 : NULL) {
		e = t + strcspn(t, ",");
		n = (size_t)(e - t);
		if (trace_known(t, n))
			continue;
		len = (size_t)snprintf(err, errlen, "--trace %.*s: unknown "
		    "name; known: ", (int)n, t);
		nn = run_trace_names(names, RUN_MAXTRACES);
		for (i = 0; i < nn && len < errlen; i++)
			len += (size_t)snprintf(err + len, errlen - len, "%s%s",
			    i ? ", " : "", names[i]);
		return -1;
	}
	return 0;
}

int
run_trace(struct run *r, const char *what)
{
	const char *t = r->o->trace;
	size_t n = strlen(what);

	if (!trace_known(what, n)) {
		/* --trace could not turn it on: add it to the model's
		 * traces[]. */
		fprintf(stderr, "pfsim: internal error: trace '%s' is not in "
		    "any model's traces[]\n", what);
		abort();
	}

	while (t && *t) {
		if (strncmp(t, what, n) == 0 && (t[n] == ',' || t[n] == '\0'))
			return 1;
		if (strncmp(t, "all", 3) == 0 && (t[3] == ',' || !t[3]))
			return 1;
		t = strchr(t, ',');
		if (t)
			t++;
	}
	return 0;
}

/*
 * SIGINT, SIGTERM and SIGHUP stop the run: the handler only notes the
 * signal, and the run stops at its next check (between build steps, between
 * slices of the event loop) and removes its temporary directory in normal
 * context. No SA_RESTART, so a blocking read returns. A signal ignored when
 * pfsim started (nohup, a background job) stays ignored.
 */
static void
on_signal(int sig)
{
	run_interrupted = sig;
}

static const int run_signals[RUN_NSIGNALS] = { SIGINT, SIGTERM, SIGHUP };

/* Catch run_signals, keeping what was there in saved. */
static void
catch_signals(struct sigaction *saved)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < RUN_NSIGNALS; i++) {
		saved[i].sa_handler = SIG_IGN;
		if (sigaction(run_signals[i], NULL, &saved[i]) != 0 ||
		    saved[i].sa_handler == SIG_IGN)
			continue;
		sigaction(run_signals[i], &sa, NULL);
	}
}

/* Put back what catch_signals found (run_main may be called again). */
static void
restore_signals(const struct sigaction *saved)
{
	int i;

	for (i = 0; i < RUN_NSIGNALS; i++)
		if (saved[i].sa_handler != SIG_IGN)
			sigaction(run_signals[i], &saved[i], NULL);
}

const char *
run_signal_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	return "a signal";
}

/* The signal that stopped the run, or 0 (run_interrupted). */
int
run_stopped(void)
{
	return run_interrupted;
}

static void
ts_sample(void *arg)
{
	struct run *r = arg;
	simtime_t now = sim_now(r->w);
	int i;

	csv_real(r->ts, (double)now / NS_PER_SEC);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->ts_row)
			pfsim_models[i]->ts_row(r, r->ts);
	fputc('\n', r->ts);
	if (now + r->interval <= r->duration)
		ev_schedule_bounded(r->w->q, &r->ts_ev, now + r->interval);
}

static void
progress(struct run *r, simtime_t now, int final)
{
	double wall;

	if (r->o->quiet || !r->tty)
		return;
	wall = wall_now() - r->wall0;
	if (!final && wall - r->wall_shown < 0.1)
		return;
	r->wall_shown = wall;
	fprintf(stderr, "\r%s: %.2f/%.2f s simulated (%3.0f%%), %.1f s wall, "
	    "%.2f sim-s/wall-s ", r->name, (double)now / NS_PER_SEC,
	    (double)r->duration / NS_PER_SEC, 100.0 * now / r->duration, wall,
	    wall > 0 ? (double)now / NS_PER_SEC / wall : 0);
	if (final)
		fputc('\n', stderr);
}

/* Between the backend's slices: the progress line, and whether a signal
 * stopped the run. */
static int
run_slice(void *arg)
{
	struct run *r = arg;

	progress(r, sim_now(r->w), 0);
	return run_interrupted != 0;
}

/* What sim.name accepts: letters, digits, _ - . and no leading dot. */
static int
plain_name(const char *nm)
{
	return strspn(nm, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
	    "XYZ0123456789_-.") == strlen(nm) && nm[0] != '.' && nm[0] != '\0';
}

/* The scenario file's name without .conf: 0, or -1 if too long. */
static int
scenario_name(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".conf") == 0)
		n -= 5;
	if (n >= len)
		return -1;
	snprintf(buf, len, "%.*s", (int)n, b);
	return 0;
}

int
run_main(const struct run_opts *o)
{
	struct run r;
	char err[4096], path[1600], parent[1024], base[1024];
	const struct section_type *const *types = run_section_types();
	int i, status = 1, said = 0;
	const char *phase = "while building the world";
	double wall;

	memset(&r, 0, sizeof(r));
	r.o = o;
	run_interrupted = 0;
	if (trace_check(o->trace, err, sizeof(err)) != 0)
		goto usage;
	if ((r.conf = conf_load(o->scenario, types, err, sizeof(err))) == NULL)
		goto usage;
	for (i = 0; i < o->nsets; i++)
		if (conf_set(r.conf, o->sets[i], err, sizeof(err)) != 0)
			goto usage;
	if (conf_finish(r.conf, err, sizeof(err)) != 0)
		goto usage;
	r.sim = conf_find(r.conf, "sim", NULL);
	if (run_backend_check(&r, err, sizeof(err)) != 0)
		goto usage;
	if (run_check_memory(&r, err, sizeof(err)) != 0)
		goto usage;
	r.duration = conf_int(r.sim, "duration");
	r.interval = conf_int(r.sim, "interval");
	if (strcmp(conf_str(r.sim, "clock"), "realtime") == 0 &&
	    run_rt_create(&r) != 0) {
		fprintf(stderr, "pfsim: %s\n", strerror(errno));
		goto out;
	}
	snprintf(r.capmode, sizeof(r.capmode), "%s",
	    o->capture ? o->capture : conf_str(r.sim, "capture"));
	if (strcmp(r.capmode, "all") && strcmp(r.capmode, "sync") &&
	    strcmp(r.capmode, "merged") && strcmp(r.capmode, "none")) {
		snprintf(err, sizeof(err), "--capture %s: expected all, sync, "
		    "merged or none", r.capmode);
		goto usage;
	}
	/* params.conf records what the command line decided. */
	if (o->capture) {
		snprintf(path, sizeof(path), "sim.capture=%s", r.capmode);
		if (conf_set(r.conf, path, err, sizeof(err)) != 0)
			goto usage;
	}
	if (*conf_str(r.sim, "name")) {
		const char *nm = conf_str(r.sim, "name");

		if (!plain_name(nm) || strlen(nm) >= sizeof(r.name)) {
			conf_key_error(err, sizeof(err), r.sim, "name",
			    "'%.200s': expected a plain name (letters, "
			    "digits, _ - .) of at most %zu characters, not a "
			    "path: use --out for another directory", nm,
			    sizeof(r.name) - 1);
			goto usage;
		}
		snprintf(r.name, sizeof(r.name), "%s", nm);
	} else {
		if (scenario_name(o->scenario, r.name, sizeof(r.name)) != 0) {
			snprintf(err, sizeof(err), "%s: the file name is longer "
			    "than %zu characters: set sim.name", o->scenario,
			    sizeof(r.name) - 1);
			goto usage;
		}
		/* ... and the name, which params.conf's own would change. */
		snprintf(path, sizeof(path), "sim.name=%s", r.name);
		if (plain_name(r.name) &&
		    conf_set(r.conf, path, err, sizeof(err)) != 0)
			goto usage;
	}
	if (o->outdir != NULL && *o->outdir == '\0') {
		snprintf(err, sizeof(err), "--out: an empty path");
		goto usage;
	}
	if (o->outdir != NULL && strlen(o->outdir) >= sizeof(r.outdir)) {
		snprintf(err, sizeof(err), "--out: the path is %zu characters "
		    "long; at most %zu are accepted", strlen(o->outdir),
		    sizeof(r.outdir) - 1);
		goto usage;
	}
	if (o->outdir)
		snprintf(r.outdir, sizeof(r.outdir), "%s", o->outdir);
	else
		snprintf(r.outdir, sizeof(r.outdir), "results/%s", r.name);
	while (strlen(r.outdir) > 1 && r.outdir[strlen(r.outdir) - 1] == '/')
		r.outdir[strlen(r.outdir) - 1] = '\0';
	/* Where it goes is settled once, here: parent and base name. */
	if (run_resolve_outdir(&r, err, sizeof(err)) != 0)
		goto usage;
	{
		const char *slash = strrchr(r.outdir, '/');

		snprintf(base, sizeof(base), "%s", slash ? slash + 1 :
		    r.outdir);
		if (slash == r.outdir)
			snprintf(parent, sizeof(parent), "/");
		else if (slash)
			snprintf(parent, sizeof(parent), "%.*s",
			    (int)(slash - r.outdir), r.outdir);
		else
			snprintf(parent, sizeof(parent), ".");
	}
	/* ".NAME.tmp.PID.old.PID" must be a name the system takes. */
	if (strlen(base) + 32 > NAME_MAX) {
		snprintf(err, sizeof(err), "pfsim: %s: the last name is %zu "
		    "characters long; at most %d are accepted", r.outdir,
		    strlen(base), NAME_MAX - 32);
		goto usage;
	}
	if (run_check_outdir(&r, err, sizeof(err)) != 0)
		goto usage;
	r.capbudget.limit = (uint64_t)conf_int(r.sim, "capture_limit");

	r.w = world_create((uint64_t)conf_int(r.sim, "seed"),
	    (size_t)conf_int(r.sim, "pkt_limit"),
	    (size_t)conf_int(r.sim, "ev_limit"));
	if (r.w == NULL) {
		fprintf(stderr, "pfsim: out of memory\n");
		goto out;
	}
	r.w->user = &r;
	r.w->variability = conf_bool(r.sim, "variability");
	if (r.ns3) {
		struct ns3_backend *x = ns3_create(r.w);

		if (x == NULL) {
			fprintf(stderr, "pfsim: ns-3: %s\n", strerror(errno));
			goto out;
		}
		sim_set_backend(r.w, &backend_ns3, x);
	}

	/*
	 * From here a signal stops the run, which removes its temporary
	 * directory: the handlers are in place before the directory is.
	 */
	catch_signals(r.sigsaved);
	r.caught = 1;
	/* The temporary results directory, beside the target (same file
	 * system, so the final rename is atomic): captures open in build.
	 * A fresh one: mkdir must create it, and its marker comes first. */
	if (run_mkdirs(parent) != 0) {
		fprintf(stderr, "pfsim: %s: %s\n", parent, strerror(errno));
		goto out;
	}
	run_clean_stale(parent, base);
	if (run_pathf(path, sizeof(path), "%s/.%s.tmp.%ld", parent, base,
	    (long)getpid()) != 0 || run_pathf(r.tmpdir, sizeof(r.tmpdir), "%s",
	    path) != 0) {
		fprintf(stderr, "pfsim: %s: %s\n", r.outdir, strerror(errno));
		goto out;
	}
	if (mkdir(r.tmpdir, 0755) != 0) {
		fprintf(stderr, "pfsim: %s: %s\n", r.tmpdir, strerror(errno));
		r.tmpdir[0] = '\0';	/* not ours */
		goto out;
	}
	if (run_marker_write(r.tmpdir, NULL) != 0) {
		fprintf(stderr, "pfsim: %s/%s: %s\n", r.tmpdir, RUN_MARKER,
		    strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/pcap", r.tmpdir);
	if (mkdir(path, 0755) != 0) {
		fprintf(stderr, "pfsim: %s: %s\n", path, strerror(errno));
		goto out;
	}

	if (run_interrupted)
		goto interrupted;
	if (run_build_nets(&r, err, sizeof(err)) != 0)
		goto usage;
	for (i = 0; i < conf_nsections(r.conf) && !run_interrupted; i++) {
		struct conf_section *s = conf_section_at(r.conf, i);
		const struct model_type *mt = run_model_for(conf_type(s));

		if (mt && mt->build(&r, s, err, sizeof(err)) != 0)
			goto usage;
	}
	for (i = 0; pfsim_models[i] && !run_interrupted; i++)
		if (pfsim_models[i]->link &&
		    pfsim_models[i]->link(&r, err, sizeof(err)) != 0)
			goto usage;
	if (run_interrupted)
		goto interrupted;

	snprintf(path, sizeof(path), "%s/timeseries.csv", r.tmpdir);
	if ((r.ts = fopen(path, "w")) == NULL) {
		fprintf(stderr, "pfsim: %s: %s\n", path, strerror(errno));
		goto out;
	}
	fprintf(r.ts, "time_s");
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->ts_header)
			pfsim_models[i]->ts_header(&r, r.ts);
	fputc('\n', r.ts);

	r.wall0 = wall_now();
	r.tty = isatty(2);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->start)
			pfsim_models[i]->start(&r);
	ev_init(&r.ts_ev, ts_sample, &r, NULL);
	sim_schedule_bounded(r.w, &r.ts_ev, r.interval);
	/* The backend runs the world (real time: the builtin's queue on the
	 * wall clock), asking run_slice between slices. */
	if (r.rt != NULL)
		run_rt_loop(&r, run_stopped);
	else if (sim_backend(r.w)->run(r.w, r.duration, run_slice, &r, err,
	    sizeof(err)) != 0)
		goto usage;
	sim_enter(r.w, NULL);
	if (run_interrupted) {
		fprintf(stderr, "\npfsim: interrupted; no results written (%s "
		    "at %.3f s simulated)\n", run_signal_name(run_interrupted),
		    (double)sim_now(r.w) / NS_PER_SEC);
		said = 1;
		goto out;
	}
	progress(&r, r.duration, 1);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->stop)
			pfsim_models[i]->stop(&r);
	snprintf(path, sizeof(path), "%s/timeseries.csv", r.tmpdir);
	if (run_fclose(r.ts) != 0) {
		r.ts = NULL;
		fprintf(stderr, "pfsim: writing %s: %s; no results written "
		    "to %s\n", path, strerror(errno), r.outdir);
		goto out;
	}
	r.ts = NULL;
	wall = wall_now() - r.wall0;
	phase = "while writing the results";
	if (run_finish_results(&r, wall, err, sizeof(err)) != 0) {
		if (run_interrupted)
			goto interrupted;
		fprintf(stderr, "%s; no results written to %s\n", err,
		    r.outdir);
		goto out;
	}
	r.tmpdir[0] = '\0';	/* it is the results directory now */
	/* --quiet: nothing on stdout (the results are in the directory). */
	if (o->quiet)
		status = 0;
	else if (o->json)
		status = run_write_summary(&r, NULL, wall, true) == 0 ? 0 : 1;
	else {
		run_print_human(&r, wall);
		status = 0;
	}
	/* --dump-states: the models' tables (on stderr with --json, so
	 * stdout stays one JSON document). */
	if (o->dump_states && !o->quiet)
		for (i = 0; pfsim_models[i]; i++)
			if (pfsim_models[i]->dump_text)
				pfsim_models[i]->dump_text(&r,
				    o->json ? stderr : stdout);
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pfsim: writing the summary to stdout: %s (the "
		    "results are in %s/)\n", strerror(errno != 0 ? errno : EIO),
		    r.outdir);
		status = 1;
	}
	goto out;
interrupted:
	fprintf(stderr, "\npfsim: interrupted; no results written (%s, "
	    "%s)\n", run_signal_name(run_interrupted), phase);
	said = 1;
	goto out;
usage:
	fprintf(stderr, "%s\n", err);
	status = 2;
out:
	if (run_interrupted && status != 0 && !said)
		fprintf(stderr, "pfsim: interrupted; no results written (%s)\n",
		    run_signal_name(run_interrupted));
	if (r.ts)
		fclose(r.ts);
	run_close_captures(&r, NULL, 0);
	if (r.tmpdir[0])
		run_rmtree(r.tmpdir);
	/* Forget pending events while they all still exist: models free
	 * theirs next, and the queue must not point into freed memory. */
	if (r.w)
		ev_queue_clear(r.w->q);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->destroy)
			pfsim_models[i]->destroy(&r);
	world_destroy(r.w);
	conf_free(r.conf);
	run_rt_destroy(&r);
	if (r.caught)
		restore_signals(r.sigsaved);
	return status;
}
