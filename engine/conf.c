/* Scenario parser and parameter table (see conf.h). */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define CONF_MAXTYPES	16	/* registrations of one section type */
#define CONF_MAXSIZE	(16 << 20)	/* largest scenario file read */

struct kv {
	struct kv		*next;
	char			*key;
	char			*val;
	size_t			 len, cap;	/* of val: strlen, allocated */
	int			 line;
	int			 from_like;
	const struct param_spec	*spec;
};

struct conf_section {
	struct conf		*conf;
	struct conf_section	*hnext;		/* hash chain */
	uint32_t		 hash;
	char			*type;
	char			*name;
	int			 line;
	struct kv		*kvs, **tail;
};

/*
 * Sections in file order (secs), and a hash of "type name" so that a
 * lookup does not scan every earlier section: a scenario of n sections
 * parses in O(n). first[] holds the first section of each type seen (a
 * few: one per registered type), for conf_find(c, type, NULL).
 */
struct conf {
	char			*path;
	const struct section_type *const *types;
	struct conf_section	**secs;
	int			 n, cap;
	struct conf_section	**htab;
	size_t			 hsize;		/* a power of 2, or 0 */
	struct conf_section	**first;
	int			 nfirst, capfirst;
};

static void
nomem(void)
{
	fprintf(stderr, "pfsim: out of memory\n");
	exit(1);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		nomem();
	return d;
}

/* Does any registration of this type exist? */
static const struct section_type *
type_find(const struct section_type *const *types, const char *type)
{
	for (; *types; types++)
		if (strcmp((*types)->type, type) == 0)
			return *types;
	return NULL;
}

static const struct param_spec *
spec_find(const struct section_type *const *types, const char *type,
    const char *key)
{
	const struct param_spec *ps;

	for (; *types; types++) {
		if (strcmp((*types)->type, type) != 0)
			continue;
		for (ps = (*types)->params; ps && ps->key; ps++)
			if (strcmp(ps->key, key) == 0)
				return ps;
	}
	return NULL;
}

/*
 * Edit distance between a and b (optimal string alignment: insertions,
 * deletions, substitutions and swaps of two neighbours cost 1), or a
 * large number for keys longer than 63 characters.
 */
static int
edit_distance(const char *a, const char *b)
{
	int d[64][64], i, k, n = (int)strlen(a), m = (int)strlen(b), c;

	if (n > 63 || m > 63)
		return 1000;
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (k = 0; k <= m; k++)
		d[0][k] = k;
	for (i = 1; i <= n; i++) {
		for (k = 1; k <= m; k++) {
			c = d[i - 1][k - 1] + (a[i - 1] != b[k - 1]);
			if (d[i - 1][k] + 1 < c)
				c = d[i - 1][k] + 1;
			if (d[i][k - 1] + 1 < c)
				c = d[i][k - 1] + 1;
			if (i > 1 && k > 1 && a[i - 1] == b[k - 2] &&
			    a[i - 2] == b[k - 1] && d[i - 2][k - 2] + 1 < c)
				c = d[i - 2][k - 2] + 1;
			d[i][k] = c;
		}
	}
	return d[n][m];
}

/*
 * The declared key of this section type nearest to a mistyped one, if it
 * is near enough to be the likely intent: at most 2 edits, and at most a
 * third of the key's length (so that short keys do not match anything).
 * "like" is a candidate where it is allowed (a named section, in a file).
 * NULL if none.
 */
static const char *
key_suggest(const struct section_type *const *types, const char *type,
    bool like, const char *key)
{
	const struct param_spec *ps;
	const char *best = NULL;
	int d, bestd, limit = (int)strlen(key) / 3;

	if (limit > 2)
		limit = 2;
	if (limit < 1)
		limit = 1;
	bestd = limit + 1;
	if (like && (d = edit_distance(key, "like")) < bestd) {
		bestd = d;
		best = "like";
	}
	for (; *types; types++) {
		if (strcmp((*types)->type, type) != 0)
			continue;
		for (ps = (*types)->params; ps && ps->key; ps++)
			if ((d = edit_distance(key, ps->key)) < bestd) {
				bestd = d;
				best = ps->key;
			}
	}
	return best;
}

/* "net.x.delay" or "sim.seed": how messages name a key. */
static void
keyname(const struct conf_section *s, const char *key, char *buf, size_t len)
{
	if (s->name[0])
		snprintf(buf, len, "%s.%s.%s", s->type, s->name, key);
	else
		snprintf(buf, len, "%s.%s", s->type, key);
}

static int
conf_verror(char *err, size_t errlen, const char *file, int line,
    const char *what, const char *fmt, va_list ap)
{
	char msg[512];
	int n = 0;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err == NULL || errlen == 0)
		return -1;
	err[0] = '\0';
	if (file != NULL && line >= 0)
		n = snprintf(err, errlen, "%s:%d: ", file, line);
	else if (file != NULL)
		n = snprintf(err, errlen, "%s: ", file);
	if (n >= 0 && (size_t)n < errlen && what != NULL)
		n += snprintf(err + n, errlen - n, "%s: ", what);
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - n, "%s", msg);
	return -1;
}

int
conf_error(char *err, size_t errlen, const char *file, int line,
    const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verror(err, errlen, file, line, what, fmt, ap);
	va_end(ap);
	return -1;
}

int
conf_key_error(char *err, size_t errlen, const struct conf_section *s,
    const char *key, const char *fmt, ...)
{
	char kn[160];
	va_list ap;

	va_start(ap, fmt);
	if (s == NULL)
		conf_verror(err, errlen, NULL, -1, key, fmt, ap);
	else {
		if (key == NULL && s->name[0])
			snprintf(kn, sizeof(kn), "%s.%s", s->type, s->name);
		else if (key == NULL)
			snprintf(kn, sizeof(kn), "%s", s->type);
		else
			keyname(s, key, kn, sizeof(kn));
		conf_verror(err, errlen, s->conf->path, conf_line(s, key), kn,
		    fmt, ap);
	}
	va_end(ap);
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

struct unit {
	const char	*name;
	double		 mult;
};

static const struct unit dur_units[] = {
	{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	{ "min", 60e9 }, { NULL, 0 }
};
static const struct unit bit_units[] = {
	{ "bit", 1 }, { "Kbit", 1e3 }, { "kbit", 1e3 }, { "Mbit", 1e6 },
	{ "Gbit", 1e9 }, { NULL, 0 }
};
static const struct unit pps_units[] = {
	{ "pps", 1 }, { "kpps", 1e3 }, { "Mpps", 1e6 }, { NULL, 0 }
};
static const struct unit size_units[] = {
	{ "", 1 }, { "B", 1 }, { "KB", 1024 }, { "MB", 1048576 },
	{ "GB", 1073741824.0 }, { NULL, 0 }
};

static int
parse_unit(const char *text, const struct unit *units, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (end == text || errno != 0 || !isfinite(v))
		return -1;
	if (*end == '\0' && v == 0) {
		*out = 0;
		return 0;
	}
	for (; units->name; units++) {
		if (strcmp(end, units->name) == 0) {
			*out = v * units->mult;
			return 0;
		}
	}
	return -1;
}

int
param_parse(enum param_type t, const char *text, int64_t *iv, double *rv)
{
	double d = 0;
	char *end;
	long long ll;

	*iv = 0;
	*rv = 0;
	switch (t) {
	case PT_INT:
		errno = 0;
		ll = strtoll(text, &end, 10);
		if (end == text || *end != '\0' || errno != 0)
			return -1;
		*iv = ll;
		*rv = (double)ll;
		return 0;
	case PT_DURATION:
		if (parse_unit(text, dur_units, &d) != 0)
			return -1;
		break;
	case PT_BITRATE:
		if (parse_unit(text, bit_units, &d) != 0)
			return -1;
		break;
	case PT_PKTRATE:
		if (parse_unit(text, pps_units, &d) != 0)
			return -1;
		if (d < 0 || d > 9.2e18)
			return -1;
		*rv = d;
		*iv = (int64_t)llround(d);
		return 0;
	case PT_SIZE:
		if (parse_unit(text, size_units, &d) != 0)
			return -1;
		break;
	case PT_REAL:
		errno = 0;
		d = strtod(text, &end);
		if (end == text || errno != 0 || !isfinite(d))
			return -1;
		if (strcmp(end, "%") == 0)
			d /= 100;
		else if (*end != '\0')
			return -1;
		if (d < -9.2e18 || d > 9.2e18)
			return -1;
		*rv = d;
		*iv = (int64_t)d;
		return 0;
	case PT_BOOL:
		if (!strcmp(text, "yes") || !strcmp(text, "on") ||
		    !strcmp(text, "true") || !strcmp(text, "1"))
			*iv = 1;
		else if (!strcmp(text, "no") || !strcmp(text, "off") ||
		    !strcmp(text, "false") || !strcmp(text, "0"))
			*iv = 0;
		else
			return -1;
		*rv = (double)*iv;
		return 0;
	default:
		return 0;
	}
	if (d < 0 || d > 9.2e18)
		return -1;
	*rv = d;
	*iv = (int64_t)llround(d);
	return 0;
}

const struct param_spec *
param_find(const struct param_spec *params, const char *key)
{
	const struct param_spec *ps;

	for (ps = params; ps && ps->key; ps++)
		if (strcmp(ps->key, key) == 0)
			return ps;
	return NULL;
}

/* The default text of a declared key with a default, else abort. */
static const struct param_spec *
param_default_spec(const struct param_spec *params, const char *key)
{
	const struct param_spec *ps = param_find(params, key);

	if (ps == NULL || ps->def == NULL) {
		fprintf(stderr, "pfsim: internal error: %s is not a declared "
		    "parameter with a default\n", key);
		abort();
	}
	return ps;
}

int64_t
param_default_int(const struct param_spec *params, const char *key)
{
	const struct param_spec *ps = param_default_spec(params, key);
	int64_t iv;
	double rv;

	if (param_parse(ps->type, ps->def, &iv, &rv) != 0)
		return 0;
	return iv;
}

double
param_default_real(const struct param_spec *params, const char *key)
{
	const struct param_spec *ps = param_default_spec(params, key);
	int64_t iv;
	double rv;

	if (param_parse(ps->type, ps->def, &iv, &rv) != 0)
		return 0;
	return rv;
}

const char *
param_default_str(const struct param_spec *params, const char *key)
{
	return param_default_spec(params, key)->def;
}

static const char *
type_expect(const struct param_spec *ps)
{
	switch (ps->type) {
	case PT_INT:
		return "expected an integer";
	case PT_DURATION:
		return "expected a duration with a unit (ns, us, ms, s), "
		    "like 50us";
	case PT_BITRATE:
		return "expected a bit rate with a unit (bit, Kbit, Mbit, "
		    "Gbit), like 1Gbit";
	case PT_PKTRATE:
		return "expected a packet rate with a unit (pps, kpps), "
		    "like 5000pps";
	case PT_SIZE:
		return "expected a size in bytes (optionally KB, MB, GB)";
	case PT_REAL:
		return "expected a number (or a percentage like 1%)";
	case PT_BOOL:
		return "expected yes or no";
	default:
		return "bad value";
	}
}

/* Validate text for ps; 0 or -1 with msg written. */
static int
check_value(const struct param_spec *ps, const char *text, char *msg,
    size_t len)
{
	int64_t iv;
	double rv;
	const char *c, *bar;
	size_t n;

	if (ps->type == PT_ENUM) {
		for (c = ps->choices; c && *c; c = bar + 1) {
			bar = strchr(c, '|');
			n = bar ? (size_t)(bar - c) : strlen(c);
			if (strlen(text) == n && strncmp(c, text, n) == 0)
				return 0;
			if (bar == NULL)
				break;
		}
		snprintf(msg, len, "'%s': expected one of %s", text,
		    ps->choices);
		return -1;
	}
	if (ps->type == PT_STRING || ps->type == PT_LIST ||
	    ps->type == PT_TEXT) {
		if (*text == '\0' && ps->def == NULL) {
			snprintf(msg, len, "empty value");
			return -1;
		}
		return 0;
	}
	if (param_parse(ps->type, text, &iv, &rv) != 0) {
		snprintf(msg, len, "'%s': %s", text, type_expect(ps));
		return -1;
	}
	if (ps->min < ps->max) {
		int bad = ps->type == PT_REAL ?
		    (rv < (double)ps->min || rv > (double)ps->max) :
		    (iv < ps->min || iv > ps->max);

		if (bad) {
			snprintf(msg, len, "'%s': out of range %lld..%lld",
			    text, (long long)ps->min, (long long)ps->max);
			return -1;
		}
	}
	return 0;
}

static struct kv *
kv_find(const struct conf_section *s, const char *key)
{
	struct kv *kv;

	for (kv = s->kvs; kv; kv = kv->next)
		if (strcmp(kv->key, key) == 0)
			return kv;
	return NULL;
}

static struct kv *
kv_add(struct conf_section *s, const char *key, const char *val, int line,
    const struct param_spec *ps)
{
	struct kv *kv = calloc(1, sizeof(*kv));

	if (kv == NULL)
		nomem();
	kv->key = xstrdup(key);
	kv->val = xstrdup(val);
	kv->len = strlen(val);
	kv->cap = kv->len + 1;
	kv->line = line;
	kv->spec = ps;
	*s->tail = kv;
	s->tail = &kv->next;
	return kv;
}

static void
kv_set(struct kv *kv, const char *val, int line)
{
	free(kv->val);
	kv->val = xstrdup(val);
	kv->len = strlen(val);
	kv->cap = kv->len + 1;
	kv->line = line;
	kv->from_like = 0;
}

/*
 * Append "\n" and text to a multi-line value. The buffer doubles when
 * full, so a value of n continuation lines costs O(total length), not
 * one copy of the whole value per line.
 */
static void
kv_append(struct kv *kv, const char *text)
{
	size_t n = strlen(text), need = kv->len + 1 + n + 1;
	char *v;

	if (need > kv->cap) {
		size_t cap = kv->cap * 2;

		if (cap < need)
			cap = need;
		if ((v = realloc(kv->val, cap)) == NULL)
			nomem();
		kv->val = v;
		kv->cap = cap;
	}
	kv->val[kv->len++] = '\n';
	memcpy(kv->val + kv->len, text, n + 1);
	kv->len += n;
}

/* FNV-1a of "type\0name". */
static uint32_t
sec_hash(const char *type, const char *name)
{
	uint32_t h = 2166136261u;

	for (; *type; type++)
		h = (h ^ (unsigned char)*type) * 16777619u;
	h *= 16777619u;		/* the '\0' between */
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

/* Rehash into twice as many buckets once there are as many sections. */
static void
sec_hash_grow(struct conf *c)
{
	size_t nsize = c->hsize ? c->hsize * 2 : 64, i;
	struct conf_section **nt = calloc(nsize, sizeof(*nt)), *s, *next;

	if (nt == NULL)
		nomem();
	for (i = 0; i < c->hsize; i++)
		for (s = c->htab[i]; s; s = next) {
			next = s->hnext;
			s->hnext = nt[s->hash & (nsize - 1)];
			nt[s->hash & (nsize - 1)] = s;
		}
	free(c->htab);
	c->htab = nt;
	c->hsize = nsize;
}

static struct conf_section *
section_add(struct conf *c, const char *type, const char *name, int line)
{
	struct conf_section *s = calloc(1, sizeof(*s)), **b;
	int i;

	if (s == NULL)
		nomem();
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		if ((c->secs = realloc(c->secs, c->cap * sizeof(*c->secs))) ==
		    NULL)
			nomem();
	}
	s->conf = c;
	s->type = xstrdup(type);
	s->name = xstrdup(name);
	s->line = line;
	s->tail = &s->kvs;
	c->secs[c->n++] = s;
	if ((size_t)c->n > c->hsize)
		sec_hash_grow(c);
	s->hash = sec_hash(type, name);
	b = &c->htab[s->hash & (c->hsize - 1)];
	s->hnext = *b;
	*b = s;
	for (i = 0; i < c->nfirst; i++)
		if (strcmp(c->first[i]->type, type) == 0)
			return s;
	if (c->nfirst == c->capfirst) {
		c->capfirst = c->capfirst ? c->capfirst * 2 : 8;
		if ((c->first = realloc(c->first, c->capfirst *
		    sizeof(*c->first))) == NULL)
			nomem();
	}
	c->first[c->nfirst++] = s;
	return s;
}

/* O(1) on average: the hash, or first[] when any name will do. */
struct conf_section *
conf_find(const struct conf *c, const char *type, const char *name)
{
	struct conf_section *s;
	uint32_t h;
	int i;

	if (name == NULL) {
		for (i = 0; i < c->nfirst; i++)
			if (strcmp(c->first[i]->type, type) == 0)
				return c->first[i];
		return NULL;
	}
	if (c->hsize == 0)
		return NULL;
	h = sec_hash(type, name);
	for (s = c->htab[h & (c->hsize - 1)]; s; s = s->hnext)
		if (s->hash == h && strcmp(s->type, type) == 0 &&
		    strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Parse a "[type name]" header into s; 0 or -1 with err. */
static int
parse_header(struct conf *c, char *p, int line, struct conf_section **cur,
    char *err, size_t errlen)
{
	char *end = strchr(p, ']'), *type, *name;
	const struct section_type *st;

	if (end == NULL || *trim(end + 1) != '\0') {
		conf_error(err, errlen, c->path, line, NULL,
		    "malformed section header");
		return -1;
	}
	*end = '\0';
	type = trim(p + 1);
	name = type;
	while (*name && !isspace((unsigned char)*name))
		name++;
	if (*name)
		*name++ = '\0';
	name = trim(name);
	if ((st = type_find(c->types, type)) == NULL) {
		conf_error(err, errlen, c->path, line, NULL,
		    "unknown section [%s]", type);
		return -1;
	}
	if (st->named && *name == '\0') {
		conf_error(err, errlen, c->path, line, NULL, "section [%s] "
		    "needs a name, like [%s NAME]", type, type);
		return -1;
	}
	if (!st->named && *name != '\0') {
		conf_error(err, errlen, c->path, line, NULL,
		    "section [%s] takes no name", type);
		return -1;
	}
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-") != strlen(name) || strlen(name) > 31) {
		conf_error(err, errlen, c->path, line, NULL, "[%s %s]: a name "
		    "is one word of at most 31 letters, digits, '_' or '-'",
		    type, name);
		return -1;
	}
	if ((*cur = conf_find(c, type, name)) != NULL ||
	    (!st->multi && (*cur = conf_find(c, type, NULL)) != NULL)) {
		conf_error(err, errlen, c->path, line, NULL, "duplicate "
		    "section [%s%s%s] (first at line %d)", type,
		    *name ? " " : "", name, (*cur)->line);
		return -1;
	}
	*cur = section_add(c, type, name, line);
	return 0;
}

static int
apply_like(struct conf *c, struct conf_section *s, const char *other,
    int line, char *err, size_t errlen)
{
	struct conf_section *o = conf_find(c, s->type, other);
	struct kv *kv;
	char kn[160];

	if (o == NULL || o == s) {
		keyname(s, "like", kn, sizeof(kn));
		return conf_error(err, errlen, c->path, line, kn,
		    "no earlier [%s %s]", s->type, other);
	}
	for (kv = o->kvs; kv; kv = kv->next) {
		struct kv *mine = kv_find(s, kv->key);

		if (mine == NULL)
			kv_add(s, kv->key, kv->val, kv->line, kv->spec)->
			    from_like = 1;
	}
	return 0;
}

static int
set_key(struct conf *c, struct conf_section *s, const char *key,
    const char *val, int line, int override, char *err, size_t errlen)
{
	const struct param_spec *ps;
	struct kv *kv;
	char kn[160], msg[256];
	const char *where = c->path;

	keyname(s, key, kn, sizeof(kn));
	if (line == 0)
		where = "--set";
	if (strcmp(key, "like") == 0 && line > 0) {
		if (s->name[0] == '\0') {
			return conf_error(err, errlen, where, line, kn,
			    "[%s] cannot use like", s->type);
		}
		return apply_like(c, s, val, line, err, errlen);
	}
	if ((ps = spec_find(c->types, s->type, key)) == NULL) {
		const char *near = key_suggest(c->types, s->type,
		    s->name[0] != '\0' && line > 0, key);
		char hint[200];

		if (near != NULL) {
			keyname(s, near, hint, sizeof(hint));
			snprintf(msg, sizeof(msg), "unknown key; did you mean "
			    "%s?", hint);
		} else
			snprintf(msg, sizeof(msg), "unknown key (see ./sim "
			    "--params)");
		return conf_error(err, errlen, where, line ? line : -1, kn,
		    "%s", msg);
	}
	if (check_value(ps, val, msg, sizeof(msg)) != 0) {
		return conf_error(err, errlen, where, line ? line : -1, kn,
		    "%s", msg);
	}
	if ((kv = kv_find(s, key)) != NULL) {
		if (!kv->from_like && !override) {
			return conf_error(err, errlen, where, line, kn,
			    "duplicate key (first at line %d)", kv->line);
		}
		/* --set (line 0) keeps the key's line in the file, so that
		 * later errors about the value still name a real line. */
		kv_set(kv, val, line ? line : kv->line);
		return 0;
	}
	kv_add(s, key, val, line ? line : s->line, ps);
	return 0;
}

static struct conf *
conf_new(const char *name, const struct section_type *const *types)
{
	struct conf *c = calloc(1, sizeof(*c));

	if (c == NULL)
		nomem();
	c->path = xstrdup(name);
	c->types = types;
	return c;
}

/*
 * The end of the line that starts at line: the first "\n" or "\r"
 * (a line ends in "\n", "\r\n" or, as in old Mac OS files, "\r"), or
 * the string's end. *next gets the start of the following line, or NULL.
 */
static char *
line_end(char *line, char **next)
{
	char *e = line + strcspn(line, "\r\n");

	if (*e == '\0')
		*next = NULL;
	else if (e[0] == '\r' && e[1] == '\n')
		*next = e + 2;
	else
		*next = e + 1;
	return e;
}

struct conf *
conf_parse(const char *name, const char *text,
    const struct section_type *const *types, char *err, size_t errlen)
{
	struct conf *c = conf_new(name, types);
	struct conf_section *cur = NULL;
	struct kv *last = NULL;
	char *buf = xstrdup(text), *line, *next, *p, *eq;
	int lineno = 0;

	for (line = buf; line; line = next) {
		int indented;

		lineno++;
		*line_end(line, &next) = '\0';
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		indented = isspace((unsigned char)*line);
		p = trim(line);
		if (*p == '\0')
			continue;
		if (indented && last && last->spec &&
		    last->spec->type == PT_TEXT) {
			/* Continuation of a multi-line value. */
			kv_append(last, p);
			continue;
		}
		if (*p == '[') {
			if (parse_header(c, p, lineno, &cur, err, errlen) != 0)
				goto fail;
			last = NULL;
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			conf_error(err, errlen, name, lineno, NULL,
			    "expected 'key = value' or '[section]'");
			goto fail;
		}
		*eq = '\0';
		if (cur == NULL) {
			conf_error(err, errlen, name, lineno, trim(p),
			    "key outside a section");
			goto fail;
		}
		if (*trim(p) == '\0') {
			conf_error(err, errlen, name, lineno, NULL,
			    "missing key before '='");
			goto fail;
		}
		if (set_key(c, cur, trim(p), trim(eq + 1), lineno, 0, err,
		    errlen) != 0)
			goto fail;
		last = kv_find(cur, trim(p));
	}
	/* An empty file (or /dev/null, or comments only) is a mistake, not
	 * a world of defaults with nothing in it. */
	if (c->n == 0) {
		conf_error(err, errlen, name, 0, NULL, "no sections: the "
		    "scenario is empty or only comments (see scenarios/ for "
		    "examples)");
		goto fail;
	}
	free(buf);
	return c;
fail:
	free(buf);
	conf_free(c);
	return NULL;
}

/*
 * Read a whole regular file of at most max bytes into a NUL-terminated
 * buffer (*lenp its length). Anything else is refused with an errno
 * value, and does not block: a FIFO opens with O_NONBLOCK and fails
 * fstat's S_ISREG, as do devices (/dev/zero). A file whose contents do
 * not match its size (/proc/self/status: size 0, yet it reads) is
 * EINVAL, as is one that grows while read.
 */
int
conf_read_file(const char *path, size_t max, char **textp, size_t *lenp)
{
	struct stat st;
	char *text = NULL, extra;
	size_t n = 0;
	ssize_t k;
	int fd, e;

	*textp = NULL;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return errno;
	if (fstat(fd, &st) != 0) {
		e = errno;
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		e = EISDIR;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = ENOTSUP;		/* conf_read_strerror: not regular */
		goto fail;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > max) {
		e = EFBIG;
		goto fail;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		e = ENOMEM;
		goto fail;
	}
	while (n < (size_t)st.st_size) {
		k = read(fd, text + n, (size_t)st.st_size - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			e = errno;
			goto fail;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	while ((k = read(fd, &extra, 1)) < 0 && errno == EINTR)
		;
	if (n != (size_t)st.st_size || k != 0) {
		e = EINVAL;		/* size and contents disagree */
		goto fail;
	}
	close(fd);
	text[n] = '\0';
	*textp = text;
	if (lenp)
		*lenp = n;
	return 0;
fail:
	free(text);
	close(fd);
	return e;
}

const char *
conf_read_strerror(int e)
{
	switch (e) {
	case ENOTSUP:
		return "not a regular file";
	case EINVAL:
		return "not a regular file (its size does not match what it "
		    "reads, as in /proc)";
	default:
		return strerror(e);
	}
}

struct conf *
conf_load(const char *path, const struct section_type *const *types,
    char *err, size_t errlen)
{
	char *text;
	size_t n;
	int e;
	struct conf *c;

	if ((e = conf_read_file(path, CONF_MAXSIZE, &text, &n)) != 0) {
		if (e == EFBIG)
			conf_error(err, errlen, path, 0, "cannot read",
			    "larger than 16 MB");
		else
			conf_error(err, errlen, path, 0, "cannot read", "%s",
			    conf_read_strerror(e));
		return NULL;
	}
	if (memchr(text, '\0', n) != NULL) {
		conf_error(err, errlen, path, 0, "cannot read",
		    "binary file");
		free(text);
		return NULL;
	}
	c = conf_parse(path, text, types, err, errlen);
	free(text);
	return c;
}

void
conf_free(struct conf *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		struct conf_section *s = c->secs[i];
		struct kv *kv, *n;

		for (kv = s->kvs; kv; kv = n) {
			n = kv->next;
			free(kv->key);
			free(kv->val);
			free(kv);
		}
		free(s->type);
		free(s->name);
		free(s);
	}
	free(c->secs);
	free(c->htab);
	free(c->first);
	free(c->path);
	free(c);
}

int
conf_set(struct conf *c, const char *assign, char *err, size_t errlen)
{
	char *buf = xstrdup(assign), *eq = strchr(buf, '='), *type, *name;
	char *key;
	const struct section_type *st;
	struct conf_section *s;
	int rv = -1;

	if (eq == NULL) {
		conf_error(err, errlen, NULL, -1, NULL,
		    "--set %s: expected SECTION.NAME.KEY=VALUE", assign);
		goto out;
	}
	/* A scenario file could not hold it (params.conf must). */
	if (strchr(eq, '#') != NULL) {
		conf_error(err, errlen, NULL, -1, NULL, "--set %s: a value "
		    "cannot hold '#' (it starts a comment in scenario files)",
		    assign);
		goto out;
	}
	*eq = '\0';
	type = trim(buf);
	if ((name = strchr(type, '.')) == NULL) {
		conf_error(err, errlen, NULL, -1, NULL,
		    "--set %s: expected SECTION.NAME.KEY=VALUE", assign);
		goto out;
	}
	*name++ = '\0';
	if ((st = type_find(c->types, type)) == NULL) {
		conf_error(err, errlen, "--set", -1, NULL,
		    "unknown section [%s]", type);
		goto out;
	}
	if (st->named) {
		if ((key = strchr(name, '.')) == NULL) {
			conf_error(err, errlen, NULL, -1, NULL, "--set %s: "
			    "expected %s.NAME.KEY=VALUE", assign, type);
			goto out;
		}
		*key++ = '\0';
	} else {
		key = name;
		name = "";
	}
	if ((s = conf_find(c, type, name)) == NULL) {
		if (st->named) {
			conf_error(err, errlen, "--set", -1, NULL,
			    "no section [%s %s] in %s", type, name, c->path);
			goto out;
		}
		s = section_add(c, type, "", 0);
	}
	rv = set_key(c, s, trim(key), trim(eq + 1), 0, 1, err, errlen);
out:
	free(buf);
	return rv;
}

int
conf_finish(struct conf *c, char *err, size_t errlen)
{
	const struct section_type *const *t;
	const struct param_spec *ps;
	int i;

	/* Unnamed, single sections exist implicitly (defaults). */
	for (t = c->types; *t; t++)
		if (!(*t)->named && conf_find(c, (*t)->type, NULL) == NULL)
			section_add(c, (*t)->type, "", 0);
	for (i = 0; i < c->n; i++) {
		struct conf_section *s = c->secs[i];

		for (t = c->types; *t; t++) {
			if (strcmp((*t)->type, s->type) != 0)
				continue;
			for (ps = (*t)->params; ps && ps->key; ps++) {
				if (ps->def != NULL || kv_find(s, ps->key))
					continue;
				return conf_key_error(err, errlen, s, ps->key,
				    "missing required key");
			}
		}
	}
	return 0;
}

const char *
conf_path(const struct conf *c)
{
	return c->path;
}

struct conf *
conf_of(const struct conf_section *s)
{
	return s->conf;
}

int
conf_nsections(const struct conf *c)
{
	return c->n;
}

struct conf_section *
conf_section_at(const struct conf *c, int i)
{
	return i >= 0 && i < c->n ? c->secs[i] : NULL;
}

const char *
conf_type(const struct conf_section *s)
{
	return s->type;
}

const char *
conf_name(const struct conf_section *s)
{
	return s->name;
}

int
conf_line(const struct conf_section *s, const char *key)
{
	struct kv *kv = key ? kv_find(s, key) : NULL;

	return kv ? kv->line : s->line;
}

static const char *
conf_raw(const struct conf_section *s, const char *key,
    const struct param_spec **psp)
{
	const struct param_spec *ps = spec_find(s->conf->types, s->type, key);
	struct kv *kv;

	if (ps == NULL) {
		fprintf(stderr, "pfsim: internal error: %s.%s is not a "
		    "declared parameter\n", s->type, key);
		abort();
	}
	if (psp)
		*psp = ps;
	if ((kv = kv_find(s, key)) != NULL)
		return kv->val;
	return ps->def ? ps->def : "";
}

bool
conf_isset(const struct conf_section *s, const char *key)
{
	(void)conf_raw(s, key, NULL);
	return kv_find(s, key) != NULL;
}

int64_t
conf_int(const struct conf_section *s, const char *key)
{
	const struct param_spec *ps;
	const char *v = conf_raw(s, key, &ps);
	int64_t iv;
	double rv;

	if (param_parse(ps->type, v, &iv, &rv) != 0)
		return 0;
	return iv;
}

double
conf_real(const struct conf_section *s, const char *key)
{
	const struct param_spec *ps;
	const char *v = conf_raw(s, key, &ps);
	int64_t iv;
	double rv;

	if (param_parse(ps->type, v, &iv, &rv) != 0)
		return 0;
	return rv;
}

bool
conf_bool(const struct conf_section *s, const char *key)
{
	return conf_int(s, key) != 0;
}

const char *
conf_str(const struct conf_section *s, const char *key)
{
	return conf_raw(s, key, NULL);
}

int
conf_list_len(const struct conf_section *s, const char *key)
{
	const char *p = conf_raw(s, key, NULL);
	int n = 0;

	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		n++;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	return n;
}

const char *
conf_list_at(const struct conf_section *s, const char *key, int i,
    char *buf, size_t len)
{
	const char *p = conf_raw(s, key, NULL), *w;
	int n = 0;

	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (n++ == i) {
			snprintf(buf, len, "%.*s", (int)(p - w), w);
			return buf;
		}
	}
	if (len)
		buf[0] = '\0';
	return NULL;
}

/* One value as a scenario file holds it: a multi-line value (PT_TEXT)
 * continues on indented lines, others are one line. */
static void
write_value(FILE *f, const struct param_spec *ps, const char *v,
    const char *indent)
{
	for (; *v; v++) {
		if (*v != '\n')
			fputc(*v, f);
		else if (ps->type == PT_TEXT)
			fprintf(f, "\n%s    ", indent);
		else
			fputc(' ', f);
	}
}

/*
 * The resolved scenario, as a scenario file: every section in order, every
 * declared key in table order. A key the scenario (or --set, or like) set
 * is written as "key = value"; one left at its default is written as a
 * comment, "# key = value (default)", so that it stays unset when the
 * file is run again (models tell a set key from a default one, e.g. a
 * firewall's hw profile fills only unset keys).
 */
int
conf_write_resolved(const struct conf *c, FILE *f)
{
	const struct section_type *const *t;
	const struct param_spec *ps;
	int i;

	for (i = 0; i < c->n; i++) {
		const struct conf_section *s = c->secs[i];

		fprintf(f, "%s[%s%s%s]\n", i ? "\n" : "", s->type,
		    s->name[0] ? " " : "", s->name);
		for (t = c->types; *t; t++) {
			if (strcmp((*t)->type, s->type) != 0)
				continue;
			for (ps = (*t)->params; ps && ps->key; ps++) {
				struct kv *kv = kv_find(s, ps->key);

				if (kv != NULL) {
					fprintf(f, "%s = ", ps->key);
					write_value(f, ps, kv->val, "");
					fputc('\n', f);
					continue;
				}
				fprintf(f, "# %s = ", ps->key);
				if (ps->def == NULL || *ps->def == '\0')
					fputs("\"\"", f);
				else
					write_value(f, ps, ps->def, "#");
				fprintf(f, " (default)\n");
			}
		}
	}
	return ferror(f) ? -1 : 0;
}

static const char *
type_name(enum param_type t)
{
	static const char *const names[] = {
		"int", "duration", "bitrate", "pktrate", "size", "real",
		"bool", "enum", "string", "list", "text"
	};

	return names[t];
}

void
params_print(const struct section_type *const *types, FILE *f)
{
	const struct section_type *const *t;
	const struct param_spec *ps;

	fprintf(f, "%-34s %-9s %-14s %s\n", "SECTION.KEY", "TYPE", "DEFAULT",
	    "HELP");
	for (t = types; *t; t++) {
		for (ps = (*t)->params; ps && ps->key; ps++) {
			char kn[96], def[64];

			snprintf(kn, sizeof(kn), "%s.%s", (*t)->type, ps->key);
			snprintf(def, sizeof(def), "%s", ps->def == NULL ?
			    "(required)" : *ps->def ? ps->def : "\"\"");
			fprintf(f, "%-34s %-9s %-14s %s", kn,
			    type_name(ps->type), def, ps->help ? ps->help : "");
			if (ps->type == PT_ENUM)
				fprintf(f, " [%s]", ps->choices);
			else if (ps->min < ps->max)
				fprintf(f, " [%lld..%lld]", (long long)ps->min,
				    (long long)ps->max);
			fputc('\n', f);
		}
	}
}
