/*
 * JSON reader (see jsonget.h). A recursive descent parser whose depth is
 * bounded, into a tree of nodes in one array (children linked by index)
 * and the decoded strings in one arena, then lookups by path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonget.h"

#define NONE		UINT32_MAX
#define NUMBER_MAX	512		/* characters of one number */

enum jtype { JT_NULL, JT_FALSE, JT_TRUE, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

struct jnode {
	double		num;		/* JT_NUM */
	uint32_t	key, keylen;	/* member name in strs, or NONE */
	uint32_t	str, len;	/* JT_STR: the value in strs */
	uint32_t	child;		/* JT_ARR, JT_OBJ: first element */
	uint32_t	next;		/* next element of the parent */
	uint32_t	type;
};

struct jsonget {
	struct jnode	*nodes;
	size_t		 nnodes, anodes;
	char		*strs;		/* decoded strings, NUL-terminated */
	size_t		 nstrs;		/* bytes used (the arena: len + 1) */
};

struct parser {
	const char	*start, *p, *end;
	struct jsonget	*doc;
	char		*err;
	size_t		 errlen;
	int		 failed;	/* errno value of the first error */
};

static uint32_t	parse_value(struct parser *, int);

static void
fail(struct parser *ps, int error, const char *fmt, ...)
{
	const char *q;
	size_t line = 1;
	int n = 0;
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = error;
	if (ps->err == NULL || ps->errlen == 0)
		return;
	for (q = ps->start; q < ps->p && q < ps->end; q++)
		if (*q == '\n')
			line++;
	n = snprintf(ps->err, ps->errlen, "line %zu: ", line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static uint32_t
node_new(struct parser *ps, uint32_t type)
{
	struct jsonget *d = ps->doc;
	struct jnode *n;

	if (d->nnodes == d->anodes) {
		size_t a = d->anodes ? 2 * d->anodes : 64;

		if (a >= NONE || (n = realloc(d->nodes, a * sizeof(*n))) ==
		    NULL) {
			fail(ps, ENOMEM, "out of memory");
			return (NONE);
		}
		d->nodes = n;
		d->anodes = a;
	}
	n = &d->nodes[d->nnodes];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->key = n->str = n->child = n->next = NONE;
	return ((uint32_t)d->nnodes++);
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	    *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Four hex digits after "\u" at ps->p; -1 if there are not. */
static long
hex4(struct parser *ps)
{
	long v = 0;
	int i, h;

	if (ps->end - ps->p < 4)
		return (-1);
	for (i = 0; i < 4; i++) {
		if ((h = hexval((unsigned char)ps->p[i])) < 0)
			return (-1);
		v = v * 16 + h;
	}
	ps->p += 4;
	return (v);
}

static size_t
utf8_put(char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return (1);
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return (2);
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return (4);
}

/*
 * A string at ps->p (the opening quote), decoded into the arena. It
 * never outgrows its source: an escape is at least as long as what it
 * stands for, and the closing quote pays for the NUL.
 */
static int
parse_string(struct parser *ps, uint32_t *off, uint32_t *lenp)
{
	struct jsonget *d = ps->doc;
	char *out = d->strs + d->nstrs, *o = out;
	unsigned long c, lo;
	long h;

	ps->p++;
	for (;;) {
		if (ps->p >= ps->end) {
			fail(ps, EINVAL, "unterminated string");
			return (-1);
		}
		c = (unsigned char)*ps->p++;
		if (c == '"')
			break;
		if (c < 0x20) {
			fail(ps, EINVAL, "control character in a string");
			return (-1);
		}
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		if (ps->p >= ps->end) {
			fail(ps, EINVAL, "unterminated string");
			return (-1);
		}
		switch (*ps->p++) {
		case '"':	*o++ = '"'; break;
		case '\\':	*o++ = '\\'; break;
		case '/':	*o++ = '/'; break;
		case 'b':	*o++ = '\b'; break;
		case 'f':	*o++ = '\f'; break;
		case 'n':	*o++ = '\n'; break;
		case 'r':	*o++ = '\r'; break;
		case 't':	*o++ = '\t'; break;
		case 'u':
			if ((h = hex4(ps)) < 0) {
				fail(ps, EINVAL, "bad \\u escape");
				return (-1);
			}
			c = (unsigned long)h;
			if (c >= 0xd800 && c <= 0xdbff &&
			    ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
			    ps->p[1] == 'u') {
				const char *save = ps->p;

				ps->p += 2;
				h = hex4(ps);
				lo = h < 0 ? 0 : (unsigned long)h;
				if (lo >= 0xdc00 && lo <= 0xdfff)
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (lo - 0xdc00);
				else
					ps->p = save;
			}
			if (c >= 0xd800 && c <= 0xdfff)
				c = 0xfffd;	/* a lone surrogate */
			o += utf8_put(o, c);
			break;
		default:
			fail(ps, EINVAL, "bad escape in a string");
			return (-1);
		}
	}
	*o++ = '\0';
	*off = (uint32_t)d->nstrs;
	*lenp = (uint32_t)(o - out - 1);
	d->nstrs += (size_t)(o - out);
	return (0);
}

static int
isdigit_(int c)
{
	return (c >= '0' && c <= '9');
}

/* A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static uint32_t
parse_number(struct parser *ps)
{
	const char *s = ps->p, *p = ps->p, *e = ps->end;
	char buf[NUMBER_MAX + 1];
	uint32_t n;

	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (p < e && isdigit_((unsigned char)*p))
		while (p < e && isdigit_((unsigned char)*p))
			p++;
	else
		goto bad;
	if (p < e && *p == '.') {
		p++;
		if (p >= e || !isdigit_((unsigned char)*p))
			goto bad;
		while (p < e && isdigit_((unsigned char)*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !isdigit_((unsigned char)*p))
			goto bad;
		while (p < e && isdigit_((unsigned char)*p))
			p++;
	}
	if (p - s > NUMBER_MAX) {
		fail(ps, EINVAL, "number longer than %d characters",
		    NUMBER_MAX);
		return (NONE);
	}
	memcpy(buf, s, (size_t)(p - s));
	buf[p - s] = '\0';
	ps->p = p;
	if ((n = node_new(ps, JT_NUM)) == NONE)
		return (NONE);
	/* Out of range: strtod gives +-HUGE_VAL or 0, which will do. */
	ps->doc->nodes[n].num = strtod(buf, NULL);
	return (n);
bad:
	ps->p = p;
	fail(ps, EINVAL, "bad number");
	return (NONE);
}

static uint32_t
parse_literal(struct parser *ps, const char *word, uint32_t type)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
		fail(ps, EINVAL, "expected '%s'", word);
		return (NONE);
	}
	ps->p += n;
	return (node_new(ps, type));
}

/* An array or object at ps->p (its opening bracket). */
static uint32_t
parse_container(struct parser *ps, int depth)
{
	int obj = *ps->p == '{';
	char close = obj ? '}' : ']';
	uint32_t self, last = NONE, child, key = NONE, keylen = 0;

	if (depth >= JSONGET_MAXDEPTH) {
		fail(ps, EINVAL, "nested deeper than %d", JSONGET_MAXDEPTH);
		return (NONE);
	}
	ps->p++;
	if ((self = node_new(ps, obj ? JT_OBJ : JT_ARR)) == NONE)
		return (NONE);
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return (self);
	}
	for (;;) {
		skip_ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, EINVAL, "expected a member name");
				return (NONE);
			}
			if (parse_string(ps, &key, &keylen) != 0)
				return (NONE);
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				fail(ps, EINVAL, "expected ':' after a member "
				    "name");
				return (NONE);
			}
			ps->p++;
		}
		if ((child = parse_value(ps, depth + 1)) == NONE)
			return (NONE);
		ps->doc->nodes[child].key = key;
		ps->doc->nodes[child].keylen = keylen;
		if (last == NONE)
			ps->doc->nodes[self].child = child;
		else
			ps->doc->nodes[last].next = child;
		last = child;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return (self);
		}
		fail(ps, EINVAL, obj ? "expected ',' or '}' in an object" :
		    "expected ',' or ']' in an array");
		return (NONE);
	}
}

static uint32_t
parse_value(struct parser *ps, int depth)
{
	uint32_t n, off, len;

	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, EINVAL, "unexpected end of input");
		return (NONE);
	}
	switch (*ps->p) {
	case '{':
	case '[':
		return (parse_container(ps, depth));
	case '"':
		if (parse_string(ps, &off, &len) != 0 ||
		    (n = node_new(ps, JT_STR)) == NONE)
			return (NONE);
		ps->doc->nodes[n].str = off;
		ps->doc->nodes[n].len = len;
		return (n);
	case 't':
		return (parse_literal(ps, "true", JT_TRUE));
	case 'f':
		return (parse_literal(ps, "false", JT_FALSE));
	case 'n':
		return (parse_literal(ps, "null", JT_NULL));
	default:
		if (*ps->p == '-' || isdigit_((unsigned char)*ps->p))
			return (parse_number(ps));
		fail(ps, EINVAL, "unexpected character '%c'",
		    (*ps->p >= 0x20 && *ps->p < 0x7f) ? *ps->p : '?');
		return (NONE);
	}
}

struct jsonget *
jsonget_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps;
	struct jsonget *d;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > JSONGET_MAXLEN) {
		if (err != NULL)
			snprintf(err, errlen, "larger than %u bytes",
			    JSONGET_MAXLEN);
		errno = EINVAL;
		return (NULL);
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->strs = malloc(len + 1)) == NULL) {
		free(d);
		if (err != NULL)
			snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return (NULL);
	}
	memset(&ps, 0, sizeof(ps));
	ps.start = ps.p = text;
	ps.end = text + len;
	ps.doc = d;
	ps.err = err;
	ps.errlen = errlen;
	if (parse_value(&ps, 0) != NONE) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			fail(&ps, EINVAL, "trailing characters after the "
			    "document");
	}
	if (ps.failed) {
		jsonget_free(d);
		errno = ps.failed;
		return (NULL);
	}
	return (d);
}

void
jsonget_free(struct jsonget *d)
{
	if (d == NULL)
		return;
	free(d->nodes);
	free(d->strs);
	free(d);
}

enum seg_kind { SEG_KEY, SEG_INDEX, SEG_ALL };

struct seg {
	enum seg_kind	 kind;
	const char	*key;
	size_t		 keylen;
	unsigned long	 index;
};

/* Splits a path into segments; EINVAL if it is malformed. */
static int
path_parse(const char *path, struct seg *segs, size_t *nsegs)
{
	const char *p = path;
	size_t n = 0, k;
	int first = 1;

	while (*p != '\0') {
		if (n == JSONGET_MAXSEGS)
			return (EINVAL);
		if (*p == '[') {
			p++;
			if (*p == ']') {
				segs[n].kind = SEG_ALL;
			} else {
				segs[n].kind = SEG_INDEX;
				segs[n].index = 0;
				for (k = 0; *p >= '0' && *p <= '9'; p++, k++) {
					if (k == 9)
						return (EINVAL);
					segs[n].index = segs[n].index * 10 +
					    (unsigned long)(*p - '0');
				}
				if (k == 0 || *p != ']')
					return (EINVAL);
			}
			p++;
		} else {
			if (!first) {
				if (*p != '.')
					return (EINVAL);
				p++;
			}
			segs[n].kind = SEG_KEY;
			segs[n].key = p;
			while (*p != '\0' && *p != '.' && *p != '[' &&
			    *p != ']')
				p++;
			segs[n].keylen = (size_t)(p - segs[n].key);
			if (segs[n].keylen == 0)
				return (EINVAL);
		}
		first = 0;
		n++;
	}
	*nsegs = n;
	return (0);
}

struct fold {
	enum jsonget_op	 op;
	double		 acc;
	size_t		 count;
	uint32_t	 first;		/* JSONGET_FIRST: the node found */
	int		 want_str;	/* find a string, not a number */
};

static void
walk(const struct jsonget *d, uint32_t i, const struct seg *s, size_t ns,
    struct fold *f)
{
	const struct jnode *n = &d->nodes[i];
	uint32_t c;
	unsigned long k;

	if (f->op == JSONGET_FIRST && f->count > 0)
		return;
	if (ns == 0) {
		if (f->want_str ? n->type != JT_STR : n->type != JT_NUM)
			return;
		if (f->count == 0) {
			f->acc = n->num;
			f->first = i;
		} else if (f->op == JSONGET_SUM)
			f->acc += n->num;
		else if (f->op == JSONGET_MAX && n->num > f->acc)
			f->acc = n->num;
		f->count++;
		return;
	}
	switch (s->kind) {
	case SEG_KEY:
		if (n->type != JT_OBJ)
			return;
		for (c = n->child; c != NONE; c = d->nodes[c].next)
			if (d->nodes[c].keylen == s->keylen &&
			    memcmp(d->strs + d->nodes[c].key, s->key,
			    s->keylen) == 0) {
				walk(d, c, s + 1, ns - 1, f);
				return;
			}
		return;
	case SEG_INDEX:
		if (n->type != JT_ARR)
			return;
		for (c = n->child, k = 0; c != NONE && k < s->index;
		    c = d->nodes[c].next, k++)
			;
		if (c != NONE)
			walk(d, c, s + 1, ns - 1, f);
		return;
	case SEG_ALL:
		if (n->type != JT_ARR)
			return;
		for (c = n->child; c != NONE; c = d->nodes[c].next)
			walk(d, c, s + 1, ns - 1, f);
		return;
	}
}

static int
lookup(const struct jsonget *d, const char *path, struct fold *f)
{
	struct seg segs[JSONGET_MAXSEGS];
	size_t ns;

	if (d == NULL || path == NULL || path_parse(path, segs, &ns) != 0)
		return (EINVAL);
	f->acc = 0;
	f->count = 0;
	f->first = NONE;
	if (d->nnodes > 0)
		walk(d, 0, segs, ns, f);
	return (0);
}

int
jsonget_number(const struct jsonget *d, const char *path, double *out)
{
	struct fold f = { .op = JSONGET_FIRST };
	int rv;

	if ((rv = lookup(d, path, &f)) != 0)
		return (rv);
	if (f.count == 0)
		return (ENOENT);
	*out = f.acc;
	return (0);
}

int
jsonget_fold(const struct jsonget *d, const char *path, enum jsonget_op op,
    double *out, size_t *count)
{
	struct fold f = { .op = op };
	int rv;

	if ((rv = lookup(d, path, &f)) != 0)
		return (rv);
	*out = f.acc;
	if (count != NULL)
		*count = f.count;
	return (0);
}

int
jsonget_string(const struct jsonget *d, const char *path, const char **out,
    size_t *lenp)
{
	struct fold f = { .op = JSONGET_FIRST, .want_str = 1 };
	int rv;

	if ((rv = lookup(d, path, &f)) != 0)
		return (rv);
	if (f.count == 0)
		return (ENOENT);
	*out = d->strs + d->nodes[f.first].str;
	if (lenp != NULL)
		*lenp = d->nodes[f.first].len;
	return (0);
}
