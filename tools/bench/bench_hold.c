/*
 * bench_hold: the classic hold model on the engine's event queue.
 *
 * N events are pending at all times. Each hold operation fires the
 * earliest one (ev_run's pop and dispatch) and schedules it again at now
 * plus an exponential increment (mean 1 ms) drawn from the engine RNG, so
 * every operation is one delete-min and one insert at a random position.
 * After a warm-up of 2N operations (the queue reaches its steady shape)
 * OPS operations are timed, REPS times; the best run is reported, since
 * other work on a shared machine only ever slows a run down. The cost of
 * drawing the increments alone is timed too, so the queue's share can be
 * told apart.
 *
 * usage: bench_hold [-n OPS] [-r REPS] [PENDING...]
 *	  (default: 5000000 operations, 3 runs, 1000 100000 1000000 pending)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/ev.h"
#include "engine/rng.h"

#define MEAN_NS		1000000.0

struct hold {
	struct ev_queue	*q;
	struct rng	 rng;
	uint64_t	 ops, target;
};

struct hev {
	struct ev	 ev;
	struct hold	*h;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
hold_fire(void *arg)
{
	struct hev *e = arg;
	struct hold *h = e->h;

	ev_schedule(h->q, &e->ev, ev_now(h->q) +
	    (simtime_t)rng_exp(&h->rng, MEAN_NS));
	if (++h->ops == h->target)
		ev_stop(h->q);
}

/* Run ops more hold operations; returns the wall time taken. */
static double
hold_run(struct hold *h, uint64_t ops)
{
	double t0 = now_s();

	h->target = h->ops + ops;
	while (h->ops < h->target)
		ev_run(h->q, SIMTIME_MAX - 1);
	return now_s() - t0;
}

/* Wall time of ops increment draws alone. */
static double
rng_only(uint64_t ops)
{
	struct rng r;
	volatile simtime_t sink = 0;
	double t0 = now_s();
	uint64_t i;

	rng_init(&r, 1, "bench.hold");
	for (i = 0; i < ops; i++)
		sink += (simtime_t)rng_exp(&r, MEAN_NS);
	(void)sink;
	return now_s() - t0;
}

static int
bench(size_t n, uint64_t ops, int reps)
{
	struct hold h;
	struct hev *ev = calloc(n, sizeof(*ev));
	double wall = 0, wrng = 0, t;
	size_t i;
	int k;

	memset(&h, 0, sizeof(h));
	h.q = ev_queue_create();
	if (ev == NULL || h.q == NULL) {
		fprintf(stderr, "bench_hold: out of memory for %zu events\n",
		    n);
		free(ev);
		ev_queue_destroy(h.q);
		return 1;
	}
	rng_init(&h.rng, 1, "bench.hold");
	for (i = 0; i < n; i++) {
		ev[i].h = &h;
		ev_init(&ev[i].ev, hold_fire, &ev[i], NULL);
		ev_schedule(h.q, &ev[i].ev,
		    (simtime_t)rng_exp(&h.rng, MEAN_NS));
	}
	hold_run(&h, 2 * (uint64_t)n);
	for (k = 0; k < reps; k++) {
		t = hold_run(&h, ops);
		if (k == 0 || t < wall)
			wall = t;
		t = rng_only(ops);
		if (k == 0 || t < wrng)
			wrng = t;
	}
	if (ev_count(h.q) != n) {
		fprintf(stderr, "bench_hold: %zu pending, expected %zu\n",
		    ev_count(h.q), n);
		return 1;
	}
	printf("hold %-9zu %12llu %9.3f %10.2f %9.1f %12.2f\n", n,
	    (unsigned long long)ops, wall, ops / wall / 1e6,
	    wall / ops * 1e9, ops / (wall - wrng) / 1e6);
	fflush(stdout);
	ev_queue_destroy(h.q);
	free(ev);
	return 0;
}

int
main(int argc, char **argv)
{
	static const size_t defsizes[] = { 1000, 100000, 1000000 };
	uint64_t ops = 5000000;
	int i, rv = 0, nsizes = 0, reps = 3;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			ops = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (argv[i][0] == '-' ||
		    strtoull(argv[i], NULL, 10) == 0) {
			fprintf(stderr, "usage: bench_hold [-n OPS] [-r REPS] "
			    "[PENDING...]\n");
			return 2;
		}
	}
	if (ops == 0 || reps < 1) {
		fprintf(stderr, "bench_hold: OPS and REPS must be positive\n");
		return 2;
	}
	printf("%-14s %12s %9s %10s %9s %12s\n", "bench pending", "ops",
	    "wall_s", "Mops/s", "ns/op", "Mops/s-rng");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "-r") == 0) {
			i++;
			continue;
		}
		rv |= bench((size_t)strtoull(argv[i], NULL, 10), ops, reps);
		nsizes++;
	}
	if (nsizes == 0)
		for (i = 0; i < 3; i++)
			rv |= bench(defsizes[i], ops, reps);
	return rv;
}
