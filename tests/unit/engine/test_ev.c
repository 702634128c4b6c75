/*
 * Event queue (engine/ev.c): heap order, ties, reschedule, cancel, the
 * pending limit, ev_run/ev_stop and the context hook. The long test drives
 * the queue with 1M random operations and checks every firing against a
 * reference model (a binary heap with lazy deletion, a different algorithm
 * from the engine's indexed 4-ary heap).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/ev.h"
#include "engine/rng.h"

/* A log of fired events: (id, time). */
struct fired {
	int		*id;
	simtime_t	*at;
	size_t		 n, cap;
};

static void
fired_add(struct fired *f, int id, simtime_t at)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 1024;
		f->id = realloc(f->id, f->cap * sizeof(*f->id));
		f->at = realloc(f->at, f->cap * sizeof(*f->at));
		assert_non_null(f->id);
		assert_non_null(f->at);
	}
	f->id[f->n] = id;
	f->at[f->n] = at;
	f->n++;
}

static void
fired_free(struct fired *f)
{
	free(f->id);
	free(f->at);
	memset(f, 0, sizeof(*f));
}

/* A test event: knows its id, its queue and where to log. */
struct tev {
	struct ev	 ev;
	int		 id;
	struct ev_queue	*q;
	struct fired	*log;
};

static void
tev_fire(void *arg)
{
	struct tev *t = arg;

	assert_false(ev_pending(&t->ev));
	fired_add(t->log, t->id, ev_now(t->q));
}

static struct tev *
tevs_create(struct ev_queue *q, struct fired *log, int n)
{
	struct tev *t = calloc((size_t)n, sizeof(*t));
	int i;

	assert_non_null(t);
	for (i = 0; i < n; i++) {
		ev_init(&t[i].ev, tev_fire, &t[i], NULL);
		t[i].id = i;
		t[i].q = q;
		t[i].log = log;
	}
	return t;
}

/* Reference sort: by time, then by scheduling order. */
struct sched {
	simtime_t	at;
	int		id;	/* also the scheduling order */
};

static int
sched_cmp(const void *a, const void *b)
{
	const struct sched *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static void
test_heap_order(void **state)
{
	enum { N = 200000 };
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, N);
	struct sched *ref = calloc(N, sizeof(*ref));
	struct rng r;
	int i;

	(void)state;
	assert_non_null(ref);
	rng_init(&r, 1, "test.heap");
	/* Few distinct times: many ties. */
	for (i = 0; i < N; i++) {
		ref[i].at = (simtime_t)rng_below(&r, 5000);
		ref[i].id = i;
		assert_int_equal(ev_schedule(q, &t[i].ev, ref[i].at), 0);
	}
	assert_int_equal(ev_count(q), N);
	qsort(ref, N, sizeof(*ref), sched_cmp);
	assert_int_equal(ev_run(q, SIMTIME_MAX - 1), N);
	assert_int_equal(log.n, N);
	for (i = 0; i < N; i++) {
		assert_int_equal(log.id[i], ref[i].id);
		assert_int_equal(log.at[i], ref[i].at);
	}
	assert_int_equal(ev_count(q), 0);
	assert_int_equal(ev_scheduled_total(q), N);
	fired_free(&log);
	free(ref);
	free(t);
	ev_queue_destroy(q);
}

static void
test_ties_schedule_order(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 4);

	(void)state;
	ev_schedule(q, &t[0].ev, 100);
	ev_schedule(q, &t[1].ev, 100);
	ev_schedule(q, &t[2].ev, 100);
	ev_schedule(q, &t[3].ev, 50);
	/* Rescheduling to the same instant takes a new place: last. */
	ev_schedule(q, &t[0].ev, 100);
	assert_int_equal(ev_count(q), 4);
	assert_int_equal(ev_run(q, 100), 4);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.id[0], 3);
	assert_int_equal(log.id[1], 1);
	assert_int_equal(log.id[2], 2);
	assert_int_equal(log.id[3], 0);
	assert_int_equal(log.at[3], 100);
	fired_free(&log);
	free(t);
	ev_queue_destroy(q);
}

/* An event that, when fired, schedules another at the current instant. */
struct chain {
	struct ev	 ev;
	struct ev_queue	*q;
	struct tev	*next;
	struct fired	*log;
};

static void
chain_fire(void *arg)
{
	struct chain *c = arg;

	fired_add(c->log, 100, ev_now(c->q));
	assert_int_equal(ev_schedule(c->q, &c->next->ev, ev_now(c->q)), 0);
}

static void
test_ties_same_instant_from_callback(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 3);
	struct chain c = { .q = q, .next = &t[2], .log = &log };

	(void)state;
	ev_init(&c.ev, chain_fire, &c, NULL);
	ev_schedule(q, &c.ev, 10);
	ev_schedule(q, &t[0].ev, 10);
	ev_schedule(q, &t[1].ev, 10);
	/* Scheduled "now" while running: fires in this ev_run, after the
	 * events already queued for the same instant. */
	assert_int_equal(ev_run(q, 10), 4);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.id[0], 100);
	assert_int_equal(log.id[1], 0);
	assert_int_equal(log.id[2], 1);
	assert_int_equal(log.id[3], 2);
	assert_int_equal(log.at[3], 10);
	fired_free(&log);
	free(t);
	ev_queue_destroy(q);
}

static void
test_reschedule_earlier_and_later(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 3);

	(void)state;
	ev_schedule(q, &t[0].ev, 10);
	ev_schedule(q, &t[1].ev, 20);
	ev_schedule(q, &t[2].ev, 30);
	ev_schedule(q, &t[2].ev, 5);	/* earlier */
	ev_schedule(q, &t[0].ev, 40);	/* later */
	assert_int_equal(ev_count(q), 3);
	assert_int_equal(ev_scheduled_total(q), 5);
	ev_run(q, 100);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.id[0], 2);
	assert_int_equal(log.at[0], 5);
	assert_int_equal(log.id[1], 1);
	assert_int_equal(log.at[1], 20);
	assert_int_equal(log.id[2], 0);
	assert_int_equal(log.at[2], 40);
	fired_free(&log);
	free(t);
	ev_queue_destroy(q);
}

static void
test_cancel(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 6);
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		ev_schedule(q, &t[i].ev, 10 * (i + 1));
	ev_cancel(q, &t[0].ev);		/* the head */
	ev_cancel(q, &t[3].ev);		/* the middle */
	ev_cancel(q, &t[5].ev);		/* the last slot */
	ev_cancel(q, &t[5].ev);		/* not pending: no-op */
	assert_false(ev_pending(&t[0].ev));
	assert_false(ev_pending(&t[5].ev));
	assert_true(ev_pending(&t[1].ev));
	assert_int_equal(ev_count(q), 3);
	ev_run(q, 1000);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.id[0], 1);
	assert_int_equal(log.id[1], 2);
	assert_int_equal(log.id[2], 4);
	/* A cancelled event can be scheduled again. */
	ev_schedule(q, &t[0].ev, 2000);
	ev_run(q, 3000);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.id[3], 0);
	assert_int_equal(log.at[3], 2000);
	fired_free(&log);
	free(t);
	ev_queue_destroy(q);
}

/* Cancels its victim when it fires. */
struct killer {
	struct ev	 ev;
	struct ev_queue	*q;
	struct ev	*victim;
};

static void
killer_fire(void *arg)
{
	struct killer *k = arg;

	ev_cancel(k->q, k->victim);
}

static void
test_cancel_from_callback(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 2);
	struct killer k = { .q = q, .victim = &t[0].ev };

	(void)state;
	ev_init(&k.ev, killer_fire, &k, NULL);
	ev_schedule(q, &k.ev, 7);
	ev_schedule(q, &t[0].ev, 7);	/* same instant, after the killer */
	ev_schedule(q, &t[1].ev, 7);
	assert_int_equal(ev_run(q, 7), 2);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.id[0], 1);
	fired_free(&log);
	free(t);
	ev_queue_destroy(q);
}

static void
test_limit_counted(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 5);

	(void)state;
	ev_queue_set_limit(q, 3);
	assert_int_equal(ev_schedule(q, &t[0].ev, 1), 0);
	assert_int_equal(ev_schedule(q, &t[1].ev, 2), 0);
	assert_int_equal(ev_schedule(q, &t[2].ev, 3), 0);
	assert_int_equal(ev_schedule(q, &t[3].ev, 4), EOVERFLOW);
	assert_int_equal(ev_schedule(q, &t[4].ev, 5), EOVERFLOW);
	assert_false(ev_pending(&t[3].ev));
	assert_int_equal(ev_count(q), 3);
	assert_int_equal(ev_limit_drops(q), 2);
	/* Moving a pending event is not an addition. */
	assert_int_equal(ev_schedule(q, &t[0].ev, 10), 0);
	assert_int_equal(ev_limit_drops(q), 2);
	ev_run(q, 2);
	assert_int_equal(ev_count(q), 2);
	assert_int_equal(ev_schedule(q, &t[3].ev, 4), 0);
	ev_run(q, 100);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.id[0], 1);
	assert_int_equal(log.id[1], 2);
	assert_int_equal(log.id[2], 3);
	assert_int_equal(log.id[3], 0);
	assert_int_equal(ev_limit_drops(q), 2);
	fired_free(&log);
	free(t);
	ev_queue_destroy(q);
}

static void
test_run_until_and_past(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 3);

	(void)state;
	assert_int_equal(ev_now(q), 0);
	ev_schedule(q, &t[0].ev, 100);
	ev_schedule(q, &t[1].ev, 101);
	assert_int_equal(ev_run(q, 99), 0);
	assert_int_equal(ev_now(q), 99);
	assert_int_equal(ev_run(q, 100), 1);	/* at <= until runs */
	assert_int_equal(ev_now(q), 100);
	assert_true(ev_pending(&t[1].ev));
	/* A time in the past is clamped to now. */
	ev_schedule(q, &t[2].ev, 3);
	assert_int_equal(t[2].ev.at, 100);
	assert_int_equal(ev_run(q, 100), 1);
	assert_int_equal(log.id[1], 2);
	assert_int_equal(log.at[1], 100);
	assert_int_equal(ev_run(q, 1000), 1);
	assert_int_equal(ev_now(q), 1000);
	assert_int_equal(ev_run(q, 500), 0);	/* time never goes back */
	assert_int_equal(ev_now(q), 1000);
	fired_free(&log);
	free(t);
	ev_queue_destroy(q);
}

struct stopper {
	struct ev	 ev;
	struct ev_queue	*q;
	int		 ran;
};

static void
stopper_fire(void *arg)
{
	struct stopper *s = arg;

	s->ran++;
	ev_stop(s->q);
}

static void
test_stop(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 1);
	struct stopper s = { .q = q };

	(void)state;
	ev_init(&s.ev, stopper_fire, &s, NULL);
	ev_schedule(q, &s.ev, 50);
	ev_schedule(q, &t[0].ev, 50);
	assert_int_equal(ev_run(q, 1000), 1);
	assert_int_equal(s.ran, 1);
	assert_int_equal(ev_now(q), 50);	/* stopped: now stays */
	assert_true(ev_pending(&t[0].ev));
	assert_int_equal(ev_run(q, 1000), 1);
	assert_int_equal(ev_now(q), 1000);
	fired_free(&log);
	free(t);
	ev_queue_destroy(q);
}

static void *hook_seen[16];
static int hook_calls;

static void
ctx_hook(void *ctx, void *arg)
{
	assert_ptr_equal(arg, &hook_calls);
	if (hook_calls < 16)
		hook_seen[hook_calls] = ctx;
	hook_calls++;
}

struct ctxev {
	struct ev	 ev;
	struct ev_queue	*q;
	void		*seen;
};

static void
ctxev_fire(void *arg)
{
	struct ctxev *c = arg;

	c->seen = ev_current_ctx(c->q);
}

static void
test_ctx_hook(void **state)
{
	struct ev_queue *q = ev_queue_create();
	int a, b;
	void *ctxs[5] = { &a, &a, &b, NULL, &b };
	struct ctxev e[5];
	int i;

	(void)state;
	hook_calls = 0;
	ev_queue_set_ctx_hook(q, ctx_hook, &hook_calls);
	for (i = 0; i < 5; i++) {
		e[i].q = q;
		e[i].seen = (void *)1;
		ev_init(&e[i].ev, ctxev_fire, &e[i], ctxs[i]);
		ev_schedule(q, &e[i].ev, i);
	}
	ev_run(q, 10);
	for (i = 0; i < 5; i++)
		assert_ptr_equal(e[i].seen, ctxs[i]);
	/* Switches only where the context changes: a, b, NULL, b. */
	assert_int_equal(hook_calls, 4);
	assert_ptr_equal(hook_seen[0], &a);
	assert_ptr_equal(hook_seen[1], &b);
	assert_ptr_equal(hook_seen[2], NULL);
	assert_ptr_equal(hook_seen[3], &b);
	ev_switch_ctx(q, &b);
	assert_int_equal(hook_calls, 4);
	ev_switch_ctx(q, NULL);
	assert_int_equal(hook_calls, 5);
	assert_null(ev_current_ctx(q));
	ev_queue_destroy(q);
}

static void
test_destroy_with_pending(void **state)
{
	struct ev_queue *q = ev_queue_create();
	struct fired log = { 0 };
	struct tev *t = tevs_create(q, &log, 2000);
	int i;

	(void)state;
	/* More than the initial heap capacity: the heap grows. */
	for (i = 0; i < 2000; i++)
		assert_int_equal(ev_schedule(q, &t[i].ev, 2000 - i), 0);
	ev_run(q, 1000);
	assert_int_equal(log.n, 1000);
	assert_int_equal(log.id[0], 1999);
	/* Destroying a queue with events pending frees it all. */
	ev_queue_destroy(q);
	fired_free(&log);
	free(t);
}

/*
 * The random-operation test. The reference is a binary heap of (at, seq,
 * id) with lazy deletion: cancel and reschedule only bump the id's current
 * sequence number, stale entries are skipped when popped.
 */
#define REF_NONE	UINT64_MAX
#define NEV		4096

struct ref_ent {
	simtime_t	at;
	uint64_t	seq;
	uint32_t	id;
};

struct ref {
	struct ref_ent	*h;
	size_t		 n, cap;
	uint64_t	 seq;
	simtime_t	 now;
	uint64_t	 cur[NEV];	/* live entry's seq, or REF_NONE */
	size_t		 pending;
};

static int
ref_less(const struct ref_ent *a, const struct ref_ent *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void
ref_push(struct ref *r, struct ref_ent e)
{
	size_t i;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4096;
		r->h = realloc(r->h, r->cap * sizeof(*r->h));
		assert_non_null(r->h);
	}
	i = r->n++;
	while (i > 0 && ref_less(&e, &r->h[(i - 1) / 2])) {
		r->h[i] = r->h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->h[i] = e;
}

static void
ref_pop_top(struct ref *r)
{
	struct ref_ent e = r->h[--r->n];
	size_t i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= r->n)
			break;
		if (c + 1 < r->n && ref_less(&r->h[c + 1], &r->h[c]))
			c++;
		if (!ref_less(&r->h[c], &e))
			break;
		r->h[i] = r->h[c];
		i = c;
	}
	if (r->n > 0)
		r->h[i] = e;
}

static void
ref_schedule(struct ref *r, uint32_t id, simtime_t at)
{
	struct ref_ent e;

	if (at < r->now)
		at = r->now;
	if (r->cur[id] == REF_NONE)
		r->pending++;
	e.at = at;
	e.seq = r->seq++;
	e.id = id;
	r->cur[id] = e.seq;
	ref_push(r, e);
}

static void
ref_cancel(struct ref *r, uint32_t id)
{
	if (r->cur[id] != REF_NONE) {
		r->cur[id] = REF_NONE;
		r->pending--;
	}
}

/* The next live entry, or NULL. */
static const struct ref_ent *
ref_peek(struct ref *r)
{
	while (r->n > 0 && r->cur[r->h[0].id] != r->h[0].seq)
		ref_pop_top(r);
	return r->n > 0 ? &r->h[0] : NULL;
}

struct harness;

struct hev {
	struct ev	 ev;
	struct harness	*h;
	uint32_t	 id;
};

struct harness {
	struct ev_queue	*q;
	struct ref	 ref;
	struct hev	 hev[NEV];
	struct rng	 rng;
	simtime_t	 until;
	uint64_t	 fired, ops;
	uint64_t	 hash;		/* of the firing sequence */
};

static simtime_t
rand_delta(struct harness *h)
{
	/* Mostly tiny deltas (ties), sometimes far, sometimes past. */
	switch (rng_below(&h->rng, 8)) {
	case 0:
		return -(simtime_t)rng_below(&h->rng, 8);
	case 1:
		return (simtime_t)rng_below(&h->rng, 1000000);
	default:
		return (simtime_t)rng_below(&h->rng, 16);
	}
}

static void
h_schedule(struct harness *h, uint32_t id, simtime_t at)
{
	assert_int_equal(ev_schedule(h->q, &h->hev[id].ev, at), 0);
	ref_schedule(&h->ref, id, at);
	h->ops++;
}

static void
h_cancel(struct harness *h, uint32_t id)
{
	ev_cancel(h->q, &h->hev[id].ev);
	ref_cancel(&h->ref, id);
	h->ops++;
}

static void
h_fire(void *arg)
{
	struct hev *e = arg;
	struct harness *h = e->h;
	uint32_t id = e->id;
	const struct ref_ent *top;
	simtime_t now = ev_now(h->q);

	top = ref_peek(&h->ref);
	assert_non_null(top);
	assert_true(top->at <= h->until);
	/* The engine fired exactly what the reference says is next. */
	assert_int_equal(top->id, id);
	assert_int_equal(top->at, now);
	ref_pop_top(&h->ref);
	h->ref.cur[id] = REF_NONE;
	h->ref.pending--;
	h->ref.now = now;
	h->fired++;
	h->hash = (h->hash ^ ((uint64_t)id << 40 ^ (uint64_t)now)) *
	    0x100000001b3ULL;
	/* Callbacks change the queue too. */
	switch (rng_below(&h->rng, 8)) {
	case 0:
	case 1:
		h_schedule(h, id, now + rand_delta(h));
		break;
	case 2:
		h_cancel(h, (uint32_t)rng_below(&h->rng, NEV));
		break;
	case 3:
		h_schedule(h, (uint32_t)rng_below(&h->rng, NEV),
		    now + rand_delta(h));
		break;
	default:
		break;
	}
}

static void
h_run(struct harness *h, simtime_t until)
{
	const struct ref_ent *top;

	h->until = until;
	ev_run(h->q, until);
	/* Nothing the reference holds is due any more. */
	top = ref_peek(&h->ref);
	assert_true(top == NULL || top->at > until);
	if (until > h->ref.now)
		h->ref.now = until;
	assert_int_equal(ev_now(h->q), h->ref.now);
	assert_int_equal(ev_count(h->q), h->ref.pending);
	h->ops++;
}

static void
test_random_ops_vs_reference(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));
	uint32_t i, id;
	uint64_t before;

	(void)state;
	assert_non_null(h);
	h->q = ev_queue_create();
	rng_init(&h->rng, 2024, "test.ev.random");
	for (i = 0; i < NEV; i++) {
		h->hev[i].h = h;
		h->hev[i].id = i;
		ev_init(&h->hev[i].ev, h_fire, &h->hev[i], NULL);
		h->ref.cur[i] = REF_NONE;
	}
	while (h->ops < 1000000) {
		id = (uint32_t)rng_below(&h->rng, NEV);
		/* 40% schedule, 20% reschedule, 20% cancel, 20% run. */
		switch (rng_below(&h->rng, 5)) {
		case 0:
		case 1:
			if (!ev_pending(&h->hev[id].ev))
				h_schedule(h, id, ev_now(h->q) + rand_delta(h));
			break;
		case 2:
			if (ev_pending(&h->hev[id].ev))
				h_schedule(h, id, ev_now(h->q) + rand_delta(h));
			break;
		case 3:
			h_cancel(h, id);
			break;
		default:
			h_run(h, ev_now(h->q) + (simtime_t)rng_below(&h->rng,
			    rng_below(&h->rng, 4) == 0 ? 100000 : 8));
			break;
		}
		assert_int_equal(ev_pending(&h->hev[id].ev),
		    h->ref.cur[id] != REF_NONE);
	}
	/* Drain; callbacks may keep scheduling for a while. */
	before = h->fired;
	while (ev_count(h->q) > 0)
		h_run(h, ev_now(h->q) + 10000000);
	assert_true(h->fired > before);
	assert_true(h->fired > 200000);
	assert_null(ref_peek(&h->ref));
	print_message("    %llu operations, %llu firings, sequence hash "
	    "%016llx\n", (unsigned long long)h->ops,
	    (unsigned long long)h->fired, (unsigned long long)h->hash);
	ev_queue_destroy(h->q);
	free(h->ref.h);
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_order),
		cmocka_unit_test(test_ties_schedule_order),
		cmocka_unit_test(test_ties_same_instant_from_callback),
		cmocka_unit_test(test_reschedule_earlier_and_later),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_from_callback),
		cmocka_unit_test(test_limit_counted),
		cmocka_unit_test(test_run_until_and_past),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_ctx_hook),
		cmocka_unit_test(test_destroy_with_pending),
		cmocka_unit_test(test_random_ops_vs_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
