/*
 * Traffic sources ([flow NAME]) and per-direction route choice.
 *
 *   stream	one TCP connection from -> to: paced at rate (segments of
 *		MSS written at exact intervals, still limited by cwnd and
 *		the peer's window) or bulk (the send buffer kept full);
 *		size bytes, or until stop / the end of the run.
 *   rr		request/response: short connections, request_size bytes
 *		up, response_size bytes down, the server closes first
 *		(HTTP/1.0); opened at rate per second or one after another.
 *   mix	count TCP streams with Poisson arrivals (mean interarrival
 *		arrival) and Pareto sizes (mean size, shape), each paced at
 *		rate if given: "lots of relatively slow streams".
 *   udp	datagrams of payload bytes at exactly rate per second.
 *
 * Routes: packets from -> to leave through via[0], to -> from through
 * via[1]; with hash, each connection's 5-tuple picks a firewall on the
 * sender's net, each direction with its own key (two independent ECMP
 * routers). A route change rewrites the next hop of every live
 * connection at its time.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/proto.h"
#include "host_var.h"

#define FLOW_UNLIMITED	UINT64_MAX
#define FLOW_MAXGW	64

struct conn {
	struct conn	*next, *prev;
	struct flow	*f;
	struct tcb	*tp;
	int		 side;		/* 0 client (on from), 1 server */
	uint64_t	 remain;	/* bytes the source will still make */
	uint64_t	 backlog;	/* made (paced), not yet written */
	uint64_t	 rcvd;
	double		 rate;		/* pps; 0 = bulk */
	uint64_t	 ticks;
	simtime_t	 t0, t_open;
	struct ev	 pace;
	bool		 done, shut;
};

struct flow {
	struct flow_spec sp;
	char		 name[32];
	int		 id;
	struct world	*w;
	struct flow_stats st;
	struct rng	 rng;		/* "flow.NAME": mix arrivals, sizes */
	uint64_t	 hkey[2];	/* ECMP keys per direction */
	struct flow_route cur;
	int		 nextchange;
	struct ev	 start_ev, stop_ev, tick_ev, change_ev;
	struct conn	*conns;		/* live, both sides */
	int		 nclients;	/* of which client side */
	uint64_t	 opened;	/* client connections made */
	uint64_t	 ticks;
	simtime_t	 t0;
	simtime_t	 horizon;	/* nothing made at or after */
	simtime_t	 start_at;	/* start + jitter */
	bool		 started, stopped, done, listening;
	/* UDP */
	uint16_t	 udp_sport;
	const uint8_t	*udp_dmac;
	uint64_t	 udp_seq;
	/* timeseries */
	uint64_t	 ts_bytes;
	simtime_t	 ts_t;
	bool		 stack;		/* run by the backend's hosts (ns-3) */
	int		 stack_id;
};

static void	conn_open(struct flow *, uint64_t size, double rate);
static int	flow_accept(struct host *, struct tcb *, void *);
static void	flow_udp_rx(struct host *, uint32_t, uint16_t, uint32_t,
		    void *);
static void	flow_check_done(struct flow *);

/* flow_params' defaults (proto tcp, mode stream, route hash by name). */
void
flow_spec_defaults(struct flow_spec *sp)
{
#define DEF(key)	param_default_int(flow_params, key)
	memset(sp, 0, sizeof(*sp));
	sp->proto = FLOW_TCP;
	sp->mode = FLOW_STREAM;
	sp->payload = (uint32_t)DEF("payload");
	sp->requests = (uint32_t)DEF("requests");
	sp->request_size = (uint64_t)DEF("request_size");
	sp->response_size = (uint64_t)DEF("response_size");
	sp->count = (uint32_t)DEF("count");
	sp->arrival_ns = DEF("arrival");
	sp->shape = param_default_real(flow_params, "shape");
	sp->route.kind = ROUTE_HASH;
#undef DEF
}

const char *
flow_name(const struct flow *f)
{
	return f->name;
}

const struct flow_spec *
flow_spec(const struct flow *f)
{
	return &f->sp;
}

const struct flow_stats *
flow_stats(const struct flow *f)
{
	return &f->st;
}

static inline simtime_t
flow_now(const struct flow *f)
{
	return sim_now(f->w);
}

/* --- routes ---------------------------------------------------------- */

static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
flow_route_str(const struct flow_route *r, char *buf, size_t len)
{
	switch (r->kind) {
	case ROUTE_HASH:
		snprintf(buf, len, "hash");
		break;
	case ROUTE_DIRECT:
		snprintf(buf, len, "direct");
		break;
	case ROUTE_FIXED:
		snprintf(buf, len, "%s %s", r->via[0]->name, r->via[1]->name);
		break;
	}
}

/*
 * The MAC the packets of direction dir (0 from->to, 1 to->from) with this
 * 5-tuple go to under the flow's current route.
 */
static const uint8_t *
flow_mac(const struct flow *f, int dir, uint32_t saddr, uint32_t daddr,
    uint16_t sport, uint16_t dport, uint8_t proto)
{
	const struct host *h = dir == 0 ? f->sp.from : f->sp.to;
	const struct host *peer = dir == 0 ? f->sp.to : f->sp.from;
	struct iface *gw[FLOW_MAXGW], *ifp = NULL;
	int n;

	switch (f->cur.kind) {
	case ROUTE_FIXED:
		ifp = host_via(h, f->cur.via[dir]);
		break;
	case ROUTE_HASH:
		/* An on-link peer is reached directly, as by any host. */
		if (peer->ifp->seg == h->ifp->seg)
			break;
		if ((n = host_gateways(h, gw, FLOW_MAXGW)) > 0) {
			uint64_t k = mix64(f->hkey[dir] ^
			    ((uint64_t)saddr << 32 | daddr));

			k = mix64(k ^ ((uint64_t)sport << 24 |
			    (uint64_t)dport << 8 | proto));
			ifp = gw[k % (uint64_t)n];
		}
		break;
	case ROUTE_DIRECT:
		break;
	}
	if (ifp)
		return ifp->mac;
	if (peer->ifp->seg == h->ifp->seg)
		return peer->ifp->mac;
	return NULL;
}

/* Point every live connection (and the UDP source) at the current route. */
static void
flow_reroute(struct flow *f)
{
	struct conn *c;

	for (c = f->conns; c; c = c->next) {
		struct tcb *tp = c->tp;
		struct host *h;

		if (tp == NULL)
			continue;
		h = tp->h;
		tp->dmac = flow_mac(f, c->side, h->ifp->addr, tp->faddr,
		    tp->lport, tp->fport, IPPROTO_TCP_);
	}
	if (f->sp.proto == FLOW_UDP && f->udp_sport != 0)
		f->udp_dmac = flow_mac(f, 0, f->sp.from->ifp->addr,
		    f->sp.to->ifp->addr, f->udp_sport, f->sp.port,
		    IPPROTO_UDP_);
}

static void
flow_change(void *arg)
{
	struct flow *f = arg;
	simtime_t now = flow_now(f);

	while (f->nextchange < f->sp.nchanges &&
	    f->sp.changes[f->nextchange].at_ns <= now)
		f->cur = f->sp.changes[f->nextchange++].r;
	flow_reroute(f);
	if (f->nextchange < f->sp.nchanges)
		sim_schedule(f->w, &f->change_ev,
		    f->sp.changes[f->nextchange].at_ns);
}

static int
route_check(const struct flow *f, const struct flow_route *r, const char *key,
    const char **keyp, char *err, size_t errlen)
{
	const struct host *a = f->sp.from, *b = f->sp.to;
	struct iface *gw[FLOW_MAXGW];
	bool same = a->ifp->seg == b->ifp->seg;

	int k;

	switch (r->kind) {
	case ROUTE_FIXED:
		/* Only a firewall forwards; a host in a route would take the
		 * frames and drop them (a flow of 0 pps, without a word). */
		for (k = 0; k < 2; k++) {
			if (node_is(r->via[k], "firewall"))
				continue;
			*keyp = key;
			snprintf(err, errlen, "%s is %s, not a firewall; "
			    "expected 'FW FW', 'FW', hash or direct",
			    r->via[k]->name, node_is(r->via[k], HOST_NODE_KIND) ?
			    "a host" : "an attacker");
			return -1;
		}
		if (host_via(a, r->via[0]) == NULL) {
			*keyp = key;
			snprintf(err, errlen, "%s has no interface on "
			    "net %s (where %s is)", r->via[0]->name,
			    a->ifp->seg->name, host_name(a));
			return -1;
		}
		if (host_via(b, r->via[1]) == NULL) {
			*keyp = key;
			snprintf(err, errlen, "%s has no interface on "
			    "net %s (where %s is)", r->via[1]->name,
			    b->ifp->seg->name, host_name(b));
			return -1;
		}
		break;
	case ROUTE_HASH:
		if (!same && (host_gateways(a, gw, FLOW_MAXGW) == 0 ||
		    host_gateways(b, gw, FLOW_MAXGW) == 0)) {
			*keyp = key;
			snprintf(err, errlen, "hash needs a firewall on "
			    "net %s and on net %s", a->ifp->seg->name,
			    b->ifp->seg->name);
			return -1;
		}
		break;
	case ROUTE_DIRECT:
		if (!same) {
			*keyp = key;
			snprintf(err, errlen, "direct needs %s and %s on "
			    "one net", host_name(a), host_name(b));
			return -1;
		}
		break;
	}
	return 0;
}

int
flow_link(struct flow *f, const char **keyp, char *err, size_t errlen)
{
	uint32_t mtu = f->sp.from->ifp->mtu;
	int i;

	if (route_check(f, &f->sp.route, "route", keyp, err, errlen) != 0)
		return -1;
	for (i = 0; i < f->sp.nchanges; i++)
		if (route_check(f, &f->sp.changes[i].r, "route_change",
		    keyp, err, errlen) != 0)
			return -1;
	if (!f->listening) {
		int rv;

		if (f->sp.proto == FLOW_UDP)
			rv = host_listen(f->sp.to, f->sp.port, NULL,
			    flow_udp_rx, f);
		else
			rv = host_listen(f->sp.to, f->sp.port, flow_accept,
			    NULL, f);
		if (rv != 0) {
			*keyp = "port";
			snprintf(err, errlen, "%u already in use on %s",
			    f->sp.port, host_name(f->sp.to));
			return -1;
		}
		f->listening = true;
	}
	if (f->sp.proto == FLOW_UDP && f->sp.payload + 28 > mtu) {
		*keyp = "payload";
		snprintf(err, errlen, "%u bytes do not fit the MTU of net %s "
		    "(%u)", f->sp.payload, f->sp.from->ifp->seg->name, mtu);
		return -1;
	}
	return 0;
}

/* --- connections ------------------------------------------------------ */

static void
conn_link(struct flow *f, struct conn *c)
{
	if (c->side == 0)
		f->nclients++;
	c->prev = NULL;
	c->next = f->conns;
	if (f->conns)
		f->conns->prev = c;
	f->conns = c;
}

static void
conn_unlink(struct flow *f, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		f->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	if (c->side == 0)
		f->nclients--;
}

/* The client's TCP figures, once per connection. */
static void
conn_sample(struct conn *c)
{
	struct flow_stats *st = &c->f->st;
	struct tcb *tp = c->tp;

	if (tp == NULL || c->side != 0 || tp->maxseg == 0)
		return;
	st->cwnd_samples++;
	st->cwnd_sum += tp->cwnd;
	st->cwnd_last = tp->cwnd;
	if (tp->rtt_valid) {
		st->rtt_samples++;
		st->srtt_sum += (double)tp->srtt;
		st->rto_sum += (double)tp->rto;
		st->srtt_last_ns = tp->srtt;
		st->rto_last_ns = tp->rto;
	}
}

/* Write what the source has made, as far as the send buffer allows. */
static void
conn_write(struct conn *c)
{
	struct tcb *tp = c->tp;
	uint64_t space, n;

	if (tp == NULL || c->shut || c->f->sp.mode == FLOW_RR)
		return;
	space = tcp_sndspace(tp);
	if (c->rate > 0) {
		n = c->backlog < space ? c->backlog : space;
		c->backlog -= n;
	} else {
		n = c->remain < space ? c->remain : space;
		if (c->remain != FLOW_UNLIMITED)
			c->remain -= n;
	}
	if (n > 0)
		tcp_write(tp, n);
	if (c->remain == 0 && c->backlog == 0) {
		c->shut = true;
		tcp_shutdown(tp);	/* may free c (not connected yet) */
	}
}

/* A paced source makes one MSS-sized write at exact intervals. */
static void
conn_pace(void *arg)
{
	struct conn *c = arg;
	struct flow *f = c->f;
	uint64_t b;

	if (c->tp == NULL || c->remain == 0)
		return;
	b = c->tp->maxseg;
	if (c->remain != FLOW_UNLIMITED) {
		if (b > c->remain)
			b = c->remain;
		c->remain -= b;
	}
	c->backlog += b;
	f->st.offered_pkts++;
	f->st.offered_bytes += b;
	c->ticks++;
	if (c->remain > 0) {
		simtime_t next = c->t0 + (simtime_t)llround((double)c->ticks *
		    NS_PER_SEC / c->rate);

		if (next < f->horizon)
			sim_schedule(f->w, &c->pace, next);
	}
	conn_write(c);
}

static void
cli_connected(struct tcb *tp, void *arg)
{
	struct conn *c = arg;
	struct flow *f = c->f;
	simtime_t d = flow_now(f) - c->t_open;

	f->st.conns_established++;
	if (tp->flags & TF_HSRETX)
		f->st.conns_syn_retried++;
	f->st.connect_ns_sum += d;
	if (d > f->st.connect_ns_max)
		f->st.connect_ns_max = d;
	if (f->sp.mode == FLOW_RR) {
		tcp_write(c->tp, f->sp.request_size);
		return;
	}
	if (c->rate > 0 && c->remain > 0) {
		c->t0 = flow_now(f);
		c->ticks = 0;
		conn_pace(c);
	} else
		conn_write(c);
}

static void
cli_sent(struct tcb *tp, void *arg)
{
	(void)tp;
	conn_write(arg);
}

static void
cli_recv(struct tcb *tp, void *arg, uint64_t n)
{
	struct conn *c = arg;
	struct flow *f = c->f;

	(void)tp;
	c->rcvd += n;
	if (f->sp.mode == FLOW_RR && !c->done &&
	    c->rcvd >= f->sp.response_size) {
		simtime_t d = flow_now(f) - c->t_open;

		c->done = true;
		f->st.conns_completed++;
		f->st.response_ns_sum += d;
		if (d > f->st.response_ns_max)
			f->st.response_ns_max = d;
	}
}

static void
any_eof(struct tcb *tp, void *arg)
{
	struct conn *c = arg;

	c->shut = true;
	tcp_shutdown(tp);
}

static void
cli_closed(struct tcb *tp, void *arg, int error)
{
	struct conn *c = arg;
	struct flow *f = c->f;

	(void)tp;
	if (error != 0)
		f->st.conns_failed++;
	else if (f->sp.mode != FLOW_RR && !c->done)
		f->st.conns_completed++;
	conn_sample(c);
	sim_cancel(f->w, &c->pace);
	conn_unlink(f, c);
	free(c);
	/* rr without a rate: the next connection when one ends. */
	if (f->sp.mode == FLOW_RR && f->sp.rate_pps <= 0 && !f->stopped &&
	    f->opened < f->sp.requests)
		conn_open(f, 0, 0);
	flow_check_done(f);
}

static void
srv_recv(struct tcb *tp, void *arg, uint64_t n)
{
	struct conn *c = arg;
	struct flow *f = c->f;

	c->rcvd += n;
	if (f->sp.mode == FLOW_RR && !c->done &&
	    c->rcvd >= f->sp.request_size) {
		c->done = true;
		tcp_write(tp, f->sp.response_size);
		c->shut = true;
		tcp_shutdown(tp);
	}
}

static void
srv_closed(struct tcb *tp, void *arg, int error)
{
	struct conn *c = arg;
	struct flow *f = c->f;

	(void)tp;
	(void)error;
	conn_unlink(f, c);
	free(c);
	flow_check_done(f);
}

static const struct tcp_app_ops cli_ops = {
	.connected = cli_connected,
	.sent = cli_sent,
	.recv = cli_recv,
	.eof = any_eof,
	.closed = cli_closed,
};

static const struct tcp_app_ops srv_ops = {
	.recv = srv_recv,
	.eof = any_eof,
	.closed = srv_closed,
};

/* A client connection of size bytes (0 = unlimited), paced at rate. */
static void
conn_open(struct flow *f, uint64_t size, double rate)
{
	struct host *h = f->sp.from;
	uint32_t daddr = f->sp.to->ifp->addr;
	struct tcb *tp;
	struct conn *c;

	f->opened++;
	f->st.conns_opened++;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (tp = tcp_create(h, daddr, f->sp.port, 0)) == NULL) {
		free(c);
		f->st.conns_failed++;
		return;
	}
	c->f = f;
	c->tp = tp;
	c->side = 0;
	c->remain = size ? size : FLOW_UNLIMITED;
	c->rate = rate;
	c->t_open = flow_now(f);
	ev_init(&c->pace, conn_pace, c, NULL);
	tp->ops = &cli_ops;
	tp->arg = c;
	tp->st = &f->st;
	tp->flowid = (uint32_t)f->id + 1;
	if (rate <= 0)
		tp->flags |= TF_COUNTNEW;
	tp->dmac = flow_mac(f, 0, h->ifp->addr, daddr, tp->lport,
	    f->sp.port, IPPROTO_TCP_);
	conn_link(f, c);
	tcp_connect(tp);
}

/* The server side of one of our connections (a SYN on our port). */
static int
flow_accept(struct host *h, struct tcb *tp, void *arg)
{
	struct flow *f = arg;
	struct conn *c;

	if (tp->faddr != f->sp.from->ifp->addr)
		return EACCES;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return ENOMEM;
	c->f = f;
	c->tp = tp;
	c->side = 1;
	c->remain = 0;
	c->t_open = flow_now(f);
	ev_init(&c->pace, conn_pace, c, NULL);
	tp->ops = &srv_ops;
	tp->arg = c;
	tp->st = &f->st;
	tp->flowid = (uint32_t)f->id + 1;
	tp->flags |= TF_COUNTNEW;
	tp->dmac = flow_mac(f, 1, h->ifp->addr, tp->faddr, tp->lport,
	    tp->fport, IPPROTO_TCP_);
	conn_link(f, c);
	return 0;
}

static void
flow_udp_rx(struct host *h, uint32_t src, uint16_t sport, uint32_t len,
    void *arg)
{
	struct flow *f = arg;

	(void)h;
	(void)sport;
	if (src != f->sp.from->ifp->addr) {
		h->st.rx_noport++;
		return;
	}
	f->st.delivered_pkts++;
	f->st.delivered_bytes += len;
}

/* --- sources ---------------------------------------------------------- */

static void
flow_check_done(struct flow *f)
{
	bool more;

	/* The clients decide: a server may wait forever for a lost FIN. */
	if (f->done || f->nclients > 0 || !f->started)
		return;
	switch (f->sp.mode) {
	case FLOW_RR:
		more = f->opened < f->sp.requests;
		break;
	case FLOW_MIX:
		more = f->opened < f->sp.count;
		break;
	default:
		more = f->opened == 0;
		break;
	}
	if (f->sp.proto == FLOW_UDP)
		return;		/* UDP ends in flow_tick */
	if (more && !f->stopped)
		return;
	f->done = true;
	f->st.t_last = flow_now(f);
}

static double
flow_mix_size(struct flow *f)
{
	double a = f->sp.shape, xm = (double)f->sp.size * (a - 1) / a, s;

	s = rng_pareto(&f->rng, a, xm);
	if (s < 1)
		s = 1;
	if (s > 1e12)
		s = 1e12;
	return s;
}

/* The flow's own clock: UDP datagrams, rr openings, mix arrivals. */
static void
flow_tick(void *arg)
{
	struct flow *f = arg;
	simtime_t now = flow_now(f), next = -1;

	if (f->stopped || f->done)
		return;
	f->ticks++;
	if (f->sp.proto == FLOW_UDP) {
		uint64_t len = f->sp.payload;
		uint64_t sent = f->st.offered_bytes;

		if (f->sp.size && sent + len > f->sp.size)
			len = f->sp.size - sent;
		f->st.offered_pkts++;
		f->st.offered_bytes += len;
		f->st.tx_pkts++;
		f->st.tx_bytes += len;
		udp_output(f->sp.from, &f->st, (uint32_t)f->id + 1,
		    f->udp_dmac, f->udp_sport, f->sp.to->ifp->addr,
		    f->sp.port, (uint32_t)len, f->udp_seq++);
		if (f->sp.size == 0 || f->st.offered_bytes < f->sp.size)
			next = f->t0 + (simtime_t)llround((double)f->ticks *
			    NS_PER_SEC / f->sp.rate_pps);
		else {
			f->done = true;
			f->st.t_last = now;
		}
	} else if (f->sp.mode == FLOW_RR) {
		conn_open(f, 0, 0);
		if (f->opened < f->sp.requests)
			next = f->t0 + (simtime_t)llround((double)f->ticks *
			    NS_PER_SEC / f->sp.rate_pps);
	} else if (f->sp.mode == FLOW_MIX) {
		conn_open(f, (uint64_t)llround(flow_mix_size(f)),
		    f->sp.rate_pps);
		if (f->opened < f->sp.count)
			next = now + (simtime_t)llround(rng_exp(&f->rng,
			    (double)f->sp.arrival_ns));
	}
	if (next >= 0 && next < f->horizon)
		sim_schedule(f->w, &f->tick_ev, next);
}

static void
flow_begin(void *arg)
{
	struct flow *f = arg;
	struct flow_spec *sp = &f->sp;

	f->started = true;
	f->t0 = flow_now(f);
	f->st.t_first = f->t0;
	if (sp->proto == FLOW_UDP) {
		f->udp_sport = host_alloc_port(sp->from, sp->to->ifp->addr,
		    sp->port);
		f->udp_dmac = flow_mac(f, 0, sp->from->ifp->addr,
		    sp->to->ifp->addr, f->udp_sport, sp->port, IPPROTO_UDP_);
		flow_tick(f);
		return;
	}
	switch (sp->mode) {
	case FLOW_STREAM:
		conn_open(f, sp->size, sp->rate_pps);
		break;
	case FLOW_RR:
		if (sp->rate_pps > 0)
			flow_tick(f);
		else
			conn_open(f, 0, 0);
		break;
	case FLOW_MIX:
		flow_tick(f);
		break;
	}
	flow_check_done(f);
}

/* stop: no new data or connections; open streams finish what they have. */
static void
flow_end(void *arg)
{
	struct flow *f = arg;
	struct conn *c, *next;

	f->stopped = true;
	sim_cancel(f->w, &f->tick_ev);
	if (f->sp.proto == FLOW_UDP && !f->done) {
		f->done = true;
		f->st.t_last = flow_now(f);
		return;
	}
	for (c = f->conns; c; c = next) {
		next = c->next;
		if (c->side != 0 || f->sp.mode == FLOW_RR)
			continue;
		sim_cancel(f->w, &c->pace);
		c->remain = 0;
		if (c->tp && c->tp->state >= TCPS_ESTABLISHED)
			conn_write(c);
	}
	flow_check_done(f);
}

/* --- life cycle ------------------------------------------------------- */

struct flow *
flow_create(const struct flow_spec *sp, int id, const char **keyp, char *err,
    size_t errlen)
{
	struct flow *f;
	struct rng r;
	char stream[64];

	if (sp->from == NULL || sp->to == NULL) {
		*keyp = sp->from == NULL ? "from" : "to";
		snprintf(err, errlen, "no such host");
		return NULL;
	}
	if (sp->from == sp->to) {
		*keyp = "to";
		snprintf(err, errlen, "the same host as from");
		return NULL;
	}
	if (sp->proto == FLOW_UDP && sp->rate_pps <= 0) {
		*keyp = "rate";
		snprintf(err, errlen, "a UDP flow needs a rate");
		return NULL;
	}
	if (sp->proto == FLOW_UDP && sp->mode != FLOW_STREAM) {
		*keyp = "mode";
		snprintf(err, errlen, "only stream for UDP");
		return NULL;
	}
	if (sp->mode == FLOW_MIX && (sp->size == 0 || sp->shape <= 1)) {
		*keyp = sp->size == 0 ? "size" : "shape";
		snprintf(err, errlen, sp->size == 0 ?
		    "mix needs a mean stream size" :
		    "must be above 1 (a finite mean)");
		return NULL;
	}
	if (sp->nchanges > FLOW_MAXCHANGES) {
		*keyp = "route_change";
		snprintf(err, errlen, "at most %d changes", FLOW_MAXCHANGES);
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		*keyp = "from";
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->sp = *sp;
	snprintf(f->name, sizeof(f->name), "%s", sp->name ? sp->name : "");
	f->sp.name = f->name;
	f->id = id;
	f->w = sp->from->w;
	if (f->sp.port == 0)
		f->sp.port = (uint16_t)(5001 + id);
	f->cur = sp->route;
	snprintf(stream, sizeof(stream), "flow.%s", f->name);
	sim_stream(f->w, &f->rng, stream);
	/* One ECMP function for the whole world, a key per direction. */
	sim_stream(f->w, &r, "route.hash");
	f->hkey[0] = rng_next(&r);
	f->hkey[1] = rng_next(&r);
	/* A flow started by hand: a random phase against the firewalls'
	 * clock ticks, from its own stream (sim.variability off: none).
	 * It still begins before its stop. */
	f->start_at = sp->start_ns;
	if (f->w->variability && sp->start_jitter_ns > 0) {
		simtime_t lim = sp->start_jitter_ns;

		if (sp->stop_ns > sp->start_ns && sp->stop_ns - sp->start_ns <
		    lim)
			lim = sp->stop_ns - sp->start_ns;
		snprintf(stream, sizeof(stream), "flow.%s.start", f->name);
		sim_stream(f->w, &r, stream);
		f->start_at += (simtime_t)rng_below(&r, (uint64_t)lim);
	}
	ev_init(&f->start_ev, flow_begin, f, NULL);
	ev_init(&f->stop_ev, flow_end, f, NULL);
	ev_init(&f->tick_ev, flow_tick, f, NULL);
	ev_init(&f->change_ev, flow_change, f, NULL);
	f->horizon = SIMTIME_MAX;
	return f;
}

void
flow_set_horizon(struct flow *f, simtime_t end_ns)
{
	f->horizon = end_ns;
}

void
flow_start(struct flow *f)
{
	struct world *w = f->w;
	simtime_t now = sim_now(w);

	sim_schedule(w, &f->start_ev, f->start_at > now ? f->start_at : now);
	if (f->sp.stop_ns > 0)
		sim_schedule(w, &f->stop_ev, f->sp.stop_ns > now ?
		    f->sp.stop_ns : now);
	if (f->sp.nchanges > 0)
		sim_schedule(w, &f->change_ev, f->sp.changes[0].at_ns > now ?
		    f->sp.changes[0].at_ns : now);
}

void
flow_finish(struct flow *f)
{
	struct conn *c;

	for (c = f->conns; c; c = c->next)
		conn_sample(c);
	if (!f->done)
		f->st.t_last = flow_now(f);
	if (!f->started)
		f->st.t_first = f->st.t_last;
}

void
flow_destroy(struct flow *f)
{
	struct conn *c, *next;

	if (f == NULL)
		return;
	for (c = f->conns; c; c = next) {
		next = c->next;
		sim_cancel(f->w, &c->pace);
		if (c->tp) {
			c->tp->ops = NULL;
			c->tp->arg = NULL;
			c->tp->st = &c->tp->h->orphan;
		}
		free(c);
	}
	sim_cancel(f->w, &f->start_ev);
	sim_cancel(f->w, &f->stop_ev);
	sim_cancel(f->w, &f->tick_ev);
	sim_cancel(f->w, &f->change_ev);
	free(f);
}

/* --- a backend with its own host stacks (ns-3) ------------------------ */

/* One direction of a fixed route: a host route through the gateway. */
static int
flow_stack_route(struct world *w, struct host *h, struct host *peer,
    struct node *via, char *err, size_t errlen)
{
	struct iface *gw = via != NULL ? host_via(h, via) : NULL;

	if (gw == NULL) {
		snprintf(err, errlen, "%s has no interface on %s's net",
		    via != NULL ? via->name : "?", host_name(h));
		return -1;
	}
	if (sim_route_add(w, h->ifp, peer->ifp->addr, gw->addr) != 0) {
		snprintf(err, errlen, "ns-3's static routing keeps one route "
		    "per destination: %s reaches %s through another node "
		    "for another flow", host_name(h), host_name(peer));
		return -1;
	}
	return 0;
}

int
flow_stack_add(struct flow *f, const char **keyp, char *err, size_t errlen)
{
	struct flow_spec *sp = &f->sp;
	struct backend_flow nf;

	*keyp = "route";
	if (sp->mode != FLOW_STREAM) {
		*keyp = "mode";
		snprintf(err, errlen, "the ns-3 backend runs streams (TCP or "
		    "UDP) only, so far");
		return -1;
	}
	if (sp->nchanges > 0) {
		*keyp = "route_change";
		snprintf(err, errlen, "ns-3's static routes do not change "
		    "during a run");
		return -1;
	}
	if (sp->route.kind == ROUTE_HASH) {
		snprintf(err, errlen, "hash: ns-3's static routing cannot "
		    "choose a firewall per connection; name them (FW FW)");
		return -1;
	}
	if (sp->route.kind == ROUTE_FIXED &&
	    (flow_stack_route(f->w, sp->from, sp->to, sp->route.via[0], err,
	    errlen) != 0 || flow_stack_route(f->w, sp->to, sp->from,
	    sp->route.via[1], err, errlen) != 0))
		return -1;
	memset(&nf, 0, sizeof(nf));
	nf.from = sp->from->ifp;
	nf.to = sp->to->ifp;
	nf.port = sp->port;
	nf.start_ns = f->start_at;
	nf.stop_ns = sp->stop_ns;
	nf.rate_pps = sp->rate_pps;
	nf.size = sp->size;
	nf.proto = sp->proto == FLOW_UDP ? BACKEND_UDP : BACKEND_TCP;
	nf.payload = (uint32_t)sp->payload;
	if ((f->stack_id = sim_flow_add(f->w, &nf)) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	f->stack = true;
	return 0;
}

void
flow_stack_finish(struct flow *f)
{
	struct backend_flow_stats ns;
	uint32_t mss = f->sp.from->tcp.mss;

	if (sim_flow_stats(f->w, f->stack_id, &ns) != 0)
		return;
	f->st.offered_pkts = ns.offered_pkts;
	f->st.offered_bytes = ns.offered_bytes;
	f->st.tx_pkts = ns.tx_pkts;
	f->st.tx_bytes = ns.tx_bytes;
	f->st.retransmits = ns.retransmits;
	f->st.delivered_bytes = ns.delivered_bytes;
	/* XXX: segments with new data, taken as MSS-sized (the paced and
	 * bulk sources write whole segments). */
	f->st.delivered_pkts = mss ? (ns.delivered_bytes + mss / 2) / mss : 0;
	if (f->sp.proto == FLOW_UDP) {
		f->st.delivered_pkts = ns.delivered_pkts;
		f->st.local_drops = ns.local_drops;
	}
	f->st.conns_opened = ns.conns_opened;
	f->st.conns_established = ns.conns_established;
	f->st.connect_ns_sum = f->st.connect_ns_max = ns.connect_ns;
	f->st.t_first = ns.t_first;
	f->st.t_last = ns.t_last;
	f->started = f->done = true;
}

/* --- figures ---------------------------------------------------------- */

static double
flow_active_s(const struct flow *f)
{
	simtime_t d = f->st.t_last - f->st.t_first;

	return d > 0 ? (double)d / NS_PER_SEC : 0;
}

double
flow_offered_pps(const struct flow *f)
{
	double s = flow_active_s(f);

	return s > 0 ? (double)f->st.offered_pkts / s : 0;
}

double
flow_delivered_pps(const struct flow *f)
{
	double s = flow_active_s(f);

	return s > 0 ? (double)f->st.delivered_pkts / s : 0;
}

double
flow_goodput_bps(const struct flow *f)
{
	double s = flow_active_s(f);

	return s > 0 ? (double)f->st.delivered_bytes * 8 / s : 0;
}

double
flow_ts_goodput(struct flow *f)
{
	simtime_t now = flow_now(f), d;
	uint64_t b;
	struct backend_flow_stats ns;

	/* ns-3's receiver counts as it reads. */
	if (f->stack && sim_flow_stats(f->w, f->stack_id, &ns) == 0)
		f->st.delivered_bytes = ns.delivered_bytes;
	d = now - f->ts_t;
	b = f->st.delivered_bytes - f->ts_bytes;

	f->ts_t = now;
	f->ts_bytes = f->st.delivered_bytes;
	return d > 0 ? (double)b * 8 * NS_PER_SEC / (double)d : 0;
}

static const char *const proto_names[] = { "tcp", "udp" };
static const char *const mode_names[] = { "stream", "rr", "mix" };

void
flow_report_json(const struct flow *f, struct json *j)
{
	const struct flow_stats *st = &f->st;
	char route[80];

	flow_route_str(&f->sp.route, route, sizeof(route));
	json_obj_begin(j, NULL);
	json_str(j, "name", f->name);
	json_str(j, "proto", proto_names[f->sp.proto]);
	json_str(j, "mode", mode_names[f->sp.mode]);
	json_str(j, "from", host_name(f->sp.from));
	json_str(j, "to", host_name(f->sp.to));
	json_str(j, "route", route);
	json_int(j, "route_changes", f->sp.nchanges);
	json_real(j, "offered_pps", flow_offered_pps(f));
	json_real(j, "delivered_pps", flow_delivered_pps(f));
	json_real(j, "goodput_bps", flow_goodput_bps(f));
	json_uint(j, "retransmits", st->retransmits);
	json_uint(j, "timeouts", st->timeouts);
	json_uint(j, "dupacks", st->dupacks);
	json_uint(j, "fast_retransmits", st->fast_retransmits);
	json_uint(j, "sack_recoveries", st->sack_recoveries);
	json_uint(j, "syn_retransmits", st->syn_retransmits);
	json_uint(j, "resets_rcvd", st->resets_rcvd);
	json_uint(j, "resets_sent", st->resets_sent);
	json_real(j, "cwnd_bytes", st->cwnd_samples ?
	    st->cwnd_sum / st->cwnd_samples : 0);
	json_real(j, "srtt_ms", st->rtt_samples ?
	    st->srtt_sum / st->rtt_samples / NS_PER_MS : 0);
	json_real(j, "rto_ms", st->rtt_samples ?
	    st->rto_sum / st->rtt_samples / NS_PER_MS : 0);
	json_uint(j, "offered_packets", st->offered_pkts);
	json_uint(j, "offered_bytes", st->offered_bytes);
	json_uint(j, "packets_sent", st->tx_pkts);
	json_uint(j, "bytes_sent", st->tx_bytes);
	json_uint(j, "packets_delivered", st->delivered_pkts);
	json_uint(j, "bytes_delivered", st->delivered_bytes);
	json_uint(j, "acks_sent", st->acks_sent);
	json_uint(j, "local_drops", st->local_drops);
	if (f->sp.proto == FLOW_UDP)
		json_uint(j, "lost", st->offered_pkts > st->delivered_pkts ?
		    st->offered_pkts - st->delivered_pkts : 0);
	else {
		json_obj_begin(j, "connections");
		json_uint(j, "opened", st->conns_opened);
		json_uint(j, "established", st->conns_established);
		json_uint(j, "completed", st->conns_completed);
		json_uint(j, "failed", st->conns_failed);
		json_uint(j, "syn_retried", st->conns_syn_retried);
		json_real(j, "connect_ms_mean", st->conns_established ?
		    (double)st->connect_ns_sum / st->conns_established /
		    NS_PER_MS : 0);
		json_real(j, "connect_ms_max",
		    (double)st->connect_ns_max / NS_PER_MS);
		if (f->sp.mode == FLOW_RR) {
			json_real(j, "response_ms_mean",
			    st->conns_completed ?
			    (double)st->response_ns_sum /
			    st->conns_completed / NS_PER_MS : 0);
			json_real(j, "response_ms_max",
			    (double)st->response_ns_max / NS_PER_MS);
		}
		json_obj_end(j);
	}
	json_real(j, "start_s", (double)st->t_first / NS_PER_SEC);
	json_real(j, "end_s", (double)st->t_last / NS_PER_SEC);
	json_obj_end(j);
}
