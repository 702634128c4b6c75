/* ./sim sweep: plan, run or emit, collate (see sweep.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "files.h"
#include "pool.h"
#include "summary.h"
#include "sweep.h"

#define ERRLINE_MAX	512	/* of a failed run's error text */

struct plan {
	size_t		 nruns;
	int		 idwidth;	/* digits of a run id: 0001 */
	struct argv	*argv;		/* per run */
	char		**cmd;		/* per run: argv in shell form */
	char		**errpath;	/* per run: DIR/runs/NNNN.err */
};

static void
plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nruns; i++) {
		if (p->argv != NULL)
			argv_free(&p->argv[i]);
		if (p->cmd != NULL)
			free(p->cmd[i]);
		if (p->errpath != NULL)
			free(p->errpath[i]);
	}
	free(p->argv);
	free(p->cmd);
	free(p->errpath);
	memset(p, 0, sizeof(*p));
}

/* The command of run r: pfsim SCENARIO --seed S --set K=V... --out ... */
static int
plan_argv(const struct sweep_opts *o, const char *pfsim, const char *scen,
    const char *dir, const struct plan *p, size_t r, struct argv *a)
{
	const struct grid *g = o->grid;
	unsigned long seed;
	size_t point, i;
	int rv = 0;

	grid_run(o->nseeds, o->seed0, r, &point, &seed);
	argv_init(a);
	rv |= argv_push(a, pfsim);
	rv |= argv_push(a, scen);
	rv |= argv_pushf(a, "--seed");
	rv |= argv_pushf(a, "%lu", seed);
	for (i = 0; i < g->naxes; i++) {
		char key[256];
		size_t k;

		for (k = 0; grid_key_at(g, i, k, key, sizeof(key)) != NULL;
		    k++) {
			rv |= argv_push(a, "--set");
			rv |= argv_pushf(a, "%s=%s", key,
			    grid_value(g, point, i));
		}
	}
	rv |= argv_append(a, o->pass);
	rv |= argv_push(a, "--out");
	rv |= argv_pushf(a, "%s/runs/%0*zu", dir, p->idwidth, r + 1);
	if (!argv_has(o->pass, "--capture")) {
		rv |= argv_push(a, "--capture");
		rv |= argv_push(a, "none");
	}
	rv |= argv_push(a, "--quiet");
	return (rv ? ENOMEM : 0);
}

static int
plan_make(const struct sweep_opts *o, const char *pfsim, const char *scen,
    const char *dir, struct plan *p)
{
	size_t r, n;
	int rv;

	memset(p, 0, sizeof(*p));
	n = grid_npoints(o->grid) * o->nseeds;
	p->idwidth = 4;
	for (r = n; r >= 10000; r /= 10)
		p->idwidth++;
	if ((p->argv = calloc(n, sizeof(*p->argv))) == NULL ||
	    (p->cmd = calloc(n, sizeof(*p->cmd))) == NULL ||
	    (p->errpath = calloc(n, sizeof(*p->errpath))) == NULL) {
		p->nruns = 0;
		plan_free(p);
		return (ENOMEM);
	}
	p->nruns = n;
	for (r = 0; r < n; r++) {
		if ((rv = plan_argv(o, pfsim, scen, dir, p, r,
		    &p->argv[r])) != 0)
			return (rv);
		if (asprintf(&p->errpath[r], "%s/runs/%0*zu.err", dir,
		    p->idwidth, r + 1) < 0) {
			p->errpath[r] = NULL;
			return (ENOMEM);
		}
		if ((p->cmd[r] = argv_shell(&p->argv[r], "/dev/null",
		    p->errpath[r])) == NULL)
			return (ENOMEM);
	}
	return (0);
}

static int
plan_write(const struct sweep_opts *o, const struct plan *p,
    const char *dir, char *err, size_t errlen)
{
	const struct grid *g = o->grid;
	unsigned long seed;
	size_t r, i, point;
	char *path, *tmp;
	FILE *f;
	int rv;

	if (asprintf(&path, "%s/plan.csv", dir) < 0)
		return (ENOMEM);
	if ((f = files_create(path, &tmp)) == NULL) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(rv));
		free(path);
		return (rv);
	}
	fputs("run", f);
	for (i = 0; i < g->naxes; i++) {
		fputc(',', f);
		csv_field(f, g->axes[i].key);
	}
	fputs(",seed,command\n", f);
	for (r = 0; r < p->nruns; r++) {
		grid_run(o->nseeds, o->seed0, r, &point, &seed);
		fprintf(f, "%0*zu", p->idwidth, r + 1);
		for (i = 0; i < g->naxes; i++) {
			fputc(',', f);
			csv_field(f, grid_value(g, point, i));
		}
		fprintf(f, ",%lu,", seed);
		csv_field(f, p->cmd[r]);
		fputc('\n', f);
	}
	if ((rv = files_commit(f, tmp, path)) != 0)
		snprintf(err, errlen, "%s: %s", path, strerror(rv));
	free(path);
	return (rv);
}

/* FILE: one command per line; FILE.sbatch: a Slurm array over them. */
static int
emit_jobs(const struct sweep_opts *o, const struct plan *p, const char *dir,
    FILE *out, char *err, size_t errlen)
{
	char *jobs = files_abspath(o->emit), *sb = NULL, *tmp;
	size_t r;
	FILE *f;
	int rv;

	if (jobs == NULL || asprintf(&sb, "%s.sbatch", jobs) < 0) {
		free(jobs);
		return (ENOMEM);
	}
	if ((f = files_create(jobs, &tmp)) == NULL) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", jobs, strerror(rv));
		goto out;
	}
	for (r = 0; r < p->nruns; r++)
		fprintf(f, "%s\n", p->cmd[r]);
	if ((rv = files_commit(f, tmp, jobs)) != 0) {
		snprintf(err, errlen, "%s: %s", jobs, strerror(rv));
		goto out;
	}
	if ((f = files_create(sb, &tmp)) == NULL) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", sb, strerror(rv));
		goto out;
	}
	fprintf(f, "#!/bin/sh\n"
	    "# A Slurm array job of the sweep in %s: task K runs line K of\n"
	    "# %s. Every node must see pfsim, the scenario and\n"
	    "# that directory at the same paths (a shared filesystem).\n"
	    "#   sbatch %s\n"
	    "#   ./sim sweep --collate %s      # when every task is done\n"
	    "#SBATCH --job-name=pfsim-sweep\n", dir, jobs, sb, dir);
	if (o->jobs_given)
		fprintf(f, "#SBATCH --array=1-%zu%%%zu\n", p->nruns, o->jobs);
	else
		fprintf(f, "#SBATCH --array=1-%zu\n", p->nruns);
	fprintf(f, "#SBATCH --output=%s/runs/slurm-%%A_%%a.out\n"
	    "line=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" ", dir);
	{
		struct argv q;
		char *s;

		argv_init(&q);
		if (argv_push(&q, jobs) != 0 ||
		    (s = argv_shell(&q, NULL, NULL)) == NULL) {
			argv_free(&q);
			fclose(f);
			unlink(tmp);
			free(tmp);
			rv = ENOMEM;
			goto out;
		}
		fprintf(f, "%s)\nexec sh -c \"$line\"\n", s);
		free(s);
		argv_free(&q);
	}
	if ((rv = files_commit(f, tmp, sb)) != 0) {
		snprintf(err, errlen, "%s: %s", sb, strerror(rv));
		goto out;
	}
	fprintf(out, "sweep: %zu runs in %s, not run. Run them with one of\n"
	    "  parallel --jobs %zu < %s\n"
	    "  parallel --sshloginfile HOSTS < %s   (a shared filesystem)\n"
	    "  sbatch %s\n"
	    "then: ./sim sweep --collate %s\n", p->nruns, jobs, o->jobs, jobs,
	    jobs, sb, dir);
out:
	free(jobs);
	free(sb);
	return (rv);
}

int
sweep_run(const struct sweep_opts *o, FILE *out, FILE *report,
    size_t *nfailed, char *err, size_t errlen)
{
	char *scen = NULL, *pfsim = NULL, *dir = NULL, *name = NULL, *csv;
	struct pool_job *jobs = NULL;
	struct pool_opts po;
	struct plan p;
	int *status = NULL, rv;
	size_t r;

	*nfailed = 0;
	memset(&p, 0, sizeof(p));
	if (grid_npoints(o->grid) > GRID_MAXRUNS / o->nseeds) {
		snprintf(err, errlen, "more than %d runs", GRID_MAXRUNS);
		return (EINVAL);
	}
	if (access(o->scenario, R_OK) != 0) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", o->scenario, strerror(rv));
		return (EINVAL);
	}
	rv = ENOMEM;
	if ((scen = files_abspath(o->scenario)) == NULL ||
	    (pfsim = files_pfsim()) == NULL)
		goto out;
	if (o->outdir != NULL)
		dir = files_abspath(o->outdir);
	else if ((name = files_scenario_name(o->scenario)) != NULL &&
	    asprintf(&csv, "results/sweep-%s", name) >= 0) {
		dir = files_abspath(csv);
		free(csv);
	}
	if (dir == NULL)
		goto out;
	if ((rv = files_prepare(dir, "plan.csv", err, errlen)) != 0) {
		rv = rv == EEXIST ? EINVAL : rv;
		goto out;
	}
	if (asprintf(&csv, "%s/sweep.csv", dir) >= 0) {
		unlink(csv);		/* never a stale one */
		free(csv);
	}
	if ((rv = plan_make(o, pfsim, scen, dir, &p)) != 0 ||
	    (rv = plan_write(o, &p, dir, err, errlen)) != 0)
		goto out;
	if (o->emit != NULL) {
		rv = emit_jobs(o, &p, dir, out, err, errlen);
		goto out;
	}
	if ((jobs = calloc(p.nruns, sizeof(*jobs))) == NULL ||
	    (status = calloc(p.nruns, sizeof(*status))) == NULL) {
		rv = ENOMEM;
		goto out;
	}
	for (r = 0; r < p.nruns; r++) {
		jobs[r].argv = p.argv[r].v;
		jobs[r].errpath = p.errpath[r];
	}
	po.jobs = o->jobs;
	po.label = "sweep";
	po.progress = o->progress;
	if ((rv = pool_run(jobs, p.nruns, &po)) != 0) {
		snprintf(err, errlen, "%s", rv == EINTR ? "interrupted" :
		    strerror(rv));
		goto out;
	}
	for (r = 0; r < p.nruns; r++)
		status[r] = jobs[r].status;
	rv = sweep_collate(dir, status, p.nruns, out, report, nfailed, err,
	    errlen);
out:
	if (rv == ENOMEM && err[0] == '\0')
		snprintf(err, errlen, "out of memory");
	plan_free(&p);
	free(jobs);
	free(status);
	free(scen);
	free(pfsim);
	free(dir);
	free(name);
	return (rv);
}

static int
isrunid(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return (0);
	return (1);
}

/* Status and error text of one run; 0 when it is ok. */
static int
run_outcome(const char *dir, const char *id, const int *status,
    struct summary *s, char *msg, size_t len)
{
	char *path, serr[256];
	int rv;

	if (asprintf(&path, "%s/runs/%s.err", dir, id) < 0)
		return (ENOMEM);
	if (status != NULL && *status != 0) {
		if (files_first_line(path, msg, len) != 0) {
			if (*status < 0)
				snprintf(msg, len, "did not run");
			else if (*status > 128)
				snprintf(msg, len, "killed by signal %d",
				    *status - 128);
			else
				snprintf(msg, len, "exit status %d", *status);
		}
		free(path);
		return (EIO);
	}
	free(path);
	if (asprintf(&path, "%s/runs/%s/summary.json", dir, id) < 0)
		return (ENOMEM);
	rv = summary_read(path, s, serr, sizeof(serr));
	free(path);
	if (rv == ENOENT) {
		if (asprintf(&path, "%s/runs/%s.err", dir, id) < 0)
			return (ENOMEM);
		if (status != NULL ||
		    files_first_line(path, msg, len) != 0)
			snprintf(msg, len, "no summary.json");
		free(path);
	} else if (rv != 0)
		snprintf(msg, len, "summary.json: %s", serr);
	return (rv);
}

int
sweep_collate(const char *dir, const int *status, size_t nstatus,
    FILE *out, FILE *report, size_t *nfailed, char *err, size_t errlen)
{
	char *plan = NULL, *csvpath = NULL, *tmp = NULL;
	char **h = NULL, **row = NULL, msg[ERRLINE_MAX];
	size_t nh = 0, nrow = 0, i, r = 0;
	FILE *pf = NULL, *f = NULL;
	struct summary s;
	int rv = 0, k, m;

	*nfailed = 0;
	if (asprintf(&plan, "%s/plan.csv", dir) < 0 ||
	    asprintf(&csvpath, "%s/sweep.csv", dir) < 0) {
		free(plan);
		snprintf(err, errlen, "out of memory");
		return (ENOMEM);
	}
	if ((pf = fopen(plan, "r")) == NULL) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", plan, strerror(rv));
		rv = EINVAL;
		goto out;
	}
	if ((k = csv_read(pf, &h, &nh)) <= 0 || nh < 3 ||
	    strcmp(h[0], "run") != 0 || strcmp(h[nh - 2], "seed") != 0 ||
	    strcmp(h[nh - 1], "command") != 0) {
		snprintf(err, errlen, "%s: not a sweep plan (run,KEYS...,"
		    "seed,command)", plan);
		rv = EINVAL;
		goto out;
	}
	if ((f = files_create(csvpath, &tmp)) == NULL) {
		rv = errno;
		snprintf(err, errlen, "%s: %s", csvpath, strerror(rv));
		goto out;
	}
	for (i = 0; i < nh - 1; i++) {
		csv_field(f, h[i]);
		fputc(',', f);
	}
	fputs("status,error", f);
	for (m = 0; m < SUMMARY_NMETRICS; m++)
		fprintf(f, ",%s", summary_name(m));
	fputc('\n', f);
	while ((k = csv_read(pf, &row, &nrow)) > 0) {
		if (nrow != nh || !isrunid(row[0])) {
			snprintf(err, errlen, "%s: line %zu: expected %zu "
			    "fields, the first a run number", plan, r + 2, nh);
			rv = EINVAL;
			goto out;
		}
		for (i = 0; i < nh - 1; i++) {
			csv_field(f, row[i]);
			fputc(',', f);
		}
		msg[0] = '\0';
		rv = run_outcome(dir, row[0], status != NULL && r < nstatus ?
		    &status[r] : NULL, &s, msg, sizeof(msg));
		if (rv == ENOMEM) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		if (rv == 0) {
			fputs("ok,", f);
			for (m = 0; m < SUMMARY_NMETRICS; m++) {
				fputc(',', f);
				if (s.have[m])
					summary_print(f, s.v[m]);
			}
		} else {
			(*nfailed)++;
			fputs("failed,", f);
			csv_field(f, msg);
			for (m = 0; m < SUMMARY_NMETRICS; m++)
				fputc(',', f);
			if (*nfailed == 1)
				fprintf(report, "failed runs:\n");
			fprintf(report, "  %s (", row[0]);
			for (i = 1; i < nh - 2; i++)
				fprintf(report, "%s=%s, ", h[i], row[i]);
			fprintf(report, "seed %s): %s\n", row[nh - 2], msg);
		}
		rv = 0;
		fputc('\n', f);
		csv_free(row, nrow);
		row = NULL;
		nrow = 0;
		r++;
	}
	if (k < 0) {
		rv = errno;
		snprintf(err, errlen, "%s: line %zu: %s", plan, r + 2,
		    rv == EINVAL ? "malformed CSV" : strerror(rv));
		goto out;
	}
	rv = files_commit(f, tmp, csvpath);
	f = NULL;
	tmp = NULL;
	if (rv != 0) {
		snprintf(err, errlen, "%s: %s", csvpath, strerror(rv));
		goto out;
	}
	fprintf(out, "sweep: %zu runs, %zu failed: %s\n", r, *nfailed,
	    csvpath);
out:
	if (f != NULL) {
		fclose(f);
		unlink(tmp);
	}
	free(tmp);
	if (pf != NULL)
		fclose(pf);
	csv_free(h, nh);
	csv_free(row, nrow);
	free(plan);
	free(csvpath);
	return (rv);
}
