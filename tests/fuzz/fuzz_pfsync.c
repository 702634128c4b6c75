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

size_t
fz_split(const u_int8_t *data, size_t len, const u_int8_t **next)
{
	size_t i;

	for (i = 0; i + FZ_SEPLEN <= len; i++)
		if (memcmp(data + i, FZ_SEP, FZ_SEPLEN) == 0) {
			*next = data + i + FZ_SEPLEN;
			return (i);
		}
	*next = NULL;
	return (len);
}
