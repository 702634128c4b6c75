/* CSV fields and records (see csv.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

void
csv_field(FILE *f, const char *s)
{
	size_t n = strlen(s);
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL &&
	    (n == 0 || (s[0] != ' ' && s[n - 1] != ' '))) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

void
csv_free(char **fields, size_t n)
{
	size_t i;

	if (fields == NULL)
		return;
	for (i = 0; i < n; i++)
		free(fields[i]);
	free(fields);
}

struct rec {
	char	**fields;
	size_t	  n;
	char	 *buf;		/* the field being read */
	size_t	  len, cap, total;
};

static int
rec_putc(struct rec *r, int c)
{
	char *nb;

	if (++r->total > CSV_MAXRECORD) {
		errno = EINVAL;
		return (-1);
	}
	if (r->len + 1 >= r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;

		if ((nb = realloc(r->buf, cap)) == NULL)
			return (-1);
		r->buf = nb;
		r->cap = cap;
	}
	r->buf[r->len++] = (char)c;
	return (0);
}

static int
rec_end_field(struct rec *r)
{
	char **nf, *s;

	if ((s = strndup(r->buf ? r->buf : "", r->len)) == NULL)
		return (-1);
	if ((nf = realloc(r->fields, (r->n + 1) * sizeof(*nf))) == NULL) {
		free(s);
		return (-1);
	}
	r->fields = nf;
	r->fields[r->n++] = s;
	r->len = 0;
	return (0);
}

int
csv_read(FILE *f, char ***fields, size_t *n)
{
	struct rec r;
	int c, quoted = 0, any = 0;

	memset(&r, 0, sizeof(r));
	for (;;) {
		c = getc(f);
		if (c == EOF) {
			if (quoted) {
				errno = EINVAL;
				goto fail;
			}
			if (!any)
				return (0);
			break;
		}
		any = 1;
		if (quoted) {
			if (c == '"') {
				c = getc(f);
				if (c != '"') {
					quoted = 0;
					if (c != EOF)
						ungetc(c, f);
					continue;
				}
			}
			if (rec_putc(&r, c) != 0)
				goto fail;
			continue;
		}
		if (c == '"' && r.len == 0) {
			quoted = 1;
			continue;
		}
		if (c == ',') {
			if (rec_end_field(&r) != 0)
				goto fail;
			continue;
		}
		if (c == '\r') {
			if ((c = getc(f)) != '\n' && c != EOF)
				ungetc(c, f);
			break;
		}
		if (c == '\n')
			break;
		if (rec_putc(&r, c) != 0)
			goto fail;
	}
	if (rec_end_field(&r) != 0)
		goto fail;
	free(r.buf);
	*fields = r.fields;
	*n = r.n;
	return (1);
fail:
	free(r.buf);
	csv_free(r.fields, r.n);
	return (-1);
}
