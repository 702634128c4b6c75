/*
 * Links and LAN segments (engine/net.c): timing to the nanosecond
 * (serialisation with preamble, FCS and inter-frame gap, then propagation),
 * back-to-back frames, drop-tail limits, random loss, jitter that never
 * reorders, group addresses to every other port, and a named counter for
 * every drop. Also routes, address lookup and the receive context.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/net.h"
#include "engine/proto.h"

#define GBIT	1000000000ULL
#define MBIT	1000000ULL

/* What a receiver saw. */
struct rx {
	simtime_t	 at;
	uint32_t	 seq;
	uint32_t	 len;
	struct iface	*ifp;
	void		*ctx;
	uint8_t		 head[64];
};

struct rxlog {
	struct world	*w;
	struct rx	*e;
	size_t		 n, cap;
};

static struct rxlog rxl;

static void
rx_record(struct iface *ifp, struct pkt *p, void *arg)
{
	struct rxlog *l = arg;
	struct rx *e;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->e = realloc(l->e, l->cap * sizeof(*l->e));
		assert_non_null(l->e);
	}
	e = &l->e[l->n++];
	assert_ptr_equal(p->rcvif, ifp);
	e->at = sim_now(l->w);
	/* XXX only unicast: pkt_clone() does not copy t_arrive, so the
	 * copies of a group frame carry a stale value. */
	if ((p->data[0] & 1) == 0)
		assert_int_equal(p->t_arrive, e->at);
	memcpy(&e->seq, p->data + ETHER_HDR_LEN, sizeof(e->seq));
	e->len = p->len;
	e->ifp = ifp;
	e->ctx = ev_current_ctx(l->w->q);
	memcpy(e->head, p->data, p->len < 64 ? p->len : 64);
	pkt_free(p);
}

static void
rxlog_reset(struct world *w)
{
	free(rxl.e);
	memset(&rxl, 0, sizeof(rxl));
	rxl.w = w;
}

/* A frame of len bytes to dst, sequence number at offset 14. */
static struct pkt *
mkframe(struct world *w, const struct iface *src, const uint8_t *dst,
    uint32_t len, uint32_t seq)
{
	struct pkt *p = pkt_alloc(w->pool);
	uint32_t i;

	assert_non_null(p);
	assert_true(len >= ETHER_HDR_LEN + 4 && len <= PKT_MAXFRAME + 1);
	/* An oversized frame borrows headroom so it stays in buf. */
	if (len > PKT_MAXFRAME)
		p->data -= len - PKT_MAXFRAME;
	memcpy(p->data, dst, 6);
	memcpy(p->data + 6, src->mac, 6);
	p->data[12] = 0x08;
	p->data[13] = 0x00;
	memcpy(p->data + ETHER_HDR_LEN, &seq, sizeof(seq));
	for (i = ETHER_HDR_LEN + 4; i < len; i++)
		p->data[i] = (uint8_t)(i ^ seq);
	p->len = len;
	return p;
}

static int
send_at(struct world *w, simtime_t t, struct iface *src, const uint8_t *dst,
    uint32_t len, uint32_t seq)
{
	ev_run(w->q, t);
	assert_int_equal(sim_now(w), t);
	return sim_output(src, mkframe(w, src, dst, len, seq));
}

/* A world with one net and n nodes "n0".. each with one interface. */
struct lan {
	struct world	*w;
	struct segment	*s;
	struct node	*n[8];
	struct iface	*i[8];
	int		 ctx[8];
};

static void
lan_create(struct lan *l, const struct seg_params *sp, int n, size_t pktlim)
{
	char name[16];
	int k;

	memset(l, 0, sizeof(*l));
	l->w = world_create(1, pktlim, 0);
	assert_non_null(l->w);
	l->s = segment_create(l->w, "lan", sp);
	assert_non_null(l->s);
	for (k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "n%d", k);
		l->n[k] = node_create(l->w, name, "host");
		assert_non_null(l->n[k]);
		l->n[k]->ctx = &l->ctx[k];
		l->i[k] = iface_create(l->n[k], "eth0", l->s,
		    0x0a000001 + (uint32_t)k, 24);
		assert_non_null(l->i[k]);
		sim_set_input(l->i[k], rx_record, &rxl);
	}
	rxlog_reset(l->w);
}

static void
lan_destroy(struct lan *l)
{
	ev_run(l->w->q, sim_now(l->w) + 100 * NS_PER_SEC);
	assert_int_equal(ev_count(l->w->q), 0);
	assert_int_equal(pkt_pool_inuse(l->w->pool), 0);
	world_destroy(l->w);
	rxlog_reset(NULL);
}

static uint64_t
drops_total(const struct seg_stats *st)
{
	return st->drop_queue + st->drop_loss + st->drop_nodest +
	    st->drop_down + st->drop_toolong;
}

static void
test_wire_time(void **state)
{
	(void)state;
	/* (len + 8 preamble/SFD + 4 FCS + 12 IFG) * 8 bits at the rate. */
	assert_int_equal(wire_time_ns(GBIT, 100), 992);
	assert_int_equal(wire_time_ns(GBIT, 1514), 12304);
	assert_int_equal(wire_time_ns(100 * MBIT, 1514), 123040);
	assert_int_equal(wire_time_ns(10 * MBIT, 1514), 1230400);
	/* 12304 bits at 10 Gbit/s: 1230.4 ns, rounded up. */
	assert_int_equal(wire_time_ns(10 * GBIT, 1514), 1231);
	assert_int_equal(wire_time_ns(1000, 1514), 12304000000LL);
	/* Short frames are padded to the 60-byte minimum (64 with FCS). */
	assert_int_equal(wire_time_ns(GBIT, 14), 672);
	assert_int_equal(wire_time_ns(GBIT, 60), 672);
	assert_int_equal(wire_time_ns(GBIT, 61), 680);
	/* Rounded up, never down: 671.9999953 ns -> 672. */
	assert_int_equal(wire_time_ns(GBIT + 7, 60), 672);
	assert_int_equal(wire_time_ns(3, 60), 224000000000LL);
	assert_int_equal(wire_time_ns(7, 60), 96000000000LL);
	assert_int_equal(wire_time_ns(9, 60), 74666666667LL);
	/* Rate 0 is an infinitely fast wire. */
	assert_int_equal(wire_time_ns(0, 1514), 0);
}

static void
test_single_frame_timing(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 50000 };
	struct lan l;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	assert_int_equal(send_at(l.w, 1000, l.i[0], l.i[1]->mac, 100, 1), 0);
	/* 1000 + 992 serialisation + 50000 propagation. */
	ev_run(l.w->q, 51991);
	assert_int_equal(rxl.n, 0);
	ev_run(l.w->q, 51992);
	assert_int_equal(rxl.n, 1);
	assert_int_equal(rxl.e[0].at, 51992);
	assert_ptr_equal(rxl.e[0].ifp, l.i[1]);
	assert_int_equal(rxl.e[0].len, 100);
	assert_int_equal(rxl.e[0].seq, 1);
	/* The receiver runs in its node's context. */
	assert_ptr_equal(rxl.e[0].ctx, &l.ctx[1]);
	assert_int_equal(l.s->st.tx_frames, 1);
	assert_int_equal(l.s->st.tx_bytes, 100);
	assert_int_equal(l.s->st.rx_frames, 1);
	assert_int_equal(l.s->st.rx_bytes, 100);
	assert_int_equal(l.i[0]->port->st.tx_frames, 1);
	assert_int_equal(l.i[1]->port->st.rx_frames, 1);
	assert_int_equal(l.i[0]->port->st.rx_frames, 0);
	assert_int_equal(drops_total(&l.s->st), 0);
	lan_destroy(&l);
}

static void
test_short_frame_slow_link(void **state)
{
	struct seg_params sp = { .rate_bps = 100 * MBIT, .delay_ns = 3 };
	struct lan l;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	/* A 20-byte frame is padded to 60: 84 bytes on the wire. */
	send_at(l.w, 5, l.i[0], l.i[1]->mac, 20, 9);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 1);
	assert_int_equal(rxl.e[0].at, 5 + 6720 + 3);
	lan_destroy(&l);
}

static void
test_back_to_back(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 50000 };
	struct lan l;
	int k;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < 3; k++)
		assert_int_equal(send_at(l.w, 0, l.i[0], l.i[1]->mac, 1514,
		    (uint32_t)k), 0);
	assert_int_equal(iface_txq_len(l.i[0]), 2);
	/* One more while the first is still being serialised. */
	send_at(l.w, 100, l.i[0], l.i[1]->mac, 1514, 3);
	ev_run(l.w->q, 900000);
	/* The wire idle again: no queueing for the next one. */
	send_at(l.w, 1000000, l.i[0], l.i[1]->mac, 1514, 4);
	ev_run(l.w->q, 2000000);
	assert_int_equal(rxl.n, 5);
	for (k = 0; k < 4; k++) {
		assert_int_equal(rxl.e[k].seq, k);
		assert_int_equal(rxl.e[k].at, (k + 1) * 12304 + 50000);
	}
	assert_int_equal(rxl.e[4].at, 1000000 + 12304 + 50000);
	lan_destroy(&l);
}

static void
test_infinite_rate(void **state)
{
	struct seg_params sp = { .rate_bps = 0, .delay_ns = 777 };
	struct lan l;
	int k;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < 10; k++)
		send_at(l.w, 1000, l.i[0], l.i[1]->mac, 1514, (uint32_t)k);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 10);
	for (k = 0; k < 10; k++) {
		assert_int_equal(rxl.e[k].seq, k);
		assert_int_equal(rxl.e[k].at, 1777);
	}
	lan_destroy(&l);
}

static void
test_full_duplex(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 1000 };
	struct lan l;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	send_at(l.w, 0, l.i[0], l.i[1]->mac, 1514, 1);
	send_at(l.w, 0, l.i[1], l.i[0]->mac, 1514, 2);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 2);
	/* Each port has its own wire: neither waits for the other. */
	assert_int_equal(rxl.e[0].at, 12304 + 1000);
	assert_int_equal(rxl.e[1].at, 12304 + 1000);
	lan_destroy(&l);
}

static void
test_queue_limit(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 10,
	    .qlimit = 5 };
	struct lan l;
	int k, rv;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	/* One on the wire, five waiting, four dropped. */
	for (k = 0; k < 10; k++) {
		rv = send_at(l.w, 0, l.i[0], l.i[1]->mac, 1000, (uint32_t)k);
		assert_int_equal(rv, k < 6 ? 0 : ENOBUFS);
	}
	assert_int_equal(iface_txq_len(l.i[0]), 5);
	assert_int_equal(l.i[0]->port->st.drop_queue, 4);
	assert_int_equal(l.s->st.drop_queue, 4);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 6);
	for (k = 0; k < 6; k++)
		assert_int_equal(rxl.e[k].seq, k);
	assert_int_equal(l.s->st.tx_frames, 6);
	/* A per-interface limit overrides the net's. */
	iface_set_txq_limit(l.i[0], 2);
	for (k = 0; k < 5; k++) {
		rv = send_at(l.w, NS_PER_SEC, l.i[0], l.i[1]->mac, 1000,
		    (uint32_t)k);
		assert_int_equal(rv, k < 3 ? 0 : ENOBUFS);
	}
	assert_int_equal(l.s->st.drop_queue, 6);
	assert_int_equal(drops_total(&l.s->st), 6);
	lan_destroy(&l);
}

static void
test_loss_all(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 10,
	    .loss = 1.0 };
	struct lan l;
	int k;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < 1000; k++)
		send_at(l.w, k * 10000, l.i[0], l.i[1]->mac, 200, (uint32_t)k);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 0);
	/* Lost frames were still transmitted. */
	assert_int_equal(l.s->st.tx_frames, 1000);
	assert_int_equal(l.s->st.drop_loss, 1000);
	assert_int_equal(l.i[0]->port->st.drop_loss, 1000);
	assert_int_equal(l.s->st.rx_frames, 0);
	lan_destroy(&l);
}

static void
loss_rate(double p)
{
	enum { N = 100000 };
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 10,
	    .loss = p };
	struct lan l;
	double sd;
	size_t k;

	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < N; k++)
		send_at(l.w, 0, l.i[0], l.i[1]->mac, 100, (uint32_t)k);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(l.s->st.tx_frames, N);
	assert_int_equal(rxl.n + l.s->st.drop_loss, N);
	assert_int_equal(l.s->st.rx_frames, rxl.n);
	sd = sqrt((double)N * p * (1 - p));
	assert_true(fabs((double)l.s->st.drop_loss - N * p) <= 5 * sd);
	/* A lost frame still holds the wire: survivors keep their slots. */
	for (k = 0; k < rxl.n; k++)
		assert_int_equal(rxl.e[k].at,
		    (simtime_t)(rxl.e[k].seq + 1) * 992 + 10);
	lan_destroy(&l);
}

static void
test_loss_rate(void **state)
{
	(void)state;
	loss_rate(0.1);
	loss_rate(0.5);
	loss_rate(0.01);
	loss_rate(0.0);
}

static void
test_jitter_never_reorders(void **state)
{
	enum { N = 20000 };
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 10000,
	    .jitter_ns = 100000 };
	struct lan l;
	size_t k, late = 0, clamped = 0;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < N; k++)
		send_at(l.w, 0, l.i[0], l.i[1]->mac, 100, (uint32_t)k);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, N);
	for (k = 0; k < N; k++) {
		simtime_t base = (simtime_t)(k + 1) * 992 + 10000;

		assert_int_equal(rxl.e[k].seq, k);
		assert_true(rxl.e[k].at >= base);
		assert_true(rxl.e[k].at < base + 100000);
		if (rxl.e[k].at > base)
			late++;
		if (k > 0) {
			assert_true(rxl.e[k].at >= rxl.e[k - 1].at);
			if (rxl.e[k].at == rxl.e[k - 1].at)
				clamped++;
		}
	}
	/* Jitter did apply, and often had to be held back. */
	assert_true(late > N * 9 / 10);
	assert_true(clamped > N / 10);
	lan_destroy(&l);
}

static void
check_group(const uint8_t *gmac)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 500 };
	struct lan l;
	struct pkt *p;
	uint8_t sent[64];
	int k, seen[4] = { 0 };

	lan_create(&l, &sp, 4, 0);
	p = mkframe(l.w, l.i[1], gmac, 300, 77);
	memcpy(sent, p->data, sizeof(sent));
	assert_int_equal(sim_output(l.i[1], p), 0);
	ev_run(l.w->q, NS_PER_SEC);
	/* Every other port, once, the same bytes, at the same time. */
	assert_int_equal(rxl.n, 3);
	for (k = 0; k < 3; k++) {
		assert_ptr_not_equal(rxl.e[k].ifp, l.i[1]);
		assert_memory_equal(rxl.e[k].head, sent, sizeof(sent));
		assert_int_equal(rxl.e[k].len, 300);
		assert_int_equal(rxl.e[k].at, wire_time_ns(GBIT, 300) + 500);
		if (rxl.e[k].ifp == l.i[0])
			seen[0]++;
		if (rxl.e[k].ifp == l.i[2])
			seen[2]++;
		if (rxl.e[k].ifp == l.i[3])
			seen[3]++;
		assert_ptr_equal(rxl.e[k].ctx, rxl.e[k].ifp->node->ctx);
	}
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[2], 1);
	assert_int_equal(seen[3], 1);
	assert_int_equal(l.s->st.tx_frames, 1);
	assert_int_equal(l.s->st.rx_frames, 3);
	assert_int_equal(drops_total(&l.s->st), 0);
	lan_destroy(&l);
}

static void
test_multicast_to_every_other_port(void **state)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t mmac[6];

	(void)state;
	ether_multicast_mac(0xe00000f0, mmac);	/* 224.0.0.240, pfsync */
	assert_int_equal(mmac[0], 0x01);
	assert_int_equal(mmac[2], 0x5e);
	assert_int_equal(mmac[5], 0xf0);
	check_group(mmac);
	check_group(bcast);
}

static void
test_multicast_pool_exhausted(void **state)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 500 };
	struct lan l;

	(void)state;
	/* One buffer: the copies for two of the three ports fail. */
	lan_create(&l, &sp, 4, 1);
	send_at(l.w, 0, l.i[0], bcast, 100, 1);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 1);
	assert_int_equal(pkt_pool_failures(l.w->pool), 2);
	/* Every copy is either delivered or a counted drop. */
	assert_int_equal(l.s->st.rx_frames + drops_total(&l.s->st), 3);
	lan_destroy(&l);
}

static void
test_unicast_to_owner_only(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 500 };
	struct lan l;

	(void)state;
	lan_create(&l, &sp, 3, 0);
	send_at(l.w, 0, l.i[0], l.i[2]->mac, 100, 1);
	send_at(l.w, 0, l.i[2], l.i[1]->mac, 100, 2);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 2);
	assert_ptr_equal(rxl.e[0].ifp, l.i[2]);
	assert_int_equal(rxl.e[0].seq, 1);
	assert_ptr_equal(rxl.e[1].ifp, l.i[1]);
	assert_int_equal(rxl.e[1].seq, 2);
	/* MACs are unique per interface. */
	assert_memory_not_equal(l.i[0]->mac, l.i[1]->mac, 6);
	assert_memory_not_equal(l.i[1]->mac, l.i[2]->mac, 6);
	assert_int_equal(l.i[0]->mac[0] & 1, 0);
	lan_destroy(&l);
}

static void
test_unknown_unicast(void **state)
{
	static const uint8_t nobody[6] = { 0x02, 0x00, 0x5f, 0x99, 0x99, 0x99 };
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 500 };
	struct lan l;

	(void)state;
	lan_create(&l, &sp, 3, 0);
	send_at(l.w, 0, l.i[0], nobody, 100, 1);
	/* A frame to the sender's own MAC finds no other port either. */
	send_at(l.w, 0, l.i[0], l.i[0]->mac, 100, 2);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 0);
	assert_int_equal(l.s->st.tx_frames, 2);
	assert_int_equal(l.s->st.drop_nodest, 2);
	assert_int_equal(l.i[0]->port->st.drop_nodest, 2);
	assert_int_equal(drops_total(&l.s->st), 2);
	lan_destroy(&l);
}

static void
test_down_and_toolong(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 500 };
	struct lan l;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	l.i[0]->up = false;
	assert_int_equal(send_at(l.w, 0, l.i[0], l.i[1]->mac, 100, 1),
	    ENETDOWN);
	l.i[0]->up = true;
	l.s->up = false;
	assert_int_equal(send_at(l.w, 0, l.i[0], l.i[1]->mac, 100, 2),
	    ENETDOWN);
	l.s->up = true;
	assert_int_equal(l.s->st.drop_down, 2);
	/* The receiver goes down while the frame is in flight. */
	assert_int_equal(send_at(l.w, 0, l.i[0], l.i[1]->mac, 100, 3), 0);
	l.i[1]->up = false;
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 0);
	assert_int_equal(l.s->st.drop_down, 3);
	assert_int_equal(l.i[1]->port->st.drop_down, 1);
	l.i[1]->up = true;
	assert_int_equal(send_at(l.w, NS_PER_SEC, l.i[0], l.i[1]->mac,
	    PKT_MAXFRAME + 1, 4), EMSGSIZE);
	assert_int_equal(l.s->st.drop_toolong, 1);
	assert_int_equal(send_at(l.w, NS_PER_SEC, l.i[0], l.i[1]->mac,
	    PKT_MAXFRAME, 5), 0);
	ev_run(l.w->q, 2 * NS_PER_SEC);
	assert_int_equal(rxl.n, 1);
	assert_int_equal(rxl.e[0].len, PKT_MAXFRAME);
	assert_int_equal(drops_total(&l.s->st), 4);
	lan_destroy(&l);
}

/* Receiver that sends every frame straight back (a closed loop). */
static uint64_t echo_count;

static void
rx_echo(struct iface *ifp, struct pkt *p, void *arg)
{
	struct iface *peer = arg;

	echo_count++;
	memcpy(p->data, peer->mac, 6);
	memcpy(p->data + 6, ifp->mac, 6);
	(void)sim_output(ifp, p);
}

static void
test_no_malloc_per_packet(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 2000 };
	struct lan l;
	uint64_t warm;
	int k;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	sim_set_input(l.i[0], rx_echo, l.i[1]);
	sim_set_input(l.i[1], rx_echo, l.i[0]);
	echo_count = 0;
	for (k = 0; k < 200; k++)
		send_at(l.w, 0, l.i[0], l.i[1]->mac, 1000, (uint32_t)k);
	ev_run(l.w->q, NS_PER_MS);
	warm = pkt_pool_mallocs(l.w->pool);
	/* Two 1 Gbit/s wires of 1000-byte frames: 122k frames/s each. */
	ev_run(l.w->q, NS_PER_SEC);
	assert_true(echo_count > 240000);
	assert_int_equal(pkt_pool_mallocs(l.w->pool), warm);
	assert_int_equal(pkt_pool_inuse(l.w->pool), 200);
	assert_int_equal(drops_total(&l.s->st), 0);
	/* Stop the loop and let the frames drain. */
	sim_set_input(l.i[0], NULL, NULL);
	sim_set_input(l.i[1], NULL, NULL);
	lan_destroy(&l);
}

static void
test_routes_and_lookup(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT };
	struct world *w = world_create(1, 0, 0);
	struct segment *a = segment_create(w, "a", &sp);
	struct segment *b = segment_create(w, "b", &sp);
	struct node *n = node_create(w, "r", "firewall");
	struct node *h = node_create(w, "h", "host");
	struct iface *ia, *ib, *ih;
	const struct route *rt;

	(void)state;
	ia = iface_create(n, "em0", a, 0x0a000001, 24);	/* 10.0.0.1/24 */
	ib = iface_create(n, "em1", b, 0x0a010001, 16);	/* 10.1.0.1/16 */
	ih = iface_create(h, "eth0", a, 0x0a000002, 24);
	assert_non_null(ia);
	assert_non_null(ib);
	assert_non_null(ih);
	assert_int_equal(ia->index, 0);
	assert_int_equal(ib->index, 1);
	assert_int_equal(ia->mtu, 1500);
	/* Connected routes come with the interfaces. */
	rt = node_route(n, 0x0a0000fe);
	assert_non_null(rt);
	assert_ptr_equal(rt->ifp, ia);
	assert_int_equal(rt->gw, 0);
	assert_null(node_route(n, 0xc0a80001));
	/* Default route; a longer prefix wins over it. */
	assert_int_equal(node_add_route(n, 0, 0, 0x0a010002, ib), 0);
	assert_int_equal(node_add_route(n, 0xc0a80000, 24, 0x0a000002, ia),
	    0);
	rt = node_route(n, 0x08080808);
	assert_ptr_equal(rt->ifp, ib);
	assert_int_equal(rt->gw, 0x0a010002);
	rt = node_route(n, 0xc0a80005);
	assert_ptr_equal(rt->ifp, ia);
	assert_int_equal(rt->gw, 0x0a000002);
	/* Equal prefixes: the directly connected one first. */
	assert_int_equal(node_add_route(n, 0x0a000000, 24, 0x0a010009, ib),
	    0);
	rt = node_route(n, 0x0a000007);
	assert_ptr_equal(rt->ifp, ia);
	assert_int_equal(rt->gw, 0);
	assert_ptr_equal(segment_find_addr(a, 0x0a000002), ih);
	assert_ptr_equal(segment_find_addr(a, 0x0a000001), ia);
	assert_null(segment_find_addr(a, 0x0a010001));
	assert_ptr_equal(world_find_node(w, "h"), h);
	assert_null(world_find_node(w, "zz"));
	world_destroy(w);
}

/* Group frames: every copy knows when it arrived, like the original. */
static simtime_t group_arrive[4];
static int ngroup;

static void
rx_group(struct iface *ifp, struct pkt *p, void *arg)
{
	struct world *w = arg;

	(void)ifp;
	if (ngroup < 4)
		group_arrive[ngroup] = p->t_arrive - sim_now(w);
	ngroup++;
	pkt_free(p);
}

static void
test_group_copies_carry_arrival_time(void **state)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 500 };
	struct lan l;
	int k;

	(void)state;
	lan_create(&l, &sp, 4, 0);
	for (k = 0; k < 4; k++)
		sim_set_input(l.i[k], rx_group, l.w);
	ngroup = 0;
	memset(group_arrive, 0x55, sizeof(group_arrive));
	send_at(l.w, 0, l.i[0], bcast, 100, 1);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(ngroup, 3);
	for (k = 0; k < 3; k++)
		assert_int_equal(group_arrive[k], 0);
	lan_destroy(&l);
}

static void
nop(void *arg)
{
	(void)arg;
}

static void
test_ev_limit_does_not_wedge_port(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 1000 };
	struct world *w;
	struct segment *s;
	struct iface *ia, *ib;
	struct ev fill[2];
	int k;

	(void)state;
	w = world_create(1, 0, 2);
	s = segment_create(w, "x", &sp);
	ia = iface_create(node_create(w, "a", "host"), "eth0", s,
	    0x0a000001, 24);
	ib = iface_create(node_create(w, "b", "host"), "eth0", s,
	    0x0a000002, 24);
	rxlog_reset(w);
	sim_set_input(ib, rx_record, &rxl);
	/* The queue is full when the first frame goes out. */
	for (k = 0; k < 2; k++) {
		ev_init(&fill[k], nop, NULL, NULL);
		assert_int_equal(ev_schedule(w->q, &fill[k], NS_PER_SEC), 0);
	}
	(void)send_at(w, 0, ia, ib->mac, 100, 0);
	/* A port's own events are exempt from the limit (bounded by the
	 * topology): nothing was refused. */
	assert_int_equal(ev_limit_drops(w->q), 0);
	ev_cancel(w->q, &fill[0]);
	ev_cancel(w->q, &fill[1]);
	/* Room again: the port must carry the next frames. */
	for (k = 1; k <= 5; k++)
		send_at(w, 10, ia, ib->mac, 100, (uint32_t)k);
	ev_run(w->q, NS_PER_SEC);
	assert_true(rxl.n >= 5);
	assert_int_equal(rxl.e[rxl.n - 1].seq, 5);
	/* The frame sent while the queue was full is delivered too. */
	assert_int_equal(rxl.n, 6);
	assert_int_equal(drops_total(&s->st), 0);
	assert_int_equal(pkt_pool_inuse(w->pool), 0);
	world_destroy(w);
	rxlog_reset(NULL);
}

static void
test_destroy_with_frames_in_flight(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 50000 };
	struct lan l;

	(void)state;
	/* Under PFSIM_SANITIZE: no use after free of the ports' events. */
	lan_create(&l, &sp, 2, 0);
	/* A run ends with frames on the wire and in the queue. */
	send_at(l.w, 0, l.i[0], l.i[1]->mac, 1514, 1);
	send_at(l.w, 0, l.i[0], l.i[1]->mac, 1514, 2);
	ev_run(l.w->q, 20000);
	assert_true(ev_count(l.w->q) > 0);
	world_destroy(l.w);
	rxlog_reset(NULL);
}

/* What a tx tap saw: frames, bytes, marked frames, the last time. */
struct taplog {
	int		 n, marked;
	uint64_t	 bytes;
	simtime_t	 last;
	struct world	*w;
};

static void
tap_record(struct iface *ifp, const struct pkt *p, void *arg)
{
	struct taplog *t = arg;

	(void)ifp;
	t->n++;
	t->bytes += p->len;
	if (p->flags & 0x0100)
		t->marked++;
	t->last = sim_now(t->w);
}

/* The tap sees each frame once, as it goes on the wire (after the
 * queue, not when dropped), with the model's marks; NULL stops it. */
static void
test_tx_tap(void **state)
{
	struct seg_params sp = { .rate_bps = 10000000, .delay_ns = 1000,
	    .qlimit = 2 };
	struct taplog t = { 0 };
	struct pkt *p;
	struct lan l;
	int k, rv, refused = 0;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	t.w = l.w;
	assert_true(node_is(l.n[0], "host"));
	assert_false(node_is(l.n[0], "firewall"));
	assert_false(node_is(NULL, "host"));
	iface_set_tx_tap(l.i[0], tap_record, &t);
	/* 10 Mbit/s: 100 bytes take 99.2 us on the wire; the third and
	 * later frames sent at once find the queue full. */
	for (k = 0; k < 5; k++) {
		p = mkframe(l.w, l.i[0], l.i[1]->mac, 100, (uint32_t)k);
		if (k == 1)
			p->flags |= 0x0100;
		rv = sim_output(l.i[0], p);
		refused += rv != 0;
	}
	assert_int_equal(t.n, 1);	/* the first is on the wire now */
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(refused, 2);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.marked, 1);
	assert_int_equal(t.bytes, 300);
	assert_int_equal(t.n, (int)l.i[0]->port->st.tx_frames);
	assert_true(t.last > 0);
	iface_set_tx_tap(l.i[0], NULL, NULL);
	(void)send_at(l.w, 2 * NS_PER_SEC, l.i[0], l.i[1]->mac, 100, 9);
	ev_run(l.w->q, 3 * NS_PER_SEC);
	assert_int_equal(t.n, 3);
	assert_int_equal(l.i[0]->port->st.tx_frames, 4);
	world_destroy(l.w);
	rxlog_reset(NULL);
}

/* Faults: duplication, reordering, corruption, partitions, burst loss. */

static void
test_fault_dup(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 100,
	    .dup = 1.0 };
	struct lan l;
	size_t k;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < 100; k++)
		send_at(l.w, 0, l.i[0], l.i[1]->mac, 200, (uint32_t)k);
	ev_run(l.w->q, NS_PER_SEC);
	/* Each frame twice, back to back, same bytes, same instant. */
	assert_int_equal(rxl.n, 200);
	for (k = 0; k < 200; k += 2) {
		assert_int_equal(rxl.e[k].seq, k / 2);
		assert_int_equal(rxl.e[k + 1].seq, k / 2);
		assert_int_equal(rxl.e[k].at, rxl.e[k + 1].at);
		assert_int_equal(rxl.e[k].at, (simtime_t)(k / 2 + 1) *
		    wire_time_ns(GBIT, 200) + 100);
		assert_memory_equal(rxl.e[k].head, rxl.e[k + 1].head, 64);
	}
	assert_int_equal(l.s->st.fault_dup, 100);
	assert_int_equal(l.i[0]->port->st.fault_dup, 100);
	assert_int_equal(l.s->st.tx_frames, 100);
	assert_int_equal(drops_total(&l.s->st), 0);
	lan_destroy(&l);
}

static void
test_fault_reorder(void **state)
{
	enum { N = 10000 };
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 1000,
	    .reorder = 0.3, .reorder_ns = 5000 };
	struct lan l;
	static int seen[N];
	size_t k, late = 0, overtaken = 0;
	uint32_t maxseq = 0;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < N; k++)
		send_at(l.w, 0, l.i[0], l.i[1]->mac, 100, (uint32_t)k);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, N);
	memset(seen, 0, sizeof(seen));
	for (k = 0; k < N; k++) {
		uint32_t q = rxl.e[k].seq;
		simtime_t base = (simtime_t)(q + 1) * 992 + 1000;

		assert_true(q < N);
		seen[q]++;
		/* On time, or held back by exactly reorder_delay. */
		if (rxl.e[k].at == base + 5000)
			late++;
		else
			assert_int_equal(rxl.e[k].at, base);
		if (q < maxseq)
			overtaken++;
		else
			maxseq = q;
		if (k > 0)
			assert_true(rxl.e[k].at >= rxl.e[k - 1].at);
	}
	for (k = 0; k < N; k++)
		assert_int_equal(seen[k], 1);
	assert_int_equal(late, l.s->st.fault_reorder);
	assert_true(fabs((double)late - 0.3 * N) < 5 * sqrt(N * 0.21));
	/* Held-back frames really are overtaken (5 us = 5 frame times). */
	assert_true(overtaken > late / 2);
	assert_int_equal(drops_total(&l.s->st), 0);
	lan_destroy(&l);
}

static void
test_fault_corrupt(void **state)
{
	enum { N = 2000 };
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 100,
	    .corrupt = 1.0, .corrupt_off = 34 };
	struct lan l;
	struct pkt *p;
	uint8_t want[64];
	size_t k;
	int i, low = 0;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < N; k++)
		send_at(l.w, 0, l.i[0], l.i[1]->mac, 64, (uint32_t)k);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, N);
	assert_int_equal(l.s->st.fault_corrupt, N);
	for (k = 0; k < N; k++) {
		int bits = 0;

		/* Rebuild what was sent; exactly one bit differs, past
		 * the Ethernet and IP headers. */
		p = mkframe(l.w, l.i[0], l.i[1]->mac, 64, (uint32_t)k);
		memcpy(want, p->data, 64);
		pkt_free(p);
		for (i = 0; i < 64; i++) {
			uint8_t x = want[i] ^ rxl.e[k].head[i];

			if (x == 0)
				continue;
			assert_true(i >= 34);
			for (; x; x &= (uint8_t)(x - 1))
				bits++;
			low += i < 49;
		}
		assert_int_equal(bits, 1);
	}
	/* Flips spread over the whole tail, not one spot. */
	assert_true(low > N / 4 && low < 3 * N / 4);
	lan_destroy(&l);
}

static void
test_fault_partition(void **state)
{
	struct seg_params sp = { .rate_bps = GBIT, .delay_ns = 50000 };
	struct lan l;

	(void)state;
	lan_create(&l, &sp, 2, 0);
	assert_int_equal(segment_add_down(l.s, NS_PER_MS, 2 * NS_PER_MS), 0);
	assert_int_equal(segment_add_down(l.s, 5 * NS_PER_MS,
	    6 * NS_PER_MS), 0);
	/* Empty, backwards or overlapping windows are refused. */
	assert_int_equal(segment_add_down(l.s, 7 * NS_PER_MS, 7 * NS_PER_MS),
	    EINVAL);
	assert_int_equal(segment_add_down(l.s, 9 * NS_PER_MS, 8 * NS_PER_MS),
	    EINVAL);
	assert_int_equal(segment_add_down(l.s, 5500000, 7 * NS_PER_MS),
	    EINVAL);
	/* Before: delivered. In flight when the window opens: lost. */
	assert_int_equal(send_at(l.w, 0, l.i[0], l.i[1]->mac, 100, 0), 0);
	assert_int_equal(send_at(l.w, 990000, l.i[0], l.i[1]->mac, 100, 1),
	    0);
	/* During: refused at the interface. */
	assert_int_equal(send_at(l.w, 1500000, l.i[0], l.i[1]->mac, 100, 2),
	    ENETDOWN);
	assert_false(l.s->up);
	/* After: delivered again; then the second window. */
	assert_int_equal(send_at(l.w, 2 * NS_PER_MS, l.i[0], l.i[1]->mac,
	    100, 3), 0);
	assert_true(l.s->up);
	assert_int_equal(send_at(l.w, 5200000, l.i[0], l.i[1]->mac, 100, 4),
	    ENETDOWN);
	assert_int_equal(send_at(l.w, 6 * NS_PER_MS, l.i[0], l.i[1]->mac,
	    100, 5), 0);
	ev_run(l.w->q, NS_PER_SEC);
	assert_int_equal(rxl.n, 3);
	assert_int_equal(rxl.e[0].seq, 0);
	assert_int_equal(rxl.e[1].seq, 3);
	assert_int_equal(rxl.e[1].at, 2 * NS_PER_MS + 992 + 50000);
	assert_int_equal(rxl.e[2].seq, 5);
	assert_int_equal(l.s->st.drop_down, 3);
	assert_int_equal(drops_total(&l.s->st), 3);
	lan_destroy(&l);
}

/* Burst loss: the long-run rate and the mean burst length. */
static void
burst_loss(double p, double burst)
{
	enum { N = 400000 };
	struct seg_params sp = { .rate_bps = 0, .delay_ns = 10, .loss = p,
	    .loss_burst = burst };
	struct lan l;
	static uint8_t got[N];
	size_t k, lost = 0, bursts = 0;
	double rate, mean, want;

	lan_create(&l, &sp, 2, 0);
	for (k = 0; k < N; k++)
		send_at(l.w, 0, l.i[0], l.i[1]->mac, 60, (uint32_t)k);
	ev_run(l.w->q, NS_PER_SEC);
	memset(got, 0, sizeof(got));
	for (k = 0; k < rxl.n; k++)
		got[rxl.e[k].seq] = 1;
	for (k = 0; k < N; k++) {
		if (got[k])
			continue;
		lost++;
		if (k == 0 || got[k - 1])
			bursts++;
	}
	assert_int_equal(lost, l.s->st.drop_loss);
	rate = (double)lost / N;
	mean = bursts ? (double)lost / bursts : 0;
	print_message("    loss %.3f burst %.1f: measured %.4f, mean burst "
	    "%.2f\n", p, burst, rate, mean);
	assert_true(fabs(rate - p) < 0.1 * p);
	/* Independent losses (burst 1) run 1/(1-p) frames on average. */
	want = burst > 1 ? burst : 1 / (1 - p);
	assert_true(fabs(mean - want) < 0.1 * want);
	lan_destroy(&l);
}

static void
test_fault_burst_loss(void **state)
{
	(void)state;
	burst_loss(0.1, 1);
	burst_loss(0.1, 5);
	burst_loss(0.02, 20);
	burst_loss(0.5, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_time),
		cmocka_unit_test(test_single_frame_timing),
		cmocka_unit_test(test_short_frame_slow_link),
		cmocka_unit_test(test_back_to_back),
		cmocka_unit_test(test_infinite_rate),
		cmocka_unit_test(test_full_duplex),
		cmocka_unit_test(test_queue_limit),
		cmocka_unit_test(test_loss_all),
		cmocka_unit_test(test_loss_rate),
		cmocka_unit_test(test_jitter_never_reorders),
		cmocka_unit_test(test_multicast_to_every_other_port),
		cmocka_unit_test(test_multicast_pool_exhausted),
		cmocka_unit_test(test_unicast_to_owner_only),
		cmocka_unit_test(test_unknown_unicast),
		cmocka_unit_test(test_down_and_toolong),
		cmocka_unit_test(test_no_malloc_per_packet),
		cmocka_unit_test(test_routes_and_lookup),
		cmocka_unit_test(test_fault_dup),
		cmocka_unit_test(test_fault_reorder),
		cmocka_unit_test(test_fault_corrupt),
		cmocka_unit_test(test_fault_partition),
		cmocka_unit_test(test_fault_burst_loss),
		cmocka_unit_test(test_group_copies_carry_arrival_time),
		cmocka_unit_test(test_ev_limit_does_not_wedge_port),
		cmocka_unit_test(test_destroy_with_frames_in_flight),
		cmocka_unit_test(test_tx_tap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
