/* Nodes, interfaces, segments, routes and frame delivery (see net.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "net.h"

static void	port_start(struct port *);
static void	port_wire(struct port *, const struct pkt *, simtime_t);
static void	port_tx_done(void *);
static void	port_arrive(void *);
static void	port_arrive_late(void *);
static void	seg_down_ev(void *);

struct world *
world_create(uint64_t seed, size_t pkt_limit, size_t ev_limit)
{
	struct world *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->be = &backend_builtin;
	w->seed = seed;
	w->q = ev_queue_create();
	w->pool = pkt_pool_create(pkt_limit);
	if (w->q == NULL || w->pool == NULL) {
		world_destroy(w);
		return NULL;
	}
	ev_queue_set_limit(w->q, ev_limit);
	return w;
}

void
world_destroy(struct world *w)
{
	int i, j;

	if (w == NULL)
		return;
	if (w->be->destroy != NULL)
		w->be->destroy(w);
	/* The queue first: it still points at events inside the ports. */
	ev_queue_destroy(w->q);
	w->q = NULL;
	for (i = 0; i < w->nsegs; i++) {
		struct segment *s = w->segs[i];

		for (j = 0; j < s->nports; j++) {
			pktq_purge(&s->ports[j]->txq);
			pktq_purge(&s->ports[j]->flight);
			pktq_purge(&s->ports[j]->late);
			free(s->ports[j]);
		}
		free(s);
	}
	for (i = 0; i < w->nnodes; i++) {
		for (j = 0; j < w->nodes[i]->nifs; j++)
			free(w->nodes[i]->ifs[j]);
		free(w->nodes[i]);
	}
	pkt_pool_destroy(w->pool);
	free(w);
}

struct segment *
segment_create(struct world *w, const char *name, const struct seg_params *p)
{
	struct segment *s;
	char stream[64];

	if (w->nsegs == (int)(sizeof(w->segs) / sizeof(w->segs[0])))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->world = w;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->p = *p;
	if (s->p.mtu == 0)
		s->p.mtu = 1500;
	s->up = true;
	snprintf(stream, sizeof(stream), "net.%s", name);
	rng_init(&s->rng, w->seed, stream);
	ev_init(&s->down_ev, seg_down_ev, s, NULL);
	w->segs[w->nsegs++] = s;
	return s;
}

struct node *
node_create(struct world *w, const char *name, const char *kind)
{
	struct node *n;

	if (w->nnodes == (int)(sizeof(w->nodes) / sizeof(w->nodes[0])))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->world = w;
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->kind = kind;
	n->id = w->nnodes;
	w->nodes[w->nnodes++] = n;
	return n;
}

bool
node_is(const struct node *n, const char *kind)
{
	return n != NULL && n->kind != NULL && strcmp(n->kind, kind) == 0;
}

struct iface *
iface_create(struct node *n, const char *ifname, struct segment *s,
    uint32_t addr, uint8_t plen)
{
	struct iface *ifp;
	struct port *pt;
	int segidx;

	if (n->nifs == NODE_MAXIF ||
	    s->nports == (int)(sizeof(s->ports) / sizeof(s->ports[0])))
		return NULL;
	ifp = calloc(1, sizeof(*ifp));
	pt = calloc(1, sizeof(*pt));
	if (ifp == NULL || pt == NULL) {
		free(ifp);
		free(pt);
		return NULL;
	}
	for (segidx = 0; segidx < n->world->nsegs; segidx++)
		if (n->world->segs[segidx] == s)
			break;
	ifp->node = n;
	snprintf(ifp->name, sizeof(ifp->name), "%s", ifname);
	ifp->index = n->nifs;
	/* Locally administered, unique per (node, interface). */
	ifp->mac[0] = 0x02;
	ifp->mac[1] = 0x00;
	ifp->mac[2] = 0x5f;
	ifp->mac[3] = (uint8_t)segidx;
	ifp->mac[4] = (uint8_t)n->id;
	ifp->mac[5] = (uint8_t)n->nifs;
	ifp->addr = addr;
	ifp->plen = plen;
	ifp->mtu = s->p.mtu;
	ifp->up = true;
	ifp->seg = s;
	ifp->port = pt;
	pt->ifp = ifp;
	pt->seg = s;
	pktq_init(&pt->txq, s->p.qlimit);
	pktq_init(&pt->flight, 0);
	pktq_init(&pt->late, 0);
	ev_init(&pt->tx_done, port_tx_done, pt, NULL);
	ev_init(&pt->arrive, port_arrive, pt, NULL);
	ev_init(&pt->arrive_late, port_arrive_late, pt, NULL);
	s->ports[s->nports++] = pt;
	n->ifs[n->nifs++] = ifp;
	if (plen > 0)
		node_add_route(n, addr, plen, 0, ifp);
	return ifp;
}

void
sim_set_input(struct iface *ifp, iface_rx_fn fn, void *arg)
{
	ifp->rx = fn;
	ifp->rx_arg = arg;
}

void
iface_set_tx_tap(struct iface *ifp, iface_tx_fn fn, void *arg)
{
	ifp->tx_tap = fn;
	ifp->tx_arg = arg;
}

uint32_t
iface_txq_len(const struct iface *ifp)
{
	return ifp->port->txq.len;
}

void
iface_set_txq_limit(struct iface *ifp, uint32_t limit)
{
	ifp->port->txq.limit = limit;
}

simtime_t
wire_time_ns(uint64_t rate_bps, uint32_t len)
{
	uint64_t bits;

	if (rate_bps == 0)
		return 0;
	if (len < 60)
		len = 60;
	bits = (uint64_t)(len + 24) * 8;
	/* Round up so back-to-back frames never overlap on the wire. */
	return (simtime_t)((bits * NS_PER_SEC + rate_bps - 1) / rate_bps);
}

static void
seg_count_drop(struct port *pt, uint64_t *portctr, uint64_t *segctr)
{
	(void)pt;
	(*portctr)++;
	(*segctr)++;
}

void
iface_count_down(struct iface *ifp)
{
	seg_count_drop(ifp->port, &ifp->port->st.drop_down,
	    &ifp->seg->st.drop_down);
}

void
iface_count_toolong(struct iface *ifp)
{
	seg_count_drop(ifp->port, &ifp->port->st.drop_toolong,
	    &ifp->seg->st.drop_toolong);
}

int
seg_output(struct world *w, struct iface *ifp, struct pkt *p)
{
	struct port *pt = ifp->port;
	struct segment *s = ifp->seg;

	(void)w;
	if (pktq_full(&pt->txq)) {
		seg_count_drop(pt, &pt->st.drop_queue, &s->st.drop_queue);
		pkt_free(p);
		return ENOBUFS;
	}
	pktq_put(&pt->txq, p);
	if (!pt->busy)
		port_start(pt);
	return 0;
}

/* Random loss, independent or in Gilbert-Elliott bursts. */
static bool
seg_lost(struct segment *s)
{
	double p = s->p.loss, L = s->p.loss_burst;

	if (p <= 0)
		return false;
	if (L <= 1 || p >= 1)
		return rng_uniform(&s->rng) < p;
	/* Two states: bad drops everything, mean stay L frames; good
	 * enters bad with q so that the long-run loss rate is p. */
	if (s->burst_bad) {
		if (rng_uniform(&s->rng) < 1.0 / L)
			s->burst_bad = false;
	} else if (rng_uniform(&s->rng) < p / (L * (1 - p)))
		s->burst_bad = true;
	return s->burst_bad;
}

/* p goes on the wire now: capture, count, tap. */
static void
port_wire(struct port *pt, const struct pkt *p, simtime_t now)
{
	struct segment *s = pt->seg;

	if (pt->ifp->cap)
		capture_write(pt->ifp->cap, pt->ifp->cap_if, now, p->data,
		    p->len);
	pt->st.tx_frames++;
	pt->st.tx_bytes += p->len;
	s->st.tx_frames++;
	s->st.tx_bytes += p->len;
	if (pt->ifp->tx_tap != NULL)
		pt->ifp->tx_tap(pt->ifp, p, pt->ifp->tx_arg);
}

/* Put the head of the transmit queue on the wire. */
static void
port_start(struct port *pt)
{
	struct segment *s = pt->seg;
	struct world *w = s->world;
	simtime_t now = ev_now(w->q), ser, arrive;
	struct pkt *p = pktq_get(&pt->txq);

	if (p == NULL)
		return;
	pt->busy = true;
	ser = wire_time_ns(s->p.rate_bps, p->len);
	port_wire(pt, p, now);
	ev_schedule_bounded(w->q, &pt->tx_done, now + ser);
	if (seg_lost(s)) {
		seg_count_drop(pt, &pt->st.drop_loss, &s->st.drop_loss);
		pkt_free(p);
		return;
	}
	/* A store-and-forward switch sends the frame on only once it is
	 * all in: a second frame time (egress contention not modelled,
	 * XXX). */
	arrive = now + ser + s->p.delay_ns + (s->p.store_forward ? ser : 0);
	if (s->p.jitter_ns > 0)
		arrive += (simtime_t)rng_below(&s->rng,
		    (uint64_t)s->p.jitter_ns);
	/* Jitter never reorders frames of one port. */
	if (arrive < pt->last_arrival)
		arrive = pt->last_arrival;
	pt->last_arrival = arrive;
	p->t_arrive = arrive;
	if (s->p.corrupt > 0 && rng_uniform(&s->rng) < s->p.corrupt &&
	    p->len > s->p.corrupt_off) {
		uint32_t bit = (uint32_t)rng_below(&s->rng,
		    (uint64_t)(p->len - s->p.corrupt_off) * 8);

		p->data[s->p.corrupt_off + bit / 8] ^= (uint8_t)(1 << (bit % 8));
		pt->st.fault_corrupt++;
		s->st.fault_corrupt++;
	}
	if (s->p.dup > 0 && rng_uniform(&s->rng) < s->p.dup) {
		struct pkt *c = pkt_clone(p);

		if (c != NULL) {
			c->t_arrive = arrive;
			pktq_put(&pt->flight, c);
			pt->st.fault_dup++;
			s->st.fault_dup++;
		}
	}
	if (s->p.reorder > 0 && rng_uniform(&s->rng) < s->p.reorder) {
		/* Held back: later frames of this port overtake it. */
		p->t_arrive = arrive + s->p.reorder_ns;
		pktq_put(&pt->late, p);
		pt->st.fault_reorder++;
		s->st.fault_reorder++;
		if (!ev_pending(&pt->arrive_late))
			ev_schedule_bounded(w->q, &pt->arrive_late,
			    pt->late.head->t_arrive);
	} else
		pktq_put(&pt->flight, p);
	if (!ev_pending(&pt->arrive) && pt->flight.head != NULL)
		ev_schedule_bounded(w->q, &pt->arrive,
		    pt->flight.head->t_arrive);
}

static void
port_tx_done(void *arg)
{
	struct port *pt = arg;

	pt->busy = false;
	if (pt->txq.len > 0)
		port_start(pt);
}

static void
port_rx(struct port *pt, struct pkt *p)
{
	struct iface *ifp = pt->ifp;
	struct world *w = pt->seg->world;

	if (!ifp->up) {
		seg_count_drop(pt, &pt->st.drop_down, &pt->seg->st.drop_down);
		pkt_free(p);
		return;
	}
	p->rcvif = ifp;
	pt->st.rx_frames++;
	pt->st.rx_bytes += p->len;
	pt->seg->st.rx_frames++;
	pt->seg->st.rx_bytes += p->len;
	if (ifp->cap && !capture_tx_only(ifp->cap))
		capture_write(ifp->cap, ifp->cap_if, ev_now(w->q), p->data,
		    p->len);
	if (ifp->rx == NULL) {
		pkt_free(p);
		return;
	}
	ev_switch_ctx(w->q, ifp->node->ctx);
	ifp->rx(ifp, p, ifp->rx_arg);
}

void
iface_input(struct iface *ifp, struct pkt *p)
{
	port_rx(ifp->port, p);
}

void
iface_wire(struct iface *ifp, const struct pkt *p)
{
	port_wire(ifp->port, p, ev_now(ifp->node->world->q));
}

static void
seg_deliver(struct port *from, struct pkt *p)
{
	struct segment *s = from->seg;
	const uint8_t *dst = p->data;
	struct port *last = NULL;
	int i;

	if (!s->up) {
		seg_count_drop(from, &from->st.drop_down, &s->st.drop_down);
		pkt_free(p);
		return;
	}
	if (dst[0] & 1) {
		/* Group address: every other port gets a copy. */
		for (i = 0; i < s->nports; i++) {
			struct port *pt = s->ports[i];
			struct pkt *c;

			if (pt == from)
				continue;
			if (last != NULL) {
				c = pkt_clone(p);
				if (c == NULL) {
					seg_count_drop(last,
					    &last->st.drop_queue,
					    &s->st.drop_queue);
				} else
					port_rx(last, c);
			}
			last = pt;
		}
		if (last != NULL)
			port_rx(last, p);
		else
			pkt_free(p);
		return;
	}
	for (i = 0; i < s->nports; i++) {
		if (memcmp(s->ports[i]->ifp->mac, dst, 6) == 0 &&
		    s->ports[i] != from) {
			port_rx(s->ports[i], p);
			return;
		}
	}
	seg_count_drop(from, &from->st.drop_nodest, &s->st.drop_nodest);
	pkt_free(p);
}

static void
port_arrive(void *arg)
{
	struct port *pt = arg;
	struct world *w = pt->seg->world;
	struct pkt *p = pktq_get(&pt->flight);

	if (pt->flight.head != NULL)
		ev_schedule_bounded(w->q, &pt->arrive,
		    pt->flight.head->t_arrive);
	if (p != NULL)
		seg_deliver(pt, p);
}

static void
port_arrive_late(void *arg)
{
	struct port *pt = arg;
	struct world *w = pt->seg->world;
	struct pkt *p = pktq_get(&pt->late);

	if (pt->late.head != NULL)
		ev_schedule_bounded(w->q, &pt->arrive_late,
		    pt->late.head->t_arrive);
	if (p != NULL)
		seg_deliver(pt, p);
}

static void
seg_down_arm(struct segment *s)
{
	int i = s->down_next / 2;

	if (i < s->ndown)
		ev_schedule_bounded(s->world->q, &s->down_ev,
		    s->down_at[i][s->down_next % 2]);
}

static void
seg_down_ev(void *arg)
{
	struct segment *s = arg;

	s->up = (s->down_next % 2) == 1;
	s->down_next++;
	seg_down_arm(s);
}

int
segment_add_down(struct segment *s, simtime_t from, simtime_t to)
{
	if (s->ndown == 8 || to <= from ||
	    (s->ndown > 0 && from < s->down_at[s->ndown - 1][1]))
		return EINVAL;
	s->down_at[s->ndown][0] = from;
	s->down_at[s->ndown][1] = to;
	if (s->ndown++ == 0)
		seg_down_arm(s);
	return 0;
}

struct iface *
segment_find_addr(const struct segment *s, uint32_t addr)
{
	int i;

	for (i = 0; i < s->nports; i++)
		if (s->ports[i]->ifp->addr == addr)
			return s->ports[i]->ifp;
	return NULL;
}

int
node_add_route(struct node *n, uint32_t dst, uint8_t plen, uint32_t gw,
    struct iface *ifp)
{
	uint32_t mask = plen == 0 ? 0 : 0xffffffffU << (32 - plen);

	if (n->nrt == NODE_MAXRT)
		return ENOSPC;
	n->rt[n->nrt].dst = dst & mask;
	n->rt[n->nrt].mask = mask;
	n->rt[n->nrt].gw = gw;
	n->rt[n->nrt].ifp = ifp;
	n->nrt++;
	return 0;
}

const struct route *
node_route(const struct node *n, uint32_t dst)
{
	const struct route *best = NULL;
	int i;

	for (i = 0; i < n->nrt; i++) {
		const struct route *r = &n->rt[i];

		if ((dst & r->mask) != r->dst)
			continue;
		if (best == NULL || r->mask > best->mask ||
		    (r->mask == best->mask && r->gw == 0 && best->gw != 0))
			best = r;
	}
	return best;
}

struct node *
world_find_node(const struct world *w, const char *name)
{
	int i;

	for (i = 0; i < w->nnodes; i++)
		if (strcmp(w->nodes[i]->name, name) == 0)
			return w->nodes[i];
	return NULL;
}
