/*
 * bench_pf: state lookups per second at 1k, 100k and 1M states, and
 * memory per state, on the real pf (not a test; prints a table).
 *
 *   bench_pf [N ...]      (default: 1000 100000 1000000)
 *
 * For each N: N TCP states are created through pf_test (a SYN each, in
 * on em0), then
 *   - "find": RB_FIND in the state key tree (what pf_find_state costs
 *     without the per-key list walk), a fresh random existing key
 *     each time (cold: the table does not fit in the caches);
 *   - "pf_test": the whole pf_test of a pure ACK matching one of 4096
 *     random existing states, cycled (header pulls, lookup, TCP
 *     tracking, counters; warmer);
 *   - memory: heap growth per state (mallinfo2) and the struct sizes.
 * Wall-clock timing; the numbers depend on the machine.
 */
#include <malloc.h>
#include <time.h>

#include "pf_harness.h"

#define NPKT	4096		/* prebuilt packets cycled by the pf_test run */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static u_int64_t rnd = 88172645463325252ULL;

static u_int32_t
xr(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return ((u_int32_t)(rnd >> 16));
}

/* Flow i: 10.0.(i / 50000).1:(1024 + i % 50000) -> 10.9.9.9:80 */
static void
flow(u_int32_t i, u_int32_t *src, u_int16_t *sport)
{
	*src = IP4(10, 0, i / 50000, 1);
	*sport = (u_int16_t)(1024 + i % 50000);
}

static struct mbuf *
mkmbuf(struct pfh *h, const struct pfh_pkt *p)
{
	/* the harness builds and tests; keep the mbuf it leaves */
	struct mbuf *m;

	(void)pfh_test(h, PF_IN, 0, p, NULL);
	m = h->last_m;
	h->last_m = NULL;
	return (m);
}

static void
bench(u_int32_t n)
{
	struct pfh		 h;
	struct pfh_pkt		 p;
	struct pf_state_key_cmp	 key;
	struct mbuf		*ms[NPKT];
	struct mallinfo2	 mi0, mi1;
	u_int32_t		 i, src, nfind, ntest;
	u_int16_t		 sport;
	double			 t0, t1, tfind, ttest, tins;
	u_int64_t		 found = 0;
	int			 s;

	if (pfh_init(&h, "pass in proto tcp all\n", n + 16) != 0) {
		fprintf(stderr, "bench_pf: %s\n", h.err);
		exit(1);
	}
	mi0 = mallinfo2();
	t0 = now_s();
	for (i = 0; i < n; i++) {
		flow(i, &src, &sport);
		p = pfh_tcp(src, sport, IP4(10, 9, 9, 9), 80, 1000, 0,
		    TH_SYN, 65535, 0);
		if (pfh_test(&h, PF_IN, 0, &p, NULL) != PF_PASS) {
			fprintf(stderr, "bench_pf: insert %u failed\n", i);
			exit(1);
		}
	}
	tins = now_s() - t0;
	mi1 = mallinfo2();
	if (V_pf_status.states != n) {
		fprintf(stderr, "bench_pf: %u states, wanted %u\n",
		    V_pf_status.states, n);
		exit(1);
	}

	/* a random existing key each time, as pf_test_state_tcp builds
	 * them (IN); the xorshift and key setup are part of the time */
	nfind = 2000000;
	memset(&key, 0, sizeof(key));
	key.af = AF_INET;
	key.proto = IPPROTO_TCP;
	key.addr[1].addr32[0] = htonl(IP4(10, 9, 9, 9));
	key.port[1] = htons(80);
	t0 = now_s();
	for (i = 0; i < nfind; i++) {
		flow(xr() % n, &src, &sport);
		key.addr[0].addr32[0] = htonl(src);
		key.port[0] = htons(sport);
		found += RB_FIND(pf_state_tree, &V_pf_statetbl,
		    (struct pf_state_key *)&key) != NULL;
	}
	t1 = now_s();
	tfind = t1 - t0;
	if (found != nfind) {
		fprintf(stderr, "bench_pf: lookups missed\n");
		exit(1);
	}

	/* whole pf_test of pure ACKs on random states */
	for (i = 0; i < NPKT; i++) {
		u_int32_t k = xr() % n;

		flow(k, &src, &sport);
		p = pfh_tcp(src, sport, IP4(10, 9, 9, 9), 80, 1001, 0,
		    TH_ACK, 65535, 0);
		ms[i] = mkmbuf(&h, &p);
	}
	ntest = 1000000;
	s = splsoftnet();
	t0 = now_s();
	for (i = 0; i < ntest; i++) {
		struct mbuf *m = ms[i % NPKT];

		if (pf_test(PF_IN, &h.ifp[0], &m, NULL) != PF_PASS) {
			fprintf(stderr, "bench_pf: pf_test dropped\n");
			exit(1);
		}
	}
	ttest = now_s() - t0;
	splx(s);
	for (i = 0; i < NPKT; i++)
		m_freem(ms[i]);

	printf("%9u  %12.0f  %12.0f  %10.0f  %8.1f  %8zu\n", n,
	    nfind / tfind, ntest / ttest, n / tins,
	    (double)(mi1.uordblks - mi0.uordblks) / n,
	    sizeof(struct pf_state) + sizeof(struct pf_state_key) +
	    sizeof(struct pf_state_item));
	fflush(stdout);
	pfh_fini(&h);
}

int
main(int argc, char **argv)
{
	static const u_int32_t def[] = { 1000, 100000, 1000000 };
	int i;

	printf("sizeof: pf_state %zu, pf_state_key %zu, pf_state_item %zu\n",
	    sizeof(struct pf_state), sizeof(struct pf_state_key),
	    sizeof(struct pf_state_item));
	printf("%9s  %12s  %12s  %10s  %8s  %8s\n", "states", "finds/s",
	    "pf_test/s", "inserts/s", "heap B/st", "struct B");
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			bench((u_int32_t)strtoul(argv[i], NULL, 10));
	} else {
		for (i = 0; i < 3; i++)
			bench(def[i]);
	}
	return (0);
}
