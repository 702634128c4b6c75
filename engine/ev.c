/*
 * Event queue: 4-ary min-heap keyed by (at, seq). Each queued event knows
 * its slot (idx = slot + 1), so cancel and reschedule are O(log n).
 * A 4-ary heap halves the depth of a binary heap. Each slot holds the
 * event's time next to its pointer (16 bytes), and the array is placed so
 * that the four children of a node share one 64-byte cache line: sifting
 * reads contiguous memory, and touches an event only to store its new
 * slot or, for equal times, to compare sequence numbers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ev.h"

struct hent {
	simtime_t	 at;
	struct ev	*e;
};

struct ev_queue {
	struct hent	 *heap;		/* mem + 3: children lines aligned */
	struct hent	 *mem;
	size_t		  n, cap;
	size_t		  limit;
	simtime_t	  now;
	uint64_t	  seq;
	uint64_t	  limit_drops;
	int		  stop;
	void		 *ctx;
	ev_ctx_fn	  ctx_fn;
	void		 *ctx_arg;
};

static inline int
hent_before(const struct hent *a, const struct hent *b)
{
	if (a->at != b->at)
		return a->at < b->at;
	return a->e->seq < b->e->seq;
}

static inline void
heap_set(struct ev_queue *q, size_t i, const struct hent *h)
{
	q->heap[i] = *h;
	h->e->idx = (uint32_t)(i + 1);
}

static void
sift_up(struct ev_queue *q, size_t i)
{
	struct hent h = q->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 4;

		if (!hent_before(&h, &q->heap[parent]))
			break;
		heap_set(q, i, &q->heap[parent]);
		i = parent;
	}
	heap_set(q, i, &h);
}

static void
sift_down(struct ev_queue *q, size_t i)
{
	struct hent h = q->heap[i];
	size_t n = q->n;

	for (;;) {
		size_t c = 4 * i + 1, best, end;

		if (c >= n)
			break;
		best = c;
		end = c + 4 < n ? c + 4 : n;
		for (c++; c < end; c++)
			if (hent_before(&q->heap[c], &q->heap[best]))
				best = c;
		if (!hent_before(&q->heap[best], &h))
			break;
		heap_set(q, i, &q->heap[best]);
		i = best;
	}
	heap_set(q, i, &h);
}

/*
 * Room for cap slots, 64-byte aligned so that slots 4i+1..4i+4 (the
 * children of slot i) fill one cache line. Keeps the n slots in use.
 */
static int
heap_alloc(struct ev_queue *q, size_t cap)
{
	struct hent *mem = aligned_alloc(64,
	    ((cap + 3) * sizeof(struct hent) + 63) & ~(size_t)63);

	if (mem == NULL)
		return ENOMEM;
	if (q->heap != NULL && q->n > 0)
		memcpy(mem + 3, q->heap, q->n * sizeof(struct hent));
	free(q->mem);
	q->mem = mem;
	q->heap = mem + 3;
	return 0;
}

struct ev_queue *
ev_queue_create(void)
{
	struct ev_queue *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->cap = 1024;
	if (heap_alloc(q, q->cap) != 0) {
		free(q);
		return NULL;
	}
	return q;
}

void
ev_queue_destroy(struct ev_queue *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->n; i++)
		q->heap[i].e->idx = 0;
	free(q->mem);
	free(q);
}

void
ev_queue_clear(struct ev_queue *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		q->heap[i].e->idx = 0;
	q->n = 0;
}

void
ev_queue_set_ctx_hook(struct ev_queue *q, ev_ctx_fn fn, void *arg)
{
	q->ctx_fn = fn;
	q->ctx_arg = arg;
}

void
ev_queue_set_limit(struct ev_queue *q, size_t limit)
{
	q->limit = limit;
}

void
ev_init(struct ev *e, ev_fn fn, void *arg, void *ctx)
{
	e->at = 0;
	e->seq = 0;
	e->idx = 0;
	e->fn = fn;
	e->arg = arg;
	e->ctx = ctx;
}

static int	ev_insert(struct ev_queue *, struct ev *, simtime_t, int);

int
ev_schedule(struct ev_queue *q, struct ev *e, simtime_t at)
{
	return ev_insert(q, e, at, 0);
}

int
ev_schedule_bounded(struct ev_queue *q, struct ev *e, simtime_t at)
{
	return ev_insert(q, e, at, 1);
}

static int
ev_insert(struct ev_queue *q, struct ev *e, simtime_t at, int exempt)
{
	if (at < q->now)
		at = q->now;
	if (e->idx != 0) {
		/* Reschedule: a new sequence number, as if added now. */
		simtime_t old = e->at;
		size_t i = e->idx - 1;

		e->at = at;
		e->seq = q->seq++;
		q->heap[i].at = at;
		if (at < old)
			sift_up(q, i);
		else
			sift_down(q, i);
		return 0;
	}
	if (!exempt && q->limit != 0 && q->n >= q->limit) {
		q->limit_drops++;
		return EOVERFLOW;
	}
	if (q->n == q->cap) {
		size_t ncap = q->cap * 2;
		if (heap_alloc(q, ncap) != 0) {
			q->limit_drops++;
			return ENOMEM;
		}
		q->cap = ncap;
	}
	e->at = at;
	e->seq = q->seq++;
	q->heap[q->n].at = at;
	q->heap[q->n].e = e;
	sift_up(q, q->n++);
	return 0;
}

void
ev_cancel(struct ev_queue *q, struct ev *e)
{
	size_t i;

	if (e->idx == 0)
		return;
	i = e->idx - 1;
	e->idx = 0;
	if (i == --q->n)
		return;
	heap_set(q, i, &q->heap[q->n]);
	if (i > 0 && hent_before(&q->heap[i], &q->heap[(i - 1) / 4]))
		sift_up(q, i);
	else
		sift_down(q, i);
}

simtime_t
ev_now(const struct ev_queue *q)
{
	return q->now;
}

simtime_t
ev_next(const struct ev_queue *q)
{
	return q->n > 0 ? q->heap[0].at : SIMTIME_MAX;
}

size_t
ev_count(const struct ev_queue *q)
{
	return q->n;
}

uint64_t
ev_scheduled_total(const struct ev_queue *q)
{
	return q->seq;
}

uint64_t
ev_limit_drops(const struct ev_queue *q)
{
	return q->limit_drops;
}

void
ev_stop(struct ev_queue *q)
{
	q->stop = 1;
}

void
ev_switch_ctx(struct ev_queue *q, void *ctx)
{
	if (ctx != q->ctx) {
		q->ctx = ctx;
		if (q->ctx_fn)
			q->ctx_fn(ctx, q->ctx_arg);
	}
}

void *
ev_current_ctx(const struct ev_queue *q)
{
	return q->ctx;
}

uint64_t
ev_run(struct ev_queue *q, simtime_t until)
{
	uint64_t ran = 0;

	q->stop = 0;
	while (q->n > 0 && !q->stop) {
		struct ev *e = q->heap[0].e;

		if (q->heap[0].at > until)
			break;
		/* Pop the minimum. */
		e->idx = 0;
		if (--q->n > 0) {
			q->heap[0] = q->heap[q->n];
			sift_down(q, 0);
		}
		q->now = e->at;
		if (e->ctx != q->ctx)
			ev_switch_ctx(q, e->ctx);
		e->fn(e->arg);
		ran++;
	}
	if (!q->stop && until > q->now)
		q->now = until;
	return ran;
}
