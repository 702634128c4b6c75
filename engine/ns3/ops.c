/*
 * The ns-3 backend's table (engine/backend.h): frames and hosts go to the
 * shim (ns3.h); time and events are the engine's queue, which the shim
 * runs as a sub-scheduler of ns-3's clock, so they are the builtin's.
 * Compiled with or without ns-3: without it the shim's stubs (none.c)
 * refuse, and run.c never installs this table (ns3_available()).
 */
#include "engine/net.h"
#include "ns3.h"

static struct ns3_backend *
ns3_of(const struct world *w)
{
	return sim_backend_data(w);
}

static int
ns3_ops_output(struct world *w, struct iface *ifp, struct pkt *p)
{
	return ns3_output(ns3_of(w), ifp, p);
}

static int
ns3_ops_host_add(struct world *w, struct iface *ifp,
    const struct backend_tcp *t)
{
	return ns3_host_add(ns3_of(w), ifp, t);
}

static int
ns3_ops_route_add(struct world *w, struct iface *ifp, uint32_t dst,
    uint32_t gw)
{
	return ns3_route_add(ns3_of(w), ifp, dst, gw);
}

static int
ns3_ops_flow_add(struct world *w, const struct backend_flow *f)
{
	return ns3_flow_add(ns3_of(w), f);
}

static int
ns3_ops_flow_stats(const struct world *w, int id,
    struct backend_flow_stats *st)
{
	return ns3_flow_stats(ns3_of(w), id, st);
}

static int
ns3_ops_host_stats(const struct world *w, struct iface *ifp,
    struct backend_host_stats *st)
{
	return ns3_host_stats(ns3_of(w), ifp, st);
}

static uint64_t
ns3_ops_events(const struct world *w)
{
	return ns3_events(ns3_of(w));
}

static int
ns3_ops_run(struct world *w, simtime_t until, int (*stop)(void *), void *arg,
    char *err, size_t errlen)
{
	return ns3_run(ns3_of(w), until, stop, arg, err, errlen);
}

static void
ns3_ops_destroy(struct world *w)
{
	ns3_destroy(ns3_of(w));
	sim_set_backend(w, &backend_builtin, NULL);
}

const struct backend_ops backend_ns3 = {
	.name = "ns3",
	.now = builtin_now,
	.schedule = builtin_schedule,
	.cancel = builtin_cancel,
	.output = ns3_ops_output,
	.host_add = ns3_ops_host_add,
	.route_add = ns3_ops_route_add,
	.flow_add = ns3_ops_flow_add,
	.flow_stats = ns3_ops_flow_stats,
	.host_stats = ns3_ops_host_stats,
	.run = ns3_ops_run,
	.events = ns3_ops_events,
	.destroy = ns3_ops_destroy,
};
