/*	$OpenBSD: if_pfsync.h,v 1.35 2008/06/29 08:42:15 mcbride Exp $	*/

/*
 * Copyright (c) 2001 Michael Shalayeff
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHOR ``AS IS'' AND ANY EXPRESS OR
 * IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES
 * OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED.
 * IN NO EVENT SHALL THE AUTHOR OR HIS RELATIVES BE LIABLE FOR ANY DIRECT,
 * INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
 * (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF MIND, USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT,
 * STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING
 * IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF
 * THE POSSIBILITY OF SUCH DAMAGE.
 */

/*
 * Copyright (c) 2008 David Gwynne <dlg@openbsd.org>
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * pfsim: the pfsync wire format and the engine's kernel-side declarations,
 * after OpenBSD sys/net/if_pfsync.h as changed by the thesis diff (seed,
 * rev 1.35 + diff) for v5, and rev 1.35 itself for the v4 baseline. The
 * id line and the first licence are rev 1.35's; the second licence is the
 * one the seed's diff adds. UPSTREAM.md has the provenance.
 *
 * Wire structs are packed, network byte order unless noted "raw", and
 * their sizes are asserted against docs/ref/pfsync-v5-wire.md. The
 * state record (struct pfsync_state, 240 bytes) and its sub-structs live in
 * pfvar.h, as in OpenBSD.
 */

#ifndef _NET_IF_PFSYNC_H_
#define _NET_IF_PFSYNC_H_

#include "engine/conf.h"	/* XXX pfvar.h declares pf_params[] */
#include "models/kern/kern.h"
#include "models/pf/pfvar.h"

#define PFSYNC_VERSION		5
#define PFSYNC_DFLTTL		255

#define PFSYNC_ID_LEN		sizeof(u_int64_t)

#define PFSYNC_ACT_CLR		0	/* clear all states */
#define PFSYNC_ACT_INS		1	/* insert state */
#define PFSYNC_ACT_INS_ACK	2	/* ack of insterted state */
#define PFSYNC_ACT_UPD		3	/* update state */
#define PFSYNC_ACT_UPD_C	4	/* "compressed" update state */
#define PFSYNC_ACT_UPD_REQ	5	/* request "uncompressed" state */
#define PFSYNC_ACT_DEL		6	/* delete state */
#define PFSYNC_ACT_DEL_C	7	/* "compressed" delete state */
#define PFSYNC_ACT_INS_F	8	/* insert fragment */
#define PFSYNC_ACT_DEL_F	9	/* delete fragments */
#define PFSYNC_ACT_BUS		10	/* bulk update status */
#define PFSYNC_ACT_TDB		11	/* TDB replay counter update */
#define PFSYNC_ACT_EOF		12	/* end of frame */
#define PFSYNC_ACT_MAX		13

#define PFSYNC_ACTIONS		"CLR ST",		\
				"INS ST",		\
				"INS ST ACK",		\
				"UPD ST",		\
				"UPD ST COMP",		\
				"UPD ST REQ",		\
				"DEL ST",		\
				"DEL ST COMP",		\
				"INS FR",		\
				"DEL FR",		\
				"BULK UPD STAT",	\
				"TDB UPD",		\
				"EOF"

#define PFSYNC_HMAC_LEN	20

/*
 * A pfsync frame is built from a header followed by several sections which
 * are all prefixed with their own subheaders. Frames must be terminated with
 * an EOF subheader.
 */

/*
 * Frame header
 */

struct pfsync_header {
	u_int8_t			version;
	u_int8_t			_pad;
	u_int16_t			len;
	u_int8_t			pfcksum[PF_MD5_DIGEST_LENGTH];
} __packed;

/*
 * Frame region subheader
 */

struct pfsync_subheader {
	u_int8_t			action;
	u_int8_t			_pad;
	u_int16_t			count;
} __packed;

/*
 * CLR
 */

struct pfsync_clr {
	char				ifname[IFNAMSIZ];
	u_int32_t			creatorid;
} __packed;

/*
 * INS, UPD, DEL
 */

/* these use struct pfsync_state in pfvar.h */

/*
 * INS_ACK
 */

struct pfsync_ins_ack {
	u_int64_t			id;
	u_int32_t			creatorid;
} __packed;

/*
 * UPD_C
 */

struct pfsync_upd_c {
	u_int64_t			id;
	struct pfsync_state_peer	src;
	struct pfsync_state_peer	dst;
	u_int32_t			creatorid;
	u_int32_t			expire;
	u_int8_t			timeout;
	u_int8_t			_pad[3];
} __packed;

/*
 * UPD_REQ
 */

struct pfsync_upd_req {
	u_int64_t			id;
	u_int32_t			creatorid;
} __packed;

/*
 * DEL_C
 */

struct pfsync_del_c {
	u_int64_t			id;
	u_int32_t			creatorid;
} __packed;

/*
 * INS_F, DEL_F
 */

/* not implemented (yet) */

/*
 * BUS
 */

struct pfsync_bus {
	u_int32_t			creatorid;
	u_int32_t			endtime;
	u_int8_t			status;
#define PFSYNC_BUS_START			1
#define PFSYNC_BUS_END				2
	u_int8_t			_pad[3];
} __packed;

/*
 * TDB
 */

/*
 * pfsim: OpenBSD's union sockaddr_union (sockaddr, sockaddr_in,
 * sockaddr_in6 with sa_len) is 28 bytes; the host's sockaddr differs, so
 * the TDB destination is carried as opaque bytes.
 */
union pfsync_sockaddr_union {
	u_int8_t			sa_bytes[28];
} __packed;

struct pfsync_tdb {
	u_int32_t			spi;
	union pfsync_sockaddr_union	dst;
	u_int32_t			rpl;
	u_int64_t			cur_bytes;
	u_int8_t			sproto;
	u_int8_t			updates;
	u_int8_t			_pad[2];
} __packed;

/*
 * EOF
 */

struct pfsync_eof {
	u_int8_t			hmac[PFSYNC_HMAC_LEN];
} __packed;

#define PFSYNC_HDRLEN		sizeof(struct pfsync_header)

/* pfsim: the IPv4 header length the MTU accounting uses (struct ip). */
#define PFSYNC_IPHDRLEN		20

#define PFSYNC_MINPKT ( \
	PFSYNC_IPHDRLEN + \
	sizeof(struct pfsync_header) + \
	sizeof(struct pfsync_subheader) + \
	sizeof(struct pfsync_eof))

/*
 * Names for PFSYNC sysctl objects
 */
#define PFSYNCCTL_STATS		1	/* PFSYNC stats */
#define PFSYNCCTL_MAXID		2

struct pfsyncstats {
	u_int64_t	pfsyncs_ipackets;	/* total input packets, IPv4 */
	u_int64_t	pfsyncs_ipackets6;	/* total input packets, IPv6 */
	u_int64_t	pfsyncs_badif;		/* not the right interface */
	u_int64_t	pfsyncs_badttl;		/* TTL is not PFSYNC_DFLTTL */
	u_int64_t	pfsyncs_hdrops;		/* packets shorter than hdr */
	u_int64_t	pfsyncs_badver;		/* bad (incl unsupp) version */
	u_int64_t	pfsyncs_badact;		/* bad action */
	u_int64_t	pfsyncs_badlen;		/* data length does not match */
	u_int64_t	pfsyncs_badauth;	/* bad authentication */
	u_int64_t	pfsyncs_stale;		/* stale state */
	u_int64_t	pfsyncs_badval;		/* bad values */
	u_int64_t	pfsyncs_badstate;	/* insert/lookup failed */

	u_int64_t	pfsyncs_opackets;	/* total output packets, IPv4 */
	u_int64_t	pfsyncs_opackets6;	/* total output packets, IPv6 */
	u_int64_t	pfsyncs_onomem;		/* no memory for an mbuf */
	u_int64_t	pfsyncs_oerrors;	/* ip output error */
};

/*
 * v4 wire format (if_pfsync.h rev 1.35, the diff's "-" lines): one action
 * per packet, named in the header. pfsim keeps it under pfsync4_ names so
 * that both versions build side by side.
 */
#define PFSYNC4_VERSION		4

#define PFSYNC4_ACT_CLR		0	/* clear all states */
#define PFSYNC4_ACT_INS		1	/* insert state */
#define PFSYNC4_ACT_UPD		2	/* update state */
#define PFSYNC4_ACT_DEL		3	/* delete state */
#define PFSYNC4_ACT_UPD_C	4	/* "compressed" state update */
#define PFSYNC4_ACT_DEL_C	5	/* "compressed" state delete */
#define PFSYNC4_ACT_INS_F	6	/* insert fragment */
#define PFSYNC4_ACT_DEL_F	7	/* delete fragments */
#define PFSYNC4_ACT_UREQ	8	/* request "uncompressed" state */
#define PFSYNC4_ACT_BUS		9	/* Bulk Update Status */
#define PFSYNC4_ACT_TDB_UPD	10	/* TDB replay counter update */
/*
 * pfsim: the thesis' v4 variant added an insert ack whose number is not
 * known (docs/ref/pfsync-v4-baseline.md §9); v4-split uses the first
 * free number.
 */
#define PFSYNC4_ACT_IACK	11
#define PFSYNC4_ACT_MAX		12

#define PFSYNC4_ACTIONS \
	"CLR ST", "INS ST", "UPD ST", "DEL ST", \
	"UPD ST COMP", "DEL ST COMP", "INS FR", "DEL FR", \
	"UPD REQ", "BLK UPD STAT", "TDB UPD", "INS ACK"

struct pfsync4_header {
	u_int8_t			version;
	u_int8_t			af;
	u_int8_t			action;
	u_int8_t			count;
	u_int8_t			pf_chksum[PF_MD5_DIGEST_LENGTH];
} __packed;

struct pfsync4_state_upd {
	u_int32_t			id[2];
	struct pfsync_state_peer	src;
	struct pfsync_state_peer	dst;
	u_int32_t			creatorid;
	u_int32_t			expire;
	u_int8_t			timeout;
	u_int8_t			updates;
	u_int8_t			pad[6];
} __packed;

struct pfsync4_state_del {
	u_int32_t			id[2];
	u_int32_t			creatorid;
	struct {
		u_int8_t		state;
	} src;
	struct {
		u_int8_t		state;
	} dst;
	u_int8_t			pad[2];
} __packed;

struct pfsync4_state_upd_req {
	u_int32_t			id[2];
	u_int32_t			creatorid;
	u_int32_t			pad;
} __packed;

struct pfsync4_state_clr {
	char				ifname[IFNAMSIZ];
	u_int32_t			creatorid;
	u_int32_t			pad;
} __packed;

struct pfsync4_state_bus {
	u_int32_t			creatorid;
	u_int32_t			endtime;
	u_int8_t			status;
	u_int8_t			pad[7];
} __packed;

/* pfsim: the v4-split insert ack carries the same id pair as v5's. */
struct pfsync4_ins_ack {
	u_int32_t			id[2];
	u_int32_t			creatorid;
	u_int32_t			pad;
} __packed;

#define PFSYNC4_HDRLEN		sizeof(struct pfsync4_header)
#define PFSYNC4_BULKPACKETS	1	/* # of packets per timeout */
#define PFSYNC4_FLAG_COMPRESS	0x01
#define PFSYNC4_FLAG_STALE	0x02

/* Sizes from docs/ref/pfsync-v5-wire.md §3-§10; a mismatch is a build
 * error. */
_Static_assert(sizeof(struct pfsync_header) == 20, "pfsync_header");
_Static_assert(sizeof(struct pfsync_subheader) == 4, "pfsync_subheader");
_Static_assert(sizeof(struct pfsync_clr) == 20, "pfsync_clr");
_Static_assert(sizeof(struct pfsync_state) == 240, "pfsync_state");
_Static_assert(sizeof(struct pfsync_state_peer) == 32, "pfsync_state_peer");
_Static_assert(sizeof(struct pfsync_ins_ack) == 12, "pfsync_ins_ack");
_Static_assert(sizeof(struct pfsync_upd_c) == 84, "pfsync_upd_c");
_Static_assert(sizeof(struct pfsync_upd_req) == 12, "pfsync_upd_req");
_Static_assert(sizeof(struct pfsync_del_c) == 12, "pfsync_del_c");
_Static_assert(sizeof(struct pfsync_bus) == 12, "pfsync_bus");
_Static_assert(sizeof(struct pfsync_tdb) == 48, "pfsync_tdb");
_Static_assert(sizeof(struct pfsync_eof) == 20, "pfsync_eof");
_Static_assert(PFSYNC_MINPKT == 64, "PFSYNC_MINPKT");
_Static_assert(offsetof(struct pfsync_upd_c, creatorid) == 72, "upd_c");
_Static_assert(offsetof(struct pfsync_state, creatorid) == 228, "state");
_Static_assert(sizeof(struct pfsync4_header) == 20, "pfsync4_header");
_Static_assert(sizeof(struct pfsync4_state_upd) == 88, "pfsync4_upd");
_Static_assert(sizeof(struct pfsync4_state_del) == 16, "pfsync4_del");
_Static_assert(sizeof(struct pfsync4_state_upd_req) == 16, "pfsync4_ureq");
_Static_assert(sizeof(struct pfsync4_state_clr) == 24, "pfsync4_clr");
_Static_assert(sizeof(struct pfsync4_state_bus) == 16, "pfsync4_bus");
_Static_assert(sizeof(struct pfsync4_ins_ack) == 16, "pfsync4_iack");

/*
 * this shows where a pf state is with respect to the syncing.
 */
#define PFSYNC_S_INS	0x00
#define PFSYNC_S_IACK	0x01
#define PFSYNC_S_UPD	0x02
#define PFSYNC_S_UPD_C	0x03
#define PFSYNC_S_DEL	0x04
#define PFSYNC_S_COUNT	0x05

#define PFSYNC_S_DEFER	0xfe
#define PFSYNC_S_NONE	0xff

#define PFSYNC_SI_IOCTL		0x01
#define PFSYNC_SI_CKSUM		0x02
#define PFSYNC_SI_ACK		0x04

#endif /* _NET_IF_PFSYNC_H_ */
