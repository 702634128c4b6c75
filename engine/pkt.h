/*
 * Packet buffers: fixed-size, from a free-list pool owned by the world.
 * No malloc per packet in steady state: the pool grows in slabs until its
 * limit, then pkt_alloc fails (counted) and the caller drops.
 *
 * A packet holds one whole Ethernet frame (no FCS) in buf, starting at
 * data, with PKT_HEADROOM bytes in front so headers can be prepended.
 */
#ifndef ENGINE_PKT_H
#define ENGINE_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "simtime.h"

#define PKT_HEADROOM	130	/* 128 + ETHER_ALIGN: IP headers land 4-aligned */
#define PKT_MAXFRAME	2048	/* MCLBYTES: largest frame a packet holds */
#define PKT_BUFSZ	(PKT_HEADROOM + PKT_MAXFRAME + 16)	/* + alignment slack */

struct pkt_pool;

struct pkt {
	struct pkt	*next;		/* queue link; NULL when not queued */
	uint8_t		*data;		/* frame start (Ethernet header) */
	uint32_t	 len;		/* frame length in bytes */
	uint32_t	 flow;		/* flow id + 1 for accounting, 0 = none */
	uint32_t	 flags;		/* the models' marks: the engine clears
					 * them at alloc, copies them on clone
					 * and never reads them */
	simtime_t	 t_sent;	/* when the source handed it to the net */
	simtime_t	 t_arrive;	/* engine: when it reaches the far port */
	void		*rcvif;		/* receiving interface (struct iface *) */
	struct pkt_pool	*pool;
	uint8_t		 buf[PKT_BUFSZ];
};

/* limit = most packets alive at once; 0 = unlimited. NULL on failure. */
struct pkt_pool	*pkt_pool_create(size_t limit);
void		 pkt_pool_destroy(struct pkt_pool *);
/* A fresh packet with len 0 and data at the headroom; NULL when exhausted. */
struct pkt	*pkt_alloc(struct pkt_pool *);
void		 pkt_free(struct pkt *);
/* A copy of p (data, len, flow, flags, t_sent); NULL when exhausted. */
struct pkt	*pkt_clone(const struct pkt *p);
size_t		 pkt_pool_inuse(const struct pkt_pool *);
size_t		 pkt_pool_peak(const struct pkt_pool *);
uint64_t	 pkt_pool_failures(const struct pkt_pool *);
uint64_t	 pkt_pool_mallocs(const struct pkt_pool *);

/* A FIFO of packets with an optional length limit (0 = unlimited). */
struct pktq {
	struct pkt	*head, *tail;
	uint32_t	 len;
	uint32_t	 limit;
};

static inline void
pktq_init(struct pktq *q, uint32_t limit)
{
	q->head = q->tail = NULL;
	q->len = 0;
	q->limit = limit;
}

static inline int
pktq_full(const struct pktq *q)
{
	return q->limit != 0 && q->len >= q->limit;
}

static inline void
pktq_put(struct pktq *q, struct pkt *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->len++;
}

static inline struct pkt *
pktq_get(struct pktq *q)
{
	struct pkt *p = q->head;

	if (p) {
		q->head = p->next;
		if (q->head == NULL)
			q->tail = NULL;
		p->next = NULL;
		q->len--;
	}
	return p;
}

void	pktq_purge(struct pktq *);

#endif
