/*
 * The pfsync test bed (see harness.h).
 */
#include "tests/unit/pfsync/harness.h"

/* Always on (NDEBUG builds too). */
#define assert(e) do {							\
	if (!(e)) {							\
		fprintf(stderr, "%s:%d: harness: %s\n", __FILE__,	\
		    __LINE__, #e);					\
		abort();						\
	}								\
} while (0)

static int
tfw_transmit(struct ifnet *ifp, struct pkt *p)
{
	struct tfw *fw = ifp->if_softc;
	struct pkt *c;

	if (fw->ncap < TCAP_MAX && (c = pkt_clone(p)) != NULL) {
		fw->cap[fw->ncap].p = c;
		fw->cap[fw->ncap].t = sim_now(fw->net->w);
		fw->ncap++;
	} else
		fw->ncap_lost++;
	return (sim_output(ifp->if_iface, p));
}

static void
tfw_rx(struct iface *ifc, struct pkt *p, void *arg)
{
	struct tfw *fw = arg;
	struct mbuf *m;

	(void)ifc;
	if ((m = m_frompkt(p, ETHER_HDR_LEN)) == NULL)
		return;
	m->m_pkthdr.rcvif = &fw->ifn;
	if (if_input_enqueue(&ipintrq, m) == 0)
		schednetisr(NETISR_IP);
}

/* netinet/ip_input.c: ipintr, one packet per call (a drain handler) */
static int
tfw_ipintr(void)
{
	struct tfw *fw = curvnet->vnet_fw;
	struct mbuf *m;
	struct ip *ip;

	IF_DEQUEUE(&ipintrq, m);
	if (m == NULL)
		return (0);
	ip = mtod(m, struct ip *);
	if (ip->ip_p == IPPROTO_PFSYNC) {
		fw->rx_sync++;
		if (fw->deliver) {
			pfsync_proto_input(m, ip->ip_hl << 2);
			return (1);
		}
	} else {
		fw->rx_data++;
		fw->rx_data_t = sim_now(fw->net->w);
	}
	m_freem(m);
	return (1);
}

struct tnet *
tnet_create(int n, u_int32_t state_limit, int ifq_maxlen)
{
	struct seg_params sp;
	struct tnet *net;
	struct tfw *fw;
	char name[16], err[256];
	int i;

	assert(n <= TFW_MAX);
	net = calloc(1, sizeof(*net));
	assert(net != NULL);
	net->w = world_create(1, 1000000, 10000000);
	assert(net->w != NULL);
	memset(&sp, 0, sizeof(sp));
	sp.rate_bps = 1000000000ULL;
	sp.delay_ns = 50 * NS_PER_US;
	sp.qlimit = 100000;
	sp.mtu = 1500;
	net->seg = segment_create(net->w, "sync", &sp);
	assert(net->seg != NULL);
	net->nfw = n;
	for (i = 0; i < n; i++) {
		fw = &net->fw[i];
		fw->net = net;
		fw->idx = i;
		fw->deliver = 1;
		snprintf(name, sizeof(name), "fw%c", 'A' + i);
		fw->node = node_create(net->w, name, "firewall");
		assert(fw->node != NULL);
		fw->addr = 0x0a000001 + (u_int32_t)i;	/* 10.0.0.1, ... */
		fw->iface = iface_create(fw->node, "em0", net->seg, fw->addr,
		    24);
		assert(fw->iface != NULL);
		fw->v = kern_vnet_create(net->w, fw->node, 1, name, NULL);
		assert(fw->v != NULL);
		fw->node->ctx = fw->v;
		fw->v->vnet_fw = fw;
		sim_set_input(fw->iface, tfw_rx, fw);

		sim_enter(net->w, fw->v);
		strlcpy(fw->ifn.if_xname, "em0", IFNAMSIZ);
		fw->ifn.if_softc = fw;
		fw->ifn.if_type = IFT_ETHER;
		fw->ifn.if_flags = IFF_UP | IFF_RUNNING | IFF_MULTICAST |
		    IFF_BROADCAST;
		fw->ifn.if_mtu = 1500;
		fw->ifn.if_iface = fw->iface;
		fw->ifn.if_addr = htonl(fw->addr);
		fw->ifn.if_transmit = tfw_transmit;
		fw->ifn.if_snd.ifq_maxlen = ifq_maxlen;
		if_attach(&fw->ifn);
		strlcpy(fw->ifn2.if_xname, "em1", IFNAMSIZ);
		fw->ifn2.if_softc = fw;
		fw->ifn2.if_type = IFT_ETHER;
		fw->ifn2.if_flags = IFF_UP | IFF_RUNNING | IFF_MULTICAST;
		fw->ifn2.if_mtu = 1500;
		if_attach(&fw->ifn2);
		netisr_register_drain(NETISR_IP, tfw_ipintr);

		if (pf_attach_text(fw->v, "pass\n", state_limit, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "pf_attach_text: %s\n", err);
			abort();
		}
	}
	return (net);
}

void
tnet_pfsync(struct tnet *net, int i, const struct pfsync_config *c)
{
	struct pfsync_config cc = *c;
	char err[256];

	if (cc.syncdev[0] == '\0')
		strlcpy(cc.syncdev, "sync", sizeof(cc.syncdev));
	sim_enter(net->w, net->fw[i].v);
	if (pfsync_attach_config(net->fw[i].v, &cc, err, sizeof(err)) != 0) {
		fprintf(stderr, "pfsync_attach_config: %s\n", err);
		abort();
	}
}

void
tfw_cap_clear(struct tfw *fw)
{
	int i;

	for (i = 0; i < fw->ncap; i++)
		pkt_free(fw->cap[i].p);
	fw->ncap = 0;
}

void
tnet_destroy(struct tnet *net)
{
	int i;

	for (i = 0; i < net->nfw; i++) {
		sim_enter(net->w, net->fw[i].v);
		/* every hook ran at the level it asserts */
		if (net->fw[i].v->vnet_stats.splassert_failures != 0) {
			fprintf(stderr, "harness: %llu splassert failures, "
			    "last in %s\n", (unsigned long long)
			    net->fw[i].v->vnet_stats.splassert_failures,
			    net->fw[i].v->vnet_stats.splassert_last_func);
			abort();
		}
		pfsync_detach(net->fw[i].v);
	}
	for (i = 0; i < net->nfw; i++) {
		sim_enter(net->w, net->fw[i].v);
		pf_detach(net->fw[i].v);
	}
	for (i = 0; i < net->nfw; i++) {
		tfw_cap_clear(&net->fw[i]);
		kern_vnet_destroy(net->fw[i].v);
		net->fw[i].node->ctx = NULL;
	}
	world_destroy(net->w);
	free(net);
}

void
tnet_run(struct tnet *net, simtime_t t)
{
	struct vnet *v = curvnet;

	ev_run(net->w->q, t);
	sim_enter(net->w, v);	/* events switched curvnet */
}

simtime_t
tnet_now(struct tnet *net)
{
	return (sim_now(net->w));
}

void
tnet_enter(struct tnet *net, int i)
{
	sim_enter(net->w, net->fw[i].v);
}

struct pf_state *
tstate_new(u_int32_t n)
{
	struct pf_state *st;
	struct pf_state_key *sk;
	int s, rv;

	s = splsoftnet();
	st = pool_get(&V_pf_state_pl, PR_NOWAIT | PR_ZERO);
	sk = pf_alloc_state_key(PR_NOWAIT | PR_ZERO);
	assert(st != NULL && sk != NULL);
	sk->addr[0].v4.s_addr = htonl(0x0a010000 + n);	/* 10.1.x.x */
	sk->addr[1].v4.s_addr = htonl(0x0a020001);	/* 10.2.0.1 */
	sk->port[0] = htons((u_int16_t)(1024 + (n % 60000)));
	sk->port[1] = htons(80);
	sk->af = AF_INET;
	sk->proto = IPPROTO_TCP;

	st->rule.ptr = &V_pf_default_rule;
	V_pf_default_rule.states_cur++;
	V_pf_default_rule.states_tot++;
	st->direction = PF_IN;
	st->timeout = PFTM_TCP_ESTABLISHED;
	st->src.state = TCPS_ESTABLISHED;
	st->dst.state = TCPS_ESTABLISHED;
	st->src.seqlo = 1000 + n;
	st->src.seqhi = 70000 + n;
	st->src.max_win = 65535;
	st->src.wscale = 0x80 | 2;
	st->src.mss = 1460;
	st->dst.seqlo = 5000 + n;
	st->dst.seqhi = 90000 + n;
	st->dst.max_win = 32768;
	st->dst.wscale = 0x80 | 3;
	st->creation = time_second;
	st->expire = time_second;
	st->sync_state = PFSYNC_S_NONE;
	st->packets[0] = 10 + n;
	st->bytes[1] = 0x100000000ULL + n;
	rv = pf_state_insert(V_pfi_all, sk, sk, st);
	assert(rv == 0);
	splx(s);
	return (st);
}

struct pf_state *
tstate_find(u_int64_t id, u_int32_t creatorid)
{
	struct pf_state_cmp key;

	memset(&key, 0, sizeof(key));
	key.id = id;
	key.creatorid = creatorid;
	return (pf_find_state_byid(&key));
}

struct mbuf *
tdata_mbuf(u_int32_t src, u_int32_t dst)
{
	struct mbuf *m;
	struct ip *ip;

	MGETHDR(m, M_DONTWAIT, MT_DATA);
	assert(m != NULL);
	m->m_len = m->m_pkthdr.len = 40;
	memset(m->m_data, 0, 40);
	ip = mtod(m, struct ip *);
	ip->ip_v = IPVERSION;
	ip->ip_hl = 5;
	ip->ip_len = htons(40);
	ip->ip_ttl = 64;
	ip->ip_p = IPPROTO_TCP;
	ip->ip_src.s_addr = htonl(src);
	ip->ip_dst.s_addr = htonl(dst);
	return (m);
}

void
tinput(struct ifnet *ifp, const void *buf, size_t len)
{
	struct mbuf *m;
	int s;

	MGETHDR(m, M_DONTWAIT, MT_DATA);
	assert(m != NULL);
	assert(len <= 2000);
	memcpy(m->m_data, buf, len);
	m->m_len = m->m_pkthdr.len = (int)len;
	m->m_pkthdr.rcvif = ifp;
	s = splsoftnet();
	pfsync_proto_input(m, sizeof(struct ip));
	splx(s);
}
