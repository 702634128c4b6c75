/*	$OpenBSD: pf.c,v 1.634 2009/02/27 12:37:45 henning Exp $ */

/*
 * Copyright (c) 2001 Daniel Hartmeier
 * Copyright (c) 2002 - 2008 Henning Brauer
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *
 *    - Redistributions of source code must retain the above copyright
 *      notice, this list of conditions and the following disclaimer.
 *    - Redistributions in binary form must reproduce the above
 *      copyright notice, this list of conditions and the following
 *      disclaimer in the documentation and/or other materials provided
 *      with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 * "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 * LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS
 * FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
 * COPYRIGHT HOLDERS OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT,
 * INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING,
 * BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
 * LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN
 * ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.
 *
 * Effort sponsored in part by the Defense Advanced Research Projects
 * Agency (DARPA) and Air Force Research Laboratory, Air Force
 * Materiel Command, USAF, under agreement number F30602-01-2-0537.
 *
 */

/*
 * pfsim: pf's packet path after OpenBSD sys/net/pf.c rev 1.632-1.634 with
 * the thesis' pfsync v5 hooks (seed L4164-4297): the state table, rule
 * evaluation, state creation, the TCP full and sloppy trackers, UDP, ICMP
 * and other protocols, timeouts and the purge thread. IPv4 only; no NAT,
 * scrub, synproxy, source tracking, tables, anchors, queueing or logging
 * to pflog. Behaviour: docs/ref/pf-state-tracking.md. The id line and
 * licence are rev 1.634's; UPSTREAM.md has the provenance.
 */

#include "models/pf/pfvar.h"
#include "models/pf/pf_pfsync.h"

static int	pf_state_compare_key(struct pf_state_key *,
		    struct pf_state_key *);
static int	pf_state_compare_id(struct pf_state *, struct pf_state *);

RB_GENERATE(pf_state_tree, pf_state_key, entry, pf_state_compare_key)
RB_GENERATE(pf_state_tree_id, pf_state, entry_id, pf_state_compare_id)

#define ACTION_SET(a, x) \
	do { \
		if ((a) != NULL) \
			*(a) = (x); \
	} while (0)

#define BOUND_IFACE(r, k) \
	((r)->rule_flag & PFRULE_IFBOUND) ? (k) : V_pfi_all

#define STATE_INC_COUNTERS(s)				\
	do {						\
		s->rule.ptr->states_cur++;		\
		s->rule.ptr->states_tot++;		\
		if (s->anchor.ptr != NULL) {		\
			s->anchor.ptr->states_cur++;	\
			s->anchor.ptr->states_tot++;	\
		}					\
		if (s->nat_rule.ptr != NULL) {		\
			s->nat_rule.ptr->states_cur++;	\
			s->nat_rule.ptr->states_tot++;	\
		}					\
	} while (0)

#define STATE_DEC_COUNTERS(s)				\
	do {						\
		if (s->nat_rule.ptr != NULL)		\
			s->nat_rule.ptr->states_cur--;	\
		if (s->anchor.ptr != NULL)		\
			s->anchor.ptr->states_cur--;	\
		s->rule.ptr->states_cur--;		\
	} while (0)

/*
 * pf.c: STATE_LOOKUP. A state being purged drops the packet without rule
 * evaluation. pfsim: no route-to/reply-to, so the rt_kif test is gone.
 */
#define STATE_LOOKUP(i, k, d, s, m)					\
	do {								\
		s = pf_find_state(i, k, d, m);				\
		if (s == NULL || (s)->timeout == PFTM_PURGE)		\
			return (PF_DROP);				\
	} while (0)

static struct pf_state *pf_find_state(struct pfi_kif *,
		    struct pf_state_key_cmp *, u_int, struct mbuf *);
static int	pf_state_key_attach(struct pf_state_key *,
		    struct pf_state *, int);
static void	pf_state_key_detach(struct pf_state *, int);
static void	pf_detach_state(struct pf_state *);
static void	pf_send_tcp(const struct pf_rule *, u_int8_t,
		    const struct pf_addr *, const struct pf_addr *,
		    u_int16_t, u_int16_t, u_int32_t, u_int32_t, u_int8_t,
		    u_int16_t, u_int16_t, u_int8_t, int, u_int16_t,
		    struct ether_header *, struct ifnet *);

/* ------------------------------------------------------------------ */
/* Comparisons, addresses and printing                                */

/* pf.c: pf_state_compare_key */
static int
pf_state_compare_key(struct pf_state_key *a, struct pf_state_key *b)
{
	int	diff;

	if ((diff = a->proto - b->proto) != 0)
		return (diff);
	if ((diff = a->af - b->af) != 0)
		return (diff);
	switch (a->af) {
	case AF_INET:
		if (a->addr[0].addr32[0] > b->addr[0].addr32[0])
			return (1);
		if (a->addr[0].addr32[0] < b->addr[0].addr32[0])
			return (-1);
		if (a->addr[1].addr32[0] > b->addr[1].addr32[0])
			return (1);
		if (a->addr[1].addr32[0] < b->addr[1].addr32[0])
			return (-1);
		break;
	default:
		/* pfsim: OpenBSD's AF_INET6 word order (3 down to 0) */
		if (a->addr[0].addr32[3] > b->addr[0].addr32[3])
			return (1);
		if (a->addr[0].addr32[3] < b->addr[0].addr32[3])
			return (-1);
		if (a->addr[1].addr32[3] > b->addr[1].addr32[3])
			return (1);
		if (a->addr[1].addr32[3] < b->addr[1].addr32[3])
			return (-1);
		if (a->addr[0].addr32[2] > b->addr[0].addr32[2])
			return (1);
		if (a->addr[0].addr32[2] < b->addr[0].addr32[2])
			return (-1);
		if (a->addr[1].addr32[2] > b->addr[1].addr32[2])
			return (1);
		if (a->addr[1].addr32[2] < b->addr[1].addr32[2])
			return (-1);
		if (a->addr[0].addr32[1] > b->addr[0].addr32[1])
			return (1);
		if (a->addr[0].addr32[1] < b->addr[0].addr32[1])
			return (-1);
		if (a->addr[1].addr32[1] > b->addr[1].addr32[1])
			return (1);
		if (a->addr[1].addr32[1] < b->addr[1].addr32[1])
			return (-1);
		if (a->addr[0].addr32[0] > b->addr[0].addr32[0])
			return (1);
		if (a->addr[0].addr32[0] < b->addr[0].addr32[0])
			return (-1);
		if (a->addr[1].addr32[0] > b->addr[1].addr32[0])
			return (1);
		if (a->addr[1].addr32[0] < b->addr[1].addr32[0])
			return (-1);
		break;
	}

	if ((diff = a->port[0] - b->port[0]) != 0)
		return (diff);
	if ((diff = a->port[1] - b->port[1]) != 0)
		return (diff);

	return (0);
}

/* pf.c: pf_state_compare_id */
static int
pf_state_compare_id(struct pf_state *a, struct pf_state *b)
{
	if (a->id > b->id)
		return (1);
	if (a->id < b->id)
		return (-1);
	if (a->creatorid > b->creatorid)
		return (1);
	if (a->creatorid < b->creatorid)
		return (-1);

	return (0);
}

/* pf.c: pf_addrcpy */
void
pf_addrcpy(struct pf_addr *dst, struct pf_addr *src, u_int8_t af)
{
	switch (af) {
	case AF_INET:
		dst->addr32[0] = src->addr32[0];
		break;
	default:
		dst->addr32[0] = src->addr32[0];
		dst->addr32[1] = src->addr32[1];
		dst->addr32[2] = src->addr32[2];
		dst->addr32[3] = src->addr32[3];
		break;
	}
}

/* pf.c: pf_match_addr */
int
pf_match_addr(u_int8_t n, struct pf_addr *a, struct pf_addr *m,
    struct pf_addr *b, u_int8_t af)
{
	int	match = 0;

	switch (af) {
	case AF_INET:
		if ((a->addr32[0] & m->addr32[0]) ==
		    (b->addr32[0] & m->addr32[0]))
			match++;
		break;
	default:
		if (((a->addr32[0] & m->addr32[0]) ==
		     (b->addr32[0] & m->addr32[0])) &&
		    ((a->addr32[1] & m->addr32[1]) ==
		     (b->addr32[1] & m->addr32[1])) &&
		    ((a->addr32[2] & m->addr32[2]) ==
		     (b->addr32[2] & m->addr32[2])) &&
		    ((a->addr32[3] & m->addr32[3]) ==
		     (b->addr32[3] & m->addr32[3])))
			match++;
		break;
	}
	if (match) {
		if (n)
			return (0);
		else
			return (1);
	} else {
		if (n)
			return (1);
		else
			return (0);
	}
}

/* pf.c: pf_match */
int
pf_match(u_int8_t op, u_int32_t a1, u_int32_t a2, u_int32_t p)
{
	switch (op) {
	case PF_OP_IRG:
		return ((p > a1) && (p < a2));
	case PF_OP_XRG:
		return ((p < a1) || (p > a2));
	case PF_OP_RRG:
		return ((p >= a1) && (p <= a2));
	case PF_OP_EQ:
		return (p == a1);
	case PF_OP_NE:
		return (p != a1);
	case PF_OP_LT:
		return (p < a1);
	case PF_OP_LE:
		return (p <= a1);
	case PF_OP_GT:
		return (p > a1);
	case PF_OP_GE:
		return (p >= a1);
	}
	return (0); /* never reached */
}

/* pf.c: pf_match_port */
int
pf_match_port(u_int8_t op, u_int16_t a1, u_int16_t a2, u_int16_t p)
{
	a1 = ntohs(a1);
	a2 = ntohs(a2);
	p = ntohs(p);
	return (pf_match(op, a1, a2, p));
}

/*
 * pfsim: a tiny appending formatter, so the pf_print_* functions below
 * can keep pf's printf sequence while writing into a caller's buffer.
 */
struct pf_pbuf {
	char	*b;
	size_t	 sz;
	size_t	 len;
};

static void pf_pbuf_printf(struct pf_pbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
pf_pbuf_printf(struct pf_pbuf *pb, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(pb->len < pb->sz ? pb->b + pb->len : NULL,
	    pb->len < pb->sz ? pb->sz - pb->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		pb->len += n;
}

/* pf.c: pf_print_host */
static void
pf_pb_host(struct pf_pbuf *pb, struct pf_addr *addr, u_int16_t p,
    u_int8_t af)
{
	switch (af) {
	case AF_INET: {
		u_int32_t a = ntohl(addr->addr32[0]);

		pf_pbuf_printf(pb, "%u.%u.%u.%u", (a>>24)&255, (a>>16)&255,
		    (a>>8)&255, a&255);
		if (p) {
			p = ntohs(p);
			pf_pbuf_printf(pb, ":%u", p);
		}
		break;
	}
	default: {
		int i;

		/* pfsim: plain, uncompressed IPv6 */
		for (i = 0; i < 8; i++)
			pf_pbuf_printf(pb, "%s%x", i ? ":" : "",
			    ntohs(addr->addr16[i]));
		if (p)
			pf_pbuf_printf(pb, "[%u]", ntohs(p));
		break;
	}
	}
}

/* pf.c: pf_print_host (into a buffer, not the console) */
int
pf_print_host(char *b, size_t sz, struct pf_addr *addr, u_int16_t p,
    u_int8_t af)
{
	struct pf_pbuf pb = { b, sz, 0 };

	if (sz)
		b[0] = '\0';
	pf_pb_host(&pb, addr, p, af);
	return ((int)pb.len);
}

/* pf.c: pf_print_state_parts */
static void
pf_pb_state_parts(struct pf_pbuf *pb, struct pf_state *s,
    struct pf_state_key *skwp, struct pf_state_key *sksp)
{
	struct pf_state_key *skw, *sks;
	u_int8_t proto, dir;

	/* Do our best to fill these, but they're skipped if NULL */
	skw = skwp ? skwp : (s ? s->key[PF_SK_WIRE] : NULL);
	sks = sksp ? sksp : (s ? s->key[PF_SK_STACK] : NULL);
	proto = skw ? skw->proto : (sks ? sks->proto : 0);
	dir = s ? s->direction : 0;

	switch (proto) {
	case IPPROTO_TCP:
		pf_pbuf_printf(pb, "TCP ");
		break;
	case IPPROTO_UDP:
		pf_pbuf_printf(pb, "UDP ");
		break;
	case IPPROTO_ICMP:
		pf_pbuf_printf(pb, "ICMP ");
		break;
	default:
		pf_pbuf_printf(pb, "%u ", proto);
		break;
	}
	switch (dir) {
	case PF_IN:
		pf_pbuf_printf(pb, " in");
		break;
	case PF_OUT:
		pf_pbuf_printf(pb, " out");
		break;
	}
	if (skw) {
		pf_pbuf_printf(pb, " wire: ");
		pf_pb_host(pb, &skw->addr[0], skw->port[0], skw->af);
		pf_pbuf_printf(pb, " ");
		pf_pb_host(pb, &skw->addr[1], skw->port[1], skw->af);
	}
	if (sks) {
		pf_pbuf_printf(pb, " stack: ");
		if (sks != skw) {
			pf_pb_host(pb, &sks->addr[0], sks->port[0], sks->af);
			pf_pbuf_printf(pb, " ");
			pf_pb_host(pb, &sks->addr[1], sks->port[1], sks->af);
		} else
			pf_pbuf_printf(pb, "-");
	}
	if (s) {
		if (proto == IPPROTO_TCP) {
			pf_pbuf_printf(pb, " [lo=%u high=%u win=%u "
			    "modulator=%u", s->src.seqlo, s->src.seqhi,
			    s->src.max_win, s->src.seqdiff);
			if (s->src.wscale && s->dst.wscale)
				pf_pbuf_printf(pb, " wscale=%u",
				    s->src.wscale & PF_WSCALE_MASK);
			pf_pbuf_printf(pb, "]");
			pf_pbuf_printf(pb, " [lo=%u high=%u win=%u "
			    "modulator=%u", s->dst.seqlo, s->dst.seqhi,
			    s->dst.max_win, s->dst.seqdiff);
			if (s->src.wscale && s->dst.wscale)
				pf_pbuf_printf(pb, " wscale=%u",
				    s->dst.wscale & PF_WSCALE_MASK);
			pf_pbuf_printf(pb, "]");
		}
		pf_pbuf_printf(pb, " %u:%u", s->src.state, s->dst.state);
	}
}

/* pf.c: pf_print_state (into a buffer, not the console) */
int
pf_print_state(char *b, size_t sz, struct pf_state *s)
{
	struct pf_pbuf pb = { b, sz, 0 };

	if (sz)
		b[0] = '\0';
	pf_pb_state_parts(&pb, s, NULL, NULL);
	return ((int)pb.len);
}

/* pf.c: pf_print_flags */
static void
pf_pb_flags(struct pf_pbuf *pb, u_int8_t f)
{
	if (f)
		pf_pbuf_printf(pb, " ");
	if (f & TH_FIN)
		pf_pbuf_printf(pb, "F");
	if (f & TH_SYN)
		pf_pbuf_printf(pb, "S");
	if (f & TH_RST)
		pf_pbuf_printf(pb, "R");
	if (f & TH_PUSH)
		pf_pbuf_printf(pb, "P");
	if (f & TH_ACK)
		pf_pbuf_printf(pb, "A");
	if (f & TH_URG)
		pf_pbuf_printf(pb, "U");
	if (f & TH_ECE)
		pf_pbuf_printf(pb, "E");
	if (f & TH_CWR)
		pf_pbuf_printf(pb, "W");
}

/* pf.c: pf_print_flags (into a buffer, not the console) */
int
pf_print_flags(char *b, size_t sz, u_int8_t f)
{
	struct pf_pbuf pb = { b, sz, 0 };

	if (sz)
		b[0] = '\0';
	pf_pb_flags(&pb, f);
	return ((int)pb.len);
}

/* pf.c: pf_check_congestion */
int
pf_check_congestion(struct ifqueue *ifq)
{
	if (ifq->ifq_congestion)
		return (1);
	else
		return (0);
}

/* ------------------------------------------------------------------ */
/* State table                                                        */

/* pf.c: pf_state_key_attach */
static int
pf_state_key_attach(struct pf_state_key *sk, struct pf_state *s, int idx)
{
	struct pf_state_item	*si;
	struct pf_state_key	*cur;
	struct pf_state		*olds = NULL;

	KASSERT(s->key[idx] == NULL);	/* XXX handle this? */

	if ((cur = RB_INSERT(pf_state_tree, &V_pf_statetbl, sk)) != NULL) {
		/* key exists. check for same kif, if none, add to key */
		TAILQ_FOREACH(si, &cur->states, entry)
			if (si->s->kif == s->kif &&
			    si->s->direction == s->direction) {
				if (sk->proto == IPPROTO_TCP &&
				    si->s->src.state >= TCPS_FIN_WAIT_2 &&
				    si->s->dst.state >= TCPS_FIN_WAIT_2) {
					si->s->src.state = si->s->dst.state =
					    TCPS_CLOSED;
					/* unlink late or sks can go away */
					olds = si->s;
				} else {
					if (V_pf_status.debug >=
					    PF_DEBUG_MISC) {
						char b[256];

						pf_print_state(b, sizeof(b),
						    s);
						log(LOG_WARNING, "pf: %s key "
						    "attach failed on %s: %s\n",
						    (idx == PF_SK_WIRE) ?
						    "wire" : "stack",
						    s->kif->pfik_name, b);
					}
					pool_put(&V_pf_state_key_pl, sk);
					return (-1);	/* collision! */
				}
			}
		pool_put(&V_pf_state_key_pl, sk);
		s->key[idx] = cur;
	} else
		s->key[idx] = sk;

	if ((si = pool_get(&V_pf_state_item_pl, PR_NOWAIT)) == NULL) {
		pf_state_key_detach(s, idx);
		return (-1);
	}
	si->s = s;

	/* list is sorted, if-bound states before floating */
	if (s->kif == V_pfi_all)
		TAILQ_INSERT_TAIL(&s->key[idx]->states, si, entry);
	else
		TAILQ_INSERT_HEAD(&s->key[idx]->states, si, entry);

	if (olds)
		pf_unlink_state(olds);

	return (0);
}

/* pf.c: pf_detach_state */
static void
pf_detach_state(struct pf_state *s)
{
	if (s->key[PF_SK_WIRE] == s->key[PF_SK_STACK])
		s->key[PF_SK_WIRE] = NULL;

	if (s->key[PF_SK_STACK] != NULL)
		pf_state_key_detach(s, PF_SK_STACK);

	if (s->key[PF_SK_WIRE] != NULL)
		pf_state_key_detach(s, PF_SK_WIRE);
}

/* pf.c: pf_state_key_detach */
static void
pf_state_key_detach(struct pf_state *s, int idx)
{
	struct pf_state_item	*si;

	si = TAILQ_FIRST(&s->key[idx]->states);
	while (si && si->s != s)
	    si = TAILQ_NEXT(si, entry);

	if (si) {
		TAILQ_REMOVE(&s->key[idx]->states, si, entry);
		pool_put(&V_pf_state_item_pl, si);
	}

	if (TAILQ_EMPTY(&s->key[idx]->states)) {
		RB_REMOVE(pf_state_tree, &V_pf_statetbl, s->key[idx]);
		if (s->key[idx]->reverse)
			s->key[idx]->reverse->reverse = NULL;
		pool_put(&V_pf_state_key_pl, s->key[idx]);
	}
	s->key[idx] = NULL;
}

/* pf.c: pf_alloc_state_key */
struct pf_state_key *
pf_alloc_state_key(int pool_flags)
{
	struct pf_state_key	*sk;

	if ((sk = pool_get(&V_pf_state_key_pl, pool_flags)) == NULL)
		return (NULL);
	TAILQ_INIT(&sk->states);

	return (sk);
}

/* pf.c: pf_state_key_setup (pfsim: no NAT, so skw == sks) */
static int
pf_state_key_setup(struct pf_pdesc *pd, struct pf_state_key **skw,
    struct pf_state_key **sks, struct pf_state_key **skp,
    struct pf_state_key **nkp, struct pf_addr *saddr,
    struct pf_addr *daddr, u_int16_t sport, u_int16_t dport)
{
	KASSERT((*skp == NULL && *nkp == NULL));

	if ((*skp = pf_alloc_state_key(PR_NOWAIT | PR_ZERO)) == NULL)
		return (ENOMEM);

	PF_ACPY(&(*skp)->addr[pd->sidx], saddr, pd->af);
	PF_ACPY(&(*skp)->addr[pd->didx], daddr, pd->af);
	(*skp)->port[pd->sidx] = sport;
	(*skp)->port[pd->didx] = dport;
	(*skp)->proto = pd->proto;
	(*skp)->af = pd->af;

	*nkp = *skp;

	if (pd->dir == PF_IN) {
		*skw = *skp;
		*sks = *nkp;
	} else {
		*sks = *skp;
		*skw = *nkp;
	}
	return (0);
}

/* pf.c: pf_state_insert */
int
pf_state_insert(struct pfi_kif *kif, struct pf_state_key *skw,
    struct pf_state_key *sks, struct pf_state *s)
{
	splassert(IPL_SOFTNET);

	s->kif = kif;

	if (skw == sks) {
		if (pf_state_key_attach(skw, s, PF_SK_WIRE))
			return (-1);
		s->key[PF_SK_STACK] = s->key[PF_SK_WIRE];
	} else {
		if (pf_state_key_attach(skw, s, PF_SK_WIRE)) {
			pool_put(&V_pf_state_key_pl, sks);
			return (-1);
		}
		if (pf_state_key_attach(sks, s, PF_SK_STACK)) {
			pf_state_key_detach(s, PF_SK_WIRE);
			return (-1);
		}
	}

	if (s->id == 0 && s->creatorid == 0) {
		s->id = htobe64(V_pf_status.stateid++);
		s->creatorid = V_pf_status.hostid;
	}
	if (RB_INSERT(pf_state_tree_id, &V_tree_id, s) != NULL) {
		if (V_pf_status.debug >= PF_DEBUG_MISC) {
			log(LOG_WARNING, "pf: state insert failed: "
			    "id: %016llx creatorid: %08x\n",
			    (unsigned long long)betoh64(s->id),
			    ntohl(s->creatorid));
		}
		pf_detach_state(s);
		return (-1);
	}
	TAILQ_INSERT_TAIL(&V_state_list, s, entry_list);
	V_pf_status.fcounters[FCNT_STATE_INSERT]++;
	V_pf_status.states++;
	pfi_kif_ref(kif, PFI_KIF_REF_STATE);
#if NPFSYNC > 0
	if (V_pfsync_insert_state_ptr != NULL)	/* pfsim: hook */
		V_pfsync_insert_state_ptr(s);
#endif
	return (0);
}

/* pf.c: pf_find_state_byid */
struct pf_state *
pf_find_state_byid(struct pf_state_cmp *key)
{
	V_pf_status.fcounters[FCNT_STATE_SEARCH]++;

	return (RB_FIND(pf_state_tree_id, &V_tree_id,
	    (struct pf_state *)key));
}

/* pf.c: pf_find_state */
static struct pf_state *
pf_find_state(struct pfi_kif *kif, struct pf_state_key_cmp *key, u_int dir,
    struct mbuf *m)
{
	struct pf_state_key	*sk;
	struct pf_state_item	*si;

	V_pf_status.fcounters[FCNT_STATE_SEARCH]++;

	if (dir == PF_OUT && m->m_pkthdr.pf.statekey &&
	    ((struct pf_state_key *)m->m_pkthdr.pf.statekey)->reverse)
		sk = ((struct pf_state_key *)m->m_pkthdr.pf.statekey)->reverse;
	else {
		if ((sk = RB_FIND(pf_state_tree, &V_pf_statetbl,
		    (struct pf_state_key *)key)) == NULL)
			return (NULL);
		if (dir == PF_OUT && m->m_pkthdr.pf.statekey) {
			((struct pf_state_key *)
			    m->m_pkthdr.pf.statekey)->reverse = sk;
			sk->reverse = m->m_pkthdr.pf.statekey;
		}
	}

	if (dir == PF_OUT)
		m->m_pkthdr.pf.statekey = NULL;

	/* list is sorted, if-bound states before floating ones */
	TAILQ_FOREACH(si, &sk->states, entry)
		if ((si->s->kif == V_pfi_all || si->s->kif == kif) &&
		    sk == (dir == PF_IN ? si->s->key[PF_SK_WIRE] :
		    si->s->key[PF_SK_STACK]))
			return (si->s);

	return (NULL);
}

/* pf.c: pf_find_state_all */
struct pf_state *
pf_find_state_all(struct pf_state_key_cmp *key, u_int dir, int *more)
{
	struct pf_state_key	*sk;
	struct pf_state_item	*si, *ret = NULL;

	V_pf_status.fcounters[FCNT_STATE_SEARCH]++;

	sk = RB_FIND(pf_state_tree, &V_pf_statetbl,
	    (struct pf_state_key *)key);

	if (sk != NULL) {
		TAILQ_FOREACH(si, &sk->states, entry)
			if (dir == PF_INOUT ||
			    (sk == (dir == PF_IN ? si->s->key[PF_SK_WIRE] :
			    si->s->key[PF_SK_STACK]))) {
				if (more == NULL)
					return (si->s);

				if (ret)
					(*more)++;
				else
					ret = si;
			}
	}
	return (ret ? ret->s : NULL);
}

/* ------------------------------------------------------------------ */
/* Expiry and purge                                                   */

/* pf.c: pf_state_expires */
u_int32_t
pf_state_expires(const struct pf_state *state)
{
	u_int32_t	timeout;
	u_int32_t	start;
	u_int32_t	end;
	u_int32_t	states;

	/* handle all PFTM_* > PFTM_MAX here */
	if (state->timeout == PFTM_PURGE)
		return (time_second);
	if (state->timeout == PFTM_UNTIL_PACKET)
		return (0);
	KASSERT(state->timeout != PFTM_UNLINKED);
	KASSERT(state->timeout < PFTM_MAX);
	timeout = state->rule.ptr->timeout[state->timeout];
	if (!timeout)
		timeout = V_pf_default_rule.timeout[state->timeout];
	start = state->rule.ptr->timeout[PFTM_ADAPTIVE_START];
	if (start) {
		end = state->rule.ptr->timeout[PFTM_ADAPTIVE_END];
		states = state->rule.ptr->states_cur;
	} else {
		start = V_pf_default_rule.timeout[PFTM_ADAPTIVE_START];
		end = V_pf_default_rule.timeout[PFTM_ADAPTIVE_END];
		states = V_pf_status.states;
	}
	if (end && states > start && start < end) {
		if (states < end)
			return (state->expire + timeout * (end - states) /
			    (end - start));
		else
			return (time_second);
	}
	return (state->expire + timeout);
}

/*
 * pf.c: pf_purge_thread. pfsim: the kernel thread's loop body; a
 * timeout of hz ticks stands for tsleep(1 * hz) and hands the work to
 * process context (a kern task), which runs it at splsoftnet.
 */
static void
pf_purge_tmo(void *arg)
{
	struct pf_vnet *pv = arg;

	kern_task_add(&pv->pf_purge_task);
}

/* pf.c: pf_purge_thread, one pass per wakeup (a kernel task here) */
void
pf_purge_thread(void *v)
{
	struct pf_vnet *pv = v;
	int s;

	pv->pf_purge_runs++;
	s = splsoftnet();

	/* process a fraction of the state table every second */
	pf_purge_expired_states(1 + (V_pf_status.states
	    / V_pf_default_rule.timeout[PFTM_INTERVAL]));

	/* purge other expired types every PFTM_INTERVAL seconds */
	if (++pv->pf_purge_nloops >=
	    (int)V_pf_default_rule.timeout[PFTM_INTERVAL]) {
		/* pfsim: no fragment cache, no source nodes */
		pv->pf_purge_nloops = 0;
	}

	splx(s);

	timeout_add(&pv->pf_purge_to, 1 * hz);
}

/* pfsim: set up the purge "thread" (pf_ioctl.c: pfattach's kthread) */
void
pf_purge_start(struct pf_vnet *pv)
{
	kern_task_set(&pv->pf_purge_task, pf_purge_thread, pv);
	timeout_set(&pv->pf_purge_to, pf_purge_tmo, pv);
	timeout_add(&pv->pf_purge_to, 1 * hz);
}

/* pf.c: pf_unlink_state */
void
pf_unlink_state(struct pf_state *cur)
{
	splassert(IPL_SOFTNET);

	/* pfsim: no synproxy, so no RST for PF_TCPS_PROXY_DST here */
	RB_REMOVE(pf_state_tree_id, &V_tree_id, cur);
#if NPFSYNC > 0
	/* v5 (seed L4184): always; v4 baseline: only our own states */
	if (V_pfsync_delete_state_ptr != NULL &&	/* pfsim: hook */
	    (!V_pf_sync_delete_own || cur->creatorid == V_pf_status.hostid))
		V_pfsync_delete_state_ptr(cur);
#endif
	cur->timeout = PFTM_UNLINKED;
	pf_detach_state(cur);
}

/* pf.c: pf_free_state */
void
pf_free_state(struct pf_state *cur)
{
	splassert(IPL_SOFTNET);

#if NPFSYNC > 0
	if (V_pfsync_state_in_use_ptr != NULL &&	/* pfsim: hook */
	    V_pfsync_state_in_use_ptr(cur))
		return;
#endif
	KASSERT(cur->timeout == PFTM_UNLINKED);
	/* pfsim: rules outlive their states (no ruleset reload) */
	--cur->rule.ptr->states_cur;
	if (cur->nat_rule.ptr != NULL)
		--cur->nat_rule.ptr->states_cur;
	if (cur->anchor.ptr != NULL)
		--cur->anchor.ptr->states_cur;
	pfi_kif_unref(cur->kif, PFI_KIF_REF_STATE);
	/* pfsim: keep the purge cursor valid if someone else frees */
	if (V_pf_vnet->pf_purge_cur == cur)
		V_pf_vnet->pf_purge_cur = TAILQ_NEXT(cur, entry_list);
	TAILQ_REMOVE(&V_state_list, cur, entry_list);
	pool_put(&V_pf_state_pl, cur);
	V_pf_status.fcounters[FCNT_STATE_REMOVALS]++;
	V_pf_status.states--;
}

/* pf.c: pf_purge_expired_states */
void
pf_purge_expired_states(u_int32_t maxcheck)
{
	struct pf_vnet		*pv = V_pf_vnet;
	struct pf_state		*next;

	while (maxcheck--) {
		/* wrap to start of list when we hit the end */
		if (pv->pf_purge_cur == NULL) {
			pv->pf_purge_cur = TAILQ_FIRST(&V_state_list);
			if (pv->pf_purge_cur == NULL)
				break;	/* list empty */
		}

		/* get next state, as cur may get deleted */
		next = TAILQ_NEXT(pv->pf_purge_cur, entry_list);

		if (pv->pf_purge_cur->timeout == PFTM_UNLINKED) {
			/* free unlinked state */
			pf_free_state(pv->pf_purge_cur);
		} else if (pf_state_expires(pv->pf_purge_cur) <=
		    (u_int32_t)time_second) {
			/* unlink and free expired state */
			pf_unlink_state(pv->pf_purge_cur);
			pf_free_state(pv->pf_purge_cur);
		}
		pv->pf_purge_cur = next;
	}
}

/* ------------------------------------------------------------------ */
/* Packet functions                                                   */

/* pf.c: pf_pull_hdr (IPv4) */
void *
pf_pull_hdr(struct mbuf *m, int off, void *p, int len,
    u_short *actionp, u_short *reasonp, u_int8_t af)
{
	switch (af) {
	case AF_INET: {
		struct ip	*h = mtod(m, struct ip *);
		u_int16_t	 fragoff = (ntohs(h->ip_off) & IP_OFFMASK) << 3;

		if (fragoff) {
			if (fragoff >= len)
				ACTION_SET(actionp, PF_PASS);
			else {
				ACTION_SET(actionp, PF_DROP);
				REASON_SET(reasonp, PFRES_FRAG);
			}
			return (NULL);
		}
		if (m->m_pkthdr.len < off + len ||
		    ntohs(h->ip_len) < off + len) {
			ACTION_SET(actionp, PF_DROP);
			REASON_SET(reasonp, PFRES_SHORT);
			return (NULL);
		}
		break;
	}
	default:
		ACTION_SET(actionp, PF_DROP);
		REASON_SET(reasonp, PFRES_SHORT);
		return (NULL);
	}
	m_copydata(m, off, len, p);
	return (p);
}

/* pf.c: pf_get_wscale */
u_int8_t
pf_get_wscale(struct mbuf *m, int off, u_int16_t th_off, u_int8_t af)
{
	int		 hlen;
	u_int8_t	 hdr[60];
	u_int8_t	*opt, optlen;
	u_int8_t	 wscale = 0;

	hlen = th_off << 2;		/* hlen <= sizeof(hdr) */
	if (hlen <= (int)sizeof(struct tcphdr))
		return (0);
	if (!pf_pull_hdr(m, off, hdr, hlen, NULL, NULL, af))
		return (0);
	opt = hdr + sizeof(struct tcphdr);
	hlen -= sizeof(struct tcphdr);
	while (hlen >= 3) {
		switch (*opt) {
		case TCPOPT_EOL:
		case TCPOPT_NOP:
			++opt;
			--hlen;
			break;
		case TCPOPT_WINDOW:
			wscale = opt[2];
			if (wscale > TCP_MAX_WINSHIFT)
				wscale = TCP_MAX_WINSHIFT;
			wscale |= PF_WSCALE_FLAG;
			/* FALLTHROUGH */
		default:
			optlen = opt[1];
			if (optlen < 2)
				optlen = 2;
			hlen -= optlen;
			opt += optlen;
			break;
		}
	}
	return (wscale);
}

/*
 * pf.c: pf_send_tcp. pfsim: the firewall model builds and sends the
 * segment through the hook; without one the RST is only counted.
 */
static void
pf_send_tcp(const struct pf_rule *r, u_int8_t af,
    const struct pf_addr *saddr, const struct pf_addr *daddr,
    u_int16_t sport, u_int16_t dport, u_int32_t seq, u_int32_t ack,
    u_int8_t flags, u_int16_t win, u_int16_t mss, u_int8_t ttl, int tag,
    u_int16_t rtag, struct ether_header *eh, struct ifnet *ifp)
{
	struct pf_vnet *pv = V_pf_vnet;

	(void)r;
	(void)af;
	(void)mss;
	(void)tag;
	(void)rtag;
	(void)eh;
	pv->pf_rst_sent++;
	if (pv->pf_send_tcp_hook != NULL)
		pv->pf_send_tcp_hook(pv->pf_send_tcp_arg, saddr, daddr,
		    sport, dport, seq, ack, flags, win, ttl, ifp);
}

/* ------------------------------------------------------------------ */
/* Rules and state creation                                           */

/* pf.c: pf_create_state */
static __inline int
pf_create_state(struct pf_rule *r, struct pf_rule *a, struct pf_pdesc *pd,
    struct pf_state_key *skw, struct pf_state_key *sks,
    struct pf_state_key *nk, struct pf_state_key *sk, struct mbuf *m,
    int off, u_int16_t sport, u_int16_t dport, struct pfi_kif *kif,
    struct pf_state **sm, int tag)
{
	struct pf_state		*s = NULL;
	struct tcphdr		*th = pd->hdr.tcp;
	u_short			 reason;

	(void)tag;

	/* check maximums */
	if (r->max_states && (r->states_cur >= r->max_states)) {
		V_pf_status.lcounters[LCNT_STATES]++;
		REASON_SET(&reason, PFRES_MAXSTATES);
		return (PF_DROP);
	}

	s = pool_get(&V_pf_state_pl, PR_NOWAIT | PR_ZERO);
	if (s == NULL) {
		REASON_SET(&reason, PFRES_MEMORY);
		goto csfailed;
	}
	s->rule.ptr = r;
	s->nat_rule.ptr = NULL;
	s->anchor.ptr = a;
	STATE_INC_COUNTERS(s);
	if (r->allow_opts)
		s->state_flags |= PFSTATE_ALLOWOPTS;
	if (r->rule_flag & PFRULE_STATESLOPPY)
		s->state_flags |= PFSTATE_SLOPPY;
	if (r->rule_flag & PFRULE_PFLOW)
		s->state_flags |= PFSTATE_PFLOW;
	s->log = r->log & PF_LOG_ALL;

	s->sync_state = PFSYNC_S_NONE;
	switch (pd->proto) {
	case IPPROTO_TCP:
		s->src.seqlo = ntohl(th->th_seq);
		s->src.seqhi = s->src.seqlo + pd->p_len + 1;
		/* pfsim: no "modulate state" */
		s->src.seqdiff = 0;
		if (th->th_flags & TH_SYN) {
			s->src.seqhi++;
			s->src.wscale = pf_get_wscale(m, off,
			    th->th_off, pd->af);
		}
		s->src.max_win = MAX(ntohs(th->th_win), 1);
		if (s->src.wscale & PF_WSCALE_MASK) {
			/* Remove scale factor from initial window */
			int win = s->src.max_win;
			win += 1 << (s->src.wscale & PF_WSCALE_MASK);
			s->src.max_win = (win - 1) >>
			    (s->src.wscale & PF_WSCALE_MASK);
		}
		if (th->th_flags & TH_FIN)
			s->src.seqhi++;
		s->dst.seqhi = 1;
		s->dst.max_win = 1;
		s->src.state = TCPS_SYN_SENT;
		s->dst.state = TCPS_CLOSED;
		s->timeout = PFTM_TCP_FIRST_PACKET;
		break;
	case IPPROTO_UDP:
		s->src.state = PFUDPS_SINGLE;
		s->dst.state = PFUDPS_NO_TRAFFIC;
		s->timeout = PFTM_UDP_FIRST_PACKET;
		break;
	case IPPROTO_ICMP:
		s->timeout = PFTM_ICMP_FIRST_PACKET;
		break;
	default:
		s->src.state = PFOTHERS_SINGLE;
		s->dst.state = PFOTHERS_NO_TRAFFIC;
		s->timeout = PFTM_OTHER_FIRST_PACKET;
	}

	s->creation = time_second;
	s->expire = time_second;

	s->direction = pd->dir;

	if (sk == NULL && pf_state_key_setup(pd, &skw, &sks, &sk, &nk,
	    pd->src, pd->dst, sport, dport))
		goto csfailed;

	if (pf_state_insert(BOUND_IFACE(r, kif), skw, sks, s)) {
		REASON_SET(&reason, PFRES_STATEINS);
		STATE_DEC_COUNTERS(s);
		pool_put(&V_pf_state_pl, s);
		return (PF_DROP);
	} else
		*sm = s;

	return (PF_PASS);

csfailed:
	if (sk != NULL)
		pool_put(&V_pf_state_key_pl, sk);
	if (nk != NULL && nk != sk)
		pool_put(&V_pf_state_key_pl, nk);
	if (s != NULL) {
		STATE_DEC_COUNTERS(s);
		pool_put(&V_pf_state_pl, s);
	}

	return (PF_DROP);
}

/*
 * pf.c: pf_test_rule. pfsim: a linear walk in place of the skip steps
 * (same result), no anchors, tags, NAT or pflog.
 */
static int
pf_test_rule(struct pf_rule **rm, struct pf_state **sm, int direction,
    struct pfi_kif *kif, struct mbuf *m, int off, void *h,
    struct pf_pdesc *pd, struct pf_rule **am, struct pf_ruleset **rsm,
    struct ifqueue *ifq)
{
	struct pf_rule		*r, *a = NULL;
	struct pf_ruleset	*ruleset = NULL;
	struct pf_state_key	*skw = NULL, *sks = NULL;
	struct pf_state_key	*sk = NULL, *nk = NULL;
	u_short			 reason;
	struct pf_addr		*saddr = pd->src, *daddr = pd->dst;
	u_int8_t		 af = pd->af;
	struct tcphdr		*th = pd->hdr.tcp;
	int			 tag = -1;
	u_int16_t		 sport = 0, dport = 0;
	u_int8_t		 icmptype = 0, icmpcode = 0;
	int			 state_icmp = 0;
	int			 match = 0;

	(void)h;

	if (direction == PF_IN && pf_check_congestion(ifq)) {
		REASON_SET(&reason, PFRES_CONGEST);
		return (PF_DROP);
	}

	switch (pd->proto) {
	case IPPROTO_TCP:
		sport = th->th_sport;
		dport = th->th_dport;
		break;
	case IPPROTO_UDP:
		sport = pd->hdr.udp->uh_sport;
		dport = pd->hdr.udp->uh_dport;
		break;
	case IPPROTO_ICMP:
		if (pd->af != AF_INET)
			break;
		sport = dport = pd->hdr.icmp->icmp_id;
		icmptype = pd->hdr.icmp->icmp_type;
		icmpcode = pd->hdr.icmp->icmp_code;

		if (icmptype == ICMP_UNREACH ||
		    icmptype == ICMP_SOURCEQUENCH ||
		    icmptype == ICMP_REDIRECT ||
		    icmptype == ICMP_TIMXCEED ||
		    icmptype == ICMP_PARAMPROB)
			state_icmp++;
		break;
	default:
		sport = dport = 0;
		break;
	}

	r = TAILQ_FIRST(
	    V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.ptr);
	while (r != NULL) {
		r->evaluations++;
		if (pfi_kif_match(r->kif, kif) == r->ifnot)
			r = TAILQ_NEXT(r, entries);
		else if (r->direction && r->direction != direction)
			r = TAILQ_NEXT(r, entries);
		else if (r->af && r->af != af)
			r = TAILQ_NEXT(r, entries);
		else if (r->proto && r->proto != pd->proto)
			r = TAILQ_NEXT(r, entries);
		else if (PF_MISMATCHAW(&r->src.addr, saddr, af,
		    r->src.neg, kif))
			r = TAILQ_NEXT(r, entries);
		/* tcp/udp only. port_op always 0 in other cases */
		else if (r->src.port_op && !pf_match_port(r->src.port_op,
		    r->src.port[0], r->src.port[1], sport))
			r = TAILQ_NEXT(r, entries);
		else if (PF_MISMATCHAW(&r->dst.addr, daddr, af,
		    r->dst.neg, NULL))
			r = TAILQ_NEXT(r, entries);
		/* tcp/udp only. port_op always 0 in other cases */
		else if (r->dst.port_op && !pf_match_port(r->dst.port_op,
		    r->dst.port[0], r->dst.port[1], dport))
			r = TAILQ_NEXT(r, entries);
		/* icmp only. type always 0 in other cases */
		else if (r->type && r->type != icmptype + 1)
			r = TAILQ_NEXT(r, entries);
		/* icmp only. type always 0 in other cases */
		else if (r->code && r->code != icmpcode + 1)
			r = TAILQ_NEXT(r, entries);
		else if (r->tos && !(r->tos == pd->tos))
			r = TAILQ_NEXT(r, entries);
		else if (r->rule_flag & PFRULE_FRAGMENT)
			r = TAILQ_NEXT(r, entries);
		else if (pd->proto == IPPROTO_TCP &&
		    (r->flagset & th->th_flags) != r->flags)
			r = TAILQ_NEXT(r, entries);
		else {
			if (r->tag)
				tag = r->tag;
			match = 1;
			*rm = r;
			*am = a;
			*rsm = ruleset;
			if ((*rm)->quick)
				break;
			r = TAILQ_NEXT(r, entries);
		}
	}
	(void)match;
	r = *rm;
	a = *am;

	REASON_SET(&reason, PFRES_MATCH);

	if ((r->action == PF_DROP) &&
	    ((r->rule_flag & PFRULE_RETURNRST) ||
	    (r->rule_flag & PFRULE_RETURN)) &&
	    pd->proto == IPPROTO_TCP && !(th->th_flags & TH_RST)) {
		/* undo NAT changes, if they have taken place: none here */
		u_int32_t	 ack = ntohl(th->th_seq) + pd->p_len;

		if (th->th_flags & TH_SYN)
			ack++;
		if (th->th_flags & TH_FIN)
			ack++;
		pf_send_tcp(r, af, pd->dst, pd->src, th->th_dport,
		    th->th_sport, ntohl(th->th_ack), ack,
		    TH_RST|TH_ACK, 0, 0, r->return_ttl, 1, 0, pd->eh,
		    kif->pfik_ifp);
	}

	if (r->action == PF_DROP) {
		V_pf_vnet->pf_last_drop_rule = 1;
		return (PF_DROP);
	}

	if (!state_icmp && r->keep_state) {
		int action;

		action = pf_create_state(r, a, pd, skw, sks, nk, sk, m,
		    off, sport, dport, kif, sm, tag);
		if (action != PF_PASS)
			return (action);
	}

#if NPFSYNC > 0
	if (*sm != NULL && !ISSET((*sm)->state_flags, PFSTATE_NOSYNC) &&
	    direction == PF_OUT && V_pfsync_up_ptr != NULL &&
	    V_pfsync_up_ptr()) {	/* pfsim: hook */
		/*
		 * We want the state created, but we dont
		 * want to send this in case a partner
		 * firewall has to know about it to allow
		 * replies through it.
		 */
		if (V_pfsync_defer_ptr(*sm, m))
			return (PF_DEFER);
	}
#endif

	return (PF_PASS);
}

/* pf.c: pf_test_fragment (pfsim: rules only, no fragment cache) */
static int
pf_test_fragment(struct pf_rule **rm, int direction, struct pfi_kif *kif,
    struct mbuf *m, void *h, struct pf_pdesc *pd, struct pf_rule **am,
    struct pf_ruleset **rsm)
{
	struct pf_rule		*r, *a = NULL;
	struct pf_ruleset	*ruleset = NULL;
	u_int8_t		 af = pd->af;
	u_short			 reason;

	(void)m;
	(void)h;
	r = TAILQ_FIRST(
	    V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.ptr);
	while (r != NULL) {
		r->evaluations++;
		if (pfi_kif_match(r->kif, kif) == r->ifnot)
			r = TAILQ_NEXT(r, entries);
		else if (r->direction && r->direction != direction)
			r = TAILQ_NEXT(r, entries);
		else if (r->af && r->af != af)
			r = TAILQ_NEXT(r, entries);
		else if (r->proto && r->proto != pd->proto)
			r = TAILQ_NEXT(r, entries);
		else if (PF_MISMATCHAW(&r->src.addr, pd->src, af,
		    r->src.neg, kif))
			r = TAILQ_NEXT(r, entries);
		else if (PF_MISMATCHAW(&r->dst.addr, pd->dst, af,
		    r->dst.neg, NULL))
			r = TAILQ_NEXT(r, entries);
		else if (r->tos && !(r->tos == pd->tos))
			r = TAILQ_NEXT(r, entries);
		else if ((pd->proto == IPPROTO_TCP ||
		    pd->proto == IPPROTO_UDP) &&
		    (r->src.port_op || r->dst.port_op))
			r = TAILQ_NEXT(r, entries);
		else if (pd->proto == IPPROTO_TCP && r->flagset)
			r = TAILQ_NEXT(r, entries);
		else if (r->type || r->code)
			r = TAILQ_NEXT(r, entries);
		else {
			*rm = r;
			*am = a;
			*rsm = ruleset;
			if ((*rm)->quick)
				break;
			r = TAILQ_NEXT(r, entries);
		}
	}
	r = *rm;

	REASON_SET(&reason, PFRES_MATCH);

	if (r->action != PF_PASS) {
		V_pf_vnet->pf_last_drop_rule = 1;
		return (PF_DROP);
	}

	return (PF_PASS);
}

/* ------------------------------------------------------------------ */
/* TCP tracking                                                       */

/*
 * pfsim: the trace hook and pf's own debug message for a BAD state
 * drop (pf.c pf_tcp_track_full), with the same fields.
 */
static void
pf_badstate_report(struct pf_state *st, struct pf_state_peer *src,
    struct pf_state_peer *dst, struct tcphdr *th, struct pf_pdesc *pd,
    u_int32_t seq, u_int32_t orig_seq, u_int32_t ack, u_int32_t end,
    int ackskew, u_int8_t sws, u_int8_t dws)
{
	struct pf_vnet		*pv = V_pf_vnet;
	struct pf_badstate	 bs;
	char			 l1[512], l2[64];
	struct pf_pbuf		 pb = { l1, sizeof(l1), 0 };

	if (pv->pf_trace == NULL && V_pf_status.debug < PF_DEBUG_MISC)
		return;

#define MAXACKWINDOW (0xffff + 1500)	/* 1500 is an arbitrary fudge factor */
	bs.st = st;
	bs.flags = th->th_flags;
	bs.seq = seq;
	bs.orig_seq = orig_seq;
	bs.ack = ack;
	bs.len = pd->p_len;
	bs.ackskew = ackskew;
	bs.dir = pd->dir;
	bs.fwd = pd->dir == st->direction;
	bs.fail[0] = SEQ_GEQ(src->seqhi, end) ? ' ' : '1';
	bs.fail[1] = SEQ_GEQ(seq, src->seqlo - ((u_int32_t)dst->max_win << dws)) ?
	    ' ': '2';
	bs.fail[2] = (ackskew >= -MAXACKWINDOW) ? ' ' : '3';
	bs.fail[3] = (ackskew <= (int)((u_int32_t)MAXACKWINDOW << sws)) ? ' ' : '4';
	bs.fail[4] = SEQ_GEQ(src->seqhi + MAXACKWINDOW, end) ?' ' :'5';
	bs.fail[5] = SEQ_GEQ(seq, src->seqlo - MAXACKWINDOW) ?' ' :'6';

	pf_pbuf_printf(&pb, "pf: BAD state: ");
	pf_pb_state_parts(&pb, st, NULL, NULL);
	pf_pb_flags(&pb, th->th_flags);
	pf_pbuf_printf(&pb, " seq=%u (%u) ack=%u len=%u ackskew=%d "
	    "pkts=%llu:%llu dir=%s,%s", seq, orig_seq, ack, pd->p_len,
	    ackskew, (unsigned long long)st->packets[0],
	    (unsigned long long)st->packets[1],
	    pd->dir == PF_IN ? "in" : "out",
	    pd->dir == st->direction ? "fwd" : "rev");
	snprintf(l2, sizeof(l2), "pf: State failure on: %c %c %c %c | %c %c",
	    bs.fail[0], bs.fail[1], bs.fail[2], bs.fail[3], bs.fail[4],
	    bs.fail[5]);

	pv->pf_badstate_logged++;
	if (pv->pf_trace != NULL)
		pv->pf_trace(pv->pf_trace_arg, kern_now(), &bs, l1, l2);
	if (V_pf_status.debug >= PF_DEBUG_MISC) {
		log(LOG_WARNING, "%s\n", l1);
		log(LOG_WARNING, "%s\n", l2);
	}
}

/*
 * pfsim: window shifts are done in u_int32_t: a shift count of 15 can
 * arrive in a pfsync state, and C leaves the int overflow undefined where
 * the kernel's compiler wrapped. Same bits for every legal shift.
 */
/* pf.c: pf_tcp_track_full */
static int
pf_tcp_track_full(struct pf_state_peer *src, struct pf_state_peer *dst,
    struct pf_state **state, struct pfi_kif *kif, struct mbuf *m, int off,
    struct pf_pdesc *pd, u_short *reason, int *copyback)
{
	struct tcphdr		*th = pd->hdr.tcp;
	u_int16_t		 win = ntohs(th->th_win);
	u_int32_t		 ack, end, seq, orig_seq;
	u_int8_t		 sws, dws;
	int			 ackskew;

	(void)copyback;

	if (src->wscale && dst->wscale && !(th->th_flags & TH_SYN)) {
		sws = src->wscale & PF_WSCALE_MASK;
		dws = dst->wscale & PF_WSCALE_MASK;
	} else
		sws = dws = 0;

	/*
	 * Sequence tracking algorithm from Guido van Rooij's paper:
	 *   http://www.madison-gurkha.com/publications/tcp_filtering/
	 *	tcp_filtering.ps
	 */

	orig_seq = seq = ntohl(th->th_seq);
	if (src->seqlo == 0) {
		/* First packet from this end. Set its state */

		/* pfsim: no scrub, no sequence modulation */
		ack = ntohl(th->th_ack);

		end = seq + pd->p_len;
		if (th->th_flags & TH_SYN) {
			end++;
			if (dst->wscale & PF_WSCALE_FLAG) {
				src->wscale = pf_get_wscale(m, off, th->th_off,
				    pd->af);
				if (src->wscale & PF_WSCALE_FLAG) {
					/* Remove scale factor from initial
					 * window */
					sws = src->wscale & PF_WSCALE_MASK;
					win = ((u_int32_t)win + (1 << sws) - 1)
					    >> sws;
					dws = dst->wscale & PF_WSCALE_MASK;
				} else {
					/* fixup other window */
					dst->max_win = (u_int16_t)
					    ((u_int32_t)dst->max_win <<
					    (dst->wscale & PF_WSCALE_MASK));
					/* in case of a retrans SYN|ACK */
					dst->wscale = 0;
				}
			}
		}
		if (th->th_flags & TH_FIN)
			end++;

		src->seqlo = seq;
		if (src->state < TCPS_SYN_SENT)
			src->state = TCPS_SYN_SENT;

		/*
		 * May need to slide the window (seqhi may have been set by
		 * the crappy stack check or if we picked up the connection
		 * after establishment)
		 */
		if (src->seqhi == 1 ||
		    SEQ_GEQ(end + MAX(1, (u_int32_t)dst->max_win << dws), src->seqhi))
			src->seqhi = end + MAX(1, (u_int32_t)dst->max_win << dws);
		if (win > src->max_win)
			src->max_win = win;

	} else {
		ack = ntohl(th->th_ack) - dst->seqdiff;
		end = seq + pd->p_len;
		if (th->th_flags & TH_SYN)
			end++;
		if (th->th_flags & TH_FIN)
			end++;
	}

	if ((th->th_flags & TH_ACK) == 0) {
		/* Let it pass through the ack skew check */
		ack = dst->seqlo;
	} else if ((ack == 0 &&
	    (th->th_flags & (TH_ACK|TH_RST)) == (TH_ACK|TH_RST)) ||
	    /* broken tcp stacks do not set ack */
	    (dst->state < TCPS_SYN_SENT)) {
		/*
		 * Many stacks (ours included) will set the ACK number in an
		 * FIN|ACK if the SYN times out -- no sequence to ACK.
		 */
		ack = dst->seqlo;
	}

	if (seq == end) {
		/* Ease sequencing restrictions on no data packets */
		seq = src->seqlo;
		end = seq;
	}

	ackskew = dst->seqlo - ack;

	if (SEQ_GEQ(src->seqhi, end) &&
	    /* Last octet inside other's window space */
	    SEQ_GEQ(seq, src->seqlo - ((u_int32_t)dst->max_win << dws)) &&
	    /* Retrans: not more than one window back */
	    (ackskew >= -MAXACKWINDOW) &&
	    /* Acking not more than one reassembled fragment backwards */
	    (ackskew <= (int)((u_int32_t)MAXACKWINDOW << sws)) &&
	    /* Acking not more than one window forward */
	    ((th->th_flags & TH_RST) == 0 || orig_seq == src->seqlo ||
	    (orig_seq == src->seqlo + 1) || (orig_seq + 1 == src->seqlo) ||
	    (pd->flags & PFDESC_IP_REAS) == 0)) {
	    /* Require an exact/+1 sequence match on resets when possible */

		/* update max window */
		if (src->max_win < win)
			src->max_win = win;
		/* synchronize sequencing */
		if (SEQ_GT(end, src->seqlo))
			src->seqlo = end;
		/* slide the window of what the other end can send */
		if (SEQ_GEQ(ack + ((u_int32_t)win << sws), dst->seqhi))
			dst->seqhi = ack + MAX(((u_int32_t)win << sws), 1);


		/* update states */
		if (th->th_flags & TH_SYN)
			if (src->state < TCPS_SYN_SENT)
				src->state = TCPS_SYN_SENT;
		if (th->th_flags & TH_FIN)
			if (src->state < TCPS_CLOSING)
				src->state = TCPS_CLOSING;
		if (th->th_flags & TH_ACK) {
			if (dst->state == TCPS_SYN_SENT) {
				dst->state = TCPS_ESTABLISHED;
				/* pfsim: no source nodes, no conn limit */
			} else if (dst->state == TCPS_CLOSING)
				dst->state = TCPS_FIN_WAIT_2;
		}
		if (th->th_flags & TH_RST)
			src->state = dst->state = TCPS_TIME_WAIT;

		/* update expire time */
		(*state)->expire = time_second;
		if (src->state >= TCPS_FIN_WAIT_2 &&
		    dst->state >= TCPS_FIN_WAIT_2)
			(*state)->timeout = PFTM_TCP_CLOSED;
		else if (src->state >= TCPS_CLOSING &&
		    dst->state >= TCPS_CLOSING)
			(*state)->timeout = PFTM_TCP_FIN_WAIT;
		else if (src->state < TCPS_ESTABLISHED ||
		    dst->state < TCPS_ESTABLISHED)
			(*state)->timeout = PFTM_TCP_OPENING;
		else if (src->state >= TCPS_CLOSING ||
		    dst->state >= TCPS_CLOSING)
			(*state)->timeout = PFTM_TCP_CLOSING;
		else
			(*state)->timeout = PFTM_TCP_ESTABLISHED;

		/* Fall through to PASS packet */

	} else if ((dst->state < TCPS_SYN_SENT ||
		dst->state >= TCPS_FIN_WAIT_2 ||
		src->state >= TCPS_FIN_WAIT_2) &&
	    SEQ_GEQ(src->seqhi + MAXACKWINDOW, end) &&
	    /* Within a window forward of the originating packet */
	    SEQ_GEQ(seq, src->seqlo - MAXACKWINDOW)) {
	    /* Within a window backward of the originating packet */

		/*
		 * This currently handles three situations:
		 *  1) Stupid stacks will shotgun SYNs before their peer
		 *     replies.
		 *  2) When PF catches an already established stream (the
		 *     firewall rebooted, the state table was flushed, routes
		 *     changed...)
		 *  3) Packets get funky immediately after the connection
		 *     closes (this should catch Solaris spurious ACK|FINs
		 *     that web servers like to spew after a close)
		 *
		 * This must be a little more careful than the above code
		 * since packet floods will also be caught here. We don't
		 * update the TTL here to mitigate the damage of a packet
		 * flood and so the same code can handle awkward establishment
		 * and a loosened connection close.
		 * In the establishment case, a correct peer response will
		 * validate the connection, go through the normal state code
		 * and keep updating the state TTL.
		 */

		if (V_pf_status.debug >= PF_DEBUG_MISC) {
			char	b[512], f[16];

			pf_print_state(b, sizeof(b), *state);
			pf_print_flags(f, sizeof(f), th->th_flags);
			log(LOG_WARNING, "pf: loose state match: %s%s "
			    "seq=%u (%u) ack=%u len=%u ackskew=%d "
			    "pkts=%llu:%llu dir=%s,%s\n", b, f, seq, orig_seq,
			    ack, pd->p_len, ackskew,
			    (unsigned long long)(*state)->packets[0],
			    (unsigned long long)(*state)->packets[1],
			    pd->dir == PF_IN ? "in" : "out",
			    pd->dir == (*state)->direction ?
			    "fwd" : "rev");
		}

		/* update max window */
		if (src->max_win < win)
			src->max_win = win;
		/* synchronize sequencing */
		if (SEQ_GT(end, src->seqlo))
			src->seqlo = end;
		/* slide the window of what the other end can send */
		if (SEQ_GEQ(ack + ((u_int32_t)win << sws), dst->seqhi))
			dst->seqhi = ack + MAX(((u_int32_t)win << sws), 1);

		/*
		 * Cannot set dst->seqhi here since this could be a shotgunned
		 * SYN and not an already established connection.
		 */

		if (th->th_flags & TH_FIN)
			if (src->state < TCPS_CLOSING)
				src->state = TCPS_CLOSING;
		if (th->th_flags & TH_RST)
			src->state = dst->state = TCPS_TIME_WAIT;

		/* Fall through to PASS packet */

	} else {
		if ((*state)->dst.state == TCPS_SYN_SENT &&
		    (*state)->src.state == TCPS_SYN_SENT) {
			/* Send RST for state mismatches during handshake */
			if (!(th->th_flags & TH_RST))
				pf_send_tcp((*state)->rule.ptr, pd->af,
				    pd->dst, pd->src, th->th_dport,
				    th->th_sport, ntohl(th->th_ack), 0,
				    TH_RST, 0, 0,
				    (*state)->rule.ptr->return_ttl, 1, 0,
				    pd->eh, kif->pfik_ifp);
			src->seqlo = 0;
			src->seqhi = 1;
			src->max_win = 1;
		} else
			pf_badstate_report(*state, src, dst, th, pd, seq,
			    orig_seq, ack, end, ackskew, sws, dws);
		REASON_SET(reason, PFRES_BADSTATE);
		return (PF_DROP);
	}

	return (PF_PASS);
}

/* pf.c: pf_tcp_track_sloppy */
static int
pf_tcp_track_sloppy(struct pf_state_peer *src, struct pf_state_peer *dst,
	struct pf_state **state, struct pf_pdesc *pd, u_short *reason)
{
	struct tcphdr		*th = pd->hdr.tcp;

	(void)reason;

	if (th->th_flags & TH_SYN)
		if (src->state < TCPS_SYN_SENT)
			src->state = TCPS_SYN_SENT;
	if (th->th_flags & TH_FIN)
		if (src->state < TCPS_CLOSING)
			src->state = TCPS_CLOSING;
	if (th->th_flags & TH_ACK) {
		if (dst->state == TCPS_SYN_SENT) {
			dst->state = TCPS_ESTABLISHED;
		} else if (dst->state == TCPS_CLOSING) {
			dst->state = TCPS_FIN_WAIT_2;
		} else if (src->state == TCPS_SYN_SENT &&
		    dst->state < TCPS_SYN_SENT) {
			/*
			 * Handle a special sloppy case where we only see one
			 * half of the connection. If there is a ACK after
			 * the initial SYN without ever seeing a packet from
			 * the destination, set the connection to established.
			 */
			dst->state = src->state = TCPS_ESTABLISHED;
		} else if (src->state == TCPS_CLOSING &&
		    dst->state == TCPS_ESTABLISHED &&
		    dst->seqlo == 0) {
			/*
			 * Handle the closing of half connections where we
			 * don't see the full bidirectional FIN/ACK+ACK
			 * handshake.
			 */
			dst->state = TCPS_CLOSING;
		}
	}
	if (th->th_flags & TH_RST)
		src->state = dst->state = TCPS_TIME_WAIT;

	/* update expire time */
	(*state)->expire = time_second;
	if (src->state >= TCPS_FIN_WAIT_2 &&
	    dst->state >= TCPS_FIN_WAIT_2)
		(*state)->timeout = PFTM_TCP_CLOSED;
	else if (src->state >= TCPS_CLOSING &&
	    dst->state >= TCPS_CLOSING)
		(*state)->timeout = PFTM_TCP_FIN_WAIT;
	else if (src->state < TCPS_ESTABLISHED ||
	    dst->state < TCPS_ESTABLISHED)
		(*state)->timeout = PFTM_TCP_OPENING;
	else if (src->state >= TCPS_CLOSING ||
	    dst->state >= TCPS_CLOSING)
		(*state)->timeout = PFTM_TCP_CLOSING;
	else
		(*state)->timeout = PFTM_TCP_ESTABLISHED;

	return (PF_PASS);
}

/* pf.c: pf_test_state_tcp */
static int
pf_test_state_tcp(struct pf_state **state, int direction,
    struct pfi_kif *kif, struct mbuf *m, int off, void *h,
    struct pf_pdesc *pd, u_short *reason)
{
	struct pf_state_key_cmp	 key;
	struct tcphdr		*th = pd->hdr.tcp;
	int			 copyback = 0;
	struct pf_state_peer	*src, *dst;

	(void)h;
	memset(&key, 0, sizeof(key));
	key.af = pd->af;
	key.proto = IPPROTO_TCP;
	if (direction == PF_IN)	{	/* wire side, straight */
		PF_ACPY(&key.addr[0], pd->src, key.af);
		PF_ACPY(&key.addr[1], pd->dst, key.af);
		key.port[0] = th->th_sport;
		key.port[1] = th->th_dport;
	} else {			/* stack side, reverse */
		PF_ACPY(&key.addr[1], pd->src, key.af);
		PF_ACPY(&key.addr[0], pd->dst, key.af);
		key.port[1] = th->th_sport;
		key.port[0] = th->th_dport;
	}

	STATE_LOOKUP(kif, &key, direction, *state, m);

	if (direction == (*state)->direction) {
		src = &(*state)->src;
		dst = &(*state)->dst;
	} else {
		src = &(*state)->dst;
		dst = &(*state)->src;
	}

	/* pfsim: no synproxy (PF_TCPS_PROXY_SRC/DST never created here) */

	if (((th->th_flags & (TH_SYN|TH_ACK)) == TH_SYN) &&
	    dst->state >= TCPS_FIN_WAIT_2 &&
	    src->state >= TCPS_FIN_WAIT_2) {
		if (V_pf_status.debug >= PF_DEBUG_MISC) {
			char	b[512], f[16];

			pf_print_state(b, sizeof(b), *state);
			pf_print_flags(f, sizeof(f), th->th_flags);
			log(LOG_WARNING, "pf: state reuse %s%s\n", b, f);
		}
		/* XXX make sure it's the same direction ?? */
		(*state)->src.state = (*state)->dst.state = TCPS_CLOSED;
		pf_unlink_state(*state);
		*state = NULL;
		return (PF_DROP);
	}

	if ((*state)->state_flags & PFSTATE_SLOPPY) {
		if (pf_tcp_track_sloppy(src, dst, state, pd, reason) == PF_DROP)
			return (PF_DROP);
	} else {
		if (pf_tcp_track_full(src, dst, state, kif, m, off, pd, reason,
		    &copyback) == PF_DROP)
			return (PF_DROP);
	}

	return (PF_PASS);
}

/* pf.c: pf_test_state_udp */
static int
pf_test_state_udp(struct pf_state **state, int direction,
    struct pfi_kif *kif, struct mbuf *m, int off, void *h,
    struct pf_pdesc *pd)
{
	struct pf_state_peer	*src, *dst;
	struct pf_state_key_cmp	 key;
	struct udphdr		*uh = pd->hdr.udp;

	(void)off;
	(void)h;
	memset(&key, 0, sizeof(key));
	key.af = pd->af;
	key.proto = IPPROTO_UDP;
	if (direction == PF_IN)	{	/* wire side, straight */
		PF_ACPY(&key.addr[0], pd->src, key.af);
		PF_ACPY(&key.addr[1], pd->dst, key.af);
		key.port[0] = uh->uh_sport;
		key.port[1] = uh->uh_dport;
	} else {			/* stack side, reverse */
		PF_ACPY(&key.addr[1], pd->src, key.af);
		PF_ACPY(&key.addr[0], pd->dst, key.af);
		key.port[1] = uh->uh_sport;
		key.port[0] = uh->uh_dport;
	}

	STATE_LOOKUP(kif, &key, direction, *state, m);

	if (direction == (*state)->direction) {
		src = &(*state)->src;
		dst = &(*state)->dst;
	} else {
		src = &(*state)->dst;
		dst = &(*state)->src;
	}

	/* update states */
	if (src->state < PFUDPS_SINGLE)
		src->state = PFUDPS_SINGLE;
	if (dst->state == PFUDPS_SINGLE)
		dst->state = PFUDPS_MULTIPLE;

	/* update expire time */
	(*state)->expire = time_second;
	if (src->state == PFUDPS_MULTIPLE && dst->state == PFUDPS_MULTIPLE)
		(*state)->timeout = PFTM_UDP_MULTIPLE;
	else
		(*state)->timeout = PFTM_UDP_SINGLE;

	return (PF_PASS);
}

/* pf.c: pf_test_state_icmp (IPv4; no NAT translation of the payload) */
static int
pf_test_state_icmp(struct pf_state **state, int direction,
    struct pfi_kif *kif, struct mbuf *m, int off, void *h,
    struct pf_pdesc *pd, u_short *reason)
{
	u_int16_t	 icmpid = 0;
	u_int8_t	 icmptype = 0;
	int		 state_icmp = 0;
	struct pf_state_key_cmp key;

	(void)h;
	memset(&key, 0, sizeof(key));
	switch (pd->proto) {
	case IPPROTO_ICMP:
		icmptype = pd->hdr.icmp->icmp_type;
		icmpid = pd->hdr.icmp->icmp_id;

		if (icmptype == ICMP_UNREACH ||
		    icmptype == ICMP_SOURCEQUENCH ||
		    icmptype == ICMP_REDIRECT ||
		    icmptype == ICMP_TIMXCEED ||
		    icmptype == ICMP_PARAMPROB)
			state_icmp++;
		break;
	}

	if (!state_icmp) {

		/*
		 * ICMP query/reply message not related to a TCP/UDP packet.
		 * Search for an ICMP state.
		 */
		key.af = pd->af;
		key.proto = pd->proto;
		key.port[0] = key.port[1] = icmpid;
		if (direction == PF_IN)	{	/* wire side, straight */
			PF_ACPY(&key.addr[0], pd->src, key.af);
			PF_ACPY(&key.addr[1], pd->dst, key.af);
		} else {			/* stack side, reverse */
			PF_ACPY(&key.addr[1], pd->src, key.af);
			PF_ACPY(&key.addr[0], pd->dst, key.af);
		}

		STATE_LOOKUP(kif, &key, direction, *state, m);

		(*state)->expire = time_second;
		(*state)->timeout = PFTM_ICMP_ERROR_REPLY;

		return (PF_PASS);

	} else {
		/*
		 * ICMP error message in response to a TCP/UDP packet.
		 * Extract the inner TCP/UDP header and search for that state.
		 */

		struct pf_pdesc	pd2;
		/* pfsim: room for pd2.src/dst seen as whole pf_addrs */
		struct {
			struct ip	ip;
			u_int32_t	pad[3];
		}		h2buf;
#define h2	h2buf.ip
		int		ipoff2;
		int		off2;

		memset(&pd2, 0, sizeof(pd2));
		pd2.af = pd->af;
		/* Payload packet is from the opposite direction. */
		pd2.sidx = (direction == PF_IN) ? 1 : 0;
		pd2.didx = (direction == PF_IN) ? 0 : 1;

		/* offset of h2 in mbuf chain */
		ipoff2 = off + ICMP_MINLEN;

		if (!pf_pull_hdr(m, ipoff2, &h2, sizeof(h2),
		    NULL, reason, pd2.af)) {
			DPFPRINTF(PF_DEBUG_MISC,
			    (LOG_WARNING, "pf: ICMP error message too short "
			    "(ip)\n"));
			return (PF_DROP);
		}
		/*
		 * ICMP error messages don't refer to non-first
		 * fragments
		 */
		if (h2.ip_off & htons(IP_OFFMASK)) {
			REASON_SET(reason, PFRES_FRAG);
			return (PF_DROP);
		}

		/* offset of protocol header that follows h2 */
		off2 = ipoff2 + (h2.ip_hl << 2);

		pd2.proto = h2.ip_p;
		pd2.src = (struct pf_addr *)&h2.ip_src;
		pd2.dst = (struct pf_addr *)&h2.ip_dst;

		switch (pd2.proto) {
		case IPPROTO_TCP: {
			struct tcphdr		 th;
			u_int32_t		 seq;
			struct pf_state_peer	*src, *dst;
			u_int8_t		 dws;

			/*
			 * Only the first 8 bytes of the TCP header can be
			 * expected. Don't access any TCP header fields after
			 * th_seq, an ackskew test is not possible.
			 */
			if (!pf_pull_hdr(m, off2, &th, 8, NULL, reason,
			    pd2.af)) {
				DPFPRINTF(PF_DEBUG_MISC,
				    (LOG_WARNING, "pf: ICMP error message too "
				    "short (tcp)\n"));
				return (PF_DROP);
			}

			key.af = pd2.af;
			key.proto = IPPROTO_TCP;
			PF_ACPY(&key.addr[pd2.sidx], pd2.src, key.af);
			PF_ACPY(&key.addr[pd2.didx], pd2.dst, key.af);
			key.port[pd2.sidx] = th.th_sport;
			key.port[pd2.didx] = th.th_dport;

			STATE_LOOKUP(kif, &key, direction, *state, m);

			if (direction == (*state)->direction) {
				src = &(*state)->dst;
				dst = &(*state)->src;
			} else {
				src = &(*state)->src;
				dst = &(*state)->dst;
			}

			if (src->wscale && dst->wscale)
				dws = dst->wscale & PF_WSCALE_MASK;
			else
				dws = 0;

			/* Demodulate sequence number */
			seq = ntohl(th.th_seq) - src->seqdiff;

			if (!SEQ_GEQ(src->seqhi, seq) ||
			    !SEQ_GEQ(seq, src->seqlo - ((u_int32_t)dst->max_win << dws))) {
				DPFPRINTF(PF_DEBUG_MISC,
				    (LOG_WARNING, "pf: BAD ICMP %d:%d seq=%u\n",
				    icmptype, pd->hdr.icmp->icmp_code, seq));
				REASON_SET(reason, PFRES_BADSTATE);
				return (PF_DROP);
			}

			return (PF_PASS);
		}
		case IPPROTO_UDP: {
			struct udphdr		uh;

			if (!pf_pull_hdr(m, off2, &uh, sizeof(uh),
			    NULL, reason, pd2.af)) {
				DPFPRINTF(PF_DEBUG_MISC,
				    (LOG_WARNING, "pf: ICMP error message too "
				    "short (udp)\n"));
				return (PF_DROP);
			}

			key.af = pd2.af;
			key.proto = IPPROTO_UDP;
			PF_ACPY(&key.addr[pd2.sidx], pd2.src, key.af);
			PF_ACPY(&key.addr[pd2.didx], pd2.dst, key.af);
			key.port[pd2.sidx] = uh.uh_sport;
			key.port[pd2.didx] = uh.uh_dport;

			STATE_LOOKUP(kif, &key, direction, *state, m);

			return (PF_PASS);
		}
		case IPPROTO_ICMP: {
			struct icmp		iih;

			if (!pf_pull_hdr(m, off2, &iih, ICMP_MINLEN,
			    NULL, reason, pd2.af)) {
				DPFPRINTF(PF_DEBUG_MISC,
				    (LOG_WARNING, "pf: ICMP error message too "
				    "short i(icmp)\n"));
				return (PF_DROP);
			}

			key.af = pd2.af;
			key.proto = IPPROTO_ICMP;
			PF_ACPY(&key.addr[pd2.sidx], pd2.src, key.af);
			PF_ACPY(&key.addr[pd2.didx], pd2.dst, key.af);
			key.port[0] = key.port[1] = iih.icmp_id;

			STATE_LOOKUP(kif, &key, direction, *state, m);

			return (PF_PASS);
		}
		default: {
			key.af = pd2.af;
			key.proto = pd2.proto;
			PF_ACPY(&key.addr[pd2.sidx], pd2.src, key.af);
			PF_ACPY(&key.addr[pd2.didx], pd2.dst, key.af);
			key.port[0] = key.port[1] = 0;

			STATE_LOOKUP(kif, &key, direction, *state, m);

			return (PF_PASS);
		}
		}
#undef h2
	}
}

/* pf.c: pf_test_state_other */
static int
pf_test_state_other(struct pf_state **state, int direction,
    struct pfi_kif *kif, struct mbuf *m, struct pf_pdesc *pd)
{
	struct pf_state_peer	*src, *dst;
	struct pf_state_key_cmp	 key;

	memset(&key, 0, sizeof(key));
	key.af = pd->af;
	key.proto = pd->proto;
	if (direction == PF_IN)	{
		PF_ACPY(&key.addr[0], pd->src, key.af);
		PF_ACPY(&key.addr[1], pd->dst, key.af);
		key.port[0] = key.port[1] = 0;
	} else {
		PF_ACPY(&key.addr[1], pd->src, key.af);
		PF_ACPY(&key.addr[0], pd->dst, key.af);
		key.port[1] = key.port[0] = 0;
	}

	STATE_LOOKUP(kif, &key, direction, *state, m);

	if (direction == (*state)->direction) {
		src = &(*state)->src;
		dst = &(*state)->dst;
	} else {
		src = &(*state)->dst;
		dst = &(*state)->src;
	}

	/* update states */
	if (src->state < PFOTHERS_SINGLE)
		src->state = PFOTHERS_SINGLE;
	if (dst->state == PFOTHERS_SINGLE)
		dst->state = PFOTHERS_MULTIPLE;

	/* update expire time */
	(*state)->expire = time_second;
	if (src->state == PFOTHERS_MULTIPLE && dst->state == PFOTHERS_MULTIPLE)
		(*state)->timeout = PFTM_OTHER_MULTIPLE;
	else
		(*state)->timeout = PFTM_OTHER_SINGLE;

	return (PF_PASS);
}

/* ------------------------------------------------------------------ */
/* pf_test                                                            */

/* pf.c: pf_test (IPv4) */
int
pf_test(int dir, struct ifnet *ifp, struct mbuf **m0,
    struct ether_header *eh)
{
	struct pfi_kif		*kif;
	u_short			 action, reason = 0, log = 0;
	struct mbuf		*m = *m0;
	struct ip		*h = NULL;
	struct pf_rule		*a = NULL, *r = &V_pf_default_rule;
	struct pf_state		*s = NULL;
	struct pf_ruleset	*ruleset = NULL;
	struct pf_pdesc		 pd;
	int			 off, dirndx;
	struct pf_vnet		*pv = V_pf_vnet;

	if (pv == NULL || !V_pf_status.running)
		return (PF_PASS);

	memset(&pd, 0, sizeof(pd));
	pd.dir = dir;
	/* pfsim: kern's if_attach does not call into pf; attach lazily */
	if (ifp->if_pf_kif == NULL)
		pfi_attach_ifnet(ifp);
	kif = (struct pfi_kif *)ifp->if_pf_kif;

	if (kif == NULL) {
		DPFPRINTF(PF_DEBUG_URGENT,
		    (LOG_ERR, "pf_test: kif == NULL, if_xname %s\n",
		    ifp->if_xname));
		return (PF_DROP);
	}
	if (kif->pfik_flags & PFI_IFLAG_SKIP)
		return (PF_PASS);

	if (m->m_pkthdr.pf.flags & PF_TAG_GENERATED)
		return (PF_PASS);

	/* pfsim: what the drop reason hook reports */
	pv->pf_last_reason = PFRES_MATCH;
	pv->pf_last_drop_rule = 0;

	if (m->m_pkthdr.len < (int)sizeof(*h)) {
		action = PF_DROP;
		REASON_SET(&reason, PFRES_SHORT);
		log = 1;
		goto done;
	}

	/* pfsim: no normalization (scrub) and no reassembly */
	h = mtod(m, struct ip *);

	off = h->ip_hl << 2;
	if (off < (int)sizeof(*h)) {
		action = PF_DROP;
		REASON_SET(&reason, PFRES_SHORT);
		log = 1;
		goto done;
	}

	pd.src = (struct pf_addr *)&h->ip_src;
	pd.dst = (struct pf_addr *)&h->ip_dst;
	pd.ip_sum = &h->ip_sum;
	pd.proto_sum = NULL;
	pd.proto = h->ip_p;
	pd.dir = dir;
	pd.sidx = (dir == PF_IN) ? 0 : 1;
	pd.didx = (dir == PF_IN) ? 1 : 0;
	pd.af = AF_INET;
	pd.tos = h->ip_tos;
	pd.tot_len = ntohs(h->ip_len);
	pd.eh = eh;

	/* handle fragments that didn't get reassembled by normalization */
	if (h->ip_off & htons(IP_MF | IP_OFFMASK)) {
		action = pf_test_fragment(&r, dir, kif, m, h,
		    &pd, &a, &ruleset);
		goto done;
	}

	switch (h->ip_p) {

	case IPPROTO_TCP: {
		struct tcphdr	th;

		pd.hdr.tcp = &th;
		if (!pf_pull_hdr(m, off, &th, sizeof(th),
		    &action, &reason, AF_INET)) {
			log = action != PF_PASS;
			goto done;
		}
		pd.p_len = pd.tot_len - off - (th.th_off << 2);
		action = pf_test_state_tcp(&s, dir, kif, m, off, h, &pd,
		    &reason);
		if (action == PF_PASS) {
#if NPFSYNC > 0
			if (V_pfsync_update_state_ptr != NULL) /* pfsim: hook */
				V_pfsync_update_state_ptr(s);
#endif /* NPFSYNC */
			r = s->rule.ptr;
			a = s->anchor.ptr;
			log = s->log;
		} else if (s == NULL)
			action = pf_test_rule(&r, &s, dir, kif,
			    m, off, h, &pd, &a, &ruleset, &ipintrq);
		break;
	}

	case IPPROTO_UDP: {
		struct udphdr	uh;

		pd.hdr.udp = &uh;
		if (!pf_pull_hdr(m, off, &uh, sizeof(uh),
		    &action, &reason, AF_INET)) {
			log = action != PF_PASS;
			goto done;
		}
		if (uh.uh_dport == 0 ||
		    ntohs(uh.uh_ulen) > m->m_pkthdr.len - off ||
		    ntohs(uh.uh_ulen) < sizeof(struct udphdr)) {
			action = PF_DROP;
			REASON_SET(&reason, PFRES_SHORT);
			goto done;
		}
		action = pf_test_state_udp(&s, dir, kif, m, off, h, &pd);
		if (action == PF_PASS) {
#if NPFSYNC > 0
			if (V_pfsync_update_state_ptr != NULL) /* pfsim: hook */
				V_pfsync_update_state_ptr(s);
#endif /* NPFSYNC */
			r = s->rule.ptr;
			a = s->anchor.ptr;
			log = s->log;
		} else if (s == NULL)
			action = pf_test_rule(&r, &s, dir, kif,
			    m, off, h, &pd, &a, &ruleset, &ipintrq);
		break;
	}

	case IPPROTO_ICMP: {
		struct icmp	ih;

		pd.hdr.icmp = &ih;
		if (!pf_pull_hdr(m, off, &ih, ICMP_MINLEN,
		    &action, &reason, AF_INET)) {
			log = action != PF_PASS;
			goto done;
		}
		action = pf_test_state_icmp(&s, dir, kif, m, off, h, &pd,
		    &reason);
		if (action == PF_PASS) {
#if NPFSYNC > 0
			if (V_pfsync_update_state_ptr != NULL) /* pfsim: hook */
				V_pfsync_update_state_ptr(s);
#endif /* NPFSYNC */
			r = s->rule.ptr;
			a = s->anchor.ptr;
			log = s->log;
		} else if (s == NULL)
			action = pf_test_rule(&r, &s, dir, kif,
			    m, off, h, &pd, &a, &ruleset, &ipintrq);
		break;
	}

	default:
		action = pf_test_state_other(&s, dir, kif, m, &pd);
		if (action == PF_PASS) {
#if NPFSYNC > 0
			if (V_pfsync_update_state_ptr != NULL) /* pfsim: hook */
				V_pfsync_update_state_ptr(s);
#endif /* NPFSYNC */
			r = s->rule.ptr;
			a = s->anchor.ptr;
			log = s->log;
		} else if (s == NULL)
			action = pf_test_rule(&r, &s, dir, kif, m, off, h,
			    &pd, &a, &ruleset, &ipintrq);
		break;
	}

done:
	if (action == PF_PASS && h != NULL && h->ip_hl > 5 &&
	    !((s && s->state_flags & PFSTATE_ALLOWOPTS) || r->allow_opts)) {
		action = PF_DROP;
		REASON_SET(&reason, PFRES_IPOPTIONS);
		log = 1;
		DPFPRINTF(PF_DEBUG_MISC,
		    (LOG_WARNING, "pf: dropping packet with ip options\n"));
	}

	if (dir == PF_IN && s && s->key[PF_SK_STACK])
		m->m_pkthdr.pf.statekey = s->key[PF_SK_STACK];

	(void)log;	/* pfsim: no pflog */

	kif->pfik_bytes[0][dir == PF_OUT][action != PF_PASS] += pd.tot_len;
	kif->pfik_packets[0][dir == PF_OUT][action != PF_PASS]++;
	/* pfsim: pf_status counts every interface (no loginterface) */
	V_pf_status.pcounters[0][dir == PF_OUT][action != PF_PASS]++;
	V_pf_status.bcounters[0][dir == PF_OUT] += pd.tot_len;
	if (action != PF_PASS && action != PF_DEFER)
		pv->pf_blocked++;

	if (action == PF_PASS || r->action == PF_DROP) {
		dirndx = (dir == PF_OUT);
		r->packets[dirndx]++;
		r->bytes[dirndx] += pd.tot_len;
		if (a != NULL) {
			a->packets[dirndx]++;
			a->bytes[dirndx] += pd.tot_len;
		}
		if (s != NULL) {
			dirndx = (dir == s->direction) ? 0 : 1;
			s->packets[dirndx]++;
			s->bytes[dirndx] += pd.tot_len;
		}
	}

	switch (action) {
	case PF_SYNPROXY_DROP:
		m_freem(*m0);
		/* FALLTHROUGH */
	case PF_DEFER:
		*m0 = NULL;
		action = PF_PASS;
		break;
	default:
		/* pfsim: no route-to, so no pf_route */
		break;
	}

	return (action);
}

/* ------------------------------------------------------------------ */
/* pfsim: small accessors for the firewall model                      */

const char *
pf_drop_reason(void)
{
	struct pf_vnet *pv = V_pf_vnet;

	if (pv == NULL || pv->pf_last_drop_rule)
		return ("pf_block");
	switch (pv->pf_last_reason) {
	case PFRES_MATCH:
		return ("pf_purge");	/* state being purged */
	case PFRES_BADOFF:
		return ("pf_bad_offset");
	case PFRES_FRAG:
		return ("pf_fragment");
	case PFRES_SHORT:
		return ("pf_short");
	case PFRES_NORM:
		return ("pf_normalize");
	case PFRES_MEMORY:
		return ("pf_memory");
	case PFRES_TS:
		return ("pf_bad_timestamp");
	case PFRES_CONGEST:
		return ("congestion");
	case PFRES_IPOPTIONS:
		return ("pf_ip_option");
	case PFRES_PROTCKSUM:
		return ("pf_proto_cksum");
	case PFRES_BADSTATE:
		return ("pf_state_mismatch");
	case PFRES_STATEINS:
		return ("pf_state_insert");
	case PFRES_MAXSTATES:
		return ("pf_state_limit");
	case PFRES_SRCLIMIT:
		return ("pf_src_limit");
	case PFRES_SYNPROXY:
		return ("pf_synproxy");
	}
	return ("pf_other");
}

void
pf_get_work(u_int64_t *searches, u_int64_t *inserts, u_int64_t *rule_evals)
{
	struct pf_vnet *pv = V_pf_vnet;

	if (pv == NULL) {
		*searches = *inserts = *rule_evals = 0;
		return;
	}
	*searches = pv->pf_status.fcounters[FCNT_STATE_SEARCH];
	*inserts = pv->pf_status.fcounters[FCNT_STATE_INSERT];
	/* every ruleset evaluation ends in REASON_SET(PFRES_MATCH) */
	*rule_evals = pv->pf_status.counters[PFRES_MATCH];
}
