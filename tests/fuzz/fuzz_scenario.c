/*
 * The scenario parser (engine/conf.c) on arbitrary text, with the section
 * types ./sim itself uses (run_section_types: [sim], [net] and every
 * model's). Beyond "no crash":
 *   - a parse error names the file and a line;
 *   - once conf_finish accepts a scenario, every declared key of every
 *     section reads back through its typed getter, and a numeric value
 *     parses and lies within the key's bounds (conf.h: "values were
 *     validated at load time, so getters cannot fail");
 *   - conf_write_resolved writes it all;
 *   - the models' own readers take it: pfsync_config_read for a
 *     [firewall], pf_parse_rules for its rules.
 * Lines "#!set TYPE.NAME.KEY=VALUE" in the input (comments to the
 * parser) are also applied with conf_set, as --set would. FUZZ_STATS=1
 * prints the outcome (to see a seed get where it should).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/conf.h"
#include "models/pf/pfvar.h"
#include "models/pfsync/pfsync.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const struct section_type *const *run_section_types(void);

#define FZ_CHECK(e) do {						\
	if (!(e)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #e);					\
		abort();						\
	}								\
} while (0)

static FILE *devnull;
static int stats = -1;		/* FUZZ_STATS=1: say what became of it */

/* Every declared key of s reads back and is valid. */
static void
check_section(const struct section_type *const *types,
    struct conf_section *s)
{
	const struct section_type *const *t;
	const struct param_spec *ps;
	char buf[256];
	int64_t iv;
	double rv;
	int i, n;

	for (t = types; *t; t++) {
		if (strcmp((*t)->type, conf_type(s)) != 0)
			continue;
		for (ps = (*t)->params; ps && ps->key; ps++) {
			const char *v = conf_str(s, ps->key);

			(void)conf_isset(s, ps->key);
			(void)conf_line(s, ps->key);
			switch (ps->type) {
			case PT_INT:
			case PT_DURATION:
			case PT_BITRATE:
			case PT_PKTRATE:
			case PT_SIZE:
			case PT_BOOL:
			case PT_REAL:
				FZ_CHECK(param_parse(ps->type, v, &iv,
				    &rv) == 0);
				if (ps->min < ps->max && ps->type != PT_REAL)
					FZ_CHECK(iv >= ps->min &&
					    iv <= ps->max);
				if (ps->min < ps->max && ps->type == PT_REAL)
					FZ_CHECK(rv >= (double)ps->min &&
					    rv <= (double)ps->max);
				(void)conf_int(s, ps->key);
				(void)conf_real(s, ps->key);
				(void)conf_bool(s, ps->key);
				break;
			case PT_LIST:
				n = conf_list_len(s, ps->key);
				for (i = 0; i < n; i++)
					FZ_CHECK(conf_list_at(s, ps->key, i,
					    buf, sizeof(buf)) != NULL);
				FZ_CHECK(conf_list_at(s, ps->key, n, buf,
				    sizeof(buf)) == NULL);
				break;
			default:
				break;
			}
		}
	}
}

/* What the firewall model reads without building a world. */
static void
check_firewall(struct conf_section *s)
{
	struct pfsync_config c;
	struct pf_rulequeue q;
	struct pf_conf_opts o;
	char err[512];

	if (pfsync_config_read(&c, s, err, sizeof(err)) == 0) {
		FZ_CHECK(c.maxupdates >= 0 && c.maxupdates <= 255);
		FZ_CHECK(c.version <= PFSYNC_OFF);
	}
	TAILQ_INIT(&q);
	pf_conf_opts_init(&o);
	(void)pf_parse_rules(conf_str(s, "rules"), "fuzz.conf",
	    conf_line(s, "rules"), &q, &o, err, sizeof(err));
	pf_free_rules(&q);
}

/* Apply the input's "#!set ..." lines. */
static int
apply_sets(struct conf *c, const char *text, char *err, size_t errlen)
{
	const char *p, *nl;
	char line[512];
	size_t n;

	for (p = text; (p = strstr(p, "#!set ")) != NULL; p = nl) {
		p += 6;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (conf_set(c, line, err, errlen) != 0)
			return (-1);
		if (nl == NULL)
			break;
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct section_type *const *types = run_section_types();
	struct conf *c;
	char *text, err[1024];
	int i;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (stats == -1)
		stats = getenv("FUZZ_STATS") != NULL;
	if ((text = malloc(size + 1)) == NULL)
		return (0);
	memcpy(text, data, size);
	text[size] = '\0';

	err[0] = '\0';
	c = conf_parse("fuzz.conf", text, types, err, sizeof(err));
	if (c == NULL) {
		if (stats)
			fprintf(stderr, "fuzz: %s\n", err);
		FZ_CHECK(strncmp(err, "fuzz.conf:", 10) == 0);
		free(text);
		return (0);
	}
	FZ_CHECK(strcmp(conf_path(c), "fuzz.conf") == 0);
	if (apply_sets(c, text, err, sizeof(err)) == 0 &&
	    conf_finish(c, err, sizeof(err)) == 0) {
		FZ_CHECK(conf_find(c, "sim", NULL) != NULL);
		for (i = 0; i < conf_nsections(c); i++) {
			struct conf_section *s = conf_section_at(c, i);

			FZ_CHECK(s != NULL);
			check_section(types, s);
			if (strcmp(conf_type(s), "firewall") == 0)
				check_firewall(s);
		}
		FZ_CHECK(conf_section_at(c, conf_nsections(c)) == NULL);
		FZ_CHECK(conf_write_resolved(c, devnull) == 0);
		if (stats)
			fprintf(stderr, "fuzz: %d sections\n",
			    conf_nsections(c));
	} else if (stats)
		fprintf(stderr, "fuzz: %s\n", err);
	conf_free(c);
	free(text);
	return (0);
}
