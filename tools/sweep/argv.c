/* Argument vectors and shell quoting (see argv.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"

void
argv_init(struct argv *a)
{
	memset(a, 0, sizeof(*a));
}

void
argv_free(struct argv *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static int
argv_take(struct argv *a, char *s)
{
	char **nv;
	size_t cap;

	if (s == NULL)
		return (ENOMEM);
	if (a->n + 2 > a->cap) {
		cap = a->cap ? 2 * a->cap : 16;
		if ((nv = realloc(a->v, cap * sizeof(*nv))) == NULL) {
			free(s);
			return (ENOMEM);
		}
		a->v = nv;
		a->cap = cap;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return (0);
}

int
argv_push(struct argv *a, const char *s)
{
	return (argv_take(a, strdup(s)));
}

int
argv_pushf(struct argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return (argv_take(a, n < 0 ? NULL : s));
}

int
argv_has(const struct argv *a, const char *s)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], s) == 0)
			return (1);
	return (0);
}

int
argv_append(struct argv *a, const struct argv *o)
{
	size_t i;
	int rv;

	for (i = 0; i < o->n; i++)
		if ((rv = argv_push(a, o->v[i])) != 0)
			return (rv);
	return (0);
}

static void
quote(FILE *f, const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-", *p) ==
		    NULL)
			break;
	if (*p == '\0' && p != s) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	fputc('\'', f);
}

char *
argv_shell(const struct argv *a, const char *outpath, const char *errpath)
{
	char *s = NULL;
	size_t len = 0, i;
	FILE *f;

	if ((f = open_memstream(&s, &len)) == NULL)
		return (NULL);
	for (i = 0; i < a->n; i++) {
		if (i > 0)
			fputc(' ', f);
		quote(f, a->v[i]);
	}
	if (outpath != NULL) {
		fputs(" >", f);
		quote(f, outpath);
	}
	if (errpath != NULL) {
		fputs(" 2>", f);
		quote(f, errpath);
	}
	if (ferror(f)) {
		fclose(f);
		free(s);
		return (NULL);
	}
	if (fclose(f) != 0) {
		free(s);
		return (NULL);
	}
	return (s);
}
