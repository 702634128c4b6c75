/*
 * hardclock, ticks, time_second/time_uptime and timeout(9)
 * (docs/ref/openbsd-kernel-env.md §1-2).
 *
 * Hardclocks happen at engine times phase + k * tick (k >= 0); each one
 * increments ticks. ticks, time_second and time_uptime are computed from
 * the engine clock, so idle ticks cost nothing: the only engine event is
 * one wakeup at the hardclock of the earliest pending callout. Callouts
 * are kept sorted by (due tick, add order), which is the order softclock
 * of kern_timeout.c runs them in (earlier buckets reach the to-do list
 * first, and a bucket keeps insertion order).
 * XXX hardclock itself costs no CPU time (~1 us per 10 ms, 0.01%).
 */
#include "models/kern/kern_var.h"

static void	kern_hardclock(void *);
static void	timeout_resched(struct vnet *);

void
kern_clock_init(struct vnet *v)
{
	/* 2009-03-01 00:00:00 UTC: the thesis' era; the boot offset and the
	 * hardclock phase differ per firewall. */
	const int64_t epoch = 1235865600LL;
	int64_t up_s;

	v->vnet_tick_ns = NS_PER_SEC / v->vnet_p.kp_hz;
	v->vnet_phase_ns = (simtime_t)rng_below(&v->vnet_rng,
	    (uint64_t)v->vnet_tick_ns);
	/* Up between 10 minutes and a day when the run starts. */
	up_s = 600 + (int64_t)rng_below(&v->vnet_rng, 86400 - 600);
	v->vnet_ticks0 = up_s * v->vnet_p.kp_hz +
	    (int64_t)rng_below(&v->vnet_rng, (uint64_t)v->vnet_p.kp_hz);
	v->vnet_boot_wall_ns = (epoch + (int64_t)rng_below(&v->vnet_rng,
	    86400)) * NS_PER_SEC + (int64_t)rng_below(&v->vnet_rng,
	    NS_PER_SEC);
	ev_init(&v->vnet_tick_ev, kern_hardclock, v, v);
}

void
kern_clock_fini(struct vnet *v)
{
	struct timeout *to;

	if (v->vnet_world != NULL)
		sim_cancel(v->vnet_world, &v->vnet_tick_ev);
	while ((to = TAILQ_FIRST(&v->vnet_timeouts)) != NULL) {
		TAILQ_REMOVE(&v->vnet_timeouts, to, to_list);
		to->to_flags &= ~TIMEOUT_ONQUEUE;
	}
}

static int64_t
ticks_at(const struct vnet *v, simtime_t now)
{
	if (now < v->vnet_phase_ns)
		return v->vnet_ticks0;
	return v->vnet_ticks0 + (now - v->vnet_phase_ns) / v->vnet_tick_ns + 1;
}

simtime_t
kern_tick_time(const struct vnet *v, int64_t t)
{
	return v->vnet_phase_ns + (t - v->vnet_ticks0 - 1) * v->vnet_tick_ns;
}

/* kern_clock.c: ticks, as last incremented by hardclock */
int
kern_ticks(void)
{
	return (int)ticks_at(curvnet, sim_now(curvnet->vnet_world));
}

/* kern_tc.c: time_second, refreshed by tc_windup at every hardclock */
time_t
kern_time_second(void)
{
	struct vnet *v = curvnet;
	int64_t t = ticks_at(v, sim_now(v->vnet_world));

	return (time_t)((v->vnet_boot_wall_ns + t * v->vnet_tick_ns) /
	    NS_PER_SEC);
}

/* kern_tc.c: time_uptime */
time_t
kern_time_uptime(void)
{
	struct vnet *v = curvnet;
	int64_t t = ticks_at(v, sim_now(v->vnet_world));

	return (time_t)(t * v->vnet_tick_ns / NS_PER_SEC);
}

/* The hardclock that makes a callout due: softclock becomes pending. */
static void
kern_hardclock(void *arg)
{
	struct vnet *v = arg;

	kern_cpu_kick(v);
}

/* Ask for one wakeup at the hardclock of the earliest pending callout. */
static void
timeout_resched(struct vnet *v)
{
	struct timeout *to = TAILQ_FIRST(&v->vnet_timeouts);
	simtime_t now, at;

	if (v->vnet_world == NULL)
		return;
	if (to == NULL) {
		sim_cancel(v->vnet_world, &v->vnet_tick_ev);
		return;
	}
	now = sim_now(v->vnet_world);
	at = kern_tick_time(v, to->to_due);
	if (at <= now) {
		sim_cancel(v->vnet_world, &v->vnet_tick_ev);
		kern_cpu_kick(v);
	} else if (!ev_pending(&v->vnet_tick_ev) ||
	    v->vnet_tick_ev.at != at) {
		if (sim_schedule_bounded(v->vnet_world, &v->vnet_tick_ev, at) != 0)
			panic("timeout: cannot schedule the hardclock");
	}
}

/* kern_timeout.c: timeout_set */
void
timeout_set(struct timeout *to, void (*fn)(void *), void *arg)
{
	KASSERT(curvnet != NULL);
	memset(to, 0, sizeof(*to));
	to->to_func = fn;
	to->to_arg = arg;
	to->to_flags = TIMEOUT_INITIALIZED;
	to->to_vnet = curvnet;
}

/* kern_timeout.c: timeout_add */
void
timeout_add(struct timeout *new, int to_ticks)
{
	struct vnet *v = new->to_vnet;
	struct timeout *to;
	int64_t now;

	if (!(new->to_flags & TIMEOUT_INITIALIZED))
		panic("timeout_add: not initialized");
	if (to_ticks < 0)
		panic("timeout_add: to_ticks (%d) < 0", to_ticks);
	KASSERT(v != NULL);

	now = ticks_at(v, sim_now(v->vnet_world));
	if (new->to_flags & TIMEOUT_ONQUEUE)
		TAILQ_REMOVE(&v->vnet_timeouts, new, to_list);
	new->to_time = (int)(now + to_ticks);
	/* A deadline already reached is caught by the next hardclock. */
	new->to_due = now + (to_ticks > 0 ? to_ticks : 1);
	new->to_seq = ++v->vnet_to_seq;
	new->to_flags &= ~TIMEOUT_TRIGGERED;
	new->to_flags |= TIMEOUT_ONQUEUE;

	/* Sorted by (due, seq); new ones tend to go last: scan from the
	 * tail. O(n) in pending callouts (a few hundred at most). */
	TAILQ_FOREACH_REVERSE(to, &v->vnet_timeouts, kern_timeouts, to_list)
		if (to->to_due <= new->to_due)
			break;
	if (to == NULL)
		TAILQ_INSERT_HEAD(&v->vnet_timeouts, new, to_list);
	else
		TAILQ_INSERT_AFTER(&v->vnet_timeouts, to, new, to_list);
	timeout_resched(v);
}

/* kern_timeout.c: timeout_add_sec */
void
timeout_add_sec(struct timeout *to, int secs)
{
	int64_t t = (int64_t)to->to_vnet->vnet_p.kp_hz * secs;

	if (t > INT_MAX)
		t = INT_MAX;
	timeout_add(to, (int)t);
}

/* kern_timeout.c: timeout_add_msec (later OpenBSD; rounded up) */
void
timeout_add_msec(struct timeout *to, int msecs)
{
	int64_t t = ((int64_t)msecs * to->to_vnet->vnet_p.kp_hz + 999) / 1000;

	if (t > INT_MAX)
		t = INT_MAX;
	timeout_add(to, (int)t);
}

/* kern_timeout.c: timeout_del */
int
timeout_del(struct timeout *to)
{
	struct vnet *v = to->to_vnet;
	int was = 0;

	if (to->to_flags & TIMEOUT_ONQUEUE) {
		TAILQ_REMOVE(&v->vnet_timeouts, to, to_list);
		to->to_flags &= ~TIMEOUT_ONQUEUE;
		was = 1;
		timeout_resched(v);
	}
	to->to_flags &= ~TIMEOUT_TRIGGERED;
	return was;
}

int
kern_softclock_pending(struct vnet *v)
{
	struct timeout *to = TAILQ_FIRST(&v->vnet_timeouts);

	return to != NULL && to->to_due <= ticks_at(v, sim_now(v->vnet_world));
}

/* kern_timeout.c: softclock, one callout per CPU step */
void
kern_softclock_one(struct vnet *v)
{
	struct timeout *to = TAILQ_FIRST(&v->vnet_timeouts);

	if (to == NULL || to->to_due > ticks_at(v, sim_now(v->vnet_world)))
		return;
	TAILQ_REMOVE(&v->vnet_timeouts, to, to_list);
	to->to_flags &= ~TIMEOUT_ONQUEUE;
	to->to_flags |= TIMEOUT_TRIGGERED;
	v->vnet_stats.timeouts_run++;
	kern_charge(KC_TIMEOUT, 1);
	timeout_resched(v);
	to->to_func(to->to_arg);
}
