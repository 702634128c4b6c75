/*
 * The firewall the pfsync fuzz targets feed: one pfsync unit-test
 * firewall (tests/unit/pfsync/harness.c: a kernel, pf with "pass", em0 on
 * the sync net, em1 off it) with pfsync attached as the input's knobs
 * say, and a fixed set of states already in its table, so that updates,
 * deletes and acks find real states. Built afresh for every input and
 * destroyed after it: runs are independent and every allocation is
 * returned.
 *
 * The states (ids are fixed because the firewall is rebuilt the same way
 * every time; the corpus generator prints them):
 *   - FZ_NLOCAL TCP states created by the firewall itself (creatorid
 *     FZ_HOSTID), the first FZ_NLOCAL - 1 already sent, the last still
 *     queued for its INS;
 *   - FZ_NPEER states learned from the peer (creatorid FZ_PEERID, ids
 *     1..FZ_NPEER): TCP, UDP, ICMP, TCP, ...
 *   - one more of its own (defer_id), made by pf_test from a SYN out on
 *     em1; where pfsync defers (v5 and v4-split with defer on) the SYN
 *     is held until an insert ack or the defer timeout.
 */
#ifndef TESTS_FUZZ_FUZZ_PFSYNC_H
#define TESTS_FUZZ_FUZZ_PFSYNC_H

#include "tests/unit/pfsync/harness.h"

#define FZ_HOSTID	0x0a000001U	/* host order */
#define FZ_PEERID	0x0a000002U
#define FZ_PEERADDR	0x0a000002U	/* source of the fuzzed packets */
#define FZ_NLOCAL	4
#define FZ_NPEER	4
#define FZ_MAXPKT	2000		/* IP bytes per packet (tinput) */

/* Separates packets in one input ("PKT" and a 0xf0, see fz_split). */
#define FZ_SEP		"\xf0PKT"
#define FZ_SEPLEN	4

/* Knobs: the first byte of a fuzz_pfsync_input input. */
#define FZ_K_MODE	0x03	/* 0 v5, 1 v4, 2 v4-split, 3 v5 no defer */
#define FZ_K_CKSUM	0x04	/* stamp pf's ruleset checksum in the header */
#define FZ_K_VERSION	0x08	/* stamp the version byte */
#define FZ_K_MERGE	0x30	/* >> 4: pfsync.merge seed|peer|field|seed */
#define FZ_K_BULK	0x40	/* request a bulk update at attach */
#define FZ_K_CLOCK	0x80	/* run the clock 5 s after the last packet */

/* Knobs: the first byte of a fuzz_pfsync_state_import input. */
#define FZ_I_PATH	0x03	/* v5 INS, v4 INS, v4-split INS, v5 UPD */
#define FZ_I_CKSUM	0x04	/* the ruleset checksum matches */
#define FZ_I_COLLIDE	0x08	/* id and creatorid of our state 0 */
#define FZ_I_MERGE	0x10	/* pfsync.merge = field */
#define FZ_I_CLOCK	0x20	/* 100 s after: expiry and purge */
#define FZ_I_PRINT	0x40	/* pf_write_states and pf_write_info */
#define FZ_I_BULK	0x80	/* the peer asks for a bulk update after */

#define FZ_NPKT		4
#define FZ_PKTLEN	16

/* A packet of the imported state's connection (after the record). */
struct fz_pkt {
	u_int8_t	how;		/* FZ_P_* */
#define FZ_P_REVERSE	0x01		/* from addr[1] to addr[0] */
#define FZ_P_OUT	0x02		/* pf_test PF_OUT, else PF_IN */
#define FZ_P_EM1	0x04		/* on em1, else em0 */
#define FZ_P_STACK	0x08		/* the stack key, else the wire key */
	u_int8_t	flags;		/* TCP flags */
	u_int8_t	seq[4];
	u_int8_t	ack[4];
	u_int8_t	win[2];
	u_int8_t	wscale;		/* window scale option; 0xff none */
	u_int8_t	len[2];		/* payload bytes (mod 1400) */
	u_int8_t	icmp_type;
} __packed;
_Static_assert(sizeof(struct fz_pkt) == FZ_PKTLEN, "fz_pkt");

struct fz {
	struct tnet	*net;
	int		 mode;		/* FZ_K_MODE */
	u_int64_t	 local_id[FZ_NLOCAL];	/* network order, as on wire */
	u_int64_t	 defer_id;	/* the state of the deferred SYN */
};

/* Build the firewall for knobs k; curvnet is its vnet. fz_destroy
 * prints the state count and pfsync's counters if FUZZ_STATS is set. */
void	fz_create(struct fz *, u_int8_t k);
void	fz_destroy(struct fz *);
/* Receive one pfsync payload (pfsync header first) on the sync
 * interface, in an IPv4 packet with TTL 255 from FZ_PEERADDR; k's
 * CKSUM and VERSION bits stamp the header. Truncated to FZ_MAXPKT. */
void	fz_input(struct fz *, u_int8_t k, const u_int8_t *, size_t);
/* Move the clock forward by ns. */
void	fz_advance(struct fz *, simtime_t ns);
/* A packet of sp's connection (its wire key, or the stack key, as fp
 * says) through pf_test on em0 or em1; nothing unless sp is IPv4. */
void	fz_pf_test(struct fz *, const struct pfsync_state *sp,
	    const struct fz_pkt *fp);

/* Split data at FZ_SEP: the length of the first piece; *next is the
 * start of the rest, or NULL if there is none. */
size_t	fz_split(const u_int8_t *, size_t, const u_int8_t **next);

#endif
