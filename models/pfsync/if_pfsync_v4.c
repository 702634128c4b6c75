/*	$OpenBSD: if_pfsync.c,v 1.98 2008/06/29 08:42:15 mcbride Exp $	*/

/*
 * Copyright (c) 2002 Michael Shalayeff
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHOR ``AS IS'' AND ANY EXPRESS OR
 * IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES
 * OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED.
 * IN NO EVENT SHALL THE AUTHOR OR HIS RELATIVES BE LIABLE FOR ANY DIRECT,
 * INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
 * (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF MIND, USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT,
 * STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING
 * IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF
 * THE POSSIBILITY OF SUCH DAMAGE.
 */

/*
 * pfsim: the pfsync v4 baseline (if_pfsync.c rev 1.102, the engine the
 * thesis replaced) and the thesis' "v4 + split detection" variant.
 *
 * v4 is a behavioural model reconstructed from the diff's "-" lines and
 * docs/ref/pfsync-v4-baseline.md, keeping 1.102's names and shape:
 * one packet under construction holding messages of ONE action, packed on
 * the fly (pfsync_pack_state), a compressed shadow packet sent instead of
 * the full one when a sync device is set, and a packet leaves on the 1 s
 * timer, when a record reached maxupdates, when the packet is full
 * (sc_maxcount records), on an action switch, at once for CLR and BUS,
 * and after an input packet that asked for updates or was stale.
 *
 * v4-split (pfsync = v4-split) adds what the thesis describes in "Changes
 * To The pfsync v4 Implementation" (code not in the seed): the time of the
 * last update received per state, a state is split when that is less
 * than 4 s ago, a split state's every local update is sent at once as a
 * full UPD, and the packet that creates a state is held until a peer's
 * insert ack (or a timeout) with the INS sent at once.
 *
 * Functions named pfsync_* in 1.102 are pfsync4_* here, so both engines
 * link side by side; each carries its origin.
 *
 * The id line and licence above are rev 1.98's, the last revision before
 * 1.102 whose text could be read; the licence is the same in 1.98 and in
 * 1.110 (UPSTREAM.md).
 */

#include "models/pfsync/pfsync_var.h"

#define PFSYNC_MAX_BULKTRIES	12
/* v4-split: "less than some arbitrary value, 4 in our case" (seed L241) */
#define PFSYNC4_SPLIT_SECS	4
/* v4-split: the hold time and limit are not given; v5's values (XXX) */
#define PFSYNC4_DEFER_TICKS	10
#define PFSYNC4_DEFER_MAX	128

int	pfsync4_pack_state(u_int8_t, struct pf_state *, int);
int	pfsync4_sendout(struct pfsync4_softc *);
int	pfsync4_sendout_mbuf(struct pfsync4_softc *, struct mbuf *);
struct mbuf *pfsync4_get_mbuf(struct pfsync4_softc *, u_int8_t, void **);
void	pfsync4_setmtu(struct pfsync4_softc *, int);
int	pfsync4_request_update(struct pfsync4_state_upd *, struct in_addr *);
void	pfsync4_send_bus(struct pfsync4_softc *, u_int8_t);
void	pfsync4_timeout(void *);
void	pfsync4_bulk_update(void *);
void	pfsync4_bulkfail(void *);
int	pfsync4_pack_iack(struct pf_state *);
void	pfsync4_undefer(struct pfsync4_deferral *, int);
void	pfsync4_deferred(struct pf_state *, int);
void	pfsync4_defer_tmo(void *);

int	pfsync4_in_clr(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_ins(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_upd(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_del(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_upd_c(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_del_c(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_ureq(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_bus(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_tdb_upd(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_iack(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync4_in_error(struct pfsync_pkt *, struct mbuf *, int, int);

int (*pfsync4_acts[])(struct pfsync_pkt *, struct mbuf *, int, int) = {
	pfsync4_in_clr,			/* PFSYNC_ACT_CLR */
	pfsync4_in_ins,			/* PFSYNC_ACT_INS */
	pfsync4_in_upd,			/* PFSYNC_ACT_UPD */
	pfsync4_in_del,			/* PFSYNC_ACT_DEL */
	pfsync4_in_upd_c,		/* PFSYNC_ACT_UPD_C */
	pfsync4_in_del_c,		/* PFSYNC_ACT_DEL_C */
	pfsync4_in_error,		/* PFSYNC_ACT_INS_F */
	pfsync4_in_error,		/* PFSYNC_ACT_DEL_F */
	pfsync4_in_ureq,		/* PFSYNC_ACT_UREQ */
	pfsync4_in_bus,			/* PFSYNC_ACT_BUS */
	pfsync4_in_tdb_upd,		/* PFSYNC_ACT_TDB_UPD */
	pfsync4_in_iack			/* pfsim: v4-split PFSYNC4_ACT_IACK */
};
_Static_assert(nitems(pfsync4_acts) == PFSYNC4_ACT_MAX, "pfsync4_acts");

/*
 * pfsim: pfsync.merge for v4 and v4-split: -1 for seed (1.102's own
 * tests follow), else the policy's failure code (0 = take it whole).
 * v4's pfsync_time means "sent", so the stamp of a partial merge is
 * undone.
 */
static int
pfsync4_merge(struct pf_state *st, struct pfsync_state_peer *src,
    struct pfsync_state_peer *dst)
{
	u_int32_t sent = st->pfsync_time;
	int sfail;

	switch (V_pfsync->pv_conf.merge) {
	case PFSYNC_MERGE_PEER:
		sfail = pfsync_upd_tcp_peer(st, src, dst);
		break;
	case PFSYNC_MERGE_FIELD:
		sfail = pfsync_upd_tcp_field(st, src, dst);
		break;
	default:
		return (-1);
	}
	st->pfsync_time = sent;
	return (sfail);
}

/*
 * pfsim: 1.102's import is v5's pfsync_state_import but for how it
 * marks the new state (PFSYNC_SI_V4, PFSYNC_SI_V4_SPLIT).
 */
static int
pfsync4_state_import(struct pfsync_state *sp, u_int8_t flags)
{
	SET(flags, PFSYNC_SI_V4);
	if (V_pfsync4if->sc_split)
		SET(flags, PFSYNC_SI_V4_SPLIT);
	return (pfsync_state_import(sp, flags));
}

/* pfsim: v4 action -> v5 action number, for the per-action results. */
static const u_int8_t pfsync4_act5[PFSYNC4_ACT_MAX] = {
	PFSYNC_ACT_CLR, PFSYNC_ACT_INS, PFSYNC_ACT_UPD, PFSYNC_ACT_DEL,
	PFSYNC_ACT_UPD_C, PFSYNC_ACT_DEL_C, PFSYNC_ACT_INS_F,
	PFSYNC_ACT_DEL_F, PFSYNC_ACT_UPD_REQ, PFSYNC_ACT_BUS,
	PFSYNC_ACT_TDB, PFSYNC_ACT_INS_ACK
};

/* pfsim: v4 reads its own flags byte; pf's flush marks the v5 bit. */
#define PFSYNC4_NOSYNC(st)						\
	(ISSET((st)->sync_flags, PFSTATE_V4_NOSYNC) ||			\
	ISSET((st)->state_flags, PFSTATE_NOSYNC))

/* if_pfsync.c (1.102): pfsync_clone_create, with SIOCSETPFSYNC's work */
int
pfsync4_attach(const struct pfsync_config *c, const char **keyp, char *err,
    size_t errlen)
{
	struct pfsync4_softc *sc;
	struct ifnet *ifp;
	int s;

	V_pfsync_sync_ok = 1;
	if ((sc = malloc(sizeof(*sc), M_DEVBUF, M_NOWAIT | M_ZERO)) ==
	    NULL) {
		*keyp = "pfsync";
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	sc->sc_mbuf = NULL;
	sc->sc_mbuf_net = NULL;
	sc->sc_statep.s = NULL;
	sc->sc_statep_net.s = NULL;
	sc->sc_maxupdates = 128;
	sc->sc_sync_peer.s_addr = INADDR_PFSYNC_GROUP;
	sc->sc_sendaddr.s_addr = INADDR_PFSYNC_GROUP;
	sc->sc_ureq_received = 0;
	sc->sc_ureq_sent = 0;
	sc->sc_bulk_send_next = NULL;
	sc->sc_bulk_terminator = NULL;
	sc->sc_imo.imo_membership = sc->sc_membership;
	sc->sc_imo.imo_max_memberships = IP_MIN_MEMBERSHIPS;
	ifp = &sc->sc_if;
	snprintf(ifp->if_xname, sizeof ifp->if_xname, "pfsync%d", 0);
	ifp->if_softc = sc;
	ifp->if_type = IFT_PFSYNC;
	ifp->if_snd.ifq_maxlen = ifqmaxlen;
	ifp->if_hdrlen = PFSYNC4_HDRLEN;
	pfsync4_setmtu(sc, ETHERMTU);
	timeout_set(&sc->sc_tmo, pfsync4_timeout, sc);
	timeout_set(&sc->sc_bulk_tmo, pfsync4_bulk_update, sc);
	timeout_set(&sc->sc_bulkfail_tmo, pfsync4_bulkfail, sc);
	if_attach(ifp);

	/* pfsim: v4-split */
	sc->sc_split = c->version == PFSYNC_V4_SPLIT;
	sc->sc_defer = sc->sc_split && c->defer;
	pool_init(&sc->sc_pool, sizeof(struct pfsync4_deferral), 0, 0, 0,
	    "pfsync4", NULL);
	TAILQ_INIT(&sc->sc_deferrals);

	V_pfsync4if = sc;

	/* pfsim: pf.c 1.632 announced deletes only of our own states */
	if (curvnet->vnet_pf != NULL)
		V_pf_sync_delete_own = 1;

	/* ifconfig pfsync0 up mtu M (SIOCSIFFLAGS, SIOCSIFMTU) */
	ifp->if_flags |= IFF_UP | IFF_RUNNING;
	pfsync4_setmtu(sc, c->mtu);

	/* SIOCSETPFSYNC */
	if (c->syncpeer != 0)
		sc->sc_sync_peer.s_addr = c->syncpeer;
	sc->sc_sendaddr.s_addr = sc->sc_sync_peer.s_addr;
	sc->sc_maxupdates = c->maxupdates;
	if (c->syncdev[0] != '\0') {
		if ((sc->sc_sync_ifp = pfsync_find_syncdev(c->syncdev)) ==
		    NULL) {
			*keyp = "pfsync.syncdev";
			snprintf(err, errlen, "no interface of this firewall "
			    "on \"%s\"", c->syncdev);
			return (-1);
		}
		pfsync4_setmtu(sc, sc->sc_if.if_mtu);
	}
	if (sc->sc_sync_ifp &&
	    sc->sc_sync_peer.s_addr == INADDR_PFSYNC_GROUP) {
		struct in_addr addr;

		if (!(sc->sc_sync_ifp->if_flags & IFF_MULTICAST)) {
			sc->sc_sync_ifp = NULL;
			*keyp = "pfsync.syncdev";
			snprintf(err, errlen, "\"%s\" has no multicast",
			    c->syncdev);
			return (-1);
		}
		addr.s_addr = INADDR_PFSYNC_GROUP;
		if ((sc->sc_imo.imo_membership[0] =
		    in_addmulti(&addr, sc->sc_sync_ifp)) == NULL) {
			sc->sc_sync_ifp = NULL;
			*keyp = "pfsync";
			snprintf(err, errlen, "out of memory");
			return (-1);
		}
		sc->sc_imo.imo_num_memberships++;
		sc->sc_imo.imo_multicast_ifp = sc->sc_sync_ifp;
		sc->sc_imo.imo_multicast_ttl = PFSYNC_DFLTTL;
		sc->sc_imo.imo_multicast_loop = 0;
	}

	if ((sc->sc_sync_ifp ||
	    sc->sc_sendaddr.s_addr != INADDR_PFSYNC_GROUP) && c->bulk_on_up) {
		/* Request a full state table update. */
		sc->sc_ureq_sent = time_uptime;
		V_pfsync_sync_ok = 0;
		if (V_pf_status.debug >= PF_DEBUG_MISC)
			printf("pfsync: requesting bulk update\n");
		timeout_add_sec(&sc->sc_bulkfail_tmo, 5);
		s = splnet();
		V_pfsync_st.bulk_req_sent++;	/* pfsim: results */
		V_pfsync_st.bulk_req_ns = kern_now();
		if (pfsync4_request_update(NULL, NULL) != ENOMEM) {
			V_pfsync_txr = PFSYNC_TXR_SWITCH;
			pfsync4_sendout(sc);
		}
		splx(s);
	}
	return (0);
}

/* if_pfsync.c (1.102): pfsync_clone_destroy */
void
pfsync4_detach(void)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct in_multi *inm;
	int s;

	if (sc == NULL)
		return;
	timeout_del(&sc->sc_tmo);
	timeout_del(&sc->sc_bulk_tmo);
	timeout_del(&sc->sc_bulkfail_tmo);
	if_detach(&sc->sc_if);
	s = splsoftnet();
	while (sc->sc_deferred > 0) {
		V_pfsync_st.defer_destroy++;
		pfsync4_undefer(TAILQ_FIRST(&sc->sc_deferrals), 0);
	}
	splx(s);
	if (sc->sc_mbuf != NULL)
		m_freem(sc->sc_mbuf);
	if (sc->sc_mbuf_net != NULL)
		m_freem(sc->sc_mbuf_net);
	while (sc->sc_imo.imo_num_memberships > 0) {
		inm = sc->sc_imo.imo_membership[
		    --sc->sc_imo.imo_num_memberships];
		in_delmulti(inm);
	}
	pool_destroy(&sc->sc_pool);
	free(sc, M_DEVBUF);
	V_pfsync4if = NULL;
}

/* if_pfsync.c (1.102): pfsync_setmtu */
void
pfsync4_setmtu(struct pfsync4_softc *sc, int mtu_req)
{
	int mtu;

	if (sc->sc_sync_ifp && (int)sc->sc_sync_ifp->if_mtu < mtu_req)
		mtu = sc->sc_sync_ifp->if_mtu;
	else
		mtu = mtu_req;

	sc->sc_maxcount = (mtu - sizeof(struct pfsync4_header)) /
	    sizeof(struct pfsync_state);
	if (sc->sc_maxcount > 254)
		sc->sc_maxcount = 254;
	sc->sc_if.if_mtu = sizeof(struct pfsync4_header) +
	    sc->sc_maxcount * sizeof(struct pfsync_state);
}

/* if_pfsync.c (1.102): pfsync_input */
void
pfsync4_input(struct mbuf *m, int iphlen)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync_pkt pkt;
	struct ip *ip = mtod(m, struct ip *);
	struct pfsync4_header *ph;
	int offset;
	int action, count;
	int rv;

	(void)iphlen;
	V_pfsyncstats.pfsyncs_ipackets++;
	V_pfsync->pv_pkts_in++;	/* pfsim: cost glue */

	/* verify that we have a sync interface configured */
	if (!sc || !sc->sc_sync_ifp || !V_pf_status.running)
		goto done;

	/* verify that the packet came in on the right interface */
	if (sc->sc_sync_ifp != m->m_pkthdr.rcvif) {
		V_pfsyncstats.pfsyncs_badif++;
		goto done;
	}
	V_pfsync_st.rx_packets++;	/* pfsim: results */
	V_pfsync_st.rx_bytes += m->m_pkthdr.len;

	/* verify that the IP TTL is 255.  */
	if (ip->ip_ttl != PFSYNC_DFLTTL) {
		V_pfsyncstats.pfsyncs_badttl++;
		goto done;
	}

	offset = ip->ip_hl << 2;
	if (m->m_pkthdr.len < offset + (int)sizeof(*ph)) {
		V_pfsyncstats.pfsyncs_hdrops++;
		goto done;
	}

	if (offset + sizeof(*ph) > (size_t)m->m_len) {
		if ((m = m_pullup(m, offset + sizeof(*ph))) == NULL) {
			V_pfsyncstats.pfsyncs_hdrops++;
			return;
		}
		ip = mtod(m, struct ip *);
	}
	ph = (struct pfsync4_header *)((char *)ip + offset);

	/* verify the version */
	if (ph->version != PFSYNC4_VERSION) {
		V_pfsyncstats.pfsyncs_badver++;
		goto done;
	}

	action = ph->action;
	count = ph->count;

	/* make sure it's a valid action code */
	if (action >= PFSYNC4_ACT_MAX ||
	    (action == PFSYNC4_ACT_IACK && !sc->sc_split)) {
		V_pfsyncstats.pfsyncs_badact++;
		goto done;
	}
	/* pfsim: results; CLR and BUS carry count 0 but one record */
	V_pfsync_st.rx_msgs[pfsync4_act5[action]] +=
	    (action == PFSYNC4_ACT_CLR || action == PFSYNC4_ACT_BUS) ?
	    1 : count;

	/* Cheaper to grab this now than having to mess with mbufs later */
	pkt.ip = ip;
	pkt.src = ip->ip_src;
	pkt.flags = 0;

	if (!bcmp(&ph->pf_chksum, &V_pf_status.pf_chksum,
	    PF_MD5_DIGEST_LENGTH))
		pkt.flags |= PFSYNC_SI_CKSUM;

	offset += sizeof(*ph);
	rv = (*pfsync4_acts[action])(&pkt, m, offset, count);
	if (rv == -1)
		return;

done:
	m_freem(m);
}

/* if_pfsync.c (1.102): pfsync4_in_clr */
int
pfsync4_in_clr(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync4_state_clr *cp;
	struct pf_state_key *sk, *nextsk;
	struct pf_state *st, *nexts;
	struct pf_state_item *si, *nextsi;
	struct mbuf *mp;
	u_int32_t creatorid;
	int offp;
	int s;

	mp = m_pulldown(m, offset, sizeof(*cp), &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	cp = (struct pfsync4_state_clr *)(mp->m_data + offp);
	creatorid = cp->creatorid;

	s = splsoftnet();
	if (cp->ifname[0] == '\0') {
		for (st = RB_MIN(pf_state_tree_id, &V_tree_id); st; st = nexts) {
			nexts = RB_NEXT(pf_state_tree_id, &V_tree_id, st);
			if (st->creatorid == creatorid) {
				st->sync_flags |= PFSTATE_V4_FROMSYNC;
				pf_unlink_state(st);
			}
		}
	} else if ((cp->ifname[IFNAMSIZ - 1] = '\0',	/* pfsim: NUL */
	    pfi_kif_get(cp->ifname)) != NULL) {
		/* XXX correct? */
		for (sk = RB_MIN(pf_state_tree, &V_pf_statetbl);
		    sk; sk = nextsk) {
			nextsk = RB_NEXT(pf_state_tree, &V_pf_statetbl, sk);
			/* pfsim: unlink frees si (and sk, at last) */
			for (si = TAILQ_FIRST(&sk->states); si;
			    si = nextsi) {
				nextsi = TAILQ_NEXT(si, entry);
				if (si->s->creatorid == creatorid) {
					si->s->sync_flags |=
					    PFSTATE_V4_FROMSYNC;
					pf_unlink_state(si->s);
				}
			}
		}
	}
	splx(s);

	return (sizeof(*cp));
}

/* if_pfsync.c (1.102): pfsync4_in_ins */
int
pfsync4_in_ins(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync_state *sp, *spa;
	struct pf_state_cmp id_key;
	struct pf_state *st;
	struct mbuf *mp;
	int len = count * sizeof(*sp);
	int offp;
	int i, acked = 0;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	spa = (struct pfsync_state *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		sp = &spa[i];

		/* check for invalid values */
		if (sp->timeout >= PFTM_MAX ||
		    sp->src.state > PF_TCPS_PROXY_DST ||
		    sp->dst.state > PF_TCPS_PROXY_DST ||
		    sp->direction > PF_OUT ||
		    (sp->af != AF_INET && sp->af != PF_AF_INET6)) {
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync_insert: PFSYNC_ACT_INS: "
				    "invalid value\n");
			V_pfsyncstats.pfsyncs_badval++;
			continue;
		}

		if (pfsync4_state_import(sp, pkt->flags) == ENOMEM) {
			/* drop out */
			break;
		}

		/* pfsim: v4-split: ack an insert whose sender holds a packet */
		if (sc->sc_split && ISSET(sp->state_flags, PFSTATE_ACK)) {
			bcopy(&sp->id, &id_key.id, sizeof(id_key.id));
			id_key.creatorid = sp->creatorid;
			if ((st = pf_find_state_byid(&id_key)) != NULL &&
			    pfsync4_pack_iack(st) == 0)
				acked++;
		}
	}
	if (acked && sc->sc_mbuf != NULL) {
		V_pfsync_txr = PFSYNC_TXR_INPUT;
		pfsync4_sendout(sc);
	}
	splx(s);

	return (len);
}

/*
 * pfsim: v4-split: note that a peer told us about st, for the split
 * test. Any update received counts ("whenever an update to a state is
 * received via the pfsync protocol, we record the time").
 */
static void
pfsync4_received(struct pf_state *st)
{
	if (V_pfsync4if->sc_split)
		PFSYNC4_SET_RTIME(st, time_uptime);
}

/* if_pfsync.c (1.102): pfsync4_in_upd */
int
pfsync4_in_upd(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync_state *sp, *spa;
	struct pf_state_cmp id_key;
	struct pf_state_key *sk;
	struct pf_state *st;
	int stale, sfail;
	int flags;
	struct mbuf *mp;
	int len = count * sizeof(*sp);
	int offp;
	int i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	spa = (struct pfsync_state *)(mp->m_data + offp);

	s = splsoftnet();
	stale = 0;
	for (i = 0; i < count; i++) {
		sp = &spa[i];

		flags = PFSYNC4_FLAG_STALE;

		/* check for invalid values */
		if (sp->timeout >= PFTM_MAX ||
		    sp->src.state > PF_TCPS_PROXY_DST ||
		    sp->dst.state > PF_TCPS_PROXY_DST) {
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync_insert: PFSYNC_ACT_UPD: "
				    "invalid value\n");
			V_pfsyncstats.pfsyncs_badval++;
			continue;
		}

		bcopy(&sp->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = sp->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL) {
			/* insert the update */
			if (pfsync4_state_import(sp, flags))
				V_pfsyncstats.pfsyncs_badstate++;
			continue;
		}
		pfsync4_received(st);
		/* pfsim: v4-split holds packets the v5 way
		 * (docs/ref/pfsync-v5-engine.md §7, R6) */
		if (ISSET(st->state_flags, PFSTATE_ACK)) {
			V_pfsync_st.defer_dropped++;
			pfsync4_deferred(st, 1);
		}
		sk = st->key[PF_SK_WIRE]; /* XXX right one? */
		sfail = 0;
		if (sk->proto == IPPROTO_TCP &&
		    (sfail = pfsync4_merge(st, &sp->src, &sp->dst)) >= 0) {
			/* pfsim: pfsync.merge = peer|field decided */
			if (sfail == 0)
				sfail = -1;	/* taken whole: below */
		} else if (sk->proto == IPPROTO_TCP) {
			sfail = 0;
			/*
			 * The state should never go backwards except
			 * for syn-proxy states.  Neither should the
			 * sequence window slide backwards.
			 */
			if (st->src.state > sp->src.state &&
			    (st->src.state < PF_TCPS_PROXY_SRC ||
			    sp->src.state >= PF_TCPS_PROXY_SRC))
				sfail = 1;
			else if (SEQ_GT(st->src.seqlo, ntohl(sp->src.seqlo)))
				sfail = 3;
			else if (st->dst.state > sp->dst.state) {
				/* There might still be useful
				 * information about the src state here,
				 * so import that part of the update,
				 * then "fail" so we send the updated
				 * state back to the peer who is missing
				 * our what we know. */
				pf_state_peer_ntoh(&sp->src, &st->src);
				/* XXX do anything with timeouts? */
				sfail = 7;
				flags = 0;
			} else if (st->dst.state >= TCPS_SYN_SENT &&
			    SEQ_GT(st->dst.seqlo, ntohl(sp->dst.seqlo)))
				sfail = 4;
		} else {
			/*
			 * Non-TCP protocol state machine always go
			 * forwards
			 */
			if (st->src.state > sp->src.state)
				sfail = 5;
			else if (st->dst.state > sp->dst.state)
				sfail = 6;
		}
		if (sfail > 0) {
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync: %s stale update "
				    "(%d) id: %016llx "
				    "creatorid: %08x\n",
				    (sfail < 7 ?  "ignoring"
				     : "partial"), sfail,
				    (unsigned long long)betoh64(st->id),
				    ntohl(st->creatorid));
			V_pfsyncstats.pfsyncs_stale++;
			V_pfsync_st.stale[sfail]++;	/* pfsim: results */

			if (!(sp->sync_flags & PFSTATE_V4_STALE)) {
				/* we have a better state, send it */
				if (sc->sc_mbuf != NULL && !stale) {
					V_pfsync_txr = PFSYNC_TXR_INPUT;
					pfsync4_sendout(sc);
				}
				stale++;
				if (!st->sync_flags)
					V_pfsync_st.echoes++;	/* pfsim */
				if (!st->sync_flags)
					pfsync4_pack_state(PFSYNC4_ACT_UPD,
					    st, flags);
			}
			continue;
		}
		pfsync_alloc_scrub_memory(&sp->dst, &st->dst);
		pf_state_peer_ntoh(&sp->src, &st->src);
		pf_state_peer_ntoh(&sp->dst, &st->dst);
		st->expire = ntohl(sp->expire) + time_second;
		st->timeout = sp->timeout;
	}
	if (stale && sc->sc_mbuf != NULL) {
		V_pfsync_txr = PFSYNC_TXR_INPUT;
		pfsync4_sendout(sc);
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (1.102): pfsync4_in_del */
int
pfsync4_in_del(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync_state *sp, *spa;
	struct pf_state_cmp id_key;
	struct pf_state *st;
	struct mbuf *mp;
	int len = count * sizeof(*sp);
	int offp;
	int i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	spa = (struct pfsync_state *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		sp = &spa[i];

		bcopy(&sp->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = sp->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL) {
			V_pfsyncstats.pfsyncs_badstate++;
			continue;
		}
		st->sync_flags |= PFSTATE_V4_FROMSYNC;
		pf_unlink_state(st);
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (1.102): pfsync4_in_upd_c */
int
pfsync4_in_upd_c(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_state_upd *up, *upa;
	struct pf_state_cmp id_key;
	struct pf_state_key *sk;
	struct pf_state *st;
	int stale, sfail;
	int update_requested;
	struct mbuf *mp;
	int len = count * sizeof(*up);
	int offp;
	int i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	upa = (struct pfsync4_state_upd *)(mp->m_data + offp);

	s = splnet();
	stale = 0;
	update_requested = 0;
	for (i = 0; i < count; i++) {
		up = &upa[i];

		/* check for invalid values */
		if (up->timeout >= PFTM_MAX ||
		    up->src.state > PF_TCPS_PROXY_DST ||
		    up->dst.state > PF_TCPS_PROXY_DST) {
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync_insert: "
				    "PFSYNC_ACT_UPD_C: "
				    "invalid value\n");
			V_pfsyncstats.pfsyncs_badval++;
			continue;
		}

		bcopy(up->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = up->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL) {
			/* We don't have this state. Ask for it. */
			switch (pfsync4_request_update(up, &pkt->src)) {
			case 0:
				update_requested = 1;
				break;
			case ENOMEM:
				break;
			default:
				V_pfsyncstats.pfsyncs_badstate++;
				break;
			}
			continue;
		}
		pfsync4_received(st);
		if (ISSET(st->state_flags, PFSTATE_ACK)) {
			V_pfsync_st.defer_dropped++;
			pfsync4_deferred(st, 1);
		}
		sk = st->key[PF_SK_WIRE]; /* XXX right one? */
		sfail = 0;
		if (sk->proto == IPPROTO_TCP &&
		    (sfail = pfsync4_merge(st, &up->src, &up->dst)) >= 0) {
			/* pfsim: pfsync.merge = peer|field decided */
			if (sfail == 0)
				sfail = -1;	/* taken whole: below */
		} else if (sk->proto == IPPROTO_TCP) {
			sfail = 0;
			/*
			 * The state should never go backwards except
			 * for syn-proxy states.  Neither should the
			 * sequence window slide backwards.
			 */
			if (st->src.state > up->src.state &&
			    (st->src.state < PF_TCPS_PROXY_SRC ||
			    up->src.state >= PF_TCPS_PROXY_SRC))
				sfail = 1;
			else if (st->dst.state > up->dst.state)
				sfail = 2;
			else if (SEQ_GT(st->src.seqlo, ntohl(up->src.seqlo)))
				sfail = 3;
			else if (st->dst.state >= TCPS_SYN_SENT &&
			    SEQ_GT(st->dst.seqlo, ntohl(up->dst.seqlo)))
				sfail = 4;
		} else {
			/*
			 * Non-TCP protocol state machine always go
			 * forwards
			 */
			if (st->src.state > up->src.state)
				sfail = 5;
			else if (st->dst.state > up->dst.state)
				sfail = 6;
		}
		if (sfail > 0) {
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync: ignoring stale update "
				    "(%d) id: %016llx "
				    "creatorid: %08x\n", sfail,
				    (unsigned long long)betoh64(st->id),
				    ntohl(st->creatorid));
			V_pfsyncstats.pfsyncs_stale++;
			V_pfsync_st.stale[sfail]++;	/* pfsim: results */

			/* we have a better state, send it out */
			if ((!stale || update_requested) &&
			    sc->sc_mbuf != NULL) {
				V_pfsync_txr = PFSYNC_TXR_INPUT;
				pfsync4_sendout(sc);
				update_requested = 0;
			}
			stale++;
			if (!st->sync_flags)
				V_pfsync_st.echoes++;	/* pfsim: results */
			if (!st->sync_flags)
				pfsync4_pack_state(PFSYNC4_ACT_UPD, st,
				    PFSYNC4_FLAG_STALE);
			continue;
		}
		pfsync_alloc_scrub_memory(&up->dst, &st->dst);
		pf_state_peer_ntoh(&up->src, &st->src);
		pf_state_peer_ntoh(&up->dst, &st->dst);
		st->expire = ntohl(up->expire) + time_second;
		st->timeout = up->timeout;
	}
	if ((update_requested || stale) && sc->sc_mbuf) {
		V_pfsync_txr = PFSYNC_TXR_INPUT;
		pfsync4_sendout(sc);
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (1.102): pfsync4_in_del_c */
int
pfsync4_in_del_c(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync4_state_del *dp, *dpa;
	struct pf_state_cmp id_key;
	struct pf_state *st;
	struct mbuf *mp;
	int len = count * sizeof(*dp);
	int offp;
	int i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	dpa = (struct pfsync4_state_del *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		dp = &dpa[i];

		bcopy(dp->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = dp->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL) {
			V_pfsyncstats.pfsyncs_badstate++;
			continue;
		}
		st->sync_flags |= PFSTATE_V4_FROMSYNC;
		pf_unlink_state(st);
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (1.102): pfsync4_in_ureq */
int
pfsync4_in_ureq(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_state_upd_req *rup, *rupa;
	struct pf_state_cmp id_key;
	struct pf_state *st;
	struct mbuf *mp;
	int len = count * sizeof(*rup);
	int offp;
	int i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	rupa = (struct pfsync4_state_upd_req *)(mp->m_data + offp);

	s = splsoftnet();
	if (sc->sc_mbuf != NULL) {
		V_pfsync_txr = PFSYNC_TXR_INPUT;
		pfsync4_sendout(sc);
	}

	for (i = 0; i < count; i++) {
		rup = &rupa[i];

		bcopy(rup->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = rup->creatorid;

		if (id_key.id == 0 && id_key.creatorid == 0) {
			V_pfsync_st.bulk_req_received++; /* pfsim: results */
			sc->sc_ureq_received = time_uptime;
			if (sc->sc_bulk_send_next == NULL)
				sc->sc_bulk_send_next =
				    TAILQ_FIRST(&V_state_list);
			sc->sc_bulk_terminator = sc->sc_bulk_send_next;
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync: received "
				    "bulk update request\n");
			pfsync4_send_bus(sc, PFSYNC_BUS_START);
			timeout_add_sec(&sc->sc_bulk_tmo, 1);
		} else {
			st = pf_find_state_byid(&id_key);
			if (st == NULL) {
				V_pfsyncstats.pfsyncs_badstate++;
				continue;
			}
			if (!st->sync_flags)
				pfsync4_pack_state(PFSYNC4_ACT_UPD, st, 0);
		}
	}

	if (sc->sc_mbuf != NULL) {
		V_pfsync_txr = PFSYNC_TXR_INPUT;
		pfsync4_sendout(sc);
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (1.102): pfsync4_in_bus */
int
pfsync4_in_bus(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_state_bus *bus;
	struct mbuf *mp;
	int offp;
	int limit;

	/* If we're not waiting for a bulk update, who cares. */
	if (sc->sc_ureq_sent == 0)
		return (sizeof(*bus));

	mp = m_pulldown(m, offset, sizeof(*bus), &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	bus = (struct pfsync4_state_bus *)(mp->m_data + offp);

	switch (bus->status) {
	case PFSYNC_BUS_START:
		V_pfsync_st.bulk_start_rcvd++;	/* pfsim: results */
		limit = pfsync_state_limit();
		timeout_add(&sc->sc_bulkfail_tmo,
		    limit / (PFSYNC4_BULKPACKETS * sc->sc_maxcount));
		if (V_pf_status.debug >= PF_DEBUG_MISC)
			printf("pfsync: received bulk "
			    "update start\n");
		break;
	case PFSYNC_BUS_END:
		V_pfsync_st.bulk_end_rcvd++;	/* pfsim: results */
		if (time_uptime - ntohl(bus->endtime) >=
		    sc->sc_ureq_sent) {
			/* that's it, we're happy */
			sc->sc_ureq_sent = 0;
			sc->sc_bulk_tries = 0;
			timeout_del(&sc->sc_bulkfail_tmo);
			V_pfsync_sync_ok = 1;
			V_pfsync_st.bulk_done++;	/* pfsim: results */
			V_pfsync_st.bulk_time_ns = kern_now() -
			    V_pfsync_st.bulk_req_ns;
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync: received valid "
				    "bulk update end\n");
		} else {
			V_pfsync_st.bulk_bad_end++;	/* pfsim: results */
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync: received invalid "
				    "bulk update end: bad timestamp\n");
		}
		break;
	}

	return (sizeof(*bus));
}

/* if_pfsync.c (1.102): pfsync4_in_tdb_upd */
int
pfsync4_in_tdb_upd(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	int len = count * sizeof(struct pfsync_tdb);
	struct mbuf *mp;
	int offp;

	/* pfsim: no IPsec: the records are only checked to be there */
	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}

	return (len);
}

/* pfsim: v4-split: an insert ack releases the held packet */
int
pfsync4_in_iack(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	struct pfsync4_ins_ack *ia, *iaa;
	struct pf_state_cmp id_key;
	struct pf_state *st;
	struct mbuf *mp;
	int len = count * sizeof(*ia);
	int offp, i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	iaa = (struct pfsync4_ins_ack *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		ia = &iaa[i];

		bcopy(ia->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = ia->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL)
			continue;

		if (ISSET(st->state_flags, PFSTATE_ACK)) {
			V_pfsync_st.defer_acked++;
			pfsync4_deferred(st, 0);
		}
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (1.102): pfsync4_in_error */
int
pfsync4_in_error(struct pfsync_pkt *pkt, struct mbuf *m, int offset,
    int count)
{
	V_pfsyncstats.pfsyncs_badact++;	/* pfsim: counted, as v5 does */
	m_freem(m);
	return (-1);
}

/* if_pfsync.c (1.102): pfsync_get_mbuf */
struct mbuf *
pfsync4_get_mbuf(struct pfsync4_softc *sc, u_int8_t action, void **sp)
{
	struct pfsync4_header *h;
	struct mbuf *m;
	int len;

	MGETHDR(m, M_DONTWAIT, MT_DATA);
	if (m == NULL) {
		sc->sc_if.if_oerrors++;
		return (NULL);
	}

	switch (action) {
	case PFSYNC4_ACT_CLR:
		len = sizeof(struct pfsync4_header) +
		    sizeof(struct pfsync4_state_clr);
		break;
	case PFSYNC4_ACT_UPD_C:
		len = (sc->sc_maxcount * sizeof(struct pfsync4_state_upd)) +
		    sizeof(struct pfsync4_header);
		break;
	case PFSYNC4_ACT_DEL_C:
		len = (sc->sc_maxcount * sizeof(struct pfsync4_state_del)) +
		    sizeof(struct pfsync4_header);
		break;
	case PFSYNC4_ACT_UREQ:
		len = (sc->sc_maxcount *
		    sizeof(struct pfsync4_state_upd_req)) +
		    sizeof(struct pfsync4_header);
		break;
	case PFSYNC4_ACT_BUS:
		len = sizeof(struct pfsync4_header) +
		    sizeof(struct pfsync4_state_bus);
		break;
	case PFSYNC4_ACT_IACK:	/* pfsim: v4-split */
		len = (sc->sc_maxcount * sizeof(struct pfsync4_ins_ack)) +
		    sizeof(struct pfsync4_header);
		break;
	default:
		len = (sc->sc_maxcount * sizeof(struct pfsync_state)) +
		    sizeof(struct pfsync4_header);
		break;
	}

	/*
	 * pfsim: mbuf-lite is one contiguous buffer with room for the IP
	 * and link headers in front; 1.102 moved m_data to the end of the
	 * cluster here (MCLGET/MH_ALIGN).
	 */
	if (M_TRAILINGSPACE(m) < len) {
		m_free(m);
		sc->sc_if.if_oerrors++;
		return (NULL);
	}

	m->m_pkthdr.rcvif = NULL;
	m->m_pkthdr.len = m->m_len = sizeof(struct pfsync4_header);
	h = mtod(m, struct pfsync4_header *);
	h->version = PFSYNC4_VERSION;
	h->af = 0;
	h->count = 0;
	h->action = action;
	bcopy(&V_pf_status.pf_chksum, &h->pf_chksum, PF_MD5_DIGEST_LENGTH);

	*sp = (void *)((char *)h + PFSYNC4_HDRLEN);
	timeout_add_sec(&sc->sc_tmo, 1);
	return (m);
}

/* if_pfsync.c (1.102): pfsync_pack_state */
int
pfsync4_pack_state(u_int8_t action, struct pf_state *st, int flags)
{
	struct ifnet *ifp = NULL;
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_header *h, *h_net;
	struct pfsync_state *sp = NULL;
	struct pfsync4_state_upd *up = NULL;
	struct pfsync4_state_del *dp = NULL;
	u_int32_t expire;
	int s, ret = 0;
	u_int8_t i = 255, newaction = 0;

	if (sc == NULL)
		return (0);
	ifp = &sc->sc_if;

	/*
	 * If a packet falls in the forest and there's nobody around to
	 * hear, does it make a sound?
	 */
	if (ifp->if_bpf == NULL && sc->sc_sync_ifp == NULL &&
	    sc->sc_sync_peer.s_addr == INADDR_PFSYNC_GROUP) {
		/* Don't leave any stale pfsync packets hanging around. */
		if (sc->sc_mbuf != NULL) {
			m_freem(sc->sc_mbuf);
			sc->sc_mbuf = NULL;
			sc->sc_statep.s = NULL;
		}
		return (0);
	}

	if (action >= PFSYNC4_ACT_MAX)
		return (EINVAL);

	s = splnet();
	if (sc->sc_mbuf == NULL) {
		if ((sc->sc_mbuf = pfsync4_get_mbuf(sc, action,
		    (void *)&sc->sc_statep.s)) == NULL) {
			splx(s);
			return (ENOMEM);
		}
		h = mtod(sc->sc_mbuf, struct pfsync4_header *);
	} else {
		h = mtod(sc->sc_mbuf, struct pfsync4_header *);
		if (h->action != action) {
			V_pfsync_txr = PFSYNC_TXR_SWITCH; /* pfsim: results */
			pfsync4_sendout(sc);
			if ((sc->sc_mbuf = pfsync4_get_mbuf(sc, action,
			    (void *)&sc->sc_statep.s)) == NULL) {
				splx(s);
				return (ENOMEM);
			}
			h = mtod(sc->sc_mbuf, struct pfsync4_header *);
		} else {
			/*
			 * If it's an update, look in the packet to see if
			 * we already have an update for the state.
			 */
			if (action == PFSYNC4_ACT_UPD && sc->sc_maxupdates) {
				struct pfsync_state *usp =
				    (void *)((char *)h + PFSYNC4_HDRLEN);

				for (i = 0; i < h->count; i++) {
					if (!memcmp(&usp->id, &st->id,
					    PFSYNC_ID_LEN) &&
					    usp->creatorid == st->creatorid) {
						sp = usp;
						sp->updates++;
						break;
					}
					usp++;
				}
			}
		}
	}

	st->pfsync_time = time_uptime;

	if (sp == NULL) {
		/* not a "duplicate" update */
		i = 255;
		sp = sc->sc_statep.s++;
		sc->sc_mbuf->m_pkthdr.len =
		    sc->sc_mbuf->m_len += sizeof(struct pfsync_state);
		h->count++;
		bzero(sp, sizeof(*sp));

		pfsync_state_export(sp, st);

		if (flags & PFSYNC4_FLAG_STALE)
			sp->sync_flags |= PFSTATE_V4_STALE;
	} else {
		pf_state_peer_hton(&st->src, &sp->src);
		pf_state_peer_hton(&st->dst, &sp->dst);

		/* pfsim: 4.5 pf keeps last activity in expire */
		expire = pf_state_expires(st);
		if (expire <= (u_int32_t)time_second)
			sp->expire = htonl(0);
		else
			sp->expire = htonl(expire - time_second);
	}

	/* do we need to build "compressed" actions for network transfer? */
	if (sc->sc_sync_ifp && flags & PFSYNC4_FLAG_COMPRESS) {
		switch (action) {
		case PFSYNC4_ACT_UPD:
			newaction = PFSYNC4_ACT_UPD_C;
			break;
		case PFSYNC4_ACT_DEL:
			newaction = PFSYNC4_ACT_DEL_C;
			break;
		default:
			/* by default we just send the uncompressed states */
			break;
		}
	}

	if (newaction) {
		if (sc->sc_mbuf_net == NULL) {
			if ((sc->sc_mbuf_net = pfsync4_get_mbuf(sc, newaction,
			    (void *)&sc->sc_statep_net.s)) == NULL) {
				splx(s);
				return (ENOMEM);
			}
		}
		h_net = mtod(sc->sc_mbuf_net, struct pfsync4_header *);

		switch (newaction) {
		case PFSYNC4_ACT_UPD_C:
			/*
			 * pfsim: 1.102 assumes the shadow has a record at
			 * the same index; guard the index.
			 */
			if (i != 255 && i < h_net->count) {
				up = (void *)((char *)h_net +
				    PFSYNC4_HDRLEN + (i * sizeof(*up)));
				up->updates++;
			} else {
				h_net->count++;
				sc->sc_mbuf_net->m_pkthdr.len =
				    sc->sc_mbuf_net->m_len += sizeof(*up);
				up = sc->sc_statep_net.u++;

				bzero(up, sizeof(*up));
				bcopy(&st->id, up->id, sizeof(up->id));
				up->creatorid = st->creatorid;
			}
			up->timeout = st->timeout;
			up->expire = sp->expire;
			up->src = sp->src;
			up->dst = sp->dst;
			break;
		case PFSYNC4_ACT_DEL_C:
			sc->sc_mbuf_net->m_pkthdr.len =
			    sc->sc_mbuf_net->m_len += sizeof(*dp);
			dp = sc->sc_statep_net.d++;
			h_net->count++;

			bzero(dp, sizeof(*dp));
			bcopy(&st->id, dp->id, sizeof(dp->id));
			dp->creatorid = st->creatorid;
			break;
		}
	}

	if (h->count == sc->sc_maxcount ||
	    (sc->sc_maxupdates && (sp->updates >= sc->sc_maxupdates))) {
		/* pfsim: results */
		V_pfsync_txr = h->count == sc->sc_maxcount ?
		    PFSYNC_TXR_FULL : PFSYNC_TXR_MAXUPD;
		ret = pfsync4_sendout(sc);
	}

	splx(s);
	return (ret);
}

/* pfsim: v4-split: queue an insert ack for st (like a v4 message) */
int
pfsync4_pack_iack(struct pf_state *st)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_header *h;
	struct pfsync4_ins_ack *ia;

	if (sc->sc_mbuf != NULL) {
		h = mtod(sc->sc_mbuf, struct pfsync4_header *);
		if (h->action != PFSYNC4_ACT_IACK) {
			V_pfsync_txr = PFSYNC_TXR_SWITCH;
			pfsync4_sendout(sc);
		}
	}
	if (sc->sc_mbuf == NULL && (sc->sc_mbuf = pfsync4_get_mbuf(sc,
	    PFSYNC4_ACT_IACK, (void *)&sc->sc_statep.a)) == NULL)
		return (ENOMEM);
	h = mtod(sc->sc_mbuf, struct pfsync4_header *);
	sc->sc_mbuf->m_pkthdr.len = sc->sc_mbuf->m_len += sizeof(*ia);
	h->count++;
	ia = sc->sc_statep.a++;
	bzero(ia, sizeof(*ia));
	bcopy(&st->id, ia->id, sizeof(ia->id));
	ia->creatorid = st->creatorid;
	if (h->count == sc->sc_maxcount) {
		V_pfsync_txr = PFSYNC_TXR_FULL;
		pfsync4_sendout(sc);
	}
	return (0);
}

/* if_pfsync.c (1.102): pfsync_request_update */
/* This must be called in splnet() */
int
pfsync4_request_update(struct pfsync4_state_upd *up, struct in_addr *src)
{
	struct pfsync4_header *h;
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_state_upd_req *rup;
	int ret = 0;

	if (sc == NULL)
		return (0);

	if (sc->sc_mbuf == NULL) {
		if ((sc->sc_mbuf = pfsync4_get_mbuf(sc, PFSYNC4_ACT_UREQ,
		    (void *)&sc->sc_statep.s)) == NULL)
			return (ENOMEM);
		h = mtod(sc->sc_mbuf, struct pfsync4_header *);
	} else {
		h = mtod(sc->sc_mbuf, struct pfsync4_header *);
		if (h->action != PFSYNC4_ACT_UREQ) {
			V_pfsync_txr = PFSYNC_TXR_SWITCH; /* pfsim: results */
			pfsync4_sendout(sc);
			if ((sc->sc_mbuf = pfsync4_get_mbuf(sc,
			    PFSYNC4_ACT_UREQ, (void *)&sc->sc_statep.s)) ==
			    NULL)
				return (ENOMEM);
			h = mtod(sc->sc_mbuf, struct pfsync4_header *);
		}
	}

	if (src != NULL)
		sc->sc_sendaddr = *src;
	sc->sc_mbuf->m_pkthdr.len = sc->sc_mbuf->m_len += sizeof(*rup);
	h->count++;
	rup = sc->sc_statep.r++;
	bzero(rup, sizeof(*rup));
	if (up != NULL) {
		bcopy(up->id, rup->id, sizeof(rup->id));
		rup->creatorid = up->creatorid;
		V_pfsync_st.upd_req_sent++;	/* pfsim: results */
	}

	if (h->count == sc->sc_maxcount) {
		V_pfsync_txr = PFSYNC_TXR_FULL;	/* pfsim: results */
		ret = pfsync4_sendout(sc);
	}

	return (ret);
}

/* if_pfsync.c (1.102): pfsync_clear_states */
void
pfsync4_clear_states(u_int32_t creatorid, const char *ifname)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_state_clr *cp;
	int s;

	if (sc == NULL)
		return;

	s = splnet();
	if (sc->sc_mbuf != NULL) {
		V_pfsync_txr = PFSYNC_TXR_SWITCH;	/* pfsim: results */
		pfsync4_sendout(sc);
	}
	if ((sc->sc_mbuf = pfsync4_get_mbuf(sc, PFSYNC4_ACT_CLR,
	    (void *)&sc->sc_statep.c)) == NULL) {
		splx(s);
		return;
	}
	sc->sc_mbuf->m_pkthdr.len = sc->sc_mbuf->m_len += sizeof(*cp);
	cp = sc->sc_statep.c;
	bzero(cp, sizeof(*cp));	/* pfsim: deterministic bytes */
	cp->creatorid = creatorid;
	if (ifname != NULL)
		strlcpy(cp->ifname, ifname, IFNAMSIZ);

	V_pfsync_txr = PFSYNC_TXR_PLUS;	/* pfsim: results */
	pfsync4_sendout(sc);
	splx(s);
}

/* if_pfsync.c (1.102): pfsync_timeout */
void
pfsync4_timeout(void *v)
{
	struct pfsync4_softc *sc = v;
	int s;

	V_pfsync_tmos++;
	s = splnet();
	V_pfsync_txr = PFSYNC_TXR_TIMER;	/* pfsim: results */
	pfsync4_sendout(sc);
	V_pfsync_txr = PFSYNC_TXR_OTHER;
	splx(s);
}

/* if_pfsync.c (1.102): pfsync_send_bus */
/* This must be called in splnet() */
void
pfsync4_send_bus(struct pfsync4_softc *sc, u_int8_t status)
{
	struct pfsync4_state_bus *bus;

	if (sc->sc_mbuf != NULL) {
		V_pfsync_txr = PFSYNC_TXR_SWITCH;	/* pfsim: results */
		pfsync4_sendout(sc);
	}

	if (V_pfsync_sync_ok &&
	    (sc->sc_mbuf = pfsync4_get_mbuf(sc, PFSYNC4_ACT_BUS,
	    (void *)&sc->sc_statep.b)) != NULL) {
		sc->sc_mbuf->m_pkthdr.len = sc->sc_mbuf->m_len += sizeof(*bus);
		bus = sc->sc_statep.b;
		bzero(bus, sizeof(*bus));	/* pfsim: deterministic bytes */
		bus->creatorid = V_pf_status.hostid;
		bus->status = status;
		bus->endtime = htonl(time_uptime - sc->sc_ureq_received);
		/* pfsim: results */
		if (status == PFSYNC_BUS_START)
			V_pfsync_st.bulk_start_sent++;
		else
			V_pfsync_st.bulk_end_sent++;
		V_pfsync_txr = PFSYNC_TXR_PLUS;
		pfsync4_sendout(sc);
	}
}

/* if_pfsync.c (1.102): pfsync_bulk_update */
void
pfsync4_bulk_update(void *v)
{
	struct pfsync4_softc *sc = v;
	int s, i = 0;
	struct pf_state *state;

	s = splnet();
	if (sc->sc_mbuf != NULL) {
		V_pfsync_txr = PFSYNC_TXR_BULK;	/* pfsim: results */
		pfsync4_sendout(sc);
	}

	/*
	 * Grab at most PFSYNC_BULKPACKETS worth of states which have not
	 * been sent since the latest request was made.
	 */
	state = sc->sc_bulk_send_next;
	if (state)
		do {
			/* send state update if syncable and not already sent */
			if (!state->sync_flags
			    && state->timeout < PFTM_MAX
			    && state->pfsync_time <= sc->sc_ureq_received) {
				pfsync4_pack_state(PFSYNC4_ACT_UPD, state, 0);
				i++;
				V_pfsync_st.bulk_states_sent++;	/* pfsim */
			}

			/* figure next state to send */
			state = TAILQ_NEXT(state, entry_list);

			/* wrap to start of list if we hit the end */
			if (!state)
				state = TAILQ_FIRST(&V_state_list);
		} while (i < sc->sc_maxcount * PFSYNC4_BULKPACKETS &&
		    state != sc->sc_bulk_terminator);

	if (!state || state == sc->sc_bulk_terminator) {
		/* we're done */
		pfsync4_send_bus(sc, PFSYNC_BUS_END);
		sc->sc_ureq_received = 0;
		sc->sc_bulk_send_next = NULL;
		sc->sc_bulk_terminator = NULL;
		timeout_del(&sc->sc_bulk_tmo);
		if (V_pf_status.debug >= PF_DEBUG_MISC)
			printf("pfsync: bulk update complete\n");
	} else {
		/* look again for more in a bit */
		timeout_add(&sc->sc_bulk_tmo, 1);
		sc->sc_bulk_send_next = state;
	}
	if (sc->sc_mbuf != NULL) {
		V_pfsync_txr = PFSYNC_TXR_BULK;	/* pfsim: results */
		pfsync4_sendout(sc);
	}
	splx(s);
}

/* if_pfsync.c (1.102): pfsync_bulkfail */
void
pfsync4_bulkfail(void *v)
{
	struct pfsync4_softc *sc = v;
	int s, error;

	if (sc->sc_bulk_tries++ < PFSYNC_MAX_BULKTRIES) {
		/* Try again in a bit */
		timeout_add_sec(&sc->sc_bulkfail_tmo, 5);
		s = splnet();
		V_pfsync_st.bulk_retries++;	/* pfsim: results */
		V_pfsync_st.bulk_req_sent++;
		error = pfsync4_request_update(NULL, NULL);
		if (error == ENOMEM) {
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync: cannot allocate mbufs for "
				    "bulk update\n");
		} else {
			V_pfsync_txr = PFSYNC_TXR_SWITCH;
			pfsync4_sendout(sc);
		}
		splx(s);
	} else {
		/* Pretend like the transfer was ok */
		sc->sc_ureq_sent = 0;
		sc->sc_bulk_tries = 0;
		V_pfsync_sync_ok = 1;
		V_pfsync_st.bulk_gave_up++;	/* pfsim: results */
		if (V_pf_status.debug >= PF_DEBUG_MISC)
			printf("pfsync: failed to receive "
			    "bulk update status\n");
		timeout_del(&sc->sc_bulkfail_tmo);
	}
}

/* if_pfsync.c (1.102): pfsync_sendout */
/* This must be called in splnet() */
int
pfsync4_sendout(struct pfsync4_softc *sc)
{
	struct mbuf *m;

	timeout_del(&sc->sc_tmo);

	if (sc->sc_mbuf == NULL) {
		V_pfsync_txr = PFSYNC_TXR_OTHER;
		return (0);
	}
	m = sc->sc_mbuf;
	sc->sc_mbuf = NULL;
	sc->sc_statep.s = NULL;

	if (sc->sc_mbuf_net) {
		m_freem(m);
		m = sc->sc_mbuf_net;
		sc->sc_mbuf_net = NULL;
		sc->sc_statep_net.s = NULL;
	}

	return pfsync4_sendout_mbuf(sc, m);
}

/* if_pfsync.c (1.102): pfsync_sendout_mbuf */
int
pfsync4_sendout_mbuf(struct pfsync4_softc *sc, struct mbuf *m)
{
	struct pfsync4_header *h;
	struct ip *ip;

	if (sc->sc_sync_ifp ||
	    sc->sc_sync_peer.s_addr != INADDR_PFSYNC_GROUP) {
		/* pfsim: results, by action */
		h = mtod(m, struct pfsync4_header *);
		V_pfsync_st.tx_msgs[pfsync4_act5[h->action]] +=
		    (h->action == PFSYNC4_ACT_CLR ||
		    h->action == PFSYNC4_ACT_BUS) ? 1 : h->count;

		M_PREPEND(m, (int)sizeof(struct ip), M_DONTWAIT);
		if (m == NULL) {
			V_pfsyncstats.pfsyncs_onomem++;
			return (0);
		}
		ip = mtod(m, struct ip *);
		ip->ip_v = IPVERSION;
		ip->ip_hl = sizeof(*ip) >> 2;
		ip->ip_tos = IPTOS_LOWDELAY;
		ip->ip_len = htons(m->m_pkthdr.len);
		ip->ip_id = htons(ip_randomid());
		ip->ip_off = htons(IP_DF);
		ip->ip_ttl = PFSYNC_DFLTTL;
		ip->ip_p = IPPROTO_PFSYNC;
		ip->ip_sum = 0;

		ip->ip_src.s_addr = INADDR_ANY;

		if (sc->sc_sendaddr.s_addr == INADDR_PFSYNC_GROUP)
			m->m_flags |= M_MCAST;
		ip->ip_dst = sc->sc_sendaddr;
		sc->sc_sendaddr.s_addr = sc->sc_sync_peer.s_addr;

		V_pfsyncstats.pfsyncs_opackets++;
		sc->sc_if.if_opackets++;
		sc->sc_if.if_obytes += m->m_pkthdr.len;
		pfsync_count_tx(m);	/* pfsim: results */

		if (ip_output(m, NULL, NULL, IP_RAWOUTPUT, &sc->sc_imo, NULL))
			V_pfsyncstats.pfsyncs_oerrors++;
	} else {
		V_pfsync_txr = PFSYNC_TXR_OTHER;
		m_freem(m);
	}

	return (0);
}

/* ------------------------------------------------------------------ */
/* The pf hooks (if_pfsync.h 1.35 macros, and v4-split's additions)    */

/* if_pfsync.h (1.35): pfsync_insert_state */
void
pfsync4_insert_state(struct pf_state *st)
{
	if ((st->rule.ptr->rule_flag & PFRULE_NOSYNC) ||
	    (st->key[PF_SK_WIRE]->proto == IPPROTO_PFSYNC))
		st->sync_flags |= PFSTATE_V4_NOSYNC;
	else if (!st->sync_flags && !PFSYNC4_NOSYNC(st))
		pfsync4_pack_state(PFSYNC4_ACT_INS, st,
		    PFSYNC4_FLAG_COMPRESS);
	st->sync_flags &= ~PFSTATE_V4_FROMSYNC;
}

/* if_pfsync.h (1.35): pfsync_update_state, plus v4-split */
void
pfsync4_update_state(struct pf_state *st)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	u_int32_t rtime;

	/* pfsim: v4-split holds packets the v5 way */
	if (ISSET(st->state_flags, PFSTATE_ACK)) {
		V_pfsync_st.defer_local++;
		pfsync4_deferred(st, 0);
	}

	if (!st->sync_flags && !PFSYNC4_NOSYNC(st)) {
		/*
		 * pfsim: v4-split: a state a peer updated less than 4 s ago
		 * is split; send our update now, as a full UPD in a packet
		 * of its own (pending messages leave first).
		 */
		rtime = PFSYNC4_RTIME(st);
		if (sc->sc_split && rtime != 0 &&
		    (u_int32_t)time_uptime - rtime < PFSYNC4_SPLIT_SECS) {
			if (sc->sc_mbuf != NULL) {
				V_pfsync_txr = PFSYNC_TXR_SWITCH;
				pfsync4_sendout(sc);
			}
			pfsync4_pack_state(PFSYNC4_ACT_UPD, st, 0);
			V_pfsync_upds++;
			V_pfsync_txr = PFSYNC_TXR_SPLIT;
			pfsync4_sendout(sc);
		} else
			pfsync4_pack_state(PFSYNC4_ACT_UPD, st,
			    PFSYNC4_FLAG_COMPRESS);
	}
	st->sync_flags &= ~PFSTATE_V4_FROMSYNC;
}

/* if_pfsync.h (1.35): pfsync_delete_state */
void
pfsync4_delete_state(struct pf_state *st)
{
	if (ISSET(st->state_flags, PFSTATE_ACK)) {
		V_pfsync_st.defer_dropped++;
		pfsync4_deferred(st, 1);
	}
	if (!st->sync_flags && !PFSYNC4_NOSYNC(st))
		pfsync4_pack_state(PFSYNC4_ACT_DEL, st,
		    PFSYNC4_FLAG_COMPRESS);
}

/* pfsim: v4-split: hold the packet that created st, send the INS now */
int
pfsync4_defer(struct pf_state *st, struct mbuf *m)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_deferral *pd;
	struct pfsync4_header *h;
	struct pfsync_state *sp;
	int i;

	if (sc == NULL || !sc->sc_defer)
		return (0);

	if (sc->sc_deferred >= PFSYNC4_DEFER_MAX) {
		V_pfsync_st.defer_overflow++;
		pfsync4_undefer(TAILQ_FIRST(&sc->sc_deferrals), 0);
	}
	if ((pd = pool_get(&sc->sc_pool, PR_NOWAIT)) == NULL) {
		V_pfsync_st.defer_nomem++;
		return (0);
	}
	sc->sc_deferred++;
	V_pfsync_st.defer_held++;

	m->m_pkthdr.pf.flags |= PF_TAG_GENERATED;
	SET(st->state_flags, PFSTATE_ACK);
	pd->pd_st = st;
	pd->pd_m = m;
	TAILQ_INSERT_TAIL(&sc->sc_deferrals, pd, pd_entry);
	timeout_set(&pd->pd_tmo, pfsync4_defer_tmo, pd);
	timeout_add(&pd->pd_tmo, PFSYNC4_DEFER_TICKS);

	/* the INS was packed by the insert hook: ask for an ack, send now */
	if (sc->sc_mbuf != NULL) {
		h = mtod(sc->sc_mbuf, struct pfsync4_header *);
		if (h->action == PFSYNC4_ACT_INS) {
			sp = (struct pfsync_state *)((char *)h +
			    PFSYNC4_HDRLEN);
			for (i = 0; i < h->count; i++, sp++)
				if (sp->id == st->id &&
				    sp->creatorid == st->creatorid)
					sp->state_flags |= PFSTATE_ACK;
			V_pfsync_txr = PFSYNC_TXR_SPLIT;
			pfsync4_sendout(sc);
		}
	}
	return (1);
}

/* pfsim: v4-split: release (send) or drop a held packet */
void
pfsync4_undefer(struct pfsync4_deferral *pd, int drop)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	int s;

	TAILQ_REMOVE(&sc->sc_deferrals, pd, pd_entry);
	sc->sc_deferred--;
	CLR(pd->pd_st->state_flags, PFSTATE_ACK);
	timeout_del(&pd->pd_tmo);
	if (drop)
		m_freem(pd->pd_m);
	else {
		s = splnet();
		ip_output(pd->pd_m, NULL, NULL, 0, NULL, NULL);
		splx(s);
	}
	pool_put(&sc->sc_pool, pd);
}

/* pfsim: v4-split: the held packet of st */
void
pfsync4_deferred(struct pf_state *st, int drop)
{
	struct pfsync4_softc *sc = V_pfsync4if;
	struct pfsync4_deferral *pd;

	TAILQ_FOREACH(pd, &sc->sc_deferrals, pd_entry) {
		if (pd->pd_st == st) {
			pfsync4_undefer(pd, drop);
			return;
		}
	}
	panic("pfsync4_deferred: unable to find deferred state");
}

/* pfsim: v4-split: no ack in time, send the held packet anyway */
void
pfsync4_defer_tmo(void *arg)
{
	int s;

	V_pfsync_st.defer_timeout++;
	s = splsoftnet();
	pfsync4_undefer(arg, 0);
	splx(s);
}

/* pfsim: pfsync_up for v4: pfsync0 is up (only v4-split defers) */
int
pfsync4_up(void)
{
	struct pfsync4_softc *sc = V_pfsync4if;

	return (sc != NULL && ISSET(sc->sc_if.if_flags, IFF_RUNNING));
}

/* pf.c (1.632): pf_free_state's check against the bulk cursor */
int
pfsync4_state_in_use(struct pf_state *st)
{
	struct pfsync4_softc *sc = V_pfsync4if;

	return (sc != NULL && (sc->sc_bulk_send_next == st ||
	    sc->sc_bulk_terminator == st || ISSET(st->state_flags,
	    PFSTATE_ACK)));
}

/*
 * pfsim: pf's hooks and the firewall's pfsync input at the v4 engine
 * (pfsync_pointers_init in if_pfsync.c is v5's). v4 has no netisr.
 */
void
pfsync4_pointers_init(void)
{
	if (curvnet->vnet_pf != NULL) {
		V_pfsync_insert_state_ptr = pfsync4_insert_state;
		V_pfsync_update_state_ptr = pfsync4_update_state;
		V_pfsync_delete_state_ptr = pfsync4_delete_state;
		V_pfsync_clear_states_ptr = pfsync4_clear_states;
		V_pfsync_defer_ptr = pfsync4_defer;
		V_pfsync_up_ptr = pfsync4_up;
		V_pfsync_state_in_use_ptr = pfsync4_state_in_use;
	}
	V_pfsync_input_ptr = pfsync4_input;
}
