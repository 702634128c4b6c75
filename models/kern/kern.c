/*
 * The per-firewall kernel: creation, the context hook, diagnostics,
 * arc4random, malloc(9), pool(9), drop counters and the cost tables.
 */
#include "models/kern/kern_var.h"

_Thread_local struct vnet *curvnet;

const struct pool_allocator pool_allocator_nointr;

const char *const kern_cost_names[KC_MAX] = {
	[KC_INTR] = "intr",
	[KC_RX_FRAME] = "rx_frame",
	[KC_NETISR] = "netisr",
	[KC_IP_INPUT] = "ip_input",
	[KC_IP_FORWARD] = "ip_forward",
	[KC_IP_OUTPUT] = "ip_output",
	[KC_PF_TEST] = "pf_test",
	[KC_STATE_LOOKUP] = "state_lookup",
	[KC_STATE_INSERT] = "state_insert",
	[KC_RULE_EVAL] = "rule_eval",
	[KC_PFSYNC_PKT_OUT] = "pfsync_pkt_out",
	[KC_PFSYNC_MSG_OUT] = "pfsync_msg_out",
	[KC_PFSYNC_PKT_IN] = "pfsync_pkt_in",
	[KC_PFSYNC_MSG_IN] = "pfsync_msg_in",
	[KC_TIMEOUT] = "timeout",
	[KC_TASK] = "task",
};

/*
 * CPU costs of the "2009" profile, ns: one ~2 GHz core of 2008-2009
 * (Core 2 / Xeon 5100 class) running OpenBSD 4.5 with em(4) on PCIe.
 * No published per-function profile of OpenBSD 4.5 exists; the numbers
 * are estimates (UNVERIFIED, calibrate) chosen so that a forwarded packet
 * matching a state costs ~4.4 us (rx 0.7 + ip_input 0.5 + forward 0.5 +
 * ip_output 0.9 + 2 x (pf_test 0.5 + lookup 0.4)), i.e. ~225 kpps at
 * 100% CPU, in line with the 150-300 kpps that OpenBSD/pf boxes of that
 * era forwarded with small packets; docs/ref/openbsd-kernel-env.md §6.1
 * suggests 2-5 us per packet.
 */
static const simtime_t cost_2009[KC_MAX] = {
	/* IOAPIC entry/exit plus the uncached PCIe read of ICR (~1 us). */
	[KC_INTR] = 2500,
	/* Descriptor, cluster refill (pool_get + dmamap load), ether_input
	 * demux, IF_INPUT_ENQUEUE. */
	[KC_RX_FRAME] = 700,
	/* softintr dispatch, mask snapshot. */
	[KC_NETISR] = 300,
	/* ip_input header checks, in_ifaddr lookup for "ours". */
	[KC_IP_INPUT] = 500,
	/* ip_forward: TTL, rtalloc (radix lookup with route cache). */
	[KC_IP_FORWARD] = 500,
	/* ip_output + ether_output (ARP) + IFQ_ENQUEUE + em_start descriptor
	 * setup and TX reaping. */
	[KC_IP_OUTPUT] = 900,
	/* pf_test fixed part: scrub, header pulls, kif, counters. */
	[KC_PF_TEST] = 500,
	/* RB tree of ~10^4 states: ~14 cache-missing compares. */
	[KC_STATE_LOOKUP] = 400,
	/* Two pool_gets, two RB inserts, pfsync_insert_state. */
	[KC_STATE_INSERT] = 2000,
	/* A short ruleset walked with skip steps. */
	[KC_RULE_EVAL] = 1500,
	/* pfsync_sendout's own work: MGETHDR + cluster, IP and pfsync
	 * headers (ip_output is charged separately). */
	[KC_PFSYNC_PKT_OUT] = 1000,
	/* pfsync_state_export: ~200 bytes, byte swaps. */
	[KC_PFSYNC_MSG_OUT] = 250,
	/* pfsync_input checks: TTL, syncdev, version, header pulls. */
	[KC_PFSYNC_PKT_IN] = 800,
	/* Per message: find state by id, peer ntoh, update. */
	[KC_PFSYNC_MSG_IN] = 700,
	[KC_TIMEOUT] = 300,
	[KC_TASK] = 500,
};

/*
 * "modern": one ~3.5 GHz core of the 2020s, still one CPU under the net
 * lock: every cost ~0.3x the 2009 one (clock x1.75, IPC and cache
 * x1.5-2), interrupt entry with MSI-X and no uncached ICR read.
 * Estimates (UNVERIFIED).
 */
static const simtime_t cost_modern[KC_MAX] = {
	[KC_INTR] = 1000,
	[KC_RX_FRAME] = 250,
	[KC_NETISR] = 100,
	[KC_IP_INPUT] = 150,
	[KC_IP_FORWARD] = 150,
	[KC_IP_OUTPUT] = 300,
	[KC_PF_TEST] = 150,
	[KC_STATE_LOOKUP] = 120,
	[KC_STATE_INSERT] = 600,
	[KC_RULE_EVAL] = 500,
	[KC_PFSYNC_PKT_OUT] = 300,
	[KC_PFSYNC_MSG_OUT] = 80,
	[KC_PFSYNC_PKT_IN] = 250,
	[KC_PFSYNC_MSG_IN] = 200,
	[KC_TIMEOUT] = 100,
	[KC_TASK] = 150,
};

void
kern_params_default(struct kern_params *kp)
{
	memset(kp, 0, sizeof(*kp));
	kp->kp_hz = 100;			/* K44 param.c: HZ */
	kp->ipintrq_max = IFQ_MAXLEN;	/* K44 ip_input.c: ipqmaxlen */
	kp->nmbclust = 6144;		/* UNVERIFIED: amd64 NMBCLUST */
	kp->log_level = LOG_WARNING;
	kp->splassert_ctl = 1;		/* kern.splassert default: log */
	memcpy(kp->cost, cost_2009, sizeof(kp->cost));
}

int
kern_cost_profile(struct kern_params *kp, const char *hw)
{
	if (strcmp(hw, "2009") == 0)
		memcpy(kp->cost, cost_2009, sizeof(kp->cost));
	else if (strcmp(hw, "modern") == 0)
		memcpy(kp->cost, cost_modern, sizeof(kp->cost));
	else
		return -1;
	return 0;
}

void
kern_ctx_switch(void *ctx, void *hookarg)
{
	(void)hookarg;
	curvnet = ctx;
}

struct vnet *
kern_vnet_create(struct world *world, struct node *node, uint64_t seed,
    const char *name, const struct kern_params *kp)
{
	struct vnet *v;
	char stream[64];

	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return NULL;
	snprintf(v->vnet_name, sizeof(v->vnet_name), "%s", name);
	v->vnet_world = world;
	v->vnet_node = node;
	v->vnet_pktpool = world->pool;
	if (kp != NULL)
		v->vnet_p = *kp;
	else
		kern_params_default(&v->vnet_p);
	if (v->vnet_p.kp_hz <= 0)
		v->vnet_p.kp_hz = 100;
	snprintf(stream, sizeof(stream), "fw.%s.kern", name);
	rng_init(&v->vnet_rng, seed, stream);
	/* Its own stream: cost draws never move arc4random's. */
	snprintf(stream, sizeof(stream), "fw.%s.cost", name);
	rng_init(&v->vnet_cost_rng, seed, stream);
	TAILQ_INIT(&v->vnet_timeouts);
	TAILQ_INIT(&v->vnet_ifnet);
	TAILQ_INIT(&v->vnet_intrs);
	TAILQ_INIT(&v->vnet_tasks);
	v->vnet_cpl = IPL_NONE;

	CURVNET_SET(v);
	kern_clock_init(v);
	v->vnet_cpu = kern_cpu_create(v);
	if (v->vnet_cpu == NULL || kern_mbuf_init(v) != 0) {
		CURVNET_RESTORE();
		kern_vnet_destroy(v);
		return NULL;
	}
	kern_net_init(v);
	CURVNET_RESTORE();
	sim_set_ctx_hook(world, kern_ctx_switch, NULL);
	return v;
}

void
kern_vnet_destroy(struct vnet *v)
{
	if (v == NULL)
		return;
	CURVNET_SET(v);
	kern_net_fini(v);
	kern_clock_fini(v);
	if (v->vnet_cpu != NULL)
		kern_cpu_destroy(v->vnet_cpu);
	kern_mbuf_fini(v);
	CURVNET_RESTORE();
	if (curvnet == v)
		curvnet = NULL;
	free(v);
}

simtime_t
kern_now(void)
{
	return sim_now(curvnet->vnet_world);
}

/* kern/subr_prf.c: panic */
void
panic(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (curvnet != NULL)
		fprintf(stderr, "%.9f %s: panic: ",
		    (double)sim_now(curvnet->vnet_world) / NS_PER_SEC,
		    curvnet->vnet_name);
	else
		fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

/* kern/subr_log.c: log */
void
kern_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (curvnet != NULL) {
		if (level > curvnet->vnet_p.log_level)
			return;
		fprintf(stderr, "%.9f %s: ",
		    (double)sim_now(curvnet->vnet_world) / NS_PER_SEC,
		    curvnet->vnet_name);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

u_int32_t
kern_arc4random(void)
{
	KASSERT(curvnet != NULL);
	return rng_u32(&curvnet->vnet_rng);
}

u_int32_t
kern_arc4random_uniform(u_int32_t n)
{
	KASSERT(curvnet != NULL);
	if (n < 2)
		return 0;
	return (u_int32_t)rng_below(&curvnet->vnet_rng, n);
}

void
kern_arc4random_buf(void *buf, size_t n)
{
	u_int8_t *p = buf;
	u_int32_t r;
	size_t i;

	for (i = 0; i < n; i += 4) {
		r = kern_arc4random();
		memcpy(p + i, &r, n - i < 4 ? n - i : 4);
	}
}

/* netinet/ip_id.c: ip_randomid (a non-zero id; no reuse window, XXX) */
u_int16_t
ip_randomid(void)
{
	return (u_int16_t)(kern_arc4random_uniform(0xffff) + 1);
}

/* kern/kern_malloc.c: malloc */
void *
kern_malloc(size_t size, int type, int flags)
{
	void *p;

	(void)type;
	if (curvnet != NULL)
		curvnet->vnet_stats.malloc_calls++;
	p = (flags & M_ZERO) ? calloc(1, size) : malloc(size);
	if (p == NULL && (flags & M_WAITOK))
		panic("malloc: out of space in kmem_map");
	return p;
}

/* kern/kern_malloc.c: free */
void
kern_free(void *p, int type)
{
	(void)type;
	free(p);
}

void
kern_drop(const char *reason)
{
	struct kern_drops *d = &curvnet->vnet_drops;
	int i;

	for (i = 0; i < d->n; i++)
		if (d->name[i] == reason || strcmp(d->name[i], reason) == 0) {
			d->count[i]++;
			return;
		}
	if (d->n == KERN_MAXDROPS)
		panic("kern_drop: too many drop reasons (%s)", reason);
	d->name[d->n] = reason;
	d->count[d->n++] = 1;
}

uint64_t
kern_drop_count(const struct vnet *v, const char *reason)
{
	const struct kern_drops *d = &v->vnet_drops;
	int i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->name[i], reason) == 0)
			return d->count[i];
	return 0;
}

/* ------------------------------------------------------------------ */
/* pool(9): a free list over malloc, with a hard limit.               */

/* kern/subr_pool.c: pool_init */
void
pool_init(struct pool *pp, size_t size, u_int align, u_int ioff, int flags,
    const char *wchan, const struct pool_allocator *palloc)
{
	(void)align;
	(void)ioff;
	(void)flags;
	(void)palloc;
	memset(pp, 0, sizeof(*pp));
	pp->pr_wchan = wchan;
	pp->pr_size = size < sizeof(void *) ? sizeof(void *) : size;
	pp->pr_hardlimit = UINT_MAX;
	pp->pr_inited = 1;
}

/* kern/subr_pool.c: pool_destroy */
void
pool_destroy(struct pool *pp)
{
	void *it, *next;

	for (it = pp->pr_free; it != NULL; it = next) {
		memcpy(&next, it, sizeof(next));
		free(it);
	}
	pp->pr_free = NULL;
	pp->pr_nfree = 0;
	pp->pr_inited = 0;
}

/* kern/subr_pool.c: pool_get */
void *
pool_get(struct pool *pp, int flags)
{
	void *it;

	KASSERT(pp->pr_inited);
	if (pp->pr_nout >= pp->pr_hardlimit) {
		pp->pr_nfail++;
		return NULL;
	}
	if ((it = pp->pr_free) != NULL) {
		memcpy(&pp->pr_free, it, sizeof(void *));
		pp->pr_nfree--;
	} else if ((it = malloc(pp->pr_size)) == NULL) {
		if (flags & PR_WAITOK)
			panic("pool_get: %s: out of memory", pp->pr_wchan);
		pp->pr_nfail++;
		return NULL;
	}
	if (flags & PR_ZERO)
		memset(it, 0, pp->pr_size);
	pp->pr_nout++;
	pp->pr_nget++;
	if (pp->pr_nout > pp->pr_maxout)
		pp->pr_maxout = pp->pr_nout;
	return it;
}

/* kern/subr_pool.c: pool_put */
void
pool_put(struct pool *pp, void *it)
{
	if (it == NULL)
		panic("pool_put of NULL");
	if (pp->pr_nout == 0)
		panic("pool_put: %s: putting with none out", pp->pr_wchan);
	memcpy(it, &pp->pr_free, sizeof(void *));
	pp->pr_free = it;
	pp->pr_nfree++;
	pp->pr_nout--;
	pp->pr_nput++;
}

/* kern/subr_pool.c: pool_sethardlimit */
int
pool_sethardlimit(struct pool *pp, u_int n, const char *warnmess,
    int ratecap)
{
	(void)warnmess;
	(void)ratecap;
	if (n < pp->pr_nout)
		return EINVAL;
	pp->pr_hardlimit = n;
	return 0;
}

/* kern/subr_pool.c: pool_setlowat (nothing to prime) */
void
pool_setlowat(struct pool *pp, int n)
{
	(void)pp;
	(void)n;
}
