/*
 * The firewall's forwarding path: wire -> rx ring -> (interrupt,
 * IPL_NET) -> ipintrq -> (softnet) ipintr -> pf_test IN -> ip_forward or
 * pfsync_input -> ip_output -> if_snd -> fw_nic_transmit -> wire, with
 * the pf hook and the CPU charging of pf's and pfsync's work, and the
 * plugging of all of it into each boot's kernel.
 *
 * XXX the interrupt handler takes the ring as it is when the handler
 *     starts; em(4) loops while ICR is set and may catch a few more.
 * XXX no TX completion interrupts: TX reaping is inside cost.ip_output.
 * XXX if_snd and the TX ring are one queue (ifq, default 511).
 * XXX static ARP (the engine's segment), no ICMP errors, no IP options,
 *     no fragmentation (longer than the MTU: drop "mtu").
 * XXX no local stack: only pfsync (IP protocol 240) is delivered; every
 *     multicast group is accepted without membership checks.
 */
#include <string.h>

#include "models/fw/fw_var.h"
#include "models/pf/pfvar.h"		/* PF_IN, PF_PASS */

static void	fw_nic_assert(void *);
static int	fw_nic_intr(void *);
static int	fw_ipintr(void);
static int	fw_pf_glue(int, struct ifnet *, struct mbuf **,
		    struct ether_header *);
static void	fw_step_hook(void *);

/*
 * Plug NIC i into the current kernel (at every boot): the interface list,
 * an empty rx ring, the interrupt line and its event.
 */
static void
fw_nic_plug(struct fw *fw, int i)
{
	struct fw_nic *nic = &fw->nic[i];
	struct ifnet *ifp = &nic->ifn;

	ifp->if_outstep = 0;
	ifp->if_snd.ifq_len = 0;
	if_attach(ifp);
	pktq_init(&nic->ring, (uint32_t)fw->rx_ring);
	nic->armed = 0;
	nic->last_intr = -NS_PER_SEC;
	/* The ITR timer runs free from power-up: its phase against the
	 * traffic is random (sim.variability, nic.random_phase). */
	if (fw->nic_phase && fw->itr_ns > 0)
		nic->last_intr = sim_now(fw->w) -
		    (simtime_t)rng_below(&fw->nic_rng, (uint64_t)fw->itr_ns);
	ev_init(&nic->intr_ev, fw_nic_assert, nic, fw->v);
	kern_intr_establish(&nic->ih, fw_nic_intr, nic, ifp->if_xname);
}

/* The firewall's part of a boot on curvnet: NICs and softnet hooks. */
void
fw_kern_plug(struct fw *fw)
{
	int i;

	for (i = 0; i < fw->nnic; i++)
		fw_nic_plug(fw, i);
	fw->v->vnet_pf_test = fw_pf_glue;
	fw->v->vnet_step_hook = fw_step_hook;
	fw->v->vnet_step_arg = fw;
	netisr_register_drain(NETISR_IP, fw_ipintr);
	/* New pf and pfsync count from zero. */
	memset(&fw->pfw, 0, sizeof(fw->pfw));
	memset(&fw->psw, 0, sizeof(fw->psw));
}

/* Every frame the kernel sends leaves through here (kern's cpu_emit). */
int
fw_nic_transmit(struct ifnet *ifp, struct pkt *p)
{
	struct fw_nic *nic = ifp->if_softc;

	if (!nic->fw->powered) {
		kern_drop("power_off");
		pkt_free(p);
		return ENETDOWN;
	}
	return sim_output(nic->iface, p);
}

/* ------------------------------------------------------------------ */
/* NIC: rx ring and interrupt mitigation                              */
/* docs/ref/openbsd-kernel-env.md §6                                  */

/*
 * When to assert the interrupt: the delay after the first pending frame
 * (bge-like; 0 for em), cut short once int_frames frames wait, but never
 * sooner than 1/int_rate after the last assertion (em(4) ITR).
 */
static void
fw_nic_arm(struct fw_nic *nic)
{
	struct fw *fw = nic->fw;
	simtime_t now = sim_now(fw->w), at;
	int count_hit = fw->int_frames > 0 &&
	    nic->ring.len >= (uint32_t)fw->int_frames;

	if (nic->armed) {
		if (count_hit && ev_pending(&nic->intr_ev)) {
			at = MAX(now, nic->last_intr + fw->itr_ns);
			if (at < nic->intr_ev.at)
				sim_schedule_bounded(fw->w, &nic->intr_ev,
				    at);
		}
		return;
	}
	nic->armed = 1;
	at = count_hit ? now : now + fw->int_delay;
	at = MAX(at, nic->last_intr + fw->itr_ns);
	/* One event per NIC: exempt from sim.ev_limit, as the ports'. */
	if (sim_schedule_bounded(fw->w, &nic->intr_ev, at) != 0)
		panic("fw: cannot schedule an interrupt");
}

/* A frame reaches the NIC (engine context: the firewall's vnet). */
/* A frame on the wire: pfsync's own are counted apart (the totals). */
void
fw_tx_tap(struct iface *ifc, const struct pkt *p, void *arg)
{
	struct fw_nic *nic = arg;

	(void)ifc;
	if (p->flags & PKT_F_SYNC) {
		nic->tx_sync_frames++;
		nic->tx_sync_bytes += p->len;
	}
}

void
fw_rx(struct iface *ifc, struct pkt *p, void *arg)
{
	struct fw_nic *nic = arg;

	(void)ifc;
	if (!nic->fw->powered) {
		kern_drop("power_off");
		pkt_free(p);
		return;
	}
	if (!(nic->ifn.if_flags & IFF_UP)) {
		kern_drop("if_down");
		pkt_free(p);
		return;
	}
	if (pktq_full(&nic->ring)) {
		nic->ifn.if_ierrors++;
		kern_drop("rx_ring");
		pkt_free(p);
		return;
	}
	pktq_put(&nic->ring, p);
	nic->st.rx_frames++;
	nic->st.rx_bytes += p->len;
	nic->fw->rx_frames++;
	if (nic->ring.len > nic->st.rx_ring_peak)
		nic->st.rx_ring_peak = nic->ring.len;
	fw_nic_arm(nic);
}

static void
fw_nic_assert(void *arg)
{
	struct fw_nic *nic = arg;

	nic->last_intr = sim_now(nic->fw->w);
	kern_intr_raise(&nic->ih);
}

/* if_ethersubr.c: ether_input, for IPv4 into ipintrq */
static void
fw_ether_input(struct fw_nic *nic, struct pkt *p)
{
	struct ifnet *ifp = &nic->ifn;
	struct ether_header *eh = (struct ether_header *)p->data;
	struct mbuf *m;
	int mflags = 0;

	ifp->if_ipackets++;
	ifp->if_ibytes += p->len;
	if (p->len < ETHER_HDR_LEN + sizeof(struct ip) ||
	    ntohs(eh->ether_type) != ETHERTYPE_IP) {
		ifp->if_noproto++;
		kern_drop("not_ip");
		pkt_free(p);
		return;
	}
	if (eh->ether_dhost[0] & 1) {
		static const u_int8_t bcast[ETHER_ADDR_LEN] =
		    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		mflags = memcmp(eh->ether_dhost, bcast, ETHER_ADDR_LEN) == 0 ?
		    M_BCAST : M_MCAST;
		ifp->if_imcasts++;
	} else if (memcmp(eh->ether_dhost, nic->iface->mac,
	    ETHER_ADDR_LEN) != 0) {
		kern_drop("not_mine");
		pkt_free(p);
		return;
	}
	if ((m = m_frompkt(p, ETHER_HDR_LEN)) == NULL) {
		kern_drop("mbuf");
		return;
	}
	m->m_flags |= mflags;
	m->m_pkthdr.rcvif = ifp;
	/* A frame from the wire is not "pf generated" here. */
	m->m_pkthdr.pf.flags &= ~PF_TAG_GENERATED;
	if (if_input_enqueue(&ipintrq, m) != 0) {
		kern_drop("ipintrq");
		return;
	}
	schednetisr(NETISR_IP);
}

/* em(4): em_intr -> em_rxeof: the whole ring at once, no budget. */
static int
fw_nic_intr(void *arg)
{
	struct fw_nic *nic = arg;
	struct pkt *p;

	splassert(IPL_NET);
	nic->armed = 0;
	nic->st.intrs++;
	while ((p = pktq_get(&nic->ring)) != NULL) {
		kern_charge(KC_RX_FRAME, 1);
		fw_ether_input(nic, p);
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Softnet: ipintr, forwarding, local delivery                        */

/* The pf hook: charges the call and counts drops by pf's reason. */
static int
fw_pf_glue(int dir, struct ifnet *ifp, struct mbuf **m0,
    struct ether_header *eh)
{
	struct fw *fw = curvnet->vnet_fw;
	int r;

	kern_charge(KC_PF_TEST, 1);
	if (fw->mods.pf_test == NULL)
		return PF_PASS;		/* the pass-all stub */
	r = fw->mods.pf_test(dir, ifp, m0, eh);
	if (r != PF_PASS)
		kern_drop(fw->mods.pf_drop_reason != NULL ?
		    fw->mods.pf_drop_reason() : "pf_block");
	return r;
}

/* Charge what pf and pfsync report having done since the last step. */
static void
fw_step_hook(void *arg)
{
	struct fw *fw = arg;
	struct fw_pf_work pw;
	struct fw_pfsync_work sw;

	if (fw->mods.pf_work != NULL) {
		memset(&pw, 0, sizeof(pw));
		fw->mods.pf_work(&pw);
		kern_charge(KC_STATE_LOOKUP,
		    pw.state_searches - fw->pfw.state_searches);
		kern_charge(KC_STATE_INSERT,
		    pw.state_inserts - fw->pfw.state_inserts);
		kern_charge(KC_RULE_EVAL, pw.rule_evals - fw->pfw.rule_evals);
		fw->pfw = pw;
	}
	if (fw->mods.pfsync_work != NULL) {
		memset(&sw, 0, sizeof(sw));
		fw->mods.pfsync_work(&sw);
		kern_charge(KC_PFSYNC_PKT_OUT, sw.pkts_out - fw->psw.pkts_out);
		kern_charge(KC_PFSYNC_MSG_OUT, sw.msgs_out - fw->psw.msgs_out);
		kern_charge(KC_PFSYNC_MSG_IN, sw.msgs_in - fw->psw.msgs_in);
		fw->psw = sw;
	}
}

static int
fw_is_local(const struct fw *fw, u_int32_t dst)
{
	int i;

	if (IN_MULTICAST(dst) || dst == INADDR_BROADCAST)
		return 1;
	for (i = 0; i < fw->nnic; i++)
		if (fw->nic[i].ifn.if_addr == dst)
			return 1;
	return 0;
}

/* netinet/ip_input.c: ip_forward */
static void
fw_ip_forward(struct fw *fw, struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	uint64_t sent;

	kern_charge(KC_IP_FORWARD, 1);
	if (ip->ip_ttl <= 1) {
		kern_drop("ttl");	/* XXX no ICMP time exceeded */
		m_freem(m);
		return;
	}
	ip->ip_ttl--;
	sent = curvnet->vnet_stats.frames_queued;
	if (ip_output(m, NULL, NULL, IP_FORWARDING, NULL, NULL) == 0) {
		if (curvnet->vnet_stats.frames_queued != sent)
			fw->forwarded++;
		else
			fw->deferred++;	/* held by pfsync (PF_DEFER) */
	}
}

/* netinet/ip_input.c: ipv4_input, after the queue */
static void
fw_ip_input(struct fw *fw, struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	struct ether_header *eh =
	    (struct ether_header *)m->m_pkt->data;
	struct ip *ip = mtod(m, struct ip *);
	int hlen, len;

	hlen = ip->ip_hl << 2;
	len = ntohs(ip->ip_len);
	if (ip->ip_v != IPVERSION || hlen < (int)sizeof(struct ip) ||
	    hlen > m->m_len || in_cksum(ip, (uint32_t)hlen) != 0 ||
	    len < hlen || len > m->m_len) {
		kern_drop("bad_ip");
		m_freem(m);
		return;
	}
	if (m->m_len > len)
		m_adj(m, len - m->m_len);	/* Ethernet padding */

	if (fw_pf_glue(PF_IN, ifp, &m, eh) != PF_PASS) {
		m_freem(m);
		return;
	}
	if (m == NULL)
		return;
	ip = mtod(m, struct ip *);
	hlen = ip->ip_hl << 2;

	if (!fw_is_local(fw, ip->ip_dst.s_addr)) {
		fw_ip_forward(fw, m);
		return;
	}
	if (ip->ip_p == IPPROTO_PFSYNC && fw->mods.pfsync_input != NULL) {
		fw->local_pfsync++;
		kern_charge(KC_PFSYNC_PKT_IN, 1);
		fw->mods.pfsync_input(m, hlen);
		return;
	}
	kern_drop("local");	/* XXX no local stack */
	m_freem(m);
}

/* netinet/ip_input.c: ipintr, one packet per CPU step */
static int
fw_ipintr(void)
{
	struct fw *fw = curvnet->vnet_fw;
	struct mbuf *m;
	int s;

	splassert(IPL_SOFTNET);
	s = splnet();
	IF_DEQUEUE(&ipintrq, m);
	splx(s);
	if (m == NULL)
		return 0;
	kern_charge(KC_IP_INPUT, 1);
	fw_ip_input(fw, m);
	return 1;
}
