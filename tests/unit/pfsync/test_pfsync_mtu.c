/*
 * pfsync.mtu below one state (issue 15 item 7). The table refuses an MTU
 * that cannot hold a full state (308 = PFSYNC_MINPKT 64 + subheader 4 +
 * state 240); SIOCSIFMTU, as in the seed, takes anything over
 * PFSYNC_MINPKT, and there pfsync_in_bus with bulk_pace = tick counted
 * zero states per packet and divided by it (SIGFPE). At mtu 200 the
 * joiner now waits 4 s + one tick per state, and the bulk completes with
 * each state alone in a packet over the MTU, as pfsync_q_ins sends it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/pfsync/harness.h"

#define NSTATES		300
#define LIMIT		20000

static const struct section_type fw_type = {
	"firewall", true, true, pfsync_params
};
static const struct section_type *const types[] = { &fw_type, NULL };

static void
test_mtu_range(void **unused)
{
	struct conf *c;
	char err[256];

	(void)unused;
	assert_null(conf_parse("t.conf", "[firewall a]\npfsync.mtu = 200\n",
	    types, err, sizeof(err)));
	assert_non_null(strstr(err, "pfsync.mtu"));
	assert_null(conf_parse("t.conf", "[firewall a]\npfsync.mtu = 307\n",
	    types, err, sizeof(err)));
	assert_non_null(strstr(err, "pfsync.mtu"));
	c = conf_parse("t.conf", "[firewall a]\npfsync.mtu = 308\n", types,
	    err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(conf_int(conf_find(c, "firewall", "a"),
	    "pfsync.mtu"), 308);
	conf_free(c);
}

/* Both firewalls at mtu (through SIOCSIFMTU), bulk_pace = tick. */
static struct tnet *
small_mtu(int mtu)
{
	struct pfsync_config c;
	struct tnet *net;
	u_int32_t i;
	int s;

	pfsync_config_default(&c);
	c.bulk_on_up = 0;
	c.bulk_pace = PFSYNC_PACE_TICK;
	c.mtu = mtu;
	net = tnet_create(2, LIMIT, 256);
	tnet_pfsync(net, 0, &c);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsyncif->sc_if.if_mtu, mtu);
	for (i = 0; i < NSTATES; i++) {
		if (i % 50 == 0)
			tnet_run(net, tnet_now(net) + 5 * NS_PER_MS);
		s = splsoftnet();
		tstate_new(i);
		splx(s);
	}
	tnet_run(net, tnet_now(net) + 2 * NS_PER_SEC);
	assert_int_equal(V_pf_status.states, NSTATES);
	tfw_cap_clear(&net->fw[0]);

	c.bulk_on_up = 1;
	tnet_pfsync(net, 1, &c);	/* fwB joins: asks for a bulk */
	return (net);
}

static void
test_bulk_tick_mtu_200(void **unused)
{
	struct tnet *net = small_mtu(200);
	struct tfw *a = &net->fw[0];
	int i, left, nstate;

	(void)unused;
	tnet_enter(net, 1);
	while (V_pfsync_st.bulk_start_rcvd == 0 &&
	    tnet_now(net) < 10 * NS_PER_SEC) {
		tnet_run(net, tnet_now(net) + NS_PER_MS);
		tnet_enter(net, 1);
	}
	assert_int_equal(V_pfsync_st.bulk_start_rcvd, 1);
	/* one state per packet: the wait is 4 s + LIMIT ticks */
	left = V_pfsyncif->sc_bulkfail_tmo.to_time - ticks;
	assert_true(left > 4 * hz + LIMIT - 2 && left <= 4 * hz + LIMIT);

	tnet_run(net, tnet_now(net) + (NSTATES / hz + 2) * NS_PER_SEC);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.bulk_done, 1);
	assert_int_equal(V_pfsync_st.bulk_retries, 0);
	assert_int_equal(V_pf_status.states, NSTATES);
	assert_true(V_pfsync_st.bulk_time_ns > (NSTATES - 5) * NS_PER_SEC /
	    hz && V_pfsync_st.bulk_time_ns < (NSTATES + 20) * NS_PER_SEC / hz);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsync_st.bulk_states_sent, NSTATES);
	assert_int_equal(V_pfsyncstats.pfsyncs_oerrors, 0);
	/* each state went alone, in a packet over pfsync0's MTU */
	for (i = nstate = 0; i < a->ncap; i++) {
		const u_int8_t *ip = tcap_ip(&a->cap[i]);

		if (ip[40] != PFSYNC_ACT_UPD)
			continue;
		assert_int_equal(rd16(ip + 42), 1);
		assert_int_equal(rd16(ip + 2), PFSYNC_MINPKT +
		    sizeof(struct pfsync_subheader) +
		    sizeof(struct pfsync_state));
		nstate++;
	}
	assert_int_equal(nstate, NSTATES);
	tnet_destroy(net);
}

/* The table's smallest MTU: one state per packet within the MTU. */
static void
test_bulk_tick_mtu_min(void **unused)
{
	struct tnet *net = small_mtu(308);
	int left;

	(void)unused;
	tnet_enter(net, 1);
	while (V_pfsync_st.bulk_start_rcvd == 0 &&
	    tnet_now(net) < 10 * NS_PER_SEC) {
		tnet_run(net, tnet_now(net) + NS_PER_MS);
		tnet_enter(net, 1);
	}
	left = V_pfsyncif->sc_bulkfail_tmo.to_time - ticks;
	assert_true(left > 4 * hz + LIMIT - 2 && left <= 4 * hz + LIMIT);
	tnet_run(net, tnet_now(net) + (NSTATES / hz + 2) * NS_PER_SEC);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.bulk_done, 1);
	assert_int_equal(V_pf_status.states, NSTATES);
	tnet_destroy(net);
}

/* At 1500 bytes, five states a packet: the seed's wait, by 5. */
static void
test_bulk_tick_mtu_1500(void **unused)
{
	struct tnet *net = small_mtu(1500);
	int left;

	(void)unused;
	tnet_enter(net, 1);
	while (V_pfsync_st.bulk_start_rcvd == 0 &&
	    tnet_now(net) < 10 * NS_PER_SEC) {
		tnet_run(net, tnet_now(net) + NS_PER_MS);
		tnet_enter(net, 1);
	}
	left = V_pfsyncif->sc_bulkfail_tmo.to_time - ticks;
	assert_true(left > 4 * hz + LIMIT / 5 - 2 &&
	    left <= 4 * hz + LIMIT / 5);
	tnet_destroy(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mtu_range),
		cmocka_unit_test(test_bulk_tick_mtu_200),
		cmocka_unit_test(test_bulk_tick_mtu_min),
		cmocka_unit_test(test_bulk_tick_mtu_1500),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
