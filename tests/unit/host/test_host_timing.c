/*
 * Unit tests of the host timing model (host.h, "Timing"): receive
 * interrupt moderation, the throttle timer's phase, stack latencies and
 * their spread, sim.variability off, the untimed path, and a flow's start
 * jitter. A host and a peer node share one net with no rate and no delay,
 * so a frame the peer sends reaches the host the same instant, and a
 * frame the host hands to its interface reaches the peer the same
 * instant: every time measured is the host's own.
 */
#include <arpa/inet.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/proto.h"
#include "engine/run.h"
#include "models/host/host.h"
#include "models/host/host_var.h"

/* run.c wants the model list; these tests run the host model alone. */
const struct model_type *const pfsim_models[] = {
	&host_model, &flow_model, NULL
};

#define NET	0x0a000100U	/* 10.0.1.0/24 */
#define HADDR	(NET | 10)
#define PADDR	(NET | 1)
#define HPORT	9
#define PPORT	7000
#define US	NS_PER_US
#define MS	NS_PER_MS
#define MAXF	40000

/* Frames sent at given times, one event walking the list. */
struct script {
	struct tt	*tt;
	const simtime_t	*t;
	int		 n, next;
	struct ev	 ev;
};

struct tt {
	struct world	*w;
	struct segment	*seg;
	struct host	*h;
	struct node	*peer;
	struct iface	*pif;
	struct script	 rxs, txs;	/* peer -> host, host -> peer */
	/* What the host's UDP input saw, and what reached the peer. */
	simtime_t	*in_t;
	uint32_t	*in_len;
	int		 nin;
	simtime_t	*out_t;
	uint64_t	*out_seq;
	int		 nout;
};

/* Distinct payload lengths tell the frames apart at the host. */
static uint32_t
len_of(int i)
{
	return 8 + (uint32_t)(i % 1000);
}

static void
peer_rx(struct iface *ifp, struct pkt *p, void *arg)
{
	struct tt *tt = arg;
	const struct ip4_hdr *ip;
	const uint8_t *pl;
	uint64_t seq = 0;
	int i;

	(void)ifp;
	assert_int_equal(frame_check_ip4(p), 0);
	ip = pkt_ip(p);
	assert_int_equal(ip->p, IPPROTO_UDP_);
	pl = (const uint8_t *)ip + (ip->vhl & 0x0f) * 4 + 8;
	for (i = 0; i < 8; i++)
		seq = seq << 8 | pl[i];
	assert_true(tt->nout < MAXF);
	tt->out_t[tt->nout] = sim_now(tt->w);
	tt->out_seq[tt->nout++] = seq;
	pkt_free(p);
}

static void
host_udp(struct host *h, uint32_t src, uint16_t sport, uint32_t len,
    void *arg)
{
	struct tt *tt = arg;

	(void)h;
	assert_int_equal(src, PADDR);
	assert_int_equal(sport, PPORT);
	assert_true(tt->nin < MAXF);
	tt->in_t[tt->nin] = sim_now(tt->w);
	tt->in_len[tt->nin++] = len;
}

static void
script_fire(void *arg)
{
	struct script *s = arg;
	struct tt *tt = s->tt;
	int i = s->next++;

	if (s == &tt->rxs) {
		struct pkt *p = pkt_alloc(tt->w->pool);
		uint8_t head[8];
		int k;

		assert_non_null(p);
		for (k = 0; k < 8; k++)
			head[k] = (uint8_t)((uint64_t)i >> (56 - 8 * k));
		frame_udp4(p, tt->pif->mac, host_iface(tt->h)->mac, PADDR,
		    HADDR, PPORT, HPORT, head, 8, len_of(i), 64,
		    (uint16_t)i);
		assert_int_equal(sim_output(tt->pif, p), 0);
	} else
		udp_output(tt->h, NULL, 0, tt->pif->mac, HPORT, PADDR, PPORT,
		    100, (uint64_t)i);
	if (s->next < s->n)
		assert_int_equal(ev_schedule(tt->w->q, &s->ev,
		    s->t[s->next]), 0);
}

static void
script_start(struct tt *tt, struct script *s, const simtime_t *t, int n)
{
	s->tt = tt;
	s->t = t;
	s->n = n;
	s->next = 0;
	ev_init(&s->ev, script_fire, s, NULL);
	if (n > 0)
		assert_int_equal(ev_schedule(tt->w->q, &s->ev, t[0]), 0);
}

/* A host with timing tm (NULL: none set) and its peer. */
static struct tt *
tt_create(uint64_t seed, bool variability, const struct host_timing *tm)
{
	struct tt *tt = calloc(1, sizeof(*tt));
	struct seg_params sp;

	assert_non_null(tt);
	tt->w = world_create(seed, 0, 0);
	assert_non_null(tt->w);
	tt->w->variability = variability;
	memset(&sp, 0, sizeof(sp));
	sp.mtu = 1500;
	tt->seg = segment_create(tt->w, "a", &sp);
	assert_non_null(tt->seg);
	tt->peer = node_create(tt->w, "peer", "firewall");
	assert_non_null(tt->peer);
	tt->pif = iface_create(tt->peer, "em0", tt->seg, PADDR, 24);
	assert_non_null(tt->pif);
	sim_set_input(tt->pif, peer_rx, tt);
	tt->h = host_create(tt->w, "h", tt->seg, HADDR, 24, NULL);
	assert_non_null(tt->h);
	if (tm != NULL)
		assert_int_equal(host_set_timing(tt->h, tm), 0);
	assert_int_equal(host_listen(tt->h, HPORT, NULL, host_udp, tt), 0);
	tt->in_t = calloc(MAXF, sizeof(*tt->in_t));
	tt->in_len = calloc(MAXF, sizeof(*tt->in_len));
	tt->out_t = calloc(MAXF, sizeof(*tt->out_t));
	tt->out_seq = calloc(MAXF, sizeof(*tt->out_seq));
	assert_true(tt->in_t && tt->in_len && tt->out_t && tt->out_seq);
	return tt;
}

static void
tt_destroy(struct tt *tt)
{
	ev_cancel(tt->w->q, &tt->rxs.ev);
	ev_cancel(tt->w->q, &tt->txs.ev);
	host_destroy(tt->h);
	ev_queue_clear(tt->w->q);
	world_destroy(tt->w);
	free(tt->in_t);
	free(tt->in_len);
	free(tt->out_t);
	free(tt->out_seq);
	free(tt);
}

static void
tt_run(struct tt *tt, simtime_t until)
{
	ev_run(tt->w->q, until);
}

static struct host_timing
timing(uint32_t int_rate, bool phase, simtime_t rx, simtime_t tx,
    double spread)
{
	struct host_timing tm;

	memset(&tm, 0, sizeof(tm));
	tm.int_rate = int_rate;
	tm.random_phase = phase;
	tm.rx_ns = rx;
	tm.tx_ns = tx;
	tm.spread = spread;
	return tm;
}

/* --- interrupt moderation ---------------------------------------------- */

/*
 * 20,000 interrupts/s: a frame after a quiet spell interrupts at once;
 * two frames 10 us apart inside the next 50 us wait for one interrupt at
 * the first's interrupt + 50 us.
 */
static void
test_intr_coalesces(void **state)
{
	static const simtime_t t[] = { 1 * MS, 1 * MS + 20 * US,
	    1 * MS + 30 * US, 2 * MS };
	struct host_timing tm = timing(20000, false, 0, 0, 0);
	struct tt *tt = tt_create(1, true, &tm);
	const struct host_stats *st = host_stats(tt->h);

	(void)state;
	script_start(tt, &tt->rxs, t, 4);
	tt_run(tt, 10 * MS);
	assert_int_equal(tt->nin, 4);
	assert_int_equal(tt->in_t[0], 1 * MS);
	assert_int_equal(tt->in_t[1], 1 * MS + 50 * US);
	assert_int_equal(tt->in_t[2], 1 * MS + 50 * US);
	assert_int_equal(tt->in_t[3], 2 * MS);
	assert_int_equal(tt->in_len[1], len_of(1));
	assert_int_equal(tt->in_len[2], len_of(2));
	assert_int_equal(st->rx_frames, 4);
	assert_int_equal(st->rx_intr, 3);
	assert_int_equal(st->rx_ring_peak, 2);
	assert_int_equal(st->rx_ring, 0);
	tt_destroy(tt);
}

/* A full ring drops (counted); the interrupt takes what it holds. */
static void
test_rx_ring_overflow(void **state)
{
	simtime_t t[11];
	struct host_timing tm = timing(1000, false, 0, 0, 0);
	struct tt *tt;
	const struct host_stats *st;
	int i;

	(void)state;
	tm.rx_ring = 4;
	tt = tt_create(1, true, &tm);
	st = host_stats(tt->h);
	t[0] = 1 * MS;
	for (i = 1; i < 11; i++)
		t[i] = 1 * MS + 100 * US + i * US;
	script_start(tt, &tt->rxs, t, 11);
	tt_run(tt, 10 * MS);
	assert_int_equal(st->rx_frames, 11);
	assert_int_equal(st->rx_ring, 6);
	assert_int_equal(st->rx_ring_peak, 4);
	assert_int_equal(st->rx_intr, 2);
	assert_int_equal(tt->nin, 5);
	for (i = 1; i < 5; i++) {
		assert_int_equal(tt->in_t[i], 2 * MS);
		assert_int_equal(tt->in_len[i], len_of(i));
	}
	assert_int_equal(pkt_pool_inuse(tt->w->pool), 0);
	tt_destroy(tt);
}

/* When a frame at time 0 goes up: the first interrupt. */
static simtime_t
first_intr(uint64_t seed, bool variability, bool phase)
{
	static const simtime_t t[] = { 0 };
	struct host_timing tm = timing(20000, phase, 0, 0, 0);
	struct tt *tt = tt_create(seed, variability, &tm);
	simtime_t at;

	script_start(tt, &tt->rxs, t, 1);
	tt_run(tt, 1 * MS);
	assert_int_equal(tt->nin, 1);
	at = tt->in_t[0];
	tt_destroy(tt);
	return at;
}

/* The throttle timer's phase: per seed, uniform over one period. */
static void
test_random_phase(void **state)
{
	simtime_t a = first_intr(1, true, true), b = first_intr(2, true, true);
	simtime_t lo = SIMTIME_MAX, hi = 0;
	uint64_t seed;

	(void)state;
	assert_true(a >= 0 && a < 50 * US);
	assert_true(b >= 0 && b < 50 * US);
	assert_true(a != b);
	assert_int_equal(first_intr(1, true, true), a);
	for (seed = 1; seed <= 50; seed++) {
		simtime_t t = first_intr(seed, true, true);

		assert_true(t >= 0 && t < 50 * US);
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	/* 50 draws of U[0, 50 us) span most of it. */
	assert_true(lo < 10 * US);
	assert_true(hi > 40 * US);
	/* No phase: the first frame interrupts at once. */
	assert_int_equal(first_intr(1, true, false), 0);
	assert_int_equal(first_intr(2, true, false), 0);
}

/* --- stack latency ------------------------------------------------------ */

/* spread 0: exactly the mean, and a frame never passes the one ahead. */
static void
test_stack_exact_mean(void **state)
{
	static const simtime_t rx[] = { 1 * MS, 1 * MS + 1 * US, 3 * MS };
	static const simtime_t tx[] = { 1 * MS, 3 * MS };
	struct host_timing tm = timing(0, true, 10 * US, 5 * US, 0);
	struct tt *tt = tt_create(1, true, &tm);

	(void)state;
	script_start(tt, &tt->rxs, rx, 3);
	script_start(tt, &tt->txs, tx, 2);
	tt_run(tt, 10 * MS);
	assert_int_equal(tt->nin, 3);
	assert_int_equal(tt->in_t[0], 1 * MS + 10 * US);
	assert_int_equal(tt->in_t[1], 1 * MS + 11 * US);
	assert_int_equal(tt->in_t[2], 3 * MS + 10 * US);
	assert_int_equal(tt->nout, 2);
	assert_int_equal(tt->out_t[0], 1 * MS + 5 * US);
	assert_int_equal(tt->out_t[1], 3 * MS + 5 * US);
	/* Without moderation each frame is its own interrupt. */
	assert_int_equal(host_stats(tt->h)->rx_intr, 3);
	tt_destroy(tt);
}

/*
 * spread > 0, frames far apart: the mean latency is the key's (within
 * 5%) and none is below (1 - spread) * mean.
 */
static void
spread_mean(double spread)
{
	const int n = 20000;
	simtime_t *t = calloc(n, sizeof(*t));
	struct host_timing tm = timing(0, true, 10 * US, 5 * US, spread);
	struct tt *tt = tt_create(3, true, &tm);
	double sum_rx = 0, sum_tx = 0;
	int i;

	assert_non_null(t);
	for (i = 0; i < n; i++)
		t[i] = 1 * MS + (simtime_t)i * 500 * US;
	script_start(tt, &tt->rxs, t, n);
	script_start(tt, &tt->txs, t, n);
	tt_run(tt, t[n - 1] + 10 * MS);
	assert_int_equal(tt->nin, n);
	assert_int_equal(tt->nout, n);
	for (i = 0; i < n; i++) {
		simtime_t drx = tt->in_t[i] - t[i], dtx = tt->out_t[i] - t[i];

		assert_int_equal(tt->in_len[i], len_of(i));
		assert_int_equal(tt->out_seq[i], i);
		assert_true(drx >= llround((1 - spread) * 10 * US) - 1);
		assert_true(dtx >= llround((1 - spread) * 5 * US) - 1);
		sum_rx += (double)drx;
		sum_tx += (double)dtx;
	}
	if (getenv("HOST_TEST_VERBOSE"))
		fprintf(stderr, "spread %.2f: mean rx %.0f ns, tx %.0f ns\n",
		    spread, sum_rx / n, sum_tx / n);
	assert_true(fabs(sum_rx / n - 10000) < 0.05 * 10000);
	assert_true(fabs(sum_tx / n - 5000) < 0.05 * 5000);
	tt_destroy(tt);
	free(t);
}

static void
test_stack_spread_mean(void **state)
{
	(void)state;
	spread_mean(0.5);
	spread_mean(1.0);
}

/*
 * spread > 0, frames 1 us apart (well inside one latency): they would
 * overtake each other if drawn alone; they keep their order both ways.
 */
static void
test_stack_spread_order(void **state)
{
	const int n = 5000;
	simtime_t *t = calloc(n, sizeof(*t));
	struct host_timing tm = timing(20000, true, 10 * US, 5 * US, 1.0);
	struct tt *tt = tt_create(5, true, &tm);
	int i;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < n; i++)
		t[i] = 1 * MS + (simtime_t)i * US;
	script_start(tt, &tt->rxs, t, n);
	script_start(tt, &tt->txs, t, n);
	tt_run(tt, 100 * MS);
	assert_int_equal(tt->nin, n);
	assert_int_equal(tt->nout, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(tt->in_len[i], len_of(i));
		assert_int_equal(tt->out_seq[i], i);
		assert_true(tt->in_t[i] >= t[i]);
		assert_true(tt->out_t[i] >= t[i]);
		if (i > 0) {
			assert_true(tt->in_t[i] >= tt->in_t[i - 1]);
			assert_true(tt->out_t[i] >= tt->out_t[i - 1]);
		}
	}
	/* 5 ms of frames at 20,000 interrupts/s: about 100 interrupts. */
	assert_true(host_stats(tt->h)->rx_intr >= 99);
	assert_true(host_stats(tt->h)->rx_intr <= 102);
	tt_destroy(tt);
	free(t);
}

/* --- variability off, and no timing ------------------------------------- */

/* Irregular traffic both ways: bursts, gaps, frames inside a throttle. */
static void
mixed_times(simtime_t *t, int n)
{
	int i;

	t[0] = 1 * MS;
	for (i = 1; i < n; i++)
		t[i] = t[i - 1] + (i % 10 == 0 ? 300 * US :
		    (simtime_t)(i % 3 + 1) * 7 * US);
}

struct trace {
	simtime_t	in[400], out[400];
	int		nin, nout;
	uint64_t	events;
	struct host_stats st;
};

static void
trace_run(uint64_t seed, bool variability, const struct host_timing *tm,
    struct trace *tr)
{
	static simtime_t t[400];
	struct tt *tt = tt_create(seed, variability, tm);

	mixed_times(t, 400);
	script_start(tt, &tt->rxs, t, 400);
	script_start(tt, &tt->txs, t, 400);
	tt_run(tt, 1 * NS_PER_SEC);
	memset(tr, 0, sizeof(*tr));
	tr->nin = tt->nin;
	tr->nout = tt->nout;
	memcpy(tr->in, tt->in_t, tt->nin * sizeof(*tr->in));
	memcpy(tr->out, tt->out_t, tt->nout * sizeof(*tr->out));
	tr->events = ev_scheduled_total(tt->w->q);
	tr->st = *host_stats(tt->h);
	tt_destroy(tt);
}

static void
assert_same(const struct trace *a, const struct trace *b)
{
	int i;

	assert_int_equal(a->nin, b->nin);
	assert_int_equal(a->nout, b->nout);
	for (i = 0; i < a->nin; i++)
		assert_int_equal(a->in[i], b->in[i]);
	for (i = 0; i < a->nout; i++)
		assert_int_equal(a->out[i], b->out[i]);
	assert_int_equal(a->events, b->events);
	assert_int_equal(a->st.rx_frames, b->st.rx_frames);
	assert_int_equal(a->st.tx_frames, b->st.tx_frames);
	assert_int_equal(a->st.rx_intr, b->st.rx_intr);
	assert_int_equal(a->st.rx_ring_peak, b->st.rx_ring_peak);
	assert_int_equal(a->st.rx_ring, b->st.rx_ring);
}

/*
 * sim.variability off: no phase, every latency its mean, nothing drawn:
 * the same as spread 0 and no phase, whatever the seed.
 */
static void
test_variability_off(void **state)
{
	static struct trace a, b, c, d;
	struct host_timing on = timing(20000, true, 10 * US, 5 * US, 0.5);
	struct host_timing flat = timing(20000, false, 10 * US, 5 * US, 0);

	(void)state;
	trace_run(1, false, &on, &a);
	trace_run(1, true, &flat, &b);
	trace_run(2, false, &on, &c);
	assert_int_equal(a.nin, 400);
	assert_int_equal(a.nout, 400);
	assert_same(&a, &b);
	assert_same(&a, &c);
	/* With variability on, the same keys do move the frames. */
	trace_run(1, true, &on, &d);
	assert_int_equal(d.nin, 400);
	assert_true(memcmp(a.in, d.in, sizeof(a.in)) != 0);
	assert_true(memcmp(a.out, d.out, sizeof(a.out)) != 0);
}

/*
 * int_rate 0 and no stack latency: today's path, whatever spread, phase
 * and variability say: frames handled the instant they arrive or are
 * sent, and not one event more than a host without timing.
 */
static void
test_untimed_path(void **state)
{
	static struct trace a, b, c;
	struct host_timing zero = timing(0, true, 0, 0, 0.5);
	int i;

	(void)state;
	trace_run(1, true, NULL, &a);
	trace_run(1, true, &zero, &b);
	trace_run(1, false, &zero, &c);
	assert_same(&a, &b);
	assert_same(&a, &c);
	for (i = 0; i < 400; i++)
		assert_int_equal(a.in[i], a.out[i]);
	assert_int_equal(a.st.rx_ring_peak, 0);
}

/* host_destroy frees the frames it holds and cancels its events. */
static void
test_destroy_queued(void **state)
{
	static const simtime_t t[] = { 1 * MS, 1 * MS + 10 * US,
	    1 * MS + 20 * US };
	struct host_timing tm = timing(1000, false, 10 * US, 1 * MS, 0);
	struct tt *tt = tt_create(1, true, &tm);
	struct world *w = tt->w;

	(void)state;
	script_start(tt, &tt->rxs, t, 3);
	script_start(tt, &tt->txs, t, 3);
	tt_run(tt, 1 * MS + 500 * US);
	/* One frame went up; two wait for the interrupt, three to send. */
	assert_int_equal(tt->nin, 1);
	assert_int_equal(tt->nout, 0);
	assert_int_equal(pkt_pool_inuse(w->pool), 5);
	assert_int_equal(ev_count(w->q), 2);
	host_destroy(tt->h);
	tt->h = NULL;
	assert_int_equal(pkt_pool_inuse(w->pool), 0);
	assert_int_equal(ev_count(w->q), 0);
	ev_queue_clear(w->q);
	world_destroy(w);
	free(tt->in_t);
	free(tt->in_len);
	free(tt->out_t);
	free(tt->out_seq);
	free(tt);
}

/* --- flow start jitter --------------------------------------------------- */

/* When a UDP flow from a to b with start 100ms began. */
static simtime_t
flow_began(uint64_t seed, bool variability, simtime_t jitter)
{
	struct world *w = world_create(seed, 0, 0);
	struct seg_params sp;
	struct segment *seg;
	struct host *a, *b;
	struct flow_spec fs;
	struct flow *f;
	const char *key;
	char err[200];
	simtime_t t;

	assert_non_null(w);
	w->variability = variability;
	memset(&sp, 0, sizeof(sp));
	sp.mtu = 1500;
	seg = segment_create(w, "x", &sp);
	a = host_create(w, "a", seg, NET | 10, 24, NULL);
	b = host_create(w, "b", seg, NET | 11, 24, NULL);
	assert_true(seg && a && b);
	flow_spec_defaults(&fs);
	fs.name = "u";
	fs.proto = FLOW_UDP;
	fs.from = a;
	fs.to = b;
	fs.rate_pps = 1000;
	fs.start_ns = 100 * MS;
	fs.start_jitter_ns = jitter;
	fs.route.kind = ROUTE_DIRECT;
	if ((f = flow_create(&fs, 0, &key, err, sizeof(err))) == NULL ||
	    flow_link(f, &key, err, sizeof(err)) != 0)
		fail_msg("flow: %s: %s", key, err);
	flow_start(f);
	ev_run(w->q, 200 * MS);
	flow_finish(f);
	t = flow_stats(f)->t_first;
	assert_true(flow_stats(f)->offered_pkts > 80);
	flow_destroy(f);
	host_destroy(a);
	host_destroy(b);
	ev_queue_clear(w->q);
	world_destroy(w);
	return t;
}

static void
test_start_jitter(void **state)
{
	simtime_t a = flow_began(1, true, 10 * MS);
	simtime_t b = flow_began(2, true, 10 * MS);
	uint64_t seed;

	(void)state;
	assert_true(a >= 100 * MS && a < 110 * MS);
	assert_true(b >= 100 * MS && b < 110 * MS);
	assert_true(a != b);
	assert_int_equal(flow_began(1, true, 10 * MS), a);
	for (seed = 3; seed < 20; seed++) {
		simtime_t t = flow_began(seed, true, 10 * MS);

		assert_true(t >= 100 * MS && t < 110 * MS);
	}
	/* No jitter, or variability off: at start exactly. */
	assert_int_equal(flow_began(1, true, 0), 100 * MS);
	assert_int_equal(flow_began(1, false, 10 * MS), 100 * MS);
	assert_int_equal(flow_began(2, false, 10 * MS), 100 * MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intr_coalesces),
		cmocka_unit_test(test_rx_ring_overflow),
		cmocka_unit_test(test_random_phase),
		cmocka_unit_test(test_stack_exact_mean),
		cmocka_unit_test(test_stack_spread_mean),
		cmocka_unit_test(test_stack_spread_order),
		cmocka_unit_test(test_variability_off),
		cmocka_unit_test(test_untimed_path),
		cmocka_unit_test(test_destroy_queued),
		cmocka_unit_test(test_start_jitter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
