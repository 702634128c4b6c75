/*
 * pfsync v5 engine, one firewall: the sync-state machine (every row of
 * docs/ref/pfsync-v5-engine.md §2), sc_len accounting, pfsync_sendout's
 * packing, the MTU rule and an independent byte-level decode of what goes
 * out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/pfsync/harness.h"

#define NISR	(1U << NETISR_PFSYNC)

static struct tnet *
setup1(int maxupdates)
{
	struct pfsync_config c;
	struct tnet *net;

	net = tnet_create(1, 20000, 0);
	pfsync_config_default(&c);
	c.bulk_on_up = 0;
	c.maxupdates = maxupdates;
	tnet_pfsync(net, 0, &c);
	tnet_enter(net, 0);
	return (net);
}

static int
isr_pending(void)
{
	return ((curvnet->vnet_netisr & NISR) != 0);
}

static void
isr_clear(void)
{
	curvnet->vnet_netisr &= ~NISR;
}

/* A local state taken off the INS queue: sync_state NONE. */
static struct pf_state *
state_none(u_int32_t n)
{
	struct pf_state *st = tstate_new(n);

	pfsync_q_del(st);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	return (st);
}

/* Bytes sc_len should hold for the queues' contents. */
static size_t
expect_len(struct pfsync_softc *sc)
{
	static const size_t msz[PFSYNC_S_COUNT] = { 240, 12, 240, 84, 12 };
	struct pf_state *st;
	size_t len = PFSYNC_MINPKT;
	int q, n;

	for (q = 0; q < PFSYNC_S_COUNT; q++) {
		n = 0;
		TAILQ_FOREACH(st, &sc->sc_qs[q], sync_list)
			n++;
		if (n)
			len += 4 + n * msz[q];
	}
	return (len);
}

static void
test_sync_state_table(void **unused)
{
	struct tnet *net = setup1(128);
	struct pfsync_softc *sc = V_pfsyncif;
	struct pfsync_state sp;
	struct pf_state *st, *imp;
	int s;

	(void)unused;
	s = splsoftnet();

	/* insert_state: NONE -> INS, flush timer armed */
	assert_false(timeout_pending(&sc->sc_tmo));
	st = tstate_new(1);
	assert_int_equal(st->sync_state, PFSYNC_S_INS);
	assert_int_equal(sc->sc_len, PFSYNC_MINPKT + 4 + 240);
	assert_true(timeout_pending(&sc->sc_tmo));
	assert_false(isr_pending());

	/* INS: update counts, ureq keeps, delete forgets */
	pfsync_update_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_INS);
	assert_int_equal(st->sync_updates, 1);
	pfsync_update_state_req(st);
	assert_int_equal(st->sync_state, PFSYNC_S_INS);
	assert_false(isr_pending());
	pfsync_delete_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	assert_int_equal(sc->sc_len, PFSYNC_MINPKT);

	/* NONE: update -> UPD_C (updates 0), not split: no netisr */
	pfsync_update_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_UPD_C);
	assert_int_equal(st->sync_updates, 0);
	assert_false(isr_pending());
	assert_int_equal(sc->sc_len, expect_len(sc));
	/* UPD_C: update counts */
	pfsync_update_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_UPD_C);
	assert_int_equal(st->sync_updates, 1);
	/* UPD_C: ureq -> UPD + netisr */
	pfsync_update_state_req(st);
	assert_int_equal(st->sync_state, PFSYNC_S_UPD);
	assert_true(isr_pending());
	isr_clear();
	assert_int_equal(sc->sc_len, PFSYNC_MINPKT + 4 + 240);
	/* UPD: update counts, ureq keeps */
	pfsync_update_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_UPD);
	assert_int_equal(st->sync_updates, 2);
	pfsync_update_state_req(st);
	assert_int_equal(st->sync_state, PFSYNC_S_UPD);
	assert_false(isr_pending());
	/* UPD: delete -> DEL */
	pfsync_delete_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_DEL);
	assert_int_equal(sc->sc_len, PFSYNC_MINPKT + 4 + 12);
	/* DEL: ureq keeps */
	pfsync_update_state_req(st);
	assert_int_equal(st->sync_state, PFSYNC_S_DEL);

	/* NONE: ureq -> UPD + netisr; NONE: delete -> DEL */
	st = state_none(2);
	pfsync_update_state_req(st);
	assert_int_equal(st->sync_state, PFSYNC_S_UPD);
	assert_true(isr_pending());
	isr_clear();
	st = state_none(3);
	pfsync_delete_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_DEL);
	st = state_none(4);
	pfsync_update_state(st);
	pfsync_delete_state(st);	/* UPD_C -> DEL */
	assert_int_equal(st->sync_state, PFSYNC_S_DEL);
	assert_int_equal(sc->sc_len, expect_len(sc));

	/* import of a record with the ACK bit: -> IACK + netisr */
	st = state_none(5);
	pfsync_state_export(&sp, st);
	sp.id = htobe64(0x7000000000000001ULL);
	sp.creatorid = htonl(0x12345678);
	sp.key[0].port[0] = sp.key[1].port[0] = htons(9);
	sp.state_flags |= PFSTATE_ACK;
	assert_int_equal(pfsync_state_import(&sp, 0), 0);
	imp = tstate_find(sp.id, sp.creatorid);
	assert_non_null(imp);
	assert_int_equal(imp->sync_state, PFSYNC_S_IACK);
	assert_false(ISSET(imp->state_flags, PFSTATE_ACK | PFSTATE_NOSYNC));
	assert_true(isr_pending());
	isr_clear();
	assert_int_equal(sc->sc_len, expect_len(sc));
	/* IACK: update -> UPD_C */
	pfsync_update_state(imp);
	assert_int_equal(imp->sync_state, PFSYNC_S_UPD_C);
	assert_true(isr_pending());	/* just imported: split */
	isr_clear();
	/* IACK: ureq -> UPD; IACK: delete -> DEL */
	pfsync_q_del(imp);
	pfsync_q_ins(imp, PFSYNC_S_IACK);
	pfsync_update_state_req(imp);
	assert_int_equal(imp->sync_state, PFSYNC_S_UPD);
	pfsync_q_del(imp);
	pfsync_q_ins(imp, PFSYNC_S_IACK);
	pfsync_delete_state(imp);
	assert_int_equal(imp->sync_state, PFSYNC_S_DEL);
	isr_clear();
	assert_int_equal(sc->sc_len, expect_len(sc));

	/* NOSYNC: every hook just dequeues */
	st = state_none(6);
	pfsync_update_state(st);
	SET(st->state_flags, PFSTATE_NOSYNC);
	pfsync_update_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	pfsync_q_ins(st, PFSYNC_S_UPD_C);
	pfsync_update_state_req(st);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	pfsync_q_ins(st, PFSYNC_S_UPD);
	pfsync_delete_state(st);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	assert_int_equal(sc->sc_len, expect_len(sc));

	/* drop: everything -> NONE, sc_len back to the minimum */
	st = state_none(7);
	pfsync_update_state(st);
	pfsync_drop(sc);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	assert_int_equal(sc->sc_len, PFSYNC_MINPKT);

	/* sendout: everything written -> NONE */
	st = tstate_new(8);
	imp = state_none(9);
	pfsync_update_state(imp);
	splx(s);
	s = splnet();
	pfsync_sendout();
	splx(s);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	assert_int_equal(imp->sync_state, PFSYNC_S_NONE);
	assert_int_equal(sc->sc_len, PFSYNC_MINPKT);
	assert_int_equal(net->fw[0].ncap, 1);

	tnet_destroy(net);
}

/* Walk a captured frame's sections: fills act[]/cnt[]; returns count. */
static int
sections(const struct tcap *c, int *act, int *cnt, int max)
{
	static const int msz[PFSYNC_ACT_MAX] = {
		20, 240, 12, 240, 84, 12, 240, 12, 0, 0, 12, 48, 20 };
	const u_int8_t *ip = tcap_ip(c);
	int len = rd16(ip + 2), off = 40, n = 0;

	while (off + 4 <= len && n < max) {
		act[n] = ip[off];
		cnt[n] = rd16(ip + off + 2);
		off += 4;
		if (act[n] == PFSYNC_ACT_EOF) {
			off += 20;
			n++;
			break;
		}
		off += cnt[n] * msz[act[n]];
		n++;
	}
	assert_int_equal(off, len);
	return (n);
}

static void
test_sendout_mixed(void **unused)
{
	struct tnet *net = setup1(128);
	struct tfw *fw = &net->fw[0];
	struct pf_state *ins, *upd, *del;
	const u_int8_t *ip, *p;
	int act[8], cnt[8], n, s, i;

	(void)unused;
	s = splsoftnet();
	ins = tstate_new(1);
	upd = state_none(2);
	upd->src.seqlo = 0x11223344;
	pfsync_update_state(upd);
	del = state_none(3);
	pfsync_delete_state(del);
	pfsync_request_update(htonl(0xa1b2c3d4), htobe64(0x0102030405060708));
	splx(s);
	assert_int_equal(fw->ncap, 0);

	/* the request scheduled the netisr: one softnet pass sends */
	tnet_run(net, tnet_now(net) + NS_PER_MS);
	assert_int_equal(fw->ncap, 1);
	ip = tcap_ip(&fw->cap[0]);
	assert_int_equal(rd16(ip + 2),
	    64 + (4 + 240) + (4 + 84) + (4 + 12) + (4 + 12));
	n = sections(&fw->cap[0], act, cnt, 8);
	assert_int_equal(n, 5);
	assert_int_equal(act[0], PFSYNC_ACT_INS);
	assert_int_equal(act[1], PFSYNC_ACT_UPD_C);
	assert_int_equal(act[2], PFSYNC_ACT_DEL_C);
	assert_int_equal(act[3], PFSYNC_ACT_UPD_REQ);
	assert_int_equal(act[4], PFSYNC_ACT_EOF);
	for (i = 0; i < 5; i++)
		assert_int_equal(cnt[i], 1);

	/* the UPD_REQ record, and the EOF body (zeros) */
	p = ip + 40 + 4 + 240 + 4 + 84 + 4 + 12 + 4;
	assert_int_equal(rd32(p), 0x01020304);
	assert_int_equal(rd32(p + 4), 0x05060708);
	assert_int_equal(rd32(p + 8), 0xa1b2c3d4);
	p += 12 + 4;
	for (i = 0; i < 20; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_NETISR], 1);
	assert_int_equal(ins->sync_state, PFSYNC_S_NONE);
	tnet_destroy(net);
}

static void
test_mtu_full_states(void **unused)
{
	struct tnet *net = setup1(128);
	struct tfw *fw = &net->fw[0];
	int act[4], cnt[4], i, s;

	(void)unused;
	s = splsoftnet();
	for (i = 0; i < 5; i++)
		tstate_new(i);
	assert_int_equal(V_pfsyncif->sc_len, 64 + 4 + 5 * 240);
	assert_int_equal(fw->ncap, 0);
	tstate_new(5);		/* does not fit: the 5 leave first */
	splx(s);
	assert_int_equal(fw->ncap, 1);
	assert_int_equal(rd16(tcap_ip(&fw->cap[0]) + 2), 1268);
	assert_int_equal(sections(&fw->cap[0], act, cnt, 4), 2);
	assert_int_equal(act[0], PFSYNC_ACT_INS);
	assert_int_equal(cnt[0], 5);
	assert_int_equal(V_pfsyncif->sc_len, 64 + 4 + 240);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_FULL], 1);
	tnet_destroy(net);
}

static void
test_mtu_compressed(void **unused)
{
	struct tnet *net = setup1(128);
	struct tfw *fw = &net->fw[0];
	struct pf_state *st[18];
	int act[4], cnt[4], i, s;

	(void)unused;
	s = splsoftnet();
	for (i = 0; i < 18; i++)
		st[i] = tstate_new(i);
	pfsync_drop(V_pfsyncif);
	tfw_cap_clear(fw);
	for (i = 0; i < 17; i++)
		pfsync_update_state(st[i]);
	assert_int_equal(V_pfsyncif->sc_len, 1496);
	assert_int_equal(fw->ncap, 0);
	pfsync_update_state(st[17]);
	splx(s);
	assert_int_equal(fw->ncap, 1);
	assert_int_equal(rd16(tcap_ip(&fw->cap[0]) + 2), 1496);
	assert_int_equal(sections(&fw->cap[0], act, cnt, 4), 2);
	assert_int_equal(act[0], PFSYNC_ACT_UPD_C);
	assert_int_equal(cnt[0], 17);
	assert_int_equal(act[1], PFSYNC_ACT_EOF);
	assert_int_equal(st[17]->sync_state, PFSYNC_S_UPD_C);
	tnet_destroy(net);
}

/*
 * An independent decoder: every field read at the offsets of
 * docs/ref/pfsync-v5-wire.md §6, compared with the state the engine
 * exported.
 */
static void
test_byte_exact(void **unused)
{
	struct tnet *net = setup1(128);
	struct tfw *fw = &net->fw[0];
	struct pf_state *st, *uc, *dc;
	const u_int8_t *ip, *r;
	u_int32_t id0, id1;
	int s, i;

	(void)unused;
	s = splsoftnet();
	st = tstate_new(7);
	uc = state_none(8);
	uc->src.seqlo = 0xdeadbeef;
	uc->dst.seqhi = 0x01020304;
	pfsync_update_state(uc);
	dc = state_none(9);
	pfsync_delete_state(dc);
	splx(s);
	s = splnet();
	pfsync_sendout();
	splx(s);
	assert_int_equal(fw->ncap, 1);

	/* Ethernet: the pfsync group's MAC, IPv4 */
	r = fw->cap[0].p->data;
	assert_int_equal(r[0], 0x01);
	assert_int_equal(r[1], 0x00);
	assert_int_equal(r[2], 0x5e);
	assert_int_equal(r[5], 0xf0);
	assert_int_equal(rd16(r + 12), 0x0800);

	ip = tcap_ip(&fw->cap[0]);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[1], 0x10);		/* IPTOS_LOWDELAY */
	assert_int_equal(rd16(ip + 2), 64 + 4 + 240 + 4 + 84 + 4 + 12);
	assert_int_equal(rd16(ip + 6), 0x4000);	/* DF */
	assert_int_equal(ip[8], 255);
	assert_int_equal(ip[9], 240);
	assert_int_equal(rd32(ip + 12), 0x0a000001);
	assert_int_equal(rd32(ip + 16), 0xe00000f0);

	/* pfsync header */
	assert_int_equal(ip[20], 5);
	assert_int_equal(ip[21], 0);
	assert_int_equal(rd16(ip + 22), rd16(ip + 2) - 20);
	assert_memory_equal(ip + 24, V_pf_status.pf_chksum, 16);

	/* INS section, one 240-byte record */
	assert_int_equal(ip[40], 1);
	assert_int_equal(rd16(ip + 42), 1);
	r = ip + 44;
	assert_memory_equal(r + 0, &st->id, 8);
	assert_string_equal((const char *)r + 8, "all");
	assert_int_equal(rd32(r + 24), 0x0a010007);		/* key[0].addr[0] */
	assert_int_equal(rd32(r + 40), 0x0a020001);		/* key[0].addr[1] */
	assert_int_equal(rd16(r + 56), 1024 + 7);		/* key[0].port[0] */
	assert_int_equal(rd16(r + 58), 80);
	assert_int_equal(rd32(r + 60), 0x0a010007);		/* key[1] */
	assert_int_equal(rd16(r + 92), 1024 + 7);
	assert_int_equal(rd32(r + 96 + 8), 1000 + 7);		/* src.seqlo */
	assert_int_equal(rd32(r + 96 + 12), 70000 + 7);		/* src.seqhi */
	assert_int_equal(rd32(r + 96 + 16), 0);			/* seqdiff */
	assert_int_equal(rd16(r + 96 + 20), 65535);		/* max_win */
	assert_int_equal(rd16(r + 96 + 22), 1460);		/* mss */
	assert_int_equal(r[96 + 24], TCPS_ESTABLISHED);
	assert_int_equal(r[96 + 25], 0x82);			/* wscale */
	assert_int_equal(rd32(r + 128 + 8), 5000 + 7);		/* dst.seqlo */
	assert_int_equal(rd32(r + 128 + 12), 90000 + 7);
	assert_int_equal(rd16(r + 128 + 20), 32768);
	assert_int_equal(r[128 + 25], 0x83);
	for (i = 0; i < 16; i++)
		assert_int_equal(r[160 + i], 0);		/* rt_addr */
	assert_int_equal(rd32(r + 176),
	    (u_int32_t)V_pf_default_rule.nr);			/* rule */
	assert_int_equal(rd32(r + 180), 0xffffffff);		/* anchor */
	assert_int_equal(rd32(r + 184), 0xffffffff);		/* nat_rule */
	assert_int_equal(rd32(r + 188), 0);			/* age */
	assert_true(rd32(r + 192) > 86000);			/* expire */
	assert_int_equal(rd32(r + 196), 0);			/* packets[0] hi */
	assert_int_equal(rd32(r + 200), 10 + 7);		/* packets[0] lo */
	assert_int_equal(rd32(r + 212 + 8), 1);			/* bytes[1] hi */
	assert_int_equal(rd32(r + 212 + 12), 7);		/* bytes[1] lo */
	assert_memory_equal(r + 228, &st->creatorid, 4);
	assert_int_equal(r[232], 2);				/* AF_INET */
	assert_int_equal(r[233], 6);				/* TCP */
	assert_int_equal(r[234], PF_IN);
	assert_int_equal(r[236], 0);				/* state_flags */
	assert_int_equal(r[237], PFTM_TCP_ESTABLISHED);
	assert_int_equal(r[238], 0);
	assert_int_equal(r[239], 0);

	/* UPD_C section, one 84-byte record */
	r = ip + 44 + 240;
	assert_int_equal(r[0], 4);
	assert_int_equal(rd16(r + 2), 1);
	r += 4;
	assert_memory_equal(r, &uc->id, 8);
	assert_int_equal(rd32(r + 8 + 8), 0xdeadbeef);		/* src.seqlo */
	assert_int_equal(rd32(r + 8 + 12), 70000 + 8);
	assert_int_equal(r[8 + 24], TCPS_ESTABLISHED);
	assert_int_equal(rd32(r + 40 + 8), 5000 + 8);		/* dst.seqlo */
	assert_int_equal(rd32(r + 40 + 12), 0x01020304);	/* dst.seqhi */
	for (i = 0; i < 8; i++) {
		assert_int_equal(r[8 + i], 0);			/* scrub */
		assert_int_equal(r[40 + i], 0);
	}
	assert_memory_equal(r + 72, &uc->creatorid, 4);
	assert_true(rd32(r + 76) > 86000);			/* expire */
	assert_int_equal(r[80], PFTM_TCP_ESTABLISHED);
	assert_int_equal(r[81] | r[82] | r[83], 0);

	/* DEL_C section, one 12-byte record */
	r += 84;
	assert_int_equal(r[0], 7);
	assert_int_equal(rd16(r + 2), 1);
	id0 = rd32(r + 4);
	id1 = rd32(r + 8);
	assert_int_equal(((u_int64_t)id0 << 32 | id1), betoh64(dc->id));
	assert_memory_equal(r + 12, &dc->creatorid, 4);
	assert_true(ISSET(dc->state_flags, PFSTATE_NOSYNC));

	/* EOF */
	r += 16;
	assert_int_equal(r[0], 12);
	assert_int_equal(r[1], 0);
	assert_int_equal(rd16(r + 2), 1);
	for (i = 0; i < 20; i++)
		assert_int_equal(r[4 + i], 0);
	assert_ptr_equal(r + 24, ip + rd16(ip + 2));

	tnet_destroy(net);
}

static void
test_clear_and_bus_regions(void **unused)
{
	struct tnet *net = setup1(128);
	struct tfw *fw = &net->fw[0];
	const u_int8_t *ip;
	int s;

	(void)unused;
	s = splsoftnet();
	tstate_new(1);
	pfsync_clear_states(V_pf_status.hostid, "em0");
	splx(s);
	/* the pending INS and the CLR leave together, at once */
	assert_int_equal(fw->ncap, 1);
	ip = tcap_ip(&fw->cap[0]);
	assert_int_equal(rd16(ip + 2), 64 + 4 + 240 + 4 + 20);
	assert_int_equal(ip[44 + 240], PFSYNC_ACT_CLR);
	assert_string_equal((const char *)ip + 44 + 240 + 4, "em0");
	assert_memory_equal(ip + 44 + 240 + 4 + 16, &V_pf_status.hostid, 4);
	assert_int_equal(V_pfsync_st.tx_msgs[PFSYNC_ACT_CLR], 1);
	assert_int_equal(V_pfsync_st.tx_reason[PFSYNC_TXR_PLUS], 1);
	tnet_destroy(net);
}

/* pfsync.merge = seed|peer|field on one split-flow update. */
static void
test_merge_policies(void **unused)
{
	struct tnet *net = setup1(128);
	struct pfsync_state_peer rsrc, rdst;
	struct pf_state *st;
	int s, sfail;

	(void)unused;
	s = splsoftnet();
	st = state_none(1);
	/*
	 * We saw the sender's newest data (src.seqlo 2000); the peer saw
	 * the receiver's newest ACK (src.seqhi 90000, dst.seqlo 6000).
	 */
	st->src.seqlo = 2000;
	st->src.seqhi = 70000;
	st->dst.seqlo = 5000;
	memset(&rsrc, 0, sizeof(rsrc));
	memset(&rdst, 0, sizeof(rdst));
	pf_state_peer_hton(&st->src, &rsrc);
	pf_state_peer_hton(&st->dst, &rdst);
	rsrc.seqlo = htonl(1500);
	rsrc.seqhi = htonl(90000);
	rdst.seqlo = htonl(6000);

	/* seed: src.seqlo older: the whole update is stale (3) */
	V_pfsync->pv_conf.merge = PFSYNC_MERGE_SEED;
	sfail = pfsync_upd_tcp(st, &rsrc, &rdst);
	assert_int_equal(sfail, 3);
	assert_int_equal(st->src.seqhi, 70000);
	assert_int_equal(st->dst.seqlo, 5000);

	/* peer: the dst half is newer and taken; the src half kept */
	V_pfsync->pv_conf.merge = PFSYNC_MERGE_PEER;
	st->pfsync_time = 0;
	sfail = pfsync_upd_tcp(st, &rsrc, &rdst);
	assert_int_equal(sfail, 8);
	assert_int_equal(st->src.seqlo, 2000);
	assert_int_equal(st->src.seqhi, 70000);
	assert_int_equal(st->dst.seqlo, 6000);
	assert_int_equal(st->pfsync_time, (u_int32_t)time_second);

	/* field: each newer field taken, ours kept */
	st->dst.seqlo = 5000;
	V_pfsync->pv_conf.merge = PFSYNC_MERGE_FIELD;
	sfail = pfsync_upd_tcp(st, &rsrc, &rdst);
	assert_int_equal(sfail, 9);
	assert_int_equal(st->src.seqlo, 2000);
	assert_int_equal(st->src.seqhi, 90000);
	assert_int_equal(st->dst.seqlo, 6000);

	/* field: nothing of ours newer: plain accept (0) */
	rsrc.seqlo = htonl(2500);
	sfail = pfsync_upd_tcp(st, &rsrc, &rdst);
	assert_int_equal(sfail, 0);
	/* field: nothing of theirs newer: stale, no change (10) */
	st->src.seqlo = 3000;
	st->src.seqhi = 95000;
	st->dst.seqlo = 7000;
	st->dst.seqhi = 100000;
	st->src.max_win = st->dst.max_win = 65535;
	sfail = pfsync_upd_tcp(st, &rsrc, &rdst);
	assert_int_equal(sfail, 10);
	assert_int_equal(st->src.seqlo, 3000);
	splx(s);
	tnet_destroy(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_state_table),
		cmocka_unit_test(test_sendout_mixed),
		cmocka_unit_test(test_mtu_full_states),
		cmocka_unit_test(test_mtu_compressed),
		cmocka_unit_test(test_byte_exact),
		cmocka_unit_test(test_clear_and_bus_regions),
		cmocka_unit_test(test_merge_policies),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
