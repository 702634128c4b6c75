/*
 * TCP for the end hosts: a 2009-era BSD/Linux sender and receiver.
 *
 * Shape follows 4.4BSD tcp_input/tcp_output/tcp_timer (one tcb, one
 * retransmission timer that doubles as 2MSL, a delayed-ACK timer), with
 * the algorithms of the RFCs of that era:
 *   RFC 793	state machine, three-way handshake, FIN/RST
 *   RFC 6298	RTO: SRTT/RTTVAR, Karn's rule, backoff, a minimum
 *   RFC 5681	slow start, congestion avoidance (byte counting), delayed
 *		ACKs, immediate ACKs for out-of-order data
 *   RFC 6582	NewReno fast recovery when SACK is not agreed
 *   RFC 2018	SACK option; RFC 6675 scoreboard, pipe and NextSeg
 *   RFC 3042	limited transmit; RFC 3390 initial window
 *   RFC 7323	window scaling (no timestamps: XXX)
 * Payload bytes are zeros; lengths, sequence numbers, options and
 * checksums are real.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/proto.h"
#include "host_var.h"

#define TCP_MAXWIN	65535
#define TCP_MAX_WINSHIFT 14
#define TCP_MAXCWND	(1U << 30)
#define TCP_DEFMSS	536		/* RFC 1122 when no MSS option */
#define TCP_MAXSACK	4		/* blocks per ACK without timestamps */

#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MAXSEG	2
#define TCPOPT_WINDOW	3
#define TCPOPT_SACK_PERMITTED 4
#define TCPOPT_SACK	5

/* The options of one received segment. */
struct tcpopt {
	int		mss;		/* -1 if absent */
	int		ws;		/* -1 if absent */
	bool		sackok;
	int		nsack;
	uint32_t	sack[TCP_MAXSACK][2];
};

static void	tcp_output(struct tcb *);
static void	tcp_timer_rexmt(void *);
static void	tcp_timer_delack(void *);
static void	tcp_close(struct tcb *, int);

static inline simtime_t
tcp_now(const struct tcb *tp)
{
	return sim_now(tp->h->w);
}

static inline struct world *
tcp_w(const struct tcb *tp)
{
	return tp->h->w;
}

/* --- sequence range lists (SACK scoreboard, reassembly) --------------- */

void
rl_free(struct rangelist *l)
{
	free(l->r);
	l->r = NULL;
	l->n = l->cap = 0;
}

static int
rl_reserve(struct rangelist *l, int n)
{
	struct seqrange *nr;
	int ncap;

	if (n <= l->cap)
		return 0;
	ncap = l->cap ? l->cap * 2 : 8;
	while (ncap < n)
		ncap *= 2;
	if ((nr = realloc(l->r, ncap * sizeof(*nr))) == NULL)
		return ENOMEM;
	l->r = nr;
	l->cap = ncap;
	return 0;
}

/*
 * Add [s, e) to l, merging with overlapping or adjacent ranges; the merged
 * range takes the new stamp. Returns how many bytes were new.
 */
static uint32_t
rl_insert(struct rangelist *l, uint32_t s, uint32_t e, uint64_t stamp)
{
	int i, j;
	uint32_t covered = 0, ns = s, ne = e;

	if (SEQ_GEQ(s, e))
		return 0;
	/* First range that ends at or after s. */
	for (i = 0; i < l->n && SEQ_LT(l->r[i].end, s); i++)
		;
	/* Ranges [i, j) touch [s, e). */
	for (j = i; j < l->n && SEQ_LEQ(l->r[j].start, e); j++) {
		uint32_t os = SEQ_MAX(l->r[j].start, s);
		uint32_t oe = SEQ_MIN(l->r[j].end, e);

		if (SEQ_LT(os, oe))
			covered += oe - os;
		ns = SEQ_MIN(ns, l->r[j].start);
		ne = SEQ_MAX(ne, l->r[j].end);
	}
	if (j == i) {
		if (rl_reserve(l, l->n + 1) != 0)
			return 0;
		memmove(&l->r[i + 1], &l->r[i], (l->n - i) * sizeof(*l->r));
		l->n++;
	} else if (j > i + 1) {
		memmove(&l->r[i + 1], &l->r[j], (l->n - j) * sizeof(*l->r));
		l->n -= j - i - 1;
	}
	l->r[i].start = ns;
	l->r[i].end = ne;
	l->r[i].stamp = stamp;
	return (e - s) - covered;
}

/* Forget everything below seq. */
static void
rl_trim(struct rangelist *l, uint32_t seq)
{
	int i;

	for (i = 0; i < l->n && SEQ_LEQ(l->r[i].end, seq); i++)
		;
	if (i > 0) {
		memmove(&l->r[0], &l->r[i], (l->n - i) * sizeof(*l->r));
		l->n -= i;
	}
	if (l->n > 0 && SEQ_LT(l->r[0].start, seq))
		l->r[0].start = seq;
}

/* --- timers and RTT ---------------------------------------------------- */

static simtime_t
tcp_rto_cur(const struct tcb *tp)
{
	simtime_t rto = tp->rto;
	uint32_t i;

	for (i = 0; i < tp->rxtshift && rto < tp->p->rto_max_ns; i++)
		rto *= 2;
	return rto < tp->p->rto_max_ns ? rto : tp->p->rto_max_ns;
}

static void
tcp_timer_arm(struct tcb *tp, simtime_t d)
{
	sim_schedule(tcp_w(tp), &tp->rexmt, tcp_now(tp) + d);
}

/* RFC 6298 section 2, with a minimum and a maximum. */
static void
tcp_rtt_sample(struct tcb *tp, simtime_t r)
{
	simtime_t rto;

	if (r < 0)
		r = 0;
	if (!tp->rtt_valid) {
		tp->srtt = r;
		tp->rttvar = r / 2;
		tp->rtt_valid = true;
	} else {
		simtime_t d = tp->srtt > r ? tp->srtt - r : r - tp->srtt;

		tp->rttvar = (3 * tp->rttvar + d) / 4;
		tp->srtt = (7 * tp->srtt + r) / 8;
	}
	rto = tp->srtt + 4 * tp->rttvar;
	if (rto < tp->p->rto_min_ns)
		rto = tp->p->rto_min_ns;
	if (rto > tp->p->rto_max_ns)
		rto = tp->p->rto_max_ns;
	tp->rto = rto;
	/* Karn: a valid sample ends the backoff (RFC 6298 5.7). */
	tp->rxtshift = 0;
}

/* --- connection table and lifetime -------------------------------------- */

struct tcb *
tcp_create(struct host *h, uint32_t faddr, uint16_t fport, uint16_t lport)
{
	struct tcb *tp;

	if (lport == 0 && (lport = host_alloc_port(h, faddr, fport)) == 0)
		return NULL;
	if (host_lookup(h, lport, faddr, fport) != NULL)
		return NULL;
	if ((tp = calloc(1, sizeof(*tp))) == NULL)
		return NULL;
	tp->h = h;
	tp->p = &h->tcp;
	tp->faddr = faddr;
	tp->fport = fport;
	tp->lport = lport;
	tp->state = TCPS_CLOSED;
	tp->rto = h->tcp.rto_init_ns;
	tp->st = &h->orphan;
	ev_init(&tp->rexmt, tcp_timer_rexmt, tp, NULL);
	ev_init(&tp->delack, tcp_timer_delack, tp, NULL);
	if (host_insert(h, tp) != 0) {
		free(tp);
		return NULL;
	}
	return tp;
}

/* Release the memory; the tcb must be out of the host's table. */
void
tcp_free(struct tcb *tp)
{
	sim_cancel(tcp_w(tp), &tp->rexmt);
	sim_cancel(tcp_w(tp), &tp->delack);
	rl_free(&tp->sb);
	rl_free(&tp->ooo);
	free(tp);
}

/* Tell the application once; afterwards the tcb calls nothing. */
static void
tcp_notify_closed(struct tcb *tp, int error)
{
	const struct tcp_app_ops *ops = tp->ops;

	tp->ops = NULL;
	if (ops && ops->closed)
		ops->closed(tp, tp->arg, error);
}

static void
tcp_close(struct tcb *tp, int error)
{
	if (tp->flags & TF_DEAD)
		return;
	tp->flags |= TF_DEAD;
	tp->state = TCPS_CLOSED;
	sim_cancel(tcp_w(tp), &tp->rexmt);
	sim_cancel(tcp_w(tp), &tp->delack);
	host_remove(tp->h, tp);
	tcp_notify_closed(tp, error);
	if (tp->busy == 0)
		tcp_free(tp);
}

static void
tcp_enter_timewait(struct tcb *tp)
{
	tp->state = TCPS_TIME_WAIT;
	sim_cancel(tcp_w(tp), &tp->delack);
	tp->flags |= TF_ACKNOW;
	tcp_timer_arm(tp, tp->p->time_wait_ns);
	tcp_notify_closed(tp, 0);
}

/* --- segment output ----------------------------------------------------- */

/* Bytes of SACK option the next ACK would carry (0 if none). */
static uint32_t
tcp_sack_optlen(const struct tcb *tp)
{
	int n;

	if (!(tp->flags & TF_SACK) || tp->ooo.n == 0)
		return 0;
	n = tp->ooo.n < TCP_MAXSACK ? tp->ooo.n : TCP_MAXSACK;
	return 4 + 8 * (uint32_t)n;
}

/* Payload that fits the next segment with its options. */
static uint32_t
tcp_segroom(const struct tcb *tp)
{
	return tp->maxseg - tcp_sack_optlen(tp);
}

/* The SACK blocks, most recently changed first (RFC 2018 section 4). */
static int
tcp_sack_blocks(const struct tcb *tp, uint32_t blk[][2], int max)
{
	int n = 0, i, best;
	uint64_t below = UINT64_MAX;

	while (n < max) {
		best = -1;
		for (i = 0; i < tp->ooo.n; i++)
			if (tp->ooo.r[i].stamp < below && (best < 0 ||
			    tp->ooo.r[i].stamp > tp->ooo.r[best].stamp))
				best = i;
		if (best < 0)
			break;
		blk[n][0] = tp->ooo.r[best].start;
		blk[n][1] = tp->ooo.r[best].end;
		below = tp->ooo.r[best].stamp;
		n++;
	}
	return n;
}

static inline void
put32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/*
 * Build and send one segment of len payload bytes at seq. The caller has
 * made len fit tcp_segroom(). Every segment but the first SYN carries the
 * ACK; sending one settles any pending ACK.
 */
static void
tcp_xmit(struct tcb *tp, uint32_t seq, uint32_t len, uint8_t flags)
{
	struct host *h = tp->h;
	struct pkt *p;
	struct tcp_hdr *th;
	uint8_t opt[40];
	uint32_t optlen = 0, thlen, win;

	if (flags & TH_SYN) {
		opt[optlen++] = TCPOPT_MAXSEG;
		opt[optlen++] = 4;
		opt[optlen++] = (uint8_t)(tp->p->mss >> 8);
		opt[optlen++] = (uint8_t)tp->p->mss;
		if (tp->flags & TF_OFFERWS) {
			opt[optlen++] = TCPOPT_NOP;
			opt[optlen++] = TCPOPT_WINDOW;
			opt[optlen++] = 3;
			opt[optlen++] = tp->rcv_ws;
		}
		if (tp->flags & TF_OFFERSACK) {
			opt[optlen++] = TCPOPT_NOP;
			opt[optlen++] = TCPOPT_NOP;
			opt[optlen++] = TCPOPT_SACK_PERMITTED;
			opt[optlen++] = 2;
		}
	} else if ((flags & TH_ACK) && !(flags & TH_RST) &&
	    tcp_sack_optlen(tp) > 0) {
		uint32_t blk[TCP_MAXSACK][2];
		int n = tcp_sack_blocks(tp, blk, TCP_MAXSACK), i;

		opt[optlen++] = TCPOPT_NOP;
		opt[optlen++] = TCPOPT_NOP;
		opt[optlen++] = TCPOPT_SACK;
		opt[optlen++] = (uint8_t)(2 + 8 * n);
		for (i = 0; i < n; i++) {
			put32(&opt[optlen], blk[i][0]);
			put32(&opt[optlen + 4], blk[i][1]);
			optlen += 8;
		}
	}
	thlen = sizeof(*th) + optlen;

	if (flags & TH_ACK) {
		tp->flags &= ~TF_ACKNOW;
		tp->segs_unacked = 0;
		sim_cancel(tcp_w(tp), &tp->delack);
	}
	if (len > 0) {
		tp->st->tx_pkts++;
		tp->st->tx_bytes += len;
	} else if (!(flags & (TH_SYN | TH_FIN | TH_RST)))
		tp->st->acks_sent++;

	if (tp->dmac == NULL) {
		h->st.tx_drops++;	/* no next hop: a flow bug */
		tp->st->local_drops++;
		return;
	}
	if ((p = pkt_alloc(h->w->pool)) == NULL) {
		/* Lost before the wire: TCP recovers as from any loss. */
		h->st.tx_nobuf++;
		tp->st->local_drops++;
		return;
	}
	th = (struct tcp_hdr *)(p->data + ETHER_HDR_LEN + 20);
	th->sport = htons(tp->lport);
	th->dport = htons(tp->fport);
	th->seq = htonl(seq);
	th->ack = (flags & TH_ACK) ? htonl(tp->rcv_nxt) : 0;
	th->off = (uint8_t)((thlen / 4) << 4);
	th->flags = flags;
	if (flags & TH_SYN)
		win = tp->rcv_wnd < TCP_MAXWIN ? tp->rcv_wnd : TCP_MAXWIN;
	else
		win = tp->rcv_wnd >> tp->rcv_ws;
	th->win = htons((uint16_t)(win < TCP_MAXWIN ? win : TCP_MAXWIN));
	th->sum = 0;
	th->urp = 0;
	memcpy(th + 1, opt, optlen);
	memset((uint8_t *)th + thlen, 0, len);
	th->sum = in4_l4_cksum_part(h->ifp->addr, tp->faddr, IPPROTO_TCP_, th,
	    thlen, thlen + len);
	frame_ip4(p, h->ifp->mac, tp->dmac, h->ifp->addr, tp->faddr,
	    IPPROTO_TCP_, tp->p->ttl, h->ip_id++, thlen + len);
	p->flow = tp->flowid;
	p->t_sent = tcp_now(tp);
	host_output(h, p, tp->st);
}

/* A RST answering nothing but our own connection (tcp_drop). */
static void
tcp_drop(struct tcb *tp, int error)
{
	if (tp->state >= TCPS_SYN_RECEIVED && tp->state != TCPS_TIME_WAIT) {
		tcp_xmit(tp, tp->snd_max, 0, TH_RST | TH_ACK);
		tp->st->resets_sent++;
	}
	tcp_close(tp, error);
}

static void
tcp_send_syn(struct tcb *tp)
{
	uint8_t flags = TH_SYN;

	if (tp->state == TCPS_SYN_RECEIVED)
		flags |= TH_ACK;
	tcp_xmit(tp, tp->iss, 0, flags);
	tp->hs_sent = tcp_now(tp);
	tcp_timer_arm(tp, tcp_rto_cur(tp));
}

/*
 * Send [seq, seq + len) again (a retransmission), with the FIN if it
 * ends where the FIN sits and the FIN was sent before.
 */
static void
tcp_rexmit(struct tcb *tp, uint32_t seq, uint32_t len)
{
	uint8_t flags = TH_ACK;

	if ((tp->flags & TF_FINQ) && seq + len == tp->snd_lim &&
	    SEQ_GT(tp->snd_max, tp->snd_lim))
		flags |= TH_FIN;
	if (len == 0 && !(flags & TH_FIN))
		return;
	tcp_xmit(tp, seq, len, flags);
	tp->st->retransmits++;
	if (!ev_pending(&tp->rexmt))
		tcp_timer_arm(tp, tcp_rto_cur(tp));
}

/* After sending new data at seq: time it, extend snd_max, arm the timer. */
static void
tcp_sent_new(struct tcb *tp, uint32_t seq, uint32_t len, bool fin)
{
	if (len > 0 && (tp->flags & TF_COUNTNEW)) {
		tp->st->offered_pkts++;
		tp->st->offered_bytes += len;
	}
	if (len > 0 && !(tp->flags & TF_TIMING)) {
		tp->flags |= TF_TIMING;
		tp->rtseq = seq;
		tp->rtstart = tcp_now(tp);
	}
	tp->snd_nxt = seq + len + (fin ? 1 : 0);
	if (SEQ_GT(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;
	if (!ev_pending(&tp->rexmt))
		tcp_timer_arm(tp, tcp_rto_cur(tp));
}

/* The first SACKed range that ends after seq (index), or sb.n. */
static int
sb_find(const struct tcb *tp, uint32_t seq)
{
	int i;

	for (i = 0; i < tp->sb.n && SEQ_LEQ(tp->sb.r[i].end, seq); i++)
		;
	return i;
}

/*
 * Ordinary output (and NewReno's inflated window): send what cwnd, the
 * peer's window and the application allow from snd_nxt. After an RTO
 * snd_nxt is behind snd_max: go back N, but skip what the peer SACKed.
 */
static void
tcp_std_output(struct tcb *tp)
{
	for (;;) {
		uint32_t seq = tp->snd_nxt, win, flight, len, avail, room;
		bool fin, rexmit, sacklim = false;
		uint8_t flags = TH_ACK;

		if (SEQ_LT(seq, tp->snd_max) && tp->sb.n > 0) {
			int i = sb_find(tp, seq);

			if (i < tp->sb.n && SEQ_LEQ(tp->sb.r[i].start, seq)) {
				seq = tp->sb.r[i].end;
				tp->snd_nxt = seq;
				continue;
			}
		}
		win = tp->cwnd;
		if (!(tp->flags & TF_RECOVERY) && tp->p->limited_transmit &&
		    tp->dupacks > 0 && tp->dupacks < tp->p->dupthresh &&
		    seq == tp->snd_max)
			win += tp->dupacks * tp->maxseg;	/* RFC 3042 */
		if (win > tp->snd_wnd)
			win = tp->snd_wnd;
		flight = seq - tp->snd_una;
		avail = SEQ_LT(seq, tp->snd_lim) ? tp->snd_lim - seq : 0;
		room = tcp_segroom(tp);
		len = avail < room ? avail : room;
		if (win <= flight)
			len = 0;
		else if (len > win - flight)
			len = win - flight;
		if (SEQ_LT(seq, tp->snd_max) && len > 0) {
			int i = sb_find(tp, seq);

			if (i < tp->sb.n &&
			    SEQ_LT(tp->sb.r[i].start, seq + len)) {
				len = tp->sb.r[i].start - seq;
				sacklim = true;
			}
		}
		fin = (tp->flags & TF_FINQ) && seq + len == tp->snd_lim &&
		    SEQ_LEQ(seq, tp->snd_lim);
		if (len == 0 && !fin)
			break;
		/* Sender SWS avoidance: no runt while more data waits. */
		if (!sacklim && len < room && len < avail && flight > 0)
			break;
		if (fin)
			flags |= TH_FIN;
		if (len > 0 && seq + len == tp->snd_lim)
			flags |= TH_PUSH;
		rexmit = SEQ_LT(seq, tp->snd_max);
		tcp_xmit(tp, seq, len, flags);
		if (rexmit) {
			tp->st->retransmits++;
			tp->snd_nxt = seq + len + (fin ? 1 : 0);
			if (SEQ_GT(tp->snd_nxt, tp->snd_max))
				tp->snd_max = tp->snd_nxt;
			if (!ev_pending(&tp->rexmt))
				tcp_timer_arm(tp, tcp_rto_cur(tp));
		} else
			tcp_sent_new(tp, seq, len, fin);
		if (fin)
			break;
	}
}

/*
 * RFC 6675 IsLost for the hole below SACKed range i: DupThresh ranges
 * above it, or more than (DupThresh - 1) * SMSS SACKed bytes above it.
 * above_bytes is the SACKed byte count from range i up.
 */
static inline bool
sb_lost(const struct tcb *tp, int i, uint32_t above_bytes)
{
	return (uint32_t)(tp->sb.n - i) >= tp->p->dupthresh ||
	    above_bytes > (tp->p->dupthresh - 1) * tp->maxseg;
}

static uint32_t
sb_total(const struct tcb *tp)
{
	uint32_t t = 0;
	int i;

	for (i = 0; i < tp->sb.n; i++)
		t += tp->sb.r[i].end - tp->sb.r[i].start;
	return t;
}

/* Bytes of [hs, he) that lie below high_rxt (already retransmitted). */
static inline uint32_t
below_rxt(const struct tcb *tp, uint32_t hs, uint32_t he)
{
	if (SEQ_LEQ(tp->high_rxt, hs))
		return 0;
	return SEQ_LT(tp->high_rxt, he) ? tp->high_rxt - hs : he - hs;
}

/* RFC 6675 SetPipe(): octets in flight by the scoreboard. */
static uint32_t
tcp_pipe(const struct tcb *tp)
{
	uint32_t total = sb_total(tp), prefix = 0, pipe = 0, hs = tp->snd_una;
	int i;

	for (i = 0; i < tp->sb.n; i++) {
		uint32_t he = tp->sb.r[i].start;

		if (SEQ_LT(hs, he)) {
			if (!sb_lost(tp, i, total - prefix))
				pipe += he - hs;
			pipe += below_rxt(tp, hs, he);
		}
		prefix += tp->sb.r[i].end - tp->sb.r[i].start;
		hs = tp->sb.r[i].end;
	}
	if (SEQ_LT(hs, tp->snd_max))
		pipe += (tp->snd_max - hs) + below_rxt(tp, hs, tp->snd_max);
	return pipe;
}

/*
 * RFC 6675 NextSeg(): 1 a lost hole not yet retransmitted, 2 new data,
 * 3 any hole below the highest SACK not yet retransmitted. Returns 0 if
 * nothing may be sent, else the rule, with *seq and *len.
 */
static int
tcp_nextseg(const struct tcb *tp, uint32_t room, uint32_t *seq, uint32_t *len)
{
	uint32_t total = sb_total(tp), prefix = 0, hs = tp->snd_una, s;
	int i;

	for (i = 0; i < tp->sb.n; i++) {
		uint32_t he = tp->sb.r[i].start;

		if (!sb_lost(tp, i, total - prefix))
			break;
		s = SEQ_MAX(hs, tp->high_rxt);
		if (SEQ_LT(s, he)) {
			*seq = s;
			*len = he - s < room ? he - s : room;
			return 1;
		}
		prefix += tp->sb.r[i].end - tp->sb.r[i].start;
		hs = tp->sb.r[i].end;
	}
	if (SEQ_LT(tp->snd_nxt, tp->snd_lim) ||
	    ((tp->flags & TF_FINQ) && tp->snd_nxt == tp->snd_lim)) {
		uint32_t n = tp->snd_lim - tp->snd_nxt;

		if (n > room)
			n = room;
		if (n == 0 || SEQ_LEQ(tp->snd_nxt + n,
		    tp->snd_una + tp->snd_wnd)) {
			*seq = tp->snd_nxt;
			*len = n;
			return 2;
		}
	}
	hs = tp->snd_una;
	for (i = 0; i < tp->sb.n; i++) {
		uint32_t he = tp->sb.r[i].start;

		s = SEQ_MAX(hs, tp->high_rxt);
		if (SEQ_LT(s, he)) {
			*seq = s;
			*len = he - s < room ? he - s : room;
			return 3;
		}
		hs = tp->sb.r[i].end;
	}
	return 0;
}

/* RFC 6675 section 5, step (C): send while cwnd - pipe >= 1 SMSS. */
static void
tcp_sack_output(struct tcb *tp)
{
	uint32_t pipe = tcp_pipe(tp);

	for (;;) {
		uint32_t room = tcp_segroom(tp), seq, len;
		int rule;

		if (pipe + room > tp->cwnd)
			break;
		if ((rule = tcp_nextseg(tp, room, &seq, &len)) == 0)
			break;
		if (rule == 2) {
			bool fin = (tp->flags & TF_FINQ) &&
			    seq + len == tp->snd_lim;
			uint8_t flags = TH_ACK | (fin ? TH_FIN : 0);

			if (len > 0 && seq + len == tp->snd_lim)
				flags |= TH_PUSH;
			tcp_xmit(tp, seq, len, flags);
			tcp_sent_new(tp, seq, len, fin);
			if (len == 0)
				break;
		} else {
			tcp_rexmit(tp, seq, len);
			tp->high_rxt = seq + len;
		}
		pipe += len;
	}
}

static void
tcp_output(struct tcb *tp)
{
	switch (tp->state) {
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
	case TCPS_FIN_WAIT_1:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_FIN_WAIT_2:
		if ((tp->flags & TF_RECOVERY) && (tp->flags & TF_SACK))
			tcp_sack_output(tp);
		else
			tcp_std_output(tp);
		break;
	case TCPS_TIME_WAIT:
		break;
	default:
		return;
	}
	if (tp->flags & TF_ACKNOW)
		tcp_xmit(tp, tp->snd_max, 0, TH_ACK);
}

/* --- the application's side --------------------------------------------- */

uint64_t
tcp_sndspace(const struct tcb *tp)
{
	uint32_t used = tp->snd_lim - tp->snd_una;

	if (tp->flags & TF_FINQ)
		return 0;
	return used < tp->p->sndbuf ? tp->p->sndbuf - used : 0;
}

void
tcp_write(struct tcb *tp, uint64_t n)
{
	if (n == 0 || (tp->flags & TF_FINQ) || tp->state == TCPS_CLOSED)
		return;
	if (n > 0x7fffffff)
		n = 0x7fffffff;
	tp->snd_lim += (uint32_t)n;
	if (tp->busy == 0)
		tcp_output(tp);
}

void
tcp_shutdown(struct tcb *tp)
{
	if (tp->flags & TF_FINQ)
		return;
	switch (tp->state) {
	case TCPS_SYN_SENT:
	case TCPS_CLOSED:
		tcp_close(tp, 0);
		return;
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tp->state = TCPS_FIN_WAIT_1;
		break;
	case TCPS_CLOSE_WAIT:
		tp->state = TCPS_LAST_ACK;
		break;
	default:
		return;
	}
	tp->flags |= TF_FINQ;
	if (tp->busy == 0)
		tcp_output(tp);
}

void
tcp_abort(struct tcb *tp)
{
	tp->ops = NULL;
	tcp_drop(tp, ECONNABORTED);
}

/*
 * RFC 6528: a 4 us clock plus a keyed hash of the connection, so a new
 * incarnation of a 4-tuple starts above the old one.
 */
static uint32_t
tcp_new_iss(const struct tcb *tp)
{
	const struct host *h = tp->h;
	uint64_t z = h->isskey ^ ((uint64_t)tp->faddr << 32 |
	    (uint32_t)tp->lport << 16 | tp->fport);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (uint32_t)z + (uint32_t)(tcp_now(tp) / (4 * NS_PER_US));
}

static void
tcp_set_wscale(struct tcb *tp)
{
	uint8_t ws = 0;

	while (ws < TCP_MAX_WINSHIFT && (tp->p->rcvbuf >> ws) > TCP_MAXWIN)
		ws++;
	tp->rcv_ws = ws;
	tp->rcv_wnd = tp->p->rcvbuf;
}

void
tcp_connect(struct tcb *tp)
{
	tp->iss = tcp_new_iss(tp);
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->snd_max = tp->snd_lim = tp->iss + 1;
	tp->recover = tp->iss;
	tp->high_rxt = tp->snd_una;
	tcp_set_wscale(tp);
	if (tp->p->wscale)
		tp->flags |= TF_OFFERWS;
	if (tp->p->sack)
		tp->flags |= TF_OFFERSACK;
	tp->state = TCPS_SYN_SENT;
	tcp_send_syn(tp);
}

/* --- input --------------------------------------------------------------- */

static void
tcp_dooptions(const uint8_t *cp, uint32_t cnt, bool syn, struct tcpopt *to)
{
	to->mss = -1;
	to->ws = -1;
	to->sackok = false;
	to->nsack = 0;
	while (cnt > 0) {
		uint32_t opt = cp[0], optlen;

		if (opt == TCPOPT_EOL)
			break;
		if (opt == TCPOPT_NOP) {
			cp++;
			cnt--;
			continue;
		}
		if (cnt < 2 || (optlen = cp[1]) < 2 || optlen > cnt)
			break;
		switch (opt) {
		case TCPOPT_MAXSEG:
			if (optlen == 4 && syn)
				to->mss = cp[2] << 8 | cp[3];
			break;
		case TCPOPT_WINDOW:
			if (optlen == 3 && syn)
				to->ws = cp[2] < TCP_MAX_WINSHIFT ? cp[2] :
				    TCP_MAX_WINSHIFT;
			break;
		case TCPOPT_SACK_PERMITTED:
			if (optlen == 2 && syn)
				to->sackok = true;
			break;
		case TCPOPT_SACK:
			if (optlen >= 10 && (optlen - 2) % 8 == 0 && !syn) {
				uint32_t k;

				for (k = 2; k + 8 <= optlen &&
				    to->nsack < TCP_MAXSACK; k += 8) {
					const uint8_t *b = cp + k;

					to->sack[to->nsack][0] =
					    (uint32_t)b[0] << 24 | b[1] << 16 |
					    b[2] << 8 | b[3];
					to->sack[to->nsack][1] =
					    (uint32_t)b[4] << 24 | b[5] << 16 |
					    b[6] << 8 | b[7];
					to->nsack++;
				}
			}
			break;
		}
		cp += optlen;
		cnt -= optlen;
	}
}

/* What the SYN exchange agreed: MSS, window scaling, SACK. */
static void
tcp_apply_synopts(struct tcb *tp, const struct tcpopt *to)
{
	uint32_t mtu = tp->h->ifp->mtu, peer;

	peer = to->mss > 0 ? (uint32_t)to->mss : TCP_DEFMSS;
	tp->maxseg = tp->p->mss < peer ? tp->p->mss : peer;
	if (tp->maxseg > mtu - 40)
		tp->maxseg = mtu - 40;
	if ((tp->flags & TF_OFFERWS) && to->ws >= 0) {
		tp->flags |= TF_WS;
		tp->snd_ws = (uint8_t)to->ws;
	} else {
		tp->flags &= ~TF_OFFERWS;
		tp->snd_ws = tp->rcv_ws = 0;
		if (tp->rcv_wnd > TCP_MAXWIN)
			tp->rcv_wnd = TCP_MAXWIN;
	}
	if (tp->flags & TF_WS)
		tp->rcv_wnd = (tp->p->rcvbuf >> tp->rcv_ws) << tp->rcv_ws;
	if ((tp->flags & TF_OFFERSACK) && to->sackok)
		tp->flags |= TF_SACK;
}

/* Both sides: the handshake is done. */
static void
tcp_established(struct tcb *tp)
{
	uint32_t iw = tp->p->initcwnd * tp->maxseg;

	tp->state = TCPS_ESTABLISHED;
	sim_cancel(tcp_w(tp), &tp->rexmt);
	tp->rxtshift = 0;
	if (!(tp->flags & TF_HSRETX))
		tcp_rtt_sample(tp, tcp_now(tp) - tp->hs_sent);
	/* RFC 5681 3.1: one segment after a lost SYN or SYN/ACK. */
	tp->cwnd = (tp->flags & TF_HSRETX) ? tp->maxseg : iw;
	tp->ssthresh = TCP_MAXCWND;
	if (tp->ops && tp->ops->connected)
		tp->ops->connected(tp, tp->arg);
}

/* A SYN for a listening port: a new tcb in SYN_RECEIVED (syncache-less). */
static void
tcp_accept(struct host *h, struct host_listener *l, uint32_t src,
    uint16_t sport, uint16_t dport, uint32_t seq, uint32_t win,
    const struct tcpopt *to)
{
	struct tcb *tp = tcp_create(h, src, sport, dport);

	if (tp == NULL) {
		h->st.rx_noport++;
		return;
	}
	tp->irs = seq;
	tp->rcv_nxt = seq + 1;
	tp->iss = tcp_new_iss(tp);
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->snd_max = tp->snd_lim = tp->iss + 1;
	tp->recover = tp->iss;
	tp->high_rxt = tp->snd_una;
	tp->snd_wnd = win;
	tp->snd_wl1 = seq;
	tcp_set_wscale(tp);
	if (tp->p->wscale && to->ws >= 0)
		tp->flags |= TF_OFFERWS;
	if (tp->p->sack && to->sackok)
		tp->flags |= TF_OFFERSACK;
	tcp_apply_synopts(tp, to);
	tp->state = TCPS_SYN_RECEIVED;
	if (l->accept(h, tp, l->arg) != 0) {
		host_remove(h, tp);
		tcp_free(tp);
		h->st.rx_noport++;
		return;
	}
	tcp_send_syn(tp);
}

/* Did the peer just enter loss recovery territory for snd_una? */
static bool
tcp_sack_lost_una(const struct tcb *tp)
{
	return tp->sb.n > 0 && sb_lost(tp, 0, sb_total(tp));
}

static void
tcp_enter_recovery(struct tcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una, len;

	tp->ssthresh = flight / 2 > 2 * tp->maxseg ? flight / 2 :
	    2 * tp->maxseg;
	tp->recover = tp->snd_max;
	tp->flags |= TF_RECOVERY;
	tp->flags &= ~TF_TIMING;		/* Karn */
	tp->st->fast_retransmits++;
	sim_cancel(tcp_w(tp), &tp->rexmt);
	len = tp->sb.n > 0 ? tp->sb.r[0].start - tp->snd_una :
	    tp->snd_max - tp->snd_una;
	if (len > tcp_segroom(tp))
		len = tcp_segroom(tp);
	if (SEQ_GT(tp->snd_una + len, tp->snd_lim))
		len = tp->snd_lim - tp->snd_una;
	if (tp->flags & TF_SACK) {
		/* RFC 6675 section 5 (4): cwnd = ssthresh, resend HighACK+1. */
		tp->st->sack_recoveries++;
		tp->cwnd = tp->ssthresh;
		tp->high_rxt = tp->snd_una;
		tcp_rexmit(tp, tp->snd_una, len);
		tp->high_rxt = tp->snd_una + len;
	} else {
		/* RFC 6582 section 3.2 (2), (3). */
		tcp_rexmit(tp, tp->snd_una, len);
		tp->cwnd = tp->ssthresh + tp->p->dupthresh * tp->maxseg;
	}
}

static void
tcp_dupack(struct tcb *tp)
{
	tp->dupacks++;
	tp->st->dupacks++;
	if (tp->flags & TF_RECOVERY) {
		if (!(tp->flags & TF_SACK) && tp->cwnd < TCP_MAXCWND)
			tp->cwnd += tp->maxseg;		/* inflate */
		return;
	}
	/*
	 * RFC 6582 section 3.2 (2): not again for the same window. Their
	 * recover is the highest byte sent; ours is one past it.
	 */
	if (SEQ_LT(tp->snd_una, tp->recover))
		return;
	if (tp->dupacks >= tp->p->dupthresh ||
	    ((tp->flags & TF_SACK) && tcp_sack_lost_una(tp)))
		tcp_enter_recovery(tp);
}

/* An ACK for new data. */
static void
tcp_newack(struct tcb *tp, uint32_t ack)
{
	uint32_t acked = ack - tp->snd_una, flight = tp->snd_max - tp->snd_una;
	uint32_t data_acked = acked;
	bool finacked = false;

	if ((tp->flags & TF_TIMING) && SEQ_GT(ack, tp->rtseq)) {
		tp->flags &= ~TF_TIMING;
		tcp_rtt_sample(tp, tcp_now(tp) - tp->rtstart);
	}
	if ((tp->flags & TF_FINQ) && SEQ_GT(ack, tp->snd_lim)) {
		finacked = true;
		data_acked--;
	}
	if (tp->flags & TF_RECOVERY) {
		if (SEQ_GEQ(ack, tp->recover)) {
			/* Full ACK: RFC 6582 3.2 (6), option 2. */
			uint32_t left = tp->snd_max - ack;

			tp->flags &= ~TF_RECOVERY;
			tp->dupacks = 0;
			tp->bytes_acked = 0;
			left = (left > tp->maxseg ? left : tp->maxseg) +
			    tp->maxseg;
			tp->cwnd = tp->ssthresh < left ? tp->ssthresh : left;
		} else if (!(tp->flags & TF_SACK)) {
			/* Partial ACK: RFC 6582 3.2 (5). */
			uint32_t len = tp->snd_max - ack;

			if (len > tp->maxseg)
				len = tp->maxseg;
			if (SEQ_GT(ack + len, tp->snd_lim))
				len = tp->snd_lim - ack;
			tp->snd_una = ack;
			sim_cancel(tcp_w(tp), &tp->rexmt);
			tcp_rexmit(tp, ack, len);
			tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked : 0;
			if (acked >= tp->maxseg)
				tp->cwnd += tp->maxseg;
			if (tp->cwnd < tp->maxseg)
				tp->cwnd = tp->maxseg;
		}
	} else {
		tp->dupacks = 0;
		/* RFC 2861-style: no growth when the application limits. */
		if (!tp->p->cwnd_validate ||
		    flight + 3 * tp->maxseg >= tp->cwnd) {
			if (tp->cwnd < tp->ssthresh)
				tp->cwnd += acked < tp->maxseg ? acked :
				    tp->maxseg;
			else {
				tp->bytes_acked += acked;
				if (tp->bytes_acked >= tp->cwnd) {
					tp->bytes_acked -= tp->cwnd;
					tp->cwnd += tp->maxseg;
				}
			}
			if (tp->cwnd > TCP_MAXCWND)
				tp->cwnd = TCP_MAXCWND;
		}
	}
	tp->snd_una = ack;
	rl_trim(&tp->sb, ack);
	if (SEQ_LT(tp->snd_nxt, ack))
		tp->snd_nxt = ack;
	if (SEQ_LT(tp->high_rxt, ack))
		tp->high_rxt = ack;
	if (tp->snd_una == tp->snd_max)
		sim_cancel(tcp_w(tp), &tp->rexmt);
	else
		tcp_timer_arm(tp, tcp_rto_cur(tp));

	if (data_acked > 0 && tp->ops && tp->ops->sent)
		tp->ops->sent(tp, tp->arg);
	if (!finacked)
		return;
	switch (tp->state) {
	case TCPS_FIN_WAIT_1:
		tp->state = TCPS_FIN_WAIT_2;
		break;
	case TCPS_CLOSING:
		tcp_enter_timewait(tp);
		break;
	case TCPS_LAST_ACK:
		tcp_close(tp, 0);
		break;
	}
}

/* The scoreboard learns the SACK blocks of an ACK (RFC 6675 Update()). */
static void
tcp_sack_update(struct tcb *tp, const struct tcpopt *to)
{
	int i;

	for (i = 0; i < to->nsack; i++) {
		uint32_t s = to->sack[i][0], e = to->sack[i][1];

		if (SEQ_GEQ(s, e) || SEQ_LEQ(e, tp->snd_una) ||
		    SEQ_GT(e, tp->snd_max))
			continue;		/* D-SACK or bogus */
		if (SEQ_LT(s, tp->snd_una))
			s = tp->snd_una;
		rl_insert(&tp->sb, s, e, 0);
	}
}

/* The peer's FIN, once all data before it is here. */
static void
tcp_rcvfin(struct tcb *tp)
{
	tp->flags &= ~TF_RCVFIN;
	tp->rcv_nxt++;
	tp->flags |= TF_ACKNOW;
	switch (tp->state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tp->state = TCPS_CLOSE_WAIT;
		if (tp->ops && tp->ops->eof)
			tp->ops->eof(tp, tp->arg);
		break;
	case TCPS_FIN_WAIT_1:
		tp->state = TCPS_CLOSING;
		break;
	case TCPS_FIN_WAIT_2:
		tcp_enter_timewait(tp);
		break;
	}
}

/* Payload and FIN (RFC 793 "seventh, process the segment text"). */
static void
tcp_rcvdata(struct tcb *tp, uint32_t seq, uint32_t len, bool fin)
{
	uint32_t wend;

	if (len == 0 && !fin)
		return;
	if (tp->state != TCPS_ESTABLISHED && tp->state != TCPS_FIN_WAIT_1 &&
	    tp->state != TCPS_FIN_WAIT_2) {
		tp->flags |= TF_ACKNOW;		/* a retransmission */
		return;
	}
	if (SEQ_LT(seq, tp->rcv_nxt)) {
		uint32_t dup = tp->rcv_nxt - seq;

		if (dup > len || (dup == len && !fin)) {
			tp->flags |= TF_ACKNOW;	/* all old: say so now */
			return;
		}
		seq += dup;
		len -= dup;
	}
	wend = tp->rcv_nxt + tp->rcv_wnd;
	if (SEQ_GT(seq + len, wend)) {
		tp->flags |= TF_ACKNOW;
		if (SEQ_GEQ(seq, wend))
			return;
		len = wend - seq;
		fin = false;
	}
	if (fin) {
		tp->flags |= TF_RCVFIN;
		tp->rcv_fin = seq + len;
	}
	if (len > 0 && seq == tp->rcv_nxt) {
		uint32_t before = tp->rcv_nxt;

		tp->rcv_nxt += len;
		if (tp->ooo.n > 0) {
			while (tp->ooo.n > 0 &&
			    SEQ_LEQ(tp->ooo.r[0].start, tp->rcv_nxt)) {
				if (SEQ_GT(tp->ooo.r[0].end, tp->rcv_nxt))
					tp->rcv_nxt = tp->ooo.r[0].end;
				rl_trim(&tp->ooo, tp->ooo.r[0].end);
			}
			tp->flags |= TF_ACKNOW;	/* a hole filled */
		} else if (!(tp->flags & TF_ACKNOW)) {
			if (++tp->segs_unacked >= tp->p->delack_segs ||
			    tp->p->delack_ns == 0)
				tp->flags |= TF_ACKNOW;
			else if (!ev_pending(&tp->delack))
				sim_schedule(tcp_w(tp), &tp->delack,
				    tcp_now(tp) + tp->p->delack_ns);
		}
		tp->st->delivered_pkts++;
		tp->st->delivered_bytes += tp->rcv_nxt - before;
		if (tp->ops && tp->ops->recv)
			tp->ops->recv(tp, tp->arg, tp->rcv_nxt - before);
	} else if (len > 0) {
		if (rl_insert(&tp->ooo, seq, seq + len, ++tp->ooo_stamp) > 0)
			tp->st->delivered_pkts++;
		tp->flags |= TF_ACKNOW;		/* dupack, with SACK */
	}
	if ((tp->flags & TF_RCVFIN) && tp->rcv_nxt == tp->rcv_fin &&
	    tp->state != TCPS_CLOSED)
		tcp_rcvfin(tp);
}

/* One segment for an existing connection (tcp_input's main part). */
static void
tcp_segment(struct tcb *tp, const struct tcp_hdr *th, uint32_t len,
    const struct tcpopt *to)
{
	uint32_t seq = ntohl(th->seq), ack = ntohl(th->ack), tiwin;
	uint8_t flags = th->flags;

	tiwin = ntohs(th->win);
	if (!(flags & TH_SYN))
		tiwin <<= tp->snd_ws;

	switch (tp->state) {
	case TCPS_SYN_SENT:
		if ((flags & TH_ACK) && ack != tp->iss + 1)
			return;
		if (flags & TH_RST) {
			if (flags & TH_ACK) {
				tp->st->resets_rcvd++;
				tcp_close(tp, ECONNREFUSED);
			}
			return;
		}
		if ((flags & (TH_SYN | TH_ACK)) != (TH_SYN | TH_ACK))
			return;		/* simultaneous open: not modelled */
		tp->irs = seq;
		tp->rcv_nxt = seq + 1;
		tp->snd_una = ack;
		tcp_apply_synopts(tp, to);
		tp->snd_wnd = tiwin;
		tp->snd_wl1 = seq;
		tp->snd_wl2 = ack;
		tp->flags |= TF_ACKNOW;
		tcp_established(tp);
		return;
	case TCPS_SYN_RECEIVED:
		if (flags & TH_RST) {
			if (seq == tp->rcv_nxt) {
				tp->st->resets_rcvd++;
				tcp_close(tp, ECONNRESET);
			}
			return;
		}
		if (flags & TH_SYN) {
			/*
			 * The client did not hear our SYN/ACK: resend it
			 * now, leaving our own SYN/ACK timer as it is.
			 */
			if (seq == tp->irs) {
				tp->flags |= TF_HSRETX;
				tp->st->retransmits++;
				tp->st->syn_retransmits++;
				tcp_xmit(tp, tp->iss, 0, TH_SYN | TH_ACK);
			}
			return;
		}
		if (!(flags & TH_ACK) || ack != tp->iss + 1)
			return;
		tp->snd_una = ack;
		tp->snd_wnd = tiwin;
		tp->snd_wl1 = seq;
		tp->snd_wl2 = ack;
		tcp_established(tp);
		if (tp->state == TCPS_CLOSED)
			return;
		break;
	case TCPS_TIME_WAIT:
		if (flags & TH_RST) {
			tcp_close(tp, 0);
			return;
		}
		if (flags & TH_FIN) {
			tp->flags |= TF_ACKNOW;
			tcp_timer_arm(tp, tp->p->time_wait_ns);
		}
		return;
	default:
		if (flags & TH_RST) {
			if (SEQ_GEQ(seq, tp->rcv_nxt) &&
			    SEQ_LT(seq, tp->rcv_nxt + tp->rcv_wnd)) {
				tp->st->resets_rcvd++;
				tcp_close(tp, ECONNRESET);
			}
			return;
		}
		if (flags & TH_SYN) {
			/* A SYN/ACK again: our ACK of it was lost. */
			tp->flags |= TF_ACKNOW;
			return;
		}
		if (!(flags & TH_ACK))
			return;
		if (SEQ_GT(ack, tp->snd_max)) {
			tp->flags |= TF_ACKNOW;
			return;
		}
		if ((tp->flags & TF_SACK) && to->nsack > 0)
			tcp_sack_update(tp, to);
		if (SEQ_LEQ(ack, tp->snd_una)) {
			if (len == 0 && !(flags & TH_FIN) &&
			    ack == tp->snd_una && tiwin == tp->snd_wnd &&
			    tp->snd_max != tp->snd_una)
				tcp_dupack(tp);
			else if (!(tp->flags & TF_RECOVERY) && len == 0)
				tp->dupacks = 0;
		} else {
			tcp_newack(tp, ack);
			if (tp->state == TCPS_CLOSED ||
			    tp->state == TCPS_TIME_WAIT)
				return;
		}
		/* Window update (RFC 793, with wl1/wl2). */
		if (SEQ_LT(tp->snd_wl1, seq) || (tp->snd_wl1 == seq &&
		    (SEQ_LT(tp->snd_wl2, ack) ||
		    (tp->snd_wl2 == ack && tiwin > tp->snd_wnd)))) {
			tp->snd_wnd = tiwin;
			tp->snd_wl1 = seq;
			tp->snd_wl2 = ack;
		}
		break;
	}
	tcp_rcvdata(tp, seq, len, (flags & TH_FIN) != 0);
}

void
tcp_input(struct host *h, uint32_t src, const uint8_t *seg, uint32_t len)
{
	const struct tcp_hdr *th = (const struct tcp_hdr *)seg;
	uint32_t off = (uint32_t)(th->off >> 4) * 4;
	struct tcpopt to;
	struct tcb *tp;
	uint16_t sport = ntohs(th->sport), dport = ntohs(th->dport);

	if (off < sizeof(*th) || off > len) {
		h->st.rx_bad++;
		return;
	}
	tcp_dooptions(seg + sizeof(*th), off - (uint32_t)sizeof(*th),
	    (th->flags & TH_SYN) != 0, &to);
	tp = host_lookup(h, dport, src, sport);
	/* RFC 1122 4.2.2.13: a new SYN above the old incarnation reopens
	 * a tuple in TIME_WAIT. */
	if (tp != NULL && tp->state == TCPS_TIME_WAIT &&
	    (th->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
	    SEQ_GT(ntohl(th->seq), tp->rcv_nxt)) {
		tcp_close(tp, 0);
		tp = NULL;
	}
	if (tp == NULL) {
		struct host_listener *l;

		if ((th->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
		    (l = host_listener(h, IPPROTO_TCP_, dport)) != NULL)
			tcp_accept(h, l, src, sport, dport, ntohl(th->seq),
			    ntohs(th->win), &to);
		else
			h->st.rx_noport++;
		return;
	}
	tp->busy++;
	tcp_segment(tp, th, len - off, &to);
	if (tp->state != TCPS_CLOSED)
		tcp_output(tp);
	if (--tp->busy == 0 && (tp->flags & TF_DEAD))
		tcp_free(tp);
}

/* --- timers -------------------------------------------------------------- */

static void
tcp_timer_rexmt(void *arg)
{
	struct tcb *tp = arg;
	uint32_t flight;

	tp->busy++;
	switch (tp->state) {
	case TCPS_TIME_WAIT:
		tcp_close(tp, 0);
		break;
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
		if (tp->rxtshift >= tp->p->syn_retries) {
			tcp_close(tp, ETIMEDOUT);
			break;
		}
		tp->rxtshift++;
		tp->flags |= TF_HSRETX;
		tp->st->retransmits++;
		tp->st->syn_retransmits++;
		tcp_send_syn(tp);
		break;
	case TCPS_CLOSED:
		break;
	default:
		if (tp->snd_una == tp->snd_max)
			break;
		if (tp->rxtshift >= tp->p->retries) {
			tcp_drop(tp, ETIMEDOUT);
			break;
		}
		tp->rxtshift++;
		tp->st->timeouts++;
		/* RFC 5681 (4): only the first timeout of a loss sets it. */
		flight = tp->snd_max - tp->snd_una;
		if (tp->rxtshift == 1)
			tp->ssthresh = flight / 2 > 2 * tp->maxseg ?
			    flight / 2 : 2 * tp->maxseg;
		tp->cwnd = tp->maxseg;
		tp->bytes_acked = 0;
		tp->flags &= ~(TF_RECOVERY | TF_TIMING);
		tp->recover = tp->snd_max;	/* RFC 6582 section 4 */
		tp->dupacks = 0;
		tp->high_rxt = tp->snd_una;
		tp->snd_nxt = tp->snd_una;
		tcp_output(tp);
		if (tp->state != TCPS_CLOSED && !ev_pending(&tp->rexmt) &&
		    tp->snd_una != tp->snd_max)
			tcp_timer_arm(tp, tcp_rto_cur(tp));
		break;
	}
	if (--tp->busy == 0 && (tp->flags & TF_DEAD))
		tcp_free(tp);
}

static void
tcp_timer_delack(void *arg)
{
	struct tcb *tp = arg;

	tp->busy++;
	tp->flags |= TF_ACKNOW;
	tcp_output(tp);
	if (--tp->busy == 0 && (tp->flags & TF_DEAD))
		tcp_free(tp);
}
