/*
 * pfsync v5 timing on the kernel model's clock: a split state's update
 * leaves in the next softnet pass, a non-split one with the 1 s timer;
 * maxupdates forces a send; a held packet is released by an insert ack,
 * by the 10-tick timeout, by a local update, and at the 128 limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/pfsync/harness.h"

static struct tnet *
setup(int n, int maxupdates)
{
	struct pfsync_config c;
	struct tnet *net;
	int i;

	net = tnet_create(n, 20000, 0);
	pfsync_config_default(&c);
	c.bulk_on_up = 0;
	c.maxupdates = maxupdates;
	for (i = 0; i < n; i++)
		tnet_pfsync(net, i, &c);
	tnet_enter(net, 0);
	return (net);
}

/* A state with nothing queued (its INS dropped). */
static struct pf_state *
quiet_state(u_int32_t n)
{
	struct pf_state *st;
	int s;

	s = splsoftnet();
	st = tstate_new(n);
	pfsync_drop(V_pfsyncif);
	splx(s);
	return (st);
}

static void
local_update(struct pf_state *st)
{
	int s = splsoftnet();

	pfsync_update_state(st);
	splx(s);
}

static void
test_split_next_pass(void **unused)
{
	struct tnet *net = setup(1, 128);
	struct tfw *fw = &net->fw[0];
	struct pf_state *st;
	simtime_t t0;

	(void)unused;
	tnet_run(net, 3 * NS_PER_SEC);
	st = quiet_state(1);
	/* a peer's update for it was accepted just now: split */
	st->pfsync_time = time_second;
	t0 = tnet_now(net);
	local_update(st);
	assert_true(curvnet->vnet_netisr & (1U << NETISR_PFSYNC));
	assert_int_equal(fw->ncap, 0);
	tnet_run(net, t0 + NS_PER_MS);
	assert_int_equal(fw->ncap, 1);
	assert_true(fw->cap[0].t - t0 < 100 * NS_PER_US);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_NETISR], 1);
	assert_int_equal(V_pfsync_ints, 1);
	assert_int_equal(V_pfsync_upds, 1);
	tnet_destroy(net);
}

static void
test_nonsplit_timer(void **unused)
{
	struct tnet *net = setup(1, 128);
	struct tfw *fw = &net->fw[0];
	struct pf_state *st;
	simtime_t t0;

	(void)unused;
	tnet_run(net, 3 * NS_PER_SEC);
	st = quiet_state(1);
	/* last accepted peer update 2 s ago: no longer split */
	st->pfsync_time = time_second - 2;
	t0 = tnet_now(net);
	local_update(st);
	assert_false(curvnet->vnet_netisr & (1U << NETISR_PFSYNC));
	tnet_run(net, t0 + 980 * NS_PER_MS);
	assert_int_equal(fw->ncap, 0);
	/* more updates do not move the timer (armed only when empty) */
	local_update(st);
	tnet_run(net, t0 + 1010 * NS_PER_MS);
	assert_int_equal(fw->ncap, 1);
	assert_true(fw->cap[0].t - t0 > 990 * NS_PER_MS);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_TIMER], 1);
	assert_int_equal(V_pfsync_tmos, 1);
	tnet_destroy(net);
}

static void
test_maxupdates(void **unused)
{
	struct tnet *net = setup(1, 4);
	struct tfw *fw = &net->fw[0];
	struct pf_state *st;
	simtime_t t0;
	int i;

	(void)unused;
	st = quiet_state(1);
	t0 = tnet_now(net);
	local_update(st);		/* queued, sync_updates 0 */
	for (i = 1; i < 4; i++) {
		local_update(st);
		assert_int_equal(st->sync_updates, i);
		assert_false(curvnet->vnet_netisr & (1U << NETISR_PFSYNC));
	}
	local_update(st);		/* the 4th on the queue: send */
	assert_true(curvnet->vnet_netisr & (1U << NETISR_PFSYNC));
	tnet_run(net, t0 + NS_PER_MS);
	assert_int_equal(fw->ncap, 1);
	assert_int_equal(tcap_ip(&fw->cap[0])[40], PFSYNC_ACT_UPD_C);
	tnet_destroy(net);

	/* maxupdates 0: every update of a queued state sends
	 * (docs/ref/pfsync-v5-engine.md §7, R17) */
	net = setup(1, 0);
	fw = &net->fw[0];
	st = quiet_state(1);
	local_update(st);
	assert_false(curvnet->vnet_netisr & (1U << NETISR_PFSYNC));
	local_update(st);
	assert_true(curvnet->vnet_netisr & (1U << NETISR_PFSYNC));
	tnet_destroy(net);
}

/* fwA holds the first packet of a new state bound for fwB (10.0.0.2). */
static struct pf_state *
defer_one(struct tnet *net, u_int32_t n)
{
	struct pf_state *st;
	int s;

	tnet_enter(net, 0);
	s = splsoftnet();
	st = tstate_new(n);
	assert_int_equal(pfsync_defer(st, tdata_mbuf(0x0a000001, 0x0a000002)),
	    1);
	assert_true(ISSET(st->state_flags, PFSTATE_ACK));
	splx(s);
	return (st);
}

static void
test_defer_iack(void **unused)
{
	struct tnet *net = setup(2, 128);
	struct pf_state *st;
	simtime_t t0;

	(void)unused;
	tnet_run(net, NS_PER_SEC);
	t0 = tnet_now(net);
	st = defer_one(net, 1);
	assert_int_equal(V_pfsyncif->sc_deferred, 1);
	/*
	 * pfsync_defer does not schedule the netisr
	 * (docs/ref/pfsync-v5-engine.md §7, R5): something else
	 * must flush the INS within 10 ticks. Here: a softnet pass that
	 * had a split state to send.
	 */
	schednetisr(NETISR_PFSYNC);
	tnet_run(net, t0 + 20 * NS_PER_MS);
	/* fwB imported with ACK, sent an INS_ACK; fwA released the packet */
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_INS], 1);
	assert_int_equal(V_pfsync_st.tx_msgs[PFSYNC_ACT_INS_ACK], 1);
	assert_int_equal(net->fw[1].rx_data, 1);
	assert_true(net->fw[1].rx_data_t - t0 < 5 * NS_PER_MS);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsync_st.defer_held, 1);
	assert_int_equal(V_pfsync_st.defer_acked, 1);
	assert_int_equal(V_pfsync_st.defer_timeout, 0);
	assert_int_equal(V_pfsyncif->sc_deferred, 0);
	assert_false(ISSET(st->state_flags, PFSTATE_ACK));
	/* nothing more comes out later */
	tnet_run(net, t0 + 500 * NS_PER_MS);
	assert_int_equal(net->fw[1].rx_data, 1);
	tnet_destroy(net);
}

static void
test_defer_timeout(void **unused)
{
	struct tnet *net = setup(2, 128);
	simtime_t t0;

	(void)unused;
	tnet_run(net, NS_PER_SEC);
	t0 = tnet_now(net);
	defer_one(net, 1);
	/* no flush and no ack: the packet waits 10 ticks */
	tnet_run(net, t0 + 89 * NS_PER_MS);
	assert_int_equal(net->fw[1].rx_data, 0);
	tnet_run(net, t0 + 101 * NS_PER_MS);
	assert_int_equal(net->fw[1].rx_data, 1);
	assert_true(net->fw[1].rx_data_t - t0 > 90 * NS_PER_MS);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsync_st.defer_timeout, 1);
	assert_int_equal(V_pfsync_st.defer_acked, 0);
	/* the INS itself still waits for the 1 s timer */
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_INS], 0);
	tnet_run(net, t0 + 1100 * NS_PER_MS);
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_INS], 1);
	tnet_destroy(net);
}

static void
test_defer_other_releases(void **unused)
{
	struct tnet *net = setup(2, 128);
	struct pf_state *st, *first;
	struct mbuf *m;
	int s, i;

	(void)unused;
	/* a local packet for the state releases it (transmitted) */
	st = defer_one(net, 1);
	local_update(st);
	assert_int_equal(V_pfsync_st.defer_local, 1);
	assert_int_equal(V_pfsyncif->sc_deferred, 0);

	/* unlinking the state drops it */
	st = defer_one(net, 2);
	s = splsoftnet();
	pf_unlink_state(st);
	splx(s);
	assert_int_equal(V_pfsync_st.defer_dropped, 1);
	assert_int_equal(V_pfsyncif->sc_deferred, 0);

	/* the 129th sends the oldest */
	first = defer_one(net, 100);
	for (i = 1; i < 128; i++)
		defer_one(net, 100 + i);
	assert_int_equal(V_pfsyncif->sc_deferred, 128);
	defer_one(net, 300);
	assert_int_equal(V_pfsyncif->sc_deferred, 128);
	assert_int_equal(V_pfsync_st.defer_overflow, 1);
	assert_false(ISSET(first->state_flags, PFSTATE_ACK));

	/* pfsync.defer = no: nothing is held */
	V_pfsyncif->sc_defer = 0;
	s = splsoftnet();
	st = tstate_new(400);
	m = tdata_mbuf(1, 2);
	assert_int_equal(pfsync_defer(st, m), 0);
	m_freem(m);		/* pf would have sent it */
	splx(s);
	/*
	 * sent: the local release, the oldest, then the other 128: acked,
	 * since full packets carried their INS to fwB at once (5 per
	 * packet), or by the timeout for an INS still queued.
	 */
	tnet_run(net, tnet_now(net) + 200 * NS_PER_MS);
	assert_int_equal(net->fw[1].rx_data, 1 + 1 + 128);
	assert_int_equal(V_pfsync_st.defer_acked + V_pfsync_st.defer_timeout,
	    128);
	assert_true(V_pfsync_st.defer_acked >= 120);
	tnet_destroy(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_next_pass),
		cmocka_unit_test(test_nonsplit_timer),
		cmocka_unit_test(test_maxupdates),
		cmocka_unit_test(test_defer_iack),
		cmocka_unit_test(test_defer_timeout),
		cmocka_unit_test(test_defer_other_releases),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
