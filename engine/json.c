/* Streaming JSON writer (see json.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"

#define JSON_MAXDEPTH	32

struct json {
	FILE	*f;
	int	 depth;
	int	 count[JSON_MAXDEPTH];	/* members written at each depth */
};

struct json *
json_create(FILE *f)
{
	struct json *j = calloc(1, sizeof(*j));

	if (j)
		j->f = f;
	return j;
}

int
json_destroy(struct json *j)
{
	int rv;

	fputc('\n', j->f);
	rv = ferror(j->f) ? -1 : 0;
	free(j);
	return rv;
}

static void
json_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Separator, indentation and key for the next member. */
static void
json_member(struct json *j, const char *key)
{
	int i;

	if (j->depth > 0) {
		if (j->count[j->depth]++ > 0)
			fputc(',', j->f);
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	if (key) {
		json_escaped(j->f, key);
		fputs(": ", j->f);
	}
}

static void
json_open(struct json *j, const char *key, char c)
{
	json_member(j, key);
	fputc(c, j->f);
	/* Deeper than JSON_MAXDEPTH: a programming error, caught early. */
	if (j->depth + 1 >= JSON_MAXDEPTH)
		abort();
	j->count[++j->depth] = 0;
}

static void
json_close(struct json *j, char c)
{
	int i, had = j->count[j->depth];

	j->depth--;
	if (had) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
}

void
json_obj_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void
json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void
json_arr_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void
json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void
json_str(struct json *j, const char *key, const char *v)
{
	json_member(j, key);
	json_escaped(j->f, v ? v : "");
}

void
json_int(struct json *j, const char *key, int64_t v)
{
	json_member(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void
json_uint(struct json *j, const char *key, uint64_t v)
{
	json_member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

const char *
json_fmt_real(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.9g", v);
	else if (len > 0)
		buf[0] = '\0';
	return buf;
}

void
csv_real(FILE *f, double v)
{
	char buf[JSON_REAL_LEN];

	fputs(json_fmt_real(buf, sizeof(buf), v), f);
}

void
json_real(struct json *j, const char *key, double v)
{
	char buf[JSON_REAL_LEN];

	json_member(j, key);
	fputs(isfinite(v) ? json_fmt_real(buf, sizeof(buf), v) : "null",
	    j->f);
}

void
json_str_arr(struct json *j, const char *key, const char *const *v, int n)
{
	int i;

	json_member(j, key);
	fputc('[', j->f);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", j->f);
		json_escaped(j->f, v[i] ? v[i] : "");
	}
	fputc(']', j->f);
}

void
json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	fputs(v ? "true" : "false", j->f);
}
