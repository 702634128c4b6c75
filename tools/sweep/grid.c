/*
 * Sweep grids (see grid.h). Ranges are computed in scaled integers (the
 * most decimals any of START, STOP, STEP has), so 0.1:0.3:0.1 gives
 * exactly 0.1, 0.2, 0.3 and no value drifts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"

#define DEC_MAXSCALE	9		/* decimals of a range bound */

/* A decimal number with a unit: mant / 10^scale unit. */
struct dec {
	int64_t		 mant;
	int		 scale;
	const char	*unit;
	size_t		 unitlen;
};

static int
error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return (EINVAL);
}

void
grid_init(struct grid *g)
{
	memset(g, 0, sizeof(*g));
}

static void
axis_free(struct grid_axis *a)
{
	size_t i;

	for (i = 0; i < a->nvalues; i++)
		free(a->values[i]);
	free(a->values);
	free(a->key);
	memset(a, 0, sizeof(*a));
}

void
grid_free(struct grid *g)
{
	size_t i;

	for (i = 0; i < g->naxes; i++)
		axis_free(&g->axes[i]);
	free(g->axes);
	memset(g, 0, sizeof(*g));
}

static int
iskeychar(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-');
}

int
grid_check_key(const char *key, char *err, size_t errlen)
{
	const char *p;
	int dots = 0, seglen = 0;

	/* KEY+KEY...: one axis that sets every key to its value. */
	if ((p = strchr(key, '+')) != NULL) {
		char *first = strndup(key, (size_t)(p - key));
		int rv;

		if (first == NULL)
			return (ENOMEM);
		rv = grid_check_key(first, err, errlen);
		free(first);
		return (rv != 0 ? rv : grid_check_key(p + 1, err, errlen));
	}
	for (p = key; *p != '\0'; p++) {
		if (*p == '.') {
			if (seglen == 0)
				break;
			dots++;
			seglen = 0;
		} else if (iskeychar((unsigned char)*p))
			seglen++;
		else
			break;
	}
	if (*p != '\0' || seglen == 0 || dots < 1)
		return (error(err, errlen, "'%s': expected a key "
		    "SECTION.KEY or SECTION.NAME.KEY (see pfsim --params)",
		    key));
	if (strcmp(key, "sim.seed") == 0)
		return (error(err, errlen, "sim.seed: the seeds come from "
		    "--seeds and --seed0"));
	return (0);
}

/* Parses [-]DIGITS[.DIGITS][UNIT] of s[0..len). */
static int
dec_parse(const char *s, size_t len, struct dec *d)
{
	size_t i = 0, digits = 0;
	int neg = 0;
	int64_t m = 0;

	memset(d, 0, sizeof(*d));
	if (i < len && s[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		if (__builtin_mul_overflow(m, 10, &m) ||
		    __builtin_add_overflow(m, s[i] - '0', &m))
			return (-1);
	if (i < len && s[i] == '.') {
		i++;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (++d->scale > DEC_MAXSCALE ||
			    __builtin_mul_overflow(m, 10, &m) ||
			    __builtin_add_overflow(m, s[i] - '0', &m))
				return (-1);
			digits++;
		}
		if (d->scale == 0)
			return (-1);
	}
	if (digits == 0)
		return (-1);
	d->unit = s + i;
	for (; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '%'))
			return (-1);
	d->unitlen = (size_t)(s + len - d->unit);
	d->mant = neg ? -m : m;
	return (0);
}

/* d scaled to scale decimals (>= d->scale); -1 on overflow. */
static int
dec_rescale(const struct dec *d, int scale, int64_t *out)
{
	int64_t m = d->mant;
	int i;

	for (i = d->scale; i < scale; i++)
		if (__builtin_mul_overflow(m, 10, &m))
			return (-1);
	*out = m;
	return (0);
}

static char *
dec_format(int64_t v, int scale, const char *unit, size_t unitlen)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t p = 1;
	char *s;
	int i, n;

	for (i = 0; i < scale; i++)
		p *= 10;
	if (scale > 0)
		n = asprintf(&s, "%s%" PRIu64 ".%0*" PRIu64 "%.*s",
		    v < 0 ? "-" : "", a / p, scale, a % p, (int)unitlen,
		    unit);
	else
		n = asprintf(&s, "%s%" PRIu64 "%.*s", v < 0 ? "-" : "", a,
		    (int)unitlen, unit);
	return (n < 0 ? NULL : s);
}

static int
axis_push(struct grid_axis *a, char *v)
{
	char **nv;

	if (v == NULL)
		return (ENOMEM);
	if ((nv = realloc(a->values, (a->nvalues + 1) * sizeof(*nv))) ==
	    NULL) {
		free(v);
		return (ENOMEM);
	}
	a->values = nv;
	a->values[a->nvalues++] = v;
	return (0);
}

static int
range_expand(struct grid_axis *a, const char *spec, const char *r,
    char *err, size_t errlen)
{
	const char *c1 = strchr(r, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	const char *names[3] = { "START", "STOP", "STEP" };
	const char *unit = NULL;
	size_t unitlen = 0, i, first = 0;
	struct dec d[3];
	int64_t v[3], n, k, x;
	int scale = 0, rv;

	if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':') != NULL)
		return (error(err, errlen, "'%s': expected KEY=START:STOP:STEP",
		    spec));
	if (dec_parse(r, (size_t)(c1 - r), &d[0]) != 0 ||
	    dec_parse(c1 + 1, (size_t)(c2 - c1 - 1), &d[1]) != 0 ||
	    dec_parse(c2 + 1, strlen(c2 + 1), &d[2]) != 0)
		return (error(err, errlen, "'%s': START, STOP and STEP must "
		    "be decimal numbers (at most %d decimals) with an "
		    "optional unit, like 2000pps:20000pps:2000pps", spec,
		    DEC_MAXSCALE));
	for (i = 0; i < 3; i++) {
		if (d[i].scale > scale)
			scale = d[i].scale;
		if (d[i].unitlen == 0)
			continue;
		if (unit == NULL) {
			unit = d[i].unit;
			unitlen = d[i].unitlen;
			first = i;
		} else if (unitlen != d[i].unitlen ||
		    memcmp(unit, d[i].unit, unitlen) != 0)
			return (error(err, errlen, "'%s': %s and %s have "
			    "different units", spec, names[first], names[i]));
	}
	for (i = 0; i < 3; i++)
		if (dec_rescale(&d[i], scale, &v[i]) != 0)
			return (error(err, errlen, "'%s': numbers too large",
			    spec));
	if (v[2] == 0)
		return (error(err, errlen, "'%s': STEP is zero", spec));
	if ((v[2] > 0 && v[1] < v[0]) || (v[2] < 0 && v[1] > v[0]))
		return (error(err, errlen, "'%s': STEP goes away from STOP",
		    spec));
	/* n = (stop - start) / step + 1, without overflow */
	if (__builtin_sub_overflow(v[1], v[0], &x))
		return (error(err, errlen, "'%s': numbers too large", spec));
	n = x / v[2] + 1;
	if (n > GRID_MAXVALUES)
		return (error(err, errlen, "'%s': more than %d values", spec,
		    GRID_MAXVALUES));
	for (k = 0; k < n; k++) {
		x = v[0] + k * v[2];	/* between start and stop */
		if ((rv = axis_push(a, dec_format(x, scale, unit ? unit : "",
		    unitlen))) != 0)
			return (rv);
	}
	return (0);
}

static int
list_expand(struct grid_axis *a, const char *spec, const char *l,
    char *err, size_t errlen)
{
	const char *p = l, *c;
	size_t n;
	int rv;

	for (;;) {
		c = strchr(p, ',');
		n = c ? (size_t)(c - p) : strlen(p);
		if (n == 0)
			return (error(err, errlen, "'%s': empty value", spec));
		if (a->nvalues == GRID_MAXVALUES)
			return (error(err, errlen, "'%s': more than %d values",
			    spec, GRID_MAXVALUES));
		if ((rv = axis_push(a, strndup(p, n))) != 0)
			return (rv);
		if (c == NULL)
			return (0);
		p = c + 1;
	}
}

int
grid_add(struct grid *g, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	struct grid_axis a, *na;
	size_t i;
	int rv;

	if (eq == NULL || eq == spec || eq[1] == '\0')
		return (error(err, errlen, "'%s': expected KEY=V1,V2,... or "
		    "KEY=START:STOP:STEP", spec));
	memset(&a, 0, sizeof(a));
	if ((a.key = strndup(spec, (size_t)(eq - spec))) == NULL)
		return (ENOMEM);
	if ((rv = grid_check_key(a.key, err, errlen)) != 0)
		goto fail;
	for (i = 0; i < g->naxes; i++)
		if (strcmp(g->axes[i].key, a.key) == 0) {
			rv = error(err, errlen, "%s: varied twice", a.key);
			goto fail;
		}
	if (strchr(eq + 1, ',') == NULL && strchr(eq + 1, ':') != NULL)
		rv = range_expand(&a, spec, eq + 1, err, errlen);
	else
		rv = list_expand(&a, spec, eq + 1, err, errlen);
	if (rv != 0)
		goto fail;
	if (grid_npoints(g) * a.nvalues > GRID_MAXRUNS) {
		rv = error(err, errlen, "'%s': more than %d points", spec,
		    GRID_MAXRUNS);
		goto fail;
	}
	if ((na = realloc(g->axes, (g->naxes + 1) * sizeof(*na))) == NULL) {
		rv = ENOMEM;
		goto fail;
	}
	g->axes = na;
	g->axes[g->naxes++] = a;
	return (0);
fail:
	axis_free(&a);
	return (rv);
}

size_t
grid_npoints(const struct grid *g)
{
	size_t i, n = 1;

	for (i = 0; i < g->naxes; i++)
		n *= g->axes[i].nvalues;
	return (n);
}

const char *
grid_value(const struct grid *g, size_t p, size_t a)
{
	size_t i, inner = 1;

	for (i = a + 1; i < g->naxes; i++)
		inner *= g->axes[i].nvalues;
	return (g->axes[a].values[(p / inner) % g->axes[a].nvalues]);
}

void
grid_run(size_t nseeds, unsigned long seed0, size_t r, size_t *point,
    unsigned long *seed)
{
	*point = r / nseeds;
	*seed = seed0 + (unsigned long)(r % nseeds);
}

const char *
grid_key_at(const struct grid *g, size_t a, size_t i, char *buf, size_t len)
{
	const char *k = g->axes[a].key, *e;

	for (; i > 0; i--)
		if ((k = strchr(k, '+')) == NULL)
			return (NULL);
		else
			k++;
	e = strchr(k, '+');
	snprintf(buf, len, "%.*s", (int)(e != NULL ? (size_t)(e - k) :
	    strlen(k)), k);
	return (buf);
}
