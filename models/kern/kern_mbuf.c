/*
 * mbuf-lite (kern/uipc_mbuf.c, uipc_mbuf2.c): one mbuf header from the
 * vnet's pool over one engine packet buffer. See kern.h for the layout.
 */
#include "models/kern/kern_var.h"

int
kern_mbuf_init(struct vnet *v)
{
	pool_init(&v->vnet_mbpool, sizeof(struct mbuf), 0, 0, 0, "mbpl",
	    NULL);
	if (v->vnet_p.nmbclust > 0)
		pool_sethardlimit(&v->vnet_mbpool, (u_int)v->vnet_p.nmbclust,
		    NULL, 0);
	return 0;
}

void
kern_mbuf_fini(struct vnet *v)
{
	pool_destroy(&v->vnet_mbpool);
}

static struct mbuf *
mbuf_alloc(void)
{
	struct vnet *v = curvnet;
	struct mbuf *m;

	m = pool_get(&v->vnet_mbpool, PR_NOWAIT | PR_ZERO);
	if (m == NULL) {
		v->vnet_stats.mbuf_alloc_fail++;
		return NULL;
	}
	m->m_pool = &v->vnet_mbpool;
	m->m_type = MT_DATA;
	m->m_flags = M_PKTHDR;
	return m;
}

/* kern/uipc_mbuf.c: m_gethdr. m_data starts PKT_HEADROOM bytes into the
 * buffer, so a link header always fits in front. The buffer holds a
 * cluster's worth, but M_EXT is only set by MCLGET/MCLGETI, as in the
 * kernel, for callers that test it. */
struct mbuf *
m_gethdr(int how, int type)
{
	struct mbuf *m;
	struct pkt *p;

	(void)how;
	if ((m = mbuf_alloc()) == NULL)
		return NULL;
	if ((p = pkt_alloc(curvnet->vnet_pktpool)) == NULL) {
		curvnet->vnet_stats.mbuf_alloc_fail++;
		pool_put(m->m_pool, m);
		return NULL;
	}
	m->m_type = (short)type;
	m->m_pkt = p;
	/* pfsim: ETHER_ALIGN, so an IP header built here is 4-aligned
	 * (p->data is where a received frame's Ethernet header goes). */
	m->m_data = (caddr_t)p->data + 2;
	m->m_len = 0;
	m->m_pkthdr.len = 0;
	return m;
}

struct mbuf *
m_frompkt(struct pkt *p, int off)
{
	struct mbuf *m;
	size_t mis;

	KASSERT(off >= 0 && (uint32_t)off <= p->len);
	if ((m = mbuf_alloc()) == NULL) {
		pkt_free(p);
		return NULL;
	}
	/* ETHER_ALIGN: put the IP header on a 4-byte boundary, as drivers
	 * do by receiving 2 bytes into the cluster (struct ip needs it). */
	mis = (uintptr_t)(p->data + off) & 3;
	if (mis != 0 && (size_t)(p->data - p->buf) >= mis) {
		memmove(p->data - mis, p->data, p->len);
		p->data -= mis;
	}
	m->m_pkt = p;
	m->m_data = (caddr_t)p->data + off;
	m->m_len = m->m_pkthdr.len = (int)(p->len - (uint32_t)off);
	m->m_flags |= M_EXT;	/* a receive cluster */
	return m;
}

struct pkt *
m_topkt(struct mbuf *m, int hdrlen)
{
	struct pkt *p = m->m_pkt;
	uint8_t *start = (uint8_t *)m->m_data - hdrlen;

	m->m_pkt = NULL;
	if (start < p->buf || (size_t)(start - p->buf) + (size_t)hdrlen +
	    (size_t)m->m_len > PKT_BUFSZ) {
		pool_put(m->m_pool, m);
		pkt_free(p);
		return NULL;
	}
	p->data = start;
	p->len = (uint32_t)(hdrlen + m->m_len);
	if (m->m_pkthdr.pf.flags & PF_TAG_GENERATED)
		p->flags |= PKT_F_PFGEN;
	else
		p->flags &= ~PKT_F_PFGEN;
	pool_put(m->m_pool, m);
	return p;
}

int
m_leadingspace(const struct mbuf *m)
{
	return (int)((uint8_t *)m->m_data - m->m_pkt->buf) - ETHER_HDR_LEN;
}

int
m_trailingspace(const struct mbuf *m)
{
	return (int)((m->m_pkt->buf + PKT_BUFSZ) -
	    ((uint8_t *)m->m_data + m->m_len));
}

/* kern/uipc_mbuf.c: m_free */
struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *n = m->m_next;

	if (m->m_pkt != NULL)
		pkt_free(m->m_pkt);
	pool_put(m->m_pool, m);
	return n;
}

/* kern/uipc_mbuf.c: m_freem */
void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

/* kern/uipc_mbuf2.c: m_pulldown */
struct mbuf *
m_pulldown(struct mbuf *m, int off, int len, int *offp)
{
	KASSERT(m != NULL && m->m_next == NULL);
	if (off < 0 || len < 0 || len > MCLBYTES ||
	    off + len > m->m_pkthdr.len) {
		m_freem(m);
		return NULL;
	}
	/* A mbuf-lite is contiguous: the data is already at off. */
	KASSERT(offp != NULL || off == 0);
	if (offp != NULL)
		*offp = off;
	return m;
}

/* kern/uipc_mbuf.c: m_pullup */
struct mbuf *
m_pullup(struct mbuf *m, int len)
{
	if (len > m->m_len) {
		m_freem(m);
		return NULL;
	}
	return m;
}

/* kern/uipc_mbuf.c: m_copydata */
void
m_copydata(struct mbuf *m, int off, int len, caddr_t cp)
{
	if (off < 0 || len < 0)
		panic("m_copydata: off %d, len %d", off, len);
	if (off + len > m->m_len)
		panic("m_copydata: null mbuf (off %d + len %d > %d)", off,
		    len, m->m_len);
	memcpy(cp, m->m_data + off, (size_t)len);
}

/* kern/uipc_mbuf.c: m_copyback */
void
m_copyback(struct mbuf *m, int off, int len, const void *cp)
{
	int room = m->m_len + m_trailingspace(m);

	if (off < 0 || len < 0)
		panic("m_copyback: off %d, len %d", off, len);
	if (off >= room)
		return;
	if (off + len > room)
		len = room - off;	/* XXX the kernel would chain */
	if (off > m->m_len)
		memset(m->m_data + m->m_len, 0, (size_t)(off - m->m_len));
	memcpy(m->m_data + off, cp, (size_t)len);
	if (off + len > m->m_len)
		m->m_len = m->m_pkthdr.len = off + len;
}

/* kern/uipc_mbuf.c: m_adj */
void
m_adj(struct mbuf *m, int req_len)
{
	int n;

	if (m == NULL)
		return;
	if (req_len >= 0) {
		n = MIN(req_len, m->m_len);
		m->m_data += n;
		m->m_len -= n;
	} else {
		n = MIN(-req_len, m->m_len);
		m->m_len -= n;
	}
	m->m_pkthdr.len = m->m_len;
}

/* kern/uipc_mbuf.c: m_copym2 (a deep copy of [off, off + len)) */
struct mbuf *
m_copym2(struct mbuf *m, int off, int len, int wait)
{
	struct mbuf *n;

	if (len == M_COPYALL)
		len = m->m_len - off;
	if (off < 0 || len < 0 || off + len > m->m_len)
		panic("m_copym2: off %d, len %d", off, len);
	if ((n = m_gethdr(wait, m->m_type)) == NULL)
		return NULL;
	n->m_data += (uint8_t *)m->m_data - m->m_pkt->data > 0 ?
	    (uint8_t *)m->m_data - m->m_pkt->data : 0;
	if (len > m_trailingspace(n)) {
		m_freem(n);
		return NULL;
	}
	memcpy(n->m_data, m->m_data + off, (size_t)len);
	n->m_len = n->m_pkthdr.len = len;
	n->m_flags = m->m_flags;
	n->m_pkthdr.rcvif = m->m_pkthdr.rcvif;
	n->m_pkthdr.pf = m->m_pkthdr.pf;
	n->m_pkt->flow = m->m_pkt->flow;
	n->m_pkt->t_sent = m->m_pkt->t_sent;
	return n;
}
