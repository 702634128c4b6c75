/*	$OpenBSD: pfvar.h,v 1.282 2009/01/29 15:12:28 pyr Exp $ */

/*
 * Copyright (c) 2001 Daniel Hartmeier
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
 */

/*
 * pfsim: pf's data structures, after OpenBSD sys/net/pfvar.h rev 1.282 as
 * changed by the thesis diff (seed L4450-4545) for pfsync v5. Only what
 * the simulated pf (a pf.conf subset, IPv4, no NAT, no scrub, no tables)
 * and pfsync need is kept; names, values and layouts are OpenBSD's.
 *
 * Per-firewall globals (pf_status, the state trees, the rulesets, the
 * pools) live in struct pf_vnet, reached through V_ names the FreeBSD
 * way: V_pf_status is curvnet->vnet_pf->pf_status.
 *
 * The wire structs of struct pfsync_state (240 bytes) live here, as in
 * OpenBSD; see docs/ref/pfsync-v5-wire.md §6. Their sizes are asserted
 * at the end of the file. The id line and licence are rev 1.282's (the
 * seed's base); UPSTREAM.md has the provenance.
 */

#ifndef _NET_PFVAR_H_
#define _NET_PFVAR_H_

#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <netinet/ip_icmp.h>

#include "engine/conf.h"
#include "models/kern/kern.h"

struct json;

/*
 * kern.h names PF_IN/PF_OUT/PF_PASS/PF_DROP as plain macros for its
 * hook type; pf's own enums below give the same values.
 */
#undef PF_IN
#undef PF_OUT
#undef PF_PASS
#undef PF_DROP

enum	{ PF_INOUT, PF_IN, PF_OUT };
enum	{ PF_PASS, PF_DROP, PF_SCRUB, PF_NOSCRUB, PF_NAT, PF_NONAT,
	  PF_BINAT, PF_NOBINAT, PF_RDR, PF_NORDR, PF_SYNPROXY_DROP, PF_DEFER };
enum	{ PF_RULESET_SCRUB, PF_RULESET_FILTER, PF_RULESET_NAT,
	  PF_RULESET_BINAT, PF_RULESET_RDR, PF_RULESET_MAX };
enum	{ PF_OP_NONE, PF_OP_IRG, PF_OP_EQ, PF_OP_NE, PF_OP_LT,
	  PF_OP_LE, PF_OP_GT, PF_OP_GE, PF_OP_XRG, PF_OP_RRG };
enum	{ PF_DEBUG_NONE, PF_DEBUG_URGENT, PF_DEBUG_MISC, PF_DEBUG_NOISY };
enum	{ PF_SK_WIRE, PF_SK_STACK, PF_SK_BOTH };

/* Timeout indexes (pfvar.h). */
enum	{ PFTM_TCP_FIRST_PACKET, PFTM_TCP_OPENING, PFTM_TCP_ESTABLISHED,
	  PFTM_TCP_CLOSING, PFTM_TCP_FIN_WAIT, PFTM_TCP_CLOSED,
	  PFTM_UDP_FIRST_PACKET, PFTM_UDP_SINGLE, PFTM_UDP_MULTIPLE,
	  PFTM_ICMP_FIRST_PACKET, PFTM_ICMP_ERROR_REPLY,
	  PFTM_OTHER_FIRST_PACKET, PFTM_OTHER_SINGLE,
	  PFTM_OTHER_MULTIPLE, PFTM_FRAG, PFTM_INTERVAL,
	  PFTM_ADAPTIVE_START, PFTM_ADAPTIVE_END, PFTM_SRC_NODE,
	  PFTM_TS_DIFF, PFTM_MAX, PFTM_PURGE, PFTM_UNLINKED,
	  PFTM_UNTIL_PACKET };

/* PFTM default values (seconds) */
#define PFTM_TCP_FIRST_PACKET_VAL	120	/* First TCP packet */
#define PFTM_TCP_OPENING_VAL		30	/* No response yet */
#define PFTM_TCP_ESTABLISHED_VAL	24*60*60/* Established */
#define PFTM_TCP_CLOSING_VAL		15 * 60	/* Half closed */
#define PFTM_TCP_FIN_WAIT_VAL		45	/* Got both FINs */
#define PFTM_TCP_CLOSED_VAL		90	/* Got a RST */
#define PFTM_UDP_FIRST_PACKET_VAL	60	/* First UDP packet */
#define PFTM_UDP_SINGLE_VAL		30	/* Unidirectional */
#define PFTM_UDP_MULTIPLE_VAL		60	/* Bidirectional */
#define PFTM_ICMP_FIRST_PACKET_VAL	20	/* First ICMP packet */
#define PFTM_ICMP_ERROR_REPLY_VAL	10	/* Got error response */
#define PFTM_OTHER_FIRST_PACKET_VAL	60	/* First packet */
#define PFTM_OTHER_SINGLE_VAL		30	/* Unidirectional */
#define PFTM_OTHER_MULTIPLE_VAL		60	/* Bidirectional */
#define PFTM_FRAG_VAL			30	/* Fragment expire */
#define PFTM_INTERVAL_VAL		10	/* Expire interval */
#define PFTM_SRC_NODE_VAL		0	/* Source tracking */
#define PFTM_TS_DIFF_VAL		30	/* Allowed TS diff */

enum	{ PF_NOPFROUTE, PF_FASTROUTE, PF_ROUTETO, PF_DUPTO, PF_REPLYTO };
enum	{ PF_LIMIT_STATES, PF_LIMIT_SRC_NODES, PF_LIMIT_FRAGS,
	  PF_LIMIT_TABLES, PF_LIMIT_TABLE_ENTRIES, PF_LIMIT_MAX };
enum	{ PF_ADDR_ADDRMASK, PF_ADDR_NOROUTE, PF_ADDR_DYNIFTL,
	  PF_ADDR_TABLE, PF_ADDR_RTLABEL, PF_ADDR_URPFFAILED,
	  PF_ADDR_RANGE };

#define PF_LOG			0x01
#define PF_LOG_ALL		0x02
#define PF_LOG_SOCKET_LOOKUP	0x04

#define PF_MD5_DIGEST_LENGTH	16
#define PF_RULE_LABEL_SIZE	64

/*
 * pfsim: OpenBSD's AF_INET is 2 (as on the host); AF_INET6 is 24 there
 * and 10 here. pf's af fields are one byte, as OpenBSD's sa_family_t.
 */
#define PF_AF_INET		2
#define PF_AF_INET6		24

struct pf_addr {
	union {
		struct in_addr		v4;
		struct in6_addr		v6;
		u_int8_t		addr8[16];
		u_int16_t		addr16[8];
		u_int32_t		addr32[4];
	};		    /* 128-bit address; pfsim: anonymous union */
};

#define PF_AEQ(a, b, c) \
	((c == AF_INET && (a)->addr32[0] == (b)->addr32[0]) || \
	((a)->addr32[3] == (b)->addr32[3] && \
	(a)->addr32[2] == (b)->addr32[2] && \
	(a)->addr32[1] == (b)->addr32[1] && \
	(a)->addr32[0] == (b)->addr32[0]))

#define PF_ANEQ(a, b, c) \
	((c == AF_INET && (a)->addr32[0] != (b)->addr32[0]) || \
	(c != AF_INET && ((a)->addr32[3] != (b)->addr32[3] || \
	(a)->addr32[2] != (b)->addr32[2] || \
	(a)->addr32[1] != (b)->addr32[1] || \
	(a)->addr32[0] != (b)->addr32[0])))

#define PF_AZERO(a, c) \
	((c == AF_INET && !(a)->addr32[0]) || \
	(!(a)->addr32[0] && !(a)->addr32[1] && \
	!(a)->addr32[2] && !(a)->addr32[3] ))

#define PF_MATCHA(n, a, m, b, f) \
	pf_match_addr(n, a, m, b, f)

#define PF_ACPY(a, b, f) \
	pf_addrcpy(a, b, f)

struct pf_addr_wrap {
	union {
		struct {
			struct pf_addr		 addr;
			struct pf_addr		 mask;
		}			 a;
		char			 ifname[IFNAMSIZ];
	}			 v;
	u_int8_t		 type;		/* PF_ADDR_* */
	u_int8_t		 iflags;	/* PFI_AFLAG_* */
};

/*
 * pfsim: only PF_ADDR_ADDRMASK is supported ("any" is a zero mask), so
 * the macro keeps just that arm of OpenBSD's PF_MISMATCHAW.
 */
#define PF_MISMATCHAW(aw, x, af, neg, ifp)				\
	(								\
		(((aw)->type == PF_ADDR_ADDRMASK &&			\
		    !PF_AZERO(&(aw)->v.a.mask, (af)) &&			\
		    !PF_MATCHA(0, &(aw)->v.a.addr,			\
		    &(aw)->v.a.mask, (x), (af)))) !=			\
		(neg)							\
	)

struct pf_rule_addr {
	struct pf_addr_wrap	 addr;
	u_int16_t		 port[2];	/* network order */
	u_int8_t		 neg;
	u_int8_t		 port_op;
};

struct pf_rule;

union pf_rule_ptr {
	struct pf_rule		*ptr;
	u_int32_t		 nr;
};

TAILQ_HEAD(pf_rulequeue, pf_rule);

struct pfi_kif;

/* A rule (pfvar.h struct pf_rule, the fields a filter rule uses). */
struct pf_rule {
	struct pf_rule_addr	 src;
	struct pf_rule_addr	 dst;
	char			 label[PF_RULE_LABEL_SIZE];
	char			 ifname[IFNAMSIZ];
	TAILQ_ENTRY(pf_rule)	 entries;

	u_int64_t		 evaluations;
	u_int64_t		 packets[2];
	u_int64_t		 bytes[2];

	struct pfi_kif		*kif;

	u_int32_t		 timeout[PFTM_MAX];
	u_int32_t		 states_cur;
	u_int32_t		 states_tot;
	u_int32_t		 max_states;
	u_int32_t		 src_nodes;
	u_int32_t		 nr;
	u_int32_t		 rule_flag;
	int			 rtableid;
	u_int16_t		 tag;

	u_int8_t		 action;
	u_int8_t		 direction;
	u_int8_t		 log;
	u_int8_t		 quick;
	u_int8_t		 ifnot;
	u_int8_t		 af;
	u_int8_t		 proto;
	u_int8_t		 type;
	u_int8_t		 code;
	u_int8_t		 flags;
	u_int8_t		 flagset;
	u_int8_t		 tos;
	u_int8_t		 rt;
	u_int8_t		 return_ttl;
	u_int8_t		 keep_state;
	u_int8_t		 allow_opts;

	int			 lineno;	/* pfsim: pf.conf line */
};

/* rule flags */
#define	PFRULE_DROP		0x0000
#define	PFRULE_RETURNRST	0x0001
#define	PFRULE_FRAGMENT		0x0002
#define	PFRULE_RETURNICMP	0x0004
#define	PFRULE_RETURN		0x0008
#define	PFRULE_NOSYNC		0x0010
#define PFRULE_SRCTRACK		0x0020	/* track source states */
#define PFRULE_RULESRCTRACK	0x0040	/* per rule */

/* rule flags again */
#define PFRULE_IFBOUND		0x00010000	/* if-bound */
#define PFRULE_STATESLOPPY	0x00020000	/* sloppy state tracking */
#define PFRULE_PFLOW		0x00040000

#define PF_STATE_NORMAL		0x1
#define PF_STATE_MODULATE	0x2
#define PF_STATE_SYNPROXY	0x3

#define PFSTATE_HIWAT		10000	/* default state table size */
#define PFSTATE_ADAPT_START	6000	/* default adaptive timeout start */
#define PFSTATE_ADAPT_END	12000	/* default adaptive timeout end */

/* netinet/tcp_fsm.h */
#define TCP_NSTATES		11
#define TCPS_CLOSED		0	/* closed */
#define TCPS_LISTEN		1	/* listening for connection */
#define TCPS_SYN_SENT		2	/* active, have sent syn */
#define TCPS_SYN_RECEIVED	3	/* have sent and received syn */
#define TCPS_ESTABLISHED	4	/* established */
#define TCPS_CLOSE_WAIT		5	/* rcvd fin, waiting for close */
#define TCPS_FIN_WAIT_1		6	/* have closed, sent fin */
#define TCPS_CLOSING		7	/* closed xchd FIN; await FIN ACK */
#define TCPS_LAST_ACK		8	/* had fin and close; await FIN ACK */
#define TCPS_FIN_WAIT_2		9	/* have closed, fin is acked */
#define TCPS_TIME_WAIT		10	/* in 2*msl quiet wait after close */

/* netinet/tcp_seq.h */
#define SEQ_LT(a,b)	((int)((a)-(b)) < 0)
#define SEQ_LEQ(a,b)	((int)((a)-(b)) <= 0)
#define SEQ_GT(a,b)	((int)((a)-(b)) > 0)
#define SEQ_GEQ(a,b)	((int)((a)-(b)) >= 0)

/* netinet/tcp.h: options pf reads, and the largest window shift */
#ifndef TCPOPT_EOL
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MAXSEG		2
#define TCPOPT_WINDOW		3
#endif
#define TCP_MAX_WINSHIFT	14

/*
 * TCP peer state tracking (pf_state_peer.state); pf also uses these
 * values for the pseudo-states of other protocols.
 */
#define PF_TCPS_PROXY_SRC	((TCP_NSTATES)+0)
#define PF_TCPS_PROXY_DST	((TCP_NSTATES)+1)

#define PF_WSCALE_FLAG		0x80
#define PF_WSCALE_MASK		0x0f

#define PF_SYNCOOKIE_SECRET_SIZE	16	/* unused; for completeness */

/* UDP state enumeration */
#define PFUDPS_NO_TRAFFIC	0
#define PFUDPS_SINGLE		1
#define PFUDPS_MULTIPLE		2

#define PFUDPS_NSTATES		3	/* number of state levels */

#define PFUDPS_NAMES { \
	"NO_TRAFFIC", \
	"SINGLE", \
	"MULTIPLE", \
	NULL \
}

/* Other protocol state enumeration */
#define PFOTHERS_NO_TRAFFIC	0
#define PFOTHERS_SINGLE		1
#define PFOTHERS_MULTIPLE	2

#define PFOTHERS_NSTATES	3	/* number of state levels */

#define PFOTHERS_NAMES { \
	"NO_TRAFFIC", \
	"SINGLE", \
	"MULTIPLE", \
	NULL \
}

/* pfsim: pf keeps no scrub memory; the pointer stays NULL. */
struct pf_state_scrub;

struct pf_state_peer {
	struct pf_state_scrub	*scrub;	/* state is scrubbed		*/
	u_int32_t	seqlo;		/* Max sequence number sent	*/
	u_int32_t	seqhi;		/* Max the other end ACKd + win	*/
	u_int32_t	seqdiff;	/* Sequence number modulator	*/
	u_int16_t	max_win;	/* largest window (pre scaling)	*/
	u_int16_t	mss;		/* Maximum segment size option	*/
	u_int8_t	state;		/* active state level		*/
	u_int8_t	wscale;		/* window scaling factor	*/
	u_int8_t	tcp_est;	/* Did we reach TCPS_ESTABLISHED */
	u_int8_t	pad[1];
};

TAILQ_HEAD(pf_state_queue, pf_state);

/* keep synced with struct pf_state_key, used in RB_FIND */
struct pf_state_key_cmp {
	struct pf_addr	 addr[2];
	u_int16_t	 port[2];
	u_int8_t	 af;		/* pfsim: OpenBSD's sa_family_t */
	u_int8_t	 proto;
	u_int8_t	 pad[2];
};

struct pf_state_item {
	TAILQ_ENTRY(pf_state_item)	 entry;
	struct pf_state			*s;
};

TAILQ_HEAD(pf_statelisthead, pf_state_item);

struct pf_state_key {
	struct pf_addr	 addr[2];
	u_int16_t	 port[2];	/* network order */
	u_int8_t	 af;
	u_int8_t	 proto;
	u_int8_t	 pad[2];

	RB_ENTRY(pf_state_key)	 entry;
	struct pf_statelisthead	 states;
	struct pf_state_key	*reverse;
	void			*inp;	/* pfsim: no PCBs; always NULL */
};

/* keep synced with struct pf_state, used in RB_FIND */
struct pf_state_cmp {
	u_int64_t		 id;
	u_int32_t		 creatorid;
	u_int8_t		 direction;
	u_int8_t		 pad[3];
};

struct pf_src_node;

struct pf_state {
	u_int64_t		 id;		/* big-endian, htobe64(counter) */
	u_int32_t		 creatorid;	/* raw, as pf_status.hostid */
	u_int8_t		 direction;
	u_int8_t		 pad[3];

	TAILQ_ENTRY(pf_state)	 sync_list;	/* v5: one of pfsync's sc_qs */
	TAILQ_ENTRY(pf_state)	 entry_list;
	RB_ENTRY(pf_state)	 entry_id;
	struct pf_state_peer	 src;
	struct pf_state_peer	 dst;
	union pf_rule_ptr	 rule;
	union pf_rule_ptr	 anchor;
	union pf_rule_ptr	 nat_rule;
	struct pf_addr		 rt_addr;
	struct pf_state_key	*key[2];	/* addresses stack and wire  */
	struct pfi_kif		*kif;
	struct pfi_kif		*rt_kif;
	struct pf_src_node	*src_node;
	struct pf_src_node	*nat_src_node;
	u_int64_t		 packets[2];
	u_int64_t		 bytes[2];
	u_int32_t		 creation;	/* time_second */
	u_int32_t		 expire;	/* time_second of last activity */
	u_int32_t		 pfsync_time;
	u_int16_t		 tag;
	u_int8_t		 log;
	u_int8_t		 state_flags;
#define PFSTATE_ALLOWOPTS	0x01
#define PFSTATE_SLOPPY		0x02
#define PFSTATE_PFLOW		0x04
#define PFSTATE_NOSYNC		0x08
#define PFSTATE_ACK		0x10
	u_int8_t		 timeout;
	u_int8_t		 sync_state; /* PFSYNC_S_x */

	/* XXX */
	u_int8_t		 sync_updates;

	/*
	 * pfsim: pfsync v4 (pfvar.h 1.282 before the diff) kept these in a
	 * sync_flags byte; the v4 baseline engine uses it, v5 never does.
	 */
	u_int8_t		 sync_flags;
#define PFSTATE_V4_NOSYNC	0x01
#define PFSTATE_V4_FROMSYNC	0x02
#define PFSTATE_V4_STALE	0x04
	u_int8_t		 _tail[2];
};

/*
 * Unified state structures for pulling states out of the kernel
 * used by pfsync(4) and the pf(4) ioctl.
 */
struct pfsync_state_scrub {
	u_int16_t	pfss_flags;
	u_int8_t	pfss_ttl;	/* stashed TTL		*/
#define PFSYNC_SCRUB_FLAG_VALID		0x01
	u_int8_t	scrub_flag;
	u_int32_t	pfss_ts_mod;	/* timestamp modulation	*/
} __packed;

struct pfsync_state_peer {
	struct pfsync_state_scrub scrub;	/* state is scrubbed	*/
	u_int32_t	seqlo;		/* Max sequence number sent	*/
	u_int32_t	seqhi;		/* Max the other end ACKd + win	*/
	u_int32_t	seqdiff;	/* Sequence number modulator	*/
	u_int16_t	max_win;	/* largest window (pre scaling)	*/
	u_int16_t	mss;		/* Maximum segment size option	*/
	u_int8_t	state;		/* active state level		*/
	u_int8_t	wscale;		/* window scaling factor	*/
	u_int8_t	pad[6];
} __packed;

struct pfsync_state_key {
	struct pf_addr	 addr[2];
	u_int16_t	 port[2];
};

struct pfsync_state {
	u_int64_t	 id;
	char		 ifname[IFNAMSIZ];
	struct pfsync_state_key	key[2];
	struct pfsync_state_peer src;
	struct pfsync_state_peer dst;
	struct pf_addr	 rt_addr;
	u_int32_t	 rule;
	u_int32_t	 anchor;
	u_int32_t	 nat_rule;
	u_int32_t	 creation;
	u_int32_t	 expire;
	u_int32_t	 packets[2][2];
	u_int32_t	 bytes[2][2];
	u_int32_t	 creatorid;
	u_int8_t	 af;		/* pfsim: OpenBSD's sa_family_t */
	u_int8_t	 proto;
	u_int8_t	 direction;
	u_int8_t	 log;
	u_int8_t	 state_flags;
	u_int8_t	 timeout;
	u_int8_t	 sync_flags;
	u_int8_t	 updates;
} __packed;

#define PFSYNC_FLAG_SRCNODE	0x04
#define PFSYNC_FLAG_NATSRCNODE	0x08

/* for copies to/from network byte order */
/* ioctl interface also uses network byte order */
#define pf_state_peer_hton(s,d) do {		\
	(d)->seqlo = htonl((s)->seqlo);		\
	(d)->seqhi = htonl((s)->seqhi);		\
	(d)->seqdiff = htonl((s)->seqdiff);	\
	(d)->max_win = htons((s)->max_win);	\
	(d)->mss = htons((s)->mss);		\
	(d)->state = (s)->state;		\
	(d)->wscale = (s)->wscale;		\
	if ((s)->scrub) {						\
		(d)->scrub.scrub_flag = PFSYNC_SCRUB_FLAG_VALID;	\
	}								\
} while (0)

#define pf_state_peer_ntoh(s,d) do {		\
	(d)->seqlo = ntohl((s)->seqlo);		\
	(d)->seqhi = ntohl((s)->seqhi);		\
	(d)->seqdiff = ntohl((s)->seqdiff);	\
	(d)->max_win = ntohs((s)->max_win);	\
	(d)->mss = ntohs((s)->mss);		\
	(d)->state = (s)->state;		\
	(d)->wscale = (s)->wscale;		\
} while (0)

#define pf_state_counter_hton(s,d) do {				\
	d[0] = htonl((s>>32)&0xffffffff);			\
	d[1] = htonl(s&0xffffffff);				\
} while (0)

#define pf_state_counter_ntoh(s,d) do {				\
	d = ntohl(s[0]);					\
	d = d<<32;						\
	d += ntohl(s[1]);					\
} while (0)

struct pf_ruleset {
	struct {
		struct pf_rulequeue	 queues[2];
		struct {
			struct pf_rulequeue	*ptr;
			struct pf_rule		**ptr_array;
			u_int32_t		 rcount;
			u_int32_t		 ticket;
			int			 open;
		}			 active, inactive;
	}			 rules[PF_RULESET_MAX];
	u_int32_t		 tticket;
	int			 tables;
	int			 topen;
};

RB_HEAD(pf_state_tree, pf_state_key);
RB_PROTOTYPE(pf_state_tree, pf_state_key, entry, pf_state_compare_key)

RB_HEAD(pf_state_tree_id, pf_state);
RB_PROTOTYPE(pf_state_tree_id, pf_state,
    entry_id, pf_state_compare_id)

/* pf_if.c: one pfi_kif per interface name (and "all"). */
struct pfi_kif {
	char				 pfik_name[IFNAMSIZ];
	RB_ENTRY(pfi_kif)		 pfik_tree;
	u_int64_t			 pfik_packets[2][2][2];
	u_int64_t			 pfik_bytes[2][2][2];
	u_int32_t			 pfik_tzero;
	int				 pfik_flags;
	struct ifnet			*pfik_ifp;
	int				 pfik_states;
	int				 pfik_rules;
};

enum pfi_kif_refs {
	PFI_KIF_REF_NONE,
	PFI_KIF_REF_STATE,
	PFI_KIF_REF_RULE
};

#define PFI_IFLAG_SKIP		0x0100	/* skip filtering on interface */

RB_HEAD(pfi_ifhead, pfi_kif);

/* Reasons code for passing/dropping a packet */
#define PFRES_MATCH	0		/* Explicit match of a rule */
#define PFRES_BADOFF	1		/* Bad offset for pull_hdr */
#define PFRES_FRAG	2		/* Dropping following fragment */
#define PFRES_SHORT	3		/* Dropping short packet */
#define PFRES_NORM	4		/* Dropping by normalizer */
#define PFRES_MEMORY	5		/* Dropped due to lacking mem */
#define PFRES_TS	6		/* Bad TCP Timestamp (RFC1323) */
#define PFRES_CONGEST	7		/* Congestion (of ipintrq) */
#define PFRES_IPOPTIONS 8		/* IP option */
#define PFRES_PROTCKSUM 9		/* Protocol checksum invalid */
#define PFRES_BADSTATE	10		/* State mismatch */
#define PFRES_STATEINS	11		/* State insertion failure */
#define PFRES_MAXSTATES	12		/* State limit */
#define PFRES_SRCLIMIT	13		/* Source node/conn limit */
#define PFRES_SYNPROXY	14		/* SYN proxy */
#define PFRES_MAX	15		/* total+1 */

#define PFRES_NAMES { \
	"match", \
	"bad-offset", \
	"fragment", \
	"short", \
	"normalize", \
	"memory", \
	"bad-timestamp", \
	"congestion", \
	"ip-option", \
	"proto-cksum", \
	"state-mismatch", \
	"state-insert", \
	"state-limit", \
	"src-limit", \
	"synproxy", \
	NULL \
}

/* Counters for other things we want to keep track of */
#define LCNT_STATES		0	/* states */
#define LCNT_SRCSTATES		1	/* max-src-states */
#define LCNT_SRCNODES		2	/* max-src-nodes */
#define LCNT_SRCCONN		3	/* max-src-conn */
#define LCNT_SRCCONNRATE	4	/* max-src-conn-rate */
#define LCNT_OVERLOAD_TABLE	5	/* entry added to overload table */
#define LCNT_OVERLOAD_FLUSH	6	/* state entries flushed */
#define LCNT_MAX		7	/* total+1 */

#define LCNT_NAMES { \
	"max states per rule", \
	"max-src-states", \
	"max-src-nodes", \
	"max-src-conn", \
	"max-src-conn-rate", \
	"overload table insertion", \
	"overload flush states", \
	NULL \
}

/* state operation counters */
#define FCNT_STATE_SEARCH	0
#define FCNT_STATE_INSERT	1
#define FCNT_STATE_REMOVALS	2
#define FCNT_MAX		3

/* src_node operation counters */
#define SCNT_SRC_NODE_SEARCH	0
#define SCNT_SRC_NODE_INSERT	1
#define SCNT_SRC_NODE_REMOVALS	2
#define SCNT_MAX		3

/* pfsim: also remembers the reason for pf_drop_reason() */
#define REASON_SET(a, x) \
	do { \
		if ((a) != NULL) \
			*(u_short *)(a) = (x); \
		if (x < PFRES_MAX) \
			V_pf_status.counters[x]++; \
		curvnet->vnet_pf->pf_last_reason = (x); \
	} while (0)

struct pf_status {
	u_int64_t	counters[PFRES_MAX];
	u_int64_t	lcounters[LCNT_MAX];	/* limit counters */
	u_int64_t	fcounters[FCNT_MAX];
	u_int64_t	scounters[SCNT_MAX];
	u_int64_t	pcounters[2][2][3];
	u_int64_t	bcounters[2][2];
	u_int64_t	stateid;
	u_int32_t	running;
	u_int32_t	states;
	u_int32_t	src_nodes;
	u_int32_t	since;
	u_int32_t	debug;
	u_int32_t	hostid;		/* raw; the creatorid of own states */
	char		ifname[IFNAMSIZ];
	u_int8_t	pf_chksum[PF_MD5_DIGEST_LENGTH];
};

struct pf_pool_limit {
	void		*pp;
	unsigned	 limit;
};

/* The packet description pf passes around (pfvar.h struct pf_pdesc). */
struct pf_pdesc {
	u_int64_t	 tot_len;	/* Make Mickey money */
	union {
		struct tcphdr		*tcp;
		struct udphdr		*udp;
		struct icmp		*icmp;
		void			*any;
	} hdr;
	struct ether_header
			*eh;
	struct pf_addr	*src;
	struct pf_addr	*dst;
	u_int16_t	*ip_sum;
	u_int16_t	*proto_sum;
	u_int32_t	 p_len;		/* total length of payload */
	u_int16_t	 flags;		/* Let SCRUB trigger behavior in
					 * state code. Easier than tags */
#define PFDESC_TCP_NORM	0x0001		/* TCP shall be statefully scrubbed */
#define PFDESC_IP_REAS	0x0002		/* IP frags would've been reassembled */
	u_int8_t	 af;
	u_int8_t	 proto;
	u_int8_t	 tos;
	u_int8_t	 dir;		/* direction */
	u_int8_t	 sidx;		/* key index for source */
	u_int8_t	 didx;		/* key index for destination */
};

/*
 * pfsim: what pf's "BAD state" message prints (pf.c pf_tcp_track_full),
 * handed to the trace hook with the simulated time. The state is the
 * one that failed; fail[] holds the six "State failure on" marks
 * (' ' = held, '1'..'6' = failed).
 */
struct pf_badstate {
	const struct pf_state	*st;
	u_int8_t		 flags;		/* TCP flags of the packet */
	u_int32_t		 seq, orig_seq, ack;
	u_int32_t		 len;
	int			 ackskew;
	int			 dir;		/* PF_IN / PF_OUT */
	int			 fwd;		/* dir == st->direction */
	char			 fail[6];
};

/*
 * Trace hook: called for every BAD state drop with the simulated time
 * (ns) and the two lines of pf's message ("pf: BAD state: ..." and
 * "pf: State failure on: ..."), no trailing newlines.
 */
typedef void (*pf_trace_fn)(void *arg, simtime_t now_ns,
    const struct pf_badstate *, const char *line1, const char *line2);

/*
 * pfsim: pf_send_tcp (RSTs for "block return" and handshake collisions)
 * is handed to the firewall, which owns output. Addresses and ports in
 * network order; the packet leaves on ifp (or by route when NULL).
 */
typedef void (*pf_send_tcp_fn)(void *arg, const struct pf_addr *saddr,
    const struct pf_addr *daddr, u_int16_t sport, u_int16_t dport,
    u_int32_t seq, u_int32_t ack, u_int8_t flags, u_int16_t win,
    u_int8_t ttl, struct ifnet *ifp);

/*
 * pfsim: pf calls pfsync through per-firewall pointers, as FreeBSD's pf
 * does (pfvar.h: pfsync_insert_state_t, V_pfsync_insert_state_ptr). The
 * pfsync model sets them when it attaches, to the engine of that
 * firewall, and clears them when it detaches; NULL is no pfsync.
 * models/pf/pf_pfsync.h says what each one is for.
 */
typedef void	pfsync_insert_state_t(struct pf_state *);
typedef void	pfsync_update_state_t(struct pf_state *);
typedef void	pfsync_delete_state_t(struct pf_state *);
typedef void	pfsync_clear_states_t(u_int32_t, const char *);
typedef int	pfsync_defer_t(struct pf_state *, struct mbuf *);
typedef int	pfsync_up_t(void);
typedef int	pfsync_state_in_use_t(struct pf_state *);

/* The per-firewall pf globals (VNET). */
struct pf_vnet {
	struct pf_status	 pf_status;
	struct pf_state_tree	 pf_statetbl;
	struct pf_state_tree_id	 tree_id;
	struct pf_state_queue	 state_list;
	struct pf_rule		 pf_default_rule;
	struct pf_ruleset	 pf_main_ruleset;
	struct pfi_ifhead	 pfi_ifs;
	struct pfi_kif		*pfi_all;
	u_int32_t		 pf_hostid_set;	/* hostid given, not random */

	struct pool		 pf_rule_pl;	/* pfsim: rules are malloc'd */
	struct pool		 pf_state_pl;
	struct pool		 pf_state_key_pl;
	struct pool		 pf_state_item_pl;
	struct pf_pool_limit	 pf_pool_limits[PF_LIMIT_MAX];

	/* pf_purge_thread: wakes every second (timeout + process task) */
	struct timeout		 pf_purge_to;
	struct kern_task	 pf_purge_task;
	int			 pf_purge_nloops;
	struct pf_state		*pf_purge_cur;	/* pf.c: static cur */
	u_int64_t		 pf_purge_runs;

	/*
	 * pfsim: pfsync v4 (pf.c 1.632 before the diff) announced deletes
	 * only for states this host created; the v4 engine sets this.
	 */
	int			 pf_sync_delete_own;

	/* pfsim: the pfsync hooks (above) */
	pfsync_insert_state_t	*pfsync_insert_state_ptr;
	pfsync_update_state_t	*pfsync_update_state_ptr;
	pfsync_delete_state_t	*pfsync_delete_state_ptr;
	pfsync_clear_states_t	*pfsync_clear_states_ptr;
	pfsync_defer_t		*pfsync_defer_ptr;
	pfsync_up_t		*pfsync_up_ptr;
	pfsync_state_in_use_t	*pfsync_state_in_use_ptr;

	/* pfsim: observability and output hooks */
	u_short			 pf_last_reason;	/* of the last drop */
	int			 pf_last_drop_rule;	/* dropped by a rule */
	u_int64_t		 pf_blocked;		/* pf_test drops */
	u_int64_t		 pf_badstate_logged;
	u_int64_t		 pf_rst_sent;
	pf_trace_fn		 pf_trace;
	void			*pf_trace_arg;
	pf_send_tcp_fn		 pf_send_tcp_hook;
	void			*pf_send_tcp_arg;
};

#define V_pf_vnet		(curvnet->vnet_pf)
#define V_pf_status		(curvnet->vnet_pf->pf_status)
#define V_pf_statetbl		(curvnet->vnet_pf->pf_statetbl)
#define V_tree_id		(curvnet->vnet_pf->tree_id)
#define V_state_list		(curvnet->vnet_pf->state_list)
#define V_pf_default_rule	(curvnet->vnet_pf->pf_default_rule)
#define V_pf_main_ruleset	(curvnet->vnet_pf->pf_main_ruleset)
#define V_pfi_ifs		(curvnet->vnet_pf->pfi_ifs)
#define V_pfi_all		(curvnet->vnet_pf->pfi_all)
#define V_pf_state_pl		(curvnet->vnet_pf->pf_state_pl)
#define V_pf_state_key_pl	(curvnet->vnet_pf->pf_state_key_pl)
#define V_pf_state_item_pl	(curvnet->vnet_pf->pf_state_item_pl)
#define V_pf_pool_limits	(curvnet->vnet_pf->pf_pool_limits)
#define V_pf_sync_delete_own	(curvnet->vnet_pf->pf_sync_delete_own)
#define V_pfsync_insert_state_ptr (curvnet->vnet_pf->pfsync_insert_state_ptr)
#define V_pfsync_update_state_ptr (curvnet->vnet_pf->pfsync_update_state_ptr)
#define V_pfsync_delete_state_ptr (curvnet->vnet_pf->pfsync_delete_state_ptr)
#define V_pfsync_clear_states_ptr (curvnet->vnet_pf->pfsync_clear_states_ptr)
#define V_pfsync_defer_ptr	(curvnet->vnet_pf->pfsync_defer_ptr)
#define V_pfsync_up_ptr		(curvnet->vnet_pf->pfsync_up_ptr)
#define V_pfsync_state_in_use_ptr (curvnet->vnet_pf->pfsync_state_in_use_ptr)

/*
 * pfsim: pf's kernel printf goes to log(9) at LOG_WARNING so that it
 * shows with kern's default log level; pf.debug is the filter, as in
 * OpenBSD.
 */
#define DPFPRINTF(n, x)	if (V_pf_status.debug >= (n)) log x

/* ------------------------------------------------------------------ */
/* pf.c                                                               */

RB_PROTOTYPE(pfi_ifhead, pfi_kif, pfik_tree, pfi_if_compare)

int	pf_test(int, struct ifnet *, struct mbuf **, struct ether_header *);

/* state table (called by pfsync too; all at splsoftnet) */
struct pf_state	*pf_find_state_byid(struct pf_state_cmp *);
struct pf_state	*pf_find_state_all(struct pf_state_key_cmp *, u_int,
		    int *);
int		 pf_state_insert(struct pfi_kif *, struct pf_state_key *,
		    struct pf_state_key *, struct pf_state *);
void		 pf_unlink_state(struct pf_state *);
void		 pf_free_state(struct pf_state *);
u_int32_t	 pf_state_expires(const struct pf_state *);
struct pf_state_key *pf_alloc_state_key(int);
void		 pf_purge_expired_states(u_int32_t);
void		 pf_purge_thread(void *);
void		 pf_purge_start(struct pf_vnet *);	/* pfsim */

/* pfsim: pf_print_state/pf_print_flags format into a buffer (pf's
 * printf goes nowhere here); return the length as snprintf does. */
int		 pf_print_host(char *, size_t, struct pf_addr *, u_int16_t,
		    u_int8_t);
int		 pf_print_state(char *, size_t, struct pf_state *);
int		 pf_print_flags(char *, size_t, u_int8_t);
int		 pf_match_addr(u_int8_t, struct pf_addr *, struct pf_addr *,
		    struct pf_addr *, u_int8_t);
int		 pf_match(u_int8_t, u_int32_t, u_int32_t, u_int32_t);
int		 pf_match_port(u_int8_t, u_int16_t, u_int16_t, u_int16_t);
void		 pf_addrcpy(struct pf_addr *, struct pf_addr *, u_int8_t);
u_int8_t	 pf_get_wscale(struct mbuf *, int, u_int16_t, u_int8_t);
void		*pf_pull_hdr(struct mbuf *, int, void *, int, u_short *,
		    u_short *, u_int8_t);
int		 pf_check_congestion(struct ifqueue *);

/* pf_if.c */
void		 pfi_initialize(void);
void		 pfi_destroy(void);
struct pfi_kif	*pfi_kif_get(const char *);
void		 pfi_kif_ref(struct pfi_kif *, enum pfi_kif_refs);
void		 pfi_kif_unref(struct pfi_kif *, enum pfi_kif_refs);
int		 pfi_kif_match(struct pfi_kif *, struct pfi_kif *);
void		 pfi_attach_ifnet(struct ifnet *);
int		 pfi_set_flags(const char *, int);

/* pf_ioctl.c */
void		 pfattach(int);
void		 pf_clear_states(const char *);	/* DIOCCLRSTATES */
void		 pf_calc_skip_steps(struct pf_rulequeue *);
void		 pf_setup_pfsync_matching(struct pf_ruleset *);

/* ------------------------------------------------------------------ */
/* pfsim: the simulator's interface to pf                             */

/* pf.conf options the parser collects besides the rules. */
struct pf_conf_opts {
	u_int32_t	 timeout[PFTM_MAX];
	u_int8_t	 timeout_set[PFTM_MAX];
	u_int32_t	 limit_states;
	int		 limit_states_set;
	int		 debug;		/* -1 = not set */
	u_int32_t	 hostid;
	int		 hostid_set;
	int		 ifbound;	/* set state-policy if-bound */
	char		 skip[8][IFNAMSIZ];
	int		 nskip;
};

/*
 * Most rules in one firewall's ruleset, after list expansion. pfctl has
 * no such limit (the kernel's memory is); pfsim refuses a line whose
 * lists would pass it before allocating one rule (32^6 = 2^30 rules of
 * sizeof(struct pf_rule) each would be 400 GB).
 */
#define PF_RULES_MAX	65536

/*
 * pf_parse.c: parse pf.conf text into rules (appended to q, numbered
 * from 0) and options. name and first_line place errors: the message is
 * "NAME:LINE: rules: what" (line = first_line + line index in text).
 * Returns 0, or -1 with err set and nothing appended; more than
 * PF_RULES_MAX rules in q is an error.
 */
int	pf_parse_rules(const char *text, const char *name, int first_line,
	    struct pf_rulequeue *q, struct pf_conf_opts *opts, char *err,
	    size_t errlen);
/*
 * The same parse without making rules: *count gets the number of rules
 * the text expands to (up to the error, if any; never more than
 * PF_RULES_MAX). 0, or -1 with err set as pf_parse_rules would.
 */
int	pf_count_rules(const char *text, const char *name, int first_line,
	    u_int64_t *count, char *err, size_t errlen);
void	pf_conf_opts_init(struct pf_conf_opts *);
/* Free every rule of q (rules not referenced by states). */
void	pf_free_rules(struct pf_rulequeue *q);

/*
 * Set up pf on firewall v (curvnet must be v or NULL): pfattach, the
 * [firewall] keys of pf_params, the ruleset, a kif for every interface
 * of v, and the purge thread. err gets "FILE:LINE: rules: ..." or
 * "FILE:LINE: firewall.NAME.KEY: ..." on error. sec may be NULL
 * (defaults, no rules).
 */
int	pf_attach(struct vnet *, struct conf_section *, char *err,
	    size_t errlen);
/* The same, with the scenario file's path for messages and for
 * resolving a relative rules_file (pf_attach takes it from the run that
 * owns v's world, else says "scenario"). */
int	pf_attach_path(struct vnet *, struct conf_section *, const char *path,
	    char *err, size_t errlen);
/*
 * The most memory the ruleset of the [firewall] sec can take: its rules
 * or rules_file, expanded and counted (not made), times the size of a
 * rule. A ruleset that does not parse counts as none (pf_attach reports
 * it). For sim.mem_limit.
 */
u_int64_t pf_rules_mem_estimate(const struct conf_section *sec);
/* Same, from pf.conf text directly (unit tests); limit 0 = default. */
int	pf_attach_text(struct vnet *, const char *rules, u_int32_t limit,
	    char *err, size_t errlen);
/* Free everything pf allocated for v. */
void	pf_detach(struct vnet *);

/* The "firewall" section keys of pf, terminated by key == NULL. */
extern const struct param_spec pf_params[];

/* Writes the "pf" object: states, state_mismatch, blocked, inserts,
 * removals, and pfctl -si counters. */
void	pf_report_json(struct vnet *, struct json *);
/* pfctl -ss -vv; 0 or an errno. */
int	pf_write_states(struct vnet *, FILE *);
/* pfctl -si; 0 or an errno. */
int	pf_write_info(struct vnet *, FILE *);

/* Hooks (curvnet = v). */
void	pf_set_trace(struct vnet *, pf_trace_fn, void *);
void	pf_set_send_tcp(struct vnet *, pf_send_tcp_fn, void *);
/* Name of the reason for the last PF_DROP on the current firewall:
 * "pf_block", "pf_state_mismatch", "congestion", "pf_memory", ... */
const char *pf_drop_reason(void);
/* Cumulative work counters for the CPU cost model. */
void	pf_get_work(u_int64_t *searches, u_int64_t *inserts,
	    u_int64_t *rule_evals);

/* Sizes from docs/ref/pfsync-v5-wire.md §6; a mismatch is a build
 * error. */
_Static_assert(sizeof(struct pf_addr) == 16, "pf_addr");
_Static_assert(sizeof(struct pfsync_state_scrub) == 8, "pfsync_state_scrub");
_Static_assert(sizeof(struct pfsync_state_peer) == 32, "pfsync_state_peer");
_Static_assert(sizeof(struct pfsync_state_key) == 36, "pfsync_state_key");
_Static_assert(sizeof(struct pfsync_state) == 240, "pfsync_state");
_Static_assert(offsetof(struct pfsync_state, ifname) == 8, "ifname");
_Static_assert(offsetof(struct pfsync_state, key) == 24, "key");
_Static_assert(offsetof(struct pfsync_state, src) == 96, "src");
_Static_assert(offsetof(struct pfsync_state, dst) == 128, "dst");
_Static_assert(offsetof(struct pfsync_state, rt_addr) == 160, "rt_addr");
_Static_assert(offsetof(struct pfsync_state, rule) == 176, "rule");
_Static_assert(offsetof(struct pfsync_state, creation) == 188, "creation");
_Static_assert(offsetof(struct pfsync_state, packets) == 196, "packets");
_Static_assert(offsetof(struct pfsync_state, bytes) == 212, "bytes");
_Static_assert(offsetof(struct pfsync_state, creatorid) == 228, "creatorid");
_Static_assert(offsetof(struct pfsync_state, af) == 232, "af");
_Static_assert(offsetof(struct pfsync_state, timeout) == 237, "timeout");
_Static_assert(offsetof(struct pfsync_state_peer, seqlo) == 8, "seqlo");
_Static_assert(offsetof(struct pfsync_state_peer, state) == 24, "state");

#endif /* _NET_PFVAR_H_ */
