/*
 * Unit tests of the host model on the real engine: two hosts on one net,
 * or host - router - host where the test's "router" node forwards frames
 * and drops the ones a test asks it to. Every expectation is derived
 * from the link parameters, not tuned to the model's output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/proto.h"
#include "engine/run.h"
#include "models/host/host.h"

/* run.c wants the model list; these tests run the host model alone. */
const struct model_type *const pfsim_models[] = {
	&host_model, &flow_model, NULL
};

#define A_NET	0x0a000100U	/* 10.0.1.0/24 */
#define B_NET	0x0a000200U	/* 10.0.2.0/24 */
#define MSS	1460
#define WIRE(len)	((len) + 24)	/* preamble, SFD, FCS, gap */

struct rec {
	simtime_t	t;
	int		dir;		/* 0: a -> b */
	int		router;
	uint32_t	seq;
	uint32_t	len;
	uint8_t		flags;
	uint16_t	sport, dport;
	bool		dropped;
};

struct tb;
typedef bool (*drop_fn)(struct tb *, const struct rec *);

struct router {
	struct tb	*tb;
	int		 idx;
	struct node	*n;
	struct iface	*ifs[2];	/* on a, on b */
};

struct tb {
	struct world	*w;
	struct segment	*sa, *sb;
	struct router	 r[2];
	int		 nr;
	struct host	*h1, *h2;
	drop_fn		 drop;
	int		 ndrop;		/* drop_list entries */
	uint32_t	 drop_list[16];	/* data segment indexes, dir 0 */
	bool		 dropped_once[16];
	simtime_t	 hole_from, hole_to;	/* drop everything, dir 0 */
	int		 syn_drops;	/* pure SYNs to drop */
	int		 synack_drops;	/* SYN/ACKs to drop */
	uint32_t	 isn[2];	/* first SYN's seq per direction */
	struct rec	*log;
	int		 nlog, caplog;
};

static void
tb_log(struct tb *tb, const struct rec *r)
{
	if (tb->nlog == tb->caplog) {
		tb->caplog = tb->caplog ? tb->caplog * 2 : 1024;
		tb->log = realloc(tb->log, tb->caplog * sizeof(*tb->log));
		assert_non_null(tb->log);
	}
	tb->log[tb->nlog++] = *r;
}

/* The test's router: forward by destination address, maybe drop. */
static void
router_rx(struct iface *ifp, struct pkt *p, void *arg)
{
	struct router *rt = arg;
	struct tb *tb = rt->tb;
	int dir = ifp == rt->ifs[0] ? 0 : 1;
	struct iface *out = rt->ifs[1 - dir], *dst;
	struct ip4_hdr *ip;
	struct rec r;

	assert_int_equal(frame_check_ip4(p), 0);
	ip = pkt_ip(p);
	memset(&r, 0, sizeof(r));
	r.t = sim_now(tb->w);
	r.dir = dir;
	r.router = rt->idx;
	if (ip->p == IPPROTO_TCP_) {
		struct tcp_hdr *th = (struct tcp_hdr *)((uint8_t *)ip +
		    (ip->vhl & 0xf) * 4);
		uint32_t hl = (ip->vhl & 0xf) * 4;

		/* Every frame a host sends has a correct TCP checksum. */
		assert_int_equal(in4_l4_cksum(ntohl(ip->src), ntohl(ip->dst),
		    IPPROTO_TCP_, th, ntohs(ip->len) - hl), 0);
		r.seq = ntohl(th->seq);
		r.len = ntohs(ip->len) - hl - (th->off >> 4) * 4;
		r.flags = th->flags;
		r.sport = ntohs(th->sport);
		r.dport = ntohs(th->dport);
		if ((th->flags & (TH_SYN | TH_ACK)) == TH_SYN && !tb->isn[0])
			tb->isn[0] = r.seq;
		if ((th->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
		    !tb->isn[1])
			tb->isn[1] = r.seq;
	} else if (ip->p == IPPROTO_UDP_) {
		struct udp_hdr *uh = (struct udp_hdr *)((uint8_t *)ip +
		    (ip->vhl & 0xf) * 4);

		r.len = ntohs(uh->len) - 8;
		r.sport = ntohs(uh->sport);
		r.dport = ntohs(uh->dport);
	}
	r.dropped = tb->drop && tb->drop(tb, &r);
	tb_log(tb, &r);
	dst = segment_find_addr(out->seg, ntohl(ip->dst));
	if (r.dropped || dst == NULL) {
		pkt_free(p);
		return;
	}
	memcpy(pkt_eth(p)->src, out->mac, 6);
	memcpy(pkt_eth(p)->dst, dst->mac, 6);
	ip->ttl--;
	ip4_fix_cksum(ip);
	sim_output(out, p);
}

/* Data segments listed in drop_list (by index from the ISN), once each;
 * everything in [hole_from, hole_to); the first SYNs and SYN/ACKs. */
static bool
drop_policy(struct tb *tb, const struct rec *r)
{
	int i;

	if (r->dir == 0 && r->t >= tb->hole_from && r->t < tb->hole_to)
		return true;
	if ((r->flags & (TH_SYN | TH_ACK)) == TH_SYN && tb->syn_drops > 0) {
		tb->syn_drops--;
		return true;
	}
	if ((r->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
	    tb->synack_drops > 0) {
		tb->synack_drops--;
		return true;
	}
	if (r->dir != 0 || r->len == 0)
		return false;
	for (i = 0; i < tb->ndrop; i++) {
		if (!tb->dropped_once[i] &&
		    r->seq == tb->isn[0] + 1 + tb->drop_list[i] * MSS) {
			tb->dropped_once[i] = true;
			return true;
		}
	}
	return false;
}

static void
add_router(struct tb *tb, const char *name)
{
	struct router *rt = &tb->r[tb->nr];
	int k = tb->nr;

	rt->tb = tb;
	rt->idx = tb->nr++;
	rt->n = node_create(tb->w, name, "firewall");
	assert_non_null(rt->n);
	rt->ifs[0] = iface_create(rt->n, "em0", tb->sa, A_NET | (1 + k), 24);
	rt->ifs[1] = iface_create(rt->n, "em1", tb->sb, B_NET | (1 + k), 24);
	assert_non_null(rt->ifs[0]);
	assert_non_null(rt->ifs[1]);
	sim_set_input(rt->ifs[0], router_rx, rt);
	sim_set_input(rt->ifs[1], router_rx, rt);
}

/*
 * A test bed. routers = 0: h1 and h2 on one net. Otherwise h1 on a, h2 on
 * b, with that many routers between. Both nets get rate and delay.
 */
static struct tb *
tb_create(uint64_t seed, int routers, uint64_t rate, simtime_t delay,
    double loss, const struct host_tcp_params *tcp)
{
	struct tb *tb = calloc(1, sizeof(*tb));
	struct seg_params sp;
	int i;

	assert_non_null(tb);
	tb->w = world_create(seed, 0, 0);
	assert_non_null(tb->w);
	memset(&sp, 0, sizeof(sp));
	sp.rate_bps = rate;
	sp.delay_ns = delay;
	sp.loss = loss;
	sp.qlimit = 1000;
	sp.mtu = 1500;
	tb->sa = segment_create(tb->w, "a", &sp);
	tb->sb = routers ? segment_create(tb->w, "b", &sp) : tb->sa;
	for (i = 0; i < routers; i++)
		add_router(tb, i == 0 ? "r0" : "r1");
	tb->h1 = host_create(tb->w, "h1", tb->sa, A_NET | 10, 24, tcp);
	tb->h2 = host_create(tb->w, "h2", tb->sb,
	    routers ? B_NET | 10 : A_NET | 11, 24, tcp);
	assert_non_null(tb->h1);
	assert_non_null(tb->h2);
	tb->drop = drop_policy;
	tb->hole_from = tb->hole_to = -1;
	return tb;
}

static void
tb_destroy(struct tb *tb, struct flow **f, int nf)
{
	int i;

	for (i = 0; i < nf; i++)
		flow_destroy(f[i]);
	host_destroy(tb->h1);
	host_destroy(tb->h2);
	/* XXX world_destroy frees ports before the queue looks at their
	 * pending events: cancel them first (engine issue, reported). */
	for (i = 0; i < tb->w->nsegs; i++) {
		struct segment *s = tb->w->segs[i];
		int k;

		for (k = 0; k < s->nports; k++) {
			ev_cancel(tb->w->q, &s->ports[k]->tx_done);
			ev_cancel(tb->w->q, &s->ports[k]->arrive);
		}
	}
	world_destroy(tb->w);
	free(tb->log);
	free(tb);
}

static struct flow *
tb_flow(struct tb *tb, struct flow_spec *sp, int id)
{
	struct flow *f;
	const char *key;
	char err[256];

	sp->from = tb->h1;
	sp->to = tb->h2;
	if (sp->name == NULL)
		sp->name = "f";
	f = flow_create(sp, id, &key, err, sizeof(err));
	if (f == NULL)
		fail_msg("flow_create: %s: %s", key, err);
	if (flow_link(f, &key, err, sizeof(err)) != 0)
		fail_msg("flow_link: %s: %s", key, err);
	flow_start(f);
	return f;
}

/* HOST_TEST_VERBOSE=1 prints each flow's figures. */
static void
dump(const char *what, const struct flow *f)
{
	const struct flow_stats *st = flow_stats(f);

	if (getenv("HOST_TEST_VERBOSE") == NULL)
		return;
	fprintf(stderr, "%s: offered %llu pkts (%.1f pps), delivered %llu pkts "
	    "%llu B (%.1f pps, %.3f Mbit/s), tx %llu, rexmit %llu, "
	    "timeouts %llu, dupacks %llu, fr %llu, sackrec %llu, syn %llu, "
	    "cwnd %.0f, srtt %.3f ms, conns %llu/%llu/%llu/%llu, "
	    "active %.3f s\n", what,
	    (unsigned long long)st->offered_pkts, flow_offered_pps(f),
	    (unsigned long long)st->delivered_pkts,
	    (unsigned long long)st->delivered_bytes, flow_delivered_pps(f),
	    flow_goodput_bps(f) / 1e6, (unsigned long long)st->tx_pkts,
	    (unsigned long long)st->retransmits,
	    (unsigned long long)st->timeouts,
	    (unsigned long long)st->dupacks,
	    (unsigned long long)st->fast_retransmits,
	    (unsigned long long)st->sack_recoveries,
	    (unsigned long long)st->syn_retransmits,
	    st->cwnd_samples ? st->cwnd_sum / st->cwnd_samples : 0,
	    st->rtt_samples ? st->srtt_sum / st->rtt_samples / 1e6 : 0,
	    (unsigned long long)st->conns_opened,
	    (unsigned long long)st->conns_established,
	    (unsigned long long)st->conns_completed,
	    (unsigned long long)st->conns_failed,
	    (double)(st->t_last - st->t_first) / 1e9);
}

static void
via(struct flow_spec *sp, struct tb *tb, int fwd, int rev)
{
	sp->route.kind = ROUTE_FIXED;
	sp->route.via[0] = tb->r[fwd].n;
	sp->route.via[1] = tb->r[rev].n;
}

static void
run_until(struct tb *tb, simtime_t t)
{
	ev_run(tb->w->q, t);
}

/* Times at which dir-0 data with this sequence number passed a router. */
static int
times_of_seq(const struct tb *tb, uint32_t seq, simtime_t *t, int max)
{
	int i, n = 0;

	for (i = 0; i < tb->nlog && n < max; i++)
		if (tb->log[i].dir == 0 && tb->log[i].seq == seq &&
		    tb->log[i].len > 0)
			t[n++] = tb->log[i].t;
	return n;
}

/* --- lossless throughput --------------------------------------------- */

/* Link-limited: goodput = rate * MSS / wire bytes of a full frame. */
static void
test_bulk_link_limited(void **state)
{
	struct tb *tb = tb_create(1, 0, 100000000, 100 * NS_PER_US, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;
	double expect = 100e6 * MSS / WIRE(14 + 20 + 20 + MSS);

	(void)state;
	flow_spec_defaults(&sp);
	sp.route.kind = ROUTE_DIRECT;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 5 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_true(flow_goodput_bps(f) > 0.97 * expect);
	assert_true(flow_goodput_bps(f) <= expect);
	assert_int_equal(st->retransmits, 0);
	assert_int_equal(st->timeouts, 0);
	assert_int_equal(st->dupacks, 0);
	assert_int_equal(host_stats(tb->h2)->rx_badsum, 0);
	tb_destroy(tb, &f, 1);
}

/* Window-limited: at most rcvbuf in flight per RTT, in whole segments. */
static void
test_bulk_window_limited(void **state)
{
	struct tb *tb = tb_create(1, 1, 1000000000, 5 * NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;
	double rtt = 4 * 5e-3, expect = (65536 / MSS) * MSS * 8 / rtt;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 10 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_true(flow_goodput_bps(f) > 0.95 * expect);
	assert_true(flow_goodput_bps(f) < 1.01 * expect);
	assert_int_equal(st->retransmits, 0);
	/* srtt is the path's RTT plus serialisation, well under 1 ms more. */
	assert_true(st->srtt_sum / st->rtt_samples > rtt * 1e9);
	assert_true(st->srtt_sum / st->rtt_samples < rtt * 1e9 + 1e6);
	tb_destroy(tb, &f, 1);
}

/* A finite transfer ends with FIN both ways and every byte delivered. */
static void
test_sized_transfer_closes(void **state)
{
	struct tb *tb = tb_create(3, 1, 100000000, NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.size = 1000000;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 70 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_int_equal(st->delivered_bytes, 1000000);
	assert_int_equal(st->conns_completed, 1);
	assert_int_equal(st->conns_failed, 0);
	/* Both ends gone after TIME_WAIT: the tables are empty. */
	assert_int_equal(host_stats(tb->h1)->rx_noport, 0);
	assert_true(st->t_last < NS_PER_SEC);
	tb_destroy(tb, &f, 1);
}

/* --- loss recovery ---------------------------------------------------- */

static struct flow *
loss_run(struct tb *tb, const uint32_t *idx, int n, simtime_t until)
{
	struct flow_spec sp;
	struct flow *f;
	int i;

	for (i = 0; i < n; i++)
		tb->drop_list[i] = idx[i];
	tb->ndrop = n;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.size = 2000000;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, until);
	flow_finish(f);
	dump(__func__, f);
	assert_int_equal(flow_stats(f)->delivered_bytes, 2000000);
	for (i = 0; i < n; i++)
		assert_true(tb->dropped_once[i]);
	return f;
}

static void
test_fast_retransmit_sack(void **state)
{
	struct tb *tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, NULL);
	uint32_t idx[] = { 100 };
	struct flow *f = loss_run(tb, idx, 1, 5 * NS_PER_SEC);
	const struct flow_stats *st = flow_stats(f);

	(void)state;
	assert_int_equal(st->retransmits, 1);
	assert_int_equal(st->fast_retransmits, 1);
	assert_int_equal(st->sack_recoveries, 1);
	assert_int_equal(st->timeouts, 0);
	assert_true(st->dupacks >= 3);
	tb_destroy(tb, &f, 1);
}

static void
test_fast_retransmit_newreno(void **state)
{
	struct host_tcp_params tp;
	struct tb *tb;
	uint32_t idx[] = { 100 };
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	host_tcp_defaults(&tp);
	tp.sack = false;
	tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, &tp);
	f = loss_run(tb, idx, 1, 5 * NS_PER_SEC);
	st = flow_stats(f);
	assert_int_equal(st->retransmits, 1);
	assert_int_equal(st->fast_retransmits, 1);
	assert_int_equal(st->sack_recoveries, 0);
	assert_int_equal(st->timeouts, 0);
	tb_destroy(tb, &f, 1);
}

/* Three losses in one window: one SACK recovery repairs all three. */
static void
test_sack_recovery_multiple(void **state)
{
	struct tb *tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, NULL);
	uint32_t idx[] = { 100, 103, 106 };
	struct flow *f = loss_run(tb, idx, 3, 5 * NS_PER_SEC);
	const struct flow_stats *st = flow_stats(f);

	(void)state;
	assert_int_equal(st->sack_recoveries, 1);
	assert_int_equal(st->retransmits, 3);
	assert_int_equal(st->timeouts, 0);
	tb_destroy(tb, &f, 1);
}

/* NewReno: the same three losses, one per partial ACK, no timeout. */
static void
test_newreno_partial_acks(void **state)
{
	struct host_tcp_params tp;
	struct tb *tb;
	uint32_t idx[] = { 100, 103, 106 };
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	host_tcp_defaults(&tp);
	tp.sack = false;
	tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, &tp);
	f = loss_run(tb, idx, 3, 5 * NS_PER_SEC);
	st = flow_stats(f);
	assert_int_equal(st->fast_retransmits, 1);
	assert_int_equal(st->retransmits, 3);
	assert_int_equal(st->timeouts, 0);
	tb_destroy(tb, &f, 1);
}

/*
 * A middle box drops everything a -> b for 3 s: the sender times out,
 * retransmits the same segment with the RTO doubling each time, and
 * recovers once the path is back.
 */
static void
test_rto_backoff(void **state)
{
	struct tb *tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;
	simtime_t t[32];
	uint32_t stuck = 0;
	int i, n;

	(void)state;
	tb->hole_from = 1 * NS_PER_SEC;
	tb->hole_to = 4 * NS_PER_SEC;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.size = 20000000;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 30 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_int_equal(st->delivered_bytes, 20000000);
	/* 0.2 + 0.4 + 0.8 + 1.6 s fit in 3 s: at least 4 timeouts. */
	assert_true(st->timeouts >= 4);
	/* The first segment dropped in the hole that was sent again. */
	for (i = 0; i < tb->nlog; i++) {
		if (tb->log[i].dir == 0 && tb->log[i].dropped &&
		    tb->log[i].len > 0 && times_of_seq(tb, tb->log[i].seq, t,
		    32) >= 4) {
			stuck = tb->log[i].seq;
			break;
		}
	}
	assert_true(stuck != 0);
	n = times_of_seq(tb, stuck, t, 32);
	assert_true(n >= 5);
	/* t[1]-t[0] is the first RTO (>= rto_min); then it doubles. */
	assert_true(t[2] - t[1] >= 200 * NS_PER_MS);
	for (i = 2; i + 1 < n; i++) {
		double ratio = (double)(t[i + 1] - t[i]) / (t[i] - t[i - 1]);

		if (t[i + 1] > tb->hole_to + NS_PER_SEC)
			break;
		assert_true(ratio > 1.99 && ratio < 2.01);
	}
	assert_true(st->cwnd_samples == 1);
	tb_destroy(tb, &f, 1);
}

/* A path that stays dead: after tcp.retries timeouts the sender resets. */
static void
test_abort_after_retries(void **state)
{
	struct host_tcp_params tp;
	struct tb *tb;
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;
	int i, rst = 0;

	(void)state;
	host_tcp_defaults(&tp);
	tp.retries = 3;
	tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, &tp);
	tb->hole_from = 500 * NS_PER_MS;
	tb->hole_to = SIMTIME_MAX;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 10 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_int_equal(st->timeouts, 3);
	assert_int_equal(st->conns_failed, 1);
	assert_int_equal(st->resets_sent, 1);
	for (i = 0; i < tb->nlog; i++)
		if (tb->log[i].flags & TH_RST)
			rst++;
	assert_int_equal(rst, 1);
	/* 0.2 + 0.4 + 0.8 s of backoff, then the fourth expiry gives up. */
	assert_true(st->t_last > 500 * NS_PER_MS + 3 * NS_PER_SEC);
	assert_true(st->t_last < 500 * NS_PER_MS + 4 * NS_PER_SEC);
	tb_destroy(tb, &f, 1);
}

/* --- handshake -------------------------------------------------------- */

static void
test_syn_retransmit(void **state)
{
	struct tb *tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;
	simtime_t syn[8];
	int i, n = 0;

	(void)state;
	tb->syn_drops = 2;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.size = 10000;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 20 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	for (i = 0; i < tb->nlog && n < 8; i++)
		if ((tb->log[i].flags & (TH_SYN | TH_ACK)) == TH_SYN)
			syn[n++] = tb->log[i].t;
	assert_int_equal(n, 3);
	/* Sent at 0, 3 s, 9 s (3 s, then doubled); each reaches the
	 * router one link later. */
	assert_true(syn[1] - syn[0] == 3 * NS_PER_SEC);
	assert_true(syn[2] - syn[1] == 6 * NS_PER_SEC);
	assert_int_equal(st->syn_retransmits, 2);
	assert_int_equal(st->conns_established, 1);
	assert_true(st->connect_ns_max > 9 * NS_PER_SEC);
	assert_true(st->connect_ns_max < 9 * NS_PER_SEC + 10 * NS_PER_MS);
	assert_int_equal(st->delivered_bytes, 10000);
	tb_destroy(tb, &f, 1);
}

/* The SYN race: the first SYN/ACK is lost; the client's SYN at 3 s gets
 * a fresh SYN/ACK and the connection completes. */
static void
test_synack_lost(void **state)
{
	struct tb *tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	tb->synack_drops = 1;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.mode = FLOW_RR;
	sp.requests = 1;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 10 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_true(st->syn_retransmits >= 1);
	assert_int_equal(st->conns_completed, 1);
	assert_true(st->connect_ns_max >= 3 * NS_PER_SEC);
	assert_true(st->connect_ns_max < 3 * NS_PER_SEC + 100 * NS_PER_MS);
	tb_destroy(tb, &f, 1);
}

/* --- traffic sources --------------------------------------------------- */

static void
test_paced_rate(void **state)
{
	struct tb *tb = tb_create(1, 1, 1000000000, 100 * NS_PER_US, 0,
	    NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.rate_pps = 5000;
	sp.stop_ns = 4 * NS_PER_SEC;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 5 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	/* One MSS write every 200 us from the connect (one RTT in) to
	 * the stop at 4 s. */
	assert_true(st->offered_pkts >= 19995 && st->offered_pkts <= 20000);
	assert_int_equal(st->delivered_pkts, st->offered_pkts);
	assert_int_equal(st->delivered_bytes, st->offered_pkts * MSS);
	assert_true(flow_delivered_pps(f) > 0.99 * 5000);
	assert_true(flow_delivered_pps(f) < 1.01 * 5000);
	assert_true(flow_goodput_bps(f) > 0.99 * 5000 * MSS * 8);
	assert_int_equal(st->retransmits, 0);
	tb_destroy(tb, &f, 1);
}

static void
test_udp_exact(void **state)
{
	struct tb *tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;
	simtime_t first = -1, last = 0;
	int i, n = 0;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.proto = FLOW_UDP;
	sp.rate_pps = 1000;
	sp.payload = 200;
	sp.start_ns = 500 * NS_PER_MS;
	sp.stop_ns = 1500 * NS_PER_MS;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 2 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_int_equal(st->offered_pkts, 1000);
	assert_int_equal(st->delivered_pkts, 1000);
	assert_int_equal(st->delivered_bytes, 200000);
	assert_true(flow_offered_pps(f) == 1000.0);
	for (i = 0; i < tb->nlog; i++) {
		if (tb->log[i].len != 200)
			continue;
		if (first < 0)
			first = tb->log[i].t;
		last = tb->log[i].t;
		n++;
	}
	assert_int_equal(n, 1000);
	/* Exactly 1 ms apart: 999 gaps. */
	assert_true(last - first == 999 * NS_PER_MS);
	tb_destroy(tb, &f, 1);
}

static void
test_rr(void **state)
{
	struct tb *tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.mode = FLOW_RR;
	sp.requests = 50;
	sp.rate_pps = 100;
	sp.request_size = 300;
	sp.response_size = 5000;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 3 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_int_equal(st->conns_opened, 50);
	assert_int_equal(st->conns_completed, 50);
	assert_int_equal(st->conns_failed, 0);
	assert_int_equal(st->delivered_bytes, 50 * (300 + 5000));
	assert_int_equal(st->syn_retransmits, 0);
	tb_destroy(tb, &f, 1);
}

/* rr without a rate: strictly one connection after another. */
static void
test_rr_sequential(void **state)
{
	struct tb *tb = tb_create(1, 1, 100000000, NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.mode = FLOW_RR;
	sp.requests = 10;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 5 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_int_equal(st->conns_completed, 10);
	assert_int_equal(st->conns_failed, 0);
	tb_destroy(tb, &f, 1);
}

/*
 * 30000 connections at 10000/s wrap the client's ephemeral ports while
 * the server (which closes first) holds the old tuples in TIME_WAIT: the
 * new SYNs, with higher ISNs, reopen them without a retransmission.
 */
static void
test_rr_port_reuse(void **state)
{
	struct tb *tb = tb_create(1, 1, 1000000000, 100 * NS_PER_US, 0,
	    NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.mode = FLOW_RR;
	sp.requests = 30000;
	sp.rate_pps = 10000;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 4 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_int_equal(st->conns_completed, 30000);
	assert_int_equal(st->conns_failed, 0);
	assert_int_equal(st->syn_retransmits, 0);
	assert_int_equal(host_stats(tb->h2)->rx_noport, 0);
	tb_destroy(tb, &f, 1);
}

static void
test_mix(void **state)
{
	struct tb *tb = tb_create(1, 1, 1000000000, 500 * NS_PER_US, 0,
	    NULL);
	struct flow_spec sp;
	struct flow *f;
	const struct flow_stats *st;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.mode = FLOW_MIX;
	sp.count = 40;
	sp.size = 50000;
	sp.arrival_ns = 20 * NS_PER_MS;
	sp.rate_pps = 200;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 300 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	st = flow_stats(f);
	assert_int_equal(st->conns_opened, 40);
	assert_int_equal(st->conns_completed, 40);
	assert_int_equal(st->retransmits, 0);
	assert_int_equal(st->delivered_bytes, st->offered_bytes);
	tb_destroy(tb, &f, 1);
}

/* --- routes ------------------------------------------------------------- */

/*
 * ECMP over two routers: each connection keeps one router per
 * direction, the directions are chosen independently, and across many
 * connections all four combinations occur.
 */
static void
test_hash_routes(void **state)
{
	struct tb *tb = tb_create(5, 2, 1000000000, 100 * NS_PER_US, 0,
	    NULL);
	struct flow_spec sp;
	struct flow *f;
	int combo[2][2] = { { 0, 0 }, { 0, 0 } };
	int (*seen)[2] = malloc(65536 * sizeof(*seen));
	int i, p;

	(void)state;
	assert_non_null(seen);
	memset(seen, -1, 65536 * sizeof(*seen));
	flow_spec_defaults(&sp);
	sp.route.kind = ROUTE_HASH;
	sp.mode = FLOW_MIX;
	sp.count = 64;
	sp.size = 3000;
	sp.arrival_ns = NS_PER_MS;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 5 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	assert_int_equal(flow_stats(f)->conns_completed, 64);
	for (i = 0; i < tb->nlog; i++) {
		const struct rec *r = &tb->log[i];

		p = r->dir == 0 ? r->sport : r->dport;
		if (seen[p][r->dir] < 0)
			seen[p][r->dir] = r->router;
		assert_int_equal(seen[p][r->dir], r->router);
	}
	for (p = 0; p < 65536; p++)
		if (seen[p][0] >= 0 && seen[p][1] >= 0)
			combo[seen[p][0]][seen[p][1]]++;
	assert_int_equal(combo[0][0] + combo[0][1] + combo[1][0] +
	    combo[1][1], 64);
	assert_true(combo[0][0] > 0 && combo[0][1] > 0);
	assert_true(combo[1][0] > 0 && combo[1][1] > 0);
	free(seen);
	tb_destroy(tb, &f, 1);
}

/* Symmetric through r0, split at 1 s (reverse via r1), back at 2 s. */
static void
test_route_change(void **state)
{
	struct tb *tb = tb_create(1, 2, 100000000, NS_PER_MS, 0, NULL);
	struct flow_spec sp;
	struct flow *f;
	int i, r1_before = 0, r1_during = 0, r1_after = 0, r1_fwd = 0;

	(void)state;
	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	sp.rate_pps = 1000;
	sp.changes[0].at_ns = 1 * NS_PER_SEC;
	sp.changes[0].r.kind = ROUTE_FIXED;
	sp.changes[0].r.via[0] = tb->r[0].n;
	sp.changes[0].r.via[1] = tb->r[1].n;
	sp.changes[1].at_ns = 2 * NS_PER_SEC;
	sp.changes[1].r = sp.route;
	sp.nchanges = 2;
	f = tb_flow(tb, &sp, 0);
	run_until(tb, 3 * NS_PER_SEC);
	flow_finish(f);
	dump(__func__, f);
	for (i = 0; i < tb->nlog; i++) {
		const struct rec *r = &tb->log[i];

		if (r->router != 1)
			continue;
		if (r->dir == 0)
			r1_fwd++;
		else if (r->t < 1 * NS_PER_SEC)
			r1_before++;
		else if (r->t < 2 * NS_PER_SEC + 2 * NS_PER_MS)
			r1_during++;
		else
			r1_after++;
	}
	assert_int_equal(r1_fwd, 0);
	assert_int_equal(r1_before, 0);
	assert_true(r1_during > 400);	/* ACKs for ~1000 segments */
	assert_int_equal(r1_after, 0);
	assert_int_equal(flow_stats(f)->retransmits, 0);
	tb_destroy(tb, &f, 1);
}

/* --- determinism ---------------------------------------------------------- */

struct det {
	uint64_t	retransmits, timeouts, dupacks, delivered, tx, sackrec;
	double		cwnd, srtt;
};

static struct det
det_run(uint64_t seed)
{
	struct tb *tb = tb_create(seed, 1, 100000000, NS_PER_MS, 0.01, NULL);
	struct flow_spec sp;
	struct flow *f[2];
	struct det d;

	flow_spec_defaults(&sp);
	via(&sp, tb, 0, 0);
	f[0] = tb_flow(tb, &sp, 0);
	sp.name = "g";
	sp.rate_pps = 3000;
	f[1] = tb_flow(tb, &sp, 1);
	run_until(tb, 3 * NS_PER_SEC);
	flow_finish(f[0]);
	flow_finish(f[1]);
	d.retransmits = flow_stats(f[0])->retransmits +
	    flow_stats(f[1])->retransmits;
	d.timeouts = flow_stats(f[0])->timeouts;
	d.dupacks = flow_stats(f[0])->dupacks;
	d.delivered = flow_stats(f[0])->delivered_bytes +
	    flow_stats(f[1])->delivered_bytes;
	d.tx = flow_stats(f[0])->tx_pkts;
	d.sackrec = flow_stats(f[0])->sack_recoveries;
	d.cwnd = flow_stats(f[0])->cwnd_sum;
	d.srtt = flow_stats(f[0])->srtt_sum;
	tb_destroy(tb, f, 2);
	return d;
}

static void
test_determinism(void **state)
{
	struct det a = det_run(11), b = det_run(11), c = det_run(12);

	(void)state;
	assert_true(a.retransmits > 0);		/* 1% loss does bite */
	assert_true(a.sackrec > 0);
	assert_int_equal(a.retransmits, b.retransmits);
	assert_int_equal(a.timeouts, b.timeouts);
	assert_int_equal(a.dupacks, b.dupacks);
	assert_int_equal(a.delivered, b.delivered);
	assert_int_equal(a.tx, b.tx);
	assert_true(a.cwnd == b.cwnd && a.srtt == b.srtt);
	assert_true(a.delivered != c.delivered || a.tx != c.tx);
}

/* --- the model glue, through the engine's run ----------------------------- */

static char tmpdir[64];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, n + 1);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Run a scenario; returns the exit status, stderr in *errout. */
static int
run_scenario(const char *text, char **errout)
{
	struct run_opts o;
	char conf[128], out[128], errf[128];
	int saved, fd, rv;

	snprintf(conf, sizeof(conf), "%s/s.conf", tmpdir);
	snprintf(out, sizeof(out), "%s/out", tmpdir);
	snprintf(errf, sizeof(errf), "%s/stderr", tmpdir);
	write_file(conf, text);
	memset(&o, 0, sizeof(o));
	o.scenario = conf;
	o.outdir = out;
	o.quiet = true;
	o.json = true;
	fflush(stderr);
	fflush(stdout);
	saved = dup(2);
	fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 2);
	close(fd);
	/* --json prints the summary on stdout: keep the test log clean. */
	{
		int so = dup(1), nul = open("/dev/null", O_WRONLY);

		dup2(nul, 1);
		close(nul);
		rv = run_main(&o);
		fflush(stdout);
		dup2(so, 1);
		close(so);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (errout)
		*errout = read_file(errf);
	return rv;
}

static const char *scen_ok =
    "[sim]\nduration = 2s\nseed = 7\n"
    "[net x]\nrate = 100Mbit\ndelay = 100us\n"
    "[host a]\nnet = x\n"
    "[host b]\nnet = x\ntcp.rcvbuf = 256KB\n"
    "[flow f1]\nfrom = a\nto = b\nrate = 1000pps\n"
    "[flow u]\nproto = udp\nfrom = b\nto = a\nrate = 500pps\n"
    "payload = 100\nstop = 1s\nstart_jitter = 0\n";

static void
test_model_run(void **state)
{
	char path[160], *s, *err = NULL;

	(void)state;
	assert_int_equal(run_scenario(scen_ok, &err), 0);
	free(err);
	snprintf(path, sizeof(path), "%s/out/summary.json", tmpdir);
	assert_non_null(s = read_file(path));
	assert_non_null(strstr(s, "\"flows\""));
	assert_non_null(strstr(s, "\"name\": \"f1\""));
	assert_non_null(strstr(s, "\"offered_pps\""));
	assert_non_null(strstr(s, "\"delivered_pps\""));
	assert_non_null(strstr(s, "\"goodput_bps\""));
	assert_non_null(strstr(s, "\"retransmits\""));
	assert_non_null(strstr(s, "\"timeouts\""));
	assert_non_null(strstr(s, "\"hosts\""));
	assert_non_null(strstr(s, "\"rx_interrupts\""));
	assert_non_null(strstr(s, "\"rx_ring_peak\""));
	assert_non_null(strstr(s, "\"rx_ring\""));
	free(s);
	snprintf(path, sizeof(path), "%s/out/flows.csv", tmpdir);
	assert_non_null(s = read_file(path));
	assert_non_null(strstr(s, "\nf1,tcp,stream,a,b,hash,"));
	assert_non_null(strstr(s, "\nu,udp,stream,b,a,hash,500,500,"));
	free(s);
	snprintf(path, sizeof(path), "%s/out/timeseries.csv", tmpdir);
	assert_non_null(s = read_file(path));
	assert_non_null(strstr(s,
	    "time_s,flow_f1_goodput_bps,flow_u_goodput_bps\n"));
	free(s);
}

static void
expect_error(const char *text, const char *msg)
{
	char *err = NULL;

	assert_int_equal(run_scenario(text, &err), 2);
	assert_non_null(err);
	if (strstr(err, msg) == NULL)
		fail_msg("expected '%s' in '%s'", msg, err);
	free(err);
}

static void
test_model_errors(void **state)
{
	(void)state;
	expect_error("[net x]\n[host a]\nnet = y\n",
	    "s.conf:3: host.a.net: no [net y]");
	expect_error("[net x]\n[host a]\nnet = x\naddr = 10.1\n",
	    "s.conf:4: host.a.addr: expected an IPv4 address");
	expect_error("[net x]\n[host a]\nnet = x\n[host b]\nnet = x\n"
	    "[flow f]\nfrom = a\nto = c\n", "s.conf:8: flow.f.to: no [host c]");
	expect_error("[net x]\n[net y]\n[host a]\nnet = x\n[host b]\n"
	    "net = y\n[flow f]\nfrom = a\nto = b\n",
	    "flow.f.route: hash needs a firewall on net x and on net y");
	expect_error("[net x]\n[host a]\nnet = x\n[host b]\nnet = x\n"
	    "[flow f]\nfrom = a\nto = b\nroute = fwZ\n",
	    "s.conf:9: flow.f.route: no node named fwZ");
	expect_error("[net x]\n[host a]\nnet = x\n[host b]\nnet = x\n"
	    "[flow f]\nfrom = a\nto = b\nroute_change = a b\n",
	    "s.conf:9: flow.f.route_change: 'a': expected a time");
	expect_error("[net x]\n[host a]\nnet = x\n[host b]\nnet = x\n"
	    "[flow f]\nfrom = a\nto = b\nproto = udp\n",
	    "flow.f.rate: a UDP flow needs a rate");
}

static int
setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pfsim-host-test.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_link_limited),
		cmocka_unit_test(test_bulk_window_limited),
		cmocka_unit_test(test_sized_transfer_closes),
		cmocka_unit_test(test_fast_retransmit_sack),
		cmocka_unit_test(test_fast_retransmit_newreno),
		cmocka_unit_test(test_sack_recovery_multiple),
		cmocka_unit_test(test_newreno_partial_acks),
		cmocka_unit_test(test_rto_backoff),
		cmocka_unit_test(test_abort_after_retries),
		cmocka_unit_test(test_syn_retransmit),
		cmocka_unit_test(test_synack_lost),
		cmocka_unit_test(test_paced_rate),
		cmocka_unit_test(test_udp_exact),
		cmocka_unit_test(test_rr),
		cmocka_unit_test(test_rr_sequential),
		cmocka_unit_test(test_rr_port_reuse),
		cmocka_unit_test(test_mix),
		cmocka_unit_test(test_hash_routes),
		cmocka_unit_test(test_route_change),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_model_run),
		cmocka_unit_test(test_model_errors),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
