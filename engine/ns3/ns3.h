/*
 * The ns-3 backend's shim: ns-3's clock, point-to-point and CSMA channels,
 * IPv4, TCP and UDP run the scenario; pfsim's own models (firewalls) keep
 * their code and reach the wire through the backend interface
 * (engine/backend.h), whose table for ns-3 (ops.c) calls the functions
 * below.
 *
 * C only, so that C code can call it: the implementation (ns3.cc, C++17)
 * is built when pkg-config finds Debian's ns-3 (libns3-dev); without it
 * none.c answers ns3_available() with 0 and ns3_create() with ENOTSUP.
 *
 * How a run goes: run.c makes the object once the world exists and
 * installs the table; the host model registers, through sim_host_add and
 * the like, the nodes whose IP stack is ns-3's (ns3_host_add), the static
 * host routes its flows need (ns3_route_add) and its TCP and UDP flows
 * (ns3_flow_add); ns3_run builds one ns-3 node per engine node,
 * point-to-point links for a segment of two interfaces or with a
 * store-and-forward switch, a CSMA channel for any other, and runs. The
 * engine's event queue becomes a
 * sub-scheduler driven by ns-3's clock: one ns-3 event waits at
 * ev_next(), and whenever pfsim code has run (that event, or a frame
 * handed to an engine interface), the queue runs up to ns-3's now and the
 * event moves to the new ev_next().
 */
#ifndef ENGINE_NS3_NS3_H
#define ENGINE_NS3_NS3_H

#include <stddef.h>
#include <stdint.h>

#include "engine/backend.h"

#ifdef __cplusplus
extern "C" {
#endif

struct world;
struct iface;
struct ns3_backend;

/* The Debian package that provides ns-3, for messages. */
#define NS3_PACKAGE	"libns3-dev"

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
		    const struct backend_tcp *);
/*
 * A host route on the registered host ifp: dst through gw. 0, or EEXIST
 * when ifp has a route to dst through another gateway (ns-3's static
 * routing keeps one per destination).
 */
int		 ns3_route_add(struct ns3_backend *, struct iface *ifp,
		    uint32_t dst, uint32_t gw);
/* Returns the flow's id (>= 0), or -1 with errno. */
int		 ns3_flow_add(struct ns3_backend *, const struct backend_flow *);
/* Fill st for flow id: its counters so far (during ns3_run, from a
 * model's event) or in all (after). 0, or ENOENT. */
int		 ns3_flow_stats(const struct ns3_backend *, int id,
		    struct backend_flow_stats *st);
/* The events ns-3's scheduler ran (after ns3_run: all of them). */
uint64_t	 ns3_events(const struct ns3_backend *);
/* Fill st with what registered host ifp's device counted. 0, or ENOENT. */
int		 ns3_host_stats(const struct ns3_backend *, struct iface *ifp,
		    struct backend_host_stats *st);
/*
 * Build the topology and run until duration_ns; stop(arg) (may be NULL) is
 * asked every 10 ms of simulated time whether to stop early. 0, or an
 * errno with err set (EINVAL: the scenario asks for what the backend
 * does not model).
 */
int		 ns3_run(struct ns3_backend *, int64_t duration_ns,
		    int (*stop)(void *), void *arg, char *err, size_t errlen);
/*
 * An engine interface outputs p (the backend's output: sim_output has
 * checked it; the engine counts and captures it here): onto its ns-3
 * device. Takes p; 0, or an errno when it was dropped.
 */
int		 ns3_output(struct ns3_backend *, struct iface *ifp,
		    struct pkt *p);

/* The backend table (ops.c): ns-3's wire and hosts, the engine's queue as
 * its sub-scheduler. */
extern const struct backend_ops backend_ns3;

#ifdef __cplusplus
}
#endif

#endif
