/*
 * The backend interface: how every model reaches the simulation.
 *
 * A backend runs the world: it owns time, carries the frames interfaces
 * output, and may bring its own host stacks. It is one table of
 * operations (struct backend_ops), in the spirit of the NSC cradle and of
 * Redis' ae backends, with exactly two implementations: the builtin one
 * (engine/backend.c: the event queue of ev.c and the switched segments of
 * net.c) and ns-3's (engine/ns3/ops.c: ns-3's clock, channels, IPv4 and
 * TCP). The world holds its backend (world_create gives it the builtin;
 * run.c swaps in ns-3's for sim.backend = ns3).
 *
 * Models include this header, never the event queue (ev.h), the run's
 * internals or an ns-3 header; what they call of the simulation is below:
 *
 *   time and events	sim_now, sim_schedule, sim_schedule_bounded,
 *			sim_cancel, and the per-node context (sim_enter,
 *			sim_ctx, sim_set_ctx_hook)
 *   frame output	sim_output
 *   frame input	sim_set_input: the backend delivers a frame to the
 *			interface's callback (iface_input)
 *   random stream	sim_stream: a named stream of the scenario seed
 *   log		sim_log
 *   host stacks	sim_host_add, sim_route_add, sim_flow_add,
 *			sim_flow_stats, sim_host_stats (ENOTSUP where the models bring their
 *			own: the builtin)
 *
 * The context, the streams and the log are the engine's on both backends
 * (the event queue is ns-3's sub-scheduler, see ns3/ns3.h), so they are
 * functions of the world rather than operations of the table.
 */
#ifndef ENGINE_BACKEND_H
#define ENGINE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "rng.h"
#include "simtime.h"

struct world;
struct iface;

/* --- events: the models' own storage, scheduled through the backend ---- */

typedef void (*ev_fn)(void *arg);
typedef void (*ev_ctx_fn)(void *ctx, void *hookarg);

struct ev {
	simtime_t	 at;
	uint64_t	 seq;
	uint32_t	 idx;		/* queue slot + 1; 0 when not pending */
	ev_fn		 fn;
	void		*arg;
	void		*ctx;		/* node context, or NULL */
};

void		 ev_init(struct ev *, ev_fn, void *arg, void *ctx);
static inline bool
ev_pending(const struct ev *ev)
{
	return ev->idx != 0;
}

/* The callee owns p. Runs in the receiving node's context. */
typedef void (*iface_rx_fn)(struct iface *, struct pkt *p, void *arg);

/* --- host stacks a backend may bring (ns-3's IPv4 and TCP) ------------ */

/* TCP of one backend host, from the scenario's host tcp.* keys. */
struct backend_tcp {
	uint32_t	mss;		/* segment payload, bytes */
	uint32_t	rcvbuf, sndbuf;	/* bytes */
	uint32_t	initcwnd;	/* segments */
	uint32_t	delack_segs;	/* ACK at least every n segments */
	int64_t		delack_ns;	/* delayed-ACK timer */
	int64_t		rto_init_ns;	/* SYN retransmission timeout */
	int64_t		rto_min_ns;
	uint32_t	syn_retries, retries;
	int		sack, wscale, limited_transmit;
	int		cc;		/* BACKEND_CC_*: congestion control */
	/* The host's stack.rx, stack.tx and stack.spread (host.h): each frame
	 * waits (1-s)*mean + Exp(s*mean) between the device and IP (rx) or
	 * between TCP and IP (tx), order kept; 0 and 0: no wait. */
	int64_t		stack_rx_ns, stack_tx_ns;
	double		stack_spread;
};

/* backend_tcp.cc (host tcp.cc): ns-3's TcpLinuxReno (the default),
 * TcpNewReno, TcpCubic. */
enum { BACKEND_CC_LINUXRENO, BACKEND_CC_NEWRENO, BACKEND_CC_CUBIC };

/* backend_flow.proto */
enum { BACKEND_TCP, BACKEND_UDP };

/*
 * A TCP stream, or a UDP stream (proto BACKEND_UDP: a datagram of payload
 * bytes at exactly rate_pps from start_ns, until stop_ns, size bytes or
 * the end), from one backend host to another.
 */
struct backend_flow {
	struct iface	*from, *to;
	uint16_t	 port;		/* server port */
	int64_t		 start_ns;	/* the client connects then */
	int64_t		 stop_ns;	/* no more writes from then; 0 = none */
	double		 rate_pps;	/* MSS-sized writes/s; 0 = bulk */
	uint64_t	 size;		/* bytes; 0 = unlimited */
	int		 proto;		/* BACKEND_TCP (0) or BACKEND_UDP */
	uint32_t	 payload;	/* BACKEND_UDP: bytes per datagram */
};

/* What the backend measured of a flow (names as in struct flow_stats). */
struct backend_flow_stats {
	uint64_t	offered_pkts, offered_bytes;	/* paced writes */
	uint64_t	tx_pkts, tx_bytes;	/* data segments sent */
	uint64_t	retransmits;		/* of which below the highest */
	uint64_t	delivered_bytes;	/* read by the receiver */
	uint64_t	conns_opened, conns_established;
	int64_t		connect_ns;		/* SYN to established */
	int64_t		t_first, t_last;	/* active interval */
	uint64_t	delivered_pkts;		/* BACKEND_UDP: datagrams read */
	uint64_t	local_drops;		/* BACKEND_UDP: refused by the
						 * sender's socket */
};

/* What a backend host's device counted (names as in struct host_stats). */
struct backend_host_stats {
	uint64_t	rx_frames;	/* passed up to its IP */
	uint64_t	tx_frames;	/* handed to the device */
	uint64_t	tx_drops;	/* of which the device's queue refused */
};

/* --- the table ---------------------------------------------------------- */

struct backend_ops {
	const char	*name;		/* "builtin", "ns3": summary.json */
	/* Time and events. schedule: 0, or ENOMEM/EOVERFLOW at the event
	 * limit (bounded: exempt from it, for events bounded by the
	 * topology). */
	simtime_t	(*now)(const struct world *);
	int		(*schedule)(struct world *, struct ev *, simtime_t at,
			    bool bounded);
	void		(*cancel)(struct world *, struct ev *);
	/* A frame the interface outputs, after the engine checked it (up,
	 * length). Takes p: 0, or an errno when it was dropped. */
	int		(*output)(struct world *, struct iface *,
			    struct pkt *p);
	/* Host stacks (NULL: the models bring their own). */
	int		(*host_add)(struct world *, struct iface *,
			    const struct backend_tcp *);
	int		(*route_add)(struct world *, struct iface *,
			    uint32_t dst, uint32_t gw);
	int		(*flow_add)(struct world *, const struct backend_flow *);
	int		(*flow_stats)(const struct world *, int id,
			    struct backend_flow_stats *);
	int		(*host_stats)(const struct world *, struct iface *,
			    struct backend_host_stats *);
	/* Run until `until`, asking stop(arg) at least every 10 ms of
	 * simulated time (and stopping when it says so). 0, or an errno
	 * with err set (EINVAL: a scenario the backend does not model). */
	int		(*run)(struct world *, simtime_t until,
			    int (*stop)(void *), void *arg, char *err,
			    size_t errlen);
	/* Events the backend's own scheduler ran (ns-3's), beside the
	 * engine's queue; NULL: none. */
	uint64_t	(*events)(const struct world *);
	/* Forget the backend's state (the world stays). */
	void		(*destroy)(struct world *);
};

/* The builtin backend (engine/backend.c), and its time and events, which
 * ns-3's table shares (its sub-scheduler is the same queue). */
extern const struct backend_ops backend_builtin;
simtime_t	 builtin_now(const struct world *);
int		 builtin_schedule(struct world *, struct ev *, simtime_t at,
		    bool bounded);
void		 builtin_cancel(struct world *, struct ev *);

/* The world's backend, and its own data (ns-3's objects). */
const struct backend_ops *sim_backend(const struct world *);
void		*sim_backend_data(const struct world *);
void		 sim_set_backend(struct world *, const struct backend_ops *,
		    void *data);

/* --- what models call --------------------------------------------------- */

simtime_t	 sim_now(const struct world *);
/* Schedule (or move, if pending) ev at absolute time at (>= now). */
int		 sim_schedule(struct world *, struct ev *, simtime_t at);
int		 sim_schedule_bounded(struct world *, struct ev *,
		    simtime_t at);
void		 sim_cancel(struct world *, struct ev *);

/* The node context current events run in (a firewall's kernel), the
 * switch to another, and the hook called at every switch. */
void		*sim_ctx(const struct world *);
void		 sim_enter(struct world *, void *ctx);
void		 sim_set_ctx_hook(struct world *, ev_ctx_fn, void *arg);

/*
 * ifp outputs a frame (takes p): dropped when the interface or its net is
 * down (ENETDOWN) or the frame too long (EMSGSIZE), else the backend's.
 */
int		 sim_output(struct iface *, struct pkt *p);
/* Frames the backend delivers to ifp go to fn(ifp, p, arg). */
void		 sim_set_input(struct iface *, iface_rx_fn fn, void *arg);

/* r: the stream of the scenario seed with this name ("host.x1.tcp"). */
void		 sim_stream(const struct world *, struct rng *r,
		    const char *name);
/* A line of the run's log (stderr; the run's context), or nothing when
 * the world belongs to no run (unit tests). */
void		 sim_log(const struct world *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Host stacks: 0 or the flow's id, else an errno (-1 with errno for
 * sim_flow_add); ENOTSUP on a backend without them. */
int		 sim_host_add(struct world *, struct iface *,
		    const struct backend_tcp *);
int		 sim_route_add(struct world *, struct iface *, uint32_t dst,
		    uint32_t gw);
int		 sim_flow_add(struct world *, const struct backend_flow *);
int		 sim_flow_stats(const struct world *, int id,
		    struct backend_flow_stats *);
int		 sim_host_stats(const struct world *, struct iface *,
		    struct backend_host_stats *);

#endif
