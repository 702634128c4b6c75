/*
 * End hosts: one interface, static ARP, a connection table, listeners,
 * the receive ring and stack latencies (host.h, "Timing"), and the input
 * path that hands segments to TCP and datagrams to UDP. A host answers
 * nothing but its own flows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/proto.h"
#include "host_var.h"

static void	host_input(struct iface *, struct pkt *, void *);
static void	host_rx_ev(void *);
static void	host_tx_ev(void *);

/* The tcp.* defaults of host_params, the one place they are written. */
void
host_tcp_defaults(struct host_tcp_params *p)
{
#define DEF(key)	param_default_int(host_params, key)
	memset(p, 0, sizeof(*p));
	p->mss = (uint32_t)DEF("tcp.mss");
	p->rcvbuf = (uint32_t)DEF("tcp.rcvbuf");
	p->sndbuf = (uint32_t)DEF("tcp.sndbuf");
	p->wscale = DEF("tcp.wscale") != 0;
	p->sack = DEF("tcp.sack") != 0;
	p->limited_transmit = DEF("tcp.limited_transmit") != 0;
	p->cwnd_validate = DEF("tcp.cwnd_validate") != 0;
	p->initcwnd = (uint32_t)DEF("tcp.initcwnd");
	p->dupthresh = (uint32_t)DEF("tcp.dupthresh");
	p->delack_segs = (uint32_t)DEF("tcp.delack_segs");
	p->delack_ns = DEF("tcp.delack");
	p->rto_init_ns = DEF("tcp.rto_init");
	p->rto_min_ns = DEF("tcp.rto_min");
	p->rto_max_ns = DEF("tcp.rto_max");
	p->syn_retries = (uint32_t)DEF("tcp.syn_retries");
	p->retries = (uint32_t)DEF("tcp.retries");
	p->time_wait_ns = DEF("tcp.time_wait");
	p->ttl = (uint8_t)DEF("tcp.ttl");
#undef DEF
}

struct host *
host_create(struct world *w, const char *name, struct segment *seg,
    uint32_t addr, uint8_t plen, const struct host_tcp_params *tcp)
{
	struct host *h;
	char stream[64];

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->w = w;
	if (tcp)
		h->tcp = *tcp;
	else
		host_tcp_defaults(&h->tcp);
	h->tabmask = 63;
	if ((h->tab = calloc(h->tabmask + 1, sizeof(*h->tab))) == NULL)
		goto fail;
	if ((h->node = node_create(w, name, HOST_NODE_KIND)) == NULL)
		goto fail;
	h->node->model = h;
	if ((h->ifp = iface_create(h->node, "eth0", seg, addr, plen)) == NULL)
		goto fail;
	sim_set_input(h->ifp, host_input, h);
	snprintf(stream, sizeof(stream), "host.%s", name);
	sim_stream(w, &h->rng, stream);
	/* Linux's ephemeral range, 32768-60999, from a random start. */
	h->next_port = (uint16_t)(32768 + rng_below(&h->rng, 28232));
	h->ip_id = (uint16_t)rng_below(&h->rng, 65536);
	h->isskey = rng_next(&h->rng);
	/* Timing draws have their own streams: the ones above never move. */
	snprintf(stream, sizeof(stream), "host.%s.rx", name);
	sim_stream(w, &h->rx_rng, stream);
	snprintf(stream, sizeof(stream), "host.%s.tx", name);
	sim_stream(w, &h->tx_rng, stream);
	pktq_init(&h->ring, 0);
	pktq_init(&h->stackq, 0);
	pktq_init(&h->txq, 0);
	ev_init(&h->rx_ev, host_rx_ev, h, NULL);
	ev_init(&h->tx_ev, host_tx_ev, h, NULL);
	return h;
fail:
	/* The node, if made, stays with the world (it owns nodes). */
	free(h->tab);
	free(h);
	return NULL;
}

void
host_destroy(struct host *h)
{
	uint32_t i;
	struct tcb *tp, *next;

	if (h == NULL)
		return;
	for (i = 0; i <= h->tabmask; i++) {
		for (tp = h->tab[i]; tp; tp = next) {
			next = tp->hnext;
			tp->hnext = NULL;
			tp->ops = NULL;
			tcp_free(tp);
		}
		h->tab[i] = NULL;
	}
	if (h->ifp)
		sim_set_input(h->ifp, NULL, NULL);
	if (h->node)
		h->node->model = NULL;
	sim_cancel(h->w, &h->rx_ev);
	sim_cancel(h->w, &h->tx_ev);
	pktq_purge(&h->ring);
	pktq_purge(&h->stackq);
	pktq_purge(&h->txq);
	free(h->txst);
	free(h->tab);
	free(h->ls);
	free(h);
}

void
host_set_addr(struct host *h, uint32_t addr, uint8_t plen)
{
	h->ifp->addr = addr;
	h->ifp->plen = plen;
	if (plen > 0)
		node_add_route(h->node, addr, plen, 0, h->ifp);
}

int
host_set_timing(struct host *h, const struct host_timing *tm)
{
	if (!(tm->spread >= 0 && tm->spread <= 1) || tm->rx_ns < 0 ||
	    tm->tx_ns < 0)
		return EINVAL;
	h->tm = *tm;
	/* sim.variability off: every source at its mean, nothing drawn. */
	if (!h->w->variability) {
		h->tm.random_phase = false;
		h->tm.spread = 0;
	}
	h->itr_ns = tm->int_rate > 0 ? NS_PER_SEC / tm->int_rate : 0;
	h->rx_timed = h->itr_ns > 0 || tm->rx_ns > 0;
	h->ring.limit = tm->rx_ring;
	/* No phase: the last interrupt was long enough ago that the first
	 * frame interrupts at once. */
	h->last_intr = sim_now(h->w) - h->itr_ns;
	if (h->tm.random_phase && h->itr_ns > 0)
		h->last_intr += (simtime_t)rng_below(&h->rx_rng,
		    (uint64_t)h->itr_ns);
	return 0;
}

const char *
host_name(const struct host *h)
{
	return h->node->name;
}

struct iface *
host_iface(const struct host *h)
{
	return h->ifp;
}

const struct host_stats *
host_stats(const struct host *h)
{
	return &h->st;
}

void
host_set_backend_stats(struct host *h, const struct backend_host_stats *bs)
{
	h->st.rx_frames = bs->rx_frames;
	h->st.tx_frames = bs->tx_frames;
	h->st.tx_drops = bs->tx_drops;
}

const struct host_tcp_params *
host_tcp(const struct host *h)
{
	return &h->tcp;
}

/* splitmix64's finaliser: a good 64-bit mix for table and ECMP hashes. */
static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint32_t
tcb_hash(const struct host *h, uint16_t lport, uint32_t faddr,
    uint16_t fport)
{
	return (uint32_t)mix64((uint64_t)faddr << 32 | (uint32_t)lport << 16 |
	    fport) & h->tabmask;
}

struct tcb *
host_lookup(struct host *h, uint16_t lport, uint32_t faddr, uint16_t fport)
{
	struct tcb *tp;

	for (tp = h->tab[tcb_hash(h, lport, faddr, fport)]; tp; tp = tp->hnext)
		if (tp->lport == lport && tp->fport == fport &&
		    tp->faddr == faddr)
			return tp;
	return NULL;
}

/* Double the table when it averages more than one entry per bucket. */
static int
host_grow(struct host *h)
{
	uint32_t omask = h->tabmask, nmask = omask * 2 + 1, i;
	struct tcb **ntab, *tp, *next;

	if ((ntab = calloc(nmask + 1, sizeof(*ntab))) == NULL)
		return ENOMEM;
	h->tabmask = nmask;
	for (i = 0; i <= omask; i++) {
		for (tp = h->tab[i]; tp; tp = next) {
			uint32_t b = tcb_hash(h, tp->lport, tp->faddr,
			    tp->fport);

			next = tp->hnext;
			tp->hnext = ntab[b];
			ntab[b] = tp;
		}
	}
	free(h->tab);
	h->tab = ntab;
	return 0;
}

int
host_insert(struct host *h, struct tcb *tp)
{
	uint32_t b;

	if (h->ntcb > h->tabmask && host_grow(h) != 0)
		return ENOMEM;
	b = tcb_hash(h, tp->lport, tp->faddr, tp->fport);
	tp->hnext = h->tab[b];
	h->tab[b] = tp;
	h->ntcb++;
	return 0;
}

void
host_remove(struct host *h, struct tcb *tp)
{
	struct tcb **pp;

	for (pp = &h->tab[tcb_hash(h, tp->lport, tp->faddr, tp->fport)]; *pp;
	    pp = &(*pp)->hnext) {
		if (*pp == tp) {
			*pp = tp->hnext;
			tp->hnext = NULL;
			h->ntcb--;
			return;
		}
	}
}

/*
 * The next free ephemeral port towards (faddr, fport), sequential as in
 * OpenBSD before port randomisation mattered here. 0 if none is free.
 */
uint16_t
host_alloc_port(struct host *h, uint32_t faddr, uint16_t fport)
{
	int tries;

	for (tries = 0; tries < 28232; tries++) {
		uint16_t port = h->next_port;

		h->next_port = port >= 60999 ? 32768 : port + 1;
		if (host_listener(h, IPPROTO_TCP_, port) ||
		    host_listener(h, IPPROTO_UDP_, port))
			continue;
		if (host_lookup(h, port, faddr, fport) == NULL)
			return port;
	}
	return 0;
}

int
host_listen(struct host *h, uint16_t port, host_accept_fn accept,
    host_udp_fn udp, void *arg)
{
	struct host_listener *nl;
	uint8_t proto = accept ? IPPROTO_TCP_ : IPPROTO_UDP_;

	if (host_listener(h, proto, port) != NULL)
		return EADDRINUSE;
	if (h->nls == h->lscap) {
		int ncap = h->lscap ? h->lscap * 2 : 4;

		if ((nl = realloc(h->ls, ncap * sizeof(*nl))) == NULL)
			return ENOMEM;
		h->ls = nl;
		h->lscap = ncap;
	}
	h->ls[h->nls].proto = proto;
	h->ls[h->nls].port = port;
	h->ls[h->nls].accept = accept;
	h->ls[h->nls].udp = udp;
	h->ls[h->nls].arg = arg;
	h->nls++;
	return 0;
}

struct host_listener *
host_listener(struct host *h, uint8_t proto, uint16_t port)
{
	int i;

	for (i = 0; i < h->nls; i++)
		if (h->ls[i].port == port && h->ls[i].proto == proto)
			return &h->ls[i];
	return NULL;
}

/*
 * One stack latency: (1 - spread) * mean + Exp(spread * mean), so the
 * mean is kept. spread is 0 when sim.variability is off: no draw.
 */
static simtime_t
host_latency(const struct host *h, struct rng *r, simtime_t mean)
{
	double s = h->tm.spread;

	if (mean <= 0 || s <= 0)
		return mean > 0 ? mean : 0;
	return (simtime_t)llround((1 - s) * (double)mean +
	    rng_exp(r, s * (double)mean));
}

/* The frame reaches the interface. */
static int
host_xmit(struct host *h, struct pkt *p, struct flow_stats *st)
{
	int error;

	if ((error = sim_output(h->ifp, p)) != 0) {
		/* XXX Linux would queue in the qdisc and reduce cwnd
		 * (tcp_enter_cwr); here a refused frame is a loss. */
		h->st.tx_drops++;
		if (st)
			st->local_drops++;
	}
	return error;
}

static int
host_txst_grow(struct host *h)
{
	uint32_t ncap = h->txst_cap ? h->txst_cap * 2 : 64, i;
	struct flow_stats **n;

	if ((n = malloc(ncap * sizeof(*n))) == NULL)
		return ENOMEM;
	for (i = 0; i < h->txq.len; i++)
		n[i] = h->txst[(h->txst_head + i) % h->txst_cap];
	free(h->txst);
	h->txst = n;
	h->txst_head = 0;
	h->txst_cap = ncap;
	return 0;
}

/*
 * Without stack.tx the frame goes to the interface at once; with it, it
 * waits its latency in txq, never overtaking the frame before it. A
 * queued frame keeps its flow's counters (flows outlive every event).
 */
int
host_output(struct host *h, struct pkt *p, struct flow_stats *st)
{
	simtime_t t;

	h->st.tx_frames++;
	if (h->tm.tx_ns == 0)
		return host_xmit(h, p, st);
	if (h->txq.len == h->txst_cap && host_txst_grow(h) != 0) {
		h->st.tx_nobuf++;
		if (st)
			st->local_drops++;
		pkt_free(p);
		return ENOBUFS;
	}
	t = sim_now(h->w) + host_latency(h, &h->tx_rng, h->tm.tx_ns);
	if (t < h->tx_last)
		t = h->tx_last;
	h->tx_last = t;
	p->t_arrive = t;
	h->txst[(h->txst_head + h->txq.len) % h->txst_cap] = st;
	pktq_put(&h->txq, p);
	/* One event per host, bounded like the ports': exempt from the
	 * event limit. */
	if (!ev_pending(&h->tx_ev))
		(void)sim_schedule_bounded(h->w, &h->tx_ev,
		    h->txq.head->t_arrive);
	return 0;
}

static void
host_tx_ev(void *arg)
{
	struct host *h = arg;
	simtime_t now = sim_now(h->w);
	struct flow_stats *st;
	struct pkt *p;

	while ((p = h->txq.head) != NULL && p->t_arrive <= now) {
		pktq_get(&h->txq);
		st = h->txst[h->txst_head];
		h->txst_head = (h->txst_head + 1) % h->txst_cap;
		host_xmit(h, p, st);
	}
	if (p != NULL)
		(void)sim_schedule_bounded(h->w, &h->tx_ev, p->t_arrive);
}

int
host_gateways(const struct host *h, struct iface **out, int max)
{
	const struct world *w = h->w;
	int i, k, n = 0;

	for (i = 0; i < w->nnodes && n < max; i++) {
		const struct node *nd = w->nodes[i];

		if (!node_is(nd, "firewall"))
			continue;
		for (k = 0; k < nd->nifs; k++) {
			if (nd->ifs[k]->seg == h->ifp->seg) {
				out[n++] = nd->ifs[k];
				break;
			}
		}
	}
	return n;
}

struct iface *
host_via(const struct host *h, const struct node *nd)
{
	int k;

	for (k = 0; k < nd->nifs; k++)
		if (nd->ifs[k]->seg == h->ifp->seg)
			return nd->ifs[k];
	return NULL;
}

/*
 * A UDP datagram of len payload bytes. The first 8 payload bytes carry
 * the sender's sequence number (big-endian); the rest are zeros.
 */
int
udp_output(struct host *h, struct flow_stats *st, uint32_t flowid,
    const uint8_t *dmac, uint16_t sport, uint32_t daddr, uint16_t dport,
    uint32_t len, uint64_t seq)
{
	struct pkt *p = pkt_alloc(h->w->pool);
	uint8_t head[8];
	int i;

	if (p == NULL) {
		h->st.tx_nobuf++;
		if (st)
			st->local_drops++;
		return ENOBUFS;
	}
	for (i = 0; i < 8; i++)
		head[i] = (uint8_t)(seq >> (56 - 8 * i));
	frame_udp4(p, h->ifp->mac, dmac, h->ifp->addr, daddr, sport, dport,
	    head, len < 8 ? len : 8, len, h->tcp.ttl, h->ip_id++);
	p->flow = flowid;
	p->t_sent = sim_now(h->w);
	return host_output(h, p, st);
}

static void
udp_input(struct host *h, uint32_t src, const uint8_t *seg, uint32_t len)
{
	const struct udp_hdr *uh = (const struct udp_hdr *)seg;
	struct host_listener *l;
	uint32_t ulen;

	if (len < sizeof(*uh) || (ulen = ntohs(uh->len)) < sizeof(*uh) ||
	    ulen > len) {
		h->st.rx_bad++;
		return;
	}
	if (uh->sum != 0 && in4_l4_cksum_part(src, h->ifp->addr, IPPROTO_UDP_,
	    uh, ulen, ulen) != 0) {
		h->st.rx_badsum++;
		return;
	}
	if ((l = host_listener(h, IPPROTO_UDP_, ntohs(uh->dport))) == NULL) {
		h->st.rx_noport++;
		return;
	}
	l->udp(h, src, ntohs(uh->sport),
	    ulen - (uint32_t)sizeof(*uh), l->arg);
}

/* TCP/UDP input of one frame: check, demultiplex, free. */
static void
host_deliver(struct host *h, struct pkt *p)
{
	const struct ip4_hdr *ip;
	const uint8_t *seg;
	uint32_t hl, tl, src;

	if (frame_check_ip4(p) != 0) {
		h->st.rx_bad++;
		goto out;
	}
	ip = pkt_ip(p);
	if (ntohl(ip->dst) != h->ifp->addr) {
		h->st.rx_notmine++;
		goto out;
	}
	if ((ntohs(ip->off) & 0x3fff) != 0) {
		h->st.rx_other++;	/* fragments: never sent here */
		goto out;
	}
	hl = (ip->vhl & 0x0f) * 4;
	tl = ntohs(ip->len);
	seg = (const uint8_t *)ip + hl;
	src = ntohl(ip->src);
	switch (ip->p) {
	case IPPROTO_TCP_:
		if (tl - hl < sizeof(struct tcp_hdr)) {
			h->st.rx_bad++;
			break;
		}
		if (in4_l4_cksum_part(src, h->ifp->addr, IPPROTO_TCP_, seg,
		    tl - hl, tl - hl) != 0) {
			h->st.rx_badsum++;
			break;
		}
		tcp_input(h, src, seg, tl - hl);
		break;
	case IPPROTO_UDP_:
		udp_input(h, src, seg, tl - hl);
		break;
	default:
		h->st.rx_other++;
		break;
	}
out:
	pkt_free(p);
}

/*
 * The receive interrupt: every frame in the ring, in order, is given the
 * time it reaches TCP/UDP input, never before the frame ahead of it.
 */
static void
host_rx_intr(struct host *h, simtime_t now)
{
	struct pkt *p;
	simtime_t t;

	h->last_intr = now;
	h->st.rx_intr++;
	while ((p = pktq_get(&h->ring)) != NULL) {
		t = now + host_latency(h, &h->rx_rng, h->tm.rx_ns);
		if (t < h->rx_last)
			t = h->rx_last;
		h->rx_last = t;
		p->t_arrive = t;
		pktq_put(&h->stackq, p);
	}
}

/*
 * Do what is due now (the interrupt, then input of the frames whose stack
 * latency is over) and set the one receive event to the next of the two.
 */
static void
host_rx_run(struct host *h)
{
	simtime_t now = sim_now(h->w), at = SIMTIME_MAX;
	struct pkt *p;

	if (h->ring.len > 0 && h->intr_at <= now)
		host_rx_intr(h, now);
	while ((p = h->stackq.head) != NULL && p->t_arrive <= now) {
		pktq_get(&h->stackq);
		host_deliver(h, p);
	}
	if (h->ring.len > 0)
		at = h->intr_at;
	if (h->stackq.head != NULL && h->stackq.head->t_arrive < at)
		at = h->stackq.head->t_arrive;
	if (at == SIMTIME_MAX)
		sim_cancel(h->w, &h->rx_ev);
	else if (!ev_pending(&h->rx_ev) || h->rx_ev.at != at)
		(void)sim_schedule_bounded(h->w, &h->rx_ev, at);
}

static void
host_rx_ev(void *arg)
{
	host_rx_run(arg);
}

/*
 * The interface's receive hook. Without timing the frame goes up at once
 * (one interrupt per frame). With it, the frame waits in the ring; the
 * first frame in an empty ring sets the interrupt at
 * max(now, last interrupt + 1/int_rate).
 */
static void
host_input(struct iface *ifp, struct pkt *p, void *arg)
{
	struct host *h = arg;
	simtime_t now;

	(void)ifp;
	h->st.rx_frames++;
	if (!h->rx_timed) {
		h->st.rx_intr++;
		host_deliver(h, p);
		return;
	}
	if (pktq_full(&h->ring)) {
		h->st.rx_ring++;
		pkt_free(p);
		return;
	}
	now = sim_now(h->w);
	if (h->ring.len == 0)
		h->intr_at = h->last_intr + h->itr_ns > now ?
		    h->last_intr + h->itr_ns : now;
	pktq_put(&h->ring, p);
	if (h->ring.len > h->st.rx_ring_peak)
		h->st.rx_ring_peak = h->ring.len;
	host_rx_run(h);
}

int
host_stack_add(struct host *h)
{
	struct backend_tcp t;

	memset(&t, 0, sizeof(t));
	t.mss = h->tcp.mss;
	t.rcvbuf = h->tcp.rcvbuf;
	t.sndbuf = h->tcp.sndbuf;
	t.initcwnd = h->tcp.initcwnd;
	t.delack_segs = h->tcp.delack_segs;
	t.delack_ns = h->tcp.delack_ns;
	t.rto_init_ns = h->tcp.rto_init_ns;
	t.rto_min_ns = h->tcp.rto_min_ns;
	t.syn_retries = h->tcp.syn_retries;
	t.retries = h->tcp.retries;
	t.sack = h->tcp.sack;
	t.wscale = h->tcp.wscale;
	t.limited_transmit = h->tcp.limited_transmit;
	t.cc = h->tcp.cc == HOST_CC_CUBIC ? BACKEND_CC_CUBIC :
	    h->tcp.cc == HOST_CC_NEWRENO ? BACKEND_CC_NEWRENO :
	    BACKEND_CC_LINUXRENO;
	t.stack_rx_ns = h->tm.rx_ns;
	t.stack_tx_ns = h->tm.tx_ns;
	t.stack_spread = h->tm.spread;
	return sim_host_add(h->w, h->ifp, &t);
}
