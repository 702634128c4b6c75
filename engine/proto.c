/* Wire headers: checksums and frame building. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "proto.h"

/*
 * One's-complement sum of 16-bit words in memory order: the folded sum
 * can be stored as it is (RFC 1071: the sum is byte-order independent).
 * 64-bit accumulator, 8 bytes per step.
 */
static uint64_t
cksum_add(uint64_t sum, const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	uint64_t w;
	uint32_t w32;
	uint16_t w16;

	while (len >= 8) {
		memcpy(&w, p, 8);
		sum += (w & 0xffffffffULL) + (w >> 32);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w32, p, 4);
		sum += w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		sum += w16;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w16, last, 2);
		sum += w16;
	}
	return sum;
}

static uint16_t
cksum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
in_cksum(const void *buf, uint32_t len)
{
	return cksum_fold(cksum_add(0, buf, len));
}

uint16_t
in4_l4_cksum(uint32_t src, uint32_t dst, uint8_t proto, const void *seg,
    uint32_t len)
{
	return in4_l4_cksum_part(src, dst, proto, seg, len, len);
}

uint16_t
in4_l4_cksum_part(uint32_t src, uint32_t dst, uint8_t proto, const void *seg,
    uint32_t sumlen, uint32_t len)
{
	struct {
		uint32_t	src, dst;
		uint8_t		zero, proto;
		uint16_t	len;
	} __attribute__((packed)) ph;
	uint64_t sum;

	ph.src = htonl(src);
	ph.dst = htonl(dst);
	ph.zero = 0;
	ph.proto = proto;
	ph.len = htons((uint16_t)len);
	sum = cksum_add(0, &ph, sizeof(ph));
	return cksum_fold(cksum_add(sum, seg, sumlen));
}

void
ip4_fix_cksum(struct ip4_hdr *ip)
{
	ip->sum = 0;
	ip->sum = in_cksum(ip, (ip->vhl & 0x0f) * 4);
}

void
frame_ip4(struct pkt *p, const uint8_t *smac, const uint8_t *dmac,
    uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint16_t id,
    uint32_t plen)
{
	struct eth_hdr *eh = pkt_eth(p);
	struct ip4_hdr *ip = pkt_ip(p);

	memcpy(eh->dst, dmac, ETHER_ADDR_LEN);
	memcpy(eh->src, smac, ETHER_ADDR_LEN);
	eh->type = htons(ETHERTYPE_IP);
	ip->vhl = 0x45;
	ip->tos = 0;
	ip->len = htons((uint16_t)(20 + plen));
	ip->id = htons(id);
	ip->off = htons(IP4_DF);
	ip->ttl = ttl;
	ip->p = proto;
	ip->src = htonl(src);
	ip->dst = htonl(dst);
	ip4_fix_cksum(ip);
	p->len = ETHER_HDR_LEN + 20 + plen;
}

void
frame_udp4(struct pkt *p, const uint8_t *smac, const uint8_t *dmac,
    uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
    const void *head, uint32_t hlen, uint32_t paylen, uint8_t ttl,
    uint16_t id)
{
	struct udp_hdr *uh = (struct udp_hdr *)(p->data + ETHER_HDR_LEN + 20);
	uint8_t *pl = (uint8_t *)(uh + 1);
	uint32_t ulen = sizeof(*uh) + paylen;

	if (hlen > paylen)
		hlen = paylen;
	if (hlen > 0)
		memcpy(pl, head, hlen);
	memset(pl + hlen, 0, paylen - hlen);
	uh->sport = htons(sport);
	uh->dport = htons(dport);
	uh->len = htons((uint16_t)ulen);
	uh->sum = 0;
	/* The zeros after head add nothing to the sum. */
	uh->sum = in4_l4_cksum_part(src, dst, IPPROTO_UDP_, uh,
	    sizeof(*uh) + hlen, ulen);
	if (uh->sum == 0)
		uh->sum = 0xffff;
	frame_ip4(p, smac, dmac, src, dst, IPPROTO_UDP_, ttl, id, ulen);
}

void
ether_multicast_mac(uint32_t group, uint8_t *mac)
{
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = (group >> 16) & 0x7f;
	mac[4] = (group >> 8) & 0xff;
	mac[5] = group & 0xff;
}

int
frame_check_ip4(const struct pkt *p)
{
	const struct eth_hdr *eh = (const struct eth_hdr *)p->data;
	const struct ip4_hdr *ip;
	uint32_t hl, tl;

	if (p->len < ETHER_HDR_LEN + 20 || ntohs(eh->type) != ETHERTYPE_IP)
		return EINVAL;
	ip = (const struct ip4_hdr *)(p->data + ETHER_HDR_LEN);
	hl = (ip->vhl & 0x0f) * 4;
	tl = ntohs(ip->len);
	if ((ip->vhl >> 4) != 4 || hl < 20 || tl < hl ||
	    tl > p->len - ETHER_HDR_LEN)
		return EINVAL;
	if (in_cksum(ip, hl) != 0)
		return EINVAL;
	return 0;
}
