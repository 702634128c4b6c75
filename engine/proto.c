/* Wire header helpers: checksums and frame building. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "proto.h"

static uint32_t
cksum_add(uint32_t sum, const void *buf, uint32_t len)
{
	const uint8_t *p = buf;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t
cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
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
	uint32_t sum = 0;

	sum += src >> 16;
	sum += src & 0xffff;
	sum += dst >> 16;
	sum += dst & 0xffff;
	sum += proto;
	sum += len;
	sum = cksum_add(sum, seg, len);
	return cksum_fold(sum);
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
