/*
 * Wire headers (Ethernet, IPv4, TCP, UDP) as real bytes, network order,
 * and the functions that build and check them. Frames written here open in
 * Wireshark with correct checksums.
 */
#ifndef ENGINE_PROTO_H
#define ENGINE_PROTO_H

#include <stdint.h>

#include "pkt.h"

#define ETHER_ADDR_LEN	6
#define ETHER_HDR_LEN	14
#define ETHERTYPE_IP	0x0800

#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17

struct eth_hdr {
	uint8_t		dst[ETHER_ADDR_LEN];
	uint8_t		src[ETHER_ADDR_LEN];
	uint16_t	type;
} __attribute__((packed));

struct ip4_hdr {
	uint8_t		vhl;		/* version 4, header length in words */
	uint8_t		tos;
	uint16_t	len;
	uint16_t	id;
	uint16_t	off;
#define IP4_DF		0x4000
	uint8_t		ttl;
	uint8_t		p;
	uint16_t	sum;
	uint32_t	src;
	uint32_t	dst;
} __attribute__((packed));

struct tcp_hdr {
	uint16_t	sport, dport;
	uint32_t	seq, ack;
	uint8_t		off;		/* data offset << 4 */
	uint8_t		flags;
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80
	uint16_t	win;
	uint16_t	sum;
	uint16_t	urp;
} __attribute__((packed));

struct udp_hdr {
	uint16_t	sport, dport;
	uint16_t	len;
	uint16_t	sum;
} __attribute__((packed));

_Static_assert(sizeof(struct eth_hdr) == 14, "eth_hdr");
_Static_assert(sizeof(struct ip4_hdr) == 20, "ip4_hdr");
_Static_assert(sizeof(struct tcp_hdr) == 20, "tcp_hdr");
_Static_assert(sizeof(struct udp_hdr) == 8, "udp_hdr");

/* Internet checksum over len bytes, folded, complemented. */
uint16_t	in_cksum(const void *, uint32_t len);
/* TCP/UDP checksum with the IPv4 pseudo-header; seg points at the L4 header. */
uint16_t	in4_l4_cksum(uint32_t src, uint32_t dst, uint8_t proto,
		    const void *seg, uint32_t len);

/*
 * The same over the first sumlen bytes of an L4 segment of len bytes whose
 * remaining bytes are zero (they add nothing to the sum): senders with
 * zero payloads skip reading it.
 */
uint16_t	in4_l4_cksum_part(uint32_t src, uint32_t dst, uint8_t proto,
		    const void *seg, uint32_t sumlen, uint32_t len);

/* Accessors for a frame in a packet (no bounds checks: callers validate). */
static inline struct eth_hdr *
pkt_eth(struct pkt *p)
{
	return (struct eth_hdr *)p->data;
}

static inline struct ip4_hdr *
pkt_ip(struct pkt *p)
{
	return (struct ip4_hdr *)(p->data + ETHER_HDR_LEN);
}

/*
 * Fill the Ethernet and IPv4 headers of p for an IP payload of plen bytes
 * already placed at data + 14 + 20. Sets p->len, computes the IP checksum.
 * src/dst are host order.
 */
void	frame_ip4(struct pkt *p, const uint8_t *smac, const uint8_t *dmac,
	    uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl,
	    uint16_t id, uint32_t plen);
/*
 * A whole UDP/IPv4 frame in p: a payload of paylen bytes whose first
 * hlen bytes are head (may be NULL when hlen is 0) and the rest zeros,
 * the UDP header with its checksum (0 sent as 0xffff), then frame_ip4.
 * Addresses host order, ports host order.
 */
void	frame_udp4(struct pkt *p, const uint8_t *smac, const uint8_t *dmac,
	    uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
	    const void *head, uint32_t hlen, uint32_t paylen, uint8_t ttl,
	    uint16_t id);
/* Recompute the IP header checksum (after a TTL change, say). */
void	ip4_fix_cksum(struct ip4_hdr *);
/* Multicast group address to Ethernet MAC (01:00:5e + low 23 bits). */
void	ether_multicast_mac(uint32_t group, uint8_t *mac);
/*
 * Check a frame: Ethernet + IPv4 header sane, lengths consistent, IP
 * checksum right. Returns 0 or EINVAL.
 */
int	frame_check_ip4(const struct pkt *p);

#endif
