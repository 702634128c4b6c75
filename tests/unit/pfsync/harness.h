/*
 * A small test bed for pfsync: N firewall kernels (models/kern vnets) with
 * pf, each with one interface em0 on a shared "sync" segment of the
 * engine, and pfsync attached with a given configuration. Frames pfsync
 * sends are captured (a copy, with the time) and go on the wire; frames
 * received go through ipintrq and the kernel's softnet (NETISR_IP drains
 * them into pfsync_input), so netisr ordering is the kernel model's.
 */
#ifndef TESTS_UNIT_PFSYNC_HARNESS_H
#define TESTS_UNIT_PFSYNC_HARNESS_H

#include "models/pfsync/pfsync_var.h"
#include "engine/net.h"

#define TFW_MAX		3
#define TCAP_MAX	8192

struct tcap {
	struct pkt	*p;		/* frame copy (Ethernet header first) */
	simtime_t	 t;
};

struct tfw {
	struct tnet	*net;
	int		 idx;
	struct node	*node;
	struct vnet	*v;
	struct iface	*iface;
	struct ifnet	 ifn;		/* em0 on the sync net */
	struct ifnet	 ifn2;		/* em1, no wire (wrong-interface input) */
	u_int32_t	 addr;		/* host order */
	struct tcap	 cap[TCAP_MAX];	/* frames sent on em0 */
	int		 ncap;
	int		 ncap_lost;
	int		 rx_sync;	/* pfsync frames received */
	int		 rx_data;	/* other frames received */
	simtime_t	 rx_data_t;	/* time of the last one */
	int		 deliver;	/* hand pfsync frames to pfsync_input */
};

struct tnet {
	struct world	*w;
	struct segment	*seg;
	struct tfw	 fw[TFW_MAX];
	int		 nfw;
};

/* Create n firewalls; pf with "pass" rules and a state limit. */
struct tnet	*tnet_create(int n, u_int32_t state_limit, int ifq_maxlen);
void		 tnet_destroy(struct tnet *);
/* Attach pfsync to firewall i with c (syncdev "sync" unless set). */
void		 tnet_pfsync(struct tnet *, int i, const struct pfsync_config *);
/* Run the simulation until absolute time t (ns). */
void		 tnet_run(struct tnet *, simtime_t t);
simtime_t	 tnet_now(struct tnet *);
/* Make firewall i current (curvnet). */
void		 tnet_enter(struct tnet *, int i);
/* Forget captured frames. */
void		 tfw_cap_clear(struct tfw *);

/* A TCP state created locally on the current firewall (pf_state_insert,
 * which calls pfsync_insert_state). n makes the key unique. */
struct pf_state	*tstate_new(u_int32_t n);
/* Find a state by (id, creatorid) on the current firewall. */
struct pf_state	*tstate_find(u_int64_t id, u_int32_t creatorid);

/* An IPv4/TCP datagram (40 bytes) from src to dst, as an mbuf. */
struct mbuf	*tdata_mbuf(u_int32_t src, u_int32_t dst);

/* Hand raw pfsync bytes (IP header included) to pfsync_proto_input of
 * the current firewall as if received on ifp; at splsoftnet. */
void		 tinput(struct ifnet *, const void *, size_t);

/* Big-endian readers for the independent decoder. */
static inline u_int16_t
rd16(const u_int8_t *p)
{
	return (u_int16_t)(p[0] << 8 | p[1]);
}

static inline u_int32_t
rd32(const u_int8_t *p)
{
	return ((u_int32_t)p[0] << 24 | (u_int32_t)p[1] << 16 |
	    (u_int32_t)p[2] << 8 | p[3]);
}

/* Pointer to the IP header of a captured frame. */
static inline const u_int8_t *
tcap_ip(const struct tcap *c)
{
	return (c->p->data + ETHER_HDR_LEN);
}

#endif
