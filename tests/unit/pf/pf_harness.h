/*
 * A bare firewall kernel for pf's unit tests: an event queue (the fake
 * clock: ev_run moves time), a packet pool, one vnet with interfaces
 * em0..em2, pf attached from pf.conf text, and a builder for IPv4
 * TCP/UDP/ICMP frames that runs them through the real pf_test.
 */
#ifndef TESTS_UNIT_PF_PF_HARNESS_H
#define TESTS_UNIT_PF_PF_HARNESS_H

#include "models/pf/pfvar.h"
#include "pfsync_stub.h"

#define PFH_NIFS	3

struct pfh {
	struct world	*w;
	struct ev_queue	*q;
	struct pkt_pool	*pool;
	struct vnet	*v;
	struct ifnet	 ifp[PFH_NIFS];		/* em0, em1, em2 */
	u_int16_t	 ipid;
	char		 err[256];
	/* the last BAD state trace */
	int		 ntrace;
	struct pf_badstate bs;
	char		 line1[512], line2[64];
	simtime_t	 trace_ns;
	/* set to keep the mbuf of the last pf_test (freed by the next) */
	struct mbuf	*last_m;
};

/* A packet to send; addresses and ports in host order. */
struct pfh_pkt {
	u_int8_t	 proto;		/* IPPROTO_TCP (default 0 = TCP) */
	u_int32_t	 src, dst;
	u_int16_t	 sport, dport;
	u_int32_t	 seq, ack;
	u_int8_t	 flags;
	u_int16_t	 win;
	u_int32_t	 len;		/* payload bytes */
	int		 wscale;	/* -1 = no window scale option */
	u_int8_t	 icmp_type, icmp_code;
	u_int16_t	 echo_id;
	int		 ipopts;	/* add 4 bytes of IP options */
	/* ICMP error payload: the embedded packet (TCP/UDP) */
	const struct pfh_pkt *inner;
};

/* 0, or -1 with h->err (rules errors). limit 0 = default. */
int	 pfh_init(struct pfh *, const char *rules, u_int32_t limit);
void	 pfh_fini(struct pfh *);
/* Run the frame through pf_test(dir) on em<ifidx> at splsoftnet.
 * Returns the action; *consumed = 1 when pf kept the mbuf (PF_DEFER). */
int	 pfh_test(struct pfh *, int dir, int ifidx, const struct pfh_pkt *,
	    int *consumed);
/* The same packet in, on ifin, and then out, on ifout (forwarding). */
int	 pfh_forward(struct pfh *, int ifin, int ifout,
	    const struct pfh_pkt *);
/* Move the clock forward by ns (runs timeouts and the purge task). */
void	 pfh_advance(struct pfh *, simtime_t ns);
/* The state a TCP packet in on em0 from src to dst would match. */
struct pf_state *pfh_state(struct pfh *, u_int8_t proto, u_int32_t src,
	    u_int16_t sport, u_int32_t dst, u_int16_t dport);
/* A TCP packet (for terse tests). */
struct pfh_pkt pfh_tcp(u_int32_t src, u_int16_t sport, u_int32_t dst,
	    u_int16_t dport, u_int32_t seq, u_int32_t ack, u_int8_t flags,
	    u_int16_t win, u_int32_t len);

#define IP4(a, b, c, d)	((u_int32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

#endif
