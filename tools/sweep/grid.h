/*
 * The grid of a sweep: one axis per "--vary KEY=V1,V2,..." or
 * "--vary KEY=START:STOP:STEP", the cross product of their values with
 * the first axis outermost, and each point run once per seed.
 */
#ifndef SWEEP_GRID_H
#define SWEEP_GRID_H

#include <stddef.h>

#define GRID_MAXVALUES	10000		/* values of one axis */
#define GRID_MAXRUNS	1000000		/* points times seeds */

struct grid_axis {
	char	 *key;
	char	**values;
	size_t	  nvalues;
};

struct grid {
	struct grid_axis	*axes;
	size_t			 naxes;
};

void	grid_init(struct grid *);
void	grid_free(struct grid *);

/*
 * Adds the axis of one spec "KEY=V1,V2,..." (values verbatim) or
 * "KEY=START:STOP:STEP" (decimal numbers; a unit on any of them, the
 * same on all that have one, is kept on every value; STOP is included
 * when a whole number of steps reaches it; STEP may be negative). A lone
 * "KEY=V" is a list of one. Returns 0, or EINVAL (bad spec, with a
 * message in err) or ENOMEM.
 */
int	grid_add(struct grid *, const char *spec, char *err, size_t errlen);

/*
 * Whether key can be given to pfsim's --set: SECTION.KEY or
 * SECTION.NAME.KEY (KEY may hold dots: nic.int_rate), words of letters,
 * digits, '_' and '-' joined by single dots, or several such keys joined
 * by '+' (one axis that sets them all to its value: both firewalls of a
 * pair). sim.seed is refused: seeds are the sweep's. 0, ENOMEM, or EINVAL
 * with a message in err.
 */
int	grid_check_key(const char *key, char *err, size_t errlen);

/* Points of the grid (1 with no axis). */
size_t	grid_npoints(const struct grid *);

/*
 * The i-th key that axis a sets (more than one for "K1+K2=..."), written
 * into buf; NULL past the last.
 */
const char	*grid_key_at(const struct grid *, size_t a, size_t i, char *buf,
		    size_t len);

/* The value of axis a at point p (p < grid_npoints). */
const char	*grid_value(const struct grid *, size_t p, size_t a);

/*
 * Run r (0-based; runs are in grid order, then seed) of a sweep with
 * nseeds seeds from seed0: its point and seed.
 */
void	grid_run(size_t nseeds, unsigned long seed0, size_t r, size_t *point,
	    unsigned long *seed);

#endif
