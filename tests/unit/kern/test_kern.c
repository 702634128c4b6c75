/*
 * models/kern: timeouts, softclock vs softnet, netisr, IPL order, spl,
 * pools, mbufs, ip_output, congestion and the clock, against the real
 * functions on a bare event queue (no world).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/kern/kern.h"

/* A log of what ran, in order, with engine times. */
#define LOGMAX	256
struct tctx {
	struct world	*w;
	struct ev_queue	*q;
	struct pkt_pool	*pool;
	struct vnet	*v;
	char		 log[LOGMAX][16];
	simtime_t	 at[LOGMAX];
	int		 n;
	int		 ipq;		/* packets waiting for the drain */
	simtime_t	 ipcost;	/* CPU per packet */
	int		 resched_pfsync;	/* drain schedules PFSYNC */
	int		 resched_ip;	/* drain schedules IP once */
	struct kern_intr ih;
	struct kern_task task;
	struct ev	 ev;
	int		 have_at_pfsync;	/* ipq when pfsync ran */
};

static struct tctx *T;	/* handlers of the kernel take no argument */

static void
logit(const char *what)
{
	assert_true(T->n < LOGMAX);
	snprintf(T->log[T->n], sizeof(T->log[0]), "%s", what);
	T->at[T->n] = ev_now(T->q);
	T->n++;
}

static int
setup(void **state)
{
	struct tctx *t = calloc(1, sizeof(*t));

	t->w = world_create(42, 0, 0);
	t->q = t->w->q;
	t->pool = t->w->pool;
	t->v = kern_vnet_create(t->w, NULL, 42, "t", NULL);
	assert_non_null(t->v);
	/* Exact step times in the assertions below. */
	t->v->vnet_p.cost[KC_NETISR] = 0;
	curvnet = t->v;
	/* Events of context NULL (the test's own) must not clear curvnet
	 * for the assertions that follow ev_run. */
	T = t;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tctx *t = *state;

	curvnet = t->v;
	kern_vnet_destroy(t->v);
	world_destroy(t->w);
	free(t);
	curvnet = NULL;
	return 0;
}

static void
run_until(struct tctx *t, simtime_t until)
{
	ev_run(t->q, until);
	curvnet = t->v;
}

/* ------------------------------------------------------------------ */

static int fired[8];
static simtime_t fired_at[8];

static void
to_fn(void *arg)
{
	int i = (int)(intptr_t)arg;

	fired[i]++;
	fired_at[i] = ev_now(T->q);
	logit(i == 0 ? "to0" : i == 1 ? "to1" : i == 2 ? "to2" : "to3");
}

/* Advance to a given point inside tick period T0 + k. */
static int
goto_tick(struct tctx *t, int k, simtime_t into)
{
	int t0 = kern_ticks();
	simtime_t at = kern_tick_time(t->v, t0 + k) + into;

	run_until(t, at);
	return kern_ticks();
}

static void
test_timeout_firing_tick(void **state)
{
	struct tctx *t = *state;
	struct timeout a, b, c, d;
	int T0;

	memset(fired, 0, sizeof(fired));
	T0 = goto_tick(t, 1, 3 * NS_PER_MS);	/* 3 ms into a tick */
	timeout_set(&a, to_fn, (void *)0);
	timeout_set(&b, to_fn, (void *)1);
	timeout_set(&c, to_fn, (void *)2);
	timeout_set(&d, to_fn, (void *)3);
	timeout_add(&a, 1);
	timeout_add(&b, 10);
	timeout_add(&c, 0);
	timeout_add_sec(&d, 1);
	assert_true(timeout_pending(&a));
	assert_false(timeout_triggered(&a));
	run_until(t, ev_now(t->q) + 2 * NS_PER_SEC);
	/* n ticks later: on the hardclock that makes ticks == T0 + n. */
	assert_int_equal(fired[0], 1);
	assert_int_equal(fired_at[0], kern_tick_time(t->v, T0 + 1));
	assert_int_equal(fired_at[1], kern_tick_time(t->v, T0 + 10));
	/* n = 0 runs at the next tick, one callout step after a. */
	assert_int_equal(fired_at[2], kern_tick_time(t->v, T0 + 1) +
	    t->v->vnet_p.cost[KC_TIMEOUT]);
	assert_int_equal(fired_at[3], kern_tick_time(t->v, T0 + 100));
	/* Real delay of n = 10 from 3 ms into a tick: 97 ms. */
	assert_int_equal(fired_at[1] - (fired_at[0] - 7 * NS_PER_MS),
	    97 * NS_PER_MS);
	assert_false(timeout_pending(&a));
	assert_true(timeout_triggered(&a));
	timeout_del(&a);
	assert_false(timeout_triggered(&a));
	/* Same tick: the add order (c was added after a). */
	assert_string_equal(t->log[0], "to0");
	assert_string_equal(t->log[1], "to2");
	assert_string_equal(t->log[2], "to1");
	assert_string_equal(t->log[3], "to3");
	/* Only ticks with work cost an event: a few, not 200. */
	assert_true(ev_scheduled_total(t->q) < 20);
}

static void
test_timeout_ordering(void **state)
{
	struct tctx *t = *state;
	struct timeout a, b, c;

	(void)t;
	timeout_set(&a, to_fn, (void *)0);
	timeout_set(&b, to_fn, (void *)1);
	timeout_set(&c, to_fn, (void *)2);
	timeout_add(&a, 5);
	timeout_add(&b, 3);
	timeout_add(&c, 5);
	run_until(t, ev_now(t->q) + NS_PER_SEC);
	assert_int_equal(t->n, 3);
	assert_string_equal(t->log[0], "to1");
	assert_string_equal(t->log[1], "to0");
	assert_string_equal(t->log[2], "to2");
	/* Same tick, one callout step apart. */
	assert_int_equal(t->at[2] - t->at[1], t->v->vnet_p.cost[KC_TIMEOUT]);
}

static void
test_timeout_readd_moves(void **state)
{
	struct tctx *t = *state;
	struct timeout a, b;
	int T0;

	memset(fired, 0, sizeof(fired));
	T0 = goto_tick(t, 1, NS_PER_MS);
	timeout_set(&a, to_fn, (void *)0);
	timeout_set(&b, to_fn, (void *)1);
	/* Earlier: takes effect at once. */
	timeout_add(&a, 10);
	timeout_add(&a, 2);
	/* Later: the first deadline is forgotten. */
	timeout_add(&b, 2);
	timeout_add(&b, 10);
	run_until(t, ev_now(t->q) + NS_PER_SEC);
	assert_int_equal(fired[0], 1);
	assert_int_equal(fired[1], 1);
	assert_int_equal(fired_at[0], kern_tick_time(t->v, T0 + 2));
	assert_int_equal(fired_at[1], kern_tick_time(t->v, T0 + 10));

	/* Deleted: never runs; del of an idle timeout is harmless. */
	timeout_add(&a, 1);
	assert_int_equal(timeout_del(&a), 1);
	assert_int_equal(timeout_del(&a), 0);
	run_until(t, ev_now(t->q) + NS_PER_SEC);
	assert_int_equal(fired[0], 1);
}

/* ------------------------------------------------------------------ */
/* softnet                                                            */

static int
ip_drain(void)
{
	char buf[16];

	splassert(IPL_SOFTNET);
	if (T->ipq == 0) {
		return 0;
	}
	T->ipq--;
	snprintf(buf, sizeof(buf), "ip%d", T->ipq);
	logit(buf);
	kern_charge_ns(T->ipcost);
	if (T->resched_pfsync)
		schednetisr(NETISR_PFSYNC);
	if (T->resched_ip) {
		T->resched_ip = 0;
		schednetisr(NETISR_IP);
	}
	return 1;
}

static void
pfsync_once(void)
{
	splassert(IPL_SOFTNET);
	T->have_at_pfsync = T->ipq;
	logit("pfsync");
}

static void
test_softclock_held_off_by_softnet(void **state)
{
	struct tctx *t = *state;
	struct timeout a;
	int T0, i;

	memset(fired, 0, sizeof(fired));
	netisr_register_drain(NETISR_IP, ip_drain);
	T0 = goto_tick(t, 1, 9 * NS_PER_MS);	/* 1 ms before a tick */
	timeout_set(&a, to_fn, (void *)0);
	timeout_add(&a, 1);
	/* 10 packets of 3 ms each: softnet busy for 30 ms, 3 ticks. */
	t->ipq = 10;
	t->ipcost = 3 * NS_PER_MS;
	schednetisr(NETISR_IP);
	run_until(t, ev_now(t->q) + NS_PER_SEC);
	assert_int_equal(fired[0], 1);
	assert_int_equal(t->n, 11);
	for (i = 0; i < 10; i++)
		assert_memory_equal(t->log[i], "ip", 2);
	assert_string_equal(t->log[10], "to0");
	/* Due at T0 + 1 but ran after the softnet work, 30 ms later. */
	assert_true(fired_at[0] > kern_tick_time(t->v, T0 + 1));
	assert_int_equal(fired_at[0], t->at[0] + 30 * NS_PER_MS);
	assert_int_equal(kern_cpu_stats(t->v)->busy_ns[IPL_SOFTNET] >=
	    30 * NS_PER_MS, 1);
}

static void
test_netisr_order_same_pass(void **state)
{
	struct tctx *t = *state;

	netisr_register_drain(NETISR_IP, ip_drain);
	netisr_register(NETISR_PFSYNC, pfsync_once);
	/* PFSYNC scheduled first, IP second: IP still runs first. */
	schednetisr(NETISR_PFSYNC);
	t->ipq = 3;
	schednetisr(NETISR_IP);
	run_until(t, ev_now(t->q) + NS_PER_MS);
	assert_int_equal(t->n, 4);
	assert_string_equal(t->log[0], "ip2");
	assert_string_equal(t->log[2], "ip0");
	assert_string_equal(t->log[3], "pfsync");
	assert_int_equal(kern_cpu_stats(t->v)->passes, 1);
	assert_int_equal(kern_pass_hist(t->v, 3), 1);
}

static void
test_netisr_snapshot_next_pass(void **state)
{
	struct tctx *t = *state;

	netisr_register_drain(NETISR_IP, ip_drain);
	netisr_register(NETISR_PFSYNC, pfsync_once);
	/* Every packet asks for pfsync (as pfsync_update_state does): it
	 * runs once, in the next pass, after the whole queue. */
	t->ipq = 5;
	t->resched_pfsync = 1;
	t->ipcost = 10 * NS_PER_US;
	schednetisr(NETISR_IP);
	run_until(t, ev_now(t->q) + NS_PER_MS);
	assert_int_equal(t->n, 6);
	assert_string_equal(t->log[5], "pfsync");
	assert_int_equal(t->have_at_pfsync, 0);
	assert_int_equal(kern_cpu_stats(t->v)->passes, 2);
	assert_int_equal(t->v->vnet_stats.netisr_runs[NETISR_PFSYNC], 1);
	/* One pass with 5 packets; the pfsync pass has none. */
	assert_int_equal(kern_cpu_stats(t->v)->passes_ip, 1);
	assert_int_equal(kern_pass_quantile(t->v, 0.5), 5);

	/* IP set during a pass: another pass right after. */
	t->n = 0;
	t->resched_pfsync = 0;
	t->ipq = 2;
	t->resched_ip = 1;
	schednetisr(NETISR_IP);
	run_until(t, ev_now(t->q) + NS_PER_MS);
	assert_int_equal(kern_cpu_stats(t->v)->passes, 4);
	assert_int_equal(t->v->vnet_netisr, 0);
}

/* A drain that logs nothing: passes far bigger than the log. */
static int
quiet_drain(void)
{
	if (T->ipq == 0)
		return 0;
	T->ipq--;
	return 1;
}

/* pkts_per_pass is exact past 65535 packets a pass (it was clamped). */
static void
test_pass_sizes_not_clamped(void **state)
{
	struct tctx *t = *state;
	static const int sizes[] = { 3, 70000, 100000 };
	size_t i;

	netisr_register_drain(NETISR_IP, quiet_drain);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		t->ipq = sizes[i];
		schednetisr(NETISR_IP);
		run_until(t, ev_now(t->q) + NS_PER_SEC);
		assert_int_equal(t->ipq, 0);
	}
	assert_int_equal(kern_cpu_stats(t->v)->passes_ip, 3);
	assert_int_equal(kern_pass_hist(t->v, 65535), 0);
	assert_int_equal(kern_pass_hist(t->v, 70000), 1);
	assert_int_equal(kern_pass_hist(t->v, 100000), 1);
	assert_int_equal(kern_pass_quantile(t->v, 0), 3);
	assert_int_equal(kern_pass_quantile(t->v, 0.5), 70000);
	assert_int_equal(kern_pass_quantile(t->v, 0.99), 100000);
	assert_int_equal(kern_pass_quantile(t->v, 1), 100000);
	assert_int_equal(kern_pass_pkts(t->v), 170003);
}

/* ------------------------------------------------------------------ */
/* IPL order                                                          */

static int
intr_fn(void *arg)
{
	(void)arg;
	splassert(IPL_NET);
	logit("intr");
	kern_charge_ns(5 * NS_PER_US);
	return 1;
}

static void
raise_ev(void *arg)
{
	(void)arg;
	kern_intr_raise(&T->ih);
}

static void
task_fn(void *arg)
{
	(void)arg;
	logit("task");
	/* Process context: the hooks' splassert must fail here. */
	splassert(IPL_SOFTNET);
}

static void
test_ipl_preemption_order(void **state)
{
	struct tctx *t = *state;
	struct timeout a;
	simtime_t t0;

	memset(fired, 0, sizeof(fired));
	netisr_register_drain(NETISR_IP, ip_drain);
	kern_intr_establish(&t->ih, intr_fn, NULL, "em0");
	kern_task_set(&t->task, task_fn, NULL);
	/* 100 us before a hardclock: the callout becomes due meanwhile. */
	goto_tick(t, 1, 9900 * NS_PER_US);
	t0 = ev_now(t->q);
	/* All pending at once: a task, a due callout, softnet. */
	kern_task_add(&t->task);
	timeout_set(&a, to_fn, (void *)0);
	timeout_add(&a, 0);
	t->ipq = 5;
	t->ipcost = 100 * NS_PER_US;
	schednetisr(NETISR_IP);
	/* The NIC interrupts 150 us in, during packet 2. */
	ev_init(&t->ev, raise_ev, NULL, t->v);
	ev_schedule(t->q, &t->ev, t0 + 150 * NS_PER_US);
	run_until(t, t0 + 20 * NS_PER_MS);
	assert_int_equal(t->n, 8);
	assert_string_equal(t->log[0], "ip4");
	assert_string_equal(t->log[1], "ip3");
	/* Taken between steps, before the rest of softnet. */
	assert_string_equal(t->log[2], "intr");
	assert_int_equal(t->at[2], t0 + 200 * NS_PER_US);
	assert_string_equal(t->log[3], "ip2");
	assert_int_equal(t->at[3], t0 + 205 * NS_PER_US +
	    t->v->vnet_p.cost[KC_INTR]);
	assert_string_equal(t->log[5], "ip0");
	/* Then softclock (due since the next hardclock), then process. */
	assert_string_equal(t->log[6], "to0");
	assert_string_equal(t->log[7], "task");
	assert_true(t->at[6] >= t0 + 505 * NS_PER_US);
}

static void
test_splassert_catches_wrong_level(void **state)
{
	struct tctx *t = *state;
	int s;

	netisr_register_drain(NETISR_IP, ip_drain);
	kern_task_set(&t->task, task_fn, NULL);
	/* Right level: softnet handler asserting IPL_SOFTNET. */
	t->ipq = 2;
	schednetisr(NETISR_IP);
	run_until(t, ev_now(t->q) + NS_PER_MS);
	assert_int_equal(t->v->vnet_stats.splassert_failures, 0);
	/* Wrong level: the same assertion from process context. */
	kern_task_add(&t->task);
	run_until(t, ev_now(t->q) + NS_PER_MS);
	assert_int_equal(t->v->vnet_stats.splassert_failures, 1);
	assert_int_equal(t->v->vnet_stats.splassert_last_want, IPL_SOFTNET);
	assert_int_equal(t->v->vnet_stats.splassert_last_have, IPL_NONE);
	assert_string_equal(t->v->vnet_stats.splassert_last_func, "task_fn");
	/* Raised by hand: fine; splx restores; splx lower is level. */
	s = splsoftnet();
	splassert(IPL_SOFTNET);
	assert_int_equal(splnet(), IPL_SOFTNET);
	splassert(IPL_NET);
	splx(s);
	assert_int_equal(kern_spl_current(), IPL_NONE);
	assert_int_equal(t->v->vnet_stats.splassert_failures, 1);
}

/* ------------------------------------------------------------------ */
/* pools and mbufs                                                    */

static void
test_pool_limit(void **state)
{
	struct pool pl;
	void *a, *b, *c;
	uint32_t *z;

	(void)state;
	pool_init(&pl, 64, 0, 0, 0, "testpl", &pool_allocator_nointr);
	assert_int_equal(pool_sethardlimit(&pl, 2, NULL, 0), 0);
	a = pool_get(&pl, PR_NOWAIT);
	b = pool_get(&pl, PR_NOWAIT | PR_ZERO);
	assert_non_null(a);
	assert_non_null(b);
	c = pool_get(&pl, PR_NOWAIT);
	assert_null(c);
	assert_int_equal(pl.pr_nfail, 1);
	assert_int_equal(pl.pr_nout, 2);
	memset(a, 0xa5, 64);
	pool_put(&pl, a);
	z = pool_get(&pl, PR_NOWAIT | PR_ZERO);
	assert_non_null(z);
	assert_int_equal(z[0] | z[15], 0);
	/* Lowering below what is out fails. */
	assert_int_equal(pool_sethardlimit(&pl, 1, NULL, 0), EINVAL);
	pool_put(&pl, z);
	pool_put(&pl, b);
	assert_int_equal(pl.pr_nout, 0);
	assert_int_equal(pl.pr_maxout, 2);
	pool_destroy(&pl);
}

static void
test_mbuf_limit_and_ops(void **state)
{
	struct tctx *t = *state;
	struct mbuf *m, *m2, *m3, *mp;
	char buf[64];
	int off, i;

	assert_int_equal(pool_sethardlimit(&t->v->vnet_mbpool, 2, NULL, 0),
	    0);
	MGETHDR(m, M_DONTWAIT, MT_DATA);
	MGETHDR(m2, M_DONTWAIT, MT_DATA);
	MGETHDR(m3, M_DONTWAIT, MT_DATA);
	assert_non_null(m);
	assert_non_null(m2);
	assert_null(m3);
	assert_int_equal(t->v->vnet_stats.mbuf_alloc_fail, 1);
	m_freem(m2);
	assert_int_equal(pkt_pool_inuse(t->pool), 1);

	/* Room for a link header in front, a cluster behind. */
	m->m_data += max_linkhdr;
	assert_true(M_LEADINGSPACE(m) >= max_linkhdr);
	assert_true(M_TRAILINGSPACE(m) >= 1500);
	for (i = 0; i < 64; i++)
		buf[i] = (char)i;
	m_copyback(m, 0, 40, buf);
	assert_int_equal(m->m_len, 40);
	assert_int_equal(m->m_pkthdr.len, 40);
	m_copyback(m, 50, 10, buf + 50);	/* extends, gap zeroed */
	assert_int_equal(m->m_len, 60);
	assert_int_equal(mtod(m, char *)[45], 0);
	memset(buf, 0, sizeof(buf));
	m_copydata(m, 10, 20, buf);
	assert_int_equal(buf[0], 10);
	assert_int_equal(buf[19], 29);

	mp = m_pulldown(m, 20, 40, &off);
	assert_ptr_equal(mp, m);
	assert_int_equal(off, 20);
	assert_int_equal(mtod(mp, char *)[off], 20);
	m_adj(m, 4);
	assert_int_equal(m->m_len, 56);
	assert_int_equal(mtod(m, char *)[0], 4);
	m_adj(m, -6);
	assert_int_equal(m->m_pkthdr.len, 50);
	/* Too short: NULL, and the chain is freed. */
	mp = m_pulldown(m, 40, 20, &off);
	assert_null(mp);
	assert_int_equal(t->v->vnet_mbpool.pr_nout, 0);
	assert_int_equal(pkt_pool_inuse(t->pool), 0);
}

/* ------------------------------------------------------------------ */
/* ip_output and queues                                               */

struct txlog {
	int		 n;
	simtime_t	 at[8];
	uint8_t		 frame[8][128];
	uint32_t	 len[8];
};
static struct txlog txl;

static int
tx_capture(struct ifnet *ifp, struct pkt *p)
{
	(void)ifp;
	if (txl.n < 8) {
		txl.at[txl.n] = ev_now(T->q);
		txl.len[txl.n] = p->len;
		memcpy(txl.frame[txl.n], p->data, p->len < 128 ? p->len : 128);
	}
	txl.n++;
	pkt_free(p);
	return 0;
}

static struct ifnet test_if;
static struct ip_moptions test_imo;
static int out_err[4];

static struct mbuf *
make_pfsync_pkt(void)
{
	struct mbuf *m;
	struct ip *ip;

	MGETHDR(m, M_DONTWAIT, MT_DATA);
	assert_non_null(m);
	m->m_data += max_linkhdr;
	m->m_len = m->m_pkthdr.len = 60;
	ip = mtod(m, struct ip *);
	memset(ip, 0, 60);
	ip->ip_v = IPVERSION;
	ip->ip_hl = sizeof(*ip) >> 2;
	ip->ip_tos = IPTOS_LOWDELAY;
	ip->ip_len = htons(60);
	ip->ip_id = htons(ip_randomid());
	ip->ip_off = htons(IP_DF);
	ip->ip_ttl = 255;
	ip->ip_p = IPPROTO_PFSYNC;
	ip->ip_dst.s_addr = INADDR_PFSYNC_GROUP;
	return m;
}

static void
send_task(void *arg)
{
	int i;

	(void)arg;
	kern_charge_ns(7 * NS_PER_US);
	for (i = 0; i < 3; i++)
		out_err[i] = ip_output(make_pfsync_pkt(), NULL, NULL,
		    IP_RAWOUTPUT, &test_imo, NULL);
}

static void
test_ip_output_multicast(void **state)
{
	struct tctx *t = *state;
	struct ip *ip, iph;
	struct ether_header *eh;
	simtime_t t0;

	memset(&txl, 0, sizeof(txl));
	memset(&test_if, 0, sizeof(test_if));
	snprintf(test_if.if_xname, sizeof(test_if.if_xname), "em2");
	test_if.if_flags = IFF_UP | IFF_RUNNING | IFF_MULTICAST;
	test_if.if_mtu = 1500;
	test_if.if_addr = htonl(0x0a030101);
	test_if.if_transmit = tx_capture;
	test_if.if_snd.ifq_maxlen = 2;
	if_attach(&test_if);
	assert_ptr_equal(ifunit("em2"), &test_if);
	assert_null(ifunit("em9"));
	test_imo.imo_multicast_ifp = &test_if;
	test_imo.imo_multicast_ttl = 255;

	/* Inside a CPU step: frames leave at its end; if_snd holds 2. */
	kern_task_set(&t->task, send_task, NULL);
	t0 = ev_now(t->q);
	kern_task_add(&t->task);
	run_until(t, t0 + NS_PER_MS);
	assert_int_equal(out_err[0], 0);
	assert_int_equal(out_err[1], 0);
	assert_int_equal(out_err[2], ENOBUFS);
	assert_int_equal(kern_drop_count(t->v, "ifq"), 1);
	assert_int_equal(test_if.if_snd.ifq_drops, 1);
	assert_int_equal(txl.n, 2);
	assert_int_equal(txl.at[0], t0 + t->v->vnet_p.cost[KC_TASK] +
	    7 * NS_PER_US + 3 * t->v->vnet_p.cost[KC_IP_OUTPUT]);
	assert_int_equal(txl.len[0], 14 + 60);
	eh = (struct ether_header *)txl.frame[0];
	assert_int_equal(eh->ether_dhost[0], 0x01);
	assert_int_equal(eh->ether_dhost[2], 0x5e);
	assert_int_equal(eh->ether_dhost[5], 0xf0);
	assert_int_equal(ntohs(eh->ether_type), ETHERTYPE_IP);
	memcpy(&iph, txl.frame[0] + 14, sizeof(iph));
	ip = &iph;
	assert_int_equal(ip->ip_src.s_addr, htonl(0x0a030101));
	assert_int_equal(ip->ip_ttl, 255);
	assert_int_equal(in_cksum(ip, 20), 0);
	assert_int_equal(test_if.if_opackets, 2);
	if_detach(&test_if);
}

static void
test_ipintrq_congestion(void **state)
{
	struct tctx *t = *state;
	struct mbuf *m;
	int i, T0;

	T0 = goto_tick(t, 1, 2 * NS_PER_MS);
	ipintrq.ifq_maxlen = 3;
	for (i = 0; i < 3; i++) {
		MGETHDR(m, M_DONTWAIT, MT_DATA);
		assert_int_equal(if_input_enqueue(&ipintrq, m), 0);
	}
	assert_int_equal(ipintrq.ifq_congestion, 0);
	MGETHDR(m, M_DONTWAIT, MT_DATA);
	assert_int_equal(if_input_enqueue(&ipintrq, m), ENOBUFS);
	assert_int_equal(ipintrq.ifq_drops, 1);
	assert_true(ipintrq.ifq_congestion);
	/* Cleared by a callout at the next hardclock (hz / 100 = 1). */
	run_until(t, kern_tick_time(t->v, T0 + 1) - 1);
	assert_true(ipintrq.ifq_congestion);
	run_until(t, kern_tick_time(t->v, T0 + 1));
	assert_false(ipintrq.ifq_congestion);
	ifq_purge(&ipintrq);
	assert_int_equal(t->v->vnet_mbpool.pr_nout, 0);
}

/* ------------------------------------------------------------------ */
/* clock                                                              */

static void
test_clock_seconds(void **state)
{
	struct tctx *t = *state;
	struct vnet *v2;
	time_t s0, u0;
	int k0, T0;

	T0 = goto_tick(t, 1, 0);
	s0 = time_second;
	u0 = time_uptime;
	k0 = ticks;
	assert_int_equal(T0, k0);
	assert_int_equal(u0, (time_t)(k0 / hz));
	assert_true(s0 > 1235865600 && s0 < 1235865600 + 2 * 86400);
	/* Within a tick nothing moves. */
	run_until(t, ev_now(t->q) + 9 * NS_PER_MS);
	assert_int_equal(ticks, k0);
	assert_int_equal(time_second, s0);
	/* A second later both counters moved by one. */
	run_until(t, kern_tick_time(t->v, k0 + 100));
	assert_int_equal(ticks, k0 + 100);
	assert_int_equal(time_uptime, u0 + 1);
	assert_int_equal(time_second, s0 + 1);

	/* Another firewall: another phase, boot time and rng stream;
	 * the same name and seed give the same draws. */
	v2 = kern_vnet_create(t->w, NULL, 42, "u", NULL);
	assert_true(v2->vnet_phase_ns != t->v->vnet_phase_ns ||
	    v2->vnet_ticks0 != t->v->vnet_ticks0);
	kern_vnet_destroy(v2);
	v2 = kern_vnet_create(t->w, NULL, 42, "t", NULL);
	assert_int_equal(v2->vnet_phase_ns, t->v->vnet_phase_ns);
	assert_int_equal(v2->vnet_boot_wall_ns, t->v->vnet_boot_wall_ns);
	curvnet = v2;
	u0 = arc4random();
	kern_vnet_destroy(v2);
	v2 = kern_vnet_create(t->w, NULL, 42, "t", NULL);
	curvnet = v2;
	assert_int_equal(arc4random(), u0);
	assert_true(arc4random_uniform(10) < 10);
	kern_vnet_destroy(v2);
	curvnet = t->v;
}

static struct vnet *seen_vnet[2];

static void
vnet_to_fn(void *arg)
{
	seen_vnet[(intptr_t)arg] = curvnet;
}

/* Two firewalls on one queue: each callout runs in its own vnet. */
static void
test_two_vnets_share_nothing(void **state)
{
	struct tctx *t = *state;
	struct vnet *v2;
	struct timeout a, b;

	v2 = kern_vnet_create(t->w, NULL, 42, "other", NULL);
	curvnet = t->v;
	timeout_set(&a, vnet_to_fn, (void *)0);
	timeout_add(&a, 3);
	curvnet = v2;
	timeout_set(&b, vnet_to_fn, (void *)1);
	timeout_add(&b, 3);
	/* The engine's own context: both the queue and curvnet. */
	ev_switch_ctx(t->q, NULL);
	curvnet = NULL;
	ev_run(t->q, ev_now(t->q) + NS_PER_SEC);
	assert_ptr_equal(seen_vnet[0], t->v);
	assert_ptr_equal(seen_vnet[1], v2);
	assert_int_equal(t->v->vnet_stats.timeouts_run, 1);
	assert_int_equal(v2->vnet_stats.timeouts_run, 1);
	curvnet = v2;
	kern_vnet_destroy(v2);
	curvnet = t->v;
}

static void
test_checksums(void **state)
{
	struct mbuf *m;
	struct ip *ip;
	struct udp_hdr *uh;

	(void)state;
	MGETHDR(m, M_DONTWAIT, MT_DATA);
	m->m_len = m->m_pkthdr.len = 20 + 8 + 11;
	ip = mtod(m, struct ip *);
	memset(ip, 0, (size_t)m->m_len);
	ip->ip_v = IPVERSION;
	ip->ip_hl = 5;
	ip->ip_len = htons(39);
	ip->ip_ttl = 64;
	ip->ip_p = IPPROTO_UDP;
	ip->ip_src.s_addr = htonl(0x0a010203);
	ip->ip_dst.s_addr = htonl(0x0a020304);
	ip->ip_sum = in_cksum(m, 20);		/* the BSD (mbuf) form */
	assert_int_equal(in_cksum(ip, 20), 0);	/* the buffer form */
	uh = (struct udp_hdr *)(mtod(m, char *) + 20);
	uh->len = htons(19);
	memcpy(uh + 1, "hello world", 11);
	uh->sum = in4_l4_cksum(0x0a010203, 0x0a020304, IPPROTO_UDP, uh, 19);
	assert_int_equal(in4_cksum(m, IPPROTO_UDP, 20, 19), 0);
	uh->sum ^= 1;
	assert_int_not_equal(in4_cksum(m, IPPROTO_UDP, 20, 19), 0);
	m_freem(m);
}

static void
test_malloc_macros(void **state)
{
	char *p, *q, buf[8];
	u_int8_t a[4] = { 1, 2, 3, 4 }, b[4];

	(void)state;
	assert_int_equal(strlcpy(buf, "firewall", sizeof(buf)), 8);
	assert_string_equal(buf, "firewa" "l");
	bcopy(a, b, sizeof(a));
	assert_int_equal(bcmp(a, b, sizeof(a)), 0);
	bzero(b, sizeof(b));
	assert_int_equal(b[3], 0);
	assert_int_equal(ntohl(htonl(0x01020304)), 0x01020304);
	p = malloc(16, M_DEVBUF, M_WAITOK | M_ZERO);
	assert_int_equal(p[15], 0);
	free(p, M_DEVBUF);
	q = malloc(8);		/* libc's, through the same name */
	assert_non_null(q);
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timeout_firing_tick,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_ordering,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_readd_moves,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_softclock_held_off_by_softnet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netisr_order_same_pass,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_netisr_snapshot_next_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_sizes_not_clamped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipl_preemption_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_splassert_catches_wrong_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_limit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_mbuf_limit_and_ops,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_output_multicast,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipintrq_congestion,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_seconds,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_vnets_share_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksums,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_malloc_macros,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
