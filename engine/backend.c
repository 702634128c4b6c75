/*
 * The backend interface (backend.h): what models call, dispatched to the
 * world's backend, and the builtin backend's table: the event queue of
 * ev.c and the switched segments of net.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "backend.h"
#include "ev.h"
#include "net.h"

/* --- the builtin backend ------------------------------------------------ */

simtime_t
builtin_now(const struct world *w)
{
	return ev_now(w->q);
}

int
builtin_schedule(struct world *w, struct ev *ev, simtime_t at, bool bounded)
{
	return bounded ? ev_schedule_bounded(w->q, ev, at) :
	    ev_schedule(w->q, ev, at);
}

void
builtin_cancel(struct world *w, struct ev *ev)
{
	ev_cancel(w->q, ev);
}

/* Slices of at most 1 ms simulated, stop() asked after each: a signal is
 * seen soon even in a heavy run. Where a slice ends changes no event. */
static int
builtin_run(struct world *w, simtime_t until, int (*stop)(void *), void *arg,
    char *err, size_t errlen)
{
	simtime_t chunk = until / 200 > 0 ? until / 200 : 1, t;

	(void)err;
	(void)errlen;
	if (chunk > NS_PER_MS)
		chunk = NS_PER_MS;
	for (t = ev_now(w->q); t < until;) {
		t = t + chunk < until ? t + chunk : until;
		ev_run(w->q, t);
		if (stop != NULL && stop(arg))
			break;
	}
	return 0;
}

const struct backend_ops backend_builtin = {
	.name = "builtin",
	.now = builtin_now,
	.schedule = builtin_schedule,
	.cancel = builtin_cancel,
	.output = seg_output,
	.run = builtin_run,
	/* Hosts: the models' own stacks (models/host). */
};

/* --- the world's backend ------------------------------------------------ */

const struct backend_ops *
sim_backend(const struct world *w)
{
	return w->be;
}

void *
sim_backend_data(const struct world *w)
{
	return w->be_data;
}

void
sim_set_backend(struct world *w, const struct backend_ops *be, void *data)
{
	w->be = be;
	w->be_data = data;
}

/* --- what models call --------------------------------------------------- */

simtime_t
sim_now(const struct world *w)
{
	return w->be->now(w);
}

int
sim_schedule(struct world *w, struct ev *ev, simtime_t at)
{
	return w->be->schedule(w, ev, at, false);
}

int
sim_schedule_bounded(struct world *w, struct ev *ev, simtime_t at)
{
	return w->be->schedule(w, ev, at, true);
}

void
sim_cancel(struct world *w, struct ev *ev)
{
	w->be->cancel(w, ev);
}

void *
sim_ctx(const struct world *w)
{
	return ev_current_ctx(w->q);
}

void
sim_enter(struct world *w, void *ctx)
{
	ev_switch_ctx(w->q, ctx);
}

void
sim_set_ctx_hook(struct world *w, ev_ctx_fn fn, void *arg)
{
	ev_queue_set_ctx_hook(w->q, fn, arg);
}

int
sim_output(struct iface *ifp, struct pkt *p)
{
	struct world *w = ifp->node->world;

	if (!ifp->up || !ifp->seg->up) {
		iface_count_down(ifp);
		pkt_free(p);
		return ENETDOWN;
	}
	if (p->len > PKT_MAXFRAME) {
		iface_count_toolong(ifp);
		pkt_free(p);
		return EMSGSIZE;
	}
	return w->be->output(w, ifp, p);
}

void
sim_stream(const struct world *w, struct rng *r, const char *name)
{
	rng_init(r, w->seed, name);
}

void
sim_log(const struct world *w, const char *fmt, ...)
{
	va_list ap;
	simtime_t now = sim_now(w);

	if (w->user == NULL)
		return;
	fprintf(stderr, "%4" PRId64 ".%09" PRId64 " ",
	    (int64_t)(now / NS_PER_SEC), (int64_t)(now % NS_PER_SEC));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
sim_host_add(struct world *w, struct iface *ifp, const struct backend_tcp *t)
{
	return w->be->host_add != NULL ? w->be->host_add(w, ifp, t) : ENOTSUP;
}

int
sim_route_add(struct world *w, struct iface *ifp, uint32_t dst, uint32_t gw)
{
	return w->be->route_add != NULL ? w->be->route_add(w, ifp, dst, gw) :
	    ENOTSUP;
}

int
sim_flow_add(struct world *w, const struct backend_flow *f)
{
	if (w->be->flow_add == NULL) {
		errno = ENOTSUP;
		return -1;
	}
	return w->be->flow_add(w, f);
}

int
sim_host_stats(const struct world *w, struct iface *ifp,
    struct backend_host_stats *st)
{
	return w->be->host_stats != NULL ? w->be->host_stats(w, ifp, st) :
	    ENOTSUP;
}

int
sim_flow_stats(const struct world *w, int id, struct backend_flow_stats *st)
{
	return w->be->flow_stats != NULL ? w->be->flow_stats(w, id, st) :
	    ENOTSUP;
}
