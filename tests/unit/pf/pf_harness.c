/*
 * Test harness for pf; see pf_harness.h.
 */
#include "pf_harness.h"

static void
pfh_trace(void *arg, simtime_t now_ns, const struct pf_badstate *bs,
    const char *l1, const char *l2)
{
	struct pfh *h = arg;

	h->ntrace++;
	h->bs = *bs;
	h->trace_ns = now_ns;
	strlcpy(h->line1, l1, sizeof(h->line1));
	strlcpy(h->line2, l2, sizeof(h->line2));
}

int
pfh_init(struct pfh *h, const char *rules, u_int32_t limit)
{
	int i;

	memset(h, 0, sizeof(*h));
	pfsync_stub_reset();
	h->w = world_create(7, 0, 0);
	h->q = h->w->q;
	h->pool = h->w->pool;
	h->v = kern_vnet_create(h->w, NULL, 7, "fwT", NULL);
	if (h->q == NULL || h->pool == NULL || h->v == NULL)
		return (-1);
	curvnet = h->v;
	for (i = 0; i < PFH_NIFS; i++) {
		snprintf(h->ifp[i].if_xname, IFNAMSIZ, "em%d", i);
		h->ifp[i].if_type = IFT_ETHER;
		h->ifp[i].if_flags = IFF_UP | IFF_RUNNING;
		h->ifp[i].if_mtu = 1500;
		if_attach(&h->ifp[i]);
	}
	if (pf_attach_text(h->v, rules, limit, h->err, sizeof(h->err)) != 0)
		return (-1);
	pfsync_stub_attach();
	pf_set_trace(h->v, pfh_trace, h);
	return (0);
}

void
pfh_fini(struct pfh *h)
{
	int i;

	curvnet = h->v;
	if (h->last_m != NULL)
		m_freem(h->last_m);
	pfsync_stub_reset();
	pf_detach(h->v);
	for (i = 0; i < PFH_NIFS; i++)
		if_detach(&h->ifp[i]);
	kern_vnet_destroy(h->v);
	world_destroy(h->w);
	curvnet = NULL;
}

struct pfh_pkt
pfh_tcp(u_int32_t src, u_int16_t sport, u_int32_t dst, u_int16_t dport,
    u_int32_t seq, u_int32_t ack, u_int8_t flags, u_int16_t win,
    u_int32_t len)
{
	struct pfh_pkt p;

	memset(&p, 0, sizeof(p));
	p.proto = IPPROTO_TCP;
	p.src = src;
	p.sport = sport;
	p.dst = dst;
	p.dport = dport;
	p.seq = seq;
	p.ack = ack;
	p.flags = flags;
	p.win = win;
	p.len = len;
	p.wscale = -1;
	return (p);
}

/* Write the L4 header of p at b; returns its length. */
static u_int32_t
pfh_l4(const struct pfh_pkt *p, u_int8_t *b)
{
	u_int8_t proto = p->proto ? p->proto : IPPROTO_TCP;

	switch (proto) {
	case IPPROTO_TCP: {
		struct tcp_hdr	*th = (struct tcp_hdr *)b;
		u_int32_t	 hl = 20;

		memset(th, 0, 20);
		th->sport = htons(p->sport);
		th->dport = htons(p->dport);
		th->seq = htonl(p->seq);
		th->ack = htonl(p->ack);
		th->flags = p->flags;
		th->win = htons(p->win);
		if (p->wscale >= 0) {
			/* NOP, WSCALE(3, shift) */
			b[20] = TCPOPT_NOP;
			b[21] = TCPOPT_WINDOW;
			b[22] = 3;
			b[23] = (u_int8_t)p->wscale;
			hl += 4;
		}
		th->off = (u_int8_t)((hl / 4) << 4);
		return (hl);
	}
	case IPPROTO_UDP: {
		struct udp_hdr *uh = (struct udp_hdr *)b;

		uh->sport = htons(p->sport);
		uh->dport = htons(p->dport);
		uh->len = htons(8 + p->len);
		uh->sum = 0;
		return (8);
	}
	case IPPROTO_ICMP: {
		u_int32_t n = 8;

		memset(b, 0, 8);
		b[0] = p->icmp_type;
		b[1] = p->icmp_code;
		if (p->inner == NULL) {
			b[4] = p->echo_id >> 8;
			b[5] = p->echo_id & 0xff;
		} else {
			/* the offending packet's IP header + 8 bytes */
			struct ip4_hdr *ih = (struct ip4_hdr *)(b + 8);
			u_int8_t l4[64];

			memset(ih, 0, 20);
			ih->vhl = 0x45;
			ih->len = htons(20 + 20 + p->inner->len);
			ih->ttl = 64;
			ih->p = p->inner->proto ? p->inner->proto :
			    IPPROTO_TCP;
			ih->src = htonl(p->inner->src);
			ih->dst = htonl(p->inner->dst);
			pfh_l4(p->inner, l4);
			memcpy(b + 28, l4, 8);
			n += 28;
		}
		return (n);
	}
	default:
		return (0);
	}
}

static struct mbuf *
pfh_mbuf(struct pfh *h, const struct pfh_pkt *p)
{
	static const u_int8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct pkt	*pk = pkt_alloc(h->pool);
	u_int8_t	*l4;
	u_int32_t	 l4len;
	struct ip4_hdr	*ih;

	if (pk == NULL)
		return (NULL);
	l4 = pk->data + ETHER_HDR_LEN + 20;
	l4len = pfh_l4(p, l4);
	memset(l4 + l4len, 0xab, p->len);
	frame_ip4(pk, mac, mac, p->src, p->dst,
	    p->proto ? p->proto : IPPROTO_TCP, 64, h->ipid++,
	    l4len + p->len);
	if (p->ipopts) {
		/* four NOP option bytes: header length 6 words */
		ih = pkt_ip(pk);
		memmove(l4 + 4, l4, l4len + p->len);
		memset(l4, 1, 4);
		ih->vhl = 0x46;
		ih->len = htons(ntohs(ih->len) + 4);
		pk->len += 4;
		ip4_fix_cksum(ih);
	}
	return (m_frompkt(pk, ETHER_HDR_LEN));
}

int
pfh_test(struct pfh *h, int dir, int ifidx, const struct pfh_pkt *p,
    int *consumed)
{
	struct mbuf	*m;
	int		 action, s;

	curvnet = h->v;
	if (h->last_m != NULL) {
		m_freem(h->last_m);
		h->last_m = NULL;
	}
	m = pfh_mbuf(h, p);
	if (m == NULL)
		return (-1);
	s = splsoftnet();
	action = pf_test(dir, &h->ifp[ifidx], &m, NULL);
	splx(s);
	if (consumed != NULL)
		*consumed = m == NULL;
	if (m != NULL)
		h->last_m = m;
	return (action);
}

int
pfh_forward(struct pfh *h, int ifin, int ifout, const struct pfh_pkt *p)
{
	struct mbuf	*m;
	int		 action, s;

	curvnet = h->v;
	if (h->last_m != NULL) {
		m_freem(h->last_m);
		h->last_m = NULL;
	}
	if ((m = pfh_mbuf(h, p)) == NULL)
		return (-1);
	s = splsoftnet();
	action = pf_test(PF_IN, &h->ifp[ifin], &m, NULL);
	if (action == PF_PASS && m != NULL)
		action = pf_test(PF_OUT, &h->ifp[ifout], &m, NULL);
	splx(s);
	if (m != NULL)
		h->last_m = m;
	return (action);
}

void
pfh_advance(struct pfh *h, simtime_t ns)
{
	ev_run(h->q, ev_now(h->q) + ns);
	curvnet = h->v;
}

struct pf_state *
pfh_state(struct pfh *h, u_int8_t proto, u_int32_t src, u_int16_t sport,
    u_int32_t dst, u_int16_t dport)
{
	struct pf_state_key_cmp	 key;
	struct pf_state_key	*sk;
	struct pf_state_item	*si;

	curvnet = h->v;
	memset(&key, 0, sizeof(key));
	key.af = AF_INET;
	key.proto = proto;
	key.addr[0].addr32[0] = htonl(src);
	key.addr[1].addr32[0] = htonl(dst);
	key.port[0] = htons(sport);
	key.port[1] = htons(dport);
	sk = RB_FIND(pf_state_tree, &V_pf_statetbl,
	    (struct pf_state_key *)&key);
	if (sk == NULL)
		return (NULL);
	TAILQ_FOREACH(si, &sk->states, entry)
		if (si->s->timeout != PFTM_UNLINKED)
			return (si->s);
	return (NULL);
}
