/*
 * models/pf: the TCP full tracker (pf_tcp_track_full, OpenBSD 4.5) against
 * vectors built from docs/ref/pf-state-tracking.md §3.2-§5, through
 * the real pf_test. One firewall sees client X on em0: X's packets come
 * IN on em0, the server's replies go OUT on em0, so one state (created
 * IN) has src = X and dst = Y.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "pf_harness.h"

#define X	IP4(10, 1, 2, 10)
#define Y	IP4(10, 2, 2, 20)
#define XP	40000
#define YP	80
#define C	1000u		/* client ISN */
#define S	5000000u	/* server ISN */
#define MAXACKWINDOW	(65535 + 1500)

static const char *rules =
    "block all\n"
    "pass in on em0 proto tcp from any to any port 80\n"
    "pass out on em0 proto tcp from any to any port 80\n";

static int
setup(void **state)
{
	struct pfh *h = calloc(1, sizeof(*h));

	if (pfh_init(h, rules, 0) != 0) {
		fprintf(stderr, "%s\n", h->err);
		return (-1);
	}
	*state = h;
	return (0);
}

static int
teardown(void **state)
{
	struct pfh *h = *state;

	pfh_fini(h);
	free(h);
	return (0);
}

/* X -> Y, in on em0 */
static int
cli(struct pfh *h, u_int32_t seq, u_int32_t ack, u_int8_t fl, u_int16_t win,
    u_int32_t len)
{
	struct pfh_pkt p = pfh_tcp(X, XP, Y, YP, seq, ack, fl, win, len);

	return (pfh_test(h, PF_IN, 0, &p, NULL));
}

/* Y -> X, out on em0 */
static int
srv(struct pfh *h, u_int32_t seq, u_int32_t ack, u_int8_t fl, u_int16_t win,
    u_int32_t len)
{
	struct pfh_pkt p = pfh_tcp(Y, YP, X, XP, seq, ack, fl, win, len);

	return (pfh_test(h, PF_OUT, 0, &p, NULL));
}

static struct pf_state *
st(struct pfh *h)
{
	return (pfh_state(h, IPPROTO_TCP, X, XP, Y, YP));
}

/* Three-way handshake, no window scaling; windows cw (X) and sw (Y). */
static void
handshake(struct pfh *h, u_int16_t cw, u_int16_t sw)
{
	assert_int_equal(cli(h, C, 0, TH_SYN, cw, 0), PF_PASS);
	assert_int_equal(srv(h, S, C + 1, TH_SYN | TH_ACK, sw, 0), PF_PASS);
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, cw, 0), PF_PASS);
}

/* pf's "State failure on" line for the six marks in f */
static const char *
failline(const char *f)
{
	static char b[64];

	snprintf(b, sizeof(b), "pf: State failure on: %c %c %c %c | %c %c",
	    f[0], f[1], f[2], f[3], f[4], f[5]);
	return (b);
}

static u_int64_t
badstate(void)
{
	return (V_pf_status.counters[PFRES_BADSTATE]);
}

/* §3.2: the state the first SYN creates. */
static void
test_syn_creates_state(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;

	assert_int_equal(cli(h, C, 0, TH_SYN, 16384, 0), PF_PASS);
	s = st(h);
	assert_non_null(s);
	assert_int_equal(s->direction, PF_IN);
	assert_int_equal(s->src.seqlo, C);
	assert_int_equal(s->src.seqhi, C + 2);	/* seq + len + 1, +1 SYN */
	assert_int_equal(s->src.max_win, 16384);
	assert_int_equal(s->src.state, TCPS_SYN_SENT);
	assert_int_equal(s->src.wscale, 0);
	assert_int_equal(s->dst.seqlo, 0);
	assert_int_equal(s->dst.seqhi, 1);
	assert_int_equal(s->dst.max_win, 1);
	assert_int_equal(s->dst.state, TCPS_CLOSED);
	assert_int_equal(s->timeout, PFTM_TCP_FIRST_PACKET);
	assert_int_equal(s->creatorid, V_pf_status.hostid);
	assert_int_equal(s->key[PF_SK_WIRE], s->key[PF_SK_STACK]);
	assert_int_equal(pfsync_stub.n_insert, 1);
	assert_ptr_equal(pfsync_stub.last_insert, s);
	assert_int_equal(V_pf_status.states, 1);
}

/* §5.2/§5.4 through the handshake: seqhi/seqlo per the formulas. */
static void
test_handshake_values(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;

	assert_int_equal(cli(h, C, 0, TH_SYN, 16384, 0), PF_PASS);
	assert_int_equal(srv(h, S, C + 1, TH_SYN | TH_ACK, 8192, 0), PF_PASS);
	s = st(h);
	/* responder's first packet: seqlo = seq, then = end (S + 1) */
	assert_int_equal(s->dst.seqlo, S + 1);
	/* seqhi = end + max(1, other max_win) */
	assert_int_equal(s->dst.seqhi, S + 1 + 16384);
	assert_int_equal(s->dst.max_win, 8192);
	/* the client may send up to ack + win */
	assert_int_equal(s->src.seqhi, C + 1 + 8192);
	assert_int_equal(s->src.state, TCPS_ESTABLISHED);
	assert_int_equal(s->dst.state, TCPS_SYN_SENT);
	assert_int_equal(s->timeout, PFTM_TCP_OPENING);

	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 16384, 0), PF_PASS);
	assert_int_equal(s->dst.state, TCPS_ESTABLISHED);
	assert_int_equal(s->timeout, PFTM_TCP_ESTABLISHED);
	assert_int_equal(s->dst.seqhi, S + 1 + 16384);
	/* every passed packet after the first told pfsync */
	assert_int_equal(pfsync_stub.n_update, 2);
	assert_int_equal(badstate(), 0);
}

static void
test_inwindow_data_accepted(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;

	handshake(h, 16384, 8192);
	s = st(h);
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 16384, 1460), PF_PASS);
	assert_int_equal(s->src.seqlo, C + 1 + 1460);
	/* the last byte the server allows: exactly at seqhi */
	assert_int_equal(cli(h, C + 1 + 1460, S + 1, TH_ACK, 16384,
	    8192 - 1460), PF_PASS);
	assert_int_equal(s->src.seqlo, C + 1 + 8192);
	assert_int_equal(s->src.seqlo, s->src.seqhi);
	assert_int_equal(badstate(), 0);
}

static void
test_data_past_seqhi_dropped(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;
	u_int32_t	 seqlo;

	handshake(h, 16384, 8192);
	s = st(h);
	seqlo = s->src.seqlo;
	/* one byte beyond what the server's window allows (C1) */
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 16384, 8192 + 1),
	    PF_DROP);
	assert_int_equal(badstate(), 1);
	assert_string_equal(pf_drop_reason(), "pf_state_mismatch");
	assert_int_equal(s->src.seqlo, seqlo);		/* unchanged */
	assert_int_equal(h->ntrace, 1);
	assert_memory_equal(h->bs.fail, "1     ", 6);
	assert_ptr_equal(h->bs.st, s);
	assert_int_equal(h->bs.dir, PF_IN);
	assert_true(h->bs.fwd);
	assert_non_null(strstr(h->line1, "pf: BAD state: TCP  in wire: "
	    "10.1.2.10:40000 10.2.2.20:80 stack: - "));
	assert_non_null(strstr(h->line1, " A seq=1001 (1001) ack=5000001 "
	    "len=8193 ackskew=0 pkts=2:1 dir=in,fwd"));
	assert_string_equal(h->line2, failline("1     "));
	/* a dropped packet is not an update */
	assert_int_equal(pfsync_stub.n_update, 2);
}

static void
test_ack_beyond_maxackwindow(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;
	u_int32_t	 seqlo;

	handshake(h, 16384, 8192);
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 16384, 1460), PF_PASS);
	s = st(h);
	seqlo = s->src.seqlo;

	/* acks data the firewall never saw: 67036 past seqlo */
	assert_int_equal(srv(h, S + 1, seqlo + MAXACKWINDOW + 1, TH_ACK, 8192,
	    0), PF_DROP);
	assert_int_equal(badstate(), 1);
	assert_int_equal(h->bs.ackskew, -MAXACKWINDOW - 1);
	assert_memory_equal(h->bs.fail, "  3   ", 6);
	assert_int_equal(h->bs.dir, PF_OUT);
	assert_false(h->bs.fwd);

	/* exactly MAXACKWINDOW past seqlo: accepted (C3 is >=) */
	assert_int_equal(srv(h, S + 1, seqlo + MAXACKWINDOW, TH_ACK, 8192, 0),
	    PF_PASS);
	assert_int_equal(badstate(), 1);
	/* and it opened the client's window from that ack */
	assert_int_equal(s->src.seqhi, seqlo + MAXACKWINDOW + 8192);
}

/* §5.2 step 4: seq == end (no payload) eases the sequence tests. */
static void
test_pure_ack_skips_sequence_test(void **state)
{
	struct pfh	*h = *state;
	u_int32_t	 wild = S + 1 + 10 * 1000 * 1000;

	handshake(h, 16384, 8192);
	/* a pure ACK with a sequence number far outside any window */
	assert_int_equal(srv(h, wild, C + 1, TH_ACK, 8192, 0), PF_PASS);
	assert_int_equal(badstate(), 0);
	/* the same sequence number with one byte of data fails C1 */
	assert_int_equal(srv(h, wild, C + 1, TH_ACK, 8192, 1), PF_DROP);
	assert_int_equal(badstate(), 1);
	assert_int_equal(h->bs.fail[0], '1');
}

/* Both SYNs carry the option: scaling applies after the handshake. */
static void
test_wscale_both(void **state)
{
	struct pfh	*h = *state;
	struct pfh_pkt	 syn = pfh_tcp(X, XP, Y, YP, C, 0, TH_SYN, 65535, 0);
	struct pfh_pkt	 sa = pfh_tcp(Y, YP, X, XP, S, C + 1,
			    TH_SYN | TH_ACK, 65535, 0);
	struct pf_state	*s;
	u_int32_t	 ack = C + 1 + 60000;

	syn.wscale = 2;
	sa.wscale = 3;
	assert_int_equal(pfh_test(h, PF_IN, 0, &syn, NULL), PF_PASS);
	s = st(h);
	assert_int_equal(s->src.wscale, PF_WSCALE_FLAG | 2);
	/* initial window descaled, rounded up: ceil(65535 / 4) */
	assert_int_equal(s->src.max_win, 16384);

	assert_int_equal(pfh_test(h, PF_OUT, 0, &sa, NULL), PF_PASS);
	assert_int_equal(s->dst.wscale, PF_WSCALE_FLAG | 3);
	assert_int_equal(s->dst.max_win, 8192);		/* ceil(65535 / 8) */
	/* seqhi = end + (client max_win << client shift) */
	assert_int_equal(s->dst.seqhi, S + 1 + (16384 << 2));
	/* the SYN-ACK's window, descaled then rescaled: 8192 << 3 */
	assert_int_equal(s->src.seqhi, C + 1 + 65536);
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 1000, 0), PF_PASS);

	/* a later server ACK: window 1000 means 8000 bytes */
	assert_int_equal(srv(h, S + 1, ack, TH_ACK, 1000, 0), PF_PASS);
	assert_int_equal(s->src.seqhi, ack + 8000);
	assert_int_equal(cli(h, ack + 7000, S + 1, TH_ACK, 1000, 1000),
	    PF_PASS);
	assert_int_equal(cli(h, ack + 7000, S + 1, TH_ACK, 1000, 1001),
	    PF_DROP);
	assert_int_equal(h->bs.fail[0], '1');
}

/* Only the client's SYN offers scaling: it is off for the connection. */
static void
test_wscale_client_only(void **state)
{
	struct pfh	*h = *state;
	struct pfh_pkt	 syn = pfh_tcp(X, XP, Y, YP, C, 0, TH_SYN, 65000, 0);
	struct pf_state	*s;
	u_int32_t	 ack = C + 1 + 65000;

	syn.wscale = 2;
	assert_int_equal(pfh_test(h, PF_IN, 0, &syn, NULL), PF_PASS);
	s = st(h);
	assert_int_equal(s->src.wscale, PF_WSCALE_FLAG | 2);
	assert_int_equal(s->src.max_win, 16250);
	assert_int_equal(srv(h, S, C + 1, TH_SYN | TH_ACK, 65000, 0),
	    PF_PASS);
	/* the client's window is scaled back up, scaling switched off */
	assert_int_equal(s->src.wscale, 0);
	assert_int_equal(s->dst.wscale, 0);
	assert_int_equal(s->src.max_win, 65000);
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 1000, 0), PF_PASS);

	/* window 1000 now means 1000 bytes */
	assert_int_equal(srv(h, S + 1, ack, TH_ACK, 1000, 0), PF_PASS);
	assert_int_equal(s->src.seqhi, ack + 1000);
	assert_int_equal(cli(h, ack, S + 1, TH_ACK, 1000, 1000), PF_PASS);
	assert_int_equal(cli(h, ack, S + 1, TH_ACK, 1000, 1001), PF_DROP);
}

/* Only the server's SYN-ACK carries it: ignored, nothing scales. */
static void
test_wscale_server_only(void **state)
{
	struct pfh	*h = *state;
	struct pfh_pkt	 sa = pfh_tcp(Y, YP, X, XP, S, C + 1,
			    TH_SYN | TH_ACK, 65535, 0);
	struct pf_state	*s;

	sa.wscale = 3;
	assert_int_equal(cli(h, C, 0, TH_SYN, 65535, 0), PF_PASS);
	assert_int_equal(pfh_test(h, PF_OUT, 0, &sa, NULL), PF_PASS);
	s = st(h);
	assert_int_equal(s->src.wscale, 0);
	assert_int_equal(s->dst.wscale, 0);
	assert_int_equal(s->dst.max_win, 65535);	/* not descaled */
	assert_int_equal(s->src.seqhi, C + 1 + 65535);
}

static void
test_rst_in_window(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;

	handshake(h, 16384, 8192);
	s = st(h);
	assert_int_equal(srv(h, S + 1, C + 1, TH_RST | TH_ACK, 0, 0),
	    PF_PASS);
	assert_int_equal(s->src.state, TCPS_TIME_WAIT);
	assert_int_equal(s->dst.state, TCPS_TIME_WAIT);
	assert_int_equal(s->timeout, PFTM_TCP_CLOSED);
	assert_int_equal(pf_state_expires(s), s->expire + 90);
}

static void
test_rst_out_of_window(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;

	handshake(h, 16384, 8192);
	s = st(h);
	/* RST|ACK acking far beyond anything sent (C3): dropped */
	assert_int_equal(srv(h, S + 1, C + 1 + 200000, TH_RST | TH_ACK, 0, 0),
	    PF_DROP);
	assert_int_equal(badstate(), 1);
	assert_int_equal(h->bs.fail[2], '3');
	assert_int_equal(s->src.state, TCPS_ESTABLISHED);
	assert_int_equal(s->dst.state, TCPS_ESTABLISHED);
	/* RST carrying data beyond the window (C1): dropped */
	assert_int_equal(srv(h, S + 1 + 100000, C + 1, TH_RST, 0, 10),
	    PF_DROP);
	assert_int_equal(badstate(), 2);
	/*
	 * A bare RST with a wild sequence number has seq == end and gets
	 * the no-data easing; without scrub reassembly (C5) pf 4.5
	 * accepts it.
	 */
	assert_int_equal(srv(h, S + 1 + 100000, 0, TH_RST, 0, 0), PF_PASS);
	assert_int_equal(s->src.state, TCPS_TIME_WAIT);
}

/* §4, §5.4 step 5, §7: the pseudo-states and their timeouts. */
static void
test_close_sequence_and_timeouts(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;

	assert_int_equal(cli(h, C, 0, TH_SYN, 16384, 0), PF_PASS);
	s = st(h);
	assert_int_equal(pf_state_expires(s), s->expire + 120);
	assert_int_equal(srv(h, S, C + 1, TH_SYN | TH_ACK, 8192, 0), PF_PASS);
	assert_int_equal(s->timeout, PFTM_TCP_OPENING);
	assert_int_equal(pf_state_expires(s), s->expire + 30);
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 16384, 0), PF_PASS);
	assert_int_equal(s->timeout, PFTM_TCP_ESTABLISHED);
	assert_int_equal(pf_state_expires(s), s->expire + 86400);

	/* client closes */
	assert_int_equal(cli(h, C + 1, S + 1, TH_FIN | TH_ACK, 16384, 0),
	    PF_PASS);
	assert_int_equal(s->src.state, TCPS_CLOSING);
	assert_int_equal(s->src.seqlo, C + 2);
	assert_int_equal(s->timeout, PFTM_TCP_CLOSING);
	assert_int_equal(pf_state_expires(s), s->expire + 900);
	/* server acks the FIN */
	assert_int_equal(srv(h, S + 1, C + 2, TH_ACK, 8192, 0), PF_PASS);
	assert_int_equal(s->src.state, TCPS_FIN_WAIT_2);
	assert_int_equal(s->timeout, PFTM_TCP_CLOSING);
	/* server closes */
	assert_int_equal(srv(h, S + 1, C + 2, TH_FIN | TH_ACK, 8192, 0),
	    PF_PASS);
	assert_int_equal(s->dst.state, TCPS_CLOSING);
	assert_int_equal(s->timeout, PFTM_TCP_FIN_WAIT);
	assert_int_equal(pf_state_expires(s), s->expire + 45);
	/* client acks it */
	assert_int_equal(cli(h, C + 2, S + 2, TH_ACK, 16384, 0), PF_PASS);
	assert_int_equal(s->dst.state, TCPS_FIN_WAIT_2);
	assert_int_equal(s->timeout, PFTM_TCP_CLOSED);
	assert_int_equal(pf_state_expires(s), s->expire + 90);
	assert_int_equal(badstate(), 0);

	/* expiry: gone within a purge pass after expire + 90 */
	pfh_advance(h, 88 * NS_PER_SEC);
	assert_non_null(st(h));
	assert_int_equal(pfsync_stub.n_delete, 0);
	pfh_advance(h, 4 * NS_PER_SEC);
	assert_null(st(h));
	assert_int_equal(V_pf_status.states, 0);
	assert_int_equal(pfsync_stub.n_delete, 1);
	assert_int_equal(V_pf_status.fcounters[FCNT_STATE_REMOVALS], 1);
}

/* §5.1 step 3: a new SYN on a closed state replaces it. */
static void
test_state_reuse(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;

	handshake(h, 16384, 8192);
	assert_int_equal(srv(h, S + 1, C + 1, TH_RST | TH_ACK, 0, 0),
	    PF_PASS);
	s = st(h);
	assert_int_equal(s->timeout, PFTM_TCP_CLOSED);
	assert_int_equal(cli(h, C + 100000, 0, TH_SYN, 16384, 0), PF_PASS);
	assert_int_equal(pfsync_stub.n_delete, 1);
	assert_ptr_equal(pfsync_stub.last_delete, s);
	assert_int_equal(pfsync_stub.n_insert, 2);
	s = st(h);
	assert_non_null(s);
	assert_int_equal(s->src.seqlo, C + 100000);
	assert_int_equal(s->src.state, TCPS_SYN_SENT);
}

/*
 * The loose fallback (§5.5): a state picked up from the SYN only,
 * before the other end was seen, admits packets a full MAXACKWINDOW
 * beyond seqhi, and does not refresh the expiry.
 */
static void
test_loose_match_while_peer_unseen(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;
	u_int32_t	 expire;

	assert_int_equal(cli(h, C, 0, TH_SYN, 16384, 0), PF_PASS);
	s = st(h);
	expire = s->expire;
	pfh_advance(h, 3 * NS_PER_SEC);
	/* data far beyond seqhi (C + 2): C1 fails, loose accepts */
	assert_int_equal(cli(h, C + 1, 0, TH_ACK, 16384, 1460), PF_PASS);
	assert_int_equal(s->src.seqlo, C + 1 + 1460);
	assert_int_equal(s->expire, expire);
	assert_int_equal(s->timeout, PFTM_TCP_FIRST_PACKET);
	/* but not more than MAXACKWINDOW past seqhi (test 5) */
	assert_int_equal(cli(h, C + 2 + MAXACKWINDOW, 0, TH_ACK, 16384, 1),
	    PF_DROP);
	assert_int_equal(h->bs.fail[4], '5');
}

/*
 * The one-sided firewall (§8, "ACK check failed"): it saw the handshake
 * and the first x->y segment, then x's data went another way. y's ACKs
 * keep coming through it; they pass while they ack at most MAXACKWINDOW
 * beyond what it knows of x, and are dropped after.
 */
static void
test_one_sided_acks(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;
	u_int32_t	 known, ack;
	int		 passed = 0, k;

	handshake(h, 65535, 65535);
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 65535, 1460), PF_PASS);
	s = st(h);
	known = s->src.seqlo;
	assert_int_equal(known, C + 1 + 1460);

	for (k = 1; k <= 80; k++) {
		ack = known + (u_int32_t)k * 1460;
		if (srv(h, S + 1, ack, TH_ACK, 65535, 0) == PF_PASS)
			passed++;
		else
			break;
	}
	/* 45 * 1460 = 65700 <= 67035 < 46 * 1460 = 67160 */
	assert_int_equal(passed, 45);
	assert_int_equal(k, 46);
	assert_int_equal(s->src.seqlo, known);	/* learned nothing */
	assert_int_equal(badstate(), 1);
	assert_int_equal(h->bs.ackskew, -67160);

	/* the symptom as reported: skew -106316 against -67035 */
	assert_int_equal(srv(h, S + 1, known + 106316, TH_ACK, 65535, 0),
	    PF_DROP);
	assert_int_equal(h->bs.ackskew, -106316);
	assert_memory_equal(h->bs.fail, "  3   ", 6);
	assert_non_null(strstr(h->line1, "ackskew=-106316"));
	assert_non_null(strstr(h->line1, "dir=out,rev"));
	assert_string_equal(h->line2, failline("  3   "));
	assert_string_equal(h->line2, "pf: State failure on:     3   |    ");
	assert_int_equal(badstate(), 2);
}

/* The same firewall, other side: x's data beyond y's last ack + window
 * (which only y's ACKs, seen elsewhere, would move) is dropped. */
static void
test_one_sided_data(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;
	u_int32_t	 seq = C + 1;
	int		 passed = 0;

	handshake(h, 65535, 16384);
	s = st(h);
	while (passed < 100) {
		if (cli(h, seq, S + 1, TH_ACK, 65535, 1460) != PF_PASS)
			break;
		seq += 1460;
		passed++;
	}
	/* 11 * 1460 = 16060 <= 16384 < 12 * 1460 */
	assert_int_equal(passed, 11);
	assert_int_equal(h->bs.fail[0], '1');
	assert_int_equal(s->src.seqhi, C + 1 + 16384);
}

/* The simulated time reaches the trace hook. */
static void
test_trace_time(void **state)
{
	struct pfh *h = *state;

	handshake(h, 16384, 8192);
	pfh_advance(h, 1500 * NS_PER_MS);
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 16384, 9000), PF_DROP);
	assert_int_equal(h->ntrace, 1);
	assert_int_equal(h->trace_ns, 1500 * NS_PER_MS);
}

/* A state with the sloppy flag (e.g. imported): no sequence checks. */
static void
test_sloppy_state(void **state)
{
	struct pfh	*h = *state;
	struct pf_state	*s;

	assert_int_equal(cli(h, C, 0, TH_SYN, 16384, 0), PF_PASS);
	s = st(h);
	s->state_flags |= PFSTATE_SLOPPY;
	/* one half only: ACK after the SYN establishes both (sloppy) */
	assert_int_equal(cli(h, C + 1, S + 1, TH_ACK, 16384, 100000),
	    PF_PASS);
	assert_int_equal(s->src.state, TCPS_ESTABLISHED);
	assert_int_equal(s->dst.state, TCPS_ESTABLISHED);
	assert_int_equal(s->timeout, PFTM_TCP_ESTABLISHED);
	assert_int_equal(badstate(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_syn_creates_state,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_handshake_values,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_inwindow_data_accepted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_past_seqhi_dropped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_beyond_maxackwindow,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pure_ack_skips_sequence_test, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wscale_both,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wscale_client_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wscale_server_only,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_in_window,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_out_of_window,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_close_sequence_and_timeouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_reuse,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_loose_match_while_peer_unseen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_sided_acks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_sided_data,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_time,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sloppy_state,
		    setup, teardown),
	};

	return (cmocka_run_group_tests_name("pf_tcp", tests, NULL, NULL));
}
