/* ./sim threshold: the measuring, the files and the figure. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "files.h"
#include "pool.h"
#include "summary.h"
#include "threshold.h"
#include "threshold_cmd.h"

#define FAILURES_SHOWN	10

/* The runs of one rate: per seed 1..N. */
struct measured {
	double	 rate;
	double	*split, *base, *ratio;
};

struct th {
	const struct threshold_opts *o;
	char		*pfsim, *scen, *base, *dir;
	struct measured	*m;
	size_t		 nm;
	FILE		*warn;
	char		*notes;		/* warnings, for threshold.txt */
	size_t		 notes_len;
	FILE		*notes_f;
};

static void
th_warn(struct th *t, const char *fmt, ...)
{
	va_list ap;

	fprintf(t->warn, "threshold: warning: ");
	va_start(ap, fmt);
	vfprintf(t->warn, fmt, ap);
	va_end(ap);
	fputc('\n', t->warn);
	fprintf(t->notes_f, "warning: ");
	va_start(ap, fmt);
	vfprintf(t->notes_f, fmt, ap);
	va_end(ap);
	fputc('\n', t->notes_f);
}

/* runs/RATE-sSEED-split or -base under the output directory. */
static char *
run_path(const struct th *t, double rate, unsigned long seed, int base)
{
	char *s;

	if (asprintf(&s, "%s/runs/%.0f-s%lu-%s", t->dir, rate, seed,
	    base ? "base" : "split") < 0)
		return (NULL);
	return (s);
}

static int
run_argv(const struct th *t, double rate, unsigned long seed, int base,
    const char *out, struct argv *a)
{
	const struct argv *pass = base ? t->o->base_pass : t->o->split_pass;
	int rv = 0;

	argv_init(a);
	rv |= argv_push(a, t->pfsim);
	rv |= argv_push(a, base ? t->base : t->scen);
	rv |= argv_push(a, "--seed");
	rv |= argv_pushf(a, "%lu", seed);
	rv |= argv_push(a, "--set");
	rv |= argv_pushf(a, "%s=%.0fpps", t->o->key, rate);
	rv |= argv_append(a, pass);
	rv |= argv_push(a, "--out");
	rv |= argv_push(a, out);
	if (!argv_has(pass, "--capture")) {
		rv |= argv_push(a, "--capture");
		rv |= argv_push(a, "none");
	}
	rv |= argv_push(a, "--quiet");
	return (rv ? ENOMEM : 0);
}

static void
measured_free(struct measured *m)
{
	free(m->split);
	free(m->base);
	free(m->ratio);
}

/* Delivered pps of a finished run, or -1 with its error in msg. */
static double
run_delivered(const char *out, int status, char *msg, size_t len)
{
	char *path, serr[256];
	struct summary s;
	int rv;

	if (status != 0) {
		if (asprintf(&path, "%s.err", out) >= 0) {
			rv = files_first_line(path, msg, len);
			free(path);
		} else
			rv = ENOMEM;
		if (rv != 0)
			snprintf(msg, len, "exit status %d", status);
		return (-1);
	}
	if (asprintf(&path, "%s/summary.json", out) < 0) {
		snprintf(msg, len, "out of memory");
		return (-1);
	}
	rv = summary_read(path, &s, serr, sizeof(serr));
	free(path);
	if (rv != 0) {
		snprintf(msg, len, "summary.json: %s", serr);
		return (-1);
	}
	if (!s.have[SUMMARY_DELIVERED_PPS]) {
		snprintf(msg, len, "summary.json: no flows[0].delivered_pps");
		return (-1);
	}
	return (s.v[SUMMARY_DELIVERED_PPS]);
}

/* Runs every seed of split and baseline at each of k rates. */
static int
stage(struct th *t, const double *rates, size_t k, char *err, size_t errlen)
{
	unsigned long N = t->o->nseeds, seed;
	size_t njobs = k * N * 2, j, i, nfail = 0;
	struct pool_job *jobs = NULL;
	struct argv *av = NULL;
	char **outs = NULL, **errs = NULL, msg[512];
	struct pool_opts po;
	struct measured *nm, *m;
	double v;
	int rv = ENOMEM, base;

	if ((jobs = calloc(njobs, sizeof(*jobs))) == NULL ||
	    (av = calloc(njobs, sizeof(*av))) == NULL ||
	    (outs = calloc(njobs, sizeof(*outs))) == NULL ||
	    (errs = calloc(njobs, sizeof(*errs))) == NULL)
		goto out;
	for (j = 0; j < njobs; j++) {
		i = j / (2 * N);
		seed = 1 + (unsigned long)(j / 2 % N);
		base = (int)(j % 2);
		if ((outs[j] = run_path(t, rates[i], seed, base)) == NULL ||
		    asprintf(&errs[j], "%s.err", outs[j]) < 0 ||
		    run_argv(t, rates[i], seed, base, outs[j], &av[j]) != 0)
			goto out;
		jobs[j].argv = av[j].v;
		jobs[j].errpath = errs[j];
	}
	po.jobs = t->o->jobs;
	po.label = "threshold";
	po.progress = t->o->progress;
	if ((rv = pool_run(jobs, njobs, &po)) != 0) {
		snprintf(err, errlen, "%s", rv == EINTR ? "interrupted" :
		    strerror(rv));
		goto out;
	}
	if ((nm = realloc(t->m, (t->nm + k) * sizeof(*nm))) == NULL) {
		rv = ENOMEM;
		goto out;
	}
	t->m = nm;
	for (i = 0; i < k; i++) {
		m = &t->m[t->nm];
		memset(m, 0, sizeof(*m));
		m->rate = rates[i];
		if ((m->split = calloc(N, sizeof(double))) == NULL ||
		    (m->base = calloc(N, sizeof(double))) == NULL ||
		    (m->ratio = calloc(N, sizeof(double))) == NULL) {
			measured_free(m);
			rv = ENOMEM;
			goto out;
		}
		t->nm++;
	}
	for (j = 0; j < njobs; j++) {
		m = &t->m[t->nm - k + j / (2 * N)];
		v = run_delivered(outs[j], jobs[j].status, msg, sizeof(msg));
		if (v < 0) {
			if (nfail++ < FAILURES_SHOWN)
				fprintf(t->warn, "threshold: run %s failed: "
				    "%s\n", outs[j] + strlen(t->dir) + 1, msg);
			continue;
		}
		if (j % 2)
			m->base[j / 2 % N] = v;
		else
			m->split[j / 2 % N] = v;
	}
	if (nfail > 0) {
		snprintf(err, errlen, "%zu of %zu runs failed (their stderr: "
		    "%s/runs/*.err)", nfail, njobs, t->dir);
		rv = EIO;
		goto out;
	}
	for (i = t->nm - k; i < t->nm; i++) {
		m = &t->m[i];
		for (j = 0; j < N; j++) {
			if (m->base[j] > 0) {
				m->ratio[j] = m->split[j] / m->base[j];
				continue;
			}
			m->ratio[j] = 0;
			th_warn(t, "the baseline delivered nothing at %.0f pps,"
			    " seed %zu: ratio 0", m->rate, j + 1);
		}
	}
	rv = 0;
out:
	if (rv == ENOMEM)
		snprintf(err, errlen, "out of memory");
	for (j = 0; j < njobs; j++) {
		if (av != NULL)
			argv_free(&av[j]);
		if (outs != NULL)
			free(outs[j]);
		if (errs != NULL)
			free(errs[j]);
	}
	free(jobs);
	free(av);
	free(outs);
	free(errs);
	return (rv);
}

/* The summaries of every measured rate, sorted by rate. */
static int
points(const struct th *t, struct threshold_point **pp)
{
	struct threshold_point *p;
	size_t i;
	int rv;

	if ((p = calloc(t->nm, sizeof(*p))) == NULL)
		return (ENOMEM);
	for (i = 0; i < t->nm; i++) {
		p[i].rate = t->m[i].rate;
		if ((rv = stats_summarize(t->m[i].ratio, t->o->nseeds,
		    t->o->ratio, THRESHOLD_STALL, &p[i].s)) != 0) {
			free(p);
			return (rv);
		}
	}
	threshold_sort(p, t->nm);
	*pp = p;
	return (0);
}

static void
print_threshold(FILE *f, const struct threshold *th, int flagged)
{
	switch (th->where) {
	case THRESHOLD_BELOW:
		fprintf(f, "threshold_pps below %.0f  bracket [0, %.0f)",
		    th->rate, th->hi);
		break;
	case THRESHOLD_AT:
		fprintf(f, "threshold_pps %.0f  bracket [%.0f, %.0f)",
		    th->rate, th->lo, th->hi);
		break;
	case THRESHOLD_ABOVE:
		fprintf(f, "threshold_pps above %.0f  bracket [%.0f, inf)",
		    th->rate, th->lo);
		break;
	}
	fprintf(f, "%s\n", flagged ? "  (flagged: the median is not "
	    "monotone)" : "");
}

/* The split runs' own settings ("K=V K=V"), written into buf. */
static const char *
split_sets(const struct th *t, char *buf, size_t len)
{
	const struct argv *a = t->o->split_pass;
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; a != NULL && i + 1 < a->n && n < len; i++)
		if (strcmp(a->v[i], "--set") == 0) {
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? " " : "", a->v[i + 1]);
			i++;
		}
	return (buf);
}

static void
print_table(FILE *f, const struct th *t, const struct threshold_point *p,
    size_t n, const struct threshold *th, int flagged)
{
	char sets[2048];
	size_t i;

	fprintf(f, "# %s against %s: %s, seeds 1..%lu, goodput ratio >= "
	    "%g in >= %.0f%% of seeds\n", t->o->scenario, t->o->baseline,
	    t->o->key, t->o->nseeds, t->o->ratio, THRESHOLD_SHARE * 100);
	if (*split_sets(t, sets, sizeof(sets)) != '\0')
		fprintf(f, "# split runs with --set %s\n", sets);
	fprintf(f, "%9s %4s %7s %7s %7s %7s %7s %9s %8s\n", "rate_pps", "n",
	    "min", "q1", "median", "q3", "max", "share>=R", "stalled");
	for (i = 0; i < n; i++)
		fprintf(f, "%9.0f %4zu %7.3f %7.3f %7.3f %7.3f %7.3f %9.2f "
		    "%8.2f\n", p[i].rate, p[i].s.n, p[i].s.min, p[i].s.q1,
		    p[i].s.median, p[i].s.q3, p[i].s.max, p[i].s.share_ok,
		    p[i].s.share_stalled);
	print_threshold(f, th, flagged);
}

static int
write_csvs(const struct th *t, const struct threshold_point *p, size_t n,
    const size_t *rises, size_t nrises, char *err, size_t errlen)
{
	char *path = NULL, *tmp;
	size_t i, j, r;
	FILE *f;
	int rv = 0;

	if (asprintf(&path, "%s/threshold.csv", t->dir) < 0)
		return (ENOMEM);
	if ((f = files_create(path, &tmp)) == NULL)
		goto fail;
	fprintf(f, "rate,n,min,q1,median,q3,max,share_ok,share_stalled,"
	    "median_rises\n");
	for (i = 0, r = 0; i < n; i++) {
		int rise = r < nrises && rises[r] == i;

		r += rise;
		fprintf(f, "%.0f,%zu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d\n",
		    p[i].rate, p[i].s.n, p[i].s.min, p[i].s.q1, p[i].s.median,
		    p[i].s.q3, p[i].s.max, p[i].s.share_ok,
		    p[i].s.share_stalled, rise);
	}
	if ((rv = files_commit(f, tmp, path)) != 0)
		goto fail_rv;
	free(path);
	if (asprintf(&path, "%s/runs.csv", t->dir) < 0)
		return (ENOMEM);
	if ((f = files_create(path, &tmp)) == NULL)
		goto fail;
	fprintf(f, "rate,seed,split_pps,baseline_pps,ratio\n");
	for (i = 0; i < n; i++)
		for (j = 0; j < t->nm; j++) {
			const struct measured *m = &t->m[j];
			size_t s;

			if (m->rate != p[i].rate)
				continue;
			for (s = 0; s < t->o->nseeds; s++) {
				fprintf(f, "%.0f,%zu,", m->rate, s + 1);
				summary_print(f, m->split[s]);
				fputc(',', f);
				summary_print(f, m->base[s]);
				fprintf(f, ",%.6g\n", m->ratio[s]);
			}
		}
	if ((rv = files_commit(f, tmp, path)) != 0)
		goto fail_rv;
	free(path);
	return (0);
fail:
	rv = errno;
fail_rv:
	snprintf(err, errlen, "%s: %s", path, strerror(rv));
	free(path);
	return (rv);
}

/* s in gnuplot single quotes (a quote doubled). */
static void
gp_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static char *
find_on_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *c;
	char *s;

	for (p = path ? path : "/usr/bin:/bin"; ; p = c + 1) {
		c = strchr(p, ':');
		if (asprintf(&s, "%.*s/%s", (int)(c ? c - p : (long)strlen(p)),
		    p, prog) < 0)
			return (NULL);
		if (access(s, X_OK) == 0)
			return (s);
		free(s);
		if (c == NULL)
			return (NULL);
	}
}

/* DIR/threshold.gp, and threshold.svg drawn by gnuplot if there is one. */
static void
figure(struct th *t, const struct threshold *th, const size_t *rises,
    size_t nrises, const struct threshold_point *p)
{
	char *gp, *tmp, *title, *gnuplot, *errpath, sets[2048];
	struct pool_job job;
	struct pool_opts po = { 1, "gnuplot", 0 };
	char *argv[3];
	FILE *f;
	size_t i;
	int rv;

	if (asprintf(&gp, "%s/threshold.gp", t->dir) < 0)
		return;
	if ((f = files_create(gp, &tmp)) == NULL) {
		th_warn(t, "%s: %s: no figure", gp, strerror(errno));
		free(gp);
		return;
	}
	fprintf(f, "# gnuplot threshold.gp (in this directory) draws "
	    "threshold.svg\n"
	    "set terminal svg size 960,600 dynamic font 'sans,12'\n"
	    "set output 'threshold.svg'\n"
	    "set termoption noenhanced\n"
	    "set datafile separator ','\n"
	    "set logscale x\n"
	    "set xrange [%g:%g]\n"
	    "set yrange [0:1.1<*]\n"
	    "set grid\n"
	    "set key outside right top\n"
	    "set xlabel ", p[0].rate / 1.25, p[t->nm - 1].rate * 1.25);
	if (asprintf(&title, "%s (pps, log scale)", t->o->key) >= 0) {
		gp_quote(f, title);
		free(title);
	}
	fprintf(f, "\nset ylabel 'goodput ratio per seed, split / "
	    "baseline'\nset title ");
	if (asprintf(&title, "%s against %s, %lu seeds%s", t->o->scenario,
	    t->o->baseline, t->o->nseeds, nrises ? "; the median is not "
	    "monotone" : "") >= 0) {
		gp_quote(f, title);
		free(title);
	}
	if (*split_sets(t, sets, sizeof(sets)) != '\0') {
		fprintf(f, "\nset label 9 ");
		gp_quote(f, sets);
		fprintf(f, " at screen 0.01, screen 0.02 font ',9'");
	}
	fprintf(f, "\nR = %g\n", t->o->ratio);
	if (th->where != THRESHOLD_BELOW)
		fprintf(f, "T = %.0f\nset arrow 1 from T, graph 0 to T, "
		    "graph 1 nohead lc rgb '#1a7f37' lw 2 dt 3\n", th->rate);
	for (i = 0; i < nrises; i++)
		fprintf(f, "set label %zu 'rises' at %.0f, graph 0.04 center "
		    "tc rgb '#cc0000'\n", i + 1, p[rises[i]].rate);
	fprintf(f, "plot 'threshold.csv' skip 1 using 1:4:3:7:6:($1*0.08) "
	    "with candlesticks whiskerbars 0.6 lc rgb '#4063d8' "
	    "title 'min, quartiles, max', \\\n"
	    "     '' skip 1 using 1:5:5:5:5:($1*0.08) with candlesticks "
	    "lc rgb '#222222' lw 2 notitle, \\\n"
	    "     '' skip 1 using 1:5 with linespoints lc rgb '#222222' "
	    "pt 7 ps 0.6 title 'median', \\\n"
	    "     R with lines lc rgb '#cc0000' dt 2 lw 1.5 "
	    "title sprintf('R = %%g', R)");
	if (th->where != THRESHOLD_BELOW)
		fprintf(f, ", \\\n     NaN with lines lc rgb '#1a7f37' lw 2 "
		    "dt 3 title sprintf('threshold %%.0f pps', T)");
	fprintf(f, "\n");
	if ((rv = files_commit(f, tmp, gp)) != 0) {
		th_warn(t, "%s: %s: no figure", gp, strerror(rv));
		free(gp);
		return;
	}
	free(gp);
	if ((gnuplot = find_on_path("gnuplot")) == NULL) {
		th_warn(t, "gnuplot not found: no threshold.svg (Debian: "
		    "gnuplot-nox)");
		return;
	}
	if (asprintf(&errpath, "%s/runs/gnuplot.err", t->dir) < 0) {
		free(gnuplot);
		return;
	}
	argv[0] = gnuplot;
	argv[1] = "threshold.gp";
	argv[2] = NULL;
	memset(&job, 0, sizeof(job));
	job.argv = argv;
	job.errpath = errpath;
	job.cwd = t->dir;
	if ((rv = pool_run(&job, 1, &po)) != 0 || job.status != 0)
		th_warn(t, "gnuplot failed (%s): no threshold.svg",
		    rv ? strerror(rv) : errpath);
	free(errpath);
	free(gnuplot);
}

static int
write_txt(const struct th *t, const struct threshold_point *p, size_t n,
    const struct threshold *th, int flagged, char *err, size_t errlen)
{
	char *path, *tmp;
	FILE *f;
	int rv;

	if (asprintf(&path, "%s/threshold.txt", t->dir) < 0)
		return (ENOMEM);
	if ((f = files_create(path, &tmp)) == NULL) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(rv));
		free(path);
		return (rv);
	}
	print_table(f, t, p, n, th, flagged);
	fflush(t->notes_f);
	fwrite(t->notes, 1, t->notes_len, f);
	if ((rv = files_commit(f, tmp, path)) != 0)
		snprintf(err, errlen, "%s: %s", path, strerror(rv));
	free(path);
	return (rv);
}

static int
th_setup(struct th *t, char *err, size_t errlen)
{
	const struct threshold_opts *o = t->o;
	char *name, *d;
	FILE *f;
	int rv;

	if (access(o->scenario, R_OK) != 0 || access(o->baseline, R_OK) != 0) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", access(o->scenario, R_OK) ?
		    o->scenario : o->baseline, strerror(rv));
		return (EINVAL);
	}
	if ((t->scen = files_abspath(o->scenario)) == NULL ||
	    (t->base = files_abspath(o->baseline)) == NULL ||
	    (t->pfsim = files_pfsim()) == NULL)
		return (ENOMEM);
	if (o->outdir != NULL)
		t->dir = files_abspath(o->outdir);
	else if ((name = files_scenario_name(o->scenario)) != NULL) {
		if (asprintf(&d, "results/threshold-%s", name) >= 0) {
			t->dir = files_abspath(d);
			free(d);
		}
		free(name);
	}
	if (t->dir == NULL)
		return (ENOMEM);
	if ((rv = files_prepare(t->dir, "runs.csv", err, errlen)) != 0)
		return (rv == EEXIST ? EINVAL : rv);
	/* Ours from now on; stale results go. */
	if (asprintf(&d, "%s/runs.csv", t->dir) < 0)
		return (ENOMEM);
	rv = 0;
	if ((f = fopen(d, "w")) == NULL)
		rv = errno;
	else {
		fputs("rate,seed,split_pps,baseline_pps,ratio\n", f);
		if (ferror(f))
			rv = EIO;
		if (fclose(f) != 0 && rv == 0)
			rv = errno;
	}
	if (rv != 0)
		snprintf(err, errlen, "%s: %s", d, strerror(rv));
	free(d);
	if (rv == 0) {
		const char *stale[] = { "threshold.csv", "threshold.txt",
		    "threshold.svg", "threshold.gp" };
		size_t i;

		for (i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
			if (asprintf(&d, "%s/%s", t->dir, stale[i]) >= 0) {
				unlink(d);
				free(d);
			}
	}
	return (rv);
}

int
threshold_cmd_run(const struct threshold_opts *o, FILE *out, FILE *warn,
    char *err, size_t errlen)
{
	struct threshold_point *p = NULL;
	struct threshold th;
	struct th t;
	double *rates = NULL, mid;
	size_t n, k, *rises = NULL, nrises = 0, i;
	int rv;

	memset(&t, 0, sizeof(t));
	t.o = o;
	t.warn = warn;
	if ((t.notes_f = open_memstream(&t.notes, &t.notes_len)) == NULL)
		return (ENOMEM);
	if ((rv = th_setup(&t, err, errlen)) != 0)
		goto out;
	rv = ENOMEM;
	if ((rates = calloc(o->grid, sizeof(*rates))) == NULL)
		goto out;
	if ((n = threshold_grid(o->lo, o->hi, o->grid, rates)) == 0) {
		snprintf(err, errlen, "--rates %g:%g --grid %zu: expected "
		    "1 <= LO < HI and G >= 2", o->lo, o->hi, o->grid);
		rv = EINVAL;
		goto out;
	}
	if ((rv = stage(&t, rates, n, err, errlen)) != 0 ||
	    (rv = points(&t, &p)) != 0)
		goto out;
	threshold_find(p, t.nm, THRESHOLD_SHARE, &th);
	for (k = 0; k < THRESHOLD_REFINES &&
	    threshold_refine(&th, THRESHOLD_BRACKET, &mid); k++) {
		free(p);
		p = NULL;
		if ((rv = stage(&t, &mid, 1, err, errlen)) != 0 ||
		    (rv = points(&t, &p)) != 0)
			goto out;
		threshold_find(p, t.nm, THRESHOLD_SHARE, &th);
	}
	rv = ENOMEM;
	if ((rises = calloc(t.nm, sizeof(*rises))) == NULL)
		goto out;
	nrises = threshold_rises(p, t.nm, THRESHOLD_TOLERANCE, rises);
	print_table(out, &t, p, t.nm, &th, nrises > 0);
	fflush(out);
	if (nrises > 0) {
		char *list = NULL;
		size_t len = 0;
		FILE *lf = open_memstream(&list, &len);

		if (lf == NULL)
			goto out;
		for (i = 0; i < nrises; i++)
			fprintf(lf, "%s%.0f", i ? ", " : "", p[rises[i]].rate);
		fclose(lf);
		/* on stdout after the table too, as in threshold.txt */
		fprintf(out, "warning: the median ratio is not monotone "
		    "non-increasing: it rises by more than %g at %s pps; the "
		    "threshold is flagged\n", THRESHOLD_TOLERANCE,
		    list ? list : "?");
		fflush(out);
		th_warn(&t, "the median ratio is not monotone non-increasing:"
		    " it rises by more than %g at %s pps; the threshold is "
		    "flagged", THRESHOLD_TOLERANCE, list ? list : "?");
		free(list);
	}
	if ((rv = write_csvs(&t, p, t.nm, rises, nrises, err, errlen)) != 0)
		goto out;
	figure(&t, &th, rises, nrises, p);
	rv = write_txt(&t, p, t.nm, &th, nrises > 0, err, errlen);
out:
	if (rv == ENOMEM && err[0] == '\0')
		snprintf(err, errlen, "out of memory");
	fclose(t.notes_f);
	free(t.notes);
	for (i = 0; i < t.nm; i++)
		measured_free(&t.m[i]);
	free(t.m);
	free(p);
	free(rises);
	free(rates);
	free(t.pfsim);
	free(t.scen);
	free(t.base);
	free(t.dir);
	return (rv);
}
