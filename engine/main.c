/* ./sim SCENARIO.conf [options]: the command line (see README.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns3/ns3.h"
#include "run.h"

const struct section_type *const *run_section_types(void);

static void
usage(FILE *f)
{
	const char *names[RUN_MAXTRACES];
	int i, n;

	fprintf(f,
	    "usage: sim SCENARIO.conf [--set SECTION.NAME.KEY=VALUE]... "
	    "[--seed N]\n"
	    "           [--duration TIME] [--out DIR] [--backend builtin|ns3]\n"
	    "           [--capture all|sync|merged|none] [--trace NAME,...]\n"
	    "           [--dump-states] [--json] [--quiet] [--realtime]\n"
	    "       sim results/NAME/params.conf   run a run again\n"
	    "       sim --params                   print every parameter\n"
	    "       sim --version                  print pfsim's version\n"
	    "       sim test                       build and run every test\n"
	    "       sim bench                      run the benchmarks\n"
	    "Options take their value as --seed 3 or --seed=3. --quiet "
	    "prints nothing\nbut errors (and the --trace lines asked for). "
	    "--trace names: ");
	n = run_trace_names(names, RUN_MAXTRACES);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", names[i]);
	fputc('\n', f);
}

enum {
	OPT_SET = 256, OPT_SEED, OPT_DURATION, OPT_OUT, OPT_CAPTURE, OPT_TRACE,
	OPT_BACKEND, OPT_JSON, OPT_QUIET, OPT_DUMP, OPT_PARAMS, OPT_VERSION,
	OPT_REALTIME,
};

static const struct option longopts[] = {
	{ "set",	 required_argument, NULL, OPT_SET },
	{ "seed",	 required_argument, NULL, OPT_SEED },
	{ "duration",	 required_argument, NULL, OPT_DURATION },
	{ "out",	 required_argument, NULL, OPT_OUT },
	{ "capture",	 required_argument, NULL, OPT_CAPTURE },
	{ "trace",	 required_argument, NULL, OPT_TRACE },
	{ "backend",	 required_argument, NULL, OPT_BACKEND },
	{ "json",	 no_argument,	    NULL, OPT_JSON },
	{ "quiet",	 no_argument,	    NULL, OPT_QUIET },
	{ "dump-states", no_argument,	    NULL, OPT_DUMP },
	{ "params",	 no_argument,	    NULL, OPT_PARAMS },
	{ "version",	 no_argument,	    NULL, OPT_VERSION },
	{ "realtime",	 no_argument,	    NULL, OPT_REALTIME },
	{ "help",	 no_argument,	    NULL, 'h' },
	{ NULL,		 0,		    NULL, 0 }
};

int
main(int argc, char **argv)
{
	struct run_opts o;
	/* "sim.duration=" and a value of up to MAXVAL characters. */
	enum { MAXVAL = 128 };
	static char buf[64][MAXVAL + 16];
	static char **cmd;	/* static: reachable until exit */
	int c, nbuf = 0;

	memset(&o, 0, sizeof(o));
	/* The command line as typed: getopt_long permutes argv. */
	if ((cmd = calloc((size_t)argc + 1, sizeof(*cmd))) == NULL) {
		fprintf(stderr, "sim: out of memory\n");
		return 1;
	}
	memcpy(cmd, argv, (size_t)argc * sizeof(*cmd));
	o.argc = argc;
	o.argv = cmd;
	opterr = 0;	/* our own messages */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case OPT_PARAMS:
			params_print(run_section_types(), stdout);
			return 0;
		case OPT_VERSION:
			printf("pfsim %s\n", run_version);
			return 0;
		case OPT_SET:
			if (o.nsets == 64) {
				fprintf(stderr, "sim: too many --set\n");
				return 2;
			}
			o.sets[o.nsets++] = optarg;
			break;
		case OPT_SEED:
		case OPT_DURATION:
			/* --seed N is --set sim.seed=N, in order. */
			if (o.nsets == 64 || nbuf == 64) {
				fprintf(stderr, "sim: too many --set\n");
				return 2;
			}
			if (strlen(optarg) > MAXVAL) {
				fprintf(stderr, "sim: --%s: the value is %zu "
				    "characters long; at most %d are accepted\n",
				    c == OPT_SEED ? "seed" : "duration",
				    strlen(optarg), MAXVAL);
				return 2;
			}
			snprintf(buf[nbuf], sizeof(buf[nbuf]), "sim.%s=%s",
			    c == OPT_SEED ? "seed" : "duration", optarg);
			o.sets[o.nsets++] = buf[nbuf++];
			break;
		case OPT_REALTIME:
			/* --realtime is --set sim.clock=realtime, in order. */
			if (o.nsets == 64) {
				fprintf(stderr, "sim: too many --set\n");
				return 2;
			}
			o.sets[o.nsets++] = "sim.clock=realtime";
			break;
		case OPT_OUT:
			o.outdir = optarg;
			break;
		case OPT_CAPTURE:
			o.capture = optarg;
			break;
		case OPT_TRACE:
			o.trace = optarg;
			break;
		case OPT_BACKEND:
			/* --backend X is --set sim.backend=X, in order. */
			if (strcmp(optarg, "builtin") != 0 &&
			    strcmp(optarg, "ns3") != 0) {
				fprintf(stderr, "sim: --backend %s: expected "
				    "builtin or ns3\n", optarg);
				return 2;
			}
			if (strcmp(optarg, "ns3") == 0 && !ns3_available()) {
				fprintf(stderr, "sim: --backend ns3: this pfsim "
				    "was built without ns-3 (install Debian's "
				    "%s and build again)\n", NS3_PACKAGE);
				return 2;
			}
			if (o.nsets == 64) {
				fprintf(stderr, "sim: too many --set\n");
				return 2;
			}
			o.sets[o.nsets++] = strcmp(optarg, "ns3") == 0 ?
			    "sim.backend=ns3" : "sim.backend=builtin";
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_QUIET:
			o.quiet = true;
			break;
		case OPT_DUMP:
			o.dump_states = true;
			break;
		case ':':
			fprintf(stderr, "sim: %s needs a value\n",
			    argv[optind - 1]);
			return 2;
		default:
			/* optopt: a long option's value when it was given a
			 * value it does not take, a short option's letter,
			 * 0 for an unknown (or ambiguous) long option. */
			if (optopt >= OPT_SET)
				fprintf(stderr, "sim: %s takes no value\n",
				    argv[optind - 1]);
			else if (optopt != 0)
				fprintf(stderr, "sim: unknown option -%c\n",
				    optopt);
			else
				fprintf(stderr, "sim: unknown option %s\n",
				    argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		o.scenario = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "sim: one scenario at a time (%s, %s)\n",
		    o.scenario, argv[optind]);
		return 2;
	}
	if (o.scenario == NULL) {
		usage(stderr);
		return 2;
	}
	c = run_main(&o);
	free(cmd);
	return c;
}
