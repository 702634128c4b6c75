/*
 * One CPU per firewall (docs/ref/openbsd-kernel-env.md §3-4): interrupt
 * levels, spl, netisr/softnet, softclock, process-context tasks and the
 * cost model.
 *
 * The CPU runs steps. A step is one unit of work at one level: one NIC
 * interrupt (IPL_NET), one packet of a softnet drain handler or one
 * "once" handler such as pfsyncintr (IPL_SOFTNET), one callout
 * (IPL_SOFTCLOCK) or one task (IPL_NONE). A step's logic runs at its
 * start; its length is the sum of the costs charged meanwhile; frames it
 * sends leave at its end. Between steps the highest pending level runs
 * next, so interrupts are taken between softnet packets and softclock
 * waits until softnet has nothing left.
 * XXX a step is never preempted; a real interrupt could arrive inside it.
 * XXX splx() does not run pending soft interrupts at once; they run after
 *     the current step, before anything of lower level.
 * XXX frames leave at the end of the step that sent them, all at once.
 * XXX ticks/time_second read inside a step are those of the step's start.
 * XXX hardclock and idle ticks cost no CPU time (~0.01% at hz 100).
 */
#include "models/kern/kern_var.h"

struct kern_out {
	struct ifnet	*ifp;
	struct pkt	*p;
};

#define PASS_HIST_MAX	65536	/* bigger passes: one entry each in big[] */

struct kern_cpu {
	struct vnet	*v;
	struct ev	 run_ev;	/* end of the current step / dispatch */
	int		 exec;		/* executing a step's logic now */
	int		 busy;		/* a step is in progress */
	int		 level;		/* level of the current step */
	simtime_t	 cost;		/* accumulated cost of the step */
	simtime_t	 offstep_ns;	/* charged outside any step */

	struct kern_out	*out;		/* frames sent by the current step */
	size_t		 nout, outcap;

	/* the softnet pass in progress */
	int		 pass_active;
	u_int32_t	 pass_snap;
	int		 pass_pos;
	uint32_t	 pass_pkts;

	uint64_t	*hist;		/* packets-per-pass histogram */
	uint32_t	 histcap;
	uint32_t	*big;		/* passes of PASS_HIST_MAX or more, */
	size_t		 nbig, bigcap;	/* exact, kept sorted */
	uint64_t	 pass_pkts_total;	/* over every recorded pass */

	struct kern_cpu_stats st;
};

/* net/netisr_dispatch.h order (docs/ref/openbsd-kernel-env.md §4), with
 * PFSYNC before TX (seed). */
static const int netisr_order[] = {
	NETISR_ARP, NETISR_IP, NETISR_IPV6, NETISR_MPLS, NETISR_ATALK,
	NETISR_PFSYNC, NETISR_TX,
};

static void	cpu_run(void *);

struct kern_cpu *
kern_cpu_create(struct vnet *v)
{
	struct kern_cpu *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->v = v;
	ev_init(&c->run_ev, cpu_run, c, v);
	return c;
}

void
kern_cpu_destroy(struct kern_cpu *c)
{
	size_t i;

	if (c->v->vnet_world != NULL)
		sim_cancel(c->v->vnet_world, &c->run_ev);
	for (i = 0; i < c->nout; i++)
		pkt_free(c->out[i].p);
	free(c->out);
	free(c->hist);
	free(c->big);
	free(c);
}

const struct kern_cpu_stats *
kern_cpu_stats(const struct vnet *v)
{
	return &v->vnet_cpu->st;
}

int
kern_cpu_in_step(const struct vnet *v)
{
	return v->vnet_cpu->busy || v->vnet_cpu->exec;
}

/* ------------------------------------------------------------------ */
/* Costs                                                              */

void
kern_charge_ns(simtime_t ns)
{
	struct kern_cpu *c = curvnet->vnet_cpu;

	if (c->exec)
		c->cost += ns;
	else
		c->offstep_ns += ns;
}

/*
 * n times cost k. With cost_spread s each charge is drawn uniform in
 * [1-s, 1+s] times its mean: one draw per call, so a batch charged at
 * once varies less than single packets would (XXX).
 */
void
kern_charge(enum kern_cost k, uint64_t n)
{
	struct vnet *v = curvnet;
	simtime_t ns;
	double s = v->vnet_p.cost_spread;

	KASSERT(k < KC_MAX);
	ns = v->vnet_p.cost[k] * (simtime_t)n;
	if (s > 0 && ns > 0)
		ns = (simtime_t)((double)ns *
		    (1 - s + 2 * s * rng_uniform(&v->vnet_cost_rng)) + 0.5);
	kern_charge_ns(ns);
}

/* ------------------------------------------------------------------ */
/* spl(9)                                                             */

/* arch/amd64/amd64/intr.c: splraise */
int
kern_splraise(int ipl)
{
	struct vnet *v = curvnet;
	int s = v->vnet_cpl;

	if (ipl > s)
		v->vnet_cpl = ipl;
	return s;
}

/* arch/amd64/amd64/intr.c: spllower (pending work runs after the step) */
void
kern_splx(int s)
{
	curvnet->vnet_cpl = s;
}

int
kern_spl_current(void)
{
	return curvnet->vnet_cpl;
}

/* arch/amd64/amd64/intr.c: splassert_check */
void
kern_splassert_fail(int want, int have, const char *func)
{
	struct vnet *v = curvnet;
	struct kern_stats *st = &v->vnet_stats;

	st->splassert_failures++;
	st->splassert_last_want = want;
	st->splassert_last_have = have;
	snprintf(st->splassert_last_func, sizeof(st->splassert_last_func),
	    "%s", func);
	if (v->vnet_p.splassert_ctl >= 1)
		kern_log(LOG_ERR, "splassert: %s: want %d have %d\n", func,
		    want, have);
	if (v->vnet_p.splassert_ctl >= 2)
		panic("splassert: %s: want %d have %d", func, want, have);
}

/* ------------------------------------------------------------------ */
/* Work sources                                                       */

void
kern_cpu_kick(struct vnet *v)
{
	struct kern_cpu *c = v->vnet_cpu;

	/* A running step dispatches again when it ends. */
	if (c == NULL || c->busy || c->exec || ev_pending(&c->run_ev) ||
	    v->vnet_world == NULL)
		return;
	if (sim_schedule_bounded(v->vnet_world, &c->run_ev,
	    sim_now(v->vnet_world)) != 0)
		panic("cpu: cannot schedule");
}

/* net/netisr.h: schednetisr */
void
kern_schednetisr(int n)
{
	KASSERT(n >= 0 && n < NETISR_MAX);
	curvnet->vnet_netisr |= 1U << n;
	kern_cpu_kick(curvnet);
}

void
netisr_register(int n, void (*fn)(void))
{
	KASSERT(n >= 0 && n < NETISR_MAX);
	curvnet->vnet_isr_once[n] = fn;
	curvnet->vnet_isr_drain[n] = NULL;
}

void
netisr_register_drain(int n, int (*fn)(void))
{
	KASSERT(n >= 0 && n < NETISR_MAX);
	curvnet->vnet_isr_drain[n] = fn;
	curvnet->vnet_isr_once[n] = NULL;
}

void
kern_intr_establish(struct kern_intr *ih, int (*fn)(void *), void *arg,
    const char *name)
{
	memset(ih, 0, sizeof(*ih));
	ih->ih_fun = fn;
	ih->ih_arg = arg;
	ih->ih_name = name;
	TAILQ_INSERT_TAIL(&curvnet->vnet_intrs, ih, ih_list);
}

void
kern_intr_raise(struct kern_intr *ih)
{
	ih->ih_pending = 1;
	kern_cpu_kick(curvnet);
}

void
kern_task_set(struct kern_task *t, void (*fn)(void *), void *arg)
{
	memset(t, 0, sizeof(*t));
	t->t_func = fn;
	t->t_arg = arg;
}

void
kern_task_add(struct kern_task *t)
{
	if (t->t_queued)
		return;
	t->t_queued = 1;
	TAILQ_INSERT_TAIL(&curvnet->vnet_tasks, t, t_list);
	kern_cpu_kick(curvnet);
}

void
kern_task_del(struct kern_task *t)
{
	if (!t->t_queued)
		return;
	TAILQ_REMOVE(&curvnet->vnet_tasks, t, t_list);
	t->t_queued = 0;
}

/* ------------------------------------------------------------------ */
/* Output at the end of a step                                        */

static void
cpu_emit(struct vnet *v, struct ifnet *ifp, struct pkt *p)
{
	v->vnet_stats.frames_out++;
	if (ifp->if_transmit != NULL)
		(void)ifp->if_transmit(ifp, p);
	else if (ifp->if_iface != NULL)
		(void)sim_output(ifp->if_iface, p);	/* engine counts */
	else
		pkt_free(p);
}

void
kern_cpu_output(struct vnet *v, struct ifnet *ifp, struct pkt *p)
{
	struct kern_cpu *c = v->vnet_cpu;
	struct kern_out *n;

	if (!c->exec) {
		cpu_emit(v, ifp, p);
		return;
	}
	if (c->nout == c->outcap) {
		c->outcap = c->outcap ? c->outcap * 2 : 16;
		n = realloc(c->out, c->outcap * sizeof(*n));
		if (n == NULL)
			panic("cpu: out of memory");
		c->out = n;
	}
	c->out[c->nout].ifp = ifp;
	c->out[c->nout].p = p;
	c->nout++;
	ifp->if_outstep++;
}

static void
cpu_flush(struct kern_cpu *c)
{
	size_t i;

	for (i = 0; i < c->nout; i++) {
		c->out[i].ifp->if_outstep--;
		cpu_emit(c->v, c->out[i].ifp, c->out[i].p);
	}
	c->nout = 0;
}

/* ------------------------------------------------------------------ */
/* Softnet                                                            */

static void
pass_record(struct kern_cpu *c, uint32_t k)
{
	uint32_t ncap, *nb;
	uint64_t *n;
	size_t i;

	c->st.passes_ip++;
	c->pass_pkts_total += k;
	/* A pass this big is rare (it took PASS_HIST_MAX packets): keep
	 * its exact size rather than a bin for every size up to it. */
	if (k >= PASS_HIST_MAX) {
		if (c->nbig == c->bigcap) {
			c->bigcap = c->bigcap ? c->bigcap * 2 : 16;
			nb = realloc(c->big, c->bigcap * sizeof(*nb));
			if (nb == NULL)
				panic("cpu: out of memory");
			c->big = nb;
		}
		for (i = c->nbig; i > 0 && c->big[i - 1] > k; i--)
			c->big[i] = c->big[i - 1];
		c->big[i] = k;
		c->nbig++;
		return;
	}
	if (k >= c->histcap) {
		ncap = c->histcap ? c->histcap : 64;
		while (ncap <= k)
			ncap *= 2;
		n = realloc(c->hist, ncap * sizeof(*n));
		if (n == NULL)
			panic("cpu: out of memory");
		memset(n + c->histcap, 0, (ncap - c->histcap) * sizeof(*n));
		c->hist = n;
		c->histcap = ncap;
	}
	c->hist[k]++;
}

uint64_t
kern_pass_hist(const struct vnet *v, uint32_t k)
{
	const struct kern_cpu *c = v->vnet_cpu;
	uint64_t n = 0;
	size_t i;

	if (k < PASS_HIST_MAX)
		return k < c->histcap ? c->hist[k] : 0;
	for (i = 0; i < c->nbig; i++)
		n += c->big[i] == k;
	return n;
}

uint64_t
kern_pass_pkts(const struct vnet *v)
{
	return v->vnet_cpu->pass_pkts_total;
}

uint32_t
kern_pass_quantile(const struct vnet *v, double q)
{
	const struct kern_cpu *c = v->vnet_cpu;
	uint64_t n = c->st.passes_ip, want, seen = 0;
	uint32_t k, last = 0;

	if (n == 0)
		return 0;
	if (q <= 0) {
		for (k = 1; k < c->histcap; k++)
			if (c->hist[k])
				return k;
		return c->nbig ? c->big[0] : 0;
	}
	/* The smallest k with at least ceil(q * n) passes <= k. */
	want = (uint64_t)ceil(q * (double)n);
	if (want < 1)
		want = 1;
	for (k = 1; k < c->histcap; k++) {
		if (c->hist[k] == 0)
			continue;
		seen += c->hist[k];
		last = k;
		if (seen >= want)
			return k;
	}
	if (c->nbig > 0) {
		if (want - seen <= c->nbig)
			return c->big[want - seen - 1];
		return c->big[c->nbig - 1];
	}
	return last;
}

/*
 * One softnet step (arch/amd64/amd64/vector.S: Xsoftnet;
 * docs/ref/openbsd-kernel-env.md §4): at a pass's start snapshot and
 * clear the netisr mask; run the handlers of the snapshot in dispatch
 * order. A drain handler takes one step per
 * packet until it reports the queue empty; a once handler one step.
 */
static void
softnet_step(struct kern_cpu *c)
{
	struct vnet *v = c->v;
	int n;

	if (!c->pass_active) {
		c->pass_snap = v->vnet_netisr;
		v->vnet_netisr = 0;
		c->pass_active = 1;
		c->pass_pos = 0;
		c->pass_pkts = 0;
		c->st.passes++;
		v->vnet_stats.softnet_passes++;
		kern_charge(KC_NETISR, 1);
	}
	while (c->pass_pos < (int)nitems(netisr_order)) {
		n = netisr_order[c->pass_pos];
		if (!(c->pass_snap & (1U << n))) {
			c->pass_pos++;
			continue;
		}
		if (v->vnet_isr_drain[n] != NULL) {
			if (v->vnet_isr_drain[n]()) {
				v->vnet_stats.netisr_runs[n]++;
				c->pass_pkts++;
				return;
			}
			c->pass_pos++;
			continue;
		}
		c->pass_pos++;
		if (v->vnet_isr_once[n] != NULL) {
			v->vnet_stats.netisr_runs[n]++;
			v->vnet_isr_once[n]();
			return;
		}
	}
	c->pass_active = 0;
	if (c->pass_pkts > 0)
		pass_record(c, c->pass_pkts);
}

/* ------------------------------------------------------------------ */
/* The dispatcher                                                     */

static int
cpu_pending_level(struct kern_cpu *c, struct kern_intr **ihp)
{
	struct vnet *v = c->v;
	struct kern_intr *ih;

	TAILQ_FOREACH(ih, &v->vnet_intrs, ih_list)
		if (ih->ih_pending) {
			*ihp = ih;
			return IPL_NET;
		}
	if (c->pass_active || v->vnet_netisr != 0)
		return IPL_SOFTNET;
	if (kern_softclock_pending(v))
		return IPL_SOFTCLOCK;
	if (!TAILQ_EMPTY(&v->vnet_tasks))
		return IPL_NONE;
	return -1;
}

int
kern_cpu_idle(const struct vnet *v)
{
	struct kern_intr *ih;

	if (kern_cpu_in_step(v))
		return 0;
	return cpu_pending_level(v->vnet_cpu, &ih) < 0;
}

static void
cpu_run(void *arg)
{
	struct kern_cpu *c = arg;
	struct vnet *v = c->v;
	struct kern_intr *ih = NULL;
	struct kern_task *t;
	simtime_t now;
	int level, saved;

	KASSERT(curvnet == v);
	c->busy = 0;
	cpu_flush(c);

	level = cpu_pending_level(c, &ih);
	if (level < 0)
		return;		/* idle */

	now = sim_now(v->vnet_world);
	c->exec = 1;
	c->cost = 0;
	c->level = level;
	saved = v->vnet_cpl;
	v->vnet_cpl = level;
	switch (level) {
	case IPL_NET:
		ih->ih_pending = 0;
		ih->ih_count++;
		v->vnet_stats.intr_runs++;
		kern_charge(KC_INTR, 1);
		(void)ih->ih_fun(ih->ih_arg);
		break;
	case IPL_SOFTNET:
		softnet_step(c);
		break;
	case IPL_SOFTCLOCK:
		v->vnet_stats.softclock_steps++;
		kern_softclock_one(v);
		break;
	case IPL_NONE:
		t = TAILQ_FIRST(&v->vnet_tasks);
		TAILQ_REMOVE(&v->vnet_tasks, t, t_list);
		t->t_queued = 0;
		v->vnet_stats.tasks_run++;
		kern_charge(KC_TASK, 1);
		t->t_func(t->t_arg);
		break;
	}
	if (v->vnet_step_hook != NULL)
		v->vnet_step_hook(v->vnet_step_arg);
	/* Unbalanced spl inside a handler would leak into the next step. */
	v->vnet_cpl = saved;
	c->exec = 0;

	c->st.busy_ns[level] += c->cost;
	c->st.busy_total_ns += c->cost;
	c->st.steps[level]++;
	c->busy = 1;
	if (sim_schedule_bounded(v->vnet_world, &c->run_ev, now + c->cost) != 0)
		panic("cpu: cannot schedule");
}
