/*
 * pfsync v5 bulk updates: a joining peer asks (UPD_REQ 0/0, as 4.5 does
 * when configured), the other sends BUS START, every state, BUS END, and
 * the joiner marks itself ok; a lone peer gives up after 12 retries; the
 * seed's burst overflows a normal send queue (counted), bulk_pace = tick
 * does not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/pfsync/harness.h"

static struct pfsync_config
conf(int bulk_on_up, enum pfsync_bulk_pace pace)
{
	struct pfsync_config c;

	pfsync_config_default(&c);
	c.bulk_on_up = bulk_on_up;
	c.bulk_pace = pace;
	return (c);
}

/* fwA with n local states, everything announced; fwB without pfsync. */
static struct tnet *
table(u_int32_t n, int ifq, enum pfsync_bulk_pace pace)
{
	struct pfsync_config c = conf(0, pace);
	struct tnet *net;
	u_int32_t i;
	int s;

	net = tnet_create(2, 20000, ifq);
	tnet_pfsync(net, 0, &c);
	tnet_enter(net, 0);
	for (i = 0; i < n; i++) {
		/* a few at a time: the INS packets drain meanwhile */
		if (i % 250 == 0)
			tnet_run(net, tnet_now(net) + 5 * NS_PER_MS);
		s = splsoftnet();
		tstate_new(i);
		splx(s);
	}
	tnet_run(net, tnet_now(net) + 2 * NS_PER_SEC);
	assert_int_equal(V_pf_status.states, n);
	assert_int_equal(V_pfsyncstats.pfsyncs_oerrors, 0);
	tfw_cap_clear(&net->fw[0]);
	return (net);
}

/* Does a captured frame carry a BUS record with this status? */
static int
has_bus(const struct tcap *c, int status)
{
	static const int msz[PFSYNC_ACT_MAX] = {
		20, 240, 12, 240, 84, 12, 240, 12, 0, 0, 12, 48, 20 };
	const u_int8_t *ip = tcap_ip(c);
	int len = rd16(ip + 2), off = 40;

	while (off + 4 <= len) {
		if (ip[off] == PFSYNC_ACT_BUS && ip[off + 4 + 8] == status)
			return (1);
		if (ip[off] == PFSYNC_ACT_EOF)
			break;
		off += 4 + rd16(ip + off + 2) * msz[ip[off]];
	}
	return (0);
}

static void
test_bulk_10k(void **unused)
{
	struct tnet *net = table(10000, 4096, PFSYNC_PACE_BURST);
	struct pfsync_config c = conf(1, PFSYNC_PACE_BURST);
	struct tfw *a = &net->fw[0];
	struct pf_state *st, *bst;
	int i, s, n;

	(void)unused;
	tnet_pfsync(net, 1, &c);	/* fwB joins: asks for a bulk */
	assert_int_equal(V_pfsync_sync_ok, 0);
	tnet_run(net, tnet_now(net) + 8 * NS_PER_SEC);

	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.bulk_req_sent, 1);
	assert_int_equal(V_pfsync_st.bulk_start_rcvd, 1);
	assert_int_equal(V_pfsync_st.bulk_end_rcvd, 1);
	assert_int_equal(V_pfsync_st.bulk_done, 1);
	assert_int_equal(V_pfsync_st.bulk_retries, 0);
	assert_int_equal(V_pfsync_sync_ok, 1);
	assert_true(pfsync_sync_ok(curvnet));
	assert_int_equal(V_pf_status.states, 10000);
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_UPD], 10000);
	assert_true(V_pfsync_st.bulk_time_ns < NS_PER_SEC);

	tnet_enter(net, 0);
	assert_int_equal(V_pfsync_st.bulk_req_received, 1);
	assert_int_equal(V_pfsync_st.bulk_states_sent, 10000);
	assert_int_equal(V_pfsync_st.bulk_start_sent, 1);
	assert_int_equal(V_pfsync_st.bulk_end_sent, 1);
	assert_int_equal(V_pfsyncstats.pfsyncs_oerrors, 0);
	/*
	 * START alone first (nothing was pending), then 5 full states per
	 * packet; END rides in the last one.
	 */
	n = a->ncap;
	assert_int_equal(n, 1 + 2000);
	assert_true(has_bus(&a->cap[0], PFSYNC_BUS_START));
	assert_true(has_bus(&a->cap[n - 1], PFSYNC_BUS_END));
	assert_int_equal(rd16(tcap_ip(&a->cap[1]) + 2), 1268);

	/* equal keys and windows on both sides */
	for (i = 0, st = TAILQ_FIRST(&V_state_list); st != NULL && i < 50;
	    st = TAILQ_NEXT(st, entry_list), i++) {
		u_int64_t id = st->id;
		u_int32_t cr = st->creatorid, sl = st->src.seqlo;
		u_int32_t dh = st->dst.seqhi, a0 = st->key[0]->addr[0].addr32[0];

		tnet_enter(net, 1);
		s = splsoftnet();
		bst = tstate_find(id, cr);
		splx(s);
		assert_non_null(bst);
		assert_int_equal(bst->src.seqlo, sl);
		assert_int_equal(bst->dst.seqhi, dh);
		assert_int_equal(bst->key[0]->addr[0].addr32[0], a0);
		tnet_enter(net, 0);
	}
	tnet_destroy(net);
}

static void
test_bulk_lone_peer(void **unused)
{
	struct pfsync_config c = conf(1, PFSYNC_PACE_BURST);
	struct tnet *net = tnet_create(1, 20000, 0);
	struct tfw *fw = &net->fw[0];
	const u_int8_t *ip;
	int i;

	(void)unused;
	tnet_pfsync(net, 0, &c);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsync_sync_ok, 0);
	tnet_run(net, 64 * NS_PER_SEC);
	assert_int_equal(V_pfsync_sync_ok, 0);
	assert_int_equal(V_pfsync_st.bulk_gave_up, 0);
	tnet_run(net, 70 * NS_PER_SEC);
	assert_int_equal(V_pfsync_st.bulk_retries, 12);
	assert_int_equal(V_pfsync_st.bulk_req_sent, 13);
	assert_int_equal(V_pfsync_st.bulk_gave_up, 1);
	assert_int_equal(V_pfsync_sync_ok, 1);
	assert_int_equal(fw->ncap, 13);
	for (i = 0; i < 13; i++) {
		ip = tcap_ip(&fw->cap[i]);
		assert_int_equal(ip[40], PFSYNC_ACT_UPD_REQ);
		assert_int_equal(rd16(ip + 42), 1);
		assert_int_equal(rd32(ip + 44) | rd32(ip + 48) |
		    rd32(ip + 52), 0);
		if (i > 0)
			assert_true(fw->cap[i].t - fw->cap[i - 1].t >
			    4990 * NS_PER_MS && fw->cap[i].t - fw->cap[i - 1].t <
			    5010 * NS_PER_MS);
	}
	tnet_destroy(net);
}

/* The seed's burst into a 256-deep send queue: END is lost, counted. */
static void
test_bulk_burst_overflow(void **unused)
{
	struct tnet *net = table(2000, 256, PFSYNC_PACE_BURST);
	struct pfsync_config c = conf(1, PFSYNC_PACE_BURST);

	(void)unused;
	tnet_pfsync(net, 1, &c);
	tnet_run(net, tnet_now(net) + 2 * NS_PER_SEC);
	tnet_enter(net, 0);
	assert_true(V_pfsyncstats.pfsyncs_oerrors > 100);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.bulk_start_rcvd, 1);
	assert_int_equal(V_pfsync_st.bulk_end_rcvd, 0);
	assert_int_equal(V_pfsync_sync_ok, 0);
	/* it keeps asking, and after 12 retries pretends all is well */
	tnet_run(net, tnet_now(net) + 80 * NS_PER_SEC);
	assert_int_equal(V_pfsync_st.bulk_gave_up, 1);
	assert_int_equal(V_pfsync_st.bulk_done, 0);
	assert_int_equal(V_pfsync_sync_ok, 1);
	tnet_destroy(net);
}

/* bulk_pace = tick: one packet per tick, no overflow, completes. */
static void
test_bulk_tick(void **unused)
{
	struct tnet *net = table(10000, 256, PFSYNC_PACE_TICK);
	struct pfsync_config c = conf(1, PFSYNC_PACE_TICK);

	(void)unused;
	tnet_pfsync(net, 1, &c);
	tnet_run(net, tnet_now(net) + 12 * NS_PER_SEC);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.bulk_done, 0);	/* ~20 s needed */
	assert_int_equal(V_pfsync_st.bulk_retries, 0);
	tnet_run(net, tnet_now(net) + 18 * NS_PER_SEC);
	assert_int_equal(V_pfsync_st.bulk_done, 1);
	assert_int_equal(V_pfsync_st.bulk_retries, 0);
	assert_int_equal(V_pf_status.states, 10000);
	assert_true(V_pfsync_st.bulk_time_ns > 19 * NS_PER_SEC &&
	    V_pfsync_st.bulk_time_ns < 21 * NS_PER_SEC);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsyncstats.pfsyncs_oerrors, 0);
	assert_int_equal(V_pfsync_st.bulk_states_sent, 10000);
	tnet_destroy(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_10k),
		cmocka_unit_test(test_bulk_lone_peer),
		cmocka_unit_test(test_bulk_burst_overflow),
		cmocka_unit_test(test_bulk_tick),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
