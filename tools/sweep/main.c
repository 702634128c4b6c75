/*
 * pfsim-sweep sweep|threshold ...: the command lines of "./sim sweep" and
 * "./sim threshold" (see README.md). Exit status: 0 success, 1 failed
 * runs or a failure while running, 2 usage error, 130 interrupted.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "grid.h"
#include "pool.h"
#include "sweep.h"
#include "threshold_cmd.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: sim sweep SCENARIO --vary KEY=V1,V2,...|KEY=START:STOP:STEP"
	    " [--vary ...]\n"
	    "           [--seeds N] [--seed0 S] [--jobs J] [--out DIR]"
	    " [--set KEY=V]...\n"
	    "           [--duration T] [--capture WHAT] [--emit-jobs FILE]\n"
	    "       sim sweep --collate DIR\n"
	    "       sim threshold SCENARIO --baseline BASELINE [--seeds N]"
	    " [--ratio R]\n"
	    "           [--rates LO:HI] [--key KEY] [--grid G] [--jobs J]"
	    " [--out DIR]\n"
	    "           [--set KEY=V]... [--baseline-set KEY=V]..."
	    " [--duration T]\n"
	    "sweep runs SCENARIO at each point of the "
	    "cross product of the --vary\n"
	    "values, once per seed (seed0..seed0+N-1; "
	    "default: seed 1 only), J runs\n"
	    "at a time (default: the CPUs), into DIR/runs/NNNN (default DIR:\n"
	    "results/sweep-SCENARIO), and writes "
	    "DIR/plan.csv and DIR/sweep.csv. A\n"
	    "range keeps its unit and includes STOP: "
	    "flow.bulk.rate=2000:20000:2000pps.\n"
	    "--emit-jobs FILE runs nothing: it writes one "
	    "command per line to FILE,\n"
	    "for `parallel --jobs J < FILE` or `parallel "
	    "--sshloginfile HOSTS < FILE`\n"
	    "(the hosts must share this filesystem), and "
	    "the Slurm array script\n"
	    "FILE.sbatch; --collate DIR then writes DIR/sweep.csv.\n"
	    "\n"
	    "threshold finds the highest rate "
	    "(KEY=<rate>pps, default flow.bulk.rate)\n"
	    "at which, there and at every lower rate "
	    "measured, >= 90%% of seeds 1..N\n"
	    "(10) of SCENARIO deliver >= R (0.95) of what "
	    "BASELINE delivers with the\n"
	    "same seed: a geometric grid of G (8) rates "
	    "over LO:HI (1000:30000), then\n"
	    "midpoints of the bracket. --set applies to "
	    "SCENARIO, --baseline-set to\n"
	    "BASELINE, --duration to both. Writes "
	    "DIR/threshold.csv, runs.csv,\n"
	    "threshold.txt and threshold.svg (default DIR: "
	    "results/threshold-SCENARIO).\n"
	    "\n"
	    "pfsim is $PFSIM, or pfsim next to this program.\n");
}

static int
usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (sim %s --help)\n", cmd);
	return (2);
}

/* A whole number in [min, max]. */
static int
parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

/* A rate LO:HI in pps (each may end in "pps"). */
static int
parse_rates(const char *s, double *lo, double *hi)
{
	unsigned long a, b;
	char *c, buf[64], *p;

	if (strlen(s) >= sizeof(buf))
		return (-1);
	snprintf(buf, sizeof(buf), "%s", s);
	if ((c = strchr(buf, ':')) == NULL)
		return (-1);
	*c++ = '\0';
	if ((p = strstr(buf, "pps")) != NULL && p[3] == '\0')
		*p = '\0';
	if ((p = strstr(c, "pps")) != NULL && p[3] == '\0')
		*p = '\0';
	if (parse_ulong(buf, 1, 1000000000, &a) != 0 ||
	    parse_ulong(c, 1, 1000000000, &b) != 0 || b <= a)
		return (-1);
	*lo = (double)a;
	*hi = (double)b;
	return (0);
}

/* The option that takes a value at argv[*i]; NULL if there is none. */
static const char *
optval(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		return (NULL);
	return (argv[++*i]);
}

/*
 * The pfsim options passed through: --set KEY=V (checked), --duration,
 * --capture, --trace, --backend, --dump-states; setname is the name of
 * --set on our command line (--baseline-set gives pfsim a --set too).
 * 1 when argv[*i] is one (added to pass), 0 when it is not, -1 on error
 * (printed).
 */
/*
 * What both commands take alike at argv[*i]: --help (*status 0, returns
 * -1), the scenario (returns 1), or an option with its value in *v
 * (returns 0; -1 with a message when the value is missing).
 */
static int
common_arg(const char *cmd, int argc, char **argv, int *i,
    const char **scenario, const char **v, int *status)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
		usage(stdout);
		*status = 0;
		return (-1);
	}
	if (a[0] != '-') {
		if (*scenario != NULL) {
			usage_error(cmd, "one scenario at a time (%s)", a);
			return (-1);
		}
		*scenario = a;
		return (1);
	}
	if ((*v = optval(argc, argv, i)) == NULL) {
		usage_error(cmd, "%s: unknown option or missing value", a);
		return (-1);
	}
	return (0);
}

static int
passthrough(const char *cmd, int argc, char **argv, int *i,
    struct argv *pass, const char *setname)
{
	static const char *const withval[] = { "--duration", "--capture",
	    "--trace", "--backend" };
	const char *a = argv[*i], *v;
	char err[256], *key;
	size_t k;
	int rv;

	if (strcmp(a, setname) == 0) {
		if ((v = optval(argc, argv, i)) == NULL)
			return (usage_error(cmd, "%s needs KEY=VALUE", a), -1);
		if (strchr(v, '=') == NULL)
			return (usage_error(cmd, "--set %s: expected KEY=VALUE",
			    v), -1);
		if ((key = strndup(v, (size_t)(strchr(v, '=') - v))) == NULL)
			return (-1);
		rv = grid_check_key(key, err, sizeof(err));
		free(key);
		if (rv != 0)
			return (usage_error(cmd, "--set %s", err), -1);
		if (argv_push(pass, "--set") || argv_push(pass, v))
			return (-1);
		return (1);
	}
	for (k = 0; k < sizeof(withval) / sizeof(withval[0]); k++)
		if (strcmp(a, withval[k]) == 0) {
			if ((v = optval(argc, argv, i)) == NULL)
				return (usage_error(cmd, "%s needs a value", a),
				    -1);
			if (argv_push(pass, a) || argv_push(pass, v))
				return (-1);
			return (1);
		}
	if (strcmp(a, "--dump-states") == 0)
		return (argv_push(pass, a) ? -1 : 1);
	return (0);
}

/* Whether pass has "--set key=...". */
static int
sets_key(const struct argv *pass, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i + 1 < pass->n; i++)
		if (strcmp(pass->v[i], "--set") == 0 &&
		    strncmp(pass->v[i + 1], key, n) == 0 &&
		    pass->v[i + 1][n] == '=')
			return (1);
	return (0);
}

/* Whether --set gives a key that --vary varies: printed. */
static int
set_conflict(const struct argv *pass, const struct grid *g)
{
	size_t a;

	char key[256];
	size_t k;

	for (a = 0; a < g->naxes; a++)
		for (k = 0; grid_key_at(g, a, k, key, sizeof(key)) != NULL;
		    k++)
			if (sets_key(pass, key)) {
				fprintf(stderr, "sweep: %s: both --set and "
				    "--vary\n", key);
				return (1);
			}
	return (0);
}

static int
exit_code(int rv)
{
	if (rv == EINTR)
		return (130);
	return (rv == EINVAL ? 2 : 1);
}

static int
cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	struct grid g;
	struct argv pass;
	const char *collate = NULL, *v;
	unsigned long ul;
	char err[1024];
	size_t nfailed = 0;
	int i, rv, status = 2;

	memset(&o, 0, sizeof(o));
	grid_init(&g);
	argv_init(&pass);
	o.grid = &g;
	o.pass = &pass;
	o.nseeds = 1;
	o.seed0 = 1;
	o.jobs = pool_ncpu();
	o.progress = isatty(2);
	err[0] = '\0';
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if ((rv = passthrough("sweep", argc, argv, &i, &pass,
		    "--set")) < 0)
			goto out;
		if (rv > 0)
			continue;
		if ((rv = common_arg("sweep", argc, argv, &i, &o.scenario, &v,
		    &status)) < 0)
			goto out;
		if (rv > 0)
			continue;
		if (!strcmp(a, "--vary")) {
			if ((rv = grid_add(&g, v, err, sizeof(err))) != 0) {
				if (rv == ENOMEM)
					snprintf(err, sizeof(err), "out of "
					    "memory");
				fprintf(stderr, "sweep: --vary %s\n", err);
				goto out;
			}
		} else if (!strcmp(a, "--seeds")) {
			if (parse_ulong(v, 1, GRID_MAXRUNS, &o.nseeds) != 0) {
				usage_error("sweep", "--seeds %s: expected "
				    "1 or more", v);
				goto out;
			}
		} else if (!strcmp(a, "--seed0")) {
			if (parse_ulong(v, 0, LONG_MAX / 2, &o.seed0) != 0) {
				usage_error("sweep", "--seed0 %s: expected a "
				    "seed (0 or more)", v);
				goto out;
			}
		} else if (!strcmp(a, "--jobs")) {
			if (parse_ulong(v, 1, 4096, &ul) != 0) {
				usage_error("sweep", "--jobs %s: expected "
				    "1..4096", v);
				goto out;
			}
			o.jobs = ul;
			o.jobs_given = 1;
		} else if (!strcmp(a, "--out"))
			o.outdir = v;
		else if (!strcmp(a, "--emit-jobs"))
			o.emit = v;
		else if (!strcmp(a, "--collate"))
			collate = v;
		else {
			usage_error("sweep", "unknown option %s", a);
			goto out;
		}
	}
	if (collate != NULL) {
		if (o.scenario != NULL || g.naxes > 0 || o.emit != NULL) {
			usage_error("sweep", "%s", "--collate DIR takes no "
			    "scenario, --vary or --emit-jobs");
			goto out;
		}
		rv = sweep_collate(collate, NULL, 0, stdout, stderr, &nfailed,
		    err, sizeof(err));
	} else {
		if (o.scenario == NULL || g.naxes == 0) {
			usage_error("sweep", "%s", "a SCENARIO and at least "
			    "one --vary are needed");
			goto out;
		}
		if (set_conflict(&pass, &g))
			goto out;
		rv = sweep_run(&o, stdout, stderr, &nfailed, err, sizeof(err));
	}
	if (rv != 0) {
		fprintf(stderr, "sweep: %s\n", err);
		status = exit_code(rv);
	} else
		status = nfailed > 0 ? 1 : 0;
out:
	grid_free(&g);
	argv_free(&pass);
	return (status);
}

static int
cmd_threshold(int argc, char **argv)
{
	struct threshold_opts o;
	struct argv split, base;
	const char *v;
	unsigned long ul;
	char err[1024], *end;
	int i, rv, status = 2;

	memset(&o, 0, sizeof(o));
	argv_init(&split);
	argv_init(&base);
	o.split_pass = &split;
	o.base_pass = &base;
	o.nseeds = 10;
	o.ratio = 0.95;
	o.lo = 1000;
	o.hi = 30000;
	o.key = "flow.bulk.rate";
	o.grid = 8;
	o.jobs = pool_ncpu();
	o.progress = isatty(2);
	err[0] = '\0';
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		int save = i;

		/* --duration and the like go to both. */
		if ((rv = passthrough("threshold", argc, argv, &i, &split,
		    "--set")) < 0)
			goto out;
		if (rv > 0) {
			if (strcmp(a, "--set") != 0 &&
			    (argv_push(&base, a) ||
			    (i > save && argv_push(&base, argv[i]))))
				goto out;
			continue;
		}
		if ((rv = passthrough("threshold", argc, argv, &i, &base,
		    "--baseline-set")) < 0)
			goto out;
		if (rv > 0)
			continue;
		if ((rv = common_arg("threshold", argc, argv, &i, &o.scenario, &v,
		    &status)) < 0)
			goto out;
		if (rv > 0)
			continue;
		if (!strcmp(a, "--baseline"))
			o.baseline = v;
		else if (!strcmp(a, "--seeds")) {
			if (parse_ulong(v, 1, 100000, &o.nseeds) != 0) {
				usage_error("threshold", "--seeds %s: expected "
				    "1..100000", v);
				goto out;
			}
		} else if (!strcmp(a, "--ratio")) {
			o.ratio = strtod(v, &end);
			if (end == v || *end != '\0' || !(o.ratio > 0) ||
			    !(o.ratio <= 10)) {
				usage_error("threshold", "--ratio %s: expected "
				    "a number in (0, 10], like 0.95", v);
				goto out;
			}
		} else if (!strcmp(a, "--rates")) {
			if (parse_rates(v, &o.lo, &o.hi) != 0) {
				usage_error("threshold", "--rates %s: expected "
				    "LO:HI in pps, 1 <= LO < HI", v);
				goto out;
			}
		} else if (!strcmp(a, "--key")) {
			if (grid_check_key(v, err, sizeof(err)) != 0) {
				usage_error("threshold", "--key %s", err);
				goto out;
			}
			o.key = v;
		} else if (!strcmp(a, "--grid")) {
			if (parse_ulong(v, 2, 1000, &ul) != 0) {
				usage_error("threshold", "--grid %s: expected "
				    "2..1000", v);
				goto out;
			}
			o.grid = ul;
		} else if (!strcmp(a, "--jobs")) {
			if (parse_ulong(v, 1, 4096, &ul) != 0) {
				usage_error("threshold", "--jobs %s: expected "
				    "1..4096", v);
				goto out;
			}
			o.jobs = ul;
		} else if (!strcmp(a, "--out"))
			o.outdir = v;
		else {
			usage_error("threshold", "unknown option %s", a);
			goto out;
		}
	}
	if (o.scenario == NULL || o.baseline == NULL) {
		usage_error("threshold", "%s", "a SCENARIO and --baseline are "
		    "needed");
		goto out;
	}
	if (sets_key(&split, o.key) || sets_key(&base, o.key)) {
		fprintf(stderr, "threshold: %s: the rate is the threshold's "
		    "(--key), not --set\n", o.key);
		goto out;
	}
	rv = threshold_cmd_run(&o, stdout, stderr, err, sizeof(err));
	if (rv != 0) {
		fprintf(stderr, "threshold: %s\n", err);
		status = exit_code(rv);
	} else
		status = 0;
out:
	argv_free(&split);
	argv_free(&base);
	return (status);
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "sweep"))
		return (cmd_sweep(argc, argv));
	if (argc >= 2 && !strcmp(argv[1], "threshold"))
		return (cmd_threshold(argc, argv));
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
	{
		usage(stdout);
		return (0);
	}
	usage(stderr);
	return (2);
}
