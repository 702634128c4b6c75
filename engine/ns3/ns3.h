/*
 * The ns-3 backend (issue 12, first cut): ns-3's clock, CSMA channels, IPv4
 * and TCP run the scenario; pfsim's own models (firewalls) keep their code
 * and reach the wire through their engine interfaces, whose frames the shim
 * carries over ns-3 devices.
 *
 * C only, so that C code can call it: the implementation (ns3.cc, C++17)
 * is built when pkg-config finds Debian's ns-3 (libns3-dev); without it
 * none.c answers ns3_available() with 0 and ns3_create() with ENOTSUP.
 *
 * How a run goes: run.c makes the object once the world exists; the host
 * model registers the nodes whose IP stack is ns-3's (ns3_host_add), the
 * static host routes its flows need (ns3_route_add) and its TCP flows
 * (ns3_flow_add); ns3_run builds one ns-3 node per engine node and one CSMA
 * channel per segment, and runs. The engine's event queue becomes a
 * sub-scheduler driven by ns-3's clock: one ns-3 event waits at
 * ev_next(), and whenever pfsim code has run (that event, or a frame
 * handed to an engine interface), the queue runs up to ns-3's now and the
 * event moves to the new ev_next().
 */
#ifndef ENGINE_NS3_NS3_H
#define ENGINE_NS3_NS3_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct world;
struct iface;
struct ns3_backend;

/* The Debian package that provides ns-3, for messages. */
#define NS3_PACKAGE	"libns3-dev"

/* TCP of one ns-3 host, from the scenario's host tcp.* keys. */
struct ns3_tcp {
	uint32_t	mss;		/* segment payload, bytes */
	uint32_t	rcvbuf, sndbuf;	/* bytes */
	uint32_t	initcwnd;	/* segments */
	uint32_t	delack_segs;	/* ACK at least every n segments */
	int64_t		delack_ns;	/* delayed-ACK timer */
	int64_t		rto_init_ns;	/* SYN retransmission timeout */
	int64_t		rto_min_ns;
	uint32_t	syn_retries, retries;
	int		sack, wscale, limited_transmit;
	/* The host's stack.rx, stack.tx and stack.spread (host.h): each frame
	 * waits (1-s)*mean + Exp(s*mean) between the device and IP (rx) or
	 * between TCP and IP (tx), order kept; 0 and 0: no wait. */
	int64_t		stack_rx_ns, stack_tx_ns;
	double		stack_spread;
};

/* A TCP stream from one registered host to another. */
struct ns3_flow {
	struct iface	*from, *to;
	uint16_t	 port;		/* server port */
	int64_t		 start_ns;	/* the client connects then */
	int64_t		 stop_ns;	/* no more writes from then; 0 = none */
	double		 rate_pps;	/* MSS-sized writes/s; 0 = bulk */
	uint64_t	 size;		/* bytes; 0 = unlimited */
};

/* What ns-3 measured of a flow (names as in struct flow_stats). */
struct ns3_flow_stats {
	uint64_t	offered_pkts, offered_bytes;	/* paced writes */
	uint64_t	tx_pkts, tx_bytes;	/* data segments sent */
	uint64_t	retransmits;		/* of which below the highest */
	uint64_t	delivered_bytes;	/* read by the receiver */
	uint64_t	conns_opened, conns_established;
	int64_t		connect_ns;		/* SYN to established */
	int64_t		t_first, t_last;	/* active interval */
};

/* 1 when ns-3 is compiled in. */
int		 ns3_available(void);
/* The backend for world w. NULL with errno (ENOTSUP: no ns-3 here). */
struct ns3_backend	*ns3_create(struct world *w);
/* Forget ns-3's objects and the segments' output hooks (NULL: nothing). */
void		 ns3_destroy(struct ns3_backend *);
/*
 * ifp is a host whose IP stack and TCP are ns-3's (its engine interface
 * stays on the segment, so that the models' static ARP finds its address
 * and MAC). 0, or an errno.
 */
int		 ns3_host_add(struct ns3_backend *, struct iface *ifp,
		    const struct ns3_tcp *);
/*
 * A host route on the registered host ifp: dst through gw. 0, or EEXIST
 * when ifp has a route to dst through another gateway (ns-3's static
 * routing keeps one per destination).
 */
int		 ns3_route_add(struct ns3_backend *, struct iface *ifp,
		    uint32_t dst, uint32_t gw);
/* Returns the flow's id (>= 0), or -1 with errno. */
int		 ns3_flow_add(struct ns3_backend *, const struct ns3_flow *);
/* Fill st for flow id: its counters so far (during ns3_run, from a
 * model's event) or in all (after). 0, or ENOENT. */
int		 ns3_flow_stats(const struct ns3_backend *, int id,
		    struct ns3_flow_stats *st);
/*
 * Build the topology and run until duration_ns; stop() (may be NULL) is
 * asked every 10 ms of simulated time whether to stop early. 0, or an
 * errno with err set (EINVAL: the scenario asks for what the backend
 * does not model).
 */
int		 ns3_run(struct ns3_backend *, int64_t duration_ns,
		    int (*stop)(void), char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
