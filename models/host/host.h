/*
 * End hosts, their TCP and UDP, and the traffic sources ([host] and [flow]
 * sections).
 *
 * A host is an engine node with one interface and static ARP. It answers
 * nothing but its own flows: frames for unknown ports are counted and
 * dropped. Each flow picks, per direction, the firewall its packets go
 * through (route = fwA fwB, route = hash, route changes at given times);
 * hosts on the same net as their peer may talk directly.
 *
 * TCP is a 2009-era BSD/Linux stack: three-way handshake with SYN
 * retransmission, MSS, window scaling, SACK (RFC 2018) with an RFC 6675
 * scoreboard, NewReno (RFC 6582) without SACK, delayed ACKs, RTO per
 * RFC 6298 with exponential backoff, limited transmit (RFC 3042), FIN and
 * RST teardown. Every behaviour is a parameter of struct host_tcp_params.
 * No timestamps option (XXX), no persist timer (receivers always advertise
 * their whole buffer: the application reads at once).
 *
 * Timing (struct host_timing; the [host] keys nic.* and stack.*). A 2009
 * PC is not zero-latency. Frames that reach the interface wait in a
 * receive ring for the NIC's interrupt, asserted at max(arrival of the
 * first waiting frame, last interrupt + 1/int_rate); the interrupt takes
 * every waiting frame, in order. The rate follows Linux e1000's dynamic
 * interrupt throttling ("e1000: add dynamic itr modes", 2006; default
 * InterruptThrottleRate=3, "dynamic conservative", between 4,000/s for
 * bulk and 20,000/s for low-latency traffic; the older static default was
 * 8,000/s): 20,000/s is the class of a paced flow of single segments and
 * ACKs. A fixed rate is a simplification of the dynamic algorithm (XXX).
 * The throttle timer starts at a random phase. Each frame then takes the
 * receive stack latency (driver, IP, TCP) before TCP/UDP input, and each
 * segment TCP/UDP sends takes the send stack latency before it reaches the
 * interface. Both means are estimates: the order of magnitude is from
 * Larsen et al., "Architectural breakdown of end-to-end latency in a
 * TCP/IP network", Int. J. Parallel Programming 37(6), 2009 (about 10 us
 * one way through a standard Linux stack on a 10GbE NIC without
 * interrupt moderation; a 2009 gigabit PC is slower), checked over
 * 0-50 us. A latency is (1 - spread) * mean + Exp(spread * mean), drawn
 * per frame, so its mean is kept; frames of one host never overtake each
 * other in either direction. Draws come from the streams "host.NAME.rx"
 * and "host.NAME.tx"; with sim.variability off there is no phase, every
 * latency is its mean and nothing is drawn. A host without timing (all
 * zero, the core default) handles frames at once, as before.
 *
 * Two layers: a core API on struct world (what the unit tests drive) and
 * the model glue (host_model, flow_model) that builds it from a scenario.
 */
#ifndef MODELS_HOST_HOST_H
#define MODELS_HOST_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/conf.h"
#include "engine/json.h"
#include "engine/model.h"
#include "engine/net.h"
#include "engine/simtime.h"

struct host;
struct flow;

/* TCP behaviour of one host; flows use their endpoints' values. */
struct host_tcp_params {
	uint32_t	mss;		/* MSS option we send (bytes) */
	uint32_t	rcvbuf;		/* receive buffer = advertised window */
	uint32_t	sndbuf;		/* unacknowledged + unsent data limit */
	bool		wscale;		/* offer window scaling (RFC 7323) */
	bool		sack;		/* offer SACK (RFC 2018) */
	bool		limited_transmit;	/* RFC 3042 */
	bool		cwnd_validate;	/* grow cwnd only when it limits */
	uint32_t	initcwnd;	/* initial window, segments */
	uint32_t	dupthresh;	/* duplicate ACKs to fast retransmit */
	uint32_t	delack_segs;	/* ACK at least every n segments */
	simtime_t	delack_ns;	/* delayed-ACK timer; 0 = ACK each */
	simtime_t	rto_init_ns;	/* before the first RTT sample, SYN */
	simtime_t	rto_min_ns;
	simtime_t	rto_max_ns;
	uint32_t	syn_retries;	/* SYN or SYN/ACK retransmissions */
	uint32_t	retries;	/* data retransmissions before abort */
	simtime_t	time_wait_ns;	/* 2MSL */
	uint8_t		ttl;
	/* tcp.cc, HOST_CC_*: what this TCP is (linuxreno, newreno) or,
	 * on the ns-3 backend, which of ns-3's it runs. */
	uint8_t		cc;
};

enum { HOST_CC_LINUXRENO, HOST_CC_NEWRENO, HOST_CC_CUBIC };

/* Fill p with the defaults of the parameter table. */
void	host_tcp_defaults(struct host_tcp_params *p);

struct host_stats {
	uint64_t	rx_frames;
	uint64_t	rx_bad;		/* malformed frame or IP header */
	uint64_t	rx_badsum;	/* TCP/UDP checksum wrong */
	uint64_t	rx_notmine;	/* IP destination not this host */
	uint64_t	rx_noport;	/* no connection or listener */
	uint64_t	rx_other;	/* not TCP or UDP, or a fragment */
	uint64_t	tx_frames;
	uint64_t	tx_drops;	/* refused by the interface */
	uint64_t	tx_nobuf;	/* packet pool exhausted */
	uint64_t	rx_ring;	/* receive ring full */
	uint64_t	rx_intr;	/* receive interrupts */
	uint32_t	rx_ring_peak;	/* most frames waiting for one */
};

/*
 * The host's timing model (see above). All zero: none, frames are
 * handled the instant they arrive or are sent. The scenario's defaults
 * are those of the [host] table, not these.
 */
struct host_timing {
	uint32_t	int_rate;	/* receive interrupts/s at most; 0 = none */
	bool		random_phase;	/* throttle timer phase drawn */
	uint32_t	rx_ring;	/* frames waiting; 0 = unbounded */
	simtime_t	rx_ns;		/* mean, interrupt to TCP/UDP input */
	simtime_t	tx_ns;		/* mean, TCP/UDP output to interface */
	double		spread;		/* random share of each latency, 0..1 */
};

/*
 * A host on segment seg, with one interface "eth0". addr may be 0 and set
 * later with host_set_addr() (the model picks one at link time). tcp may
 * be NULL for the defaults; it is copied. NULL on failure.
 */
struct host	*host_create(struct world *, const char *name,
		    struct segment *seg, uint32_t addr, uint8_t plen,
		    const struct host_tcp_params *tcp);
void		 host_destroy(struct host *);
void		 host_set_addr(struct host *, uint32_t addr, uint8_t plen);
/*
 * Set the timing model (copied). Call before the host has traffic: the
 * throttle timer's phase is drawn now. EINVAL if spread is outside 0..1
 * or a latency is negative.
 */
int		 host_set_timing(struct host *, const struct host_timing *);
const char	*host_name(const struct host *);
struct iface	*host_iface(const struct host *);
const struct host_stats *host_stats(const struct host *);
/* A backend host (ns-3): its frame counts are its device's. */
void		 host_set_backend_stats(struct host *,
		    const struct backend_host_stats *);
const struct host_tcp_params *host_tcp(const struct host *);

enum flow_proto { FLOW_TCP, FLOW_UDP };
enum flow_mode	{ FLOW_STREAM, FLOW_RR, FLOW_MIX };
enum route_kind { ROUTE_HASH, ROUTE_FIXED, ROUTE_DIRECT };

/*
 * Which way a flow's packets go. FIXED: via[0] carries from->to, via[1]
 * to->from (a node with an interface on the sender's net). HASH: per
 * connection and per direction, a hash of the packets' 5-tuple over the
 * firewalls on the sender's net (ECMP). DIRECT: straight to the peer on
 * the same net.
 */
struct flow_route {
	enum route_kind	 kind;
	struct node	*via[2];
};

#define FLOW_MAXCHANGES	16

struct flow_route_change {
	simtime_t	 at_ns;
	struct flow_route r;
};

/* Everything a flow is; see flow_params[] for the meaning of each key. */
struct flow_spec {
	const char	*name;
	enum flow_proto	 proto;
	enum flow_mode	 mode;
	struct host	*from, *to;
	simtime_t	 start_ns;
	simtime_t	 start_jitter_ns;	/* start + U[0, this); 0 = none */
	simtime_t	 stop_ns;	/* 0 = end of run */
	double		 rate_pps;	/* 0 = unpaced */
	uint64_t	 size;		/* bytes; 0 = unlimited */
	uint32_t	 payload;	/* UDP payload bytes */
	uint16_t	 port;		/* server port */
	uint32_t	 requests;	/* rr: connections */
	uint64_t	 request_size, response_size;
	uint32_t	 count;		/* mix: streams */
	simtime_t	 arrival_ns;	/* mix: mean interarrival */
	double		 shape;		/* mix: Pareto shape */
	struct flow_route route;
	struct flow_route_change changes[FLOW_MAXCHANGES];
	int		 nchanges;
};

/* Set the defaults of the parameter table (name, hosts left NULL), but
 * start_jitter_ns 0. */
void	flow_spec_defaults(struct flow_spec *);

/* Counters of one flow (all its connections, both directions). */
struct flow_stats {
	uint64_t	offered_pkts, offered_bytes;	/* the source made */
	uint64_t	tx_pkts, tx_bytes;	/* data segments, rexmits too */
	uint64_t	delivered_pkts;		/* segments with new data */
	uint64_t	delivered_bytes;	/* in order, to the receiver */
	uint64_t	acks_sent;		/* pure ACKs */
	uint64_t	retransmits;		/* segments, SYN, FIN */
	uint64_t	syn_retransmits;	/* SYN and SYN/ACK */
	uint64_t	timeouts;		/* RTO expiries */
	uint64_t	dupacks;		/* duplicate ACKs received */
	uint64_t	fast_retransmits;	/* loss recoveries entered */
	uint64_t	sack_recoveries;	/* of which SACK-based */
	uint64_t	resets_rcvd, resets_sent;
	uint64_t	local_drops;		/* refused by our interface */
	uint64_t	conns_opened, conns_established;
	uint64_t	conns_completed;	/* all data exchanged */
	uint64_t	conns_failed;		/* reset, refused, timed out */
	uint64_t	conns_syn_retried;	/* handshake needed a rexmit */
	simtime_t	connect_ns_sum, connect_ns_max;
	simtime_t	response_ns_sum, response_ns_max;	/* rr */
	/* Client-side TCP at its close (or at the end of the run). */
	uint64_t	cwnd_samples, rtt_samples;
	double		cwnd_sum, srtt_sum, rto_sum;	/* bytes, ns, ns */
	uint32_t	cwnd_last;		/* bytes */
	simtime_t	srtt_last_ns, rto_last_ns;
	simtime_t	t_first, t_last;	/* active interval */
};

/*
 * Make a flow. The spec is copied (its name too). On failure NULL is
 * returned, *keyp names the [flow] key at fault ("route") and err says
 * what is wrong with it. id is the flow's index; packets carry id + 1 in
 * pkt->flow.
 */
struct flow	*flow_create(const struct flow_spec *, int id,
		    const char **keyp, char *err, size_t errlen);
/*
 * Check routes against the topology (call once every node exists).
 * Returns 0, or -1 with *keyp ("route", "route_change", "port",
 * "payload") and err.
 */
int		 flow_link(struct flow *, const char **keyp, char *err,
		    size_t errlen);
/*
 * The end of the run: sources make nothing at or after it, so a source
 * at r per second offers exactly r * (end - start). Default: none.
 */
void		 flow_set_horizon(struct flow *, simtime_t end_ns);
/* Schedule the flow's start; call at time 0 (or whenever). */
void		 flow_start(struct flow *);
/* Close the books at the end of the run. */
void		 flow_finish(struct flow *);
void		 flow_destroy(struct flow *);
const char	*flow_name(const struct flow *);
const struct flow_spec *flow_spec(const struct flow *);
const struct flow_stats *flow_stats(const struct flow *);

/* Derived figures over the flow's active interval. */
double		 flow_offered_pps(const struct flow *);
double		 flow_delivered_pps(const struct flow *);
double		 flow_goodput_bps(const struct flow *);

/* Goodput (bit/s) since the previous call (timeseries.csv). */
double		 flow_ts_goodput(struct flow *);
/* A short text for the route: "fwA fwB", "hash", "direct". */
void		 flow_route_str(const struct flow_route *, char *, size_t);

/* One flow as a summary.json object (key NULL inside an array). */
void		 flow_report_json(const struct flow *, struct json *);

/*
 * A backend with its own host stacks (ns-3, engine/backend.h): h's IP
 * stack and TCP are the backend's, with h's tcp.* values (host_stack_add:
 * 0 or an errno); f's traffic is a TCP stream between them on static
 * host routes. flow_stack_add: 0, or -1 with *keyp ("route",
 * "route_change", "proto", "mode") and err saying what the backend cannot
 * express. flow_stack_finish takes the backend's figures into the flow's
 * counters (instead of flow_finish).
 */
int		 host_stack_add(struct host *h);
int		 flow_stack_add(struct flow *f, const char **keyp, char *err,
		    size_t errlen);
void		 flow_stack_finish(struct flow *f);

/* The scenario sections. */
/* The engine node kind of a host (its section type). */
#define HOST_NODE_KIND	"host"

extern const struct param_spec host_params[];
extern const struct param_spec flow_params[];
extern const struct section_type host_section, flow_section;
extern const struct model_type host_model, flow_model;

#endif
