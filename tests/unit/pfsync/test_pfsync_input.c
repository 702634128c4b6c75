/*
 * pfsync_input on malformed packets: nothing crashes, every case is
 * counted by its pfsyncstats name (docs/ref/pfsync-v5-wire.md §1, §9),
 * bad state records are counted as badval, and random garbage is
 * survived.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/pfsync/harness.h"

/* A packet builder: IP header, pfsync header, sections. */
struct pb {
	u_int8_t	b[2048];
	int		len;
};

static void
pb_start(struct pb *pb, int ttl, int version)
{
	memset(pb, 0, sizeof(*pb));
	pb->b[0] = 0x45;
	pb->b[8] = (u_int8_t)ttl;
	pb->b[9] = IPPROTO_PFSYNC;
	pb->b[12] = 10;			/* from 10.0.0.2 */
	pb->b[15] = 2;
	pb->b[16] = 224;		/* to 224.0.0.240 */
	pb->b[19] = 240;
	pb->b[20] = (u_int8_t)version;
	pb->len = 40;
}

static void
pb_sub(struct pb *pb, int action, int count)
{
	pb->b[pb->len] = (u_int8_t)action;
	pb->b[pb->len + 2] = (u_int8_t)(count >> 8);
	pb->b[pb->len + 3] = (u_int8_t)count;
	pb->len += 4;
}

static void
pb_put(struct pb *pb, const void *p, int n)
{
	memcpy(pb->b + pb->len, p, n);
	pb->len += n;
}

static void
pb_eof(struct pb *pb)
{
	pb_sub(pb, PFSYNC_ACT_EOF, 1);
	pb->len += 20;
}

/* Set the IP and pfsync lengths to the packet's. */
static void
pb_fix(struct pb *pb)
{
	pb->b[2] = (u_int8_t)(pb->len >> 8);
	pb->b[3] = (u_int8_t)pb->len;
	pb->b[22] = (u_int8_t)((pb->len - 20) >> 8);
	pb->b[23] = (u_int8_t)(pb->len - 20);
}

static struct tnet *
setup(void)
{
	struct pfsync_config c;
	struct tnet *net;

	net = tnet_create(1, 20000, 0);
	pfsync_config_default(&c);
	c.bulk_on_up = 0;
	tnet_pfsync(net, 0, &c);
	tnet_enter(net, 0);
	return (net);
}

/* A valid 240-byte record of a state the firewall does not have. */
static void
record(struct pfsync_state *sp, u_int32_t n)
{
	struct pf_state *st;
	int s;

	s = splsoftnet();
	st = tstate_new(50000 + n);
	pfsync_state_export(sp, st);
	pfsync_q_del(st);
	splx(s);
	sp->id = htobe64(0x5000000000000000ULL + n);
	sp->creatorid = htonl(0xc0ffee00);
	sp->key[0].port[1] = sp->key[1].port[1] = htons((u_int16_t)(n + 1));
}

#define ST	(V_pfsyncstats)

static void
test_valid_empty(void **unused)
{
	struct tnet *net = setup();
	struct pfsyncstats before;
	struct pb pb;

	(void)unused;
	pb_start(&pb, 255, 5);
	pb_eof(&pb);
	pb_fix(&pb);
	before = ST;
	tinput(&net->fw[0].ifn, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_ipackets, before.pfsyncs_ipackets + 1);
	assert_int_equal(ST.pfsyncs_badact + ST.pfsyncs_badlen +
	    ST.pfsyncs_hdrops + ST.pfsyncs_badver, 0);
	assert_int_equal(V_pfsync_st.rx_packets, 1);
	assert_int_equal(V_pfsync_st.rx_msgs[PFSYNC_ACT_EOF], 1);
	tnet_destroy(net);
}

static void
test_header_checks(void **unused)
{
	struct tnet *net = setup();
	struct ifnet *ifp = &net->fw[0].ifn;
	struct pb pb;

	(void)unused;
	/* truncated header */
	pb_start(&pb, 255, 5);
	pb_fix(&pb);
	tinput(ifp, pb.b, 30);
	assert_int_equal(ST.pfsyncs_hdrops, 1);

	/* wrong version */
	pb_start(&pb, 255, 4);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badver, 1);

	/* TTL not 255 (routed from elsewhere) */
	pb_start(&pb, 254, 5);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badttl, 1);

	/* wrong interface */
	pb_start(&pb, 255, 5);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(&net->fw[0].ifn2, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badif, 1);

	assert_int_equal(ST.pfsyncs_ipackets, 4);
	assert_int_equal(ST.pfsyncs_badact + ST.pfsyncs_badlen, 0);
	tnet_destroy(net);
}

static void
test_length_checks(void **unused)
{
	struct tnet *net = setup();
	struct ifnet *ifp = &net->fw[0].ifn;
	struct pfsync_del_c dc;
	struct pb pb;
	int full;

	(void)unused;
	memset(&dc, 0, sizeof(dc));
	dc.id = htobe64(1);
	dc.creatorid = htonl(1);

	/* length fields say more than arrived: the frame was cut */
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_DEL_C, 3);
	pb_put(&pb, &dc, 12);
	pb_put(&pb, &dc, 12);
	pb_put(&pb, &dc, 12);
	pb_eof(&pb);
	pb_fix(&pb);
	full = pb.len;
	tinput(ifp, pb.b, full - 40);	/* the header says 40 more */
	assert_int_equal(ST.pfsyncs_badlen, 1);

	/* length fields say less than arrived: bytes after the EOF */
	pb.len = full + 16;
	pb_fix(&pb);
	pb.b[2] = (u_int8_t)(full >> 8);
	pb.b[3] = (u_int8_t)full;
	pb.b[22] = (u_int8_t)((full - 20) >> 8);
	pb.b[23] = (u_int8_t)(full - 20);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badact, 1);
	/* the earlier sections were applied: three unknown states */
	assert_int_equal(ST.pfsyncs_badstate, 3);

	/* a count that overruns the packet */
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_DEL_C, 9);
	pb_put(&pb, &dc, 12);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badlen, 2);

	/* no EOF at all: runs out of bytes */
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_DEL_C, 1);
	pb_put(&pb, &dc, 12);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badlen, 3);

	/* an EOF without its body */
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_EOF, 1);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badact, 2);
	tnet_destroy(net);
}

static void
test_action_checks(void **unused)
{
	struct tnet *net = setup();
	struct ifnet *ifp = &net->fw[0].ifn;
	struct pb pb;

	(void)unused;
	/* unknown action */
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_MAX, 1);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badact, 1);

	pb_start(&pb, 255, 5);
	pb_sub(&pb, 200, 0);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badact, 2);

	/* defined but not implemented: INS_F, DEL_F */
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_INS_F, 1);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badact, 3);
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_DEL_F, 0);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badact, 4);

	/* count-0 sections are legal */
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_UPD_C, 0);
	pb_sub(&pb, PFSYNC_ACT_TDB, 0);
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badact, 4);
	assert_int_equal(ST.pfsyncs_badlen, 0);
	tnet_destroy(net);
}

static void
test_bad_values(void **unused)
{
	struct tnet *net = setup();
	struct ifnet *ifp = &net->fw[0].ifn;
	struct pfsync_state sp[6];
	struct pfsync_upd_c uc;
	struct pb pb;
	int i;

	(void)unused;
	for (i = 0; i < 6; i++)
		record(&sp[i], i);
	sp[0].timeout = PFTM_MAX;
	sp[1].src.state = PF_TCPS_PROXY_DST + 1;
	sp[2].dst.state = 200;
	sp[3].direction = 3;
	sp[4].af = 7;
	/* sp[5] is valid */
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_INS, 6);
	pb_put(&pb, sp, sizeof(sp));
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badval, 5);
	assert_non_null(tstate_find(sp[5].id, sp[5].creatorid));
	assert_null(tstate_find(sp[0].id, sp[0].creatorid));

	/* UPD checks timeout and peer states only */
	record(&sp[0], 10);
	sp[0].timeout = 255;
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_UPD, 1);
	pb_put(&pb, &sp[0], sizeof(sp[0]));
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badval, 6);

	memset(&uc, 0, sizeof(uc));
	uc.id = sp[5].id;
	uc.creatorid = sp[5].creatorid;
	uc.src.state = 13;
	pb_start(&pb, 255, 5);
	pb_sub(&pb, PFSYNC_ACT_UPD_C, 1);
	pb_put(&pb, &uc, sizeof(uc));
	pb_eof(&pb);
	pb_fix(&pb);
	tinput(ifp, pb.b, pb.len);
	assert_int_equal(ST.pfsyncs_badval, 7);
	assert_int_equal(ST.pfsyncs_badlen + ST.pfsyncs_badact, 0);
	tnet_destroy(net);
}

/* Random bytes after a valid IP + pfsync header: counted, no crash. */
static void
test_garbage(void **unused)
{
	struct tnet *net = setup();
	struct ifnet *ifp = &net->fw[0].ifn;
	struct rng r;
	struct pb pb;
	int i, j, n;

	(void)unused;
	rng_init(&r, 42, "pfsync.garbage");
	for (i = 0; i < 3000; i++) {
		pb_start(&pb, 255, 5);
		n = (int)rng_below(&r, 600);
		for (j = 0; j < n; j++)
			pb.b[40 + j] = (u_int8_t)rng_below(&r, 256);
		/* mostly small action numbers, to get into the handlers */
		if (n >= 4 && rng_below(&r, 4) != 0)
			pb.b[40] = (u_int8_t)rng_below(&r, PFSYNC_ACT_MAX + 1);
		if (n >= 4)
			pb.b[42] = 0;
		pb.len = 40 + n;
		pb_fix(&pb);
		tinput(ifp, pb.b, pb.len);
	}
	assert_int_equal(ST.pfsyncs_ipackets, 3000);
	assert_true(ST.pfsyncs_badact + ST.pfsyncs_badlen > 1000);
	tnet_destroy(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_empty),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_length_checks),
		cmocka_unit_test(test_action_checks),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_garbage),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
