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
 * Private to models/pfsync: the softcs, the per-firewall globals of the
 * ported code (FreeBSD VNET style, V_ names) and the declarations that
 * OpenBSD keeps under _KERNEL in if_pfsync.h. Not for other modules.
 *
 * pfsim: split out of if_pfsync.c (the v5 softc and prototypes; the v4
 * softc of rev 1.102), so the id line and licences are those of
 * if_pfsync.c rev 1.110, as in if_pfsync.c; what comes from if_pfsync.h
 * is under that file's licences (see if_pfsync.h and UPSTREAM.md).
 */
#ifndef MODELS_PFSYNC_PFSYNC_VAR_H
#define MODELS_PFSYNC_PFSYNC_VAR_H

#include "models/pfsync/if_pfsync.h"
#include "models/pfsync/pfsync.h"

/* ------------------------------------------------------------------ */
/* v5 softc (if_pfsync.c, seed: pfsync_softc; lost rows from P110)     */

struct pfsync_pkt {
	struct ip	*ip;
	struct in_addr	 src;
	u_int8_t	 flags;
};

struct pfsync_upd_req_item {
	TAILQ_ENTRY(pfsync_upd_req_item)	ur_entry;
	struct pfsync_upd_req			ur_msg;
};
TAILQ_HEAD(pfsync_upd_reqs, pfsync_upd_req_item);

struct pfsync_deferral {
	TAILQ_ENTRY(pfsync_deferral)		 pd_entry;
	struct pf_state				*pd_st;
	struct mbuf				*pd_m;
	struct timeout				 pd_tmo;
};
TAILQ_HEAD(pfsync_deferrals, pfsync_deferral);

#define PFSYNC_PLSIZE	MAX(sizeof(struct pfsync_upd_req_item), \
			    sizeof(struct pfsync_deferral))

struct pfsync_softc {
	struct ifnet		 sc_if;
	struct ifnet		*sc_sync_if;

	struct pool		 sc_pool;

	struct ip_moptions	 sc_imo;

	struct in_addr		 sc_sync_peer;
	u_int8_t		 sc_maxupdates;

	struct ip		 sc_template;

	struct pf_state_queue	 sc_qs[PFSYNC_S_COUNT];
	size_t			 sc_len;

	struct pfsync_upd_reqs	 sc_upd_req_list;

	struct pfsync_deferrals	 sc_deferrals;
	u_int			 sc_deferred;

	void			*sc_plus;
	size_t			 sc_pluslen;

	u_int32_t		 sc_ureq_sent;
	int			 sc_bulk_tries;
	struct timeout		 sc_bulkfail_tmo;

	u_int32_t		 sc_ureq_received;
	struct pf_state		*sc_bulk_next;
	struct pf_state		*sc_bulk_last;
	struct timeout		 sc_bulk_tmo;

	/* pfsim: no IPsec, so no sc_tdb_q (TDBs are never queued). */

	struct timeout		 sc_tmo;

	/* pfsim: pfsync.defer = no clears this (the 4.6 "defer" flag). */
	int			 sc_defer;
	/* pfsim: memberships for sc_imo (in_addmulti always succeeds). */
	struct in_multi		*sc_membership[IP_MIN_MEMBERSHIPS];
};

/* ------------------------------------------------------------------ */
/* v4 softc (if_pfsync.c rev 1.102, reconstructed; if_pfsync_v4.c)     */

union sc_statep {
	struct pfsync_state		*s;
	struct pfsync4_state_upd	*u;
	struct pfsync4_state_del	*d;
	struct pfsync4_state_clr	*c;
	struct pfsync4_state_bus	*b;
	struct pfsync4_state_upd_req	*r;
	struct pfsync4_ins_ack		*a;
};

/* v4-split: the packet held until an insert ack (pfsim: kept in a list,
 * the thesis kept the pointer in the state). */
struct pfsync4_deferral {
	TAILQ_ENTRY(pfsync4_deferral)	 pd_entry;
	struct pf_state			*pd_st;
	struct mbuf			*pd_m;
	struct timeout			 pd_tmo;
};
TAILQ_HEAD(pfsync4_deferrals, pfsync4_deferral);

struct pfsync4_softc {
	struct ifnet		 sc_if;
	struct ifnet		*sc_sync_ifp;

	struct ip_moptions	 sc_imo;
	struct timeout		 sc_tmo;
	struct timeout		 sc_bulk_tmo;
	struct timeout		 sc_bulkfail_tmo;
	struct in_addr		 sc_sync_peer;
	struct in_addr		 sc_sendaddr;
	struct mbuf		*sc_mbuf;	/* current cumulative mbuf */
	struct mbuf		*sc_mbuf_net;	/* current cumulative mbuf */
	union sc_statep		 sc_statep;
	union sc_statep		 sc_statep_net;
	u_int32_t		 sc_ureq_received;
	u_int32_t		 sc_ureq_sent;
	struct pf_state		*sc_bulk_send_next;
	struct pf_state		*sc_bulk_terminator;
	int			 sc_bulk_tries;
	int			 sc_maxcount;	/* number of states in mtu */
	int			 sc_maxupdates;	/* number of updates/state */

	/* pfsim: v4-split (thesis "Changes To The pfsync v4 ...") */
	int			 sc_split;
	int			 sc_defer;
	struct pool		 sc_pool;
	struct pfsync4_deferrals sc_deferrals;
	u_int			 sc_deferred;
	struct in_multi		*sc_membership[IP_MIN_MEMBERSHIPS];
};

/*
 * XXX pfvar.h has no field for v4-split's "time of the last update
 * received via pfsync" (v4's pfsync_time is the time the state was last
 * packed). v4 never links states on the v5 queues, so the time is kept
 * in the unused sync_list link. A field of its own would be better.
 */
#define PFSYNC4_RTIME(st) \
	((u_int32_t)(uintptr_t)(st)->sync_list.tqe_next)
#define PFSYNC4_SET_RTIME(st, t) \
	((st)->sync_list.tqe_next = (struct pf_state *)(uintptr_t)(t))

/* ------------------------------------------------------------------ */
/* Results beyond pfsyncstats                                          */

/* Why a packet left (the caller of sendout). */
enum pfsync_txr {
	PFSYNC_TXR_OTHER,	/* ioctl, destroy, ... */
	PFSYNC_TXR_NETISR,	/* pfsyncintr ("immediate") */
	PFSYNC_TXR_TIMER,	/* the 1 s flush timer */
	PFSYNC_TXR_FULL,	/* the next message would pass the MTU */
	PFSYNC_TXR_PLUS,	/* CLR or BUS region (send_plus) */
	PFSYNC_TXR_MAXUPD,	/* v4: a record reached maxupdates */
	PFSYNC_TXR_SWITCH,	/* v4: a message of another action */
	PFSYNC_TXR_INPUT,	/* v4: answers/echo after an input packet */
	PFSYNC_TXR_SPLIT,	/* v4-split: immediate update of a split state */
	PFSYNC_TXR_BULK,	/* v4: the bulk timer */
	PFSYNC_TXR_MAX
};

/* Stale update failure codes (pfsync_upd_tcp and the non-TCP rule). */
#define PFSYNC_STALE_MAX	11
/*
 *  1 src state went backwards       2 dst state (v4 UPD_C)
 *  3 src seqlo went backwards       4 dst seqlo went backwards
 *  5 non-TCP src state              6 non-TCP dst state
 *  7 dst state behind: src imported 8 merge=peer: one half imported
 *  9 merge=field: some fields imported
 * 10 merge=peer|field: nothing newer in the update
 */

struct pfsync_simstats {
	u_int64_t	tx_packets, tx_bytes;	/* IP datagrams */
	u_int64_t	rx_packets, rx_bytes;
	u_int64_t	tx_msgs[PFSYNC_ACT_MAX];	/* by v5 action */
	u_int64_t	rx_msgs[PFSYNC_ACT_MAX];
	u_int64_t	tx_reason[PFSYNC_TXR_MAX];

	u_int64_t	defer_held;
	u_int64_t	defer_acked;	/* released by an insert ack */
	u_int64_t	defer_timeout;	/* released by the defer timeout */
	u_int64_t	defer_dropped;	/* freed (peer update, unlink) */
	u_int64_t	defer_local;	/* released by a local update */
	u_int64_t	defer_overflow;	/* released: limit reached */
	u_int64_t	defer_destroy;	/* released at destroy */
	u_int64_t	defer_nomem;	/* not held: no pool item */

	u_int64_t	stale[PFSYNC_STALE_MAX];
	u_int64_t	echoes;		/* updates queued only to answer a stale
					 * or partial one (no local change) */

	u_int64_t	bulk_req_sent;		/* UPD_REQ 0/0 sent */
	u_int64_t	bulk_req_received;
	u_int64_t	bulk_states_sent;	/* states queued by a bulk */
	u_int64_t	bulk_start_sent, bulk_end_sent;
	u_int64_t	bulk_start_rcvd, bulk_end_rcvd;
	u_int64_t	bulk_done;		/* valid BUS END while waiting */
	u_int64_t	bulk_bad_end;		/* BUS END with bad timestamp */
	u_int64_t	bulk_gave_up;		/* retries exhausted */
	u_int64_t	bulk_retries;
	simtime_t	bulk_req_ns;		/* when the request went out */
	simtime_t	bulk_time_ns;		/* request -> valid END */

	u_int64_t	ureq_nomem;		/* request item not allocated */
	u_int64_t	upd_req_sent;		/* per-state UPD_REQ */
};

/* ------------------------------------------------------------------ */
/* Per-firewall globals                                                */

struct pfsync_vnet {
	struct pfsync_config	 pv_conf;
	struct pfsync_softc	*pv_pfsyncif;		/* v5 */
	struct pfsync4_softc	*pv_pfsync4if;		/* v4, v4-split */
	struct pfsyncstats	 pv_pfsyncstats;
	int			 pv_sync_ok;
	int			 pv_defer;		/* ticks */
	int			 pv_req_del;
	u_int			 pv_upds;
	u_int			 pv_ints;
	u_int			 pv_tmos;
	enum pfsync_txr		 pv_txr;		/* why we send now */
	struct pfsync_simstats	 pv_st;
	u_int64_t		 pv_pkts_in;		/* for the cost glue */
	/* the engine's input (pfsync_pointers_init) */
	void			(*pv_input_ptr)(struct mbuf *, int);
};

#define V_pfsync		(curvnet->vnet_pfsync)
#define V_pfsyncif		(V_pfsync->pv_pfsyncif)
#define V_pfsync4if		(V_pfsync->pv_pfsync4if)
#define V_pfsyncstats		(V_pfsync->pv_pfsyncstats)
#define V_pfsync_sync_ok	(V_pfsync->pv_sync_ok)
#define V_pfsync_st		(V_pfsync->pv_st)
#define V_pfsync_txr		(V_pfsync->pv_txr)
#define V_defer			(V_pfsync->pv_defer)
#define V_pfsync_req_del	(V_pfsync->pv_req_del)
#define V_pfsync_upds		(V_pfsync->pv_upds)
#define V_pfsync_ints		(V_pfsync->pv_ints)
#define V_pfsync_tmos		(V_pfsync->pv_tmos)
#define V_pfsync_input_ptr	(V_pfsync->pv_input_ptr)

/* ------------------------------------------------------------------ */
/* Shims for what the kernel model does not provide (XXX)              */

/* sys/sockio.h, net/if.h: the ioctls pfsync handles, and struct ifreq
 * (not the host's, whose layout and names differ). */
struct ifreq {
	char	ifr_name[IFNAMSIZ];
	union {
		int	 ifru_flags;
		int	 ifru_mtu;
		caddr_t	 ifru_data;
	} ifr_ifru;
};
#define ifr_flags	ifr_ifru.ifru_flags
#define ifr_mtu		ifr_ifru.ifru_mtu
#define ifr_data	ifr_ifru.ifru_data

#define SIOCSIFADDR	0x8001
#define SIOCAIFADDR	0x8002
#define SIOCSIFDSTADDR	0x8003
#define SIOCSIFFLAGS	0x8004
#define SIOCSIFMTU	0x8005
#define SIOCGETPFSYNC	0x8006
#define SIOCSETPFSYNC	0x8007

struct pfsyncreq {
	char		 pfsyncr_syncdev[IFNAMSIZ];
	struct in_addr	 pfsyncr_syncpeer;
	int		 pfsyncr_maxupdates;
	int		 pfsyncr_defer;		/* pfsim: 4.6's flag */
};

/* No user space: copyin/copyout are plain copies. */
#define copyin(u, k, len)	(memcpy((k), (u), (len)), 0)
#define copyout(k, u, len)	(memcpy((u), (k), (len)), 0)

#ifndef TCPS_SYN_SENT
#define TCPS_SYN_SENT	2	/* netinet/tcp_fsm.h */
#endif
#ifndef SEQ_GT
#define SEQ_LT(a, b)	((int)((a)-(b)) < 0)
#define SEQ_LEQ(a, b)	((int)((a)-(b)) <= 0)
#define SEQ_GT(a, b)	((int)((a)-(b)) > 0)
#define SEQ_GEQ(a, b)	((int)((a)-(b)) >= 0)
#endif

/* ------------------------------------------------------------------ */
/* The ported functions (v5, if_pfsync.c)                              */

struct pfsync_softc *pfsync_clone_create(int);
int	pfsync_clone_destroy(struct ifnet *);
void	pfsync_input(struct mbuf *, int);
int	pfsyncioctl(struct ifnet *, u_long, caddr_t);
void	pfsyncstart(struct ifnet *);
struct mbuf *pfsync_if_dequeue(struct ifnet *);

int	pfsync_alloc_scrub_memory(struct pfsync_state_peer *,
	    struct pf_state_peer *);
void	pfsync_state_export(struct pfsync_state *, struct pf_state *);
int	pfsync_state_import(struct pfsync_state *, u_int8_t);

int	pfsync_upd_tcp(struct pf_state *, struct pfsync_state_peer *,
	    struct pfsync_state_peer *);
/* pfsync.merge = peer, field (also used by v4 and v4-split). */
int	pfsync_upd_tcp_peer(struct pf_state *, struct pfsync_state_peer *,
	    struct pfsync_state_peer *);
int	pfsync_upd_tcp_field(struct pf_state *, struct pfsync_state_peer *,
	    struct pfsync_state_peer *);

int	pfsync_in_clr(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_ins(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_iack(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_upd(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_upd_c(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_ureq(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_del(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_del_c(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_bus(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_tdb(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_eof(struct pfsync_pkt *, struct mbuf *, int, int);
int	pfsync_in_error(struct pfsync_pkt *, struct mbuf *, int, int);

int	pfsync_out_state(struct pf_state *, struct mbuf *, int);
int	pfsync_out_iack(struct pf_state *, struct mbuf *, int);
int	pfsync_out_upd_c(struct pf_state *, struct mbuf *, int);
int	pfsync_out_del(struct pf_state *, struct mbuf *, int);

void	pfsync_q_ins(struct pf_state *, int);
void	pfsync_q_del(struct pf_state *);

void	pfsync_deferred(struct pf_state *, int);
void	pfsync_undefer(struct pfsync_deferral *, int);
void	pfsync_defer_tmo(void *);

void	pfsync_request_update(u_int32_t, u_int64_t);
void	pfsync_update_state_req(struct pf_state *);

void	pfsync_drop(struct pfsync_softc *);
void	pfsync_sendout(void);
void	pfsync_send_plus(void *, size_t);
void	pfsync_timeout(void *);

void	pfsync_bulk_start(void);
void	pfsync_bulk_status(u_int8_t);
void	pfsync_bulk_update(void *);
void	pfsync_bulk_fail(void *);

void	pfsyncintr(void);

/* The pf hooks: declared once, in models/pf/pf_pfsync.h. */
#include "models/pf/pf_pfsync.h"

/* pf's hooks and the input at v5 (or off), or back to NULL. */
void	pfsync_pointers_init(void);
void	pfsync_pointers_uninit(void);

/* ------------------------------------------------------------------ */
/* v4 and v4-split (if_pfsync_v4.c)                                    */

int	pfsync4_attach(const struct pfsync_config *, const char **, char *,
	    size_t);
void	pfsync4_detach(void);
/* pf's hooks and the input at v4 (pfsync_pointers_uninit undoes it). */
void	pfsync4_pointers_init(void);
void	pfsync4_input(struct mbuf *, int);
void	pfsync4_insert_state(struct pf_state *);
void	pfsync4_update_state(struct pf_state *);
void	pfsync4_delete_state(struct pf_state *);
void	pfsync4_clear_states(u_int32_t, const char *);
int	pfsync4_defer(struct pf_state *, struct mbuf *);
int	pfsync4_up(void);
int	pfsync4_state_in_use(struct pf_state *);
int	pfsync4_pack_state(u_int8_t, struct pf_state *, int);

/*
 * pfsim: pfsync_state_import flags of the v4 engine (pfsync4_state_import):
 * mark the state as 1.102 does (FROMSYNC, pfsync_time 0, nothing queued),
 * and for v4-split note its receipt.
 */
#define PFSYNC_SI_V4		0x40
#define PFSYNC_SI_V4_SPLIT	0x80

/* Shared by both engines (if_pfsync.c). */
/* The firewall's interface on net (or named) name, or NULL. */
struct ifnet *pfsync_find_syncdev(const char *);
/* pf's state limit. */
int	pfsync_state_limit(void);
/* Count one packet leaving for the results. */
void	pfsync_count_tx(struct mbuf *);

#endif /* MODELS_PFSYNC_PFSYNC_VAR_H */
