/* CSV (RFC 4180) fields out and records in. */
#ifndef SWEEP_CSV_H
#define SWEEP_CSV_H

#include <stddef.h>
#include <stdio.h>

/*
 * Writes s as one field: in double quotes (doubled inside) when it holds
 * a comma, a quote, CR or LF, or starts or ends with a space.
 */
void	csv_field(FILE *, const char *s);

/*
 * Reads one record (quoted fields may span lines; CRLF or LF ends it).
 * Returns 1 with its fields in *fields and their number in *n (free them
 * with csv_free), 0 at the end of the file, or -1 with errno set (EINVAL
 * for a malformed quote or a record over CSV_MAXRECORD bytes, ENOMEM).
 */
#define CSV_MAXRECORD	(1u << 20)
int	csv_read(FILE *, char ***fields, size_t *n);
void	csv_free(char **fields, size_t n);

#endif
