/* The run: build the world from a scenario, run it, write the results. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "run.h"

#define RUN_MAXMODELS	16
#define RUN_MAXCAPS	256
#define RUN_NSIGNALS	3	/* SIGINT, SIGTERM, SIGHUP */

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
	{ "sim", "capture_limit", PT_SIZE, 64 << 10, INT64_MAX, "512MB", NULL,
	    "disk budget of a run's pcaps in total: past it capturing stops, "
	    "with a warning in the summary (engine.capture_truncated)" },
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
};

static volatile sig_atomic_t run_interrupted;	/* the signal */

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

static int	pathf(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

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
			capture_set_budget(r->merged, &r->capbudget);
			ifp->cap = r->merged;	/* the first reference */
		} else
			ifp->cap = capture_ref(r->merged);
		snprintf(name, sizeof(name), "%s-%s", ifp->node->name,
		    ifp->name);
		ifp->cap_if = capture_add_iface(r->merged, name);
	} else {
		if (pathf(path, sizeof(path), "%s/pcap/%s-%s.pcap", r->tmpdir,
		    ifp->node->name, ifp->name) != 0) {
			fprintf(stderr, "pfsim: %s/pcap/%s-%s.pcap: %s\n",
			    r->tmpdir, ifp->node->name, ifp->name,
			    strerror(errno));
			return -1;
		}
		if ((ifp->cap = capture_open(path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "pfsim: %s\n", err);
			return -1;
		}
		capture_set_budget(ifp->cap, &r->capbudget);
	}
	if (r->ncaps == RUN_MAXCAPS) {
		fprintf(stderr, "pfsim: more than %d captures: use --capture "
		    "merged or sync\n", RUN_MAXCAPS);
		capture_close(ifp->cap);
		ifp->cap = NULL;
		return -1;
	}
	r->caps[r->ncaps++] = ifp->cap;
	return 0;
}

/*
 * The results directory. A run writes into ".NAME.tmp.PID" beside NAME
 * and renames it into place when complete; the old NAME goes aside as
 * ".NAME.tmp.PID.old.PID" for the moment of the swap. Every directory pfsim
 * makes holds RUN_MARKER: "pfsim VERSION" on its first line and, once the
 * run is complete, the name of every file and directory it wrote. Nothing
 * here follows a symbolic link: directories are opened O_NOFOLLOW and
 * entries examined with lstat semantics.
 */
#define RUN_MARKER	".pfsim-results"
#define RUN_MARKER_TAG	"pfsim "
#define RUN_MAXDEPTH	8		/* pcap/ is the only level used */
#define RUN_MAXENTRIES	100000

/* snprintf that refuses to cut: 0, or -1 with errno ENAMETOOLONG. */
static int
pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* rm -r of name under dirfd, never through a link: a link is unlinked. */
static int
rmtree_at(int dirfd, const char *name, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (depth > RUN_MAXDEPTH)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			rmtree_at(fd, de->d_name, depth + 1);
		else
			unlinkat(fd, de->d_name, 0);
	}
	closedir(d);
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* rm -r for the directories pfsim made (its temporary one, the old). */
static int
rmtree(const char *dir)
{
	return rmtree_at(AT_FDCWD, dir, 0);
}

static int
mkdirs(const char *path)
{
	char buf[1100], *p;

	if (pathf(buf, sizeof(buf), "%s", path) != 0)
		return -1;
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

/* A list of relative names: "summary.json", "pcap/", "pcap/x.pcap". */
struct names {
	char	**v;
	size_t	  n, cap;
};

static int
names_add(struct names *nm, const char *pfx, const char *name,
    const char *sfx)
{
	size_t len = strlen(pfx) + strlen(name) + strlen(sfx) + 1;

	if (nm->n == RUN_MAXENTRIES) {
		errno = 0;	/* "too many files" */
		return -1;
	}
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? 2 * nm->cap : 64;
		char **v = realloc(nm->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		nm->v = v;
		nm->cap = cap;
	}
	if ((nm->v[nm->n] = malloc(len)) == NULL)
		return -1;
	snprintf(nm->v[nm->n++], len, "%s%s%s", pfx, name, sfx);
	return 0;
}

static void
names_free(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
names_sort(struct names *nm)
{
	if (nm->n > 1)
		qsort(nm->v, nm->n, sizeof(*nm->v), names_cmp);
}

static int
names_has(const struct names *nm, const char *name)
{
	return nm->n > 0 && bsearch(&name, nm->v, nm->n, sizeof(*nm->v),
	    names_cmp) != NULL;
}

/*
 * Everything under the directory fd (consumed), by relative name:
 * directories end in '/', regular files do not, and anything else (a
 * link, a FIFO, ...) goes to odd, for pfsim writes none. RUN_MARKER at
 * the top is left out. 0, or -1 with errno set.
 */
static int
walk(int fd, const char *pfx, int depth, struct names *nm, struct names *odd)
{
	struct dirent *de;
	struct stat st;
	char sub[1100];
	DIR *d;
	int rv = 0, sfd;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while (rv == 0 && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (depth == 0 && !strcmp(de->d_name, RUN_MARKER))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			rv = -1;
		else if (S_ISREG(st.st_mode))
			rv = names_add(nm, pfx, de->d_name, "");
		else if (!S_ISDIR(st.st_mode) || depth == RUN_MAXDEPTH)
			rv = names_add(odd, pfx, de->d_name, "");
		else if ((rv = names_add(nm, pfx, de->d_name, "/")) == 0 &&
		    (rv = pathf(sub, sizeof(sub), "%s%s/", pfx,
		    de->d_name)) == 0) {
			sfd = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			rv = sfd < 0 ? -1 : walk(sfd, sub, depth + 1, nm, odd);
		}
	}
	closedir(d);
	return rv;
}

static int
walk_dir(const char *dir, struct names *nm, struct names *odd)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || walk(fd, "", 0, nm, odd) != 0)
		return -1;
	names_sort(nm);
	names_sort(odd);
	return 0;
}

/*
 * Reads RUN_MARKER in the directory dirfd: 1 and its list in nm (if nm
 * is not NULL) if it is pfsim's, 0 if there is none or it is not.
 */
static int
marker_read(int dirfd, struct names *nm)
{
	char line[1100];
	FILE *f;
	int fd, ok;

	fd = openat(dirfd, RUN_MARKER, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return 0;
	}
	ok = fgets(line, sizeof(line), f) != NULL &&
	    strncmp(line, RUN_MARKER_TAG, strlen(RUN_MARKER_TAG)) == 0;
	while (ok && nm != NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0' && line[0] != '#' &&
		    names_add(nm, "", line, "") != 0)
			ok = 0;
	}
	fclose(f);
	if (nm != NULL)
		names_sort(nm);
	return ok;
}

/*
 * RUN_MARKER in dir: the version, and with nm the files of a complete
 * run. 0, or -1 with errno set.
 */
static int
marker_write(const char *dir, const struct names *nm)
{
	char path[1200];
	FILE *f;
	size_t i;
	int rv = 0;

	if (pathf(path, sizeof(path), "%s/%s", dir, RUN_MARKER) != 0 ||
	    (f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "%s%s\n", RUN_MARKER_TAG, run_version);
	fprintf(f, "# A results directory pfsim wrote. A later run replaces "
	    "it whole, but only\n# while it holds nothing but the files "
	    "listed here.\n");
	for (i = 0; nm != NULL && i < nm->n; i++)
		fprintf(f, "%s\n", nm->v[i]);
	if (fflush(f) != 0 || ferror(f))
		rv = -1;
	if (fclose(f) != 0)
		rv = -1;
	if (rv != 0 && errno == 0)
		errno = EIO;
	return rv;
}

/* A word as sh reads it back, into buf (cut only past len). */
static void
shell_quote(char *buf, size_t len, const char *w)
{
	size_t n = 0;

	if (*w != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
	    "NOPQRSTUVWXYZ0123456789_-+=,./:@%") == strlen(w)) {
		snprintf(buf, len, "%s", w);
		return;
	}
	if (len < 3) {
		buf[0] = '\0';
		return;
	}
	buf[n++] = '\'';
	for (; *w && n + 6 < len; w++) {
		if (*w == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else
			buf[n++] = *w;
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}

/*
 * The results directory is replaced whole at the end, so it must be one
 * pfsim made: RUN_MARKER in it, and nothing in it that the marker does not
 * list. "No foreign files" checks names, against the list the marker
 * carries (which the run wrote down from what it had written), rather than
 * a list of its own here: the models add files of their own (states-*.txt,
 * flows.csv, ...), and the engine does not know their names. An empty
 * directory may be used too. Anything else is refused before anything is
 * touched: a mistyped --out must never delete a directory.
 */
static int
check_outdir(struct run *r, char *err, size_t errlen)
{
	struct names have = { 0 }, odd = { 0 }, listed = { 0 };
	char q[1100];
	struct stat st;
	size_t i;
	int fd, rv = -1;

	if (lstat(r->outdir, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "pfsim: %s: %s", r->outdir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "pfsim: %s exists and is not a "
		    "directory: not replacing it", r->outdir);
		return -1;
	}
	if (walk_dir(r->outdir, &have, &odd) != 0) {
		snprintf(err, errlen, "pfsim: %s: %s: not replacing it",
		    r->outdir, errno == 0 ? "too many files" :
		    strerror(errno));
		goto out;
	}
	fd = open(r->outdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !marker_read(fd, &listed)) {
		if (fd >= 0)
			close(fd);
		shell_quote(q, sizeof(q), r->outdir);
		if (have.n + odd.n == 0)
			rv = 0;		/* empty */
		else if (names_has(&have, "summary.json"))
			snprintf(err, errlen, "pfsim: %s holds a summary.json "
			    "but no %s marker: results of a pfsim from before "
			    "the marker existed, or not pfsim's at all; not "
			    "replacing it. If they are old results you no "
			    "longer need, remove them (rm -r %s) and run "
			    "again; otherwise choose another --out or "
			    "sim.name", r->outdir, RUN_MARKER, q);
		else
			snprintf(err, errlen, "pfsim: %s is not empty and "
			    "holds no %s marker: not a pfsim results "
			    "directory, not replacing it (choose another --out "
			    "or sim.name)", r->outdir, RUN_MARKER);
		goto out;
	}
	close(fd);
	if (odd.n > 0) {
		snprintf(err, errlen, "pfsim: %s/%s is neither a file nor a "
		    "directory: pfsim wrote no such thing, not replacing %s "
		    "(move it out, or choose another --out)", r->outdir,
		    odd.v[0], r->outdir);
		goto out;
	}
	for (i = 0; i < have.n; i++)
		if (!names_has(&listed, have.v[i])) {
			snprintf(err, errlen, "pfsim: %s/%s: not a file pfsim "
			    "wrote (%s/%s lists those): not replacing %s "
			    "(move it out, or choose another --out)",
			    r->outdir, have.v[i], r->outdir, RUN_MARKER,
			    r->outdir);
			goto out;
		}
	rv = 0;
out:
	names_free(&have);
	names_free(&odd);
	names_free(&listed);
	return rv;
}

/*
 * Leftovers of runs that died: ".NAME.tmp.PID" (and its ".old.PID") with
 * PID gone. Removed only when a real directory (not a link) that holds
 * pfsim's marker, or when empty (a run that died before writing it).
 */
static void
clean_stale(const char *parent, const char *base)
{
	char pfx[1100];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int dfd, fd;

	if (pathf(pfx, sizeof(pfx), ".%s.tmp.", base) != 0 ||
	    (dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(de->d_name, pfx, strlen(pfx)) != 0)
			continue;
		/* PID or PID.old.PID, as finish_results names them. */
		errno = 0;
		pid = strtol(de->d_name + strlen(pfx), &end, 10);
		if (errno != 0 || pid <= 0 || pid > INT_MAX ||
		    (*end != '\0' && (strncmp(end, ".old.", 5) != 0 ||
		    end[5] == '\0' || strspn(end + 5, "0123456789") !=
		    strlen(end + 5))))
			continue;	/* not a name pfsim makes */
		if (pid != (long)getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;	/* still running */
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (marker_read(fd, NULL))
			rmtree_at(dfd, de->d_name, 0);
		else
			unlinkat(dfd, de->d_name, AT_REMOVEDIR);
		close(fd);
	}
	closedir(d);
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

static const char *
signal_name(int sig)
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

static int	fclose_err(FILE *);

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
	/* sim.capture_limit: where capturing stopped, if it did. */
	json_uint(j, "capture_limit", r->capbudget.limit);
	json_uint(j, "capture_bytes", r->capbudget.used);
	json_bool(j, "capture_truncated", r->capbudget.skipped > 0);
	json_uint(j, "capture_frames_skipped", r->capbudget.skipped);
	json_real(j, "capture_stopped_s",
	    (double)r->capbudget.stopped_ns / NS_PER_SEC);
	json_obj_end(j);
	write_totals(r, j);
	json_obj_end(j);
	rv = json_destroy(j);
	if (!tostdout && fclose_err(f) != 0)
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
	char names[64][256], p[1400], buf[4096];
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

		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
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
	if (r->capbudget.skipped > 0)
		printf("warning: sim.capture_limit reached (%" PRIu64 " bytes "
		    "of pcaps): capturing stopped at %.6f s, %" PRIu64 " frames "
		    "not captured (engine.capture_truncated)\n",
		    r->capbudget.limit,
		    (double)r->capbudget.stopped_ns / NS_PER_SEC,
		    r->capbudget.skipped);
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

/*
 * --out (or results/NAME) that is a symbolic link, or ends in . or ..,
 * is resolved here, once, and the real path used from then on: nothing
 * later follows a link (nor deletes through one).
 */
static int
resolve_outdir(struct run *r, char *err, size_t errlen)
{
	char real[PATH_MAX];
	const char *base = strrchr(r->outdir, '/');
	struct stat st;
	size_t n;

	base = base ? base + 1 : r->outdir;
	if (strcmp(base, ".") != 0 && strcmp(base, "..") != 0 &&
	    (lstat(r->outdir, &st) != 0 || !S_ISLNK(st.st_mode))) {
		if (strcmp(r->outdir, "/") != 0)
			return 0;
		snprintf(err, errlen, "pfsim: --out /: not a directory pfsim "
		    "replaces");
		return -1;
	}
	if (realpath(r->outdir, real) == NULL) {
		snprintf(err, errlen, "pfsim: %s: a symbolic link that does "
		    "not resolve (%s): not following it", r->outdir,
		    strerror(errno));
		return -1;
	}
	if (strcmp(real, "/") == 0) {
		snprintf(err, errlen, "pfsim: %s is /: not a directory pfsim "
		    "replaces", r->outdir);
		return -1;
	}
	n = strlen(real);
	if (n >= sizeof(r->outdir)) {
		snprintf(err, errlen, "pfsim: %s: its real path is %zu "
		    "characters long; at most %zu are accepted", r->outdir,
		    n, sizeof(r->outdir) - 1);
		return -1;
	}
	memcpy(r->outdir, real, n + 1);
	return 0;
}

/* fclose that says why it failed: 0, or -1 with errno set. */
static int
fclose_err(FILE *f)
{
	int bad, e;

	errno = 0;
	bad = fflush(f) != 0 || ferror(f);
	e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad)
		return 0;
	errno = e != 0 ? e : EIO;	/* the stream knew no more */
	return -1;
}

/*
 * Close every capture and detach it from its interfaces: frames sent
 * while the models are torn down (held packets that OpenBSD transmits on
 * destroy, say) are no longer recorded. With err, the first failure is
 * described there (the file and the cause).
 */
static int
close_captures(struct run *r, char *err, size_t errlen)
{
	int i, k, rv = 0;

	if (r->w != NULL)
		for (i = 0; i < r->w->nnodes; i++)
			for (k = 0; k < r->w->nodes[i]->nifs; k++)
				r->w->nodes[i]->ifs[k]->cap = NULL;
	for (i = 0; i < r->ncaps; i++) {
		char path[1200];

		snprintf(path, sizeof(path), "%s", capture_path(r->caps[i]));
		if (capture_close(r->caps[i]) != 0 && rv == 0) {
			if (err != NULL)
				snprintf(err, errlen, "pfsim: writing %s: %s",
				    path, strerror(errno));
			rv = -1;
		}
	}
	r->ncaps = 0;
	return rv;
}

/*
 * Write the rest of the results into the temporary directory and swap it
 * in for the old one. 0, or -1 with err naming the file and the cause.
 */
static int
finish_results(struct run *r, double wall, char *err, size_t errlen)
{
	struct names nm = { 0 }, odd = { 0 };
	char path[1200], old[1200];
	FILE *f;
	int i;

	if (pathf(path, sizeof(path), "%s/params.conf", r->tmpdir) != 0 ||
	    (f = fopen(path, "w")) == NULL)
		goto fail;
	fprintf(f, "# params.conf: every parameter of the run %s (%s),\n"
	    "# resolved. `./sim params.conf` runs it again with the same "
	    "results\n# (summary.json: all but wall_seconds and command). "
	    "A key left at its\n# default is a comment, and stays unset "
	    "(a firewall's hw profile may\n# replace the default).\n"
	    "# pfsim %s, backend %s\n\n", r->name, conf_path(r->conf),
	    run_version, run_backend);
	if (conf_write_resolved(r->conf, f) != 0) {
		fclose_err(f);
		goto fail;
	}
	if (fclose_err(f) != 0)
		goto fail;
	if (pathf(path, sizeof(path), "%s/summary.json", r->tmpdir) != 0 ||
	    write_summary(r, path, wall, false) != 0)
		goto fail;
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->report_files) {
			errno = 0;
			if (pfsim_models[i]->report_files(r, r->tmpdir) == 0)
				continue;
			/* XXX the model knows which file; we know the dir. */
			snprintf(err, errlen, "pfsim: writing the %s reports "
			    "into %s: %s", pfsim_models[i]->st->type,
			    r->tmpdir, strerror(errno != 0 ? errno : EIO));
			return -1;
		}
	if (close_captures(r, err, errlen) != 0)
		return -1;
	/* The marker lists what the run wrote: a later run checks it. */
	if (walk_dir(r->tmpdir, &nm, &odd) != 0 ||
	    marker_write(r->tmpdir, &nm) != 0) {
		snprintf(err, errlen, "pfsim: writing %s/%s: %s", r->tmpdir,
		    RUN_MARKER, errno != 0 ? strerror(errno) :
		    "too many files");
		names_free(&nm);
		names_free(&odd);
		return -1;
	}
	names_free(&nm);
	names_free(&odd);
	/* A signal until here stops the run; from here the swap completes. */
	if (run_interrupted) {
		snprintf(err, errlen, "pfsim: interrupted (%s)",
		    signal_name(run_interrupted));
		return -1;
	}
	/* Replace an old results directory only by a complete new one, and
	 * only if it is still one pfsim may replace (checked at the start
	 * too, before anything was written; a run can be long). */
	if (check_outdir(r, err, errlen) != 0)
		return -1;
	if (pathf(old, sizeof(old), "%s.old.%ld", r->tmpdir,
	    (long)getpid()) != 0) {
		snprintf(path, sizeof(path), "%s", old);
		goto fail;
	}
	if (rename(r->outdir, old) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "pfsim: renaming %s to %s: %s",
		    r->outdir, old, strerror(errno));
		return -1;
	}
	if (rename(r->tmpdir, r->outdir) != 0) {
		int e = errno;

		if (rename(old, r->outdir) != 0 && errno != ENOENT)
			snprintf(err, errlen, "pfsim: renaming %s to %s: %s "
			    "(the old results are in %s)", r->tmpdir,
			    r->outdir, strerror(e), old);
		else
			snprintf(err, errlen, "pfsim: renaming %s to %s: %s",
			    r->tmpdir, r->outdir, strerror(e));
		return -1;
	}
	if (rmtree(old) != 0 && errno != ENOENT)
		fprintf(stderr, "pfsim: warning: removing the old results "
		    "%s: %s\n", old, strerror(errno));
	return 0;
fail:
	snprintf(err, errlen, "pfsim: writing %s: %s", path, strerror(errno));
	return -1;
}

int
run_main(const struct run_opts *o)
{
	struct run r;
	char err[4096], path[1600], parent[1024], base[1024];
	const struct section_type **types = all_types();
	int i, status = 1, said = 0;
	const char *phase = "while building the world";
	double wall;
	simtime_t chunk, t;

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

		if (!plain_name(nm) || strlen(nm) >= sizeof(r.name)) {
			snprintf(err, sizeof(err), "%s:%d: sim.name: '%.200s': "
			    "expected a plain name (letters, digits, _ - .) "
			    "of at most %zu characters, not a path: use --out "
			    "for another directory", conf_path(r.conf),
			    conf_line(r.sim, "name"), nm, sizeof(r.name) - 1);
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
	if (resolve_outdir(&r, err, sizeof(err)) != 0)
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
	if (check_outdir(&r, err, sizeof(err)) != 0)
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

	/*
	 * From here a signal stops the run, which removes its temporary
	 * directory: the handlers are in place before the directory is.
	 */
	catch_signals(r.sigsaved);
	r.caught = 1;
	/* The temporary results directory, beside the target (same file
	 * system, so the final rename is atomic): captures open in build.
	 * A fresh one: mkdir must create it, and its marker comes first. */
	if (mkdirs(parent) != 0) {
		fprintf(stderr, "pfsim: %s: %s\n", parent, strerror(errno));
		goto out;
	}
	clean_stale(parent, base);
	if (pathf(path, sizeof(path), "%s/.%s.tmp.%ld", parent, base,
	    (long)getpid()) != 0 || pathf(r.tmpdir, sizeof(r.tmpdir), "%s",
	    path) != 0) {
		fprintf(stderr, "pfsim: %s: %s\n", r.outdir, strerror(errno));
		goto out;
	}
	if (mkdir(r.tmpdir, 0755) != 0) {
		fprintf(stderr, "pfsim: %s: %s\n", r.tmpdir, strerror(errno));
		r.tmpdir[0] = '\0';	/* not ours */
		goto out;
	}
	if (marker_write(r.tmpdir, NULL) != 0) {
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
	if (build_nets(&r, err, sizeof(err)) != 0)
		goto usage;
	for (i = 0; i < conf_nsections(r.conf) && !run_interrupted; i++) {
		struct conf_section *s = conf_section_at(r.conf, i);
		const struct model_type *mt = model_for(conf_type(s));

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
	ev_schedule_bounded(r.w->q, &r.ts_ev, r.interval);
	/* Slices of at most 1 ms simulated: a signal is seen soon even in a
	 * heavy run. Where a slice ends changes no event. */
	chunk = r.duration / 200 > 0 ? r.duration / 200 : 1;
	if (chunk > NS_PER_MS)
		chunk = NS_PER_MS;
	for (t = 0; t < r.duration && !run_interrupted;) {
		t = t + chunk < r.duration ? t + chunk : r.duration;
		ev_run(r.w->q, t);
		progress(&r, t, 0);
	}
	world_enter(r.w, NULL);
	if (run_interrupted) {
		fprintf(stderr, "\npfsim: interrupted; no results written (%s "
		    "at %.3f s simulated)\n", signal_name(run_interrupted),
		    (double)world_now(r.w) / NS_PER_SEC);
		said = 1;
		goto out;
	}
	progress(&r, r.duration, 1);
	for (i = 0; pfsim_models[i]; i++)
		if (pfsim_models[i]->stop)
			pfsim_models[i]->stop(&r);
	snprintf(path, sizeof(path), "%s/timeseries.csv", r.tmpdir);
	if (fclose_err(r.ts) != 0) {
		r.ts = NULL;
		fprintf(stderr, "pfsim: writing %s: %s; no results written "
		    "to %s\n", path, strerror(errno), r.outdir);
		goto out;
	}
	r.ts = NULL;
	wall = wall_now() - r.wall0;
	phase = "while writing the results";
	if (finish_results(&r, wall, err, sizeof(err)) != 0) {
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
		status = write_summary(&r, NULL, wall, true) == 0 ? 0 : 1;
	else {
		print_human(&r, wall);
		status = 0;
	}
	if (o->dump_states && !o->quiet)
		dump_states(r.outdir, o->json ? stderr : stdout);
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
	    "%s)\n", signal_name(run_interrupted), phase);
	said = 1;
	goto out;
usage:
	fprintf(stderr, "%s\n", err);
	status = 2;
out:
	if (run_interrupted && status != 0 && !said)
		fprintf(stderr, "pfsim: interrupted; no results written (%s)\n",
		    signal_name(run_interrupted));
	if (r.ts)
		fclose(r.ts);
	close_captures(&r, NULL, 0);
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
	if (r.caught)
		restore_signals(r.sigsaved);
	return status;
}
