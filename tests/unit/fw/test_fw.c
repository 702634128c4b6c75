/*
 * models/fw: the firewall node on the real engine (world, segments,
 * frames): forwarding, interrupt mitigation and softnet batching, the
 * pfsync netisr after a batch, pf/pfsync hook points, drops by reason,
 * conservation of packets, parameters and the JSON report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/conf.h"
#include "models/fw/fw.h"
#include "models/fw/fw_var.h"

struct sender {
	struct world	*w;
	struct ev	 ev;
	struct iface	*src;
	uint8_t		 dmac[6];
	uint32_t	 dst;		/* host order */
	uint8_t		 proto;
	simtime_t	 gap;
	uint64_t	 sent, limit;
};

struct tctx {
	struct world	*w;
	struct segment	*x, *y, *sync;
	struct node	*hx, *hy, *hs;
	struct iface	*ifx, *ify, *ifs;
	struct fw	*fw;
	struct sender	 snd;
	uint64_t	 received, bad_rx;
	uint8_t		 last_ttl;
	uint8_t		 last_smac[6];
	/* mocks */
	int		 sched_pfsync;
	int		 block_every;
	uint64_t	 pf_calls[3];
	int		 pfsync_runs;
	uint64_t	 pf_calls_at_pfsync[8];
	simtime_t	 pfsync_at[8];
	simtime_t	 last_pf_at;
	int		 pfsync_in;
	int		 pfsync_iphlen;
	uint64_t	 splassert_in_hooks;
	struct conf	*conf;
	int		 defer;
	struct mbuf	*held;
	struct timeout	 defer_to;
	simtime_t	 released_at;
};

static struct tctx *T;

/* The engine's run.c (linked for run_* used by fw.c) wants the list. */
const struct model_type *const pfsim_models[] = { NULL };

/* ------------------------------------------------------------------ */
/* mocks of pf and pfsync                                             */

static int
mock_pf_test(int dir, struct ifnet *ifp, struct mbuf **m0,
    struct ether_header *eh)
{
	(void)ifp;
	(void)eh;
	(void)m0;
	splassert(IPL_SOFTNET);
	/* pf: pass what pf itself generated (pfsync's deferred release) */
	if ((*m0)->m_pkthdr.pf.flags & PF_TAG_GENERATED)
		return PF_PASS;
	T->pf_calls[dir]++;
	T->last_pf_at = ev_now(T->w->q);
	if (T->defer && dir == PF_OUT) {
		/* pfsync_defer: hold the packet, release it in 10 ticks */
		(*m0)->m_pkthdr.pf.flags |= PF_TAG_GENERATED;
		T->held = *m0;
		timeout_add(&T->defer_to, 10);
		*m0 = NULL;
		return PF_PASS;
	}
	if (T->sched_pfsync)
		schednetisr(NETISR_PFSYNC);	/* pfsync_update_state */
	if (dir == PF_IN && T->block_every &&
	    T->pf_calls[PF_IN] % (uint64_t)T->block_every == 0)
		return PF_DROP;
	return PF_PASS;
}

/* if_pfsync.c: pfsync_defer_tmo -> pfsync_undefer(pd, 0) */
static void
mock_defer_tmo(void *arg)
{
	int s, s2;

	(void)arg;
	s = splsoftnet();
	T->released_at = ev_now(T->w->q);
	s2 = splnet();
	ip_output(T->held, NULL, NULL, 0, NULL, NULL);
	splx(s2);
	T->held = NULL;
	splx(s);
}

static const char *
mock_pf_drop_reason(void)
{
	return "pf_state_mismatch";
}

static void
mock_pf_work(struct fw_pf_work *w)
{
	w->state_searches = T->pf_calls[PF_IN] + T->pf_calls[PF_OUT];
}

static void
mock_pfsyncintr(void)
{
	splassert(IPL_SOFTNET);
	if (T->pfsync_runs < 8) {
		T->pf_calls_at_pfsync[T->pfsync_runs] =
		    T->pf_calls[PF_IN] + T->pf_calls[PF_OUT];
		T->pfsync_at[T->pfsync_runs] = ev_now(T->w->q);
	}
	T->pfsync_runs++;
}

/* pfsync_attach: pfsync registers its own netisr */
static int
mock_pfsync_attach(struct fw *fw, struct conf_section *sec, char *err,
    size_t errlen)
{
	(void)fw;
	(void)sec;
	(void)err;
	(void)errlen;
	netisr_register(NETISR_PFSYNC, mock_pfsyncintr);
	return 0;
}

static void
mock_pfsync_input(struct mbuf *m, int iphlen)
{
	splassert(IPL_SOFTNET);
	T->pfsync_in++;
	T->pfsync_iphlen = iphlen;
	m_freem(m);
}

static const struct fw_modules mock_mods = {
	.pf_test = mock_pf_test,
	.pf_drop_reason = mock_pf_drop_reason,
	.pf_work = mock_pf_work,
	.pfsync_attach = mock_pfsync_attach,
	.pfsync_input = mock_pfsync_input,
};

/* ------------------------------------------------------------------ */
/* world                                                              */

static void
host_rx(struct iface *ifp, struct pkt *p, void *arg)
{
	struct tctx *t = arg;

	(void)ifp;
	if (frame_check_ip4(p) != 0)
		t->bad_rx++;
	t->received++;
	t->last_ttl = pkt_ip(p)->ttl;
	memcpy(t->last_smac, pkt_eth(p)->src, 6);
	pkt_free(p);
}

static void
send_one(struct sender *s)
{
	struct pkt *p = pkt_alloc(s->w->pool);
	struct udp_hdr *uh;

	assert_non_null(p);
	uh = (struct udp_hdr *)(p->data + ETHER_HDR_LEN + 20);
	memset(uh, 0, 8 + 18);
	uh->sport = htons(5000);
	uh->dport = htons(9);
	uh->len = htons(8 + 18);
	frame_ip4(p, s->src->mac, s->dmac, s->src->addr, s->dst, s->proto,
	    s->proto == IPPROTO_PFSYNC ? 255 : 64, (uint16_t)s->sent, 8 + 18);
	s->sent++;
	assert_int_equal(sim_output(s->src, p), 0);
}

static void
sender_ev(void *arg)
{
	struct sender *s = arg;

	send_one(s);
	if (s->sent < s->limit)
		ev_schedule(s->w->q, &s->ev, sim_now(s->w) + s->gap);
}

static const struct section_type fw_st = { "firewall", true, true,
    fw_params };
static const struct section_type *const fw_types[] = { &fw_st, NULL };

static struct conf_section *
parse_fw(struct tctx *t, const char *text)
{
	char err[256];

	t->conf = conf_parse("test.conf", text, fw_types, err, sizeof(err));
	if (t->conf == NULL)
		fail_msg("%s", err);
	assert_int_equal(conf_finish(t->conf, err, sizeof(err)), 0);
	return conf_find(t->conf, "firewall", NULL);
}

/* A world x -- fw -- y, and a sync net; the firewall from text. */
static void
build(struct tctx *t, const char *text, const struct fw_modules *mods,
    uint64_t ybps)
{
	struct seg_params sp = { .delay_ns = NS_PER_US, .mtu = 1500 };
	struct conf_section *sec = NULL;
	char err[256];
	struct iface *fwx;

	t->w = world_create(7, 0, 0);
	t->x = segment_create(t->w, "x", &sp);
	sp.rate_bps = ybps;
	t->y = segment_create(t->w, "y", &sp);
	sp.rate_bps = 0;
	t->sync = segment_create(t->w, "sync", &sp);
	if (text != NULL)
		sec = parse_fw(t, text);
	t->fw = fw_create_world(t->w, "fw", sec, "x y sync", mods, err,
	    sizeof(err));
	if (t->fw == NULL)
		fail_msg("%s", err);
	t->hx = node_create(t->w, "hx", "host");
	t->hy = node_create(t->w, "hy", "host");
	t->hs = node_create(t->w, "hs", "host");
	t->ifx = iface_create(t->hx, "eth0", t->x, 0x0a010201, 16);
	t->ify = iface_create(t->hy, "eth0", t->y, 0x0a020201, 16);
	t->ifs = iface_create(t->hs, "eth0", t->sync, 0x0a030201, 16);
	sim_set_input(t->ify, host_rx, t);
	fwx = segment_find_addr(t->x, fw_addr(t->fw, "x"));
	assert_non_null(fwx);
	t->snd.w = t->w;
	t->snd.src = t->ifx;
	memcpy(t->snd.dmac, fwx->mac, 6);
	t->snd.dst = t->ify->addr;
	t->snd.proto = IPPROTO_UDP_;
	ev_init(&t->snd.ev, sender_ev, &t->snd, NULL);
	fw_start(t->fw);
}

static void
run_for(struct tctx *t, simtime_t until)
{
	ev_run(t->w->q, until);
	sim_enter(t->w, NULL);
}

static int
setup(void **state)
{
	struct tctx *t = calloc(1, sizeof(*t));

	T = t;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tctx *t = *state;

	if (t->fw != NULL)
		fw_destroy(t->fw);
	if (t->w != NULL)
		world_destroy(t->w);
	if (t->conf != NULL)
		conf_free(t->conf);
	free(t);
	curvnet = NULL;
	return 0;
}

static uint64_t
all_drops(struct fw *fw)
{
	const struct kern_drops *d = &fw_vnet(fw)->vnet_drops;
	uint64_t n = 0;
	int i;

	for (i = 0; i < d->n; i++)
		n += d->count[i];
	return n;
}

/* ------------------------------------------------------------------ */

static void
test_fw_forward_basic(void **state)
{
	struct tctx *t = *state;
	struct iface *fwy;
	struct vnet *v;

	build(t, NULL, NULL, 0);
	v = fw_vnet(t->fw);
	assert_int_equal(fw_addr(t->fw, "x"), 0x0a010101);
	assert_int_equal(fw_addr(t->fw, "y"), 0x0a020101);
	assert_string_equal(fw_ifnet(t->fw, 1)->if_xname, "em1");
	t->snd.gap = NS_PER_MS;
	t->snd.limit = 5;
	ev_schedule(t->w->q, &t->snd.ev, NS_PER_MS);
	run_for(t, 20 * NS_PER_MS);
	assert_int_equal(t->received, 5);
	assert_int_equal(t->bad_rx, 0);
	assert_int_equal(t->last_ttl, 63);
	fwy = segment_find_addr(t->y, fw_addr(t->fw, "y"));
	assert_memory_equal(t->last_smac, fwy->mac, 6);
	assert_int_equal(fw_forwarded(t->fw), 5);
	assert_int_equal(all_drops(t->fw), 0);
	/* Sparse traffic: one interrupt and one packet per pass each. */
	assert_int_equal(fw_nic_stats(t->fw, 0)->intrs, 5);
	assert_int_equal(kern_pass_quantile(v, 0), 1);
	assert_int_equal(kern_pass_quantile(v, 1), 1);
	assert_true(fw_cpu_busy(t->fw) > 0);
	assert_int_equal(v->vnet_stats.splassert_failures, 0);
	assert_int_equal(v->vnet_mbpool.pr_nout, 0);
}

/*
 * A burst of k frames inside one throttle interval is handled by one
 * interrupt and one softnet pass; the pfsync netisr, asked for by every
 * packet, runs once, after the whole batch.
 */
static void
test_fw_burst_one_pass_pfsync_once(void **state)
{
	struct tctx *t = *state;
	struct vnet *v;
	const int k = 8;

	build(t, NULL, &mock_mods, 0);
	v = fw_vnet(t->fw);
	t->sched_pfsync = 1;
	/* One frame opens the throttle window (interrupt at ~1 us). */
	t->snd.limit = 1;
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, 20 * NS_PER_US);
	assert_int_equal(fw_nic_stats(t->fw, 0)->intrs, 1);
	/* k frames 4 us apart, all before 125 us. */
	t->snd.limit = 1 + (uint64_t)k;
	t->snd.gap = 4 * NS_PER_US;
	ev_schedule(t->w->q, &t->snd.ev, 30 * NS_PER_US);
	run_for(t, 5 * NS_PER_MS);
	assert_int_equal(t->received, 1 + k);
	assert_int_equal(fw_nic_stats(t->fw, 0)->intrs, 2);
	assert_int_equal(kern_pass_hist(v, 1), 1);
	assert_int_equal(kern_pass_hist(v, (uint32_t)k), 1);
	assert_int_equal(kern_cpu_stats(v)->passes_ip, 2);
	/* pfsyncintr: once after the single packet, once after the burst,
	 * having seen every pf_test of the burst (in and out). */
	assert_int_equal(t->pfsync_runs, 2);
	assert_int_equal(t->pf_calls_at_pfsync[0], 2);
	assert_int_equal(t->pf_calls_at_pfsync[1], 2 + 2 * (uint64_t)k);
	assert_true(t->pfsync_at[1] > t->last_pf_at);
	/* The interrupt waited for the throttle: >= 125 us after the
	 * first. */
	assert_true(t->pfsync_at[1] > 125 * NS_PER_US);
	/* pf work was charged: lookups cost CPU. */
	assert_true(kern_cpu_stats(v)->busy_ns[IPL_SOFTNET] >=
	    (simtime_t)(2 + 2 * k) * v->vnet_p.cost[KC_STATE_LOOKUP]);
	assert_int_equal(v->vnet_stats.splassert_failures, 0);
	assert_int_equal(v->vnet_stats.netisr_runs[NETISR_PFSYNC], 2);
}

static void
test_fw_pf_drop_reason(void **state)
{
	struct tctx *t = *state;

	build(t, NULL, &mock_mods, 0);
	t->block_every = 2;
	t->snd.gap = 200 * NS_PER_US;
	t->snd.limit = 10;
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, 10 * NS_PER_MS);
	assert_int_equal(t->received, 5);
	assert_int_equal(kern_drop_count(fw_vnet(t->fw), "pf_state_mismatch"),
	    5);
	assert_int_equal(fw_vnet(t->fw)->vnet_mbpool.pr_nout, 0);
}

/* A packet deferred by pf OUT leaves when its callout releases it. */
static void
test_fw_defer_release(void **state)
{
	struct tctx *t = *state;
	struct vnet *v;

	build(t, NULL, &mock_mods, 0);
	v = fw_vnet(t->fw);
	CURVNET_SET(v);
	timeout_set(&t->defer_to, mock_defer_tmo, NULL);
	CURVNET_RESTORE();
	t->defer = 1;
	t->snd.limit = 1;
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, 50 * NS_PER_MS);
	assert_int_equal(t->received, 0);
	assert_non_null(t->held);
	run_for(t, 150 * NS_PER_MS);
	assert_int_equal(t->received, 1);
	assert_int_equal(t->last_ttl, 63);
	assert_int_equal(t->bad_rx, 0);
	/* 10 ticks: between 90 and 100 ms after it was held. */
	assert_true(t->released_at > 90 * NS_PER_MS &&
	    t->released_at <= 101 * NS_PER_MS);
	assert_int_equal(fw_forwarded(t->fw), 0);
	assert_int_equal(t->fw->deferred, 1);
	assert_int_equal(v->vnet_stats.timeouts_run, 1);
	assert_int_equal(v->vnet_mbpool.pr_nout, 0);
	assert_int_equal(v->vnet_stats.splassert_failures, 0);
}

static void
test_fw_pfsync_input(void **state)
{
	struct tctx *t = *state;
	struct sender *s = &t->snd;

	build(t, NULL, &mock_mods, 0);
	/* A pfsync packet to the group, from a peer on the sync net. */
	s->src = t->ifs;
	s->proto = IPPROTO_PFSYNC;
	s->dst = 0xe00000f0;
	ether_multicast_mac(s->dst, s->dmac);
	s->limit = 1;
	ev_schedule(t->w->q, &s->ev, 0);
	run_for(t, NS_PER_MS);
	assert_int_equal(t->pfsync_in, 1);
	assert_int_equal(t->pfsync_iphlen, 20);
	/* UDP to the firewall's own address: no local stack. */
	s->proto = IPPROTO_UDP_;
	s->dst = fw_addr(t->fw, "sync");
	memcpy(s->dmac, segment_find_addr(t->sync, s->dst)->mac, 6);
	s->limit = 2;
	ev_schedule(t->w->q, &s->ev, 2 * NS_PER_MS);
	run_for(t, 4 * NS_PER_MS);
	assert_int_equal(kern_drop_count(fw_vnet(t->fw), "local"), 1);
	assert_int_equal(t->received, 0);
}

/* Offered load beyond the CPU: drops at the queues, none silent. */
static void
test_fw_overload_conservation(void **state)
{
	struct tctx *t = *state;
	struct vnet *v;
	uint64_t drops;

	build(t, "[firewall fw]\nnets = x y sync\n", NULL, 0);
	v = fw_vnet(t->fw);
	t->snd.gap = 2500;		/* 400 kpps */
	t->snd.limit = 20000;
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, 50 * NS_PER_MS);
	/* Still sending: the CPU is saturated, the queues full. */
	assert_true(fw_cpu_busy(t->fw) > 0.95);
	run_for(t, 200 * NS_PER_MS);
	drops = all_drops(t->fw);
	print_message("400 kpps offered: delivered %llu, drops ipintrq %llu "
	    "rx_ring %llu, median pkts/pass %u, intr/s %.0f\n",
	    (unsigned long long)t->received,
	    (unsigned long long)kern_drop_count(v, "ipintrq"),
	    (unsigned long long)kern_drop_count(v, "rx_ring"),
	    kern_pass_quantile(v, 0.5), fw_intr_rate(t->fw));
	assert_true(drops > 0);
	assert_true(kern_drop_count(v, "ipintrq") +
	    kern_drop_count(v, "rx_ring") == drops);
	assert_int_equal(t->snd.sent, 20000);
	assert_int_equal(t->snd.sent, t->received + drops);
	assert_int_equal(v->vnet_mbpool.pr_nout, 0);
	assert_int_equal(v->vnet_stats.splassert_failures, 0);
	/* The drops at a full ipintrq are the queue's own count. */
	assert_int_equal((uint64_t)v->vnet_ipintrq.ifq_drops,
	    kern_drop_count(v, "ipintrq"));
}

static void
test_fw_ifq_overflow(void **state)
{
	struct tctx *t = *state;

	/* A 10 Mbit/s egress with if_snd of 4. */
	build(t, "[firewall fw]\nnets = x y sync\nifq = 4\n", NULL,
	    10000000);
	t->snd.gap = 2 * NS_PER_US;
	t->snd.limit = 50;
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, 100 * NS_PER_MS);
	assert_true(kern_drop_count(fw_vnet(t->fw), "ifq") > 0);
	assert_int_equal(t->received + all_drops(t->fw), 50);
	assert_int_equal(fw_ifnet(t->fw, 1)->if_snd.ifq_drops,
	    kern_drop_count(fw_vnet(t->fw), "ifq"));
}

/* Packets per softnet pass follow the offered rate
 * (docs/ref/openbsd-kernel-env.md §6.1). */
static double
mean_pass(struct tctx *t, double pps, uint32_t *median)
{
	struct vnet *v;
	uint64_t pkts = 0, passes;
	uint32_t k;

	build(t, NULL, NULL, 0);
	v = fw_vnet(t->fw);
	t->snd.gap = (simtime_t)(NS_PER_SEC / pps);
	t->snd.limit = (uint64_t)(pps / 5);	/* 0.2 s */
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, 300 * NS_PER_MS);
	assert_int_equal(t->received, t->snd.limit);
	assert_int_equal(all_drops(t->fw), 0);
	for (k = 1; k <= kern_pass_quantile(v, 1); k++)
		pkts += k * kern_pass_hist(v, k);
	assert_int_equal(pkts, t->snd.limit);
	passes = kern_cpu_stats(v)->passes_ip;
	*median = kern_pass_quantile(v, 0.5);
	fw_destroy(t->fw);
	world_destroy(t->w);
	t->fw = NULL;
	t->w = NULL;
	t->received = 0;
	memset(&t->snd, 0, sizeof(t->snd));
	return (double)pkts / (double)passes;
}

static void
test_fw_batch_follows_rate(void **state)
{
	struct tctx *t = *state;
	uint32_t med;
	double m;

	m = mean_pass(t, 1000, &med);
	assert_int_equal(med, 1);
	assert_true(m < 1.01);
	m = mean_pass(t, 10000, &med);
	print_message("10 kpps: mean %.2f median %u pkts/pass\n", m, med);
	assert_true(m >= 1.0 && m < 2.0);
	/* 100 kpps: rate x 125 us = 12.5 per pass, within 20%. */
	m = mean_pass(t, 100000, &med);
	print_message("100 kpps: mean %.2f median %u pkts/pass\n", m, med);
	assert_true(m > 12.5 * 0.8 && m < 12.5 * 1.2);
}

static void
test_fw_params_profile(void **state)
{
	struct tctx *t = *state;
	struct conf_section *sec;
	char err[256];
	struct fw *fw;

	build(t, "[firewall fw]\nnets = x y\nhw = modern\n"
	    "nic.rx_ring = 64\ncost.intr = 1us\nhz = 1000\n"
	    "route = 10.9.0.0/16@10.2.2.1\n", NULL, 0);
	assert_int_equal(fw_nifs(t->fw), 2);
	assert_int_equal(t->fw->nic[0].ring.limit, 64);
	assert_int_equal(t->fw->ifq, 1023);		/* modern */
	assert_int_equal(fw_vnet(t->fw)->vnet_p.cost[KC_INTR], 1000);
	assert_int_equal(fw_vnet(t->fw)->vnet_p.cost[KC_RX_FRAME], 250);
	assert_int_equal(fw_vnet(t->fw)->vnet_p.kp_hz, 1000);
	assert_int_equal(fw_vnet(t->fw)->vnet_ipintrq.ifq_maxlen, 2048);
	assert_int_equal(t->fw->itr_ns, 125000);
	/* The static route: 10.9.0.5 goes to hy (10.2.2.1) on y. */
	t->snd.dst = 0x0a090005;
	t->snd.limit = 1;
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, NS_PER_MS);
	assert_int_equal(t->received, 1);
	assert_int_equal(fw_forwarded(t->fw), 1);

	/* An unknown net names the key. */
	conf_free(t->conf);
	sec = parse_fw(t, "[firewall fw2]\nnets = x zz\n");
	fw = fw_create_world(t->w, "fw2", sec, NULL, NULL, err, sizeof(err));
	assert_null(fw);
	assert_non_null(strstr(err, "firewall.fw2.nets: no [net zz]"));
}

static void
test_fw_two_firewalls(void **state)
{
	struct tctx *t = *state;
	char err[256];
	struct fw *b;

	build(t, NULL, NULL, 0);
	b = fw_create_world(t->w, "fwb", NULL, "x y", NULL, err, sizeof(err));
	assert_non_null(b);
	assert_int_equal(fw_addr(b, "x"), 0x0a010102);
	assert_ptr_equal(fw_of_node(fw_node(b)), b);
	assert_true(fw_vnet(b)->vnet_phase_ns != fw_vnet(t->fw)->vnet_phase_ns);
	t->snd.gap = NS_PER_MS;
	t->snd.limit = 3;
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, 10 * NS_PER_MS);
	assert_int_equal(t->received, 3);
	assert_int_equal(fw_forwarded(t->fw), 3);
	assert_int_equal(fw_forwarded(b), 0);
	assert_int_equal(kern_cpu_stats(fw_vnet(b))->busy_total_ns, 0);
	fw_destroy(b);
}

static void
test_fw_report_json(void **state)
{
	struct tctx *t = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	struct json *j;

	build(t, NULL, NULL, 0);
	t->snd.gap = NS_PER_MS;
	t->snd.limit = 3;
	ev_schedule(t->w->q, &t->snd.ev, 0);
	run_for(t, 10 * NS_PER_MS);
	f = open_memstream(&buf, &len);
	j = json_create(f);
	json_arr_begin(j, NULL);
	fw_report_json(t->fw, j);
	json_arr_end(j);
	json_destroy(j);
	fclose(f);
	assert_non_null(strstr(buf, "\"name\": \"fw\""));
	assert_non_null(strstr(buf, "\"pfsync_version\": \"off\""));
	assert_non_null(strstr(buf, "\"cpu_busy\""));
	assert_non_null(strstr(buf, "\"rx_ring\": 0"));
	assert_non_null(strstr(buf, "\"pf_state_mismatch\": 0"));
	assert_non_null(strstr(buf, "\"median\": 1"));
	assert_non_null(strstr(buf, "\"forwarded\": 3"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fw_forward_basic,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_fw_burst_one_pass_pfsync_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_pf_drop_reason,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_defer_release,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_pfsync_input,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_overload_conservation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_ifq_overflow,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_batch_follows_rate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_params_profile,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_two_firewalls,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fw_report_json,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
