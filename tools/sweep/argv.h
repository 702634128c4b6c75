/*
 * Argument vectors for the commands a sweep runs, and their shell form
 * (for plan.csv and job files).
 */
#ifndef SWEEP_ARGV_H
#define SWEEP_ARGV_H

#include <stddef.h>

struct argv {
	char	**v;		/* NULL-terminated */
	size_t	  n, cap;
};

void	argv_init(struct argv *);
void	argv_free(struct argv *);
/* Appends a copy of s (or a formatted string): 0 or ENOMEM. */
int	argv_push(struct argv *, const char *s);
int	argv_pushf(struct argv *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Whether one of the words is s. */
int	argv_has(const struct argv *, const char *s);
/* Appends every string of other: 0 or ENOMEM. */
int	argv_append(struct argv *, const struct argv *other);

/*
 * The command line that runs the words of argv in a POSIX shell, with
 * stdout to outpath and stderr to errpath when they are not NULL. A word
 * is single-quoted when it holds anything but [A-Za-z0-9_@%+=:,./-].
 * Returns a malloc'd string, or NULL (ENOMEM).
 */
char	*argv_shell(const struct argv *, const char *outpath,
	    const char *errpath);

#endif
