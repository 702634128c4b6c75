/*
 * Two v5 firewalls on one sync net: inserts, updates, deletes and a clear
 * propagate; an update for an unknown state is asked for and answered;
 * a stale update is echoed; a split state (fresh peer update) leaves in
 * the next softnet pass; export -> import gives back an equal state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/pfsync/harness.h"

static struct tnet *
setup(enum pfsync_merge merge)
{
	struct pfsync_config c;
	struct tnet *net;

	net = tnet_create(2, 20000, 0);
	pfsync_config_default(&c);
	c.merge = merge;
	tnet_pfsync(net, 0, &c);
	tnet_pfsync(net, 1, &c);
	/* both asked for a bulk at boot; the other answered with an empty one */
	tnet_run(net, NS_PER_SEC);
	tnet_enter(net, 0);
	assert_int_equal(V_pfsync_sync_ok, 1);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_sync_ok, 1);
	tnet_enter(net, 0);
	return (net);
}

/* The same state on firewall i, found by fwA's id. */
static struct pf_state *
on(struct tnet *net, int i, struct pf_state *st)
{
	u_int64_t id = st->id;
	u_int32_t cr = st->creatorid;

	tnet_enter(net, i);
	return (tstate_find(id, cr));
}

static void
assert_peer_equal(const struct pf_state_peer *a, const struct pf_state_peer *b)
{
	assert_int_equal(a->seqlo, b->seqlo);
	assert_int_equal(a->seqhi, b->seqhi);
	assert_int_equal(a->seqdiff, b->seqdiff);
	assert_int_equal(a->max_win, b->max_win);
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->wscale, b->wscale);
}

static void
assert_state_equal(const struct pf_state *a, const struct pf_state *b)
{
	int i;

	for (i = 0; i < 2; i++) {
		assert_memory_equal(&a->key[i]->addr, &b->key[i]->addr,
		    sizeof(a->key[i]->addr));
		assert_memory_equal(&a->key[i]->port, &b->key[i]->port,
		    sizeof(a->key[i]->port));
		assert_int_equal(a->key[i]->af, b->key[i]->af);
		assert_int_equal(a->key[i]->proto, b->key[i]->proto);
	}
	assert_peer_equal(&a->src, &b->src);
	assert_peer_equal(&a->dst, &b->dst);
	assert_int_equal(a->direction, b->direction);
	assert_int_equal(a->timeout, b->timeout);
	assert_int_equal(a->log, b->log);
	/* creation is local wall time; each firewall's clock differs */
	/* packets/bytes travel but 4.5's import does not take them */
	assert_string_equal(a->kif->pfik_name, b->kif->pfik_name);
}

static void
test_insert_update_delete(void **unused)
{
	struct tnet *net = setup(PFSYNC_MERGE_SEED);
	struct pf_state *st[3], *b;
	simtime_t t0;
	u_int64_t id;
	u_int32_t cr;
	int i, s;

	(void)unused;
	t0 = tnet_now(net);
	s = splsoftnet();
	for (i = 0; i < 3; i++)
		st[i] = tstate_new(i);
	splx(s);
	tnet_run(net, t0 + 1100 * NS_PER_MS);
	for (i = 0; i < 3; i++) {
		b = on(net, 1, st[i]);
		assert_non_null(b);
		assert_state_equal(st[i], b);
		/* imported: not queued, remembered as just synced */
		assert_int_equal(b->sync_state, PFSYNC_S_NONE);
		assert_int_equal(b->pfsync_time, (u_int32_t)time_second);
	}
	/* fwB does not echo the insert */
	assert_int_equal(V_pfsync_st.tx_msgs[PFSYNC_ACT_INS], 0);

	/* fwA's window moves: an UPD_C with the 1 s timer */
	tnet_enter(net, 0);
	st[0]->src.seqlo += 3000;
	st[0]->dst.seqhi += 7000;
	st[0]->src.state = TCPS_FIN_WAIT_1;
	s = splsoftnet();
	pfsync_update_state(st[0]);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	b = on(net, 1, st[0]);
	assert_peer_equal(&st[0]->src, &b->src);
	assert_peer_equal(&st[0]->dst, &b->dst);
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_UPD_C], 1);

	/* fwA unlinks a state: DEL_C, fwB unlinks it too (no echo) */
	tnet_enter(net, 0);
	id = st[1]->id;		/* st[1] may be freed by pf's purge */
	cr = st[1]->creatorid;
	s = splsoftnet();
	pf_unlink_state(st[1]);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	tnet_enter(net, 1);
	assert_null(tstate_find(id, cr));
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_DEL_C], 1);
	assert_int_equal(V_pfsync_st.tx_msgs[PFSYNC_ACT_DEL_C], 0);
	assert_non_null(on(net, 1, st[2]));
	tnet_destroy(net);
}

static void
test_clear(void **unused)
{
	struct tnet *net = setup(PFSYNC_MERGE_SEED);
	struct pf_state *st[4], *own;
	u_int32_t hostid;
	int i, s;

	(void)unused;
	s = splsoftnet();
	for (i = 0; i < 4; i++)
		st[i] = tstate_new(i);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	/* fwB's own state survives fwA's clear */
	tnet_enter(net, 1);
	s = splsoftnet();
	own = tstate_new(100);
	splx(s);
	tnet_enter(net, 0);
	assert_non_null(on(net, 1, st[3]));
	assert_int_equal(V_pf_status.states, 5);

	tnet_enter(net, 0);
	hostid = V_pf_status.hostid;
	s = splsoftnet();
	pfsync_clear_states(hostid, NULL);	/* sent at once */
	splx(s);
	tnet_run(net, tnet_now(net) + 10 * NS_PER_MS);
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_CLR], 1);
	for (i = 0; i < 4; i++)
		assert_null(on(net, 1, st[i]));
	assert_non_null(tstate_find(own->id, own->creatorid));
	/* the unlinks were NOSYNC: no DEL_C went back */
	assert_int_equal(V_pfsyncif->sc_len, PFSYNC_MINPKT + 4 + 240);
	tnet_destroy(net);
}

static void
test_unknown_state_request(void **unused)
{
	struct tnet *net = setup(PFSYNC_MERGE_SEED);
	struct pf_state *st, *b;
	int s;

	(void)unused;
	/* fwB misses the insert */
	net->fw[1].deliver = 0;
	s = splsoftnet();
	st = tstate_new(1);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	net->fw[1].deliver = 1;
	assert_null(on(net, 1, st));

	/* fwA's update: fwB asks (UPD_REQ), fwA answers with a full UPD */
	tnet_enter(net, 0);
	st->src.seqlo += 100;
	s = splsoftnet();
	pfsync_update_state(st);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	b = on(net, 1, st);
	assert_non_null(b);
	assert_state_equal(st, b);
	assert_int_equal(V_pfsync_st.upd_req_sent, 1);
	tnet_enter(net, 0);
	/* (the other request was fwB's bulk request at boot) */
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_UPD_REQ], 2);
	assert_int_equal(V_pfsync_st.tx_msgs[PFSYNC_ACT_UPD], 1);
	tnet_destroy(net);
}

static void
test_stale_echo_and_split(void **unused)
{
	struct tnet *net = setup(PFSYNC_MERGE_SEED);
	struct pf_state *st, *b;
	simtime_t t0;
	u_int64_t n;
	int s;

	(void)unused;
	s = splsoftnet();
	st = tstate_new(1);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);

	/* fwB saw newer data from the sender than fwA announces */
	b = on(net, 1, st);
	b->src.seqlo = st->src.seqlo + 5000;
	tnet_enter(net, 0);
	st->dst.seqhi += 10;
	s = splsoftnet();
	pfsync_update_state(st);
	splx(s);
	tnet_enter(net, 1);
	n = V_pfsync_st.tx_reason[PFSYNC_TXR_NETISR];
	tnet_run(net, tnet_now(net) + 1010 * NS_PER_MS);
	assert_int_equal(V_pfsyncstats.pfsyncs_stale, 1);
	assert_int_equal(V_pfsync_st.stale[3], 1);	/* src seqlo */
	/* the echo went out in the next pass, not with the timer */
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_NETISR], n + 1);
	tnet_run(net, tnet_now(net) + 10 * NS_PER_MS);
	tnet_enter(net, 0);
	/* fwA takes fwB's newer view */
	assert_int_equal(st->src.seqlo, b->src.seqlo);
	assert_int_equal(st->pfsync_time, (u_int32_t)time_second);

	/* fwA now sees the state as split: its update leaves at once */
	tfw_cap_clear(&net->fw[0]);
	t0 = tnet_now(net);
	st->src.seqlo += 1;
	s = splsoftnet();
	pfsync_update_state(st);
	splx(s);
	tnet_run(net, t0 + NS_PER_MS);
	assert_int_equal(net->fw[0].ncap, 1);
	b = on(net, 1, st);
	assert_int_equal(b->src.seqlo, st->src.seqlo);
	tnet_destroy(net);
}

/* pfsync_state_export on fwA, pfsync_state_import on fwB, and back. */
static void
test_export_import_round_trip(void **unused)
{
	struct tnet *net = setup(PFSYNC_MERGE_SEED);
	struct pfsync_state sa, sb;
	struct pf_state *st, *b;
	int s;

	(void)unused;
	net->fw[1].deliver = 0;
	s = splsoftnet();
	st = tstate_new(9);
	st->state_flags |= PFSTATE_ALLOWOPTS;
	st->log = PF_LOG;
	st->src.seqdiff = 77;
	pfsync_state_export(&sa, st);
	splx(s);

	tnet_enter(net, 1);
	s = splsoftnet();
	assert_int_equal(pfsync_state_import(&sa, PFSYNC_SI_CKSUM), 0);
	b = tstate_find(sa.id, sa.creatorid);
	assert_non_null(b);
	pfsync_state_export(&sb, b);
	splx(s);
	tnet_enter(net, 0);
	assert_state_equal(st, b);
	assert_int_equal(b->state_flags, PFSTATE_ALLOWOPTS);
	/*
	 * Byte for byte the same record, but for expire: the import takes
	 * the remaining time as the last activity (P110), so fwB's expiry
	 * is later by the timeout value; and the counters, which the
	 * record carries but 4.5's import leaves at zero.
	 */
	assert_true(ntohl(sb.expire) > ntohl(sa.expire));
	sb.expire = sa.expire;
	assert_int_equal(ntohl(sa.packets[0][1]), 10 + 9);
	memset(sa.packets, 0, sizeof(sa.packets));
	memset(sa.bytes, 0, sizeof(sa.bytes));
	assert_memory_equal(&sa, &sb, sizeof(sa));
	/* the same record again: the state exists, nothing is added */
	tnet_enter(net, 1);
	s = splsoftnet();
	assert_int_not_equal(pfsync_state_import(&sa, 0), 0);
	splx(s);
	assert_int_equal(V_pf_status.states, 1);
	tnet_destroy(net);
}

/* merge = field fixes the split-flow rejection the thesis reports. */
static void
test_merge_field_two(void **unused)
{
	struct tnet *net = setup(PFSYNC_MERGE_FIELD);
	struct pf_state *st, *b;
	int s;

	(void)unused;
	s = splsoftnet();
	st = tstate_new(1);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	/* fwA: newer src.seqlo; fwB: newer src.seqhi */
	b = on(net, 1, st);
	b->src.seqhi = 70001 + 4000;
	tnet_enter(net, 0);
	st->src.seqlo = 1001 + 2000;
	s = splsoftnet();
	pfsync_update_state(st);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	/* fwB took the newer seqlo and kept its seqhi ... */
	tnet_enter(net, 1);
	assert_int_equal(V_pfsync_st.stale[9], 1);
	assert_int_equal(b->src.seqlo, 1001 + 2000);
	assert_int_equal(b->src.seqhi, 70001 + 4000);
	/* ... and its echo brought fwA the newer seqhi */
	tnet_enter(net, 0);
	assert_int_equal(st->src.seqhi, 70001 + 4000);
	assert_int_equal(st->src.seqlo, 1001 + 2000);
	tnet_destroy(net);
}

/*
 * merge = field, handshake: fwB has only the client side (the responder
 * unseen, as pf_test_rule leaves it: CLOSED, seqlo 0, seqhi 1) and a
 * newer client seqlo; fwA's update carries the responder's ISN >= 2^31.
 * fwB must take it (SEQ_GT(isn, 0) is false for such an ISN).
 */
static void
test_merge_field_unseen_peer(void **unused)
{
	struct tnet *net = setup(PFSYNC_MERGE_FIELD);
	struct pfsync_state_peer src, dst;
	struct pf_state *st, *b;
	int s;

	(void)unused;
	s = splsoftnet();
	st = tstate_new(1);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	b = on(net, 1, st);
	b->dst.state = TCPS_CLOSED;
	b->dst.seqlo = 0;
	b->dst.seqhi = 1;
	b->dst.max_win = 1;
	b->src.seqlo = st->src.seqlo + 1000;	/* fwB is ahead here */
	tnet_enter(net, 0);
	pf_state_peer_hton(&st->src, &src);
	pf_state_peer_hton(&st->dst, &dst);
	dst.state = TCPS_SYN_SENT;
	dst.seqlo = htonl(0x90000000U);
	dst.seqhi = htonl(0x90000000U + 65535);
	dst.max_win = htons(65535);
	tnet_enter(net, 1);
	assert_int_equal(pfsync_upd_tcp_field(b, &src, &dst), 9);
	assert_int_equal(b->dst.seqlo, 0x90000000U);
	assert_int_equal(b->dst.seqhi, 0x90000000U + 65535);
	assert_int_equal(b->dst.max_win, 65535);
	assert_int_equal(b->dst.state, TCPS_SYN_SENT);
	assert_int_equal(b->src.seqlo, st->src.seqlo + 1000);
	tnet_destroy(net);
}

static void
test_results(void **unused)
{
	struct tnet *net = setup(PFSYNC_MERGE_SEED);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	struct json *j;
	int s;

	(void)unused;
	s = splsoftnet();
	tstate_new(1);
	splx(s);
	tnet_run(net, tnet_now(net) + 1100 * NS_PER_MS);
	f = open_memstream(&buf, &len);
	assert_int_equal(pfsync_write_stats(net->fw[0].v, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "packets sent (IPv4)"));
	assert_non_null(strstr(buf, "sync ok"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	j = json_create(f);
	json_obj_begin(j, NULL);
	pfsync_report_json(net->fw[1].v, j);
	json_obj_end(j);
	json_destroy(j);
	fclose(f);
	assert_non_null(strstr(buf, "\"pfsync\""));
	assert_non_null(strstr(buf, "\"pfsyncs_ipackets\""));
	assert_non_null(strstr(buf, "\"tx_messages\""));
	assert_non_null(strstr(buf, "\"upd_c\""));
	assert_non_null(strstr(buf, "\"deferred\""));
	free(buf);
	assert_string_equal(pfsync_version_name(net->fw[0].v), "v5");
	tnet_destroy(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_update_delete),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_unknown_state_request),
		cmocka_unit_test(test_stale_echo_and_split),
		cmocka_unit_test(test_export_import_round_trip),
		cmocka_unit_test(test_merge_field_two),
		cmocka_unit_test(test_merge_field_unseen_peer),
		cmocka_unit_test(test_results),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
