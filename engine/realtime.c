/*
 * sim.clock = realtime: simulated time follows the wall clock, so that
 * frames of real programs (emulated hosts, models/emu) can enter the run.
 *
 * The loop sleeps (ppoll) until the next event is due or one of the
 * registered input descriptors is readable. When it wakes, it runs every
 * event due by the wall clock (ev_run up to "now"), each at its own
 * simulated time, then calls the readers of the readable descriptors:
 * what they inject is stamped with the wall-clock time of its arrival
 * (the queue's now). The simulation is late when an event runs after its
 * time; the lag of each batch (the wall clock minus the time of the first
 * due event) goes into a histogram of 1 us bins up to 100 ms, from which
 * the summary reports the maximum and the 99th percentile.
 *
 * Nothing here is deterministic: what happens depends on the machine and
 * on when real programs send. The virtual clock (the default) is.
 */
#define _GNU_SOURCE		/* ppoll */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run_int.h"

#define RT_MAXIN	64
#define RT_BINS		100000		/* 1 us bins: 0 .. 100 ms */

struct rt_input {
	int		  fd;
	void		(*fn)(void *);
	void		 *arg;
};

struct realtime {
	struct rt_input	  in[RT_MAXIN];
	int		  nin;
	uint64_t	 *hist;		/* RT_BINS + 1 (the last: beyond) */
	uint64_t	  batches;
	simtime_t	  lag_max;
	simtime_t	  wall_end;	/* wall clock at the end, from start */
};

static simtime_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (simtime_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int
run_realtime(const struct run *r)
{
	return r->rt != NULL;
}

int
run_rt_create(struct run *r)
{
	if ((r->rt = calloc(1, sizeof(*r->rt))) == NULL ||
	    (r->rt->hist = calloc(RT_BINS + 1, sizeof(uint64_t))) == NULL) {
		free(r->rt);
		r->rt = NULL;
		return -1;
	}
	return 0;
}

void
run_rt_destroy(struct run *r)
{
	if (r->rt == NULL)
		return;
	free(r->rt->hist);
	free(r->rt);
	r->rt = NULL;
}

int
run_add_input(struct run *r, int fd, void (*fn)(void *), void *arg)
{
	struct realtime *rt = r->rt;

	if (rt == NULL || rt->nin == RT_MAXIN) {
		errno = rt == NULL ? EINVAL : ENOSPC;
		return -1;
	}
	rt->in[rt->nin++] = (struct rt_input){ fd, fn, arg };
	return 0;
}

static void
lag_add(struct realtime *rt, simtime_t lag)
{
	simtime_t us = lag / 1000;

	rt->hist[us < RT_BINS ? us : RT_BINS]++;
	rt->batches++;
	if (lag > rt->lag_max)
		rt->lag_max = lag;
}

/* The lag under which a fraction q of the batches ran, in ns (a bin's
 * upper edge; beyond 100 ms: the maximum). */
simtime_t
run_rt_lag_quantile(const struct run *r, double q)
{
	const struct realtime *rt = r->rt;
	uint64_t want, seen = 0;
	int i;

	if (rt == NULL || rt->batches == 0)
		return 0;
	want = (uint64_t)(q * (double)rt->batches);
	if (want < 1)
		want = 1;
	for (i = 0; i < RT_BINS; i++) {
		seen += rt->hist[i];
		if (seen >= want)
			return (simtime_t)(i + 1) * 1000;
	}
	return rt->lag_max;
}

simtime_t
run_rt_lag_max(const struct run *r)
{
	return r->rt != NULL ? r->rt->lag_max : 0;
}

uint64_t
run_rt_batches(const struct run *r)
{
	return r->rt != NULL ? r->rt->batches : 0;
}

/*
 * Run to r->duration on the wall clock. Returns when done or when
 * stop() says so (a signal).
 */
void
run_rt_loop(struct run *r, int (*stop)(void))
{
	struct realtime *rt = r->rt;
	struct ev_queue *q = r->w->q;
	struct pollfd pfd[RT_MAXIN];
	simtime_t t0 = mono_ns(), now, next, wait;
	struct timespec ts;
	int i, n;

	for (i = 0; i < rt->nin; i++)
		pfd[i] = (struct pollfd){ .fd = rt->in[i].fd, .events = POLLIN };
	/* Wake when asked, not up to 50 us later (the default slack). */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	while (!stop()) {
		now = mono_ns() - t0;
		if (now > r->duration)
			now = r->duration;
		next = ev_next(q);
		if (next <= now) {
			lag_add(rt, now - next);
			ev_run(q, now);
		} else if (now < r->duration) {
			/* Idle: sleep until the next event, the end, or
			 * input. */
			wait = (next < r->duration ? next : r->duration) - now;
			ts.tv_sec = wait / NS_PER_SEC;
			ts.tv_nsec = wait % NS_PER_SEC;
			n = ppoll(pfd, (nfds_t)rt->nin, &ts, NULL);
			if (n < 0 && errno != EINTR)
				break;
			now = mono_ns() - t0;
			if (now > r->duration)
				now = r->duration;
			next = ev_next(q);
			if (next <= now)
				lag_add(rt, now - next);
			/* Time moves to the arrival before input enters. */
			ev_run(q, now);
		}
		if (now >= r->duration && ev_next(q) > r->duration)
			break;
		/* Without waiting: what arrived while events ran. */
		if (rt->nin > 0 && poll(pfd, (nfds_t)rt->nin, 0) > 0)
			for (i = 0; i < rt->nin; i++)
				if (pfd[i].revents & (POLLIN | POLLERR))
					rt->in[i].fn(rt->in[i].arg);
	}
	rt->wall_end = mono_ns() - t0;
}
