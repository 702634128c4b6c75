/*
 * Internals of the host model shared by host.c (node, demux, UDP),
 * tcp.c (the TCP stack) and flow.c (traffic sources). Not for other
 * modules: they use host.h.
 */
#ifndef MODELS_HOST_HOST_VAR_H
#define MODELS_HOST_HOST_VAR_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/backend.h"
#include "engine/net.h"
#include "engine/pkt.h"
#include "engine/rng.h"
#include "host.h"

/* Sequence space arithmetic (modulo 2^32), as in BSD tcp_seq.h. */
#define SEQ_LT(a, b)	((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((a) - (b)) >= 0)
#define SEQ_MAX(a, b)	(SEQ_GT(a, b) ? (a) : (b))
#define SEQ_MIN(a, b)	(SEQ_LT(a, b) ? (a) : (b))

/* TCP states, numbered as in BSD tcp_fsm.h. */
enum {
	TCPS_CLOSED, TCPS_LISTEN, TCPS_SYN_SENT, TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_FIN_WAIT_1, TCPS_CLOSING,
	TCPS_LAST_ACK, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT
};

/* A list of disjoint, non-adjacent sequence ranges sorted by start. */
struct seqrange {
	uint32_t	start, end;
	uint64_t	stamp;		/* recency (receiver's SACK order) */
};

struct rangelist {
	struct seqrange	*r;
	int		 n, cap;
};

struct tcb;

/* What a TCP connection tells its application; all optional. */
struct tcp_app_ops {
	void	(*connected)(struct tcb *, void *arg);
	/* Send buffer space was freed (data acknowledged). */
	void	(*sent)(struct tcb *, void *arg);
	/* n new bytes arrived in order. */
	void	(*recv)(struct tcb *, void *arg, uint64_t n);
	/* The peer's FIN arrived (after all its data). */
	void	(*eof)(struct tcb *, void *arg);
	/* The connection is finished for the application: 0 (orderly),
	 * ETIMEDOUT, ECONNRESET, ECONNREFUSED. The tcb may linger in
	 * TIME_WAIT but calls nothing more. */
	void	(*closed)(struct tcb *, void *arg, int error);
};

struct tcb {
	struct tcb	*hnext;		/* host's hash chain */
	struct host	*h;
	const struct host_tcp_params *p;	/* h->tcp */
	const struct tcp_app_ops *ops;
	void		*arg;
	struct flow_stats *st;		/* counters (never NULL) */
	uint32_t	 flowid;	/* pkt->flow */
	const uint8_t	*dmac;		/* next hop's MAC */

	uint32_t	 faddr;
	uint16_t	 lport, fport;
	int		 state;
	unsigned	 flags;
#define TF_ACKNOW	0x0001	/* send an ACK at the next output */
#define TF_SACK		0x0002	/* SACK agreed */
#define TF_WS		0x0004	/* window scaling agreed */
#define TF_FINQ		0x0008	/* the application closed: FIN after data */
#define TF_RECOVERY	0x0010	/* in fast recovery */
#define TF_TIMING	0x0020	/* a segment is being timed */
#define TF_HSRETX	0x0040	/* the handshake was retransmitted */
#define TF_RCVFIN	0x0080	/* peer's FIN seen at rcv_fin, not yet taken */
#define TF_OFFERWS	0x0100
#define TF_OFFERSACK	0x0200
#define TF_COUNTNEW	0x0400	/* count new segments as offered */
#define TF_DEAD		0x0800	/* closed: out of the table, free at idle */
	int		 busy;		/* in input or a timer: free later */

	/* Send side. snd_lim is one past the last byte the application
	 * wrote; a queued FIN takes sequence number snd_lim. */
	uint32_t	 iss;
	uint32_t	 snd_una, snd_nxt, snd_max, snd_lim;
	uint32_t	 snd_wnd, snd_wl1, snd_wl2;
	uint32_t	 maxseg;	/* payload per segment (no options) */
	uint32_t	 cwnd, ssthresh, bytes_acked;
	uint32_t	 recover, high_rxt;
	uint32_t	 dupacks;
	struct rangelist sb;		/* SACKed above snd_una */

	/* Receive side. */
	uint32_t	 irs, rcv_nxt, rcv_wnd, rcv_fin;
	uint8_t		 snd_ws, rcv_ws;
	uint32_t	 segs_unacked;
	struct rangelist ooo;		/* received above rcv_nxt */
	uint64_t	 ooo_stamp;

	/* Timing (RFC 6298). rto is the un-backed-off value. */
	simtime_t	 srtt, rttvar, rto;
	bool		 rtt_valid;
	uint32_t	 rxtshift;
	uint32_t	 rtseq;
	simtime_t	 rtstart, hs_sent;
	struct ev	 rexmt;		/* REXMT, or 2MSL in TIME_WAIT */
	struct ev	 delack;
};

typedef int	(*host_accept_fn)(struct host *, struct tcb *, void *arg);
typedef void	(*host_udp_fn)(struct host *, uint32_t src, uint16_t sport,
		    uint32_t len, void *arg);

struct host_listener {
	uint8_t		 proto;
	uint16_t	 port;
	host_accept_fn	 accept;	/* TCP */
	host_udp_fn	 udp;		/* UDP */
	void		*arg;
};

struct host {
	struct world	*w;
	struct node	*node;
	struct iface	*ifp;
	struct host_tcp_params tcp;
	struct rng	 rng;		/* "host.NAME": ports, IP ids, keys */
	uint64_t	 isskey;	/* RFC 6528 secret */
	uint16_t	 next_port;
	uint16_t	 ip_id;
	struct tcb	**tab;		/* connections, hashed */
	uint32_t	 tabmask;
	uint32_t	 ntcb;
	struct host_listener *ls;
	int		 nls, lscap;
	struct host_stats st;
	struct flow_stats orphan;	/* counters of tcbs without a flow */

	/* Timing (host_set_timing). Receive: frames wait in ring for the
	 * interrupt at intr_at, then in stackq until their t_arrive (the
	 * time they reach TCP/UDP input). Send: frames wait in txq until
	 * their t_arrive, txst[] holding each one's flow counters. One
	 * event per direction. */
	struct host_timing tm;
	bool		 rx_timed;	/* int_rate or stack.rx set */
	simtime_t	 itr_ns;	/* 1 / int_rate */
	simtime_t	 last_intr, intr_at;
	simtime_t	 rx_last, tx_last;	/* latest t_arrive given */
	struct pktq	 ring, stackq, txq;
	struct flow_stats **txst;	/* circular, txq.len from txst_head */
	uint32_t	 txst_head, txst_cap;
	struct rng	 rx_rng;	/* "host.NAME.rx": phase, rx latency */
	struct rng	 tx_rng;	/* "host.NAME.tx": tx latency */
	struct ev	 rx_ev, tx_ev;
};

/* host.c */
struct tcb	*host_lookup(struct host *, uint16_t lport, uint32_t faddr,
		    uint16_t fport);
int		 host_insert(struct host *, struct tcb *);
void		 host_remove(struct host *, struct tcb *);
uint16_t	 host_alloc_port(struct host *, uint32_t faddr,
		    uint16_t fport);
/* TCP if accept is set, else UDP. EADDRINUSE if the port is taken. */
int		 host_listen(struct host *, uint16_t port,
		    host_accept_fn accept, host_udp_fn udp, void *arg);
struct host_listener *host_listener(struct host *, uint8_t proto,
		    uint16_t port);
/* Send a finished frame; counts and returns sim_output's result. */
int		 host_output(struct host *, struct pkt *,
		    struct flow_stats *);
/* Firewalls with an interface on h's net, in node order. */
int		 host_gateways(const struct host *, struct iface **, int max);
/* The interface node n has on h's net, or NULL. */
struct iface	*host_via(const struct host *, const struct node *n);
int		 udp_output(struct host *, struct flow_stats *, uint32_t flowid,
		    const uint8_t *dmac, uint16_t sport, uint32_t daddr,
		    uint16_t dport, uint32_t len, uint64_t seq);

/* tcp.c */
struct tcb	*tcp_create(struct host *, uint32_t faddr, uint16_t fport,
		    uint16_t lport);
void		 tcp_free(struct tcb *);
void		 tcp_connect(struct tcb *);
void		 tcp_input(struct host *, uint32_t src, const uint8_t *seg,
		    uint32_t len);
void		 tcp_write(struct tcb *, uint64_t n);
void		 tcp_shutdown(struct tcb *);
void		 tcp_abort(struct tcb *);
uint64_t	 tcp_sndspace(const struct tcb *);

/* rangelist functions (tcp.c) */
void		 rl_free(struct rangelist *);

#endif
