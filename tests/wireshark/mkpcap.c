/*
 * mkpcap: write sample pfsync captures for the Wireshark dissector tests.
 *
 * Every packet is built byte by byte from the offsets in the pfsync wire
 * reference (pfsync v5 header, sub-headers, messages; the v4 header and
 * records), without the simulator's own structures, so that the dissector
 * is checked against the reference and not against pfsim.
 *
 * usage: mkpcap OUTDIR
 *
 * Writes, in OUTDIR:
 *	v5_mixed.pcap	INS 1, UPD_C 2, DEL_C 1, UPD_REQ 1, EOF
 *	v5_clr.pcap	CLR 1, EOF
 *	v5_bulk.pcap	bulk UPD_REQ; BUS start; UPD 2 + BUS end
 *	v5_misc.pcap	INS_ACK 2, DEL 1, TDB 1, EOF
 *	v4.pcap		one v4 packet per action, and pfsim's v4 IACK
 *	bad_*.pcap	one malformed packet each
 *	snapped.pcap	v5_mixed cut by a 200-byte snap length
 *	pfsync0.pcap	LINKTYPE_PFSYNC (246): no Ethernet, no IP
 *	pfsync0_be.pcap	the same, big-endian file with microsecond stamps
 *	fuzz.pcap	every prefix and many byte mutations of the good
 *			packets: must decode without a dissector error
 */

#include <err.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef DLT_PFSYNC
#define DLT_PFSYNC	246
#endif

/* pfsync v5 actions */
#define ACT_CLR		0
#define ACT_INS		1
#define ACT_INS_ACK	2
#define ACT_UPD		3
#define ACT_UPD_C	4
#define ACT_UPD_REQ	5
#define ACT_DEL		6
#define ACT_DEL_C	7
#define ACT_BUS		10
#define ACT_TDB		11
#define ACT_EOF		12

/* pfsync v4 actions */
#define ACT4_CLR	0
#define ACT4_INS	1
#define ACT4_UPD	2
#define ACT4_DEL	3
#define ACT4_UPD_C	4
#define ACT4_DEL_C	5
#define ACT4_INS_F	6
#define ACT4_UREQ	8
#define ACT4_BUS	9
#define ACT4_TDB_UPD	10
#define ACT4_IACK	11	/* pfsim's v4-split only */

#define CREATOR_A	0x0a0b0c0dU
#define CREATOR_B	0x1a1b1c1dU

#define ETHER_HDR_LEN	14
#define IP_HDR_LEN	20
#define PFSYNC_HDR_LEN	20
#define ETHER_MIN_LEN	60	/* without FCS */

struct buf {
	uint8_t		b[4096];
	size_t		len;
};

/* One TCP peer as in struct pfsync_state_peer. */
struct peer {
	uint32_t	seqlo;
	uint32_t	seqhi;
	uint32_t	seqdiff;
	uint16_t	max_win;
	uint16_t	mss;
	uint8_t		state;
	uint8_t		wscale;
};

/* The values of one struct pfsync_state the samples vary. */
struct state {
	uint64_t	id;
	const char	*ifname;
	uint32_t	addr[2];	/* IPv4, host order */
	uint16_t	port[2];
	struct peer	src;
	struct peer	dst;
	uint32_t	rule;
	uint32_t	creation;
	uint32_t	expire;
	uint64_t	packets[2];
	uint64_t	bytes[2];
	uint32_t	creatorid;
	uint8_t		af;
	uint8_t		proto;
	uint8_t		direction;
	uint8_t		state_flags;
	uint8_t		timeout;
	uint8_t		sync_flags;
};

static struct timespec now = { 1234567890, 0 };

static void
put8(struct buf *b, uint8_t v)
{
	if (b->len + 1 > sizeof(b->b))
		errx(1, "packet buffer full");
	b->b[b->len++] = v;
}

static void
put16(struct buf *b, uint16_t v)
{
	put8(b, v >> 8);
	put8(b, v & 0xff);
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static void
put64(struct buf *b, uint64_t v)
{
	put32(b, v >> 32);
	put32(b, v & 0xffffffffU);
}

static void
putzero(struct buf *b, size_t n)
{
	while (n-- > 0)
		put8(b, 0);
}

/* A NUL-padded name of exactly n bytes. */
static void
putname(struct buf *b, const char *s, size_t n)
{
	size_t	 i, l;

	l = strlen(s);
	for (i = 0; i < n; i++)
		put8(b, i < l ? (uint8_t)s[i] : 0);
}

/* A 16-byte struct pf_addr holding an IPv4 address. */
static void
putaddr4(struct buf *b, uint32_t a)
{
	put32(b, a);
	putzero(b, 12);
}

static void
set16(struct buf *b, size_t off, uint16_t v)
{
	b->b[off] = v >> 8;
	b->b[off + 1] = v & 0xff;
}

static uint32_t
ip4(int a, int b, int c, int d)
{
	return ((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 |
	    (uint32_t)d);
}

/*
 * pfsync v5.
 */

/* struct pfsync_header; the length is patched by v5_end(). */
static void
v5_begin(struct buf *b)
{
	int	 i;

	b->len = 0;
	put8(b, 5);		/* version */
	put8(b, 0);		/* _pad */
	put16(b, 0);		/* len */
	for (i = 0; i < 16; i++)
		put8(b, 0xc0 + i);	/* pfcksum */
}

static void
v5_end(struct buf *b)
{
	set16(b, 2, b->len);
}

/* struct pfsync_subheader */
static void
subh(struct buf *b, uint8_t action, uint16_t count)
{
	put8(b, action);
	put8(b, 0);
	put16(b, count);
}

/* EOF sub-header and a 20-byte body of zeros. */
static void
eof5(struct buf *b)
{
	subh(b, ACT_EOF, 1);
	putzero(b, 20);
}

/* struct pfsync_state_peer (32 bytes); no scrub data. */
static void
put_peer(struct buf *b, const struct peer *p)
{
	putzero(b, 8);		/* scrub */
	put32(b, p->seqlo);
	put32(b, p->seqhi);
	put32(b, p->seqdiff);
	put16(b, p->max_win);
	put16(b, p->mss);
	put8(b, p->state);
	put8(b, p->wscale);
	putzero(b, 6);		/* pad */
}

/* struct pfsync_state (240 bytes), the same in v5 and v4. */
static void
put_state(struct buf *b, const struct state *s)
{
	size_t	 start = b->len;
	int	 k, i;

	put64(b, s->id);
	putname(b, s->ifname, 16);
	for (k = 0; k < 2; k++) {	/* key[0] wire, key[1] stack */
		putaddr4(b, s->addr[0]);
		putaddr4(b, s->addr[1]);
		put16(b, s->port[0]);
		put16(b, s->port[1]);
	}
	put_peer(b, &s->src);
	put_peer(b, &s->dst);
	putzero(b, 16);		/* rt_addr */
	put32(b, s->rule);
	put32(b, 0xffffffffU);	/* anchor */
	put32(b, 0xffffffffU);	/* nat_rule */
	put32(b, s->creation);
	put32(b, s->expire);
	for (i = 0; i < 2; i++)
		put64(b, s->packets[i]);
	for (i = 0; i < 2; i++)
		put64(b, s->bytes[i]);
	put32(b, s->creatorid);
	put8(b, s->af);
	put8(b, s->proto);
	put8(b, s->direction);
	put8(b, 0);		/* log */
	put8(b, s->state_flags);
	put8(b, s->timeout);
	put8(b, s->sync_flags);
	put8(b, 0);		/* updates */
	if (b->len - start != 240)
		errx(1, "pfsync_state is %zu bytes", b->len - start);
}

/* struct pfsync_upd_c (84 bytes) */
static void
put_upd_c(struct buf *b, uint64_t id, const struct peer *src,
    const struct peer *dst, uint32_t creator, uint32_t expire,
    uint8_t timeout)
{
	put64(b, id);
	put_peer(b, src);
	put_peer(b, dst);
	put32(b, creator);
	put32(b, expire);
	put8(b, timeout);
	putzero(b, 3);
}

/* struct pfsync_ins_ack, pfsync_upd_req, pfsync_del_c (12 bytes) */
static void
put_idc(struct buf *b, uint64_t id, uint32_t creator)
{
	put64(b, id);
	put32(b, creator);
}

/* struct pfsync_clr (20 bytes) */
static void
put_clr(struct buf *b, const char *ifname, uint32_t creator)
{
	putname(b, ifname, 16);
	put32(b, creator);
}

/* struct pfsync_bus (12 bytes) */
static void
put_bus(struct buf *b, uint32_t creator, uint32_t endtime, uint8_t status)
{
	put32(b, creator);
	put32(b, endtime);
	put8(b, status);
	putzero(b, 3);
}

/* struct pfsync_tdb (48 bytes) with an AF_INET sockaddr for dst. */
static void
put_tdb(struct buf *b, uint32_t spi, uint32_t dst, uint32_t rpl,
    uint64_t cur_bytes)
{
	put32(b, spi);
	put8(b, 16);		/* sin_len */
	put8(b, 2);		/* sin_family AF_INET */
	put16(b, 0);		/* sin_port */
	put32(b, dst);		/* sin_addr */
	putzero(b, 28 - 8);	/* rest of the sockaddr_union */
	put32(b, rpl);
	put64(b, cur_bytes);
	put8(b, 50);		/* sproto IPPROTO_ESP */
	put8(b, 3);		/* updates */
	putzero(b, 2);
}

/*
 * pfsync v4: one action per packet, count records, no EOF.
 */
static void
v4_begin(struct buf *b, uint8_t action, uint8_t count)
{
	int	 i;

	b->len = 0;
	put8(b, 4);		/* version */
	put8(b, 0);		/* af */
	put8(b, action);
	put8(b, count);
	for (i = 0; i < 16; i++)
		put8(b, 0xd0 + i);	/* pf_chksum */
}

/* struct pfsync_state_upd (88 bytes) */
static void
put4_upd_c(struct buf *b, uint64_t id, const struct peer *src,
    const struct peer *dst, uint32_t creator, uint32_t expire,
    uint8_t timeout, uint8_t updates)
{
	put64(b, id);
	put_peer(b, src);
	put_peer(b, dst);
	put32(b, creator);
	put32(b, expire);
	put8(b, timeout);
	put8(b, updates);
	putzero(b, 6);
}

/* struct pfsync_state_del (16 bytes) */
static void
put4_del_c(struct buf *b, uint64_t id, uint32_t creator, uint8_t sstate,
    uint8_t dstate)
{
	put64(b, id);
	put32(b, creator);
	put8(b, sstate);
	put8(b, dstate);
	putzero(b, 2);
}

/*
 * Capture files.
 */
struct out {
	pcap_t		*p;
	pcap_dumper_t	*d;
	int		 dlt;
	uint32_t	 src;	/* IPv4 source of the next packet */
	uint8_t		 ttl;
	uint32_t	 snap;	/* 0: no snap length */
};

static void
out_open(struct out *o, const char *dir, const char *name, int dlt)
{
	char	 path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	o->p = pcap_open_dead_with_tstamp_precision(dlt, 65535,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (o->p == NULL)
		errx(1, "pcap_open_dead");
	o->d = pcap_dump_open(o->p, path);
	if (o->d == NULL)
		errx(1, "%s: %s", path, pcap_geterr(o->p));
	o->dlt = dlt;
	o->src = ip4(10, 0, 3, 1);
	o->ttl = 255;
	o->snap = 0;
}

static void
out_close(struct out *o)
{
	pcap_dump_close(o->d);
	pcap_close(o->p);
}

static uint16_t
in_cksum(const uint8_t *p, size_t len)
{
	uint32_t	 sum = 0;
	size_t		 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (~sum & 0xffff);
}

/* Write one pfsync payload, framed as the capture's link type wants. */
static void
emit(struct out *o, const struct buf *pl)
{
	static uint16_t		 ipid = 0x1000;
	static const uint8_t	 dmac[6] = {	/* 224.0.0.240 */
		0x01, 0x00, 0x5e, 0x00, 0x00, 0xf0 };
	static const uint8_t	 smac[6] = {	/* locally administered */
		0x02, 0x00, 0x00, 0x00, 0x03, 0x01 };
	struct pcap_pkthdr	 h;
	struct buf		 f;
	size_t			 ip;
	uint16_t		 sum;

	f.len = 0;
	if (o->dlt == DLT_PFSYNC) {
		memcpy(f.b, pl->b, pl->len);
		f.len = pl->len;
	} else {
		memcpy(f.b, dmac, 6);
		memcpy(f.b + 6, smac, 6);
		f.len = 12;
		put16(&f, 0x0800);		/* ETHERTYPE_IP */
		ip = f.len;
		put8(&f, 0x45);			/* v4, 20 bytes */
		put8(&f, 0x10);			/* IPTOS_LOWDELAY */
		put16(&f, IP_HDR_LEN + pl->len);
		put16(&f, ipid++);
		put16(&f, 0x4000);		/* DF */
		put8(&f, o->ttl);
		put8(&f, 240);			/* IPPROTO_PFSYNC */
		put16(&f, 0);			/* checksum, below */
		put32(&f, o->src);
		put32(&f, ip4(224, 0, 0, 240));	/* INADDR_PFSYNC_GROUP */
		sum = in_cksum(f.b + ip, IP_HDR_LEN);
		set16(&f, ip + 10, sum);
		memcpy(f.b + f.len, pl->b, pl->len);
		f.len += pl->len;
		if (f.len < ETHER_MIN_LEN)
			putzero(&f, ETHER_MIN_LEN - f.len);
	}

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = now.tv_sec;
	h.ts.tv_usec = now.tv_nsec;	/* nanoseconds: see tstamp precision */
	h.len = f.len;
	h.caplen = (o->snap != 0 && o->snap < f.len) ? o->snap : f.len;
	pcap_dump((u_char *)o->d, &h, f.b);

	now.tv_nsec += 1000123;
	if (now.tv_nsec >= 1000000000) {
		now.tv_nsec -= 1000000000;
		now.tv_sec++;
	}
}

/*
 * Sample contents.
 */
static const struct peer peer_syn = { 1001, 1001 + 65535, 0, 65535, 0,
    2 /* SYN_SENT */, 0x80 | 6 };
static const struct peer peer_listen = { 0, 1, 0, 1, 0,
    0 /* CLOSED */, 0 };
static const struct peer peer_est_a = { 1001, 9001 + 64240, 0, 64240, 0,
    4 /* ESTABLISHED */, 0x80 | 7 };
static const struct peer peer_est_b = { 9001, 1001 + 65535, 0, 65535, 0,
    4, 0x80 | 6 };
static const struct peer peer_est_c = { 5001, 7001 + 29200, 0, 29200, 0,
    4, 0x80 | 7 };
static const struct peer peer_est_d = { 7001, 5001 + 65535, 0, 65535, 0,
    4, 0x80 | 6 };

static void
sample_state(struct state *s, uint64_t id)
{
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->ifname = "em0";
	s->addr[0] = ip4(10, 0, 1, 10);
	s->addr[1] = ip4(10, 0, 2, 20);
	s->port[0] = 40000;
	s->port[1] = 80;
	s->src = peer_syn;
	s->dst = peer_listen;
	s->rule = 0;
	s->creation = 0;
	s->expire = 30;
	s->packets[0] = 1;
	s->bytes[0] = 60;
	s->creatorid = CREATOR_A;
	s->af = 2;		/* AF_INET */
	s->proto = 6;		/* TCP */
	s->direction = 1;	/* PF_IN */
	s->state_flags = 0x10;	/* PFSTATE_ACK */
	s->timeout = 1;		/* PFTM_TCP_OPENING */
	s->sync_flags = 0;
}

/* INS 1, UPD_C 2, DEL_C 1, UPD_REQ 1, EOF */
static void
build_mixed(struct buf *b)
{
	struct state	 s;

	sample_state(&s, 0x1001);
	v5_begin(b);
	subh(b, ACT_INS, 1);
	put_state(b, &s);
	subh(b, ACT_UPD_C, 2);
	put_upd_c(b, 0x1001, &peer_est_a, &peer_est_b, CREATOR_A, 86400, 2);
	put_upd_c(b, 0x1002, &peer_est_c, &peer_est_d, CREATOR_B, 86399, 2);
	subh(b, ACT_DEL_C, 1);
	put_idc(b, 0x0fff, CREATOR_A);
	subh(b, ACT_UPD_REQ, 1);
	put_idc(b, 0x2001, CREATOR_B);
	eof5(b);
	v5_end(b);
}

static void
build_clr(struct buf *b)
{
	v5_begin(b);
	subh(b, ACT_CLR, 1);
	put_clr(b, "", CREATOR_A);
	eof5(b);
	v5_end(b);
}

static void
build_v4_upd_c(struct buf *b)
{
	v4_begin(b, ACT4_UPD_C, 2);
	put4_upd_c(b, 0x3001, &peer_est_a, &peer_est_b, CREATOR_A, 86400, 2,
	    1);
	put4_upd_c(b, 0x3002, &peer_est_c, &peer_est_d, CREATOR_A, 86400, 2,
	    5);
}

static void
write_good(const char *dir)
{
	struct out	 o;
	struct buf	 b;
	struct state	 s;

	out_open(&o, dir, "v5_mixed.pcap", DLT_EN10MB);
	build_mixed(&b);
	emit(&o, &b);
	out_close(&o);

	out_open(&o, dir, "v5_clr.pcap", DLT_EN10MB);
	build_clr(&b);
	emit(&o, &b);
	out_close(&o);

	/* A bulk update as fwB sees it from both sides. */
	out_open(&o, dir, "v5_bulk.pcap", DLT_EN10MB);
	o.src = ip4(10, 0, 3, 2);
	v5_begin(&b);
	subh(&b, ACT_UPD_REQ, 1);
	put_idc(&b, 0, 0);		/* bulk request */
	eof5(&b);
	v5_end(&b);
	emit(&o, &b);
	o.src = ip4(10, 0, 3, 1);
	v5_begin(&b);
	subh(&b, ACT_BUS, 1);
	put_bus(&b, CREATOR_A, 0, 1);	/* PFSYNC_BUS_START */
	eof5(&b);
	v5_end(&b);
	emit(&o, &b);
	v5_begin(&b);
	subh(&b, ACT_UPD, 2);
	sample_state(&s, 0x1001);
	s.src = peer_est_a;
	s.dst = peer_est_b;
	s.timeout = 2;
	s.expire = 86400;
	s.packets[1] = 7;
	s.bytes[1] = 4096;
	put_state(&b, &s);
	sample_state(&s, 0x1002);
	s.creatorid = CREATOR_B;
	s.direction = 2;		/* PF_OUT */
	s.src = peer_est_c;
	s.dst = peer_est_d;
	s.timeout = 2;
	put_state(&b, &s);
	subh(&b, ACT_BUS, 1);
	put_bus(&b, CREATOR_A, 1, 2);	/* PFSYNC_BUS_END */
	eof5(&b);
	v5_end(&b);
	emit(&o, &b);
	out_close(&o);

	/* The rarer messages: INS_ACK, a full DEL, TDB. */
	out_open(&o, dir, "v5_misc.pcap", DLT_EN10MB);
	v5_begin(&b);
	subh(&b, ACT_INS_ACK, 2);
	put_idc(&b, 0x1001, CREATOR_A);
	put_idc(&b, 0x1002, CREATOR_B);
	subh(&b, ACT_DEL, 1);
	sample_state(&s, 0x0ffe);
	put_state(&b, &s);
	subh(&b, ACT_TDB, 1);
	put_tdb(&b, 0x12345678, ip4(192, 0, 2, 1), 16384 + 42, 123456789);
	eof5(&b);
	v5_end(&b);
	emit(&o, &b);
	out_close(&o);

	/* v4: one packet per action. */
	out_open(&o, dir, "v4.pcap", DLT_EN10MB);
	build_v4_upd_c(&b);
	emit(&o, &b);
	v4_begin(&b, ACT4_INS, 1);
	sample_state(&s, 0x3001);
	s.state_flags = 0;
	put_state(&b, &s);
	emit(&o, &b);
	v4_begin(&b, ACT4_DEL_C, 3);
	put4_del_c(&b, 0x3003, CREATOR_A, 10, 10);
	put4_del_c(&b, 0x3004, CREATOR_A, 10, 10);
	put4_del_c(&b, 0x3005, CREATOR_A, 4, 4);
	emit(&o, &b);
	v4_begin(&b, ACT4_UREQ, 1);
	put_idc(&b, 0x3006, CREATOR_B);
	putzero(&b, 4);
	emit(&o, &b);
	v4_begin(&b, ACT4_BUS, 1);
	put32(&b, CREATOR_A);
	put32(&b, 3);
	put8(&b, 2);			/* end */
	putzero(&b, 7);
	emit(&o, &b);
	v4_begin(&b, ACT4_CLR, 1);
	put_clr(&b, "em1", CREATOR_B);
	putzero(&b, 4);
	emit(&o, &b);
	v4_begin(&b, ACT4_TDB_UPD, 1);
	put_tdb(&b, 0x9abcdef0, ip4(192, 0, 2, 2), 7, 1000);
	emit(&o, &b);
	v4_begin(&b, ACT4_DEL, 1);
	sample_state(&s, 0x3007);
	s.state_flags = 0;
	put_state(&b, &s);
	emit(&o, &b);
	v4_begin(&b, ACT4_UPD, 1);
	sample_state(&s, 0x3008);
	s.state_flags = 0;
	s.sync_flags = 0x04;		/* PFSTATE_STALE in v4 */
	put_state(&b, &s);
	emit(&o, &b);
	v4_begin(&b, ACT4_IACK, 1);
	put_idc(&b, 0x3009, CREATOR_B);
	putzero(&b, 4);
	emit(&o, &b);
	out_close(&o);

	/* The same kind of data as seen on OpenBSD's pfsync0 (DLT 246). */
	out_open(&o, dir, "pfsync0.pcap", DLT_PFSYNC);
	build_mixed(&b);
	emit(&o, &b);
	build_clr(&b);
	emit(&o, &b);
	build_v4_upd_c(&b);
	emit(&o, &b);
	out_close(&o);

	/* v5_mixed cut by the snap length: decodes what is there. */
	out_open(&o, dir, "snapped.pcap", DLT_EN10MB);
	o.snap = 200;
	build_mixed(&b);
	emit(&o, &b);
	out_close(&o);
}

/* Store v big-endian at p. */
static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/*
 * A pcap file as a big-endian host writes it (magic a1b2c3d4, microsecond
 * stamps), by hand: libpcap always writes in host byte order.
 */
static void
write_be(const char *dir)
{
	char		 path[1024];
	uint8_t		 h[24], r[16];
	struct buf	 b;
	FILE		*fp;
	int		 i;

	snprintf(path, sizeof(path), "%s/pfsync0_be.pcap", dir);
	if ((fp = fopen(path, "wb")) == NULL)
		err(1, "%s", path);
	be32(h, 0xa1b2c3d4);
	h[4] = 0;		/* version 2.4 */
	h[5] = 2;
	h[6] = 0;
	h[7] = 4;
	be32(h + 8, 0);		/* thiszone */
	be32(h + 12, 0);	/* sigfigs */
	be32(h + 16, 65535);	/* snaplen */
	be32(h + 20, DLT_PFSYNC);
	fwrite(h, 1, sizeof(h), fp);
	for (i = 0; i < 2; i++) {
		if (i == 0)
			build_clr(&b);
		else
			build_v4_upd_c(&b);
		be32(r, 1234567890 + i);
		be32(r + 4, 250000);
		be32(r + 8, b.len);
		be32(r + 12, b.len);
		fwrite(r, 1, sizeof(r), fp);
		fwrite(b.b, 1, b.len, fp);
	}
	if (fclose(fp) != 0)
		err(1, "%s", path);
}

static void
write_one(const char *dir, const char *name, const struct buf *b,
    uint8_t ttl)
{
	struct out	 o;

	out_open(&o, dir, name, DLT_EN10MB);
	o.ttl = ttl;
	emit(&o, b);
	out_close(&o);
}

static void
write_bad(const char *dir)
{
	struct buf	 b;
	struct state	 s;

	/* Shorter than the 20-byte pfsync header. */
	v5_begin(&b);
	b.len = 10;
	set16(&b, 2, 64);
	write_one(dir, "bad_truncated.pcap", &b, 255);

	/* UPD_C count 5, one message present. */
	v5_begin(&b);
	subh(&b, ACT_UPD_C, 5);
	put_upd_c(&b, 0x1001, &peer_est_a, &peer_est_b, CREATOR_A, 86400, 2);
	v5_end(&b);
	write_one(dir, "bad_overrun.pcap", &b, 255);

	/* Unknown action 20. */
	v5_begin(&b);
	subh(&b, ACT_DEL_C, 1);
	put_idc(&b, 0x0fff, CREATOR_A);
	subh(&b, 20, 1);
	put_idc(&b, 0x0ffe, CREATOR_A);
	eof5(&b);
	v5_end(&b);
	write_one(dir, "bad_action.pcap", &b, 255);

	/* No EOF. */
	v5_begin(&b);
	subh(&b, ACT_DEL_C, 1);
	put_idc(&b, 0x0fff, CREATOR_A);
	v5_end(&b);
	write_one(dir, "bad_noeof.pcap", &b, 255);

	/* Version 7. */
	v5_begin(&b);
	b.b[0] = 7;
	subh(&b, ACT_DEL_C, 1);
	put_idc(&b, 0x0fff, CREATOR_A);
	eof5(&b);
	v5_end(&b);
	write_one(dir, "bad_version.pcap", &b, 255);

	/* Header length 8 bytes more than the packet. */
	v5_begin(&b);
	subh(&b, ACT_INS_ACK, 1);
	put_idc(&b, 0x1001, CREATOR_A);
	eof5(&b);
	set16(&b, 2, b.len + 8);
	write_one(dir, "bad_len.pcap", &b, 255);

	/* EOF body of 8 bytes. */
	v5_begin(&b);
	subh(&b, ACT_DEL_C, 1);
	put_idc(&b, 0x0fff, CREATOR_A);
	subh(&b, ACT_EOF, 1);
	putzero(&b, 8);
	v5_end(&b);
	write_one(dir, "bad_eof.pcap", &b, 255);

	/* Well formed, but routed: TTL 64. */
	build_clr(&b);
	write_one(dir, "bad_ttl.pcap", &b, 64);

	/* INS with values a receiver rejects (timeout 25, direction 3). */
	v5_begin(&b);
	subh(&b, ACT_INS, 1);
	sample_state(&s, 0x1003);
	s.timeout = 25;
	s.direction = 3;
	put_state(&b, &s);
	eof5(&b);
	v5_end(&b);
	write_one(dir, "bad_value.pcap", &b, 255);

	/* v4 DEL_C count 4, two records present. */
	v4_begin(&b, ACT4_DEL_C, 4);
	put4_del_c(&b, 0x3003, CREATOR_A, 10, 10);
	put4_del_c(&b, 0x3004, CREATOR_A, 10, 10);
	write_one(dir, "bad_v4overrun.pcap", &b, 255);

	/* v4 INS_F: defined but never implemented. */
	v4_begin(&b, ACT4_INS_F, 1);
	putzero(&b, 16);
	write_one(dir, "bad_v4action.pcap", &b, 255);
}

/* xorshift32: a fixed sequence, so fuzz.pcap is the same on every run */
static uint32_t
rnd(void)
{
	static uint32_t	 x = 2463534242U;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return (x);
}

static void
write_fuzz(const char *dir)
{
	struct out	 o;
	struct buf	 seed[4], b;
	size_t		 n, i, at;
	int		 k, m;

	build_mixed(&seed[0]);
	build_clr(&seed[1]);
	build_v4_upd_c(&seed[2]);
	v4_begin(&seed[3], ACT4_DEL_C, 2);
	put4_del_c(&seed[3], 0x3003, CREATOR_A, 10, 10);
	put4_del_c(&seed[3], 0x3004, CREATOR_A, 10, 10);

	out_open(&o, dir, "fuzz.pcap", DLT_EN10MB);
	/* every prefix */
	for (k = 0; k < 4; k++) {
		for (n = 0; n < seed[k].len; n++) {
			b = seed[k];
			b.len = n;
			emit(&o, &b);
		}
	}
	/* one to four random byte changes, half of them in the first 64 */
	for (i = 0; i < 2000; i++) {
		b = seed[i % 4];
		m = 1 + rnd() % 4;
		while (m-- > 0) {
			at = rnd() % b.len;
			if (rnd() % 2 && b.len > 64)
				at %= 64;
			b.b[at] = rnd() & 0xff;
		}
		if (rnd() % 4 == 0)
			b.len -= rnd() % (b.len / 2);
		emit(&o, &b);
	}
	out_close(&o);
}

int
main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkpcap OUTDIR\n");
		return (2);
	}
	write_good(argv[1]);
	write_be(argv[1]);
	write_bad(argv[1]);
	write_fuzz(argv[1]);
	return (0);
}
