/*
 * Writes the seed corpora of the pfsync fuzz targets:
 *
 *   fuzz_gen_corpus OUTDIR [CAPTURE.pcap KNOB]...
 *
 * OUTDIR/pfsync_input/ gets hand-built packets of every v5 and v4 action
 * that name the fuzz firewall's own states (fuzz_pfsync.h: the ids are
 * the same in every run), and the pfsync payloads of each capture (a
 * pfsim --capture sync pcap), prefixed with KNOB (a number: 0 for v5, 1
 * for v4, 2 for v4-split). OUTDIR/pfsync_state_import/ gets state records:
 * the firewall's own, the peer's, and the first record of every INS and
 * UPD section in the captures, with packets of their connections.
 * Duplicate payloads are written once; at most GEN_MAXCAP per capture.
 */
#include <pcap/pcap.h>

#include "tests/fuzz/fuzz_pfsync.h"

#define GEN_MAXCAP	12
#define GEN_MAXREC	4

struct pb {
	u_int8_t	b[FZ_MAXPKT * 4];
	size_t		len;
	size_t		start;		/* this payload's first byte */
};

static const char	*outdir;
static int		 nwritten;

static void
gen_write(const char *target, const char *name, const void *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(p, 1, n, f) != n ||
	    fclose(f) != 0) {
		fprintf(stderr, "gen_corpus: %s: cannot write\n", path);
		exit(1);
	}
	nwritten++;
}

/* An input: the knob byte, then payloads. */
static void
pb_init(struct pb *pb, u_int8_t knob)
{
	memset(pb, 0, sizeof(*pb));
	pb->b[0] = knob;
	pb->len = 1;
}

static void
pb_put(struct pb *pb, const void *p, size_t n)
{
	memcpy(pb->b + pb->len, p, n);
	pb->len += n;
}

/* Start a v5 payload: the header (length set by pb_v5_end). */
static void
pb_v5(struct pb *pb)
{
	struct pfsync_header h;

	if (pb->len > 1)
		pb_put(pb, FZ_SEP, FZ_SEPLEN);
	pb->start = pb->len;
	memset(&h, 0, sizeof(h));
	h.version = PFSYNC_VERSION;
	pb_put(pb, &h, sizeof(h));
}

static void
pb_sub(struct pb *pb, u_int8_t action, u_int16_t count)
{
	struct pfsync_subheader s;

	memset(&s, 0, sizeof(s));
	s.action = action;
	s.count = htons(count);
	pb_put(pb, &s, sizeof(s));
}

static void
pb_v5_end(struct pb *pb)
{
	struct pfsync_eof eof;
	u_int16_t n;

	pb_sub(pb, PFSYNC_ACT_EOF, 1);
	memset(&eof, 0, sizeof(eof));
	pb_put(pb, &eof, sizeof(eof));
	n = htons((u_int16_t)(pb->len - pb->start));
	memcpy(pb->b + pb->start + 2, &n, 2);
}

/* A v4 payload: header with one action and count. */
static void
pb_v4(struct pb *pb, u_int8_t action, u_int8_t count)
{
	struct pfsync4_header h;

	if (pb->len > 1)
		pb_put(pb, FZ_SEP, FZ_SEPLEN);
	pb->start = pb->len;
	memset(&h, 0, sizeof(h));
	h.version = PFSYNC4_VERSION;
	h.af = AF_INET;
	h.action = action;
	h.count = count;
	pb_put(pb, &h, sizeof(h));
}

/* The record of state (id, creatorid), both in network order. */
static void
rec_state(u_int64_t id, u_int32_t creatorid, struct pfsync_state *sp)
{
	struct pf_state *st;

	if ((st = tstate_find(id, creatorid)) == NULL)
		abort();
	pfsync_state_export(sp, st);
}

/* The record of one of the firewall's states. */
static void
rec_local(struct fz *fz, int i, struct pfsync_state *sp)
{
	struct pf_state *st;

	st = tstate_find(fz->local_id[i], htonl(FZ_HOSTID));
	if (st == NULL)
		abort();
	pfsync_state_export(sp, st);
}

static void
rec_peer(u_int64_t id, struct pfsync_state *sp)
{
	struct pf_state *st;

	st = tstate_find(htobe64(id), htonl(FZ_PEERID));
	if (st == NULL)
		abort();
	pfsync_state_export(sp, st);
}

/* A state nobody has yet: local state 0 with another id and port. */
static void
rec_new(struct fz *fz, u_int64_t id, struct pfsync_state *sp)
{
	rec_local(fz, 0, sp);
	sp->id = htobe64(id);
	sp->creatorid = htonl(FZ_PEERID);
	sp->key[0].port[0] = sp->key[1].port[0] = htons((u_int16_t)(30000 +
	    id));
}

/* Move a record's TCP peers forward (a fresh update). */
static void
rec_advance(struct pfsync_state *sp, u_int32_t by)
{
	sp->src.seqlo = htonl(ntohl(sp->src.seqlo) + by);
	sp->src.seqhi = htonl(ntohl(sp->src.seqhi) + by);
	sp->dst.seqlo = htonl(ntohl(sp->dst.seqlo) + by / 2);
	sp->dst.seqhi = htonl(ntohl(sp->dst.seqhi) + by / 2);
}

static void
upd_c_of(const struct pfsync_state *sp, struct pfsync_upd_c *up)
{
	memset(up, 0, sizeof(*up));
	up->id = sp->id;
	up->src = sp->src;
	up->dst = sp->dst;
	up->creatorid = sp->creatorid;
	up->expire = sp->expire;
	up->timeout = sp->timeout;
}

static void
gen_v5(void)
{
	struct fz fz;
	struct pb pb;
	struct pfsync_state sp, sp2;
	struct pfsync_clr clr;
	struct pfsync_ins_ack ia;
	struct pfsync_upd_c up;
	struct pfsync_upd_req ur;
	struct pfsync_del_c dc;
	struct pfsync_bus bus;
	struct pfsync_tdb tdb;
	int i;

	fz_create(&fz, 0);
	for (i = 0; i < FZ_NLOCAL; i++)
		printf("local state %d: id %016llx creatorid %08x\n", i,
		    (unsigned long long)be64toh(fz.local_id[i]), FZ_HOSTID);
	printf("deferred state: id %016llx creatorid %08x\n",
	    (unsigned long long)be64toh(fz.defer_id), FZ_HOSTID);

	/* an empty packet, version stamped */
	pb_init(&pb, FZ_K_VERSION);
	pb_v5(&pb);
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-eof", pb.b, pb.len);

	/* CLR: the peer's states; ours on em0 */
	pb_init(&pb, FZ_K_CKSUM);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_CLR, 1);
	memset(&clr, 0, sizeof(clr));
	clr.creatorid = htonl(FZ_PEERID);
	pb_put(&pb, &clr, sizeof(clr));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-clr-peer", pb.b, pb.len);
	pb_init(&pb, 0);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_CLR, 2);
	strlcpy(clr.ifname, "all", sizeof(clr.ifname));
	clr.creatorid = htonl(FZ_HOSTID);
	pb_put(&pb, &clr, sizeof(clr));
	strlcpy(clr.ifname, "em0", sizeof(clr.ifname));
	pb_put(&pb, &clr, sizeof(clr));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-clr-ifname", pb.b, pb.len);

	/* INS of new states, one asking for an ack; rule 0 by checksum */
	pb_init(&pb, FZ_K_CKSUM | FZ_K_CLOCK);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_INS, 2);
	rec_new(&fz, 100, &sp);
	sp.rule = htonl(0);
	pb_put(&pb, &sp, sizeof(sp));
	rec_new(&fz, 101, &sp);
	sp.state_flags |= PFSTATE_ACK;
	pb_put(&pb, &sp, sizeof(sp));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-ins", pb.b, pb.len);

	/* INS of a state we have (id collision) */
	pb_init(&pb, 0);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_INS, 1);
	rec_peer(2, &sp);
	pb_put(&pb, &sp, sizeof(sp));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-ins-dup", pb.b, pb.len);

	/* INS_ACK for each of ours */
	pb_init(&pb, FZ_K_CLOCK);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_INS_ACK, FZ_NLOCAL);
	for (i = 0; i < FZ_NLOCAL; i++) {
		ia.id = fz.local_id[i];
		ia.creatorid = htonl(FZ_HOSTID);
		pb_put(&pb, &ia, sizeof(ia));
	}
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-iack", pb.b, pb.len);

	/* the deferred SYN's state: acked; updated (the hold dropped) */
	pb_init(&pb, 0);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_INS_ACK, 1);
	ia.id = fz.defer_id;
	ia.creatorid = htonl(FZ_HOSTID);
	pb_put(&pb, &ia, sizeof(ia));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-iack-defer", pb.b, pb.len);
	pb_init(&pb, FZ_K_CLOCK);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_UPD, 1);
	rec_state(fz.defer_id, htonl(FZ_HOSTID), &sp);
	rec_advance(&sp, 1);
	pb_put(&pb, &sp, sizeof(sp));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-upd-defer", pb.b, pb.len);

	/* UPD: the peer's TCP state moved on, ours moved back (stale) */
	for (i = 0; i < 3; i++) {
		pb_init(&pb, (u_int8_t)(i << 4));
		pb_v5(&pb);
		pb_sub(&pb, PFSYNC_ACT_UPD, 3);
		rec_peer(1, &sp);
		rec_advance(&sp, 1000);
		pb_put(&pb, &sp, sizeof(sp));
		rec_local(&fz, 0, &sp);
		rec_advance(&sp, (u_int32_t)-5000);
		pb_put(&pb, &sp, sizeof(sp));
		rec_peer(2, &sp);	/* UDP */
		sp.src.state = PFUDPS_SINGLE;
		pb_put(&pb, &sp, sizeof(sp));
		pb_v5_end(&pb);
		gen_write("pfsync_input", i == 0 ? "v5-upd-seed" : i == 1 ?
		    "v5-upd-peer" : "v5-upd-field", pb.b, pb.len);
	}

	/* UPD of a state we do not have: inserted */
	pb_init(&pb, 0);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_UPD, 1);
	rec_new(&fz, 200, &sp);
	pb_put(&pb, &sp, sizeof(sp));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-upd-new", pb.b, pb.len);

	/* UPD_C of every state, known and unknown (asks for it) */
	pb_init(&pb, FZ_K_CLOCK);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_UPD_C, FZ_NLOCAL + FZ_NPEER + 1);
	for (i = 0; i < FZ_NLOCAL; i++) {
		rec_local(&fz, i, &sp);
		rec_advance(&sp, 500);
		upd_c_of(&sp, &up);
		pb_put(&pb, &up, sizeof(up));
	}
	for (i = 1; i <= FZ_NPEER; i++) {
		rec_peer((u_int64_t)i, &sp);
		rec_advance(&sp, 500);
		upd_c_of(&sp, &up);
		pb_put(&pb, &up, sizeof(up));
	}
	up.id = htobe64(999);
	pb_put(&pb, &up, sizeof(up));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-upd-c", pb.b, pb.len);

	/* UPD_C beyond maxupdates: the same state many times */
	pb_init(&pb, 3);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_UPD_C, 6);
	rec_peer(4, &sp);
	for (i = 0; i < 6; i++) {
		rec_advance(&sp, 100);
		upd_c_of(&sp, &up);
		pb_put(&pb, &up, sizeof(up));
	}
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-upd-c-repeat", pb.b, pb.len);

	/* UPD_REQ: one state, and 0/0 (a bulk update) */
	pb_init(&pb, FZ_K_CLOCK);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_UPD_REQ, 2);
	ur.id = fz.local_id[1];
	ur.creatorid = htonl(FZ_HOSTID);
	pb_put(&pb, &ur, sizeof(ur));
	memset(&ur, 0, sizeof(ur));
	pb_put(&pb, &ur, sizeof(ur));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-ureq", pb.b, pb.len);

	/* DEL and DEL_C */
	pb_init(&pb, 0);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_DEL, 2);
	rec_peer(1, &sp);
	pb_put(&pb, &sp, sizeof(sp));
	rec_local(&fz, 2, &sp);
	pb_put(&pb, &sp, sizeof(sp));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-del", pb.b, pb.len);
	pb_init(&pb, FZ_K_CLOCK);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_DEL_C, FZ_NLOCAL + FZ_NPEER);
	for (i = 0; i < FZ_NLOCAL; i++) {
		dc.id = fz.local_id[i];
		dc.creatorid = htonl(FZ_HOSTID);
		pb_put(&pb, &dc, sizeof(dc));
	}
	for (i = 1; i <= FZ_NPEER; i++) {
		dc.id = htobe64((u_int64_t)i);
		dc.creatorid = htonl(FZ_PEERID);
		pb_put(&pb, &dc, sizeof(dc));
	}
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-del-c", pb.b, pb.len);

	/* BUS start and end, answering our bulk request */
	pb_init(&pb, FZ_K_BULK | FZ_K_CLOCK);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_BUS, 1);
	memset(&bus, 0, sizeof(bus));
	bus.creatorid = htonl(FZ_PEERID);
	bus.status = PFSYNC_BUS_START;
	pb_put(&pb, &bus, sizeof(bus));
	pb_v5_end(&pb);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_INS, 1);
	rec_new(&fz, 300, &sp);
	pb_put(&pb, &sp, sizeof(sp));
	pb_sub(&pb, PFSYNC_ACT_BUS, 1);
	bus.endtime = htonl(1);
	bus.status = PFSYNC_BUS_END;
	pb_put(&pb, &bus, sizeof(bus));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-bus", pb.b, pb.len);

	/* TDB and the unimplemented INS_F */
	pb_init(&pb, 0);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_TDB, 1);
	memset(&tdb, 0, sizeof(tdb));
	tdb.spi = htonl(0x1000);
	tdb.sproto = 50;
	pb_put(&pb, &tdb, sizeof(tdb));
	pb_sub(&pb, PFSYNC_ACT_INS_F, 0);
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-tdb-insf", pb.b, pb.len);

	/* a life: INS, UPD_C, UPD_REQ, DEL_C in four packets */
	pb_init(&pb, FZ_K_CKSUM | FZ_K_CLOCK);
	rec_new(&fz, 400, &sp);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_INS, 1);
	pb_put(&pb, &sp, sizeof(sp));
	pb_v5_end(&pb);
	pb_v5(&pb);
	sp2 = sp;
	rec_advance(&sp2, 3000);
	upd_c_of(&sp2, &up);
	pb_sub(&pb, PFSYNC_ACT_UPD_C, 1);
	pb_put(&pb, &up, sizeof(up));
	pb_v5_end(&pb);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_UPD_REQ, 1);
	ur.id = sp.id;
	ur.creatorid = sp.creatorid;
	pb_put(&pb, &ur, sizeof(ur));
	pb_v5_end(&pb);
	pb_v5(&pb);
	pb_sub(&pb, PFSYNC_ACT_DEL_C, 1);
	dc.id = sp.id;
	dc.creatorid = sp.creatorid;
	pb_put(&pb, &dc, sizeof(dc));
	pb_v5_end(&pb);
	gen_write("pfsync_input", "v5-life", pb.b, pb.len);

	/* state records for fuzz_pfsync_state_import */
	for (i = 0; i < FZ_NLOCAL; i++) {
		char name[32];
		u_int8_t in[1 + sizeof(sp) + 2 * 16];

		/* our state i's connection, from another source port */
		rec_local(&fz, i, &sp);
		sp.id = htobe64(500 + (u_int64_t)i);
		sp.creatorid = htonl(FZ_PEERID);
		sp.key[0].port[0] = sp.key[1].port[0] =
		    htons((u_int16_t)(40000 + i));
		in[0] = (u_int8_t)i;		/* each path */
		memcpy(in + 1, &sp, sizeof(sp));
		/* an ACK each way inside the window, no options */
		memset(in + 1 + sizeof(sp), 0, 32);
		in[1 + sizeof(sp)] = 0;
		in[1 + sizeof(sp) + 1] = TH_ACK;
		memcpy(in + 1 + sizeof(sp) + 2, &sp.src.seqlo, 4);
		memcpy(in + 1 + sizeof(sp) + 6, &sp.dst.seqlo, 4);
		in[1 + sizeof(sp) + 10] = 0x10;
		in[1 + sizeof(sp) + 12] = 0xff;
		in[1 + sizeof(sp) + 16] = FZ_P_REVERSE;
		in[1 + sizeof(sp) + 17] = TH_ACK;
		memcpy(in + 1 + sizeof(sp) + 18, &sp.dst.seqlo, 4);
		memcpy(in + 1 + sizeof(sp) + 22, &sp.src.seqlo, 4);
		in[1 + sizeof(sp) + 26] = 0x10;
		in[1 + sizeof(sp) + 28] = 0xff;
		snprintf(name, sizeof(name), "tcp-%d", i);
		gen_write("pfsync_state_import", name, in, sizeof(in));
	}
	for (i = 1; i <= FZ_NPEER; i++) {
		char name[32];
		u_int8_t in[1 + sizeof(sp) + 16];

		rec_peer((u_int64_t)i, &sp);
		sp.id = htobe64(600 + (u_int64_t)i);
		in[0] = (u_int8_t)(0x40 | 0x20 | (i & 3));
		memcpy(in + 1, &sp, sizeof(sp));
		memset(in + 1 + sizeof(sp), 0, 16);
		in[1 + sizeof(sp) + 12] = 0xff;
		in[1 + sizeof(sp) + 14] = 100;
		in[1 + sizeof(sp) + 15] = 8;	/* ICMP echo */
		snprintf(name, sizeof(name), "peer-%d", i);
		gen_write("pfsync_state_import", name, in, sizeof(in));
	}
	/* an update of our own state 0 (collide), field merge, bulk */
	{
		u_int8_t in[1 + sizeof(sp)];

		rec_local(&fz, 0, &sp);
		rec_advance(&sp, 7000);
		in[0] = 0x80 | 0x10 | 0x08 | 3;
		memcpy(in + 1, &sp, sizeof(sp));
		gen_write("pfsync_state_import", "collide-upd", in,
		    sizeof(in));
	}
	fz_destroy(&fz);
}

static void
gen_v4(int split)
{
	struct fz fz;
	struct pb pb;
	struct pfsync_state sp;
	struct pfsync4_state_upd up;
	struct pfsync4_state_del dl;
	struct pfsync4_state_upd_req ur;
	struct pfsync4_state_clr clr;
	struct pfsync4_state_bus bus;
	struct pfsync4_ins_ack ia;
	u_int8_t k = split ? 2 : 1;
	const char *v = split ? "v4split" : "v4";
	char name[64];
	int i;

	fz_create(&fz, k);

	pb_init(&pb, k);
	pb_v4(&pb, PFSYNC4_ACT_CLR, 0);
	memset(&clr, 0, sizeof(clr));
	clr.creatorid = htonl(FZ_PEERID);
	pb_put(&pb, &clr, sizeof(clr));
	snprintf(name, sizeof(name), "%s-clr", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	pb_init(&pb, k | FZ_K_CKSUM | FZ_K_CLOCK);
	pb_v4(&pb, PFSYNC4_ACT_INS, 2);
	rec_new(&fz, 100, &sp);
	sp.rule = htonl(0);
	pb_put(&pb, &sp, sizeof(sp));
	rec_new(&fz, 101, &sp);
	pb_put(&pb, &sp, sizeof(sp));
	snprintf(name, sizeof(name), "%s-ins", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	pb_init(&pb, k);
	pb_v4(&pb, PFSYNC4_ACT_UPD, 2);
	rec_peer(1, &sp);
	rec_advance(&sp, 1000);
	pb_put(&pb, &sp, sizeof(sp));
	rec_local(&fz, 0, &sp);
	rec_advance(&sp, (u_int32_t)-5000);
	pb_put(&pb, &sp, sizeof(sp));
	snprintf(name, sizeof(name), "%s-upd", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	pb_init(&pb, k | FZ_K_CLOCK);
	pb_v4(&pb, PFSYNC4_ACT_UPD_C, FZ_NLOCAL + FZ_NPEER);
	for (i = 0; i < FZ_NLOCAL + FZ_NPEER; i++) {
		if (i < FZ_NLOCAL)
			rec_local(&fz, i, &sp);
		else
			rec_peer((u_int64_t)(i - FZ_NLOCAL + 1), &sp);
		rec_advance(&sp, 700);
		memset(&up, 0, sizeof(up));
		memcpy(up.id, &sp.id, sizeof(up.id));
		up.src = sp.src;
		up.dst = sp.dst;
		up.creatorid = sp.creatorid;
		up.expire = sp.expire;
		up.timeout = sp.timeout;
		up.updates = (u_int8_t)i;
		pb_put(&pb, &up, sizeof(up));
	}
	snprintf(name, sizeof(name), "%s-upd-c", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	pb_init(&pb, k);
	pb_v4(&pb, PFSYNC4_ACT_DEL, 1);
	rec_peer(3, &sp);
	pb_put(&pb, &sp, sizeof(sp));
	snprintf(name, sizeof(name), "%s-del", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	pb_init(&pb, k);
	pb_v4(&pb, PFSYNC4_ACT_DEL_C, FZ_NPEER + 1);
	for (i = 1; i <= FZ_NPEER; i++) {
		memset(&dl, 0, sizeof(dl));
		rec_peer((u_int64_t)i, &sp);
		memcpy(dl.id, &sp.id, sizeof(dl.id));
		dl.creatorid = sp.creatorid;
		pb_put(&pb, &dl, sizeof(dl));
	}
	memcpy(dl.id, &fz.local_id[0], sizeof(dl.id));
	dl.creatorid = htonl(FZ_HOSTID);
	pb_put(&pb, &dl, sizeof(dl));
	snprintf(name, sizeof(name), "%s-del-c", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	pb_init(&pb, k | FZ_K_CLOCK);
	pb_v4(&pb, PFSYNC4_ACT_UREQ, 2);
	memset(&ur, 0, sizeof(ur));
	memcpy(ur.id, &fz.local_id[1], sizeof(ur.id));
	ur.creatorid = htonl(FZ_HOSTID);
	pb_put(&pb, &ur, sizeof(ur));
	memset(&ur, 0, sizeof(ur));
	pb_put(&pb, &ur, sizeof(ur));
	snprintf(name, sizeof(name), "%s-ureq", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	pb_init(&pb, k | FZ_K_BULK | FZ_K_CLOCK);
	memset(&bus, 0, sizeof(bus));
	bus.creatorid = htonl(FZ_PEERID);
	bus.status = PFSYNC_BUS_START;
	pb_v4(&pb, PFSYNC4_ACT_BUS, 0);
	pb_put(&pb, &bus, sizeof(bus));
	bus.status = PFSYNC_BUS_END;
	bus.endtime = htonl(1);
	pb_v4(&pb, PFSYNC4_ACT_BUS, 0);
	pb_put(&pb, &bus, sizeof(bus));
	snprintf(name, sizeof(name), "%s-bus", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	pb_init(&pb, k);
	pb_v4(&pb, PFSYNC4_ACT_TDB_UPD, 1);
	memset(name, 0, sizeof(name));
	pb_put(&pb, name, 48);
	snprintf(name, sizeof(name), "%s-tdb", v);
	gen_write("pfsync_input", name, pb.b, pb.len);

	if (split) {
		pb_init(&pb, k | FZ_K_CLOCK);
		pb_v4(&pb, PFSYNC4_ACT_IACK, FZ_NLOCAL);
		for (i = 0; i < FZ_NLOCAL; i++) {
			memset(&ia, 0, sizeof(ia));
			memcpy(ia.id, &fz.local_id[i], sizeof(ia.id));
			ia.creatorid = htonl(FZ_HOSTID);
			pb_put(&pb, &ia, sizeof(ia));
		}
		gen_write("pfsync_input", "v4split-iack", pb.b, pb.len);
		pb_init(&pb, k);
		pb_v4(&pb, PFSYNC4_ACT_IACK, 1);
		memset(&ia, 0, sizeof(ia));
		memcpy(ia.id, &fz.defer_id, sizeof(ia.id));
		ia.creatorid = htonl(FZ_HOSTID);
		pb_put(&pb, &ia, sizeof(ia));
		gen_write("pfsync_input", "v4split-iack-defer", pb.b,
		    pb.len);
	}
	fz_destroy(&fz);
}

/* The pfsync payloads of a capture (Ethernet, IPv4, protocol 240). */
static void
gen_pcap(const char *path, int knob)
{
	char errbuf[PCAP_ERRBUF_SIZE], name[256];
	const char *slash = strrchr(path, '/');
	char base[128];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc;
	u_int8_t in[1 + FZ_MAXPKT];
	u_int8_t seen[GEN_MAXCAP * 4][16];
	u_int8_t rec[1 + sizeof(struct pfsync_state)];
	int nseen = 0, ncap = 0, nrec = 0, off, n, hl;

	/* "cap-NAME" from ".../NAME.pcap" */
	snprintf(base, sizeof(base), "cap-%s", slash ? slash + 1 : path);
	if (strlen(base) > 5 && strcmp(base + strlen(base) - 5, ".pcap") == 0)
		base[strlen(base) - 5] = '\0';
	if ((pc = pcap_open_offline(path, errbuf)) == NULL) {
		fprintf(stderr, "gen_corpus: %s\n", errbuf);
		exit(1);
	}
	while (pcap_next_ex(pc, &h, &d) == 1 && ncap < GEN_MAXCAP) {
		u_int8_t sig[16];
		int i, dup = 0, a, cnt;

		if (h->caplen < 14 + 20 || d[12] != 0x08 || d[13] != 0x00 ||
		    d[14 + 9] != IPPROTO_PFSYNC)
			continue;
		hl = (d[14] & 0x0f) * 4;
		off = 14 + hl;
		n = (int)h->caplen - off;
		if (n <= 0 || n > FZ_MAXPKT - 20)
			continue;
		/* one of each mix of actions (v5) or action (v4) */
		memset(sig, 0, sizeof(sig));
		if (d[off] == PFSYNC_VERSION) {
			for (i = 20; i + 4 <= n; ) {
				static const int sz[] = { 20, 240, 12, 240,
				    84, 12, 240, 12, 0, 0, 12, 48, 20 };

				a = d[off + i];
				cnt = d[off + i + 2] << 8 | d[off + i + 3];
				if (a >= PFSYNC_ACT_MAX)
					break;
				sig[a] = 1;
				if ((a == PFSYNC_ACT_INS ||
				    a == PFSYNC_ACT_UPD) && cnt > 0 &&
				    nrec < GEN_MAXREC && i + 4 + 240 <= n) {
					rec[0] = (u_int8_t)(a == PFSYNC_ACT_UPD ?
					    3 : 0);
					memcpy(rec + 1, d + off + i + 4, 240);
					snprintf(name, sizeof(name),
					    "%s-rec%d", base, nrec++);
					gen_write("pfsync_state_import", name,
					    rec, sizeof(rec));
				}
				if (a == PFSYNC_ACT_EOF)
					break;
				i += 4 + cnt * sz[a];
			}
		} else {
			sig[0] = d[off + 2];
			sig[1] = d[off + 3] > 1;
			if ((d[off + 2] == PFSYNC4_ACT_INS ||
			    d[off + 2] == PFSYNC4_ACT_UPD) && n >= 260 &&
			    nrec < GEN_MAXREC) {
				rec[0] = (u_int8_t)knob;
				memcpy(rec + 1, d + off + 20, 240);
				snprintf(name, sizeof(name), "%s-rec%d", base,
				    nrec++);
				gen_write("pfsync_state_import", name, rec,
				    sizeof(rec));
			}
		}
		for (i = 0; i < nseen; i++)
			if (memcmp(seen[i], sig, sizeof(sig)) == 0)
				dup = 1;
		if (dup || nseen == (int)nitems(seen))
			continue;
		memcpy(seen[nseen++], sig, sizeof(sig));
		in[0] = (u_int8_t)knob;
		memcpy(in + 1, d + off, (size_t)n);
		snprintf(name, sizeof(name), "%s-%d", base, ncap++);
		gen_write("pfsync_input", name, in, (size_t)n + 1);
	}
	pcap_close(pc);
}

int
main(int argc, char **argv)
{
	int i;

	if (argc < 2 || argc % 2 != 0) {
		fprintf(stderr, "usage: fuzz_gen_corpus OUTDIR "
		    "[CAPTURE.pcap KNOB]...\n");
		return (2);
	}
	outdir = argv[1];
	gen_v5();
	gen_v4(0);
	gen_v4(1);
	for (i = 2; i + 1 < argc; i += 2)
		gen_pcap(argv[i], atoi(argv[i + 1]));
	printf("gen_corpus: %d files\n", nwritten);
	return (0);
}
