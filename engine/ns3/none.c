/* The ns-3 backend when pfsim is built without ns-3 (see ns3.h). */
#include <errno.h>
#include <stdio.h>

#include "ns3.h"

int
ns3_available(void)
{
	return 0;
}

struct ns3_backend *
ns3_create(struct world *w)
{
	(void)w;
	errno = ENOTSUP;
	return NULL;
}

void
ns3_destroy(struct ns3_backend *x)
{
	(void)x;
}

int
ns3_host_add(struct ns3_backend *x, struct iface *ifp,
    const struct backend_tcp *tcp)
{
	(void)x;
	(void)ifp;
	(void)tcp;
	return ENOTSUP;
}

int
ns3_route_add(struct ns3_backend *x, struct iface *ifp, uint32_t dst,
    uint32_t gw)
{
	(void)x;
	(void)ifp;
	(void)dst;
	(void)gw;
	return ENOTSUP;
}

int
ns3_flow_add(struct ns3_backend *x, const struct backend_flow *f)
{
	(void)x;
	(void)f;
	errno = ENOTSUP;
	return -1;
}

int
ns3_flow_stats(const struct ns3_backend *x, int id, struct backend_flow_stats *st)
{
	(void)x;
	(void)id;
	(void)st;
	return ENOENT;
}

int
ns3_host_stats(const struct ns3_backend *x, struct iface *ifp,
    struct backend_host_stats *st)
{
	(void)x;
	(void)ifp;
	(void)st;
	return ENOENT;
}

uint64_t
ns3_events(const struct ns3_backend *x)
{
	(void)x;
	return 0;
}

int
ns3_run(struct ns3_backend *x, int64_t duration_ns, int (*stop)(void *),
    void *arg, char *err, size_t errlen)
{
	(void)x;
	(void)duration_ns;
	(void)stop;
	(void)arg;
	snprintf(err, errlen, "pfsim was built without ns-3 (Debian package "
	    "%s)", NS3_PACKAGE);
	return ENOTSUP;
}

int
ns3_output(struct ns3_backend *x, struct iface *ifp, struct pkt *p)
{
	(void)x;
	(void)ifp;
	pkt_free(p);
	return ENOTSUP;
}
