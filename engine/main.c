/* ./sim SCENARIO.conf [options]: the command line (see README.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

const struct section_type *const *run_section_types(void);

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: sim SCENARIO.conf [--set SECTION.NAME.KEY=VALUE]... "
	    "[--seed N]\n"
	    "           [--duration TIME] [--out DIR] [--backend builtin]\n"
	    "           [--capture all|sync|merged|none] [--trace pf,...]\n"
	    "           [--dump-states] [--json] [--quiet]\n"
	    "       sim --params       print every parameter\n"
	    "       sim test           build and run every test\n"
	    "       sim bench          run the benchmarks\n");
}

int
main(int argc, char **argv)
{
	struct run_opts o;
	static char buf[64][128];
	int i, nbuf = 0;

	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

#define NEEDARG() do {							\
	if (v == NULL) {						\
		fprintf(stderr, "sim: %s needs a value\n", a);		\
		return 2;						\
	}								\
	i++;								\
} while (0)
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--params")) {
			params_print(run_section_types(), stdout);
			return 0;
		} else if (!strcmp(a, "--set")) {
			NEEDARG();
			if (o.nsets == 64) {
				fprintf(stderr, "sim: too many --set\n");
				return 2;
			}
			o.sets[o.nsets++] = v;
		} else if (!strcmp(a, "--seed") || !strcmp(a, "--duration")) {
			NEEDARG();
			if (o.nsets == 64 || nbuf == 64) {
				fprintf(stderr, "sim: too many --set\n");
				return 2;
			}
			snprintf(buf[nbuf], sizeof(buf[nbuf]), "sim.%s=%s",
			    a + 2, v);
			o.sets[o.nsets++] = buf[nbuf++];
		} else if (!strcmp(a, "--out")) {
			NEEDARG();
			o.outdir = v;
		} else if (!strcmp(a, "--capture")) {
			NEEDARG();
			o.capture = v;
		} else if (!strcmp(a, "--trace")) {
			NEEDARG();
			o.trace = v;
		} else if (!strcmp(a, "--backend")) {
			NEEDARG();
			if (strcmp(v, "builtin") != 0) {
				fprintf(stderr, "sim: --backend %s: only "
				    "'builtin' is available in this build\n",
				    v);
				return 2;
			}
		} else if (!strcmp(a, "--json"))
			o.json = true;
		else if (!strcmp(a, "--quiet"))
			o.quiet = true;
		else if (!strcmp(a, "--dump-states"))
			o.dump_states = true;
		else if (a[0] == '-') {
			fprintf(stderr, "sim: unknown option %s\n", a);
			usage(stderr);
			return 2;
		} else if (o.scenario == NULL)
			o.scenario = a;
		else {
			fprintf(stderr, "sim: one scenario at a time (%s, %s)\n",
			    o.scenario, a);
			return 2;
		}
	}
	if (o.scenario == NULL) {
		usage(stderr);
		return 2;
	}
	return run_main(&o);
}
