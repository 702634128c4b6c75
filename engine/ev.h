/*
 * Event queue (the builtin backend's time, engine/backend.h; models
 * schedule through sim_schedule): a 4-ary min-heap of intrusive events with an index per event,
 * so schedule, reschedule and cancel are O(log n) and never allocate.
 *
 * Order (total, documented, deterministic): events fire by time, then by the
 * sequence number taken when they were (re)scheduled. Two events at the same
 * instant therefore fire in the order they were scheduled.
 *
 * Context: each event may carry a context pointer (a firewall's kernel
 * context). Before dispatching an event whose context differs from the
 * current one, the queue calls the switch hook, so models can keep their
 * per-node globals the FreeBSD VNET way.
 */
#ifndef ENGINE_EV_H
#define ENGINE_EV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"	/* struct ev, ev_init, ev_pending */
#include "simtime.h"

struct ev_queue;

/* Returns NULL on allocation failure. */
struct ev_queue	*ev_queue_create(void);
void		 ev_queue_destroy(struct ev_queue *);
/*
 * Forget every pending event (each is marked not pending). Call it while
 * the events still exist, before their owners are freed; the queue stays
 * usable (now, schedule).
 */
void		 ev_queue_clear(struct ev_queue *);

/* Called before an event whose ctx differs from the current context runs. */
void		 ev_queue_set_ctx_hook(struct ev_queue *, ev_ctx_fn, void *);
/* Upper bound on pending events; 0 = unlimited. Exceeding it fails. */
void		 ev_queue_set_limit(struct ev_queue *, size_t);

/*
 * Schedule (or move, if pending) ev to fire at absolute time at (>= now).
 * Returns 0, or ENOMEM/EOVERFLOW when the queue limit is reached.
 */
int		 ev_schedule(struct ev_queue *, struct ev *, simtime_t at);
/*
 * The same, exempt from the limit: for the engine's own events whose
 * number is bounded by the topology (two per port), so that a full queue
 * never wedges a link. Fails only with ENOMEM.
 */
int		 ev_schedule_bounded(struct ev_queue *, struct ev *,
		    simtime_t at);
void		 ev_cancel(struct ev_queue *, struct ev *);

simtime_t	 ev_now(const struct ev_queue *);
size_t		 ev_count(const struct ev_queue *);
/* When the next event fires; SIMTIME_MAX when none is pending. */
simtime_t	 ev_next(const struct ev_queue *);
/* Run events with at <= until, then set now = until. Returns events run. */
uint64_t	 ev_run(struct ev_queue *, simtime_t until);
/* Switch the current context now (calls the hook if it differs). */
void		 ev_switch_ctx(struct ev_queue *, void *ctx);
void		*ev_current_ctx(const struct ev_queue *);
/* Make a running ev_run return after the current event. */
void		 ev_stop(struct ev_queue *);
/* Counters: events ever scheduled, schedule failures at the limit. */
uint64_t	 ev_scheduled_total(const struct ev_queue *);
uint64_t	 ev_limit_drops(const struct ev_queue *);

#endif
