/*
 * The pfsync fuzz targets' firewall (see fuzz_pfsync.h).
 */
#include "tests/fuzz/fuzz_pfsync.h"

/* A peer's state record: TCP, UDP, ICMP, TCP, ... with id n (1..). */
static void
fz_peer_record(struct pfsync_state *sp, u_int32_t n)
{
	static const u_int8_t proto[] = { IPPROTO_TCP, IPPROTO_UDP,
	    IPPROTO_ICMP };
	int k;

	memset(sp, 0, sizeof(*sp));
	sp->id = htobe64((u_int64_t)n);
	strlcpy(sp->ifname, "all", sizeof(sp->ifname));
	for (k = 0; k < 2; k++) {
		sp->key[k].addr[0].v4.s_addr = htonl(0x0a030000 + n);
		sp->key[k].addr[1].v4.s_addr = htonl(0x0a040001);
		sp->key[k].port[0] = htons((u_int16_t)(2000 + n));
		sp->key[k].port[1] = htons(443);
	}
	sp->proto = proto[(n - 1) % nitems(proto)];
	sp->af = AF_INET;
	sp->direction = PF_OUT;
	sp->rule = htonl(-1);
	sp->anchor = htonl(-1);
	sp->nat_rule = htonl(-1);
	sp->creation = htonl(5);
	sp->expire = htonl(30);
	sp->creatorid = htonl(FZ_PEERID);
	switch (sp->proto) {
	case IPPROTO_TCP:
		sp->timeout = PFTM_TCP_ESTABLISHED;
		sp->src.state = sp->dst.state = TCPS_ESTABLISHED;
		sp->src.seqlo = htonl(100000 * n);
		sp->src.seqhi = htonl(100000 * n + 65535);
		sp->src.max_win = htons(65535);
		sp->src.wscale = 0x80 | 1;
		sp->dst.seqlo = htonl(300000 * n);
		sp->dst.seqhi = htonl(300000 * n + 32768);
		sp->dst.max_win = htons(16384);
		sp->dst.wscale = 0x80 | 2;
		break;
	case IPPROTO_UDP:
		sp->timeout = PFTM_UDP_MULTIPLE;
		sp->src.state = PFUDPS_MULTIPLE;
		sp->dst.state = PFUDPS_MULTIPLE;
		break;
	default:
		sp->timeout = PFTM_ICMP_ERROR_REPLY;
		sp->src.state = sp->dst.state = 0;
		break;
	}
}

void
fz_create(struct fz *fz, u_int8_t k)
{
	struct pfsync_config c;
	struct pfsync_state sp;
	struct fz_pkt fp;
	struct pf_state *st;
	u_int32_t i;
	int s;

	memset(fz, 0, sizeof(*fz));
	fz->mode = k & FZ_K_MODE;
	fz->net = tnet_create(1, 1000, 0);
	pfsync_config_default(&c);
	c.bulk_on_up = (k & FZ_K_BULK) != 0;
	switch (fz->mode) {
	case 1:
		c.version = PFSYNC_V4;
		break;
	case 2:
		c.version = PFSYNC_V4_SPLIT;
		break;
	case 3:
		c.defer = 0;
		c.maxupdates = 1;
		break;
	}
	switch ((k & FZ_K_MERGE) >> 4) {
	case 1:
		c.merge = PFSYNC_MERGE_PEER;
		break;
	case 2:
		c.merge = PFSYNC_MERGE_FIELD;
		break;
	}
	tnet_pfsync(fz->net, 0, &c);
	tnet_enter(fz->net, 0);
	V_pf_status.hostid = htonl(FZ_HOSTID);

	/* our own states: all but the last already sent */
	for (i = 0; i < FZ_NLOCAL; i++) {
		if (i == FZ_NLOCAL - 1)
			fz_advance(fz, NS_PER_SEC);
		st = tstate_new(i);
		fz->local_id[i] = st->id;
	}
	/* the peer's */
	s = splsoftnet();
	for (i = 1; i <= FZ_NPEER; i++) {
		fz_peer_record(&sp, i);
		if (pfsync_state_import(&sp, 0) != 0)
			abort();
	}
	splx(s);

	/* a SYN out on em1: our state, its packet held if pfsync defers */
	fz_peer_record(&sp, 1);
	sp.key[0].port[0] = sp.key[1].port[0] = htons(5555);
	memset(&fp, 0, sizeof(fp));
	fp.how = FZ_P_EM1 | FZ_P_OUT;
	fp.flags = TH_SYN;
	fp.wscale = 3;
	fp.win[0] = 0x40;
	fz_pf_test(fz, &sp, &fp);
	fz->defer_id = htobe64(V_pf_status.stateid - 1);
}

void
fz_destroy(struct fz *fz)
{
	static int stats = -1;

	/* FUZZ_STATS=1: what the input did (to see a seed reach its path) */
	if (stats == -1)
		stats = getenv("FUZZ_STATS") != NULL;
	if (stats) {
		tnet_enter(fz->net, 0);
		fprintf(stderr, "fuzz: %u states\n", V_pf_status.states);
		pfsync_write_stats(fz->net->fw[0].v, stderr);
	}
	tnet_destroy(fz->net);
	fz->net = NULL;
}

void
fz_advance(struct fz *fz, simtime_t ns)
{
	tnet_run(fz->net, tnet_now(fz->net) + ns);
}

void
fz_input(struct fz *fz, u_int8_t k, const u_int8_t *data, size_t len)
{
	u_int8_t b[FZ_MAXPKT];
	size_t n;

	if (len > FZ_MAXPKT - 20)
		len = FZ_MAXPKT - 20;
	n = 20 + len;
	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (u_int8_t)(n >> 8);
	b[3] = (u_int8_t)n;
	b[8] = PFSYNC_DFLTTL;
	b[9] = IPPROTO_PFSYNC;
	b[12] = FZ_PEERADDR >> 24;		/* 10.0.0.2 */
	b[13] = (FZ_PEERADDR >> 16) & 0xff;
	b[14] = (FZ_PEERADDR >> 8) & 0xff;
	b[15] = FZ_PEERADDR & 0xff;
	b[16] = 224;				/* 224.0.0.240 */
	b[19] = 240;
	memcpy(b + 20, data, len);
	/* both headers: version, 3 bytes, then the 16-byte checksum */
	if ((k & FZ_K_VERSION) && len >= 1)
		b[20] = fz->mode == 1 || fz->mode == 2 ? PFSYNC4_VERSION :
		    PFSYNC_VERSION;
	if ((k & FZ_K_CKSUM) && len >= 4 + PF_MD5_DIGEST_LENGTH)
		memcpy(b + 24, V_pf_status.pf_chksum, PF_MD5_DIGEST_LENGTH);
	tinput(&fz->net->fw[0].ifn, b, n);
}

void
fz_pf_test(struct fz *fz, const struct pfsync_state *sp,
    const struct fz_pkt *fp)
{
	struct tfw *fw = &fz->net->fw[0];
	struct pfsync_state_key key, *k = &key;
	struct ifnet *ifp;
	struct mbuf *m;
	struct ip *ip;
	u_int8_t *l4;
	u_int16_t plen, sport, dport;
	u_int32_t src, dst, hl = 0;
	int s, rev;

	if (sp->af != AF_INET)
		return;
	memcpy(&key, (const char *)sp + offsetof(struct pfsync_state, key) +
	    (fp->how & FZ_P_STACK ? PF_SK_STACK : PF_SK_WIRE) * sizeof(key),
	    sizeof(key));
	rev = (fp->how & FZ_P_REVERSE) != 0;
	src = k->addr[rev].v4.s_addr;
	dst = k->addr[!rev].v4.s_addr;
	sport = k->port[rev];
	dport = k->port[!rev];
	plen = (u_int16_t)(((fp->len[0] << 8) | fp->len[1]) % 1400);
	ifp = fp->how & FZ_P_EM1 ? &fw->ifn2 : &fw->ifn;

	MGETHDR(m, M_DONTWAIT, MT_DATA);
	if (m == NULL)
		return;
	ip = mtod(m, struct ip *);
	memset(ip, 0, 20 + 60);
	l4 = (u_int8_t *)ip + 20;
	switch (sp->proto) {
	case IPPROTO_TCP:
		memcpy(l4, &sport, 2);
		memcpy(l4 + 2, &dport, 2);
		memcpy(l4 + 4, fp->seq, 4);
		memcpy(l4 + 8, fp->ack, 4);
		l4[13] = fp->flags;
		memcpy(l4 + 14, fp->win, 2);
		hl = 20;
		if (fp->wscale != 0xff) {
			l4[20] = TCPOPT_NOP;
			l4[21] = TCPOPT_WINDOW;
			l4[22] = 3;
			l4[23] = fp->wscale;
			hl = 24;
		}
		l4[12] = (u_int8_t)((hl / 4) << 4);
		break;
	case IPPROTO_UDP:
		memcpy(l4, &sport, 2);
		memcpy(l4 + 2, &dport, 2);
		l4[4] = (u_int8_t)((8 + plen) >> 8);
		l4[5] = (u_int8_t)(8 + plen);
		hl = 8;
		break;
	case IPPROTO_ICMP:
		l4[0] = fp->icmp_type;
		memcpy(l4 + 4, &sport, 2);	/* the echo id */
		hl = 8;
		break;
	}
	memset(l4 + hl, 0xab, plen);
	ip->ip_v = IPVERSION;
	ip->ip_hl = 5;
	ip->ip_len = htons((u_int16_t)(20 + hl + plen));
	ip->ip_ttl = 64;
	ip->ip_p = sp->proto;
	ip->ip_src.s_addr = src;
	ip->ip_dst.s_addr = dst;
	m->m_len = m->m_pkthdr.len = (int)(20 + hl + plen);
	m->m_pkthdr.rcvif = ifp;

	s = splsoftnet();
	(void)pf_test(fp->how & FZ_P_OUT ? PF_OUT : PF_IN, ifp, &m, NULL);
	splx(s);
	if (m != NULL)
		m_freem(m);
}

size_t
fz_split(const u_int8_t *data, size_t len, const u_int8_t **next)
{
	size_t i;

	/* the first byte first: memcmp is intercepted (slow) in libFuzzer */
	for (i = 0; i + FZ_SEPLEN <= len; i++)
		if (data[i] == (u_int8_t)FZ_SEP[0] &&
		    memcmp(data + i, FZ_SEP, FZ_SEPLEN) == 0) {
			*next = data + i + FZ_SEPLEN;
			return (i);
		}
	*next = NULL;
	return (len);
}
