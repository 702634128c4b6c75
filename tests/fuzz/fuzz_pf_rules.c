/*
 * pf_parse_rules (models/pf/pf_parse.c) on arbitrary pf.conf text: it
 * returns 0 with rules, or -1 with a message that names the text and a
 * line; it never crashes, and pf_free_rules returns everything.
 */
#include <stdlib.h>
#include <string.h>

#include "models/pf/pfvar.h"

int	LLVMFuzzerTestOneInput(const u_int8_t *, size_t);

/* Stop at a check that failed (also in NDEBUG builds). */
#define FZ_CHECK(e) do {						\
	if (!(e)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #e);					\
		abort();						\
	}								\
} while (0)

int
LLVMFuzzerTestOneInput(const u_int8_t *data, size_t size)
{
	struct pf_rulequeue q;
	struct pf_conf_opts o;
	struct pf_rule *r;
	char *text, err[256];
	u_int32_t nr = 0;
	int rv;
	static int stats = -1;	/* FUZZ_STATS=1: print the outcome */

	if ((text = malloc(size + 1)) == NULL)
		return (0);
	memcpy(text, data, size);
	text[size] = '\0';

	TAILQ_INIT(&q);
	pf_conf_opts_init(&o);
	err[0] = '\0';
	rv = pf_parse_rules(text, "fuzz.conf", 1, &q, &o, err, sizeof(err));
	if (stats == -1)
		stats = getenv("FUZZ_STATS") != NULL;
	if (stats && rv != 0)
		fprintf(stderr, "fuzz: %s\n", err);
	if (rv == 0) {
		/* rules numbered from 0 in order */
		TAILQ_FOREACH(r, &q, entries)
			FZ_CHECK(r->nr == nr++);
		if (stats)
			fprintf(stderr, "fuzz: %u rules\n", nr);
		FZ_CHECK(o.nskip >= 0 && o.nskip <= 8);
	} else {
		FZ_CHECK(rv == -1);
		FZ_CHECK(TAILQ_EMPTY(&q));
		FZ_CHECK(strncmp(err, "fuzz.conf:", 10) == 0);
		FZ_CHECK(strlen(err) < sizeof(err));
	}
	pf_free_rules(&q);

	/* the same text from --set (first_line 0) after the rules above:
	 * "--set: rules: ...", or "--set:N: ..." past its first line */
	TAILQ_INIT(&q);
	pf_conf_opts_init(&o);
	if (pf_parse_rules("pass\n", "fuzz.conf", 1, &q, &o, err,
	    sizeof(err)) == 0 && pf_parse_rules(text, "--set", 0, &q, &o,
	    err, sizeof(err)) != 0)
		FZ_CHECK(strncmp(err, "--set: rules: ", 14) == 0 ||
		    (strncmp(err, "--set:", 6) == 0 && err[6] >= '1' &&
		    err[6] <= '9'));
	pf_free_rules(&q);
	free(text);
	return (0);
}
