/*
 * Packet pool and queues (engine/pkt.c, pkt.h): fresh packets, no malloc
 * in steady state, the limit (NULL and a counted failure), clones, FIFO.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/pkt.h"
#include "engine/rng.h"

static void
test_alloc_fresh(void **state)
{
	struct pkt_pool *pp = pkt_pool_create(0);
	struct pkt *p;

	(void)state;
	assert_non_null(pp);
	assert_int_equal(pkt_pool_mallocs(pp), 0);
	p = pkt_alloc(pp);
	assert_non_null(p);
	assert_ptr_equal(p->data, p->buf + PKT_HEADROOM);
	assert_int_equal(p->len, 0);
	assert_ptr_equal(p->pool, pp);
	assert_null(p->next);
	assert_int_equal(pkt_pool_inuse(pp), 1);
	/* Dirty it; a recycled packet comes back clean. */
	p->data += 10;
	p->len = 99;
	p->flow = 7;
	p->flags = 0x0001;
	p->t_sent = 1234;
	p->rcvif = p;
	pkt_free(p);
	assert_int_equal(pkt_pool_inuse(pp), 0);
	p = pkt_alloc(pp);
	assert_ptr_equal(p->data, p->buf + PKT_HEADROOM);
	assert_int_equal(p->len, 0);
	assert_int_equal(p->flow, 0);
	assert_int_equal(p->flags, 0);
	assert_int_equal(p->t_sent, 0);
	assert_null(p->rcvif);
	pkt_free(p);
	pkt_free(NULL);
	pkt_pool_destroy(pp);
}

static void
test_no_malloc_in_steady_state(void **state)
{
	enum { LIVE = 1000 };
	struct pkt_pool *pp = pkt_pool_create(0);
	struct pkt *live[LIVE];
	struct rng r;
	uint64_t warm;
	int i, n = 0;

	(void)state;
	/* Warm-up: the most packets that will ever be alive at once. */
	for (i = 0; i < LIVE; i++)
		live[i] = pkt_alloc(pp);
	for (i = 0; i < LIVE; i++)
		pkt_free(live[i]);
	warm = pkt_pool_mallocs(pp);
	assert_true(warm > 0);
	assert_true(warm <= LIVE / 8);	/* slabs, not one malloc each */
	assert_int_equal(pkt_pool_peak(pp), LIVE);
	/* Steady state: a million random allocs and frees, at most LIVE
	 * alive: the malloc counter does not move. */
	rng_init(&r, 1, "test.pkt");
	for (i = 0; i < 1000000; i++) {
		if (n < LIVE && (n == 0 || rng_below(&r, 2) == 0)) {
			live[n] = pkt_alloc(pp);
			assert_non_null(live[n]);
			n++;
		} else {
			int k = (int)rng_below(&r, (uint64_t)n);

			pkt_free(live[k]);
			live[k] = live[--n];
		}
	}
	assert_int_equal(pkt_pool_mallocs(pp), warm);
	assert_int_equal(pkt_pool_inuse(pp), (size_t)n);
	assert_int_equal(pkt_pool_peak(pp), LIVE);
	assert_int_equal(pkt_pool_failures(pp), 0);
	while (n > 0)
		pkt_free(live[--n]);
	assert_int_equal(pkt_pool_inuse(pp), 0);
	pkt_pool_destroy(pp);
}

static void
test_limit(void **state)
{
	struct pkt_pool *pp = pkt_pool_create(10);
	struct pkt *p[10], *x;
	int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		p[i] = pkt_alloc(pp);
		assert_non_null(p[i]);
	}
	assert_null(pkt_alloc(pp));
	assert_null(pkt_alloc(pp));
	assert_int_equal(pkt_pool_failures(pp), 2);
	assert_int_equal(pkt_pool_inuse(pp), 10);
	/* A clone is an allocation too. */
	assert_null(pkt_clone(p[0]));
	assert_int_equal(pkt_pool_failures(pp), 3);
	pkt_free(p[3]);
	x = pkt_alloc(pp);
	assert_non_null(x);
	assert_int_equal(pkt_pool_failures(pp), 3);
	assert_int_equal(pkt_pool_peak(pp), 10);
	pkt_free(x);
	for (i = 0; i < 10; i++)
		if (i != 3)
			pkt_free(p[i]);
	assert_int_equal(pkt_pool_inuse(pp), 0);
	pkt_pool_destroy(pp);
}

static void
test_clone(void **state)
{
	struct pkt_pool *pp = pkt_pool_create(0);
	struct pkt *p = pkt_alloc(pp), *c;
	uint32_t i;

	(void)state;
	/* Headers prepended: data moved into the headroom. */
	p->data -= 14;
	p->len = 1514;
	for (i = 0; i < p->len; i++)
		p->data[i] = (uint8_t)(i * 7);
	p->flow = 42;
	p->flags = 0x0002;	/* a model's mark */
	p->t_sent = 555;
	c = pkt_clone(p);
	assert_non_null(c);
	assert_ptr_not_equal(c, p);
	assert_int_equal(c->data - c->buf, p->data - p->buf);
	assert_int_equal(c->len, 1514);
	assert_memory_equal(c->data, p->data, 1514);
	assert_int_equal(c->flow, 42);
	assert_int_equal(c->flags, 0x0002);
	assert_int_equal(c->t_sent, 555);
	assert_int_equal(pkt_pool_inuse(pp), 2);
	c->data[0] ^= 0xff;
	assert_int_not_equal(c->data[0], p->data[0]);
	pkt_free(c);
	pkt_free(p);
	pkt_pool_destroy(pp);
}

static void
test_pktq(void **state)
{
	struct pkt_pool *pp = pkt_pool_create(0);
	struct pktq q;
	struct pkt *p[5];
	int i;

	(void)state;
	pktq_init(&q, 3);
	assert_null(pktq_get(&q));
	assert_false(pktq_full(&q));
	for (i = 0; i < 3; i++) {
		p[i] = pkt_alloc(pp);
		p[i]->flow = (uint32_t)i;
		pktq_put(&q, p[i]);
	}
	assert_true(pktq_full(&q));
	assert_int_equal(q.len, 3);
	assert_ptr_equal(pktq_get(&q), p[0]);
	assert_null(p[0]->next);
	assert_false(pktq_full(&q));
	assert_ptr_equal(pktq_get(&q), p[1]);
	assert_ptr_equal(pktq_get(&q), p[2]);
	assert_null(pktq_get(&q));
	assert_null(q.tail);
	assert_int_equal(q.len, 0);
	for (i = 0; i < 3; i++)
		pkt_free(p[i]);
	/* limit 0: unbounded; purge frees everything. */
	pktq_init(&q, 0);
	for (i = 0; i < 100; i++)
		pktq_put(&q, pkt_alloc(pp));
	assert_false(pktq_full(&q));
	assert_int_equal(pkt_pool_inuse(pp), 100);
	pktq_purge(&q);
	assert_int_equal(q.len, 0);
	assert_int_equal(pkt_pool_inuse(pp), 0);
	pkt_pool_destroy(pp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_fresh),
		cmocka_unit_test(test_no_malloc_in_steady_state),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_pktq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
