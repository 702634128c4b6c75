/*
 * A small JSON reader for the numbers of pfsim's summary.json: parses a
 * whole document into a tree, then looks values up by path. Strict RFC
 * 8259 syntax; any input is safe (it never reads past len, nesting is
 * bounded by JSONGET_MAXDEPTH, documents by JSONGET_MAXLEN bytes).
 *
 * Paths name members joined by '.', one array element as [N] and every
 * element as []: "flows[0].delivered_pps", "firewalls[].pf.state_mismatch".
 * A member whose name holds '.' or '[' cannot be named. When an object
 * has a key twice, the first one counts.
 */
#ifndef SWEEP_JSONGET_H
#define SWEEP_JSONGET_H

#include <stddef.h>

#define JSONGET_MAXDEPTH	64		/* nested arrays and objects */
#define JSONGET_MAXLEN		(64u << 20)	/* bytes of one document */
#define JSONGET_MAXSEGS		32		/* segments of one path */

struct jsonget;

enum jsonget_op {
	JSONGET_FIRST,		/* the first number the path reaches */
	JSONGET_SUM,		/* their sum (0 when there is none) */
	JSONGET_MAX		/* the largest (0 when there is none) */
};

/*
 * Parses len bytes of text (no NUL needed). Returns the document, or
 * NULL with a message ("line 3: expected ':' after a member name") in
 * err; errno is ENOMEM when memory ran out, EINVAL otherwise.
 */
struct jsonget	*jsonget_parse(const char *text, size_t len, char *err,
		    size_t errlen);
void		 jsonget_free(struct jsonget *);

/*
 * The number at path: 0, ENOENT when the path reaches no number (a
 * missing member, an index out of range, a string, null), EINVAL when
 * the path is malformed. With [] in the path, the first number found.
 */
int	jsonget_number(const struct jsonget *, const char *path, double *out);

/*
 * Folds every number the path reaches (non-numbers are skipped): 0 with
 * the result in *out and, if count is not NULL, how many numbers were
 * found in *count; EINVAL when the path is malformed.
 */
int	jsonget_fold(const struct jsonget *, const char *path,
	    enum jsonget_op, double *out, size_t *count);

/*
 * The string at path, NUL-terminated (it may hold NULs itself: *lenp,
 * if not NULL, is its length); valid until jsonget_free. 0, ENOENT or
 * EINVAL as above.
 */
int	jsonget_string(const struct jsonget *, const char *path,
	    const char **out, size_t *lenp);

#endif
