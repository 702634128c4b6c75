/*
 * Wire functions (engine/proto.c): the Internet checksum against published
 * and independently computed vectors, the TCP/UDP pseudo-header checksum,
 * frame_ip4 byte by byte, and every rejection of frame_check_ip4.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "engine/pkt.h"
#include "engine/proto.h"
#include "engine/rng.h"

/* Straightforward RFC 1071 sum with 64-bit accumulation, for comparison. */
static uint16_t
ref_cksum(const uint8_t *b, size_t len)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint64_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint64_t)b[len - 1] << 8;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
test_in_cksum_vectors(void **state)
{
	/* RFC 1071, section 3: the sum is ddf2, the checksum 220d. */
	static const uint8_t rfc1071[] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7
	};
	/* A textbook IPv4 header (192.168.0.1 -> .199, UDP), sum b861. */
	uint8_t ip[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7
	};
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	static uint8_t ones[65535];
	uint16_t s;

	(void)state;
	assert_int_equal(ntohs(in_cksum(rfc1071, sizeof(rfc1071))), 0x220d);
	s = in_cksum(ip, sizeof(ip));
	assert_int_equal(ntohs(s), 0xb861);
	/* Stored in network order, the header sums to zero. */
	memcpy(ip + 10, &s, 2);
	assert_int_equal(ip[10], 0xb8);
	assert_int_equal(ip[11], 0x61);
	assert_int_equal(in_cksum(ip, sizeof(ip)), 0);
	/* Odd length: the last byte is padded with zero. */
	assert_int_equal(ntohs(in_cksum(odd, 3)), 0xfbfd);
	assert_int_equal(ntohs(in_cksum(odd, 0)), 0xffff);
	/* Many carries. */
	memset(ones, 0xff, sizeof(ones));
	assert_int_equal(ntohs(in_cksum(ones, sizeof(ones))),
	    ref_cksum(ones, sizeof(ones)));
}

static void
test_in_cksum_random(void **state)
{
	static uint8_t buf[2000];
	struct rng r;
	size_t i, len;
	int k;

	(void)state;
	rng_init(&r, 1, "test.cksum");
	for (k = 0; k < 2000; k++) {
		len = (size_t)rng_below(&r, sizeof(buf) + 1);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rng_next(&r);
		assert_int_equal(ntohs(in_cksum(buf, (uint32_t)len)),
		    ref_cksum(buf, len));
	}
}

static void
test_l4_cksum_vectors(void **state)
{
	/* 10.99.0.1:9000 -> 10.99.0.2:9, UDP "abcde"; and a TCP SYN
	 * 12345 -> 80, seq 0x01020304, window 65535. Sums computed with
	 * an independent script. */
	uint8_t udp[13] = { 0x23, 0x28, 0x00, 0x09, 0x00, 0x0d, 0, 0,
	    'a', 'b', 'c', 'd', 'e' };
	uint8_t tcp[20] = { 0x30, 0x39, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04,
	    0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0 };
	uint16_t s;

	(void)state;
	s = in4_l4_cksum(0x0a630001, 0x0a630002, IPPROTO_UDP_, udp,
	    sizeof(udp));
	assert_int_equal(ntohs(s), 0x9e13);
	memcpy(udp + 6, &s, 2);
	assert_int_equal(in4_l4_cksum(0x0a630001, 0x0a630002, IPPROTO_UDP_,
	    udp, sizeof(udp)), 0);
	s = in4_l4_cksum(0x0a630001, 0x0a630002, IPPROTO_TCP_, tcp,
	    sizeof(tcp));
	assert_int_equal(ntohs(s), 0x668b);
	memcpy(tcp + 16, &s, 2);
	assert_int_equal(in4_l4_cksum(0x0a630001, 0x0a630002, IPPROTO_TCP_,
	    tcp, sizeof(tcp)), 0);
}

static const uint8_t smac[6] = { 0x02, 0x00, 0x5f, 0x00, 0x00, 0x01 };
static const uint8_t dmac[6] = { 0x02, 0x00, 0x5f, 0x00, 0x01, 0x00 };

static struct pkt *
mkip(struct pkt_pool *pp, uint32_t plen)
{
	struct pkt *p = pkt_alloc(pp);
	uint32_t i;

	assert_non_null(p);
	for (i = 0; i < plen; i++)
		p->data[ETHER_HDR_LEN + 20 + i] = (uint8_t)i;
	frame_ip4(p, smac, dmac, 0x0a000001, 0xc0a80102, IPPROTO_UDP_, 64,
	    0x1234, plen);
	return p;
}

static void
test_frame_ip4(void **state)
{
	static const uint8_t want[34] = {
		0x02, 0x00, 0x5f, 0x00, 0x01, 0x00,	/* dst */
		0x02, 0x00, 0x5f, 0x00, 0x00, 0x01,	/* src */
		0x08, 0x00,
		0x45, 0x00, 0x00, 0x30,			/* 20 + 28 */
		0x12, 0x34, 0x40, 0x00,			/* id, DF */
		0x40, 0x11, 0x00, 0x00,			/* ttl, udp, 0 */
		0x0a, 0x00, 0x00, 0x01,
		0xc0, 0xa8, 0x01, 0x02
	};
	struct pkt_pool *pp = pkt_pool_create(0);
	struct pkt *p = mkip(pp, 28);
	uint8_t hdr[34];

	(void)state;
	assert_int_equal(p->len, 14 + 20 + 28);
	memcpy(hdr, p->data, sizeof(hdr));
	assert_int_equal(ntohs(pkt_ip(p)->sum), ref_cksum(want + 14, 20));
	hdr[24] = hdr[25] = 0;
	assert_memory_equal(hdr, want, sizeof(want));
	assert_int_equal(ntohs(pkt_eth(p)->type), ETHERTYPE_IP);
	/* The payload is untouched. */
	assert_int_equal(p->data[34], 0);
	assert_int_equal(p->data[34 + 27], 27);
	assert_int_equal(frame_check_ip4(p), 0);
	pkt_free(p);
	pkt_pool_destroy(pp);
}

static void
test_frame_check_ip4_rejects(void **state)
{
	struct pkt_pool *pp = pkt_pool_create(0);
	struct pkt *p = mkip(pp, 100);
	struct ip4_hdr *ip = pkt_ip(p);

	(void)state;
	assert_int_equal(frame_check_ip4(p), 0);
	/* TTL changed without fixing the sum, then fixed. */
	ip->ttl--;
	assert_int_equal(frame_check_ip4(p), EINVAL);
	ip4_fix_cksum(ip);
	assert_int_equal(frame_check_ip4(p), 0);
	/* Ethernet padding after the datagram is fine. */
	p->len += 6;
	assert_int_equal(frame_check_ip4(p), 0);
	p->len -= 6;
	/* Truncated: shorter than the IP total length. */
	p->len--;
	assert_int_equal(frame_check_ip4(p), EINVAL);
	p->len++;
	/* Shorter than the two headers. */
	p->len = 33;
	assert_int_equal(frame_check_ip4(p), EINVAL);
	p->len = 134;
	/* Not IPv4 at the Ethernet layer. */
	pkt_eth(p)->type = htons(0x86dd);
	assert_int_equal(frame_check_ip4(p), EINVAL);
	pkt_eth(p)->type = htons(ETHERTYPE_IP);
	/* IP version 6 in an IPv4 frame. */
	ip->vhl = 0x65;
	ip4_fix_cksum(ip);
	assert_int_equal(frame_check_ip4(p), EINVAL);
	/* Header length below 20. */
	ip->vhl = 0x44;
	ip->sum = 0;
	ip->sum = in_cksum(ip, 16);
	assert_int_equal(frame_check_ip4(p), EINVAL);
	ip->vhl = 0x45;
	/* Total length below the header length. */
	ip->len = htons(19);
	ip4_fix_cksum(ip);
	assert_int_equal(frame_check_ip4(p), EINVAL);
	ip->len = htons(120);
	ip4_fix_cksum(ip);
	assert_int_equal(frame_check_ip4(p), 0);
	pkt_free(p);
	pkt_pool_destroy(pp);
}

static void
test_multicast_mac(void **state)
{
	uint8_t mac[6];

	(void)state;
	/* 224.0.0.240 (pfsync) -> 01:00:5e:00:00:f0. */
	ether_multicast_mac(0xe00000f0, mac);
	assert_memory_equal(mac, "\x01\x00\x5e\x00\x00\xf0", 6);
	/* Only the low 23 bits of the group map. */
	ether_multicast_mac(0xefff0102, mac);
	assert_memory_equal(mac, "\x01\x00\x5e\x7f\x01\x02", 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_cksum_vectors),
		cmocka_unit_test(test_in_cksum_random),
		cmocka_unit_test(test_l4_cksum_vectors),
		cmocka_unit_test(test_frame_ip4),
		cmocka_unit_test(test_frame_check_ip4_rejects),
		cmocka_unit_test(test_multicast_mac),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
