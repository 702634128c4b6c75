/*
 * models/pf: the state table and everything around the TCP tracker:
 * UDP, ICMP and other protocols, forwarding (two states per flow), the
 * pfsync hooks and deferral, congestion, the state limit, timeouts and
 * the purge thread's pace, and the pfctl-style outputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/json.h"
#include "pf_harness.h"

#define X	IP4(10, 1, 2, 10)
#define Y	IP4(10, 2, 2, 20)

static struct pfh_pkt
udp(u_int32_t src, u_int16_t sport, u_int32_t dst, u_int16_t dport)
{
	struct pfh_pkt p;

	memset(&p, 0, sizeof(p));
	p.proto = IPPROTO_UDP;
	p.src = src;
	p.sport = sport;
	p.dst = dst;
	p.dport = dport;
	p.len = 100;
	p.wscale = -1;
	return (p);
}

static struct pfh *
mk(const char *rules, u_int32_t limit)
{
	struct pfh *h = calloc(1, sizeof(*h));

	if (pfh_init(h, rules, limit) != 0)
		fail_msg("%s", h->err);
	return (h);
}

static void
rm(struct pfh *h)
{
	pfh_fini(h);
	free(h);
}

static void
test_udp(void **state)
{
	struct pfh	*h = mk("block all\npass proto udp all\n", 0);
	struct pfh_pkt	 q = udp(X, 5000, Y, 53), r = udp(Y, 53, X, 5000);
	struct pf_state	*s;

	(void)state;
	assert_int_equal(pfh_test(h, PF_IN, 0, &q, NULL), PF_PASS);
	s = pfh_state(h, IPPROTO_UDP, X, 5000, Y, 53);
	assert_non_null(s);
	assert_int_equal(s->src.state, PFUDPS_SINGLE);
	assert_int_equal(s->dst.state, PFUDPS_NO_TRAFFIC);
	assert_int_equal(s->timeout, PFTM_UDP_FIRST_PACKET);
	assert_int_equal(pf_state_expires(s), s->expire + 60);
	assert_int_equal(pfh_test(h, PF_OUT, 0, &r, NULL), PF_PASS);
	assert_int_equal(s->dst.state, PFUDPS_SINGLE);
	assert_int_equal(s->src.state, PFUDPS_MULTIPLE);
	assert_int_equal(s->timeout, PFTM_UDP_SINGLE);
	assert_int_equal(pfh_test(h, PF_IN, 0, &q, NULL), PF_PASS);
	assert_int_equal(s->dst.state, PFUDPS_MULTIPLE);
	assert_int_equal(s->timeout, PFTM_UDP_MULTIPLE);
	assert_int_equal(pfsync_stub.n_update, 2);
	/* a short UDP length is dropped as "short" */
	q.len = 0;
	q.dport = 0;
	assert_int_equal(pfh_test(h, PF_IN, 0, &q, NULL), PF_DROP);
	assert_int_equal(V_pf_status.counters[PFRES_SHORT], 1);
	rm(h);
}

static void
test_icmp(void **state)
{
	struct pfh	*h = mk("block all\npass proto icmp all\n"
			    "pass proto tcp all\n", 0);
	struct pfh_pkt	 echo, reply, err, inner;
	struct pf_state	*s;

	(void)state;
	memset(&echo, 0, sizeof(echo));
	echo.proto = IPPROTO_ICMP;
	echo.src = X;
	echo.dst = Y;
	echo.icmp_type = ICMP_ECHO;
	echo.echo_id = 77;
	reply = echo;
	reply.src = Y;
	reply.dst = X;
	reply.icmp_type = ICMP_ECHOREPLY;

	assert_int_equal(pfh_test(h, PF_IN, 0, &echo, NULL), PF_PASS);
	s = pfh_state(h, IPPROTO_ICMP, X, 77, Y, 77);
	assert_non_null(s);
	assert_int_equal(s->timeout, PFTM_ICMP_FIRST_PACKET);
	assert_int_equal(pfh_test(h, PF_OUT, 0, &reply, NULL), PF_PASS);
	assert_int_equal(s->timeout, PFTM_ICMP_ERROR_REPLY);
	assert_int_equal(pf_state_expires(s), s->expire + 10);

	/* an ICMP error about a TCP connection with a state passes */
	inner = pfh_tcp(X, 1234, Y, 80, 100, 0, TH_SYN, 1000, 0);
	assert_int_equal(pfh_test(h, PF_IN, 0, &inner, NULL), PF_PASS);
	assert_int_equal(V_pf_status.states, 2);
	memset(&err, 0, sizeof(err));
	err.proto = IPPROTO_ICMP;
	err.src = IP4(10, 2, 0, 1);
	err.dst = X;
	err.icmp_type = ICMP_UNREACH;
	err.icmp_code = ICMP_UNREACH_PORT;
	err.inner = &inner;
	assert_int_equal(pfh_test(h, PF_OUT, 0, &err, NULL), PF_PASS);
	assert_int_equal(pfsync_stub.n_update, 2);	/* reply + error */
	/* ... with a sequence number outside the window: dropped */
	inner.seq = 100 + 10 * 1000 * 1000;
	assert_int_equal(pfh_test(h, PF_OUT, 0, &err, NULL), PF_DROP);
	assert_int_equal(V_pf_status.counters[PFRES_BADSTATE], 1);
	/* an error about nothing: rules; never creates a state */
	inner.sport = 999;
	assert_int_equal(pfh_test(h, PF_OUT, 0, &err, NULL), PF_PASS);
	assert_int_equal(V_pf_status.states, 2);
	rm(h);
}

static void
test_other_proto(void **state)
{
	struct pfh	*h = mk("pass proto 47 all\n", 0);
	struct pfh_pkt	 g, b;
	struct pf_state	*s;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.proto = 47;
	g.src = X;
	g.dst = Y;
	g.len = 40;
	b = g;
	b.src = Y;
	b.dst = X;
	assert_int_equal(pfh_test(h, PF_IN, 0, &g, NULL), PF_PASS);
	s = pfh_state(h, 47, X, 0, Y, 0);
	assert_non_null(s);
	assert_int_equal(s->src.state, PFOTHERS_SINGLE);
	assert_int_equal(s->timeout, PFTM_OTHER_FIRST_PACKET);
	assert_int_equal(pfh_test(h, PF_OUT, 0, &b, NULL), PF_PASS);
	assert_int_equal(pfh_test(h, PF_IN, 0, &g, NULL), PF_PASS);
	assert_int_equal(s->timeout, PFTM_OTHER_MULTIPLE);
	assert_int_equal(pf_state_expires(s), s->expire + 60);
	rm(h);
}

/*
 * docs/ref/pf-state-tracking.md §1.3: a forwarded connection gets two states
 * (IN on the ingress interface, OUT on the egress one); every later
 * packet updates both.
 */
static void
test_forwarding_two_states(void **state)
{
	struct pfh	*h = mk("block all\npass proto tcp all\n", 0);
	struct pfh_pkt	 p = pfh_tcp(X, 1234, Y, 80, 1000, 0, TH_SYN, 8000, 0);
	struct pfh_pkt	 r = pfh_tcp(Y, 80, X, 1234, 9000, 1001,
			    TH_SYN | TH_ACK, 8000, 0);
	struct pf_state	*in, *out;
	u_int64_t	 searches;

	(void)state;
	assert_int_equal(pfh_forward(h, 0, 1, &p), PF_PASS);
	assert_int_equal(V_pf_status.states, 2);
	assert_int_equal(pfsync_stub.n_insert, 2);
	in = pfh_state(h, IPPROTO_TCP, X, 1234, Y, 80);
	out = pfh_state(h, IPPROTO_TCP, Y, 80, X, 1234);
	assert_non_null(in);
	assert_non_null(out);
	assert_ptr_not_equal(in, out);
	assert_int_equal(in->direction, PF_IN);
	assert_int_equal(out->direction, PF_OUT);
	assert_ptr_equal(in->kif, V_pfi_all);	/* floating */
	assert_int_equal(betoh64(out->id), betoh64(in->id) + 1);

	/* the reply comes back the other way: in on em1, out on em0 */
	assert_int_equal(pfh_forward(h, 1, 0, &r), PF_PASS);
	assert_int_equal(pfsync_stub.n_update, 2);
	assert_int_equal(V_pf_status.states, 2);
	p.flags = TH_ACK;
	p.seq = 1001;
	p.ack = 9001;
	searches = V_pf_status.fcounters[FCNT_STATE_SEARCH];
	assert_int_equal(pfh_forward(h, 0, 1, &p), PF_PASS);
	assert_int_equal(pfsync_stub.n_update, 4);
	assert_int_equal(V_pf_status.fcounters[FCNT_STATE_SEARCH],
	    searches + 2);
	assert_int_equal(in->dst.state, TCPS_ESTABLISHED);
	assert_int_equal(out->dst.state, TCPS_ESTABLISHED);
	assert_int_equal(in->packets[0], 2);
	assert_int_equal(in->packets[1], 1);
	/* the in pass hands the stack key on; out uses its reverse */
	assert_ptr_equal(in->key[PF_SK_STACK]->reverse, out->key[PF_SK_WIRE]);
	rm(h);
}

/* Seed L4234: the OUT packet that creates a state goes to pfsync_defer
 * when pfsync is up; a held packet is PF_DEFER, reported as PASS. */
static void
test_defer(void **state)
{
	struct pfh	*h = mk("pass proto tcp all\n", 0);
	struct pfh_pkt	 p = pfh_tcp(X, 1234, Y, 80, 1000, 0, TH_SYN, 8000, 0);
	int		 consumed;

	(void)state;
	/* pfsync down: never asked */
	assert_int_equal(pfh_forward(h, 0, 1, &p), PF_PASS);
	assert_int_equal(pfsync_stub.n_defer, 0);
	assert_true(pfsync_stub.n_up >= 1);

	pfsync_stub.up = 1;
	pfsync_stub.defer = 1;
	p.sport = 1235;
	/* IN creates a state but is never deferred */
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, &consumed), PF_PASS);
	assert_int_equal(consumed, 0);
	assert_int_equal(pfsync_stub.n_defer, 0);
	/* OUT: held by pfsync */
	assert_int_equal(pfh_test(h, PF_OUT, 1, &p, &consumed), PF_PASS);
	assert_int_equal(consumed, 1);
	assert_int_equal(pfsync_stub.n_defer, 1);
	assert_non_null(pfsync_stub.held);
	assert_int_equal(pfsync_stub.last_defer->direction, PF_OUT);
	assert_int_equal(V_pf_status.states, 4);

	/* pfsync may decline: the packet goes on */
	pfsync_stub.defer = 0;
	p.sport = 1236;
	assert_int_equal(pfh_test(h, PF_OUT, 1, &p, &consumed), PF_PASS);
	assert_int_equal(consumed, 0);
	assert_int_equal(pfsync_stub.n_defer, 2);

	/* a packet pfsync re-sends is tagged and passes untouched */
	pfsync_stub.defer = 1;
	{
		struct mbuf	*m = pfsync_stub.held;
		int		 s;
		u_int64_t	 searches = V_pf_status.fcounters[0];

		pfsync_stub.held = NULL;
		m->m_pkthdr.pf.flags |= PF_TAG_GENERATED;
		s = splsoftnet();
		assert_int_equal(pf_test(PF_OUT, &h->ifp[1], &m, NULL),
		    PF_PASS);
		splx(s);
		assert_non_null(m);
		assert_int_equal(V_pf_status.fcounters[0], searches);
		m_freem(m);
	}
	rm(h);
}

static void
test_congestion(void **state)
{
	struct pfh	*h = mk("pass all\n", 0);
	struct pfh_pkt	 a = pfh_tcp(X, 1, Y, 80, 1000, 0, TH_SYN, 8000, 0);
	struct pfh_pkt	 b = pfh_tcp(X, 2, Y, 80, 1000, 0, TH_SYN, 8000, 0);

	(void)state;
	assert_int_equal(pfh_test(h, PF_IN, 0, &a, NULL), PF_PASS);
	ipintrq.ifq_congestion = 1;
	/* no state, inbound: dropped without rule evaluation */
	assert_int_equal(pfh_test(h, PF_IN, 0, &b, NULL), PF_DROP);
	assert_int_equal(V_pf_status.counters[PFRES_CONGEST], 1);
	assert_string_equal(pf_drop_reason(), "congestion");
	/* existing states and outbound packets are not affected */
	a.flags = TH_ACK;
	a.seq = 1001;
	assert_int_equal(pfh_test(h, PF_IN, 0, &a, NULL), PF_PASS);
	assert_int_equal(pfh_test(h, PF_OUT, 1, &b, NULL), PF_PASS);
	ipintrq.ifq_congestion = 0;
	assert_int_equal(pfh_test(h, PF_IN, 0, &b, NULL), PF_PASS);
	assert_int_equal(V_pf_status.counters[PFRES_CONGEST], 1);
	rm(h);
}

/* Global limit (the state pool's hard limit) and a rule's max. */
static void
test_state_limit(void **state)
{
	struct pfh	*h = mk("set timeout { udp.first 5, udp.single 5 }\n"
			    "pass proto udp all\n"
			    "pass proto udp to port 99 keep state (max 2)\n",
			    3);
	struct pfh_pkt	 p;
	int		 i;

	(void)state;
	for (i = 0; i < 3; i++) {
		p = udp(X, 1000 + i, Y, 53);
		assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	}
	p = udp(X, 1003, Y, 53);
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_DROP);
	assert_int_equal(V_pf_status.counters[PFRES_MEMORY], 1);
	assert_string_equal(pf_drop_reason(), "pf_memory");
	assert_int_equal(V_pf_status.states, 3);
	assert_int_equal(V_pf_state_pl.pr_nfail, 1);
	/* existing states keep working */
	p = udp(X, 1000, Y, 53);
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);

	/* after expiry and purge, room again */
	pfh_advance(h, 12 * NS_PER_SEC);
	assert_int_equal(V_pf_status.states, 0);
	p = udp(X, 1003, Y, 53);
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);

	/* rule max 2 */
	for (i = 0; i < 2; i++) {
		p = udp(X, 2000 + i, Y, 99);
		assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	}
	p = udp(X, 2002, Y, 99);
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_DROP);
	assert_int_equal(V_pf_status.counters[PFRES_MAXSTATES], 1);
	assert_int_equal(V_pf_status.lcounters[LCNT_STATES], 1);
	assert_string_equal(pf_drop_reason(), "pf_state_limit");
	rm(h);
}

/*
 * docs/ref/pf-state-tracking.md §7.3: the purge thread wakes once a second and
 * examines
 * 1 + states / interval states, so an expired table drains over about
 * one interval (10 s), not at once.
 */
static void
test_purge_pace(void **state)
{
	struct pfh	*h = mk("set timeout udp.first 5\npass all\n", 0);
	struct pfh_pkt	 p;
	u_int64_t	 runs;
	int		 i, left6;

	(void)state;
	for (i = 0; i < 200; i++) {
		p = udp(X, 1000 + i, Y, 53);
		assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	}
	runs = V_pf_vnet->pf_purge_runs;
	pfh_advance(h, 4 * NS_PER_SEC);
	assert_int_equal(V_pf_status.states, 200);
	assert_true(V_pf_vnet->pf_purge_runs - runs >= 3);
	assert_true(V_pf_vnet->pf_purge_runs - runs <= 4);
	pfh_advance(h, 3 * NS_PER_SEC);
	/* expired since about 5-6 s, at most 2 passes of 21 states */
	left6 = V_pf_status.states;
	assert_true(left6 < 200);
	assert_true(left6 >= 200 - 3 * 21);
	/*
	 * Each pass takes 1 + n / 10 of the n left: about 26 passes to
	 * drain 200 expired states.
	 */
	pfh_advance(h, 10 * NS_PER_SEC);
	assert_true(V_pf_status.states > 0);
	pfh_advance(h, 25 * NS_PER_SEC);
	assert_int_equal(V_pf_status.states, 0);
	assert_int_equal(pfsync_stub.n_delete, 200);
	assert_int_equal(V_pf_status.fcounters[FCNT_STATE_REMOVALS], 200);
	rm(h);
}

/* docs/ref/pf-state-tracking.md §7.2: adaptive timeouts scale the
 * expiry between start and end. */
static void
test_adaptive(void **state)
{
	struct pfh	*h = mk("pass all\n", 100);
	struct pfh_pkt	 p;
	struct pf_state	*s;
	int		 i;

	(void)state;
	for (i = 0; i < 90; i++) {
		p = udp(X, 1000 + i, Y, 53);
		assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	}
	s = pfh_state(h, IPPROTO_UDP, X, 1000, Y, 53);
	/* start 60, end 120, 90 states: 60 * (120 - 90) / 60 */
	assert_int_equal(pf_state_expires(s), s->expire + 30);
	rm(h);
}

/* pfsync's side of the table: insert of a peer's state, lookup by id,
 * the v4 delete rule, in-use, clear. */
static void
test_pfsync_api(void **state)
{
	struct pfh		*h = mk("pass all\n", 0);
	struct pf_state		*s, *own;
	struct pf_state_key	*sk;
	struct pf_state_cmp	 id;
	struct pfh_pkt		 p = udp(X, 7, Y, 53);
	int			 spl;

	(void)state;
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	own = pfsync_stub.last_insert;

	/* what pfsync_state_import does with a peer's INS */
	spl = splsoftnet();
	s = pool_get(&V_pf_state_pl, PR_NOWAIT | PR_ZERO);
	sk = pf_alloc_state_key(PR_NOWAIT | PR_ZERO);
	assert_non_null(s);
	assert_non_null(sk);
	sk->af = AF_INET;
	sk->proto = IPPROTO_UDP;
	sk->addr[0].addr32[0] = htonl(X);
	sk->addr[1].addr32[0] = htonl(Y);
	sk->port[0] = htons(8);
	sk->port[1] = htons(53);
	s->rule.ptr = &V_pf_default_rule;
	s->id = htobe64(0x1234);
	s->creatorid = htonl(0xfeedbeef);
	s->direction = PF_IN;
	s->timeout = PFTM_UDP_SINGLE;
	s->expire = time_second;
	s->sync_state = PFSYNC_S_NONE;
	V_pf_default_rule.states_cur++;
	assert_int_equal(pf_state_insert(pfi_kif_get("all"), sk, sk, s), 0);
	splx(spl);
	assert_int_equal(s->id, htobe64(0x1234));	/* kept */
	assert_int_equal(pfsync_stub.n_insert, 2);

	id.id = htobe64(0x1234);
	id.creatorid = htonl(0xfeedbeef);
	assert_ptr_equal(pf_find_state_byid(&id), s);
	id.creatorid = htonl(0xfeedbeee);
	assert_null(pf_find_state_byid(&id));
	id.id = own->id;
	id.creatorid = V_pf_status.hostid;
	assert_ptr_equal(pf_find_state_byid(&id), own);
	/* a packet now matches the imported state */
	p.sport = 8;
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	assert_ptr_equal(pfsync_stub.last_update, s);

	/* v4: deletes only announced for own states */
	V_pf_sync_delete_own = 1;
	spl = splsoftnet();
	pf_unlink_state(s);
	assert_int_equal(pfsync_stub.n_delete, 0);
	pf_unlink_state(own);
	assert_int_equal(pfsync_stub.n_delete, 1);
	/* pfsync holds them: not freed */
	pfsync_stub.in_use = 1;
	pf_purge_expired_states(10);
	assert_int_equal(V_pf_status.states, 2);
	pfsync_stub.in_use = 0;
	pf_purge_expired_states(10);
	assert_int_equal(V_pf_status.states, 0);
	splx(spl);

	/* clear: NOSYNC on each, one clear message */
	V_pf_sync_delete_own = 0;
	p.sport = 9;
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	s = pfsync_stub.last_insert;
	pf_clear_states(NULL);
	assert_int_equal(pfsync_stub.n_clear, 1);
	assert_int_equal(pfsync_stub.clear_creatorid, V_pf_status.hostid);
	assert_true(s->state_flags & PFSTATE_NOSYNC);
	assert_int_equal(s->timeout, PFTM_UNLINKED);
	assert_int_equal(pfsync_stub.n_delete, 2);
	rm(h);
}

/* A key collision (same key, kif and direction) fails the insert. */
static void
test_insert_collision(void **state)
{
	struct pfh		*h = mk("pass all\n", 0);
	struct pf_state		*s;
	struct pf_state_key	*sk;
	struct pfh_pkt		 p = udp(X, 7, Y, 53);
	int			 spl;

	(void)state;
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	spl = splsoftnet();
	s = pool_get(&V_pf_state_pl, PR_NOWAIT | PR_ZERO);
	sk = pf_alloc_state_key(PR_NOWAIT | PR_ZERO);
	sk->af = AF_INET;
	sk->proto = IPPROTO_UDP;
	sk->addr[0].addr32[0] = htonl(X);
	sk->addr[1].addr32[0] = htonl(Y);
	sk->port[0] = htons(7);
	sk->port[1] = htons(53);
	s->rule.ptr = &V_pf_default_rule;
	s->direction = PF_IN;
	s->id = htobe64(99);
	s->creatorid = 1;
	assert_int_equal(pf_state_insert(V_pfi_all, sk, sk, s), -1);
	/* the caller frees the state; pf freed the key */
	pool_put(&V_pf_state_pl, s);
	splx(spl);
	assert_int_equal(V_pf_status.states, 1);
	assert_int_equal(V_pf_state_key_pl.pr_nout, 1);
	rm(h);
}

static void
test_ip_options_and_disabled(void **state)
{
	struct pfh	*h = mk("pass all\n", 0);
	struct pfh_pkt	 p = udp(X, 7, Y, 53);

	(void)state;
	p.ipopts = 1;
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_DROP);
	assert_int_equal(V_pf_status.counters[PFRES_IPOPTIONS], 1);
	V_pf_status.running = 0;
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	rm(h);
}

static char *
capture(struct pfh *h, int (*fn)(struct vnet *, FILE *))
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	assert_int_equal(fn(h->v, f), 0);
	fclose(f);
	return (buf);
}

static void
test_outputs(void **state)
{
	struct pfh	*h = mk("block all\npass proto tcp all\n", 0);
	struct pfh_pkt	 p = pfh_tcp(X, 1234, Y, 80, 1000, 0, TH_SYN, 8000, 0);
	struct pfh_pkt	 r = pfh_tcp(Y, 80, X, 1234, 9000, 1001,
			    TH_SYN | TH_ACK, 8000, 0);
	struct json	*j;
	char		*out, *buf = NULL, want[160];
	size_t		 len = 0;
	FILE		*f;
	struct pf_state	*s;

	(void)state;
	pfh_forward(h, 0, 1, &p);
	pfh_forward(h, 1, 0, &r);
	p.flags = TH_ACK;
	p.seq = 1001;
	p.ack = 9001;
	pfh_forward(h, 0, 1, &p);
	pfh_advance(h, 65 * NS_PER_SEC);

	out = capture(h, pf_write_states);
	assert_non_null(strstr(out,
	    "all tcp 10.2.2.20:80 <- 10.1.2.10:1234       "
	    "ESTABLISHED:ESTABLISHED\n"
	    "   [9001 + 8000]  [1000 + 8001]\n"
	    "   age 00:01:05, expires in 23:58:55, 2:1 pkts, 80:40 bytes, "
	    "rule 1\n"));
	assert_non_null(strstr(out,
	    "all tcp 10.1.2.10:1234 -> 10.2.2.20:80       "
	    "ESTABLISHED:ESTABLISHED\n"));
	s = pfh_state(h, IPPROTO_TCP, X, 1234, Y, 80);
	snprintf(want, sizeof(want), "   id: %016llx creatorid: %08x\n",
	    (unsigned long long)betoh64(s->id), ntohl(s->creatorid));
	assert_non_null(strstr(out, want));
	free(out);

	out = capture(h, pf_write_info);
	assert_non_null(strstr(out, "Status: Enabled for 0 days 00:01:05"));
	snprintf(want, sizeof(want), "  %-25s %14u ", "current entries", 2);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof(want), "  %-25s %14u ", "state-mismatch", 0);
	assert_non_null(strstr(out, want));
	free(out);

	f = open_memstream(&buf, &len);
	j = json_create(f);
	json_obj_begin(j, NULL);
	pf_report_json(h->v, j);
	json_obj_end(j);
	json_destroy(j);
	fclose(f);
	assert_non_null(strstr(buf, "\"states\""));
	assert_non_null(strstr(buf, "\"state_mismatch\""));
	assert_non_null(strstr(buf, "\"blocked\""));
	assert_non_null(strstr(buf, "\"inserts\""));
	assert_non_null(strstr(buf, "\"removals\""));
	assert_non_null(strstr(buf, "\"state-mismatch\""));
	free(buf);
	rm(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_other_proto),
		cmocka_unit_test(test_forwarding_two_states),
		cmocka_unit_test(test_defer),
		cmocka_unit_test(test_congestion),
		cmocka_unit_test(test_state_limit),
		cmocka_unit_test(test_purge_pace),
		cmocka_unit_test(test_adaptive),
		cmocka_unit_test(test_pfsync_api),
		cmocka_unit_test(test_insert_collision),
		cmocka_unit_test(test_ip_options_and_disabled),
		cmocka_unit_test(test_outputs),
	};

	return (cmocka_run_group_tests_name("pf_state", tests, NULL, NULL));
}
