/*
 * Packet pool: packets come from slabs of 64 and return to a free list.
 * After warm-up a run allocates nothing per packet; the malloc counter
 * lets the benchmark prove it.
 */
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

#define PKT_SLAB	64

struct slab {
	struct slab	*next;
	struct pkt	 pkts[PKT_SLAB];
};

struct pkt_pool {
	struct pkt	*free;
	struct slab	*slabs;
	size_t		 limit, inuse, peak, total;
	uint64_t	 failures, mallocs;
};

struct pkt_pool *
pkt_pool_create(size_t limit)
{
	struct pkt_pool *pp = calloc(1, sizeof(*pp));

	if (pp)
		pp->limit = limit;
	return pp;
}

void
pkt_pool_destroy(struct pkt_pool *pp)
{
	struct slab *s, *n;

	if (pp == NULL)
		return;
	for (s = pp->slabs; s; s = n) {
		n = s->next;
		free(s);
	}
	free(pp);
}

static int
pkt_pool_grow(struct pkt_pool *pp)
{
	struct slab *s = malloc(sizeof(*s));
	int i;

	if (s == NULL)
		return -1;
	pp->mallocs++;
	s->next = pp->slabs;
	pp->slabs = s;
	for (i = PKT_SLAB - 1; i >= 0; i--) {
		s->pkts[i].next = pp->free;
		s->pkts[i].pool = pp;
		pp->free = &s->pkts[i];
	}
	pp->total += PKT_SLAB;
	return 0;
}

struct pkt *
pkt_alloc(struct pkt_pool *pp)
{
	struct pkt *p;

	if ((pp->limit != 0 && pp->inuse >= pp->limit) ||
	    (pp->free == NULL && pkt_pool_grow(pp) != 0)) {
		pp->failures++;
		return NULL;
	}
	p = pp->free;
	pp->free = p->next;
	p->next = NULL;
	p->data = p->buf + PKT_HEADROOM;
	p->len = 0;
	p->flow = 0;
	p->flags = 0;
	p->t_sent = 0;
	p->t_arrive = 0;
	p->rcvif = NULL;
	if (++pp->inuse > pp->peak)
		pp->peak = pp->inuse;
	return p;
}

void
pkt_free(struct pkt *p)
{
	struct pkt_pool *pp;

	if (p == NULL)
		return;
	pp = p->pool;
	p->next = pp->free;
	pp->free = p;
	pp->inuse--;
}

struct pkt *
pkt_clone(const struct pkt *p)
{
	struct pkt *c = pkt_alloc(p->pool);

	if (c == NULL)
		return NULL;
	c->data = c->buf + (p->data - p->buf);
	memcpy(c->data, p->data, p->len);
	c->len = p->len;
	c->flow = p->flow;
	c->flags = p->flags;
	c->t_sent = p->t_sent;
	c->t_arrive = p->t_arrive;
	return c;
}

void
pktq_purge(struct pktq *q)
{
	struct pkt *p;

	while ((p = pktq_get(q)) != NULL)
		pkt_free(p);
}

size_t
pkt_pool_inuse(const struct pkt_pool *pp)
{
	return pp->inuse;
}

size_t
pkt_pool_peak(const struct pkt_pool *pp)
{
	return pp->peak;
}

uint64_t
pkt_pool_failures(const struct pkt_pool *pp)
{
	return pp->failures;
}

uint64_t
pkt_pool_mallocs(const struct pkt_pool *pp)
{
	return pp->mallocs;
}
