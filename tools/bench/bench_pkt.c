/*
 * bench_pkt: packets over a chain of point-to-point links.
 *
 * Nodes n0 .. nH joined by H links (10 Gbit/s, 1 us). n0 keeps WINDOW
 * UDP packets in flight: each packet is built with real headers and
 * checksum, forwarded hop by hop (MAC rewrite, iface_output), and freed
 * at nH, which asks n0 for the next one. A packet-hop is one frame
 * delivered over one link. After a warm-up the run is timed; the pool's
 * malloc counter is read before and after to show that steady state
 * allocates nothing per packet.
 *
 * usage: bench_pkt [-h HOPS] [-w WINDOW] [-n PACKET_HOPS]
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/net.h"
#include "engine/proto.h"

#define MAXHOPS		32

struct chain {
	struct world	*w;
	int		 hops;
	struct iface	*out[MAXHOPS + 1];	/* of ni toward nH */
	struct iface	*in[MAXHOPS + 1];	/* of ni from n(i-1) */
	uint64_t	 delivered, sent, dropped;
	uint16_t	 ipid;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
send_one(struct chain *c)
{
	struct iface *src = c->out[0], *dst = c->in[c->hops];
	struct pkt *p = pkt_alloc(c->w->pool);

	if (p == NULL) {
		c->dropped++;
		return;
	}
	frame_udp4(p, src->mac, c->in[1]->mac, src->addr, dst->addr, 9000, 9,
	    NULL, 0, 64, 64, c->ipid++);
	c->sent++;
	if (sim_output(src, p) != 0)
		c->dropped++;
}

/* Every node's receive: forward toward nH, or consume at nH. */
static void
chain_rx(struct iface *ifp, struct pkt *p, void *arg)
{
	struct chain *c = arg;
	int i = ifp->node->id;

	c->delivered++;
	if (i == c->hops) {
		pkt_free(p);
		send_one(c);
		return;
	}
	memcpy(pkt_eth(p)->dst, c->in[i + 1]->mac, ETHER_ADDR_LEN);
	memcpy(pkt_eth(p)->src, c->out[i]->mac, ETHER_ADDR_LEN);
	if (sim_output(c->out[i], p) != 0)
		c->dropped++;
}

int
main(int argc, char **argv)
{
	struct seg_params sp = {
		.rate_bps = 10000000000ULL, .delay_ns = 1000, .qlimit = 0
	};
	struct chain c;
	struct node *n[MAXHOPS + 1];
	uint64_t target = 20000000, m0, m1, d0, e0;
	int hops = 8, window = 256, i;
	double wall;
	simtime_t t;
	char name[16];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 && i + 1 < argc)
			hops = atoi(argv[++i]);
		else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
			window = atoi(argv[++i]);
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			target = strtoull(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: bench_pkt [-h HOPS] "
			    "[-w WINDOW] [-n PACKET_HOPS]\n");
			return 2;
		}
	}
	if (hops < 1 || hops > MAXHOPS || window < 1) {
		fprintf(stderr, "bench_pkt: 1 <= HOPS <= %d, WINDOW >= 1\n",
		    MAXHOPS);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	c.hops = hops;
	c.w = world_create(1, 0, 0);
	if (c.w == NULL)
		return 1;
	for (i = 0; i <= hops; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		n[i] = node_create(c.w, name, "host");
	}
	for (i = 1; i <= hops; i++) {
		struct segment *s;

		snprintf(name, sizeof(name), "l%d", i);
		s = segment_create(c.w, name, &sp);
		c.out[i - 1] = iface_create(n[i - 1], "eth1", s,
		    0x0a000000 | (uint32_t)i << 8 | 1, 24);
		c.in[i] = iface_create(n[i], "eth0", s,
		    0x0a000000 | (uint32_t)i << 8 | 2, 24);
		if (s == NULL || c.out[i - 1] == NULL || c.in[i] == NULL) {
			fprintf(stderr, "bench_pkt: cannot build the chain\n");
			return 1;
		}
		sim_set_input(c.in[i], chain_rx, &c);
	}
	for (i = 0; i < window; i++)
		send_one(&c);
	/* Warm-up: the pool grows to the window, the heap to its size. */
	for (t = NS_PER_MS; c.delivered < target / 10 + 100000;
	    t += NS_PER_MS)
		ev_run(c.w->q, t);
	m0 = pkt_pool_mallocs(c.w->pool);
	d0 = c.delivered;
	e0 = ev_scheduled_total(c.w->q);
	wall = now_s();
	for (; c.delivered - d0 < target; t += NS_PER_MS)
		ev_run(c.w->q, t);
	wall = now_s() - wall;
	m1 = pkt_pool_mallocs(c.w->pool);
	printf("%-6s %6s %12s %9s %12s %12s %8s %8s %6s\n", "hops",
	    "window", "pkt_hops", "wall_s", "Mhops/s", "Mevents/s",
	    "mallocs0", "mallocs1", "drops");
	printf("%-6d %6d %12llu %9.3f %12.2f %12.2f %8llu %8llu %6llu\n",
	    hops, window, (unsigned long long)(c.delivered - d0), wall,
	    (c.delivered - d0) / wall / 1e6,
	    (ev_scheduled_total(c.w->q) - e0) / wall / 1e6,
	    (unsigned long long)m0, (unsigned long long)m1,
	    (unsigned long long)c.dropped);
	world_destroy(c.w);
	return m1 == m0 && c.dropped == 0 ? 0 : 1;
}
