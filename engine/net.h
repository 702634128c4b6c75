/*
 * The simulated world: nodes, interfaces, LAN segments (point-to-point
 * links are segments with two ports), static routes and frame delivery.
 *
 * A segment is an ideal switch: each attached interface has one port with a
 * bounded drop-tail transmit queue (packets), serialisation at the segment's
 * rate, propagation delay, optional jitter that never reorders frames of one
 * port, and random loss. A frame goes to the port whose MAC equals the
 * destination MAC, or to every other port for group addresses. Contention
 * inside the switch fabric is not modelled (XXX).
 *
 * Every drop is a named counter (struct seg_stats).
 */
#ifndef ENGINE_NET_H
#define ENGINE_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "ev.h"
#include "pkt.h"
#include "rng.h"
#include "simtime.h"

struct world;
struct node;
struct iface;
struct segment;
struct capture;

/* A frame the interface puts on the wire (counted, not yet delivered). */
typedef void (*iface_tx_fn)(struct iface *, const struct pkt *p, void *arg);

struct seg_stats {
	uint64_t	tx_frames, tx_bytes;	/* frames put on the wire */
	uint64_t	rx_frames, rx_bytes;	/* frames delivered to a port */
	uint64_t	drop_queue;	/* transmit queue full */
	uint64_t	drop_loss;	/* random loss */
	uint64_t	drop_nodest;	/* unicast MAC not on the segment */
	uint64_t	drop_down;	/* segment or interface down */
	uint64_t	drop_toolong;	/* frame longer than PKT_MAXFRAME */
	/* Faults that deliver (not drops): */
	uint64_t	fault_dup;	/* frames delivered twice */
	uint64_t	fault_reorder;	/* frames held back past later ones */
	uint64_t	fault_corrupt;	/* frames with one bit flipped */
};

struct seg_params {
	uint64_t	rate_bps;	/* 0 = infinite */
	simtime_t	delay_ns;
	simtime_t	jitter_ns;	/* uniform extra delay in [0, jitter) */
	bool		store_forward;	/* one more frame time: the switch */
	double		loss;		/* probability per frame */
	uint32_t	qlimit;		/* packets per port; 0 = unlimited */
	uint32_t	mtu;		/* IP MTU, default 1500 */
	/* Faults. Gilbert-Elliott burst loss: loss is the long-run rate,
	 * loss_burst the mean length of a loss burst (1 = independent). */
	double		loss_burst;
	double		dup;		/* probability a frame arrives twice */
	double		reorder;	/* probability a frame is held back */
	simtime_t	reorder_ns;	/* ... by this long */
	double		corrupt;	/* probability of one flipped bit */
	uint32_t	corrupt_off;	/* flips land at or after this byte */
};

struct port {
	struct iface	*ifp;
	struct segment	*seg;
	struct pktq	 txq;		/* waiting for the wire */
	struct pktq	 flight;	/* serialised, propagating */
	struct pktq	 late;		/* held back by the reorder fault */
	bool		 busy;
	simtime_t	 last_arrival;	/* keeps jitter from reordering */
	struct ev	 tx_done;
	struct ev	 arrive;
	struct ev	 arrive_late;
	struct seg_stats st;
};

struct iface {
	struct node	*node;
	char		 name[16];	/* "em0", "eth0", ... */
	int		 index;
	uint8_t		 mac[6];
	uint32_t	 addr;		/* IPv4, host byte order */
	uint8_t		 plen;
	uint32_t	 mtu;
	bool		 up;
	struct segment	*seg;
	struct port	*port;
	iface_rx_fn	 rx;
	void		*rx_arg;
	iface_tx_fn	 tx_tap;	/* NULL = none */
	void		*tx_arg;
	struct capture	*cap;		/* NULL = not captured */
	int		 cap_if;	/* interface id in a merged capture */
};

#define NODE_MAXIF	8
#define NODE_MAXRT	16

struct route {
	uint32_t	 dst, mask;	/* host byte order */
	uint32_t	 gw;		/* 0 = directly connected */
	struct iface	*ifp;
};

struct node {
	struct world	*world;
	char		 name[32];
	const char	*kind;		/* the owning model's section type:
				 * "host", "firewall", ... */
	int		 id;
	struct iface	*ifs[NODE_MAXIF];
	int		 nifs;
	struct route	 rt[NODE_MAXRT];
	int		 nrt;
	void		*model;		/* struct fw *, struct host *, ... */
	void		*ctx;		/* event context (kernel context) */
};

struct segment {
	struct world	*world;
	char		 name[32];
	struct seg_params p;
	bool		 up;
	bool		 burst_bad;	/* Gilbert-Elliott state */
	struct rng	 rng;		/* stream "net.NAME" */
	struct ev	 down_ev;	/* partition windows */
	simtime_t	 down_at[8][2];
	int		 ndown, down_next;
	struct port	*ports[16];
	int		 nports;
	struct seg_stats st;		/* sum over ports */
};

struct world {
	const struct backend_ops *be;	/* what runs it (backend.h) */
	void		*be_data;	/* the backend's own, or NULL */
	struct ev_queue	*q;		/* the builtin's queue (ns-3's too) */
	struct pkt_pool	*pool;
	uint64_t	 seed;
	bool		 variability;	/* sim.variability: models draw timing */
	struct node	*nodes[64];
	int		 nnodes;
	struct segment	*segs[32];
	int		 nsegs;
	void		*user;		/* the run (engine/run.c) */
};

/* A world on the builtin backend (sim_set_backend changes it). */
struct world	*world_create(uint64_t seed, size_t pkt_limit, size_t ev_limit);
/* Calls the backend's destroy first. */
void		 world_destroy(struct world *);

struct segment	*segment_create(struct world *, const char *name,
		    const struct seg_params *);
/* kind: the section type of the model that owns the node (a string that
 * outlives the world); the engine only stores it. */
struct node	*node_create(struct world *, const char *name, const char *kind);
/* Is n owned by the model of section type kind? */
bool		 node_is(const struct node *n, const char *kind);
/* Attach a new interface of node n to segment s. MAC is derived from ids. */
struct iface	*iface_create(struct node *n, const char *ifname,
		    struct segment *s, uint32_t addr, uint8_t plen);
/* Tell fn of every frame ifp puts on the wire (the owner's own counts,
 * e.g. of one kind of its traffic); NULL stops it. */
void		 iface_set_tx_tap(struct iface *, iface_tx_fn, void *arg);

/*
 * The builtin backend's output (sim_output has checked the interface is
 * up and the frame not too long): into the port's transmit queue. 0 when
 * queued, or ENOBUFS when dropped (freed, counted).
 */
int		 seg_output(struct world *, struct iface *, struct pkt *);
/* sim_output's drops: counted on the port and its segment. */
void		 iface_count_down(struct iface *);
void		 iface_count_toolong(struct iface *);
/* Frames waiting in the port's transmit queue, and its limit (the
 * segment's qlimit unless set here, e.g. a NIC's if_snd of 511). */
uint32_t	 iface_txq_len(const struct iface *);
void		 iface_set_txq_limit(struct iface *, uint32_t);
/*
 * Wire time of a frame of len bytes at rate: preamble and SFD (8), FCS (4)
 * and inter-frame gap (12) are added, frames shorter than 60 are padded.
 */
simtime_t	 wire_time_ns(uint64_t rate_bps, uint32_t len);

/*
 * Another backend's wire (engine/ns3): a frame its output takes is
 * counted, captured and tapped here, as the segment model does when the
 * frame starts on the wire; then the backend carries it (no
 * serialisation, delay or faults of the segment model).
 */
void		 iface_wire(struct iface *ifp, const struct pkt *p);
/*
 * A frame that other backend delivers to ifp (the callee owns p): counted,
 * captured and handed to ifp's receive callback in its node's context,
 * as the segment model's delivery does.
 */
void		 iface_input(struct iface *ifp, struct pkt *p);

/* The interface on ifp's segment that owns addr, or NULL (static ARP). */
struct iface	*segment_find_addr(const struct segment *, uint32_t addr);
/* Take the segment down (partition) during [from, to); up to 8 windows. */
int		 segment_add_down(struct segment *, simtime_t from, simtime_t to);

int		 node_add_route(struct node *, uint32_t dst, uint8_t plen,
		    uint32_t gw, struct iface *);
/* Longest-prefix match; directly connected nets first. NULL = no route. */
const struct route *node_route(const struct node *, uint32_t dst);
struct node	*world_find_node(const struct world *, const char *name);

#endif
