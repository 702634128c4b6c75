/* The run: build the world from a scenario, run it, write the results. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
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
#include "run.h"

#define RUN_MAXMODELS	16
#define RUN_MAXCAPS	256

static const struct param_spec sim_params[] = {
	{ "sim", "duration", PT_DURATION, 1, 86400LL * NS_PER_SEC, "10s", NULL,
	    "simulated time to run" },
	{ "sim", "seed", PT_INT, 0, INT64_MAX, "1", NULL,
	    "the only source of randomness" },
	{ "sim", "capture", PT_ENUM, 0, 0, "none", "all|sync|merged|none",
	    "pcaps: every interface, sync nets only, one merged file, none" },
	{ "sim", "interval", PT_DURATION, NS_PER_MS, 3600LL * NS_PER_SEC,
	    "100ms", NULL, "timeseries.csv sampling interval" },
	{ "sim", "name", PT_STRING, 0, 0, "", NULL,
	    "results directory name (default: the scenario file's name)" },
	{ "sim", "pkt_limit", PT_INT, 1024, 100000000, "1000000", NULL,
	    "packet buffers alive at once; exhaustion is counted" },
	{ "sim", "ev_limit", PT_INT, 1024, 1000000000, "10000000", NULL,
	    "pending events at once; exhaustion is counted" },
	{ "sim", "mem_limit", PT_SIZE, 1 << 20, INT64_MAX, "8GB", NULL,
	    "refuse scenarios whose estimated memory exceeds this" },
	{ "sim", "variability", PT_BOOL, 0, 0, "yes", NULL,
	    "run-to-run timing variation drawn from the seed (interrupt "
	    "phases, CPU cost spread, host stack latency, flow starts); no: "
	    "every source off, each model at its mean" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

static const struct param_spec net_params[] = {
	{ "net", "rate", PT_BITRATE, 0, INT64_MAX, "1Gbit", NULL,
	    "line rate of every port (0 = infinite)" },
	{ "net", "delay", PT_DURATION, 0, 10LL * NS_PER_SEC, "3us", NULL,
	    "one-way latency besides serialisation: switch lookup and fabric "
	    "plus cable (estimate for a 2009 gigabit switch, checked over "
	    "3-300us; results/README.md, \"Timing profile\")" },
	{ "net", "switch", PT_ENUM, 0, 0, "store_forward", "store_forward|none",
	    "store_forward: the switch receives the whole frame before it "
	    "sends it on (one more frame time per hop); none: a wire" },
	{ "net", "jitter", PT_DURATION, 0, 10LL * NS_PER_SEC, "0", NULL,
	    "uniform extra delay in [0, jitter); never reorders" },
	{ "net", "loss", PT_REAL, 0, 1, "0", NULL,
	    "random loss probability per frame" },
	{ "net", "qlimit", PT_INT, 1, 1000000, "1000", NULL,
	    "transmit queue per port, in packets (drop-tail)" },
	{ "net", "mtu", PT_INT, 68, 2028, "1500", NULL, "IP MTU" },
	{ "net", "loss_burst", PT_REAL, 1, 1000000, "1", NULL,
	    "mean loss burst in frames (Gilbert-Elliott; 1 = independent)" },
	{ "net", "down", PT_LIST, 0, 0, "", NULL,
	    "partitions: FROM-TO windows, e.g. '2s-4s 6s-6.5s' (up to 8)" },
	{ "net", "dup", PT_REAL, 0, 1, "0", NULL,
	    "probability a frame is delivered twice" },
	{ "net", "reorder", PT_REAL, 0, 1, "0", NULL,
	    "probability a frame is held back so later ones overtake it" },
	{ "net", "reorder_delay", PT_DURATION, 0, 10LL * NS_PER_SEC, "1ms",
	    NULL, "how long a reordered frame is held back" },
	{ "net", "corrupt", PT_REAL, 0, 1, "0", NULL,
	    "probability one bit of a frame is flipped (past the IP header)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

const struct section_type sim_section = { "sim", false, false, sim_params };
const struct section_type net_section = { "net", true, true, net_params };

struct run {
	const struct run_opts	*o;
	struct conf		*conf;
	struct world		*w;
	struct conf_section	*sim;
	char			 name[128];
	char			 outdir[1024];
	char			 tmpdir[1400];
	char			 capmode[16];
	struct capture		*merged;
	struct capture		*caps[RUN_MAXCAPS];
	int			 ncaps;
	void			*mdata[RUN_MAXMODELS];
	simtime_t		 duration, interval;
	FILE			*ts;
	struct ev		 ts_ev;
	double			 wall0;
};

static volatile sig_atomic_t run_interrupted;

const char run_version[] = PFSIM_VERSION;
const char run_backend[] = "builtin";

/* The names models ask run_trace() about ("pf": pf's BAD state lines,
 * "power": a firewall's crashes and reboots), and "all". */
const char *const run_traces[] = { "all", "pf", "power", NULL };

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

int
run_dump_states(struct run *r)
{
	return r->o->dump_states;
}

static int
trace_known(const char *name, size_t n)
{
	int i;

	for (i = 0; run_traces[i]; i++)
		if (strlen(run_traces[i]) == n &&
		    strncmp(run_traces[i], name, n) == 0)
			return 1;
	return 0;
}

/* --trace NAME,...: 0, or -1 with err naming the known names. */
static int
trace_check(const char *t, char *err, size_t errlen)
{
	const char *e;
	size_t n, len;
	int i;

	for (; t != NULL; t = *e ? e + 1 : NULL) {
		e = t + strcspn(t, ",");
		n = (size_t)(e - t);
		if (trace_known(t, n))
			continue;
		len = (size_t)snprintf(err, errlen, "--trace %.*s: unknown "
		    "name; known: ", (int)n, t);
		for (i = 0; run_traces[i] && len < errlen; i++)
			len += (size_t)snprintf(err + len, errlen - len, "%s%s",
			    i ? ", " : "", run_traces[i]);
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
		/* --trace could not turn it on: add it to run_traces[]. */
		fprintf(stderr, "pfsim: internal error: trace '%s' is not in "
		    "run_traces[]\n", what);
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

void
run_log(struct run *r, const char *fmt, ...)
{
	va_list ap;
	simtime_t now = world_now(r->w);

	fprintf(stderr, "%4" PRId64 ".%09" PRId64 " ",
	    (int64_t)(now / NS_PER_SEC), (int64_t)(now % NS_PER_SEC));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
run_capture_iface(struct run *r, struct iface *ifp, int is_sync)
{
	char path[1600], err[256];

	if (strcmp(r->capmode, "none") == 0 ||
	    (strcmp(r->capmode, "sync") == 0 && !is_sync))
		return 0;
	if (strcmp(r->capmode, "merged") == 0) {
		char name[64];

		if (r->merged == NULL) {
			snprintf(path, sizeof(path), "%s/pcap/merged.pcapng",
			    r->tmpdir);
			if ((r->merged = capture_open_merged(path, err,
			    sizeof(err))) == NULL) {
				fprintf(stderr, "pfsim: %s\n", err);
				return -1;
			}
			ifp->cap = r->merged;	/* the first reference */
		} else
			ifp->cap = capture_ref(r->merged);
		snprintf(name, sizeof(name), "%s-%s", ifp->node->name,
		    ifp->name);
		ifp->cap_if = capture_add_iface(r->merged, name);
	} else {
		snprintf(path, sizeof(path), "%s/pcap/%s-%s.pcap", r->tmpdir,
		    ifp->node->name, ifp->name);
		if ((ifp->cap = capture_open(path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "pfsim: %s\n", err);
			return -1;
		}
	}
	if (r->ncaps == RUN_MAXCAPS) {
		capture_close(ifp->cap);
		ifp->cap = NULL;
		return -1;
	}
	r->caps[r->ncaps++] = ifp->cap;
	return 0;
}

/* rm -r for our own temporary directory (two levels: pcap/). */
static void
rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[1600];
	struct stat st;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rmtree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int
mkdirs(const char *path)
{
	char buf[1100], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * The results directory is replaced whole at the end, so refuse to
 * replace anything that is not an earlier run's results (a summary.json
 * in it) or empty: a mistyped --out must never delete a directory.
 */
static int
check_outdir(struct run *r, char *err, size_t errlen)
{
	struct stat st;
	char p[1600];
	DIR *d;
	struct dirent *de;
	int empty = 1;

	if (stat(r->outdir, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "pfsim: %s exists and is not a "
		    "directory: not replacing it", r->outdir);
		return -1;
	}
	snprintf(p, sizeof(p), "%s/summary.json", r->outdir);
	if (stat(p, &st) == 0)
		return 0;
	if ((d = opendir(r->outdir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = 0;
		closedir(d);
	}
	if (empty)
		return 0;
	snprintf(err, errlen, "pfsim: %s is not empty and holds no "
	    "summary.json: not a pfsim results directory, not replacing it "
	    "(choose another --out or sim.name)", r->outdir);
	return -1;
}

/* Leftovers of runs that were killed: ".NAME.tmp.PID" with PID gone. */
static void
clean_stale(const char *outdir)
{
	char parent[1024], base[256], pfx[300];
	const char *slash = strrchr(outdir, '/');
	DIR *d;
	struct dirent *de;

	if (slash) {
		snprintf(parent, sizeof(parent), "%.*s",
		    slash == outdir ? 1 : (int)(slash - outdir), outdir);
		snprintf(base, sizeof(base), "%s", slash + 1);
	} else {
		snprintf(parent, sizeof(parent), ".");
		snprintf(base, sizeof(base), "%s", outdir);
	}
	snprintf(pfx, sizeof(pfx), ".%s.tmp.", base);
	if ((d = opendir(parent)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char p[1600];
		long pid;

		if (strncmp(de->d_name, pfx, strlen(pfx)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(pfx), NULL, 10);
		if (pid > 0 && kill((pid_t)pid, 0) == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", parent, de->d_name);
		rmtree(p);
	}
	closedir(d);
}

static void
on_signal(int sig)
{
	(void)sig;
	run_interrupted = 1;
}

static void
ts_sample(void *arg)
{
	struct run *r = arg;
	simtime_t now = world_now(r->w);
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
	double wall = wall_now() - r->wall0;

	if (r->o->quiet || !isatty(2))
		return;
	fprintf(stderr, "\r%s: %.2f/%.2f s simulated (%3.0f%%), %.1f s wall, "
	    "%.2f sim-s/wall-s ", r->name, (double)now / NS_PER_SEC,
	    (double)r->duration / NS_PER_SEC, 100.0 * now / r->duration, wall,
	    wall > 0 ? (double)now / NS_PER_SEC / wall : 0);
	if (final)
		fputc('\n', stderr);
}

/* What firewalls put on the wire: forwarded data vs pfsync. */
static void
totals(struct run *r, uint64_t *dp, uint64_t *db, uint64_t *sp, uint64_t *sb)
{
	int i, k;

	*dp = *db = *sp = *sb = 0;
	for (i = 0; i < r->w->nnodes; i++) {
		struct node *n = r->w->nodes[i];

		if (n->kind != NODE_FIREWALL)
			continue;
		for (k = 0; k < n->nifs; k++) {
			struct seg_stats *st = &n->ifs[k]->port->st;

			*sp += st->tx_sync_frames;
			*sb += st->tx_sync_bytes;
			*dp += st->tx_frames - st->tx_sync_frames;
			*db += st->tx_bytes - st->tx_sync_bytes;
		}
	}
}

static void
print_totals(struct run *r)
{
	uint64_t dp, db, sp, sb;

	totals(r, &dp, &db, &sp, &sb);
	if (dp + sp == 0)
		return;
	printf("totals: firewalls forwarded %" PRIu64 " packets (%" PRIu64
	    " bytes), sent %" PRIu64 " pfsync packets (%" PRIu64 " bytes): "
	    "sync/data %.3f packets, %.3f bytes\n", dp, db, sp, sb,
	    dp ? (double)sp / dp : 0, db ? (double)sb / db : 0);
}

static void
write_totals(struct run *r, struct json *j)
{
	uint64_t dp, db, sp, sb;

	totals(r, &dp, &db, &sp, &sb);
	json_obj_begin(j, "totals");
	json_uint(j, "data_packets", dp);
	json_uint(j, "data_bytes", db);
	json_uint(j, "sync_packets", sp);
	json_uint(j, "sync_bytes", sb);
	json_real(j, "sync_packet_ratio", dp ? (double)sp / dp : 0);
	json_real(j, "sync_byte_ratio", db ? (double)sb / db : 0);
	json_obj_end(j);
}

static void
write_nets(struct run *r, struct json *j)
{
	int i;

	json_arr_begin(j, "nets");
	for (i = 0; i < r->w->nsegs; i++) {
		struct segment *s = r->w->segs[i];

		json_obj_begin(j, NULL);
		json_str(j, "name", s->name);
		json_uint(j, "tx_frames", s->st.tx_frames);
		json_uint(j, "tx_bytes", s->st.tx_bytes);
		json_uint(j, "rx_frames", s->st.rx_frames);
		json_obj_begin(j, "drops");
		json_uint(j, "queue", s->st.drop_queue);
		json_uint(j, "loss", s->st.drop_loss);
		json_uint(j, "nodest", s->st.drop_nodest);
		json_uint(j, "down", s->st.drop_down);
		json_uint(j, "toolong", s->st.drop_toolong);
		json_obj_end(j);
		json_obj_begin(j, "faults");
		json_uint(j, "dup", s->st.fault_dup);
		json_uint(j, "reorder", s->st.fault_reorder);
		json_uint(j, "corrupt", s->st.fault_corrupt);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static int
write_summary(struct run *r, const char *path, double wall, bool tostdout)
{
	FILE *f = tostdout ? stdout : fopen(path, "w");
	struct json *j;
	int i, rv;

	if (f == NULL)
		return -1;
	j = json_create(f);
	json_obj_begin(j, NULL);
	json_str(j, "scenario", r->name);
	json_str(j, "version", run_version);
	json_str(j, "backend", run_backend);
	json_str_arr(j, "command", (const char *const *)r->o->argv,
	    r->o->argv != NULL ? r->o->argc : 0);
	json_uint(j, "seed", r->w->seed);
	json_real(j, "sim_seconds", (double)world_now(r->w) / NS_PER_SEC);
	json_real(j, "wall_seconds", wall);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->report_json)
			pfsim_models[i]->report_json(r, j);
	write_nets(r, j);
	json_obj_begin(j, "engine");
	json_uint(j, "events", ev_scheduled_total(r->w->q));
	json_uint(j, "event_limit_drops", ev_limit_drops(r->w->q));
	json_uint(j, "pkt_peak", pkt_pool_peak(r->w->pool));
	json_uint(j, "pkt_alloc_failures", pkt_pool_failures(r->w->pool));
	json_obj_end(j);
	write_totals(r, j);
	json_obj_end(j);
	rv = json_destroy(j);
	if (!tostdout && fclose(f) != 0)
		rv = -1;
	return rv;
}

/* --dump-states: the firewalls' state tables (states-NODE.txt, written
 * by the firewall model) after the summary (on stderr with --json, so
 * stdout stays one JSON document). */
static void
dump_states(const char *dir, FILE *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char names[64][256], p[1600], buf[4096];
	int n = 0, i, k;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < 64)
		if (strncmp(de->d_name, "states-", 7) == 0)
			snprintf(names[n++], sizeof(names[0]), "%s", de->d_name);
	closedir(d);
	/* readdir order is not stable: sort by name. */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			char t[256];

			memcpy(t, names[k], sizeof(t));
			memcpy(names[k], names[k - 1], sizeof(t));
			memcpy(names[k - 1], t, sizeof(t));
		}
	for (i = 0; i < n; i++) {
		FILE *f;
		size_t got;

		snprintf(p, sizeof(p), "%.1000s/%.255s", dir, names[i]);
		if ((f = fopen(p, "r")) == NULL)
			continue;
		fprintf(out, "\n== %s\n", names[i]);
		while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, got, out);
		fclose(f);
	}
}

static void	print_totals(struct run *);

/* One word of a command line as sh reads it back. */
static void
shell_word(FILE *f, const char *w)
{
	if (*w != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
	    "NOPQRSTUVWXYZ0123456789_-+=,./:@%") == strlen(w)) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (; *w; w++) {
		if (*w == '\'')
			fputs("'\\''", f);
		else if (*w == '\n')
			fputc(' ', f);	/* one line, in a comment too */
		else
			fputc(*w, f);
	}
	fputc('\'', f);
}

/* "pfsim VERSION, backend builtin: COMMAND LINE" */
static void
print_provenance(struct run *r, FILE *f, const char *pfx)
{
	int i;

	fprintf(f, "%spfsim %s, backend %s", pfx, run_version, run_backend);
	if (r->o->argv != NULL && r->o->argc > 0) {
		fputs(":", f);
		for (i = 0; i < r->o->argc; i++) {
			fputc(' ', f);
			shell_word(f, r->o->argv[i]);
		}
	}
	fputc('\n', f);
}

static void
print_human(struct run *r, double wall)
{
	int i;

	printf("pfsim: %s, seed %" PRIu64 ", %.3f s simulated in %.2f s\n",
	    r->name, r->w->seed, (double)world_now(r->w) / NS_PER_SEC, wall);
	print_provenance(r, stdout, "");
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->report_text)
			pfsim_models[i]->report_text(r, stdout);
	print_totals(r);
	if (ev_limit_drops(r->w->q) > 0)
		printf("warning: sim.ev_limit reached: %" PRIu64 " events "
		    "could not be scheduled (engine.event_limit_drops)\n",
		    ev_limit_drops(r->w->q));
	if (pkt_pool_failures(r->w->pool) > 0)
		printf("warning: sim.pkt_limit reached: %" PRIu64 " packets "
		    "could not be allocated (engine.pkt_alloc_failures)\n",
		    pkt_pool_failures(r->w->pool));
	printf("results: %s/\n", r->outdir);
}

static const struct section_type **
all_types(void)
{
	static const struct section_type *types[5 * RUN_MAXMODELS + 3];
	int i, k, n = 0;

	types[n++] = &sim_section;
	types[n++] = &net_section;
	for (i = 0; i < RUN_MAXMODELS && pfsim_models[i]; i++) {
		types[n++] = pfsim_models[i]->st;
		for (k = 0; k < 4 && pfsim_models[i]->more[k]; k++)
			types[n++] = pfsim_models[i]->more[k];
	}
	types[n] = NULL;
	return types;
}

const struct section_type *const *
run_section_types(void)
{
	return all_types();
}

static const struct model_type *
model_for(const char *type)
{
	int i;

	for (i = 0; pfsim_models[i]; i++)
		if (strcmp(pfsim_models[i]->st->type, type) == 0)
			return pfsim_models[i];
	return NULL;
}

static int
build_nets(struct run *r, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < conf_nsections(r->conf); i++) {
		struct conf_section *s = conf_section_at(r->conf, i);
		struct seg_params sp;
		struct segment *seg;
		int k;

		if (strcmp(conf_type(s), "net") != 0)
			continue;
		memset(&sp, 0, sizeof(sp));
		sp.rate_bps = (uint64_t)conf_int(s, "rate");
		sp.delay_ns = conf_int(s, "delay");
		sp.jitter_ns = conf_int(s, "jitter");
		sp.store_forward = strcmp(conf_str(s, "switch"),
		    "store_forward") == 0;
		sp.loss = conf_real(s, "loss");
		sp.qlimit = (uint32_t)conf_int(s, "qlimit");
		sp.mtu = (uint32_t)conf_int(s, "mtu");
		sp.loss_burst = conf_real(s, "loss_burst");
		sp.dup = conf_real(s, "dup");
		sp.reorder = conf_real(s, "reorder");
		sp.reorder_ns = conf_int(s, "reorder_delay");
		sp.corrupt = conf_real(s, "corrupt");
		/* Flips spare Ethernet and IP headers: the frame still
		 * reaches its protocol, which must cope. */
		sp.corrupt_off = 14 + 20;
		if (sp.loss_burst > 1 &&
		    sp.loss > sp.loss_burst / (1 + sp.loss_burst)) {
			snprintf(err, errlen, "%s:%d: net.%s.loss: at most "
			    "loss_burst/(1+loss_burst) = %.3f with bursts of "
			    "%.3g frames", conf_path(r->conf),
			    conf_line(s, "loss"), conf_name(s),
			    sp.loss_burst / (1 + sp.loss_burst), sp.loss_burst);
			return -1;
		}
		if ((seg = segment_create(r->w, conf_name(s), &sp)) == NULL) {
			snprintf(err, errlen, "%s:%d: net.%s: too many nets",
			    conf_path(r->conf), conf_line(s, NULL),
			    conf_name(s));
			return -1;
		}
		for (k = 0; k < conf_list_len(s, "down"); k++) {
			char w[64], *dash;
			int64_t a, b;
			double ra, rb;

			conf_list_at(s, "down", k, w, sizeof(w));
			dash = strchr(w, '-');
			if (dash)
				*dash++ = '\0';
			if (dash == NULL ||
			    param_parse(PT_DURATION, w, &a, &ra) != 0 ||
			    param_parse(PT_DURATION, dash, &b, &rb) != 0 ||
			    segment_add_down(seg, a, b) != 0) {
				snprintf(err, errlen, "%s:%d: net.%s.down: "
				    "expected increasing FROM-TO windows like "
				    "2s-4s (at most 8)", conf_path(r->conf),
				    conf_line(s, "down"), conf_name(s));
				return -1;
			}
		}
	}
	return 0;
}

/*
 * sim.mem_limit: refuse a scenario that may need more memory than that.
 * The estimate is an upper bound from the configured limits: every
 * packet buffer (sim.pkt_limit), the event heap at sim.ev_limit (16-byte
 * entries, grown by doubling), and what each model says its sections can
 * take (a firewall's full state table, ...).
 */
static int
check_memory(struct run *r, char *err, size_t errlen)
{
	uint64_t pkts, evs, models = 0, est;
	uint64_t limit = (uint64_t)conf_int(r->sim, "mem_limit");
	const struct model_type *mt;
	int i;

	pkts = (uint64_t)conf_int(r->sim, "pkt_limit") * sizeof(struct pkt);
	evs = (uint64_t)conf_int(r->sim, "ev_limit") * 16 * 2;
	for (i = 0; i < conf_nsections(r->conf); i++) {
		struct conf_section *s = conf_section_at(r->conf, i);

		if ((mt = model_for(conf_type(s))) != NULL &&
		    mt->mem_estimate != NULL)
			models += mt->mem_estimate(s);
	}
	est = pkts + evs + models;
	if (est <= limit)
		return 0;
	snprintf(err, errlen, "%s:%d: sim.mem_limit: the scenario may need "
	    "%.1f MB (packets %.1f MB at sim.pkt_limit, events %.1f MB at "
	    "sim.ev_limit, models %.1f MB, e.g. state tables at pf.states), "
	    "more than the limit of %.1f MB; lower those limits or raise "
	    "sim.mem_limit", conf_path(r->conf), conf_line(r->sim,
	    "mem_limit"), est / 1048576.0, pkts / 1048576.0, evs / 1048576.0,
	    models / 1048576.0, limit / 1048576.0);
	return -1;
}

/* What sim.name accepts: letters, digits, _ - . and no leading dot. */
static int
plain_name(const char *nm)
{
	return strspn(nm, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
	    "XYZ0123456789_-.") == strlen(nm) && nm[0] != '.' && nm[0] != '\0';
}

static void
scenario_name(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".conf") == 0)
		n -= 5;
	snprintf(buf, len, "%.*s", (int)n, b);
}

/*
 * Close every capture and detach it from its interfaces: frames sent
 * while the models are torn down (held packets that OpenBSD transmits on
 * destroy, say) are no longer recorded.
 */
static int
close_captures(struct run *r)
{
	int i, k, rv = 0;

	if (r->w != NULL)
		for (i = 0; i < r->w->nnodes; i++)
			for (k = 0; k < r->w->nodes[i]->nifs; k++)
				r->w->nodes[i]->ifs[k]->cap = NULL;
	for (i = 0; i < r->ncaps; i++)
		if (capture_close(r->caps[i]) != 0)
			rv = -1;
	r->ncaps = 0;
	return rv;
}

static int
finish_results(struct run *r, double wall)
{
	char path[1600], old[1600];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/params.conf", r->tmpdir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "# params.conf: every parameter of the run %s (%s),\n"
	    "# resolved. `./sim params.conf` runs it again with the same "
	    "results\n# (summary.json: all but wall_seconds and command). "
	    "A key left at its\n# default is a comment, and stays unset "
	    "(a firewall's hw profile may\n# replace the default).\n"
	    "# pfsim %s, backend %s\n\n", r->name, conf_path(r->conf),
	    run_version, run_backend);
	if (conf_write_resolved(r->conf, f) != 0) {
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/summary.json", r->tmpdir);
	if (write_summary(r, path, wall, false) != 0)
		return -1;
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->report_files &&
		    pfsim_models[i]->report_files(r, r->tmpdir) != 0)
			return -1;
	if (close_captures(r) != 0)
		return -1;
	/* Replace an old results directory only by a complete new one. */
	snprintf(old, sizeof(old), "%s.old.%ld", r->tmpdir, (long)getpid());
	if (rename(r->outdir, old) != 0 && errno != ENOENT)
		return -1;
	if (rename(r->tmpdir, r->outdir) != 0) {
		rename(old, r->outdir);
		return -1;
	}
	rmtree(old);
	return 0;
}

int
run_main(const struct run_opts *o)
{
	struct run r;
	char err[1024], path[1600];
	const struct section_type **types = all_types();
	int i, status = 1;
	double wall;
	simtime_t chunk, t;

	memset(&r, 0, sizeof(r));
	r.o = o;
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
	if (check_memory(&r, err, sizeof(err)) != 0)
		goto usage;
	r.duration = conf_int(r.sim, "duration");
	r.interval = conf_int(r.sim, "interval");
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

		if (!plain_name(nm)) {
			snprintf(err, sizeof(err), "%s:%d: sim.name: '%s': "
			    "expected a plain name (letters, digits, _ - .), "
			    "not a path: use --out for another directory",
			    conf_path(r.conf), conf_line(r.sim, "name"), nm);
			goto usage;
		}
		snprintf(r.name, sizeof(r.name), "%s", nm);
	} else {
		scenario_name(o->scenario, r.name, sizeof(r.name));
		/* ... and the name, which params.conf's own would change. */
		snprintf(path, sizeof(path), "sim.name=%s", r.name);
		if (plain_name(r.name) &&
		    conf_set(r.conf, path, err, sizeof(err)) != 0)
			goto usage;
	}
	if (o->outdir)
		snprintf(r.outdir, sizeof(r.outdir), "%s", o->outdir);
	else
		snprintf(r.outdir, sizeof(r.outdir), "results/%s", r.name);
	while (strlen(r.outdir) > 1 && r.outdir[strlen(r.outdir) - 1] == '/')
		r.outdir[strlen(r.outdir) - 1] = '\0';

	r.w = world_create((uint64_t)conf_int(r.sim, "seed"),
	    (size_t)conf_int(r.sim, "pkt_limit"),
	    (size_t)conf_int(r.sim, "ev_limit"));
	if (r.w == NULL) {
		fprintf(stderr, "pfsim: out of memory\n");
		goto out;
	}
	r.w->user = &r;
	r.w->variability = conf_bool(r.sim, "variability");

	/* The temporary results directory, beside the target (same file
	 * system, so the final rename is atomic): captures open in build. */
	{
		const char *slash = strrchr(r.outdir, '/');
		const char *base = slash ? slash + 1 : r.outdir;

		if (slash == r.outdir)
			snprintf(path, sizeof(path), "/");
		else if (slash)
			snprintf(path, sizeof(path), "%.*s",
			    (int)(slash - r.outdir), r.outdir);
		else
			snprintf(path, sizeof(path), ".");
		if (mkdirs(path) != 0) {
			fprintf(stderr, "pfsim: %s: %s\n", path,
			    strerror(errno));
			goto out;
		}
		snprintf(r.tmpdir, sizeof(r.tmpdir), "%.900s/.%.200s.tmp.%ld",
		    path, base, (long)getpid());
	}
	if (check_outdir(&r, err, sizeof(err)) != 0)
		goto usage;
	clean_stale(r.outdir);
	rmtree(r.tmpdir);
	snprintf(path, sizeof(path), "%s/pcap", r.tmpdir);
	if (mkdirs(path) != 0) {
		fprintf(stderr, "pfsim: %s: %s\n", path, strerror(errno));
		goto out;
	}

	if (build_nets(&r, err, sizeof(err)) != 0)
		goto usage;
	for (i = 0; i < conf_nsections(r.conf); i++) {
		struct conf_section *s = conf_section_at(r.conf, i);
		const struct model_type *mt = model_for(conf_type(s));

		if (mt && mt->build(&r, s, err, sizeof(err)) != 0)
			goto usage;
	}
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->link &&
		    pfsim_models[i]->link(&r, err, sizeof(err)) != 0)
			goto usage;

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

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	r.wall0 = wall_now();
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->start)
			pfsim_models[i]->start(&r);
	ev_init(&r.ts_ev, ts_sample, &r, NULL);
	ev_schedule_bounded(r.w->q, &r.ts_ev, r.interval);
	chunk = r.duration / 200 > 0 ? r.duration / 200 : 1;
	for (t = 0; t < r.duration && !run_interrupted;) {
		t = t + chunk < r.duration ? t + chunk : r.duration;
		ev_run(r.w->q, t);
		progress(&r, t, 0);
	}
	world_enter(r.w, NULL);
	if (run_interrupted) {
		fprintf(stderr, "\npfsim: interrupted; no results written\n");
		goto out;
	}
	progress(&r, r.duration, 1);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->stop)
			pfsim_models[i]->stop(&r);
	if (fclose(r.ts) != 0) {
		r.ts = NULL;
		fprintf(stderr, "pfsim: writing timeseries.csv failed\n");
		goto out;
	}
	r.ts = NULL;
	wall = wall_now() - r.wall0;
	if (finish_results(&r, wall) != 0) {
		fprintf(stderr, "pfsim: writing results to %s failed: %s\n",
		    r.outdir, strerror(errno));
		goto out;
	}
	/* --quiet: nothing on stdout (the results are in the directory). */
	if (o->quiet)
		status = 0;
	else if (o->json)
		status = write_summary(&r, NULL, wall, true) == 0 ? 0 : 1;
	else {
		print_human(&r, wall);
		status = 0;
	}
	if (o->dump_states && !o->quiet)
		dump_states(r.outdir, o->json ? stderr : stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pfsim: writing the summary to stdout failed\n");
		status = 1;
	}
	goto out;
usage:
	fprintf(stderr, "%s\n", err);
	status = 2;
out:
	if (r.ts)
		fclose(r.ts);
	close_captures(&r);
	if (r.tmpdir[0])
		rmtree(r.tmpdir);
	/* Forget pending events while they all still exist: models free
	 * theirs next, and the queue must not point into freed memory. */
	if (r.w)
		ev_queue_clear(r.w->q);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->destroy)
			pfsim_models[i]->destroy(&r);
	world_destroy(r.w);
	conf_free(r.conf);
	return status;
}
