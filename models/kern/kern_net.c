/*
 * Interfaces, queues and IPv4 output (net/if.c, netinet/ip_output.c,
 * net/if_ethersubr.c), just enough for a forwarding firewall.
 */
#include "models/kern/kern_var.h"

static void	if_congestion_clear(void *);

void
kern_net_init(struct vnet *v)
{
	v->vnet_ipintrq.ifq_maxlen = v->vnet_p.ipintrq_max > 0 ?
	    v->vnet_p.ipintrq_max : IFQ_MAXLEN;
	timeout_set(&v->vnet_ipintrq.ifq_congestion_to, if_congestion_clear,
	    &v->vnet_ipintrq);
}

void
kern_net_fini(struct vnet *v)
{
	struct ifnet *ifp;

	ifq_purge(&v->vnet_ipintrq);
	timeout_del(&v->vnet_ipintrq.ifq_congestion_to);
	while ((ifp = TAILQ_FIRST(&v->vnet_ifnet)) != NULL)
		if_detach(ifp);
}

/* net/if.c: if_congestion_clear */
static void
if_congestion_clear(void *arg)
{
	struct ifqueue *ifq = arg;

	ifq->ifq_congestion = 0;
}

/* net/if.c: if_congestion */
void
if_congestion(struct ifqueue *ifq)
{
	if (ifq->ifq_congestion)
		return;
	if (!timeout_initialized(&ifq->ifq_congestion_to))
		timeout_set(&ifq->ifq_congestion_to, if_congestion_clear, ifq);
	ifq->ifq_congestion = 1;
	timeout_add(&ifq->ifq_congestion_to, hz / 100);
}

/* net/if.h: IF_INPUT_ENQUEUE */
int
if_input_enqueue(struct ifqueue *ifq, struct mbuf *m)
{
	if (IF_QFULL(ifq)) {
		IF_DROP(ifq);
		m_freem(m);
		if (!ifq->ifq_congestion)
			if_congestion(ifq);
		return ENOBUFS;
	}
	IF_ENQUEUE(ifq, m);
	return 0;
}

void
ifq_purge(struct ifqueue *ifq)
{
	struct mbuf *m;

	for (;;) {
		IF_DEQUEUE(ifq, m);
		if (m == NULL)
			break;
		m_freem(m);
	}
}

/* net/if.c: if_attach */
void
if_attach(struct ifnet *ifp)
{
	struct vnet *v = curvnet;

	KASSERT(v != NULL);
	ifp->if_vnet = v;
	ifp->if_index = ++v->vnet_if_index;
	if (ifp->if_snd.ifq_maxlen == 0)
		ifp->if_snd.ifq_maxlen = IFQ_MAXLEN;
	TAILQ_INSERT_TAIL(&v->vnet_ifnet, ifp, if_list);
}

/* net/if.c: if_detach */
void
if_detach(struct ifnet *ifp)
{
	struct vnet *v = ifp->if_vnet;

	if (v == NULL)
		return;
	TAILQ_REMOVE(&v->vnet_ifnet, ifp, if_list);
	ifq_purge(&ifp->if_snd);
	ifp->if_vnet = NULL;
}

/* net/if.c: ifunit */
struct ifnet *
ifunit(const char *name)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &curvnet->vnet_ifnet, if_list)
		if (strcmp(ifp->if_xname, name) == 0)
			return ifp;
	return NULL;
}

struct ifnet *
if_byiface(const struct iface *ifc)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &curvnet->vnet_ifnet, if_list)
		if (ifp->if_iface == ifc)
			return ifp;
	return NULL;
}

/* net/if.c: ifpromisc (the model accepts what the segment delivers) */
int
ifpromisc(struct ifnet *ifp, int pswitch)
{
	(void)ifp;
	(void)pswitch;
	return 0;
}

/* netinet/in.c: in_addmulti (no IGMP; the segment floods groups) */
struct in_multi *
in_addmulti(struct in_addr *ap, struct ifnet *ifp)
{
	struct in_multi *inm;

	inm = kern_malloc(sizeof(*inm), M_IPMADDR, M_NOWAIT | M_ZERO);
	if (inm == NULL)
		return NULL;
	inm->inm_addr = *ap;
	inm->inm_ifp = ifp;
	inm->inm_refcount = 1;
	return inm;
}

/* netinet/in.c: in_delmulti */
void
in_delmulti(struct in_multi *inm)
{
	kern_free(inm, M_IPMADDR);
}

/* netinet/in_cksum.c: in_cksum over the mbuf's data */
u_int16_t
m_in_cksum(struct mbuf *m, int len)
{
	if (len > m->m_len)
		panic("in_cksum: out of data (%d > %d)", len, m->m_len);
	return in_cksum((const void *)m->m_data, (uint32_t)len);
}

/* netinet/in4_cksum.c: in4_cksum */
int
in4_cksum(struct mbuf *m, u_int8_t nxt, int off, int len)
{
	struct ip *ip = mtod(m, struct ip *);

	if (off < 0 || len < 0 || off + len > m->m_len)
		panic("in4_cksum: out of data (%d + %d > %d)", off, len,
		    m->m_len);
	if (nxt == 0)
		return in_cksum((const void *)(m->m_data + off),
		    (uint32_t)len);
	return in4_l4_cksum(ntohl(ip->ip_src.s_addr),
	    ntohl(ip->ip_dst.s_addr), nxt, m->m_data + off, (uint32_t)len);
}

static int
ip_output_drop(struct mbuf *m, const char *reason, int error)
{
	m_freem(m);
	kern_drop(reason);
	curvnet->vnet_stats.ip_output_errors++;
	return error;
}

/* net/if_ethersubr.c: ether_output + IFQ_ENQUEUE + if_start */
int
kern_ether_output(struct ifnet *ifp, struct mbuf *m, const u_int8_t *dmac)
{
	struct vnet *v = curvnet;
	struct ether_header *eh;
	struct pkt *p;
	int qlen, sync, mcast, len;

	if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING))
		return ip_output_drop(m, "if_down", ENETDOWN);
	qlen = (int)ifp->if_outstep;
	if (ifp->if_iface != NULL)
		qlen += (int)iface_txq_len(ifp->if_iface);
	ifp->if_snd.ifq_len = qlen;
	if (ifp->if_snd.ifq_maxlen > 0 && qlen >= ifp->if_snd.ifq_maxlen) {
		IF_DROP(&ifp->if_snd);
		return ip_output_drop(m, "ifq", ENOBUFS);
	}
	sync = m->m_len >= (int)sizeof(struct ip) &&
	    mtod(m, struct ip *)->ip_p == IPPROTO_PFSYNC;
	mcast = (m->m_flags & (M_MCAST | M_BCAST)) != 0;
	len = m->m_pkthdr.len;
	if ((p = m_topkt(m, ETHER_HDR_LEN)) == NULL) {
		kern_drop("no_hdr_room");
		v->vnet_stats.ip_output_errors++;
		return ENOBUFS;
	}
	eh = (struct ether_header *)p->data;
	memcpy(eh->ether_dhost, dmac, ETHER_ADDR_LEN);
	if (ifp->if_iface != NULL)
		memcpy(eh->ether_shost, ifp->if_iface->mac, ETHER_ADDR_LEN);
	else
		memset(eh->ether_shost, 0, ETHER_ADDR_LEN);
	eh->ether_type = htons(ETHERTYPE_IP);
	if (sync)
		p->flags |= PKT_F_SYNC;
	ifp->if_opackets++;
	ifp->if_obytes += (u_int64_t)len + ETHER_HDR_LEN;
	if (mcast)
		ifp->if_omcasts++;
	v->vnet_stats.frames_queued++;
	kern_cpu_output(v, ifp, p);
	return 0;
}

/*
 * netinet/ip_output.c: ip_output. No options, no IPsec, no fragmentation,
 * no multicast loopback (XXX), static ARP through the engine's segment.
 */
int
ip_output(struct mbuf *m, void *opt, void *ro, int flags,
    struct ip_moptions *imo, void *inp)
{
	struct vnet *v = curvnet;
	struct ip *ip;
	struct ifnet *ifp = NULL;
	const struct route *rt;
	struct iface *nh;
	u_int8_t dmac[ETHER_ADDR_LEN];
	u_int32_t dst, nexthop;
	int hlen, r;

	(void)opt;
	(void)ro;
	(void)inp;
	v->vnet_stats.ip_output_calls++;
	kern_charge(KC_IP_OUTPUT, 1);
	if (m->m_len < (int)sizeof(struct ip))
		return ip_output_drop(m, "ip_output_short", EINVAL);
	ip = mtod(m, struct ip *);
	if ((flags & (IP_FORWARDING | IP_RAWOUTPUT)) == 0) {
		ip->ip_v = IPVERSION;
		ip->ip_off &= htons(IP_DF);
		ip->ip_id = htons(ip_randomid());
		ip->ip_hl = sizeof(struct ip) >> 2;
	}
	hlen = ip->ip_hl << 2;
	dst = ip->ip_dst.s_addr;

	if (IN_MULTICAST(dst)) {
		m->m_flags |= M_MCAST;
		if (imo != NULL) {
			ip->ip_ttl = imo->imo_multicast_ttl;
			ifp = imo->imo_multicast_ifp;
		} else
			ip->ip_ttl = 1;	/* IP_DEFAULT_MULTICAST_TTL */
		if (ifp == NULL && v->vnet_node != NULL &&
		    (rt = node_route(v->vnet_node, ntohl(dst))) != NULL)
			ifp = if_byiface(rt->ifp);
		if (ifp == NULL)
			return ip_output_drop(m, "noroute", EHOSTUNREACH);
		ether_multicast_mac(ntohl(dst), dmac);
	} else if (dst == INADDR_BROADCAST) {
		if (!(flags & IP_ALLOWBROADCAST))
			return ip_output_drop(m, "broadcast", EACCES);
		m->m_flags |= M_BCAST;
		if (imo == NULL || (ifp = imo->imo_multicast_ifp) == NULL)
			return ip_output_drop(m, "noroute", EHOSTUNREACH);
		memset(dmac, 0xff, sizeof(dmac));
	} else {
		if (v->vnet_node == NULL ||
		    (rt = node_route(v->vnet_node, ntohl(dst))) == NULL ||
		    (ifp = if_byiface(rt->ifp)) == NULL)
			return ip_output_drop(m, "noroute", EHOSTUNREACH);
		nexthop = rt->gw != 0 ? rt->gw : ntohl(dst);
		if ((nh = segment_find_addr(rt->ifp->seg, nexthop)) == NULL)
			return ip_output_drop(m, "noarp", EHOSTUNREACH);
		memcpy(dmac, nh->mac, sizeof(dmac));
	}
	if (ip->ip_src.s_addr == INADDR_ANY)
		ip->ip_src.s_addr = ifp->if_addr;

	/* pf OUT on the sending interface; the hook counts its drops. */
	if (v->vnet_pf_test != NULL) {
		r = v->vnet_pf_test(PF_OUT, ifp, &m, NULL);
		if (r != PF_PASS) {
			m_freem(m);
			v->vnet_stats.ip_output_errors++;
			return EHOSTUNREACH;
		}
		if (m == NULL)
			return 0;	/* consumed: deferred by pfsync */
		ip = mtod(m, struct ip *);
		hlen = ip->ip_hl << 2;
	}

	if (ntohs(ip->ip_len) > ifp->if_mtu)
		return ip_output_drop(m, "mtu", EMSGSIZE);	/* XXX no frag */
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum(ip, (uint32_t)hlen);
	return kern_ether_output(ifp, m, dmac);
}
