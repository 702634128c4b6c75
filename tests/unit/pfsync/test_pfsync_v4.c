/*
 * pfsync v4 (rev 1.102) and v4-split: every send trigger of the v4
 * reference (timer, maxupdates, full packet, action switch, CLR at once,
 * answers and stale echoes after an input packet, bulk), the v4 wire
 * format, deletes of own states only, and v4-split's immediate updates
 * and insert-ack deferral.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/pfsync/harness.h"

static struct tnet *
setup(enum pfsync_version ver, int maxupdates)
{
	struct pfsync_config c;
	struct tnet *net;

	net = tnet_create(2, 20000, 0);
	pfsync_config_default(&c);
	c.version = ver;
	c.bulk_on_up = 0;
	c.maxupdates = maxupdates;
	tnet_pfsync(net, 0, &c);
	tnet_pfsync(net, 1, &c);
	tnet_enter(net, 0);
	return (net);
}

static struct pf_state *
mk(u_int32_t n)
{
	struct pf_state *st;
	int s = splsoftnet();

	st = tstate_new(n);
	splx(s);
	return (st);
}

static void
upd(struct pf_state *st)
{
	int s = splsoftnet();

	V_pfsync_update_state_ptr(st);
	splx(s);
}

/* v4 header fields of captured frame k of firewall i */
#define V4ACT(net, i, k)	(tcap_ip(&(net)->fw[i].cap[k])[22])
#define V4CNT(net, i, k)	(tcap_ip(&(net)->fw[i].cap[k])[23])
#define V4LEN(net, i, k)	(rd16(tcap_ip(&(net)->fw[i].cap[k]) + 2))

static void
test_v4_timer_and_wire(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4, 128);
	struct pf_state *st, *b;
	const u_int8_t *ip;
	simtime_t t0 = tnet_now(net);

	(void)unused;
	st = mk(1);
	assert_int_equal(net->fw[0].ncap, 0);
	tnet_run(net, t0 + 980 * NS_PER_MS);
	assert_int_equal(net->fw[0].ncap, 0);
	tnet_run(net, t0 + 1010 * NS_PER_MS);
	assert_int_equal(net->fw[0].ncap, 1);
	ip = tcap_ip(&net->fw[0].cap[0]);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[8], 255);
	assert_int_equal(ip[9], 240);
	assert_int_equal(rd32(ip + 16), 0xe00000f0);
	assert_int_equal(rd16(ip + 2), 20 + 20 + 240);
	assert_int_equal(ip[20], 4);			/* version */
	assert_int_equal(ip[21], 0);			/* af */
	assert_int_equal(ip[22], PFSYNC4_ACT_INS);
	assert_int_equal(ip[23], 1);			/* count */
	assert_memory_equal(ip + 24, V_pf_status.pf_chksum, 16);
	assert_memory_equal(ip + 40, &st->id, 8);
	assert_int_equal(rd32(ip + 40 + 96 + 8), 1001);	/* src.seqlo */
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_TIMER], 1);
	b = tstate_find(st->id, st->creatorid);
	tnet_enter(net, 1);
	b = tstate_find(st->id, st->creatorid);
	assert_non_null(b);
	assert_int_equal(b->src.seqlo, 1001);
	assert_int_equal(b->sync_flags, 0);	/* FROMSYNC cleared */
	/* no echo of the insert */
	tnet_run(net, t0 + 3 * NS_PER_SEC);
	assert_int_equal(net->fw[1].ncap, 0);
	tnet_destroy(net);
}

static void
test_v4_action_switch(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4, 128);
	struct pf_state *st, *b;
	simtime_t t0 = tnet_now(net);

	(void)unused;
	st = mk(1);
	upd(st);	/* an UPD after an INS: the INS packet leaves now */
	assert_int_equal(net->fw[0].ncap, 1);
	assert_int_equal(V4ACT(net, 0, 0), PFSYNC4_ACT_INS);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_SWITCH], 1);
	/* the UPD goes out with the timer, as its compressed shadow */
	st->src.seqlo += 500;
	upd(st);
	tnet_run(net, t0 + 1010 * NS_PER_MS);
	assert_int_equal(net->fw[0].ncap, 2);
	assert_int_equal(V4ACT(net, 0, 1), PFSYNC4_ACT_UPD_C);
	assert_int_equal(V4CNT(net, 0, 1), 1);
	assert_int_equal(V4LEN(net, 0, 1), 20 + 20 + 88);
	/* the duplicate was merged: one record, updates = 1 */
	assert_int_equal(tcap_ip(&net->fw[0].cap[1])[40 + 81], 1);
	tnet_enter(net, 1);
	b = tstate_find(st->id, st->creatorid);
	assert_int_equal(b->src.seqlo, st->src.seqlo);
	tnet_destroy(net);
}

static void
test_v4_full_and_maxupdates(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4, 3);
	struct pf_state *st[7];
	int i;

	(void)unused;
	/* 6 full records per 1500-byte packet: the 6th sends */
	for (i = 0; i < 5; i++)
		st[i] = mk(i);
	assert_int_equal(net->fw[0].ncap, 0);
	st[5] = mk(5);
	assert_int_equal(net->fw[0].ncap, 1);
	assert_int_equal(V4CNT(net, 0, 0), 6);
	assert_int_equal(V4LEN(net, 0, 0), 20 + 20 + 6 * 240);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_FULL], 1);

	/* maxupdates 3: the 4th update of one record sends */
	upd(st[0]);		/* new record, updates 0 */
	upd(st[0]);
	upd(st[0]);
	assert_int_equal(net->fw[0].ncap, 1);
	upd(st[0]);		/* updates 3 */
	assert_int_equal(net->fw[0].ncap, 2);
	assert_int_equal(V4ACT(net, 0, 1), PFSYNC4_ACT_UPD_C);
	assert_int_equal(V4CNT(net, 0, 1), 1);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_MAXUPD], 1);
	tnet_destroy(net);

	/* maxupdates 0: no merging, every update is a record of its own */
	net = setup(PFSYNC_V4, 0);
	st[0] = mk(0);
	upd(st[0]);		/* switch: the INS leaves */
	for (i = 0; i < 5; i++)
		upd(st[0]);
	assert_int_equal(net->fw[0].ncap, 2);
	assert_int_equal(V4CNT(net, 0, 1), 6);
	tnet_destroy(net);
}

static void
test_v4_clear(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4, 128);
	struct pf_state *st1, *st2;
	const u_int8_t *ip;
	int s;

	(void)unused;
	st1 = mk(1);
	st2 = mk(2);
	s = splsoftnet();
	V_pfsync_clear_states_ptr(V_pf_status.hostid, NULL);
	splx(s);
	/* the pending INS first, then the CLR, both at once */
	assert_int_equal(net->fw[0].ncap, 2);
	assert_int_equal(V4ACT(net, 0, 0), PFSYNC4_ACT_INS);
	assert_int_equal(V4CNT(net, 0, 0), 2);
	ip = tcap_ip(&net->fw[0].cap[1]);
	assert_int_equal(ip[22], PFSYNC4_ACT_CLR);
	assert_int_equal(ip[23], 0);		/* 1.102 leaves count 0 */
	assert_int_equal(rd16(ip + 2), 20 + 20 + 24);
	assert_memory_equal(ip + 40 + 16, &V_pf_status.hostid, 4);
	tnet_run(net, tnet_now(net) + 10 * NS_PER_MS);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_INS], 2);
	assert_null(tstate_find(st1->id, st1->creatorid));
	assert_null(tstate_find(st2->id, st2->creatorid));
	tnet_destroy(net);
}

static void
test_v4_request_unicast(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4, 128);
	struct pf_state *st, *b;
	const u_int8_t *ip;

	(void)unused;
	net->fw[1].deliver = 0;
	st = mk(1);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	net->fw[1].deliver = 1;
	tnet_enter(net, 0);
	st->src.seqlo += 10;
	upd(st);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	/* fwB asked fwA itself (unicast), right after the packet */
	assert_int_equal(net->fw[1].ncap, 1);
	ip = tcap_ip(&net->fw[1].cap[0]);
	assert_int_equal(ip[22], PFSYNC4_ACT_UREQ);
	assert_int_equal(rd32(ip + 16), 0x0a000001);
	/* fwA answered with a full UPD at once */
	assert_int_equal(V4ACT(net, 0, net->fw[0].ncap - 1), PFSYNC4_ACT_UPD);
	tnet_enter(net, 1);
	b = tstate_find(st->id, st->creatorid);
	assert_non_null(b);
	assert_int_equal(b->src.seqlo, st->src.seqlo);
	tnet_destroy(net);
}

static void
test_v4_stale_echo(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4, 128);
	struct pf_state *st, *b;
	const u_int8_t *ip;
	int n;

	(void)unused;
	st = mk(1);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	tnet_enter(net, 1);
	b = tstate_find(st->id, st->creatorid);
	b->src.seqlo = st->src.seqlo + 1000;	/* fwB is ahead */
	tnet_enter(net, 0);
	upd(st);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	/* fwB echoed a full UPD marked STALE, right away */
	assert_int_equal(net->fw[1].ncap, 1);
	ip = tcap_ip(&net->fw[1].cap[0]);
	assert_int_equal(ip[22], PFSYNC4_ACT_UPD);
	assert_int_equal(ip[40 + 238], PFSTATE_V4_STALE);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.stale[3], 1);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_INPUT], 1);
	tnet_enter(net, 0);
	assert_int_equal(st->src.seqlo, b->src.seqlo);
	/* a STALE-marked record that is stale here is not echoed again */
	n = net->fw[0].ncap;
	tnet_enter(net, 1);
	b->src.seqlo -= 500;
	{
		int s = splsoftnet();

		pfsync4_pack_state(PFSYNC4_ACT_UPD, b, PFSYNC4_FLAG_STALE);
		splx(s);
	}
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsync_st.stale[3], 1);
	assert_int_equal(net->fw[0].ncap, n);
	tnet_destroy(net);
}

static void
test_v4_bulk(void **unused)
{
	struct pfsync_config c;
	struct tnet *net = tnet_create(2, 20000, 0);
	int i;

	(void)unused;
	pfsync_config_default(&c);
	c.version = PFSYNC_V4;
	c.bulk_on_up = 0;
	tnet_pfsync(net, 0, &c);
	tnet_enter(net, 0);
	for (i = 0; i < 20; i++)
		mk(i);
	tnet_run(net, 2 * NS_PER_SEC);
	tfw_cap_clear(&net->fw[0]);
	c.bulk_on_up = 1;
	tnet_pfsync(net, 1, &c);	/* UREQ 0/0 sent at once */
	assert_int_equal(net->fw[1].ncap, 1);
	assert_int_equal(V4ACT(net, 1, 0), PFSYNC4_ACT_UREQ);
	tnet_run(net, 6 * NS_PER_SEC);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.bulk_done, 1);
	assert_int_equal(V_pfsync_sync_ok, 1);
	assert_int_equal(V_pf_status.states, 20);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsync_st.bulk_states_sent, 20);
	/* BUS START, then 6 states per tick from 1 s on, BUS END */
	assert_int_equal(V4ACT(net, 0, 0), PFSYNC4_ACT_BUS);
	for (i = 1; i <= 4; i++)
		assert_int_equal(V4ACT(net, 0, i), PFSYNC4_ACT_UPD);
	assert_int_equal(V4CNT(net, 0, 1), 6);
	assert_int_equal(V4CNT(net, 0, 4), 2);
	assert_int_equal(V4ACT(net, 0, 5), PFSYNC4_ACT_BUS);
	assert_true(net->fw[0].cap[1].t - net->fw[0].cap[0].t >
	    990 * NS_PER_MS);
	assert_true(net->fw[0].cap[2].t - net->fw[0].cap[1].t <
	    11 * NS_PER_MS);
	tnet_destroy(net);
}

static void
test_v4_deletes_own_only(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4, 128);
	struct pf_state *a1, *a2, *b;
	u_int64_t id;
	u_int32_t cr;
	int s, n;

	(void)unused;
	a1 = mk(1);
	a2 = mk(2);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	/* fwB unlinks fwA's state: v4 announces nothing */
	tnet_enter(net, 1);
	n = net->fw[1].ncap;
	b = tstate_find(a1->id, a1->creatorid);
	s = splsoftnet();
	pf_unlink_state(b);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	assert_int_equal(net->fw[1].ncap, n);
	/* fwA unlinks its own: DEL_C (16 bytes), fwB follows */
	tnet_enter(net, 0);
	id = a2->id;
	cr = a2->creatorid;
	s = splsoftnet();
	pf_unlink_state(a2);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	assert_int_equal(V4ACT(net, 0, net->fw[0].ncap - 1),
	    PFSYNC4_ACT_DEL_C);
	assert_int_equal(V4LEN(net, 0, net->fw[0].ncap - 1), 20 + 20 + 16);
	tnet_enter(net, 1);
	assert_null(tstate_find(id, cr));
	tnet_destroy(net);
}

static void
test_version_mismatch(void **unused)
{
	struct pfsync_config c;
	struct tnet *net = tnet_create(2, 20000, 0);

	(void)unused;
	pfsync_config_default(&c);
	c.bulk_on_up = 0;
	tnet_pfsync(net, 0, &c);		/* v5 */
	c.version = PFSYNC_V4;
	tnet_pfsync(net, 1, &c);		/* v4 */
	tnet_enter(net, 0);
	mk(1);
	tnet_enter(net, 1);
	mk(2);
	tnet_run(net, 2 * NS_PER_SEC);
	assert_int_equal(V_pfsyncstats.pfsyncs_badver, 1);
	assert_int_equal(V_pf_status.states, 1);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsyncstats.pfsyncs_badver, 1);
	assert_string_equal(pfsync_version_name(net->fw[1].v), "v4");
	tnet_destroy(net);
}

static void
test_v4split_immediate(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4_SPLIT, 128);
	struct pf_state *st, *b;
	int i, n;

	(void)unused;
	st = mk(1);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	/* fwA's own state is not split: an update waits (timer) */
	upd(st);
	assert_int_equal(net->fw[0].ncap, 1);	/* the INS only */
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	/* fwB heard of it 1 s ago: split; every update leaves at once */
	tnet_enter(net, 1);
	b = tstate_find(st->id, st->creatorid);
	n = net->fw[1].ncap;
	for (i = 0; i < 5; i++) {
		b->dst.seqlo += 100;
		upd(b);
		assert_int_equal(net->fw[1].ncap, n + i + 1);
		assert_int_equal(V4ACT(net, 1, n + i), PFSYNC4_ACT_UPD);
	}
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_SPLIT], 5);
	tnet_run(net, tnet_now(net) + 10 * NS_PER_MS);
	/* fwA now hears updates, so its own updates leave at once too */
	tnet_enter(net, 0);
	assert_int_equal(st->dst.seqlo, b->dst.seqlo);
	n = net->fw[0].ncap;
	st->src.seqlo += 1;
	upd(st);
	assert_int_equal(net->fw[0].ncap, n + 1);
	/* after 4 s without news from fwB it is not split any more */
	tnet_run(net, tnet_now(net) + 4100 * NS_PER_MS);
	n = net->fw[0].ncap;
	upd(st);
	assert_int_equal(net->fw[0].ncap, n);
	tnet_destroy(net);
}

static void
test_v4split_defer_iack(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4_SPLIT, 128);
	struct pf_state *st;
	simtime_t t0;
	int s;

	(void)unused;
	tnet_run(net, NS_PER_SEC);
	t0 = tnet_now(net);
	assert_int_equal(V_pfsync_up_ptr(), 1);
	s = splsoftnet();
	st = tstate_new(1);
	assert_int_equal(V_pfsync_defer_ptr(st, tdata_mbuf(0x0a000001,
	    0x0a000002)), 1);
	splx(s);
	/* the INS left at once, asking for an ack */
	assert_int_equal(net->fw[0].ncap, 1);
	assert_int_equal(V4ACT(net, 0, 0), PFSYNC4_ACT_INS);
	assert_true(tcap_ip(&net->fw[0].cap[0])[40 + 236] & PFSTATE_ACK);
	tnet_run(net, t0 + 5 * NS_PER_MS);
	assert_int_equal(net->fw[1].ncap, 1);
	assert_int_equal(V4ACT(net, 1, 0), PFSYNC4_ACT_IACK);
	assert_int_equal(net->fw[1].rx_data, 1);
	assert_int_equal(V_pfsync_st.defer_acked, 1);
	assert_false(ISSET(st->state_flags, PFSTATE_ACK));
	tnet_enter(net, 1);
	st = TAILQ_FIRST(&V_state_list);
	assert_false(ISSET(st->state_flags, PFSTATE_ACK));
	tnet_destroy(net);

	/* plain v4 holds nothing */
	net = setup(PFSYNC_V4, 128);
	s = splsoftnet();
	st = tstate_new(1);
	assert_int_equal(V_pfsync_defer_ptr(st, NULL), 0);
	splx(s);
	tnet_destroy(net);
}

/* pfsync.merge applies to v4 too: field merge takes each newer field. */
static void
test_v4_merge_field(void **unused)
{
	struct tnet *net = setup(PFSYNC_V4, 128);
	struct pf_state *st, *b;
	const u_int8_t *ip;

	(void)unused;
	tnet_enter(net, 0);
	V_pfsync->pv_conf.merge = PFSYNC_MERGE_FIELD;
	tnet_enter(net, 1);
	V_pfsync->pv_conf.merge = PFSYNC_MERGE_FIELD;
	tnet_enter(net, 0);
	st = mk(1);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	tnet_enter(net, 1);
	b = tstate_find(st->id, st->creatorid);
	b->src.seqhi = 70001 + 4000;		/* fwB: newer seqhi */
	tnet_enter(net, 0);
	st->src.seqlo = 1001 + 2000;		/* fwA: newer seqlo */
	upd(st);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.stale[9], 1);
	assert_int_equal(b->src.seqlo, 1001 + 2000);
	assert_int_equal(b->src.seqhi, 70001 + 4000);
	/* the echo is marked STALE and brings fwA the newer seqhi */
	ip = tcap_ip(&net->fw[1].cap[net->fw[1].ncap - 1]);
	assert_int_equal(ip[22], PFSYNC4_ACT_UPD);
	assert_int_equal(ip[40 + 238], PFSTATE_V4_STALE);
	tnet_enter(net, 0);
	assert_int_equal(st->src.seqhi, 70001 + 4000);
	assert_int_equal(st->src.seqlo, 1001 + 2000);
	assert_int_equal(V_pfsync_st.stale[9] + V_pfsync_st.stale[10], 0);
	tnet_destroy(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_timer_and_wire),
		cmocka_unit_test(test_v4_action_switch),
		cmocka_unit_test(test_v4_full_and_maxupdates),
		cmocka_unit_test(test_v4_clear),
		cmocka_unit_test(test_v4_request_unicast),
		cmocka_unit_test(test_v4_stale_echo),
		cmocka_unit_test(test_v4_bulk),
		cmocka_unit_test(test_v4_deletes_own_only),
		cmocka_unit_test(test_version_mismatch),
		cmocka_unit_test(test_v4split_immediate),
		cmocka_unit_test(test_v4split_defer_iack),
		cmocka_unit_test(test_v4_merge_field),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
