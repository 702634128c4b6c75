/*	$OpenBSD: if_pfsync.c,v 1.110 2009/02/24 05:39:19 dlg Exp $	*/

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
 * Copyright (c) 2009 David Gwynne <dlg@openbsd.org>
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * pfsim: the pfsync v5 engine of the thesis diff (seed, if_pfsync.c rev
 * 1.102 + diff), function by function, per firewall. Lines outside the
 * diff's hunks and text the PDF conversion lost are filled from the
 * behaviour of OpenBSD 4.5's committed rev 1.110 ("P110") as described in
 * docs/ref/pfsync-v5-engine.md; each such place says so. Tags such as
 * R15 name a row of that file's §7 ("Rough edges"). Globals are per
 * firewall (V_ names, struct pfsync_vnet in pfsync_var.h). The id line
 * and licences above are rev 1.110's; UPSTREAM.md has the provenance.
 *
 * pfsim: no IPsec in the model: TDB messages are parsed and counted on
 * input but update nothing, and none are ever sent (pfsync_update_tdb,
 * pfsync_delete_tdb and pfsync_out_tdb are left out).
 */

#include "models/pfsync/pfsync_var.h"

/*
 * pfsim: the seed's PFSYNC_MINPKT and the packet accounting are in
 * if_pfsync.h (MTU arithmetic in the model's tests uses them too).
 */

int (*const pfsync_acts[])(struct pfsync_pkt *, struct mbuf *, int, int) = {
	pfsync_in_clr,			/* PFSYNC_ACT_CLR */
	pfsync_in_ins,			/* PFSYNC_ACT_INS */
	pfsync_in_iack,			/* PFSYNC_ACT_INS_ACK */
	pfsync_in_upd,			/* PFSYNC_ACT_UPD */
	pfsync_in_upd_c,		/* PFSYNC_ACT_UPD_C */
	pfsync_in_ureq,			/* PFSYNC_ACT_UPD_REQ */
	pfsync_in_del,			/* PFSYNC_ACT_DEL */
	pfsync_in_del_c,		/* PFSYNC_ACT_DEL_C */
	pfsync_in_error,		/* PFSYNC_ACT_INS_F */
	pfsync_in_error,		/* PFSYNC_ACT_DEL_F */
	pfsync_in_bus,			/* PFSYNC_ACT_BUS */
	pfsync_in_tdb,			/* PFSYNC_ACT_TDB */
	pfsync_in_eof			/* PFSYNC_ACT_EOF */
};
_Static_assert(nitems(pfsync_acts) == PFSYNC_ACT_MAX, "pfsync_acts");

struct pfsync_q {
	int		(*write)(struct pf_state *, struct mbuf *, int);
	size_t		len;
	u_int8_t	action;
};

/* we have one of these for every PFSYNC_S_ */
/* pfsim: the rows after UPD were lost in the seed's PDF; from P110. */
const struct pfsync_q pfsync_qs[] = {
	{ pfsync_out_state, sizeof(struct pfsync_state),   PFSYNC_ACT_INS },
	{ pfsync_out_iack,  sizeof(struct pfsync_ins_ack), PFSYNC_ACT_INS_ACK },
	{ pfsync_out_state, sizeof(struct pfsync_state),   PFSYNC_ACT_UPD },
	{ pfsync_out_upd_c, sizeof(struct pfsync_upd_c),   PFSYNC_ACT_UPD_C },
	{ pfsync_out_del,   sizeof(struct pfsync_del_c),   PFSYNC_ACT_DEL_C }
};
_Static_assert(nitems(pfsync_qs) == PFSYNC_S_COUNT, "pfsync_qs");

#define PFSYNC_MAX_BULKTRIES 12

/* if_pfsync.c (seed): pfsync_clone_create */
struct pfsync_softc *
pfsync_clone_create(int unit)
{
	struct pfsync_softc *sc;
	struct ifnet *ifp;
	int q;

	if (unit != 0)
		return (NULL);	/* pfsim: the softc, not an errno */

	V_pfsync_sync_ok = 1;

	sc = malloc(sizeof(*sc), M_DEVBUF, M_NOWAIT | M_ZERO);
	if (sc == NULL)
		return (NULL);

	for (q = 0; q < PFSYNC_S_COUNT; q++)
		TAILQ_INIT(&sc->sc_qs[q]);

	pool_init(&sc->sc_pool, PFSYNC_PLSIZE, 0, 0, 0, "pfsync", NULL);
	TAILQ_INIT(&sc->sc_upd_req_list);
	TAILQ_INIT(&sc->sc_deferrals);
	sc->sc_deferred = 0;

	sc->sc_len = PFSYNC_MINPKT;
	sc->sc_maxupdates = 128;
	sc->sc_defer = 1;

	/* pfsim: a fixed array instead of malloc(M_IPMOPTS) */
	sc->sc_imo.imo_membership = sc->sc_membership;
	sc->sc_imo.imo_max_memberships = IP_MIN_MEMBERSHIPS;

	ifp = &sc->sc_if;
	snprintf(ifp->if_xname, sizeof ifp->if_xname, "pfsync%d", unit);
	ifp->if_softc = sc;
	ifp->if_ioctl = pfsyncioctl;
	ifp->if_output = NULL;	/* pfsim: pfsyncoutput only freed */
	ifp->if_start = pfsyncstart;
	ifp->if_type = IFT_PFSYNC;
	ifp->if_snd.ifq_maxlen = ifqmaxlen;
	ifp->if_hdrlen = sizeof(struct pfsync_header);
	ifp->if_mtu = 1500; /* XXX */
	ifp->if_hardmtu = MCLBYTES; /* XXX */
	timeout_set(&sc->sc_tmo, pfsync_timeout, sc);
	timeout_set(&sc->sc_bulk_tmo, pfsync_bulk_update, sc);
	timeout_set(&sc->sc_bulkfail_tmo, pfsync_bulk_fail, sc);

	if_attach(ifp);
	if_alloc_sadl(ifp);

	V_pfsyncif = sc;

	return (sc);
}

/* if_pfsync.c (seed): pfsync_clone_destroy */
int
pfsync_clone_destroy(struct ifnet *ifp)
{
	struct pfsync_softc *sc = ifp->if_softc;
	int s;

	timeout_del(&sc->sc_tmo);
	/* pfsim: the seed leaves these armed (docs/ref/pfsync-v5-engine.md
	 * §7, R15); they would fire on freed memory here. */
	timeout_del(&sc->sc_bulk_tmo);
	timeout_del(&sc->sc_bulkfail_tmo);
	if_detach(ifp);

	pfsync_drop(sc);

	s = splsoftnet();	/* pfsim: undefer asserts softnet */
	while (sc->sc_deferred > 0) {
		V_pfsync_st.defer_destroy++;	/* pfsim: results */
		pfsync_undefer(TAILQ_FIRST(&sc->sc_deferrals), 0);
	}
	splx(s);

	/* pfsim: if_detach does not leave the group here */
	while (sc->sc_imo.imo_num_memberships > 0)
		in_delmulti(sc->sc_imo.imo_membership[
		    --sc->sc_imo.imo_num_memberships]);
	pool_destroy(&sc->sc_pool);
	free(sc, M_DEVBUF);

	V_pfsyncif = NULL;

	return (0);
}

/* if_pfsync.c (seed): pfsync_if_dequeue */
struct mbuf *
pfsync_if_dequeue(struct ifnet *ifp)
{
	struct mbuf *m;
	int s;

	s = splnet();
	IF_DEQUEUE(&ifp->if_snd, m);
	splx(s);

	return (m);
}

/*
 * Start output on the pfsync interface.
 */
/* if_pfsync.c (seed): pfsyncstart */
void
pfsyncstart(struct ifnet *ifp)
{
	struct mbuf *m;

	while ((m = pfsync_if_dequeue(ifp)) != NULL) {
		IF_DROP(&ifp->if_snd);
		m_freem(m);
	}
}

/* if_pfsync.c (1.102, outside the hunks): pfsync_alloc_scrub_memory */
int
pfsync_alloc_scrub_memory(struct pfsync_state_peer *s,
    struct pf_state_peer *d)
{
	/*
	 * pfsim: pf's model keeps no scrub (normalisation) data, so there is
	 * never anything to allocate; the received scrub bytes are ignored.
	 */
	(void)s;
	(void)d;
	return (0);
}

/* if_pfsync.c (1.102, outside the hunks): pfsync_state_export */
void
pfsync_state_export(struct pfsync_state *sp, struct pf_state *st)
{
	bzero(sp, sizeof(struct pfsync_state));

	/* copy from state key */
	sp->key[PF_SK_WIRE].addr[0] = st->key[PF_SK_WIRE]->addr[0];
	sp->key[PF_SK_WIRE].addr[1] = st->key[PF_SK_WIRE]->addr[1];
	sp->key[PF_SK_WIRE].port[0] = st->key[PF_SK_WIRE]->port[0];
	sp->key[PF_SK_WIRE].port[1] = st->key[PF_SK_WIRE]->port[1];
	sp->key[PF_SK_STACK].addr[0] = st->key[PF_SK_STACK]->addr[0];
	sp->key[PF_SK_STACK].addr[1] = st->key[PF_SK_STACK]->addr[1];
	sp->key[PF_SK_STACK].port[0] = st->key[PF_SK_STACK]->port[0];
	sp->key[PF_SK_STACK].port[1] = st->key[PF_SK_STACK]->port[1];
	sp->proto = st->key[PF_SK_WIRE]->proto;
	sp->af = st->key[PF_SK_WIRE]->af;

	/* copy from state */
	strlcpy(sp->ifname, st->kif->pfik_name, sizeof(sp->ifname));
	bcopy(&st->rt_addr, &sp->rt_addr, sizeof(sp->rt_addr));
	sp->creation = htonl(time_second - st->creation);
	sp->expire = pf_state_expires(st);
	if (sp->expire <= (u_int32_t)time_second)
		sp->expire = htonl(0);
	else
		sp->expire = htonl(sp->expire - time_second);

	sp->direction = st->direction;
	sp->log = st->log;
	sp->timeout = st->timeout;
	sp->state_flags = st->state_flags;
	if (st->src_node)
		sp->sync_flags |= PFSYNC_FLAG_SRCNODE;
	if (st->nat_src_node)
		sp->sync_flags |= PFSYNC_FLAG_NATSRCNODE;

	bcopy(&st->id, &sp->id, sizeof(sp->id));
	sp->creatorid = st->creatorid;
	pf_state_peer_hton(&st->src, &sp->src);
	pf_state_peer_hton(&st->dst, &sp->dst);

	if (st->rule.ptr == NULL)
		sp->rule = htonl(-1);
	else
		sp->rule = htonl(st->rule.ptr->nr);
	if (st->anchor.ptr == NULL)
		sp->anchor = htonl(-1);
	else
		sp->anchor = htonl(st->anchor.ptr->nr);
	if (st->nat_rule.ptr == NULL)
		sp->nat_rule = htonl(-1);
	else
		sp->nat_rule = htonl(st->nat_rule.ptr->nr);

	pf_state_counter_hton(st->packets[0], sp->packets[0]);
	pf_state_counter_hton(st->packets[1], sp->packets[1]);
	pf_state_counter_hton(st->bytes[0], sp->bytes[0]);
	pf_state_counter_hton(st->bytes[1], sp->bytes[1]);
}

/* if_pfsync.c (seed, with 1.102's unchanged lines): pfsync_state_import */
int
pfsync_state_import(struct pfsync_state *sp, u_int8_t flags)
{
	struct pf_state	*st = NULL;
	struct pf_state_key *skw = NULL, *sks = NULL;
	struct pf_rule *r = NULL;
	struct pfi_kif	*kif;
	int pool_flags;
	int error;
	int v4;		/* pfsim: PFSYNC_SI_V4, v4's own import */
	char ifname[IFNAMSIZ];

	if (sp->creatorid == 0 && V_pf_status.debug >= PF_DEBUG_MISC) {
		printf("pfsync_state_import: invalid creator id:"
		    " %08x\n", ntohl(sp->creatorid));
		return (EINVAL);
	}

	/* pfsim: the name on the wire need not end in a NUL */
	memcpy(ifname, sp->ifname, IFNAMSIZ - 1);
	ifname[IFNAMSIZ - 1] = '\0';
	if ((kif = pfi_kif_get(ifname)) == NULL) {
		if (V_pf_status.debug >= PF_DEBUG_MISC)
			printf("pfsync_state_import: "
			    "unknown interface: %s\n", ifname);
		if (flags & PFSYNC_SI_IOCTL)
			return (EINVAL);
		return (0);	/* skip this state */
	}

	/*
	 * If the ruleset checksums match or the state is coming from the
	 * ioctl, it's safe to associate the state with the rule of that
	 * number.
	 */
	if (sp->rule != htonl(-1) && sp->anchor == htonl(-1) &&
	    (flags & (PFSYNC_SI_IOCTL | PFSYNC_SI_CKSUM)) && ntohl(sp->rule) <
	    V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.rcount &&
	    V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.ptr_array)
		r = V_pf_main_ruleset.rules[
		    PF_RULESET_FILTER].active.ptr_array[ntohl(sp->rule)];
	else
		r = &V_pf_default_rule;

	if ((r->max_states && r->states_cur >= r->max_states))
		goto cleanup;

	if (flags & PFSYNC_SI_IOCTL)
		pool_flags = PR_WAITOK | PR_LIMITFAIL | PR_ZERO;
	else
		pool_flags = PR_NOWAIT | PR_LIMITFAIL | PR_ZERO;

	if ((st = pool_get(&V_pf_state_pl, pool_flags)) == NULL)
		goto cleanup;

	if ((skw = pf_alloc_state_key(pool_flags)) == NULL)
		goto cleanup;

	if (PF_ANEQ(&sp->key[PF_SK_WIRE].addr[0],
	    &sp->key[PF_SK_STACK].addr[0], sp->af) ||
	    PF_ANEQ(&sp->key[PF_SK_WIRE].addr[1],
	    &sp->key[PF_SK_STACK].addr[1], sp->af) ||
	    sp->key[PF_SK_WIRE].port[0] != sp->key[PF_SK_STACK].port[0] ||
	    sp->key[PF_SK_WIRE].port[1] != sp->key[PF_SK_STACK].port[1]) {
		if ((sks = pf_alloc_state_key(pool_flags)) == NULL)
			goto cleanup;
	} else
		sks = skw;

	/* allocate memory for scrub info */
	if (pfsync_alloc_scrub_memory(&sp->src, &st->src) ||
	    pfsync_alloc_scrub_memory(&sp->dst, &st->dst))
		goto cleanup;

	/* copy to state key(s) */
	skw->addr[0] = sp->key[PF_SK_WIRE].addr[0];
	skw->addr[1] = sp->key[PF_SK_WIRE].addr[1];
	skw->port[0] = sp->key[PF_SK_WIRE].port[0];
	skw->port[1] = sp->key[PF_SK_WIRE].port[1];
	skw->af = sp->af;
	skw->proto = sp->proto;
	if (sks != skw) {
		sks->addr[0] = sp->key[PF_SK_STACK].addr[0];
		sks->addr[1] = sp->key[PF_SK_STACK].addr[1];
		sks->port[0] = sp->key[PF_SK_STACK].port[0];
		sks->port[1] = sp->key[PF_SK_STACK].port[1];
		sks->af = sp->af;
		sks->proto = sp->proto;
	}

	/* copy to state */
	bcopy(&sp->rt_addr, &st->rt_addr, sizeof(st->rt_addr));
	st->creation = time_second - ntohl(sp->creation);
	/*
	 * pfsim: as P110: the remaining seconds become the time of last
	 * activity, so the local expiry is now + remaining + the timeout
	 * value (an overestimate, kept).
	 */
	st->expire = ntohl(sp->expire) + time_second;

	st->direction = sp->direction;
	st->log = sp->log;
	st->timeout = sp->timeout;
	st->state_flags = sp->state_flags;

	bcopy(&sp->id, &st->id, sizeof(st->id));
	st->creatorid = sp->creatorid;
	pf_state_peer_ntoh(&sp->src, &st->src);
	pf_state_peer_ntoh(&sp->dst, &st->dst);

	st->rule.ptr = r;
	st->nat_rule.ptr = NULL;
	st->anchor.ptr = NULL;
	st->rt_kif = NULL;

	st->sync_state = PFSYNC_S_NONE;
	v4 = ISSET(flags, PFSYNC_SI_V4);
	if (v4) {
		/* pfsim: v4 (1.102) marks the state FROMSYNC instead */
		if (!(flags & PFSYNC_SI_IOCTL))
			st->sync_flags = PFSTATE_V4_FROMSYNC;
		st->pfsync_time = 0;
		if (ISSET(flags, PFSYNC_SI_V4_SPLIT))
			PFSYNC4_SET_RTIME(st, time_uptime);
	} else
		st->pfsync_time = time_second;

	/* XXX when we have nat_rule/anchors, use STATE_INC_COUNTERS */
	r->states_cur++;
	r->states_tot++;

	if (!ISSET(flags, PFSYNC_SI_IOCTL) && !v4)
		SET(st->state_flags, PFSTATE_NOSYNC);

	if ((error = pf_state_insert(kif, skw, sks, st)) != 0) {
		/* XXX when we have nat_rule/anchors, use STATE_DEC_COUNTERS */
		r->states_cur--;
		goto cleanup_state;
	}

	if (!ISSET(flags, PFSYNC_SI_IOCTL) && !v4) {
		CLR(st->state_flags, PFSTATE_NOSYNC);
		if (ISSET(st->state_flags, PFSTATE_ACK)) {
			pfsync_q_ins(st, PFSYNC_S_IACK);
			schednetisr(NETISR_PFSYNC);
		}
	}
	CLR(st->state_flags, PFSTATE_ACK);

	return (0);

 cleanup:
	error = ENOMEM;
	if (skw == sks)
		sks = NULL;
	if (skw != NULL)
		pool_put(&V_pf_state_key_pl, skw);
	if (sks != NULL)
		pool_put(&V_pf_state_key_pl, sks);

 cleanup_state:	/* pf_state_insert frees the state keys */
	if (st) {
		pool_put(&V_pf_state_pl, st);
	}
	return (error);
}

/* if_pfsync.c (seed): pfsync_input */
void
pfsync_input(struct mbuf *m, int iphlen)
{
	struct pfsync_softc *sc = V_pfsyncif;
	struct pfsync_pkt pkt;
	struct ip *ip = mtod(m, struct ip *);
	struct pfsync_header *ph;
	struct pfsync_subheader subh;

	int offset;
	int rv;

	V_pfsyncstats.pfsyncs_ipackets++;
	V_pfsync->pv_pkts_in++;	/* pfsim: cost glue */

	/* verify that we have a sync interface configured */
	if (!sc || !sc->sc_sync_if || !V_pf_status.running)
		goto done;

	/* verify that the packet came in on the right interface */
	if (sc->sc_sync_if != m->m_pkthdr.rcvif) {
		V_pfsyncstats.pfsyncs_badif++;
		goto done;
	}

	sc->sc_if.if_ipackets++;
	sc->sc_if.if_ibytes += m->m_pkthdr.len;
	V_pfsync_st.rx_packets++;	/* pfsim: results */
	V_pfsync_st.rx_bytes += m->m_pkthdr.len;

	/* verify that the IP TTL is 255. */
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
		m = m_pullup(m, offset + sizeof(*ph));
		if (m == NULL) {
			V_pfsyncstats.pfsyncs_hdrops++;
			return;
		}
		ip = mtod(m, struct ip *);
	}
	ph = (struct pfsync_header *)((char *)ip + offset);

	/* verify the version */
	if (ph->version != PFSYNC_VERSION) {
		V_pfsyncstats.pfsyncs_badver++;
		goto done;
	}

#if 0
	if (pfsync_input_hmac(m, offset) != 0) {
		/* XXX stats */
		goto done;
	}
#endif

	/* Cheaper to grab this now than having to mess with mbufs later */
	pkt.ip = ip;
	pkt.src = ip->ip_src;
	pkt.flags = 0;

	if (!bcmp(&ph->pfcksum, &V_pf_status.pf_chksum, PF_MD5_DIGEST_LENGTH))
		pkt.flags |= PFSYNC_SI_CKSUM;

	offset += sizeof(*ph);
	for (;;) {
		/*
		 * pfsim: the kernel has no guard for a frame that ends
		 * before its EOF (it would read past the end); count it as
		 * badlen (docs/ref/pfsync-v5-wire.md §9).
		 */
		if (offset + (int)sizeof(subh) > m->m_pkthdr.len) {
			V_pfsyncstats.pfsyncs_badlen++;
			goto done;
		}
		m_copydata(m, offset, sizeof(subh), (caddr_t)&subh);
		offset += sizeof(subh);

		if (subh.action >= PFSYNC_ACT_MAX) {
			V_pfsyncstats.pfsyncs_badact++;
			goto done;
		}

		/* pfsim: results, messages by action as announced */
		V_pfsync_st.rx_msgs[subh.action] += subh.action ==
		    PFSYNC_ACT_EOF ? 1 : ntohs(subh.count);

		rv = (*pfsync_acts[subh.action])(&pkt, m, offset,
		    ntohs(subh.count));
		if (rv == -1)
			return;

		offset += rv;
	}

done:
	m_freem(m);
}

/* if_pfsync.c (seed): pfsync_in_clr */
int
pfsync_in_clr(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct pfsync_clr *clr;
	struct mbuf *mp;
	int len = sizeof(*clr) * count;
	int i, offp;

	struct pf_state *st, *nexts;
	struct pf_state_key *sk, *nextsk;
	struct pf_state_item *si, *nextsi;
	u_int32_t creatorid;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	clr = (struct pfsync_clr *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		creatorid = clr[i].creatorid;

		if (clr[i].ifname[0] == '\0') {
			for (st = RB_MIN(pf_state_tree_id, &V_tree_id);
			    st; st = nexts) {
				nexts = RB_NEXT(pf_state_tree_id, &V_tree_id, st);
				if (st->creatorid == creatorid) {
					SET(st->state_flags, PFSTATE_NOSYNC);
					pf_unlink_state(st);
				}
			}
		} else {
			/* pfsim: the wire name need not end in a NUL */
			clr[i].ifname[IFNAMSIZ - 1] = '\0';
			if (pfi_kif_get(clr[i].ifname) == NULL)
				continue;

			/* XXX correct? */
			for (sk = RB_MIN(pf_state_tree, &V_pf_statetbl);
			    sk; sk = nextsk) {
				nextsk = RB_NEXT(pf_state_tree,
				    &V_pf_statetbl, sk);
				/* pfsim: unlink frees si (and sk, at last) */
				for (si = TAILQ_FIRST(&sk->states); si;
				    si = nextsi) {
					nextsi = TAILQ_NEXT(si, entry);
					if (si->s->creatorid == creatorid) {
						SET(si->s->state_flags,
						    PFSTATE_NOSYNC);
						pf_unlink_state(si->s);
					}
				}
			}
		}
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (seed): pfsync_in_ins */
int
pfsync_in_ins(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct mbuf *mp;
	struct pfsync_state *sa, *sp;
	int len = sizeof(*sp) * count;
	int i, offp;

	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	sa = (struct pfsync_state *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		sp = &sa[i];

		/* check for invalid values */
		if (sp->timeout >= PFTM_MAX ||
		    sp->src.state > PF_TCPS_PROXY_DST ||
		    sp->dst.state > PF_TCPS_PROXY_DST ||
		    sp->direction > PF_OUT ||
		    (sp->af != AF_INET && sp->af != PF_AF_INET6)) {
			if (V_pf_status.debug >= PF_DEBUG_MISC) {
				printf("pfsync_input: PFSYNC5_ACT_INS: "
				    "invalid value\n");
			}
			V_pfsyncstats.pfsyncs_badval++;
			continue;
		}

		if (pfsync_state_import(sp, pkt->flags) == ENOMEM) {
			/* drop out, but process the rest of the actions */
			break;
		}
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (seed; body lost in the PDF, from P110): pfsync_in_iack */
int
pfsync_in_iack(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct pfsync_ins_ack *ia, *iaa;
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
	iaa = (struct pfsync_ins_ack *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		ia = &iaa[i];

		bcopy(&ia->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = ia->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL)
			continue;

		if (ISSET(st->state_flags, PFSTATE_ACK)) {
			V_pfsync_st.defer_acked++;	/* pfsim: results */
			pfsync_deferred(st, 0);
		}
	}
	splx(s);

	return (len);
}

/*
 * pfsim: pfsync.merge = peer|field (issue 5 item 7). The thesis notes the
 * TCP merge "seems to reject valid information": in a split flow each
 * firewall holds the newest data of a different field, and the seed
 * rejects the whole update when either seqlo is older. These policies
 * keep the newer parts instead. A partial merge refreshes pfsync_time (the
 * peer is demonstrably active on the state) and still returns a failure
 * code, so the caller echoes what we know that the peer lacks.
 */
static int
pfsync_peer_older(u_int8_t lstate, u_int8_t rstate)
{
	/* the seed's "state went backwards", synproxy excepted */
	return (lstate > rstate &&
	    (lstate < PF_TCPS_PROXY_SRC || rstate >= PF_TCPS_PROXY_SRC));
}

/* pfsim: merge = peer: each peer half unless it is the older one */
int
pfsync_upd_tcp_peer(struct pf_state *st, struct pfsync_state_peer *src,
    struct pfsync_state_peer *dst)
{
	int src_old, dst_old;

	src_old = pfsync_peer_older(st->src.state, src->state) ||
	    SEQ_GT(st->src.seqlo, ntohl(src->seqlo));
	dst_old = pfsync_peer_older(st->dst.state, dst->state) ||
	    (st->dst.state >= TCPS_SYN_SENT &&
	    SEQ_GT(st->dst.seqlo, ntohl(dst->seqlo)));

	if (!src_old && !dst_old)
		return (0);
	if (src_old && dst_old)
		return (10);
	if (!src_old)
		pf_state_peer_ntoh(src, &st->src);
	else
		pf_state_peer_ntoh(dst, &st->dst);
	st->pfsync_time = time_second;
	return (8);
}

/* Take the newer of each field of one peer; lnew, rnew: who had news. */
static void
pfsync_merge_field(struct pf_state_peer *l, struct pfsync_state_peer *r,
    int *lnew, int *rnew)
{
	u_int32_t rseqlo = ntohl(r->seqlo), rseqhi = ntohl(r->seqhi);
	u_int16_t rmax_win = ntohs(r->max_win);
	/*
	 * Our side is unseen as pf_test_rule leaves a peer it has no
	 * packet of: below SYN_SENT with seqlo 0 (seqhi is 1 there, so
	 * seqlo == seqhi == 0 is no test; an ISN >= 2^31 then lost the
	 * first merge).
	 */
	int lunseen = l->state < TCPS_SYN_SENT && l->seqlo == 0;

	if (pfsync_peer_older(l->state, r->state))
		*lnew = 1;
	else if (l->state != r->state) {
		l->state = r->state;
		*rnew = 1;
	}

	/* a side one of us has not seen yet carries no sequence numbers */
	if (r->state < TCPS_SYN_SENT && r->seqlo == 0) {
		if (l->seqlo != 0)
			*lnew = 1;
		return;
	}
	if (lunseen) {
		l->seqlo = rseqlo;
		l->seqhi = rseqhi;
		l->max_win = rmax_win;
		*rnew = 1;
	} else {
		if (SEQ_GT(rseqlo, l->seqlo)) {
			l->seqlo = rseqlo;
			*rnew = 1;
		} else if (SEQ_GT(l->seqlo, rseqlo))
			*lnew = 1;
		if (SEQ_GT(rseqhi, l->seqhi)) {
			l->seqhi = rseqhi;
			*rnew = 1;
		} else if (SEQ_GT(l->seqhi, rseqhi))
			*lnew = 1;
		if (rmax_win > l->max_win) {
			l->max_win = rmax_win;
			*rnew = 1;
		} else if (l->max_win > rmax_win)
			*lnew = 1;
	}
	/* set once per connection: take them if we lack them */
	if (l->seqdiff == 0)
		l->seqdiff = ntohl(r->seqdiff);
	if (l->mss == 0)
		l->mss = ntohs(r->mss);
	if (l->wscale == 0)
		l->wscale = r->wscale;
}

/* pfsim: merge = field: each field's newer value, from either side */
int
pfsync_upd_tcp_field(struct pf_state *st, struct pfsync_state_peer *src,
    struct pfsync_state_peer *dst)
{
	struct pf_state_peer nsrc = st->src, ndst = st->dst;
	int lnew = 0, rnew = 0;

	pfsync_merge_field(&nsrc, src, &lnew, &rnew);
	pfsync_merge_field(&ndst, dst, &lnew, &rnew);

	if (!lnew)
		return (0);	/* nothing of ours is newer: take it all */
	if (!rnew)
		return (10);
	st->src = nsrc;
	st->dst = ndst;
	st->pfsync_time = time_second;
	return (9);
}

/* if_pfsync.c (seed; head lost in the PDF, from P110): pfsync_upd_tcp */
int
pfsync_upd_tcp(struct pf_state *st, struct pfsync_state_peer *src,
    struct pfsync_state_peer *dst)
{
	int sfail = 0;

	/* pfsim: pfsync.merge */
	switch (V_pfsync->pv_conf.merge) {
	case PFSYNC_MERGE_PEER:
		return (pfsync_upd_tcp_peer(st, src, dst));
	case PFSYNC_MERGE_FIELD:
		return (pfsync_upd_tcp_field(st, src, dst));
	default:
		break;
	}

	/*
	 * The state should never go backwards except
	 * for syn-proxy states.  Neither should the
	 * sequence window slide backwards.
	 */
	if (st->src.state > src->state &&
	    (st->src.state < PF_TCPS_PROXY_SRC ||
	    src->state >= PF_TCPS_PROXY_SRC))
		sfail = 1;
	else if (SEQ_GT(st->src.seqlo, ntohl(src->seqlo)))
		sfail = 3;
	else if (st->dst.state > dst->state) {
		/* There might still be useful
		 * information about the src state here,
		 * so import that part of the update,
		 * then "fail" so we send the updated
		 * state back to the peer who is missing
		 * our what we know. */
		pf_state_peer_ntoh(src, &st->src);
		/* XXX do anything with timeouts? */
		sfail = 7;
	} else if (st->dst.state >= TCPS_SYN_SENT &&
	    SEQ_GT(st->dst.seqlo, ntohl(dst->seqlo)))
		sfail = 4;

	return (sfail);
}

/* if_pfsync.c (seed): pfsync_in_upd */
int
pfsync_in_upd(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct pfsync_state *sa, *sp;
	struct pf_state_cmp id_key;
	struct pf_state_key *sk;
	struct pf_state *st;
	int sfail;

	struct mbuf *mp;
	int len = count * sizeof(*sp);
	int offp, i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	sa = (struct pfsync_state *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		sp = &sa[i];

		/* check for invalid values */
		if (sp->timeout >= PFTM_MAX ||
		    sp->src.state > PF_TCPS_PROXY_DST ||
		    sp->dst.state > PF_TCPS_PROXY_DST) {
			if (V_pf_status.debug >= PF_DEBUG_MISC) {
				printf("pfsync_input: PFSYNC_ACT_UPD: "
				    "invalid value\n");
			}
			V_pfsyncstats.pfsyncs_badval++;
			continue;
		}

		bcopy(&sp->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = sp->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL) {
			/* insert the update */
			if (pfsync_state_import(sp, 0))
				V_pfsyncstats.pfsyncs_badstate++;
			continue;
		}

		if (ISSET(st->state_flags, PFSTATE_ACK)) {
			V_pfsync_st.defer_dropped++;	/* pfsim: results */
			pfsync_deferred(st, 1);
		}

		sk = st->key[PF_SK_WIRE];	/* XXX right one? */
		sfail = 0;
		if (sk->proto == IPPROTO_TCP)
			sfail = pfsync_upd_tcp(st, &sp->src, &sp->dst);
		else {
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
			if (V_pf_status.debug >= PF_DEBUG_MISC) {
				printf("pfsync: %s stale update (%d)"
				    " id: %016llx creatorid: %08x\n",
				    (sfail < 7 ? "ignoring" : "partial"),
				    sfail, (unsigned long long)betoh64(st->id),
				    ntohl(st->creatorid));
			}
			V_pfsyncstats.pfsyncs_stale++;
			V_pfsync_st.stale[sfail]++;	/* pfsim: results */
			if (st->sync_state == PFSYNC_S_NONE)
				V_pfsync_st.echoes++;	/* pfsim: results */

			pfsync_update_state(st);
			schednetisr(NETISR_PFSYNC);
			continue;
		} else if (sfail == 0) {
			pfsync_alloc_scrub_memory(&sp->dst, &st->dst);
			pf_state_peer_ntoh(&sp->src, &st->src);
			pf_state_peer_ntoh(&sp->dst, &st->dst);
		}
		st->pfsync_time = time_second;
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (seed): pfsync_in_upd_c */
int
pfsync_in_upd_c(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct pfsync_upd_c *ua, *up;
	struct pf_state_key *sk;
	struct pf_state_cmp id_key;
	struct pf_state *st;

	int len = count * sizeof(*up);
	int sfail;

	struct mbuf *mp;
	int offp, i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	ua = (struct pfsync_upd_c *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		up = &ua[i];

		/* check for invalid values */
		if (up->timeout >= PFTM_MAX ||
		    up->src.state > PF_TCPS_PROXY_DST ||
		    up->dst.state > PF_TCPS_PROXY_DST) {
			if (V_pf_status.debug >= PF_DEBUG_MISC) {
				printf("pfsync_input: "
				    "PFSYNC_ACT_UPD_C: "
				    "invalid value\n");
			}
			V_pfsyncstats.pfsyncs_badval++;
			continue;
		}

		bcopy(&up->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = up->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL) {
			/* We don't have this state. Ask for it. */
			pfsync_request_update(id_key.creatorid, id_key.id);
			continue;
		}

		if (ISSET(st->state_flags, PFSTATE_ACK)) {
			V_pfsync_st.defer_dropped++;	/* pfsim: results */
			pfsync_deferred(st, 1);
		}

		sk = st->key[PF_SK_WIRE];	/* XXX right one? */
		sfail = 0;
		if (sk->proto == IPPROTO_TCP)
			sfail = pfsync_upd_tcp(st, &up->src, &up->dst);
		else {
			/*
			 * Non-TCP protocol state machine always go forwards
			 */
			if (st->src.state > up->src.state)
				sfail = 5;
			else if (st->dst.state > up->dst.state)
				sfail = 6;
		}

		if (sfail > 0) {
			if (V_pf_status.debug >= PF_DEBUG_MISC) {
				printf("pfsync: ignoring stale update "
				    "(%d) id: %016llx "
				    "creatorid: %08x\n", sfail,
				    (unsigned long long)betoh64(st->id),
				    ntohl(st->creatorid));
			}
			V_pfsyncstats.pfsyncs_stale++;
			V_pfsync_st.stale[sfail]++;	/* pfsim: results */
			if (st->sync_state == PFSYNC_S_NONE)
				V_pfsync_st.echoes++;	/* pfsim: results */

			pfsync_update_state(st);
			schednetisr(NETISR_PFSYNC);
			continue;
		} else if (sfail == 0) {
			pfsync_alloc_scrub_memory(&up->dst, &st->dst);
			pf_state_peer_ntoh(&up->src, &st->src);
			pf_state_peer_ntoh(&up->dst, &st->dst);
		}
		st->pfsync_time = time_second;
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (seed): pfsync_in_ureq */
int
pfsync_in_ureq(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct pfsync_upd_req *ur, *ura;
	struct mbuf *mp;
	int len = count * sizeof(*ur);
	int i, offp;

	struct pf_state_cmp id_key;
	struct pf_state *st;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	ura = (struct pfsync_upd_req *)(mp->m_data + offp);

	for (i = 0; i < count; i++) {
		ur = &ura[i];

		bcopy(&ur->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = ur->creatorid;

		if (id_key.id == 0 && id_key.creatorid == 0) {
			V_pfsync_st.bulk_req_received++; /* pfsim: results */
			pfsync_bulk_start();
		} else {
			st = pf_find_state_byid(&id_key);
			if (st == NULL) {
				V_pfsyncstats.pfsyncs_badstate++;
				continue;
			}

			if (st->timeout == PFTM_UNLINKED)
				V_pfsync_req_del++;

			pfsync_update_state_req(st);
		}
	}

	return (len);
}

/* if_pfsync.c (seed; the "point at record i" line lost): pfsync_in_del */
int
pfsync_in_del(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct mbuf *mp;
	struct pfsync_state *sa, *sp;
	struct pf_state_cmp id_key;
	struct pf_state *st;
	int len = count * sizeof(*sp);
	int offp, i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	sa = (struct pfsync_state *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		sp = &sa[i];

		bcopy(&sp->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = sp->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL) {
			V_pfsyncstats.pfsyncs_badstate++;
			continue;
		}
		SET(st->state_flags, PFSTATE_NOSYNC);
		pf_unlink_state(st);
	}
	splx(s);

	return (len);
}

/* if_pfsync.c (seed): pfsync_in_del_c */
int
pfsync_in_del_c(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct mbuf *mp;
	struct pfsync_del_c *sa, *sp;
	struct pf_state_cmp id_key;
	struct pf_state *st;
	int len = count * sizeof(*sp);
	int offp, i;
	int s;

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	sa = (struct pfsync_del_c *)(mp->m_data + offp);

	s = splsoftnet();
	for (i = 0; i < count; i++) {
		sp = &sa[i];

		bcopy(&sp->id, &id_key.id, sizeof(id_key.id));
		id_key.creatorid = sp->creatorid;

		st = pf_find_state_byid(&id_key);
		if (st == NULL) {
			V_pfsyncstats.pfsyncs_badstate++;
			continue;
		}

		SET(st->state_flags, PFSTATE_NOSYNC);
		pf_unlink_state(st);
	}
	splx(s);

	return (len);
}

/* pfsim: pf's state limit (pf_pool_limits[PF_LIMIT_STATES]) */
int
pfsync_state_limit(void)
{
	if (curvnet->vnet_pf != NULL &&
	    V_pf_pool_limits[PF_LIMIT_STATES].limit != 0)
		return (V_pf_pool_limits[PF_LIMIT_STATES].limit);
	return (PFSTATE_HIWAT);
}

/* if_pfsync.c (seed): pfsync_in_bus */
int
pfsync_in_bus(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	struct pfsync_softc *sc = V_pfsyncif;
	struct pfsync_bus *bus;
	struct mbuf *mp;
	int len = count * sizeof(*bus);
	int offp, perpkt;

	/* If we're not waiting for a bulk update, who cares. */
	if (sc->sc_ureq_sent == 0)
		return (len);

	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}
	bus = (struct pfsync_bus *)(mp->m_data + offp);

	/* pfsim: a count-0 section carries no record to look at */
	if (count == 0)
		return (len);

	switch (bus->status) {
	case PFSYNC_BUS_START:
		V_pfsync_st.bulk_start_rcvd++;	/* pfsim: results */
		timeout_add_sec(&sc->sc_bulkfail_tmo, 5); /* XXX magic */
		/*
		 * pfsim: a paced bulk outlasts 5 s; wait as v4 did (the seed's
		 * "#if XXX" formula) plus 4 s: one packet of states per tick.
		 * SIOCSIFMTU takes any MTU over PFSYNC_MINPKT, as in the seed,
		 * and below one state's worth pfsync_q_ins still sends each
		 * state alone, over the MTU: one per packet, never zero.
		 */
		if (V_pfsync->pv_conf.bulk_pace == PFSYNC_PACE_TICK) {
			/* seed: limit / (PFSYNC_BULKPACKETS * sc_maxcount) */
			/* pfsim: one state a packet at least: below it the
			 * count was 0 and the division trapped (SIGFPE) */
			perpkt = 1;
			if (sc->sc_if.if_mtu >= PFSYNC_MINPKT +
			    sizeof(struct pfsync_subheader) +
			    sizeof(struct pfsync_state))
				perpkt = (int)((sc->sc_if.if_mtu -
				    PFSYNC_MINPKT -
				    sizeof(struct pfsync_subheader)) /
				    sizeof(struct pfsync_state));
			timeout_add(&sc->sc_bulkfail_tmo, 4 * hz +
			    pfsync_state_limit() / perpkt);
		}
		if (V_pf_status.debug >= PF_DEBUG_MISC)
			printf("pfsync: received bulk update start\n");
		break;

	case PFSYNC_BUS_END:
		V_pfsync_st.bulk_end_rcvd++;	/* pfsim: results */
		if (time_uptime - ntohl(bus->endtime) >=
		    sc->sc_ureq_sent) {
			/* that's it, we're happy */
			sc->sc_ureq_sent = 0;
			sc->sc_bulk_tries = 0;
			timeout_del(&sc->sc_bulkfail_tmo);
			/* pfsim: no carp (NCARP 0): no undemote */
			V_pfsync_sync_ok = 1;
			/* pfsim: results */
			V_pfsync_st.bulk_done++;
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

	return (len);
}

/* if_pfsync.c (seed): pfsync_in_tdb */
int
pfsync_in_tdb(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	int len = count * sizeof(struct pfsync_tdb);
	struct mbuf *mp;
	int offp;

	/*
	 * pfsim: no IPsec: the records are only checked to be there (the
	 * seed skips them unread, "#if 0 && defined(IPSEC)").
	 */
	mp = m_pulldown(m, offset, len, &offp);
	if (mp == NULL) {
		V_pfsyncstats.pfsyncs_badlen++;
		return (-1);
	}

	return (len);
}

/* if_pfsync.c (seed): pfsync_in_eof */
int
pfsync_in_eof(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	/* check if we are at the right place in the packet */
	if (offset != m->m_pkthdr.len - (int)sizeof(struct pfsync_eof))
		V_pfsyncstats.pfsyncs_badact++;

	/* we're done. free and let the caller return */
	m_freem(m);
	return (-1);
}

/* if_pfsync.c (seed): pfsync_in_error */
int
pfsync_in_error(struct pfsync_pkt *pkt, struct mbuf *m, int offset, int count)
{
	V_pfsyncstats.pfsyncs_badact++;

	m_freem(m);
	return (-1);
}

/* if_pfsync.c (seed): pfsyncioctl */
int
pfsyncioctl(struct ifnet *ifp, u_long cmd, caddr_t data)
{
	struct pfsync_softc *sc = ifp->if_softc;
	struct ifreq *ifr = (struct ifreq *)data;
	struct ip_moptions *imo = &sc->sc_imo;
	struct pfsyncreq pfsyncr;
	struct ifnet *sifp;
	struct ip *ip;
	int s, error;

	switch (cmd) {
#if 0
	case SIOCSIFADDR:
	case SIOCAIFADDR:
	case SIOCSIFDSTADDR:
#endif
	case SIOCSIFFLAGS:
		/* pfsim: the flags come with the request */
		ifp->if_flags = ifr->ifr_flags;
		if (ifp->if_flags & IFF_UP)
			ifp->if_flags |= IFF_RUNNING;
		else
			ifp->if_flags &= ~IFF_RUNNING;
		break;
	case SIOCSIFMTU:
		if (ifr->ifr_mtu <= (int)PFSYNC_MINPKT)
			return (EINVAL);
		if (ifr->ifr_mtu > MCLBYTES) /* XXX could be bigger */
			ifr->ifr_mtu = MCLBYTES;
		if ((u_int)ifr->ifr_mtu < ifp->if_mtu) {
			s = splnet();
			pfsync_sendout();
			splx(s);
		}
		ifp->if_mtu = ifr->ifr_mtu;
		break;
	case SIOCGETPFSYNC:
		bzero(&pfsyncr, sizeof(pfsyncr));
		if (sc->sc_sync_if) {
			strlcpy(pfsyncr.pfsyncr_syncdev,
			    sc->sc_sync_if->if_xname, IFNAMSIZ);
		}
		pfsyncr.pfsyncr_syncpeer = sc->sc_sync_peer;
		pfsyncr.pfsyncr_maxupdates = sc->sc_maxupdates;
		pfsyncr.pfsyncr_defer = sc->sc_defer;
		return (copyout(&pfsyncr, ifr->ifr_data, sizeof(pfsyncr)));

	case SIOCSETPFSYNC:
		if ((error = suser(p, p->p_acflag)) != 0)
			return (error);
		if ((error = copyin(ifr->ifr_data, &pfsyncr, sizeof(pfsyncr))))
			return (error);

		if (pfsyncr.pfsyncr_syncpeer.s_addr == 0)
			sc->sc_sync_peer.s_addr = INADDR_PFSYNC_GROUP;
		else
			sc->sc_sync_peer.s_addr =
			    pfsyncr.pfsyncr_syncpeer.s_addr;

		if (pfsyncr.pfsyncr_maxupdates > 255)
			return (EINVAL);
		sc->sc_maxupdates = pfsyncr.pfsyncr_maxupdates;
		sc->sc_defer = pfsyncr.pfsyncr_defer;	/* pfsim: 4.6 flag */

		if (pfsyncr.pfsyncr_syncdev[0] == 0) {
			sc->sc_sync_if = NULL;
			if (imo->imo_num_memberships > 0) {
				in_delmulti(imo->imo_membership[
				    --imo->imo_num_memberships]);
				imo->imo_multicast_ifp = NULL;
			}
			break;
		}

		/* pfsim: the device is found by net or interface name */
		if ((sifp = pfsync_find_syncdev(pfsyncr.pfsyncr_syncdev)) ==
		    NULL)
			return (EINVAL);

		s = splnet();
		if (sifp->if_mtu < sc->sc_if.if_mtu ||
		    (sc->sc_sync_if != NULL &&
		    sifp->if_mtu < sc->sc_sync_if->if_mtu) ||
		    sifp->if_mtu < MCLBYTES - sizeof(struct ip))
			pfsync_sendout();
		sc->sc_sync_if = sifp;

		if (imo->imo_num_memberships > 0) {
			in_delmulti(imo->imo_membership[
			    --imo->imo_num_memberships]);
			imo->imo_multicast_ifp = NULL;
		}

		if (sc->sc_sync_if &&
		    sc->sc_sync_peer.s_addr == INADDR_PFSYNC_GROUP) {
			struct in_addr addr;

			if (!(sc->sc_sync_if->if_flags & IFF_MULTICAST)) {
				sc->sc_sync_if = NULL;
				splx(s);
				return (EADDRNOTAVAIL);
			}

			addr.s_addr = INADDR_PFSYNC_GROUP;

			if ((imo->imo_membership[0] =
			    in_addmulti(&addr, sc->sc_sync_if)) == NULL) {
				sc->sc_sync_if = NULL;
				splx(s);
				return (ENOBUFS);
			}
			imo->imo_num_memberships++;
			imo->imo_multicast_ifp = sc->sc_sync_if;
			imo->imo_multicast_ttl = PFSYNC_DFLTTL;
			imo->imo_multicast_loop = 0;
		}

		ip = &sc->sc_template;
		bzero(ip, sizeof(*ip));
		ip->ip_v = IPVERSION;
		ip->ip_hl = sizeof(sc->sc_template) >> 2;
		ip->ip_tos = IPTOS_LOWDELAY;
		/* len and id are set later */
		ip->ip_off = htons(IP_DF);
		ip->ip_ttl = PFSYNC_DFLTTL;
		ip->ip_p = IPPROTO_PFSYNC;
		ip->ip_src.s_addr = INADDR_ANY;
		ip->ip_dst.s_addr = sc->sc_sync_peer.s_addr;

		/*
		 * pfsim: the seed compiles the bulk request out ("#if 0");
		 * 4.5 (P110) sends it. pfsync.bulk_on_up chooses.
		 */
		if (sc->sc_sync_if && V_pfsync->pv_conf.bulk_on_up) {
			/* Request a full state table update. */
			sc->sc_ureq_sent = time_uptime;
			V_pfsync_sync_ok = 0;
			if (V_pf_status.debug >= PF_DEBUG_MISC)
				printf("pfsync: requesting bulk update\n");
			timeout_add_sec(&sc->sc_bulkfail_tmo, 5);
			/* XXX bulks done this way? */
			V_pfsync_st.bulk_req_sent++;	/* pfsim: results */
			V_pfsync_st.bulk_req_ns = kern_now();
			pfsync_request_update(0, 0);
		}
		splx(s);

		break;

	default:
		return (ENOTTY);
	}

	return (0);
}

/* if_pfsync.c (seed): pfsync_out_state */
int
pfsync_out_state(struct pf_state *st, struct mbuf *m, int offset)
{
	struct pfsync_state *sp = (struct pfsync_state *)(m->m_data + offset);

	pfsync_state_export(sp, st);

	return (sizeof(*sp));
}

/* if_pfsync.c (seed): pfsync_out_iack */
int
pfsync_out_iack(struct pf_state *st, struct mbuf *m, int offset)
{
	struct pfsync_ins_ack *iack =
	    (struct pfsync_ins_ack *)(m->m_data + offset);

	iack->id = st->id;
	iack->creatorid = st->creatorid;

	return (sizeof(*iack));
}

/* if_pfsync.c (seed): pfsync_out_upd_c */
int
pfsync_out_upd_c(struct pf_state *st, struct mbuf *m, int offset)
{
	struct pfsync_upd_c *up = (struct pfsync_upd_c *)(m->m_data + offset);
	u_int32_t expire;	/* pfsim: packed field, computed aside */

	/* pfsim: the seed leaves scrub and pad bytes as the mbuf had them */
	bzero(up, sizeof(*up));
	up->id = st->id;
	pf_state_peer_hton(&st->src, &up->src);
	pf_state_peer_hton(&st->dst, &up->dst);
	up->creatorid = st->creatorid;

	expire = pf_state_expires(st);
	if (expire <= (u_int32_t)time_second)
		up->expire = htonl(0);
	else
		up->expire = htonl(expire - time_second);
	up->timeout = st->timeout;

	bzero(up->_pad, sizeof(up->_pad)); /* XXX */

	return (sizeof(*up));
}

/* if_pfsync.c (seed): pfsync_out_del */
int
pfsync_out_del(struct pf_state *st, struct mbuf *m, int offset)
{
	struct pfsync_del_c *dp = (struct pfsync_del_c *)(m->m_data + offset);

	dp->id = st->id;
	dp->creatorid = st->creatorid;

	SET(st->state_flags, PFSTATE_NOSYNC);

	return (sizeof(*dp));
}

/* if_pfsync.c (seed): pfsync_drop */
void
pfsync_drop(struct pfsync_softc *sc)
{
	struct pf_state *st;
	struct pfsync_upd_req_item *ur;
	int q;

	for (q = 0; q < PFSYNC_S_COUNT; q++) {
		if (TAILQ_EMPTY(&sc->sc_qs[q]))
			continue;

		TAILQ_FOREACH(st, &sc->sc_qs[q], sync_list) {
#ifdef PFSYNC_DEBUG
			KASSERT(st->sync_state == q);
#endif
			st->sync_state = PFSYNC_S_NONE;
		}
		TAILQ_INIT(&sc->sc_qs[q]);
	}

	while ((ur = TAILQ_FIRST(&sc->sc_upd_req_list)) != NULL) {
		TAILQ_REMOVE(&sc->sc_upd_req_list, ur, ur_entry);
		pool_put(&sc->sc_pool, ur);
	}

	sc->sc_plus = NULL;

	/* pfsim: no TDB queue */

	sc->sc_len = PFSYNC_MINPKT;
}

/* pfsim: count one packet (IP datagram) that leaves for the results. */
void
pfsync_count_tx(struct mbuf *m)
{
	V_pfsync_st.tx_packets++;
	V_pfsync_st.tx_bytes += m->m_pkthdr.len;
	V_pfsync_st.tx_reason[V_pfsync_txr]++;
	V_pfsync_txr = PFSYNC_TXR_OTHER;
}

/* if_pfsync.c (seed): pfsync_sendout */
void
pfsync_sendout(void)
{
	struct pfsync_softc *sc = V_pfsyncif;
	struct ifnet *ifp = sc ? &sc->sc_if : NULL;
	struct mbuf *m;
	struct ip *ip;
	struct pfsync_header *ph;
	struct pfsync_subheader *subh;
	struct pf_state *st;
	struct pfsync_upd_req_item *ur;

	int offset;
	int q, count = 0;

	splassert(IPL_NET);

	if (sc == NULL || sc->sc_len == PFSYNC_MINPKT)
		return;

	/*
	 * pfsim: as P110 (docs/ref/pfsync-v5-engine.md §7, R16): nobody to
	 * send to without a sync device.
	 */
	if (sc->sc_sync_if == NULL) {
		pfsync_drop(sc);
		V_pfsync_txr = PFSYNC_TXR_OTHER;
		return;
	}

	MGETHDR(m, M_DONTWAIT, MT_DATA);
	if (m == NULL) {
		sc->sc_if.if_oerrors++;
		V_pfsyncstats.pfsyncs_onomem++;
		pfsync_drop(sc);
		return;
	}

	if (max_linkhdr + sc->sc_len > MHLEN) {
		MCLGETI(m, M_DONTWAIT, NULL, max_linkhdr + sc->sc_len);
		if (!ISSET(m->m_flags, M_EXT)) {
			m_free(m);
			sc->sc_if.if_oerrors++;
			V_pfsyncstats.pfsyncs_onomem++;
			pfsync_drop(sc);
			return;
		}
	}
	/*
	 * pfsim: mbuf-lite keeps the link header room itself; check the
	 * packet fits its buffer instead of moving m_data by max_linkhdr.
	 */
	if (M_TRAILINGSPACE(m) < (int)sc->sc_len) {
		m_free(m);
		sc->sc_if.if_oerrors++;
		V_pfsyncstats.pfsyncs_onomem++;
		pfsync_drop(sc);
		return;
	}
	m->m_len = m->m_pkthdr.len = sc->sc_len;

	/* build the ip header */
	ip = (struct ip *)m->m_data;
	bcopy(&sc->sc_template, ip, sizeof(*ip));
	offset = sizeof(*ip);

	ip->ip_len = htons(m->m_pkthdr.len);
	ip->ip_id = htons(ip_randomid());

	/* build the pfsync header */
	ph = (struct pfsync_header *)(m->m_data + offset);
	bzero(ph, sizeof(*ph));
	offset += sizeof(*ph);

	ph->version = PFSYNC_VERSION;
	ph->len = htons(sc->sc_len - sizeof(*ip));
	bcopy(V_pf_status.pf_chksum, ph->pfcksum, PF_MD5_DIGEST_LENGTH);

	/* walk the queues */
	for (q = 0; q < PFSYNC_S_COUNT; q++) {
		if (TAILQ_EMPTY(&sc->sc_qs[q]))
			continue;

		subh = (struct pfsync_subheader *)(m->m_data + offset);
		offset += sizeof(*subh);

		count = 0;
		TAILQ_FOREACH(st, &sc->sc_qs[q], sync_list) {
#ifdef PFSYNC_DEBUG
			KASSERT(st->sync_state == q);
#endif

			offset += pfsync_qs[q].write(st, m, offset);
			st->sync_state = PFSYNC_S_NONE;
			count++;
		}
		TAILQ_INIT(&sc->sc_qs[q]);

		bzero(subh, sizeof(*subh));
		subh->action = pfsync_qs[q].action;
		subh->count = htons(count);
		V_pfsync_st.tx_msgs[subh->action] += count; /* pfsim */
	}

	if (!TAILQ_EMPTY(&sc->sc_upd_req_list)) {
		subh = (struct pfsync_subheader *)(m->m_data + offset);
		offset += sizeof(*subh);

		count = 0;
		while ((ur = TAILQ_FIRST(&sc->sc_upd_req_list)) != NULL) {
			TAILQ_REMOVE(&sc->sc_upd_req_list, ur, ur_entry);

			bcopy(&ur->ur_msg, m->m_data + offset,
			    sizeof(ur->ur_msg));
			offset += sizeof(ur->ur_msg);

			pool_put(&sc->sc_pool, ur);

			count++;
		}

		bzero(subh, sizeof(*subh));
		subh->action = PFSYNC_ACT_UPD_REQ;
		subh->count = htons(count);
		V_pfsync_st.tx_msgs[PFSYNC_ACT_UPD_REQ] += count; /* pfsim */
	}

	/* has someone built a custom region for us to add? */
	if (sc->sc_plus != NULL) {
		bcopy(sc->sc_plus, m->m_data + offset, sc->sc_pluslen);
		/* pfsim: results: the region is one sub-header + records */
		subh = (struct pfsync_subheader *)(m->m_data + offset);
		V_pfsync_st.tx_msgs[subh->action] += ntohs(subh->count);
		offset += sc->sc_pluslen;

		sc->sc_plus = NULL;
	}

	/* pfsim: no TDB queue (no IPsec) */

	subh = (struct pfsync_subheader *)(m->m_data + offset);
	offset += sizeof(*subh);

	bzero(subh, sizeof(*subh));
	subh->action = PFSYNC_ACT_EOF;
	subh->count = htons(1);
	V_pfsync_st.tx_msgs[PFSYNC_ACT_EOF]++;	/* pfsim */

	/* XXX write checksum in EOF here */
	/* pfsim: the seed leaves the EOF body unwritten; zeros here
	 * (docs/ref/pfsync-v5-engine.md §7, R9). */
	bzero(m->m_data + offset, sizeof(struct pfsync_eof));
	offset += sizeof(struct pfsync_eof);
	KASSERT(offset == (int)sc->sc_len);

	/* we're done, let's put it on the wire */
	sc->sc_if.if_opackets++;
	sc->sc_if.if_obytes += m->m_pkthdr.len;
	pfsync_count_tx(m);	/* pfsim: results */
	(void)ifp;

	/*
	 * pfsim: sc_len is reset before ip_output (as P110): the output
	 * path may re-enter pfsync (pf OUT on the sync device).
	 */
	sc->sc_len = PFSYNC_MINPKT;

	if (ip_output(m, NULL, NULL, IP_RAWOUTPUT, &sc->sc_imo, NULL) == 0)
		V_pfsyncstats.pfsyncs_opackets++;
	else
		V_pfsyncstats.pfsyncs_oerrors++;

	/* pfsim: the seed's "start again" reset moved above (P110) */
}

/* if_pfsync.c (seed): pfsync_insert_state */
void
pfsync_insert_state(struct pf_state *st)
{
	struct pfsync_softc *sc = V_pfsyncif;

	splassert(IPL_SOFTNET);

	if (ISSET(st->rule.ptr->rule_flag, PFRULE_NOSYNC) ||
	    st->key[PF_SK_WIRE]->proto == IPPROTO_PFSYNC) {
		SET(st->state_flags, PFSTATE_NOSYNC);
		return;
	}

	if (sc == NULL || ISSET(st->state_flags, PFSTATE_NOSYNC))
		return;

#ifdef PFSYNC_DEBUG
	KASSERT(st->sync_state == PFSYNC_S_NONE);
#endif

	if (sc->sc_len == PFSYNC_MINPKT)
		timeout_add_sec(&sc->sc_tmo, 1);

	pfsync_q_ins(st, PFSYNC_S_INS);

	if (ISSET(st->state_flags, PFSTATE_ACK))
		schednetisr(NETISR_PFSYNC);
	else
		st->sync_updates = 0;
}

/* if_pfsync.c (seed): pfsync_defer */
int
pfsync_defer(struct pf_state *st, struct mbuf *m)
{
	struct pfsync_softc *sc = V_pfsyncif;
	struct pfsync_deferral *pd;

	splassert(IPL_SOFTNET);

	/* pfsim: pfsync.defer = no (the 4.6 flag) */
	if (sc == NULL || !sc->sc_defer)
		return (0);

	if (sc->sc_deferred >= 128) {
		V_pfsync_st.defer_overflow++;	/* pfsim: results */
		pfsync_undefer(TAILQ_FIRST(&sc->sc_deferrals), 0);
	}

	pd = pool_get(&sc->sc_pool, M_NOWAIT);
	if (pd == NULL) {
		V_pfsync_st.defer_nomem++;	/* pfsim: results */
		return (0);
	}
	sc->sc_deferred++;
	V_pfsync_st.defer_held++;	/* pfsim: results */

	m->m_pkthdr.pf.flags |= PF_TAG_GENERATED;
	SET(st->state_flags, PFSTATE_ACK);

	pd->pd_st = st;
	pd->pd_m = m;

	TAILQ_INSERT_TAIL(&sc->sc_deferrals, pd, pd_entry);
	timeout_set(&pd->pd_tmo, pfsync_defer_tmo, pd);
	timeout_add(&pd->pd_tmo, V_defer);

	/*
	 * pfsim: pfsync.defer_kick = yes sends the INS (with the ack
	 * request) at the end of this softnet pass, as later OpenBSD does;
	 * the seed leaves it for the next send or the 1 s timer
	 * (docs/ref/pfsync-v5-engine.md §7, R5).
	 */
	if (V_pfsync->pv_conf.defer_kick)
		schednetisr(NETISR_PFSYNC);

	return (1);
}

/* if_pfsync.c (seed): pfsync_undefer */
void
pfsync_undefer(struct pfsync_deferral *pd, int drop)
{
	struct pfsync_softc *sc = V_pfsyncif;
	int s;

	splassert(IPL_SOFTNET);

	TAILQ_REMOVE(&sc->sc_deferrals, pd, pd_entry);
	sc->sc_deferred--;

	CLR(pd->pd_st->state_flags, PFSTATE_ACK);
	timeout_del(&pd->pd_tmo); /* bah */
	if (drop)
		m_freem(pd->pd_m);
	else {
		s = splnet();
		ip_output(pd->pd_m, (void *)NULL, (void *)NULL, 0,
		    (void *)NULL, (void *)NULL);
		splx(s);
	}

	pool_put(&sc->sc_pool, pd);
}

/* if_pfsync.c (seed): pfsync_defer_tmo */
void
pfsync_defer_tmo(void *arg)
{
	int s;

	V_pfsync_st.defer_timeout++;	/* pfsim: results */
	s = splsoftnet();
	pfsync_undefer(arg, 0);
	splx(s);
}

/* if_pfsync.c (seed): pfsync_deferred */
void
pfsync_deferred(struct pf_state *st, int drop)
{
	struct pfsync_softc *sc = V_pfsyncif;
	struct pfsync_deferral *pd;

	TAILQ_FOREACH(pd, &sc->sc_deferrals, pd_entry) {
		if (pd->pd_st == st) {
			pfsync_undefer(pd, drop);
			return;
		}
	}

	panic("pfsync_send_deferred: unable to find deferred state");
}

/* if_pfsync.c (seed): pfsync_update_state */
void
pfsync_update_state(struct pf_state *st)
{
	struct pfsync_softc *sc = V_pfsyncif;
	int sync = 0;

	splassert(IPL_SOFTNET);

	if (sc == NULL)
		return;

	if (ISSET(st->state_flags, PFSTATE_ACK)) {
		V_pfsync_st.defer_local++;	/* pfsim: results */
		pfsync_deferred(st, 0);
	}
	if (ISSET(st->state_flags, PFSTATE_NOSYNC)) {
		if (st->sync_state != PFSYNC_S_NONE)
			pfsync_q_del(st);
		return;
	}

	if (sc->sc_len == PFSYNC_MINPKT)
		timeout_add_sec(&sc->sc_tmo, 1);

	switch (st->sync_state) {
	case PFSYNC_S_UPD_C:
	case PFSYNC_S_UPD:
	case PFSYNC_S_INS:
		/* we're already handling it */

		st->sync_updates++;
		if (st->sync_updates >= sc->sc_maxupdates)
			sync = 1;
		break;

	case PFSYNC_S_IACK:
		pfsync_q_del(st);
		/* FALLTHROUGH */
	case PFSYNC_S_NONE:
		pfsync_q_ins(st, PFSYNC_S_UPD_C);
		st->sync_updates = 0;
		break;

	default:
		panic("pfsync_update_state: unexpected sync state %d",
		    st->sync_state);
	}

	if (sync || (time_second - st->pfsync_time) < 2) {
		V_pfsync_upds++;
		schednetisr(NETISR_PFSYNC);
	}
}

/* if_pfsync.c (seed): pfsync_request_update */
void
pfsync_request_update(u_int32_t creatorid, u_int64_t id)
{
	struct pfsync_softc *sc = V_pfsyncif;
	struct pfsync_upd_req_item *item;
	size_t nlen = sizeof(struct pfsync_upd_req);
	int s;

	/*
	 * this code does nothing to prevent multiple update requests for the
	 * same state being generated.
	 */

	item = pool_get(&sc->sc_pool, PR_NOWAIT);
	if (item == NULL) {
		/* XXX stats */
		V_pfsync_st.ureq_nomem++;	/* pfsim: results */
		return;
	}

	item->ur_msg.id = id;
	item->ur_msg.creatorid = creatorid;
	if (id != 0 || creatorid != 0)
		V_pfsync_st.upd_req_sent++;	/* pfsim: results */

	if (TAILQ_EMPTY(&sc->sc_upd_req_list))
		nlen += sizeof(struct pfsync_subheader);

	if (sc->sc_len + nlen > sc->sc_if.if_mtu) {
		s = splnet();
		V_pfsync_txr = PFSYNC_TXR_FULL;	/* pfsim: results */
		pfsync_sendout();
		splx(s);

		nlen = sizeof(struct pfsync_subheader) +
		    sizeof(struct pfsync_upd_req);
	}

	TAILQ_INSERT_TAIL(&sc->sc_upd_req_list, item, ur_entry);
	sc->sc_len += nlen;

	schednetisr(NETISR_PFSYNC);
}

/* if_pfsync.c (seed): pfsync_update_state_req */
void
pfsync_update_state_req(struct pf_state *st)
{
	struct pfsync_softc *sc = V_pfsyncif;

	if (sc == NULL)
		panic("pfsync_update_state_req: nonexistant instance");

	if (ISSET(st->state_flags, PFSTATE_NOSYNC)) {
		if (st->sync_state != PFSYNC_S_NONE)
			pfsync_q_del(st);
		return;
	}

	switch (st->sync_state) {
	case PFSYNC_S_UPD_C:
	case PFSYNC_S_IACK:
		pfsync_q_del(st);
		/* FALLTHROUGH */
	case PFSYNC_S_NONE:
		pfsync_q_ins(st, PFSYNC_S_UPD);
		schednetisr(NETISR_PFSYNC);
		return;

	case PFSYNC_S_INS:
	case PFSYNC_S_UPD:
	case PFSYNC_S_DEL:
		/* we're already handling it */
		return;

	default:
		panic("pfsync_update_state_req: unexpected sync state %d",
		    st->sync_state);
	}
}

/* if_pfsync.c (seed, "pfstate_delete_state"): pfsync_delete_state */
void
pfsync_delete_state(struct pf_state *st)
{
	struct pfsync_softc *sc = V_pfsyncif;

	splassert(IPL_SOFTNET);

	if (sc == NULL)
		return;

	if (ISSET(st->state_flags, PFSTATE_ACK)) {
		V_pfsync_st.defer_dropped++;	/* pfsim: results */
		pfsync_deferred(st, 1);
	}
	if (ISSET(st->state_flags, PFSTATE_NOSYNC)) {
		if (st->sync_state != PFSYNC_S_NONE)
			pfsync_q_del(st);
		return;
	}

	if (sc->sc_len == PFSYNC_MINPKT)
		timeout_add_sec(&sc->sc_tmo, 1);

	switch (st->sync_state) {
	case PFSYNC_S_INS:
		/* we never got to tell the world so just forget about it */
		pfsync_q_del(st);
		return;

	case PFSYNC_S_UPD_C:
	case PFSYNC_S_UPD:
	case PFSYNC_S_IACK:
		pfsync_q_del(st);
		/* FALLTHROUGH to putting it on the del list */
		/* FALLTHROUGH */

	case PFSYNC_S_NONE:
		pfsync_q_ins(st, PFSYNC_S_DEL);
		return;

	default:
		panic("pfsync_delete_state: unexpected sync state %d",
		    st->sync_state);
	}
}

/* if_pfsync.c (seed): pfsync_clear_states */
void
pfsync_clear_states(u_int32_t creatorid, const char *ifname)
{
	struct {
		struct pfsync_subheader subh;
		struct pfsync_clr clr;
	} __packed r;

	struct pfsync_softc *sc = V_pfsyncif;

	splassert(IPL_SOFTNET);

	if (sc == NULL)
		return;

	bzero(&r, sizeof(r));

	r.subh.action = PFSYNC_ACT_CLR;
	r.subh.count = htons(1);

	/* pfsim: NULL is "every interface"; strlcpy (names fit IFNAMSIZ) */
	if (ifname != NULL)
		strlcpy(r.clr.ifname, ifname, sizeof(r.clr.ifname));
	r.clr.creatorid = creatorid;

	pfsync_send_plus(&r, sizeof(r));
}

/* if_pfsync.c (seed): pfsync_q_ins */
void
pfsync_q_ins(struct pf_state *st, int q)
{
	struct pfsync_softc *sc = V_pfsyncif;
	size_t nlen = pfsync_qs[q].len;
	int s;

	KASSERT(st->sync_state == PFSYNC_S_NONE);

#if 1 || defined(PFSYNC_DEBUG)
	if (sc->sc_len < PFSYNC_MINPKT)
		panic("pfsync pkt len is too low %zu", sc->sc_len);
#endif
	if (TAILQ_EMPTY(&sc->sc_qs[q]))
		nlen += sizeof(struct pfsync_subheader);

	if (sc->sc_len + nlen > sc->sc_if.if_mtu) {
		s = splnet();
		V_pfsync_txr = PFSYNC_TXR_FULL;	/* pfsim: results */
		pfsync_sendout();
		splx(s);

		nlen = sizeof(struct pfsync_subheader) + pfsync_qs[q].len;
	}

	sc->sc_len += nlen;
	TAILQ_INSERT_TAIL(&sc->sc_qs[q], st, sync_list);
	st->sync_state = q;
}

/* if_pfsync.c (seed): pfsync_q_del */
void
pfsync_q_del(struct pf_state *st)
{
	struct pfsync_softc *sc = V_pfsyncif;
	int q = st->sync_state;

	KASSERT(st->sync_state != PFSYNC_S_NONE);

	sc->sc_len -= pfsync_qs[q].len;
	TAILQ_REMOVE(&sc->sc_qs[q], st, sync_list);
	st->sync_state = PFSYNC_S_NONE;

	if (TAILQ_EMPTY(&sc->sc_qs[q]))
		sc->sc_len -= sizeof(struct pfsync_subheader);
}

/* if_pfsync.c (seed): pfsync_bulk_start */
void
pfsync_bulk_start(void)
{
	struct pfsync_softc *sc = V_pfsyncif;

	sc->sc_ureq_received = time_uptime;

	if (sc->sc_bulk_next == NULL)
		sc->sc_bulk_next = TAILQ_FIRST(&V_state_list);
	sc->sc_bulk_last = sc->sc_bulk_next;

	if (V_pf_status.debug >= PF_DEBUG_MISC)
		printf("pfsync: received bulk update request\n");

	pfsync_bulk_status(PFSYNC_BUS_START);
	/* pfsim: the seed walks a NULL cursor on an empty table
	 * (docs/ref/pfsync-v5-engine.md §7, R7) */
	if (sc->sc_bulk_next == NULL) {
		sc->sc_bulk_last = NULL;
		pfsync_bulk_status(PFSYNC_BUS_END);
		return;
	}
	pfsync_bulk_update(sc);
}

/* if_pfsync.c (seed): pfsync_bulk_update */
void
pfsync_bulk_update(void *arg)
{
	struct pfsync_softc *sc = arg;
	struct pf_state *st = sc->sc_bulk_next;
	int i = 0;

	do {
		if (st->sync_state == PFSYNC_S_NONE &&
		    st->timeout < PFTM_MAX &&
		    st->pfsync_time <= sc->sc_ureq_received) {
			pfsync_update_state_req(st);
			i++;
			V_pfsync_st.bulk_states_sent++;	/* pfsim: results */
		}

		st = TAILQ_NEXT(st, entry_list);
		if (st == NULL)
			st = TAILQ_FIRST(&V_state_list);

		if (i > 0 && TAILQ_EMPTY(&sc->sc_qs[PFSYNC_S_UPD])) {
			sc->sc_bulk_next = st;
			timeout_add(&sc->sc_bulk_tmo, 1);
			return;
		}
		/*
		 * pfsim: the test above never holds (q_ins flushes before it
		 * queues), so the seed sends the whole table at once
		 * (docs/ref/pfsync-v5-engine.md §7, R7).
		 * pfsync.bulk_pace = tick stops once a packet is full and
		 * goes on at the next tick, as the timeout above intends.
		 */
		if (V_pfsync->pv_conf.bulk_pace == PFSYNC_PACE_TICK && i > 0 &&
		    st != sc->sc_bulk_last && sc->sc_len +
		    sizeof(struct pfsync_state) > sc->sc_if.if_mtu) {
			sc->sc_bulk_next = st;
			timeout_add(&sc->sc_bulk_tmo, 1);
			return;
		}
	} while (st != sc->sc_bulk_last);

	/* we're done */
	sc->sc_bulk_next = NULL;
	sc->sc_bulk_last = NULL;
	pfsync_bulk_status(PFSYNC_BUS_END);
}

/* if_pfsync.c (seed): pfsync_bulk_status */
void
pfsync_bulk_status(u_int8_t status)
{
	struct {
		struct pfsync_subheader subh;
		struct pfsync_bus bus;
	} __packed r;

	struct pfsync_softc *sc = V_pfsyncif;

	bzero(&r, sizeof(r));

	r.subh.action = PFSYNC_ACT_BUS;
	r.subh.count = htons(1);

	r.bus.creatorid = V_pf_status.hostid;
	r.bus.endtime = htonl(time_uptime - sc->sc_ureq_received);
	r.bus.status = status;

	/* pfsim: results */
	if (status == PFSYNC_BUS_START)
		V_pfsync_st.bulk_start_sent++;
	else
		V_pfsync_st.bulk_end_sent++;

	pfsync_send_plus(&r, sizeof(r));
}

/* if_pfsync.c (seed): pfsync_bulk_fail */
void
pfsync_bulk_fail(void *arg)
{
	struct pfsync_softc *sc = arg;

	if (sc->sc_bulk_tries++ < PFSYNC_MAX_BULKTRIES) {
		/* Try again */
		timeout_add_sec(&sc->sc_bulkfail_tmo, 5);
		V_pfsync_st.bulk_retries++;	/* pfsim: results */
		V_pfsync_st.bulk_req_sent++;
		pfsync_request_update(0, 0);
	} else {
		/* Pretend like the transfer was ok */
		sc->sc_ureq_sent = 0;
		sc->sc_bulk_tries = 0;
		/* pfsim: no carp (NCARP 0): no undemote */
		V_pfsync_sync_ok = 1;
		V_pfsync_st.bulk_gave_up++;	/* pfsim: results */
		if (V_pf_status.debug >= PF_DEBUG_MISC)
			printf("pfsync: failed to receive bulk update\n");
	}
}

/* if_pfsync.c (seed): pfsync_send_plus */
void
pfsync_send_plus(void *plus, size_t pluslen)
{
	struct pfsync_softc *sc = V_pfsyncif;
	int s;

	if (sc->sc_len + pluslen > sc->sc_if.if_mtu) {
		s = splnet();
		V_pfsync_txr = PFSYNC_TXR_FULL;	/* pfsim: results */
		pfsync_sendout();
		splx(s);
	}

	sc->sc_plus = plus;
	sc->sc_len += (sc->sc_pluslen = pluslen);

	s = splnet();
	V_pfsync_txr = PFSYNC_TXR_PLUS;	/* pfsim: results */
	pfsync_sendout();
	splx(s);
}

/* if_pfsync.c (seed): pfsync_up */
int
pfsync_up(void)
{
	struct pfsync_softc *sc = V_pfsyncif;

	if (sc == NULL || !ISSET(sc->sc_if.if_flags, IFF_RUNNING))
		return (0);

	return (1);
}

/* if_pfsync.c (seed): pfsync_state_in_use */
int
pfsync_state_in_use(struct pf_state *st)
{
	struct pfsync_softc *sc = V_pfsyncif;

	if (sc == NULL)
		return (0);

	if (st->sync_state != PFSYNC_S_NONE)
		return (1);

	if (sc->sc_bulk_next == NULL && sc->sc_bulk_last == NULL)
		return (0);

	return (1);
}

/* if_pfsync.c (seed): pfsync_timeout */
void
pfsync_timeout(void *arg)
{
	int s;

	V_pfsync_tmos++;

	s = splnet();
	V_pfsync_txr = PFSYNC_TXR_TIMER;	/* pfsim: results */
	pfsync_sendout();
	V_pfsync_txr = PFSYNC_TXR_OTHER;
	splx(s);
}

/* this is a softnet/netisr handler */
/* if_pfsync.c (seed): pfsyncintr */
void
pfsyncintr(void)
{
	int s;

	V_pfsync_ints++;

	s = splnet();
	V_pfsync_txr = PFSYNC_TXR_NETISR;	/* pfsim: results */
	pfsync_sendout();
	V_pfsync_txr = PFSYNC_TXR_OTHER;
	splx(s);
}

/*
 * pfsim: after FreeBSD's pfsync_pointers_init and _uninit
 * (sys/netpfil/pf/if_pfsync.c): point pf's hooks (V_pfsync_*_ptr,
 * pfvar.h) and the firewall's pfsync input at this engine, once, when
 * pfsync attaches; pfsync_conf.c chooses v5 or v4 (pfsync4_pointers_init).
 */
void
pfsync_pointers_init(void)
{
	if (curvnet->vnet_pf != NULL) {
		V_pfsync_insert_state_ptr = pfsync_insert_state;
		V_pfsync_update_state_ptr = pfsync_update_state;
		V_pfsync_delete_state_ptr = pfsync_delete_state;
		V_pfsync_clear_states_ptr = pfsync_clear_states;
		V_pfsync_defer_ptr = pfsync_defer;
		V_pfsync_up_ptr = pfsync_up;
		V_pfsync_state_in_use_ptr = pfsync_state_in_use;
	}
	V_pfsync_input_ptr = pfsync_input;
}

void
pfsync_pointers_uninit(void)
{
	if (curvnet->vnet_pf != NULL) {
		V_pfsync_insert_state_ptr = NULL;
		V_pfsync_update_state_ptr = NULL;
		V_pfsync_delete_state_ptr = NULL;
		V_pfsync_clear_states_ptr = NULL;
		V_pfsync_defer_ptr = NULL;
		V_pfsync_up_ptr = NULL;
		V_pfsync_state_in_use_ptr = NULL;
	}
	V_pfsync_input_ptr = NULL;
}
