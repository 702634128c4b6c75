/*
 * One pfsync state record (struct pfsync_state, 240 bytes) from a peer:
 * through the INS (or UPD) input path into pfsync_state_import, on a
 * firewall that holds states (fuzz_pfsync.h), and then through the code
 * that lives with an imported state: pf_test on packets of its
 * connection (window tracking with the peer's wscale, seqlo, ...), a bulk
 * update that exports it again, pfctl -ss style output, expiry.
 *
 * Input: a knob byte (FZ_I_*), the record (zero-padded to 240 bytes),
 * then up to FZ_NPKT packet descriptions of FZ_PKTLEN bytes (struct
 * fz_pkt) sent through pf_test, built from the record's state key.
 */
#include "tests/fuzz/fuzz_pfsync.h"

int	LLVMFuzzerTestOneInput(const u_int8_t *, size_t);

static FILE *devnull;

/* A v5 packet of one section (action, count, records), EOF, or a v4
 * packet (one action) into b; its length. */
static size_t
fz_wrap(int v4, u_int8_t action, const void *rec, size_t reclen,
    u_int8_t *b)
{
	size_t n;

	memset(b, 0, 20);
	if (v4) {
		b[0] = PFSYNC4_VERSION;
		b[1] = AF_INET;
		b[2] = action;
		b[3] = 1;
		memcpy(b + 20, rec, reclen);
		return (20 + reclen);
	}
	b[0] = PFSYNC_VERSION;
	b[20] = action;
	b[21] = 0;
	b[22] = 0;
	b[23] = 1;
	memcpy(b + 24, rec, reclen);
	n = 24 + reclen;
	memset(b + n, 0, 24);
	b[n] = PFSYNC_ACT_EOF;
	b[n + 3] = 1;
	n += 24;
	b[2] = (u_int8_t)(n >> 8);
	b[3] = (u_int8_t)n;
	return (n);
}

int
LLVMFuzzerTestOneInput(const u_int8_t *data, size_t size)
{
	static const u_int8_t fwk[] = { 0, 1, 2, 0 };
	struct pfsync_state sp;
	struct pfsync_upd_req ureq;
	struct pfsync4_state_upd_req ureq4;
	struct fz_pkt fp;
	struct fz fz;
	u_int8_t b[FZ_MAXPKT], k;
	size_t n, i;
	int path, v4;

	if (size < 1)
		return (0);
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	k = data[0];
	path = k & FZ_I_PATH;
	v4 = path == 1 || path == 2;
	memset(&sp, 0, sizeof(sp));
	n = size - 1 < sizeof(sp) ? size - 1 : sizeof(sp);
	memcpy(&sp, data + 1, n);

	fz_create(&fz, (u_int8_t)(fwk[path] |
	    (k & FZ_I_MERGE ? 2 << 4 : 0)));
	if (k & FZ_I_COLLIDE) {
		sp.id = fz.local_id[0];
		sp.creatorid = htonl(FZ_HOSTID);
	}
	n = fz_wrap(v4, path == 3 ? PFSYNC_ACT_UPD : PFSYNC_ACT_INS, &sp,
	    sizeof(sp), b);
	fz_input(&fz, k & FZ_I_CKSUM ? FZ_K_CKSUM : 0, b, n);
	fz_advance(&fz, NS_PER_MS);

	for (i = 0; i < FZ_NPKT && 1 + sizeof(sp) + (i + 1) * FZ_PKTLEN <=
	    size; i++) {
		memcpy(&fp, data + 1 + sizeof(sp) + i * FZ_PKTLEN,
		    FZ_PKTLEN);
		fz_pf_test(&fz, &sp, &fp);
		fz_advance(&fz, NS_PER_MS);
	}

	if (k & FZ_I_BULK) {
		if (v4) {
			memset(&ureq4, 0, sizeof(ureq4));
			n = fz_wrap(1, PFSYNC4_ACT_UREQ, &ureq4,
			    sizeof(ureq4), b);
		} else {
			memset(&ureq, 0, sizeof(ureq));
			n = fz_wrap(0, PFSYNC_ACT_UPD_REQ, &ureq,
			    sizeof(ureq), b);
		}
		fz_input(&fz, 0, b, n);
		fz_advance(&fz, 2 * NS_PER_SEC);
	}
	if (k & FZ_I_PRINT) {
		if (pf_write_info(fz.net->fw[0].v, devnull) != 0 ||
		    pf_write_states(fz.net->fw[0].v, devnull) != 0)
			abort();
	}
	if (k & FZ_I_CLOCK)
		fz_advance(&fz, 100 * NS_PER_SEC);
	fz_destroy(&fz);
	return (0);
}
