/*
 * [host] and [flow] sections: parameter tables, build, link, start, stop
 * and the reports (summary.json "flows" and "hosts", flows.csv, the
 * goodput columns of timeseries.csv, the flow lines of the summary).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_var.h"
#include "models/emu/emu.h"

#define S	NS_PER_SEC
#define MS	NS_PER_MS

const struct param_spec host_params[] = {
	{ "host", "net", PT_STRING, 0, 0, NULL, NULL,
	    "the net the host's one interface attaches to" },
	{ "host", "addr", PT_STRING, 0, 0, "auto", NULL,
	    "IPv4 address[/plen], or auto: the prefix the net's firewalls "
	    "use, host part 100 and up" },
	{ "host", "tcp.mss", PT_SIZE, 88, 9000, "1460", NULL,
	    "MSS option sent; segments also fit the net's MTU" },
	{ "host", "tcp.rcvbuf", PT_SIZE, 1024, 1 << 30, "64KB", NULL,
	    "receive buffer = advertised window (the application reads "
	    "at once)" },
	{ "host", "tcp.sndbuf", PT_SIZE, 1024, 1 << 30, "256KB", NULL,
	    "send buffer: unacknowledged plus unsent bytes" },
	{ "host", "tcp.wscale", PT_BOOL, 0, 0, "yes", NULL,
	    "offer window scaling (RFC 7323); the shift fits rcvbuf" },
	{ "host", "tcp.sack", PT_BOOL, 0, 0, "yes", NULL,
	    "offer SACK (RFC 2018): RFC 6675 recovery if agreed, NewReno "
	    "(RFC 6582) if not" },
	{ "host", "tcp.initcwnd", PT_INT, 1, 100, "3", NULL,
	    "initial window in segments (RFC 3390); 1 after a lost SYN" },
	{ "host", "tcp.dupthresh", PT_INT, 1, 1000, "3", NULL,
	    "duplicate ACKs that start fast retransmit" },
	{ "host", "tcp.limited_transmit", PT_BOOL, 0, 0, "yes", NULL,
	    "new data on the first duplicate ACKs (RFC 3042)" },
	{ "host", "tcp.cwnd_validate", PT_BOOL, 0, 0, "yes", NULL,
	    "grow cwnd only while it limits the sender (as Linux 2.6)" },
	{ "host", "tcp.delack", PT_DURATION, 0, 1 * S, "100ms", NULL,
	    "delayed-ACK timer (Linux 40ms and up, BSD up to 200ms); "
	    "0 = ACK every segment" },
	{ "host", "tcp.delack_segs", PT_INT, 1, 64, "2", NULL,
	    "ACK at least every this many in-order segments" },
	{ "host", "tcp.rto_init", PT_DURATION, 1 * MS, 600 * S, "3s", NULL,
	    "RTO of SYN and SYN/ACK (doubling) and before the first RTT "
	    "sample" },
	{ "host", "tcp.rto_min", PT_DURATION, 1 * MS, 600 * S, "200ms", NULL,
	    "lower bound of the RTO (RFC 6298 says 1s; Linux 200ms)" },
	{ "host", "tcp.rto_max", PT_DURATION, 1 * MS, 3600 * S, "60s", NULL,
	    "upper bound of the backed-off RTO" },
	{ "host", "tcp.syn_retries", PT_INT, 0, 20, "5", NULL,
	    "SYN or SYN/ACK retransmissions before giving up" },
	{ "host", "tcp.retries", PT_INT, 1, 30, "12", NULL,
	    "timeouts without an RTT sample between them before a reset "
	    "(BSD TCP_MAXRXTSHIFT)" },
	{ "host", "tcp.time_wait", PT_DURATION, 0, 600 * S, "60s", NULL,
	    "TIME_WAIT (2MSL)" },
	{ "host", "tcp.ttl", PT_INT, 1, 255, "64", NULL, "IP TTL" },
	{ "host", "tcp.cc", PT_ENUM, 0, 0, "linuxreno",
	    "linuxreno|newreno|cubic",
	    "congestion control; ns-3: TcpLinuxReno, TcpNewReno or TcpCubic; "
	    "builtin: Reno with SACK recovery (RFC 6675) or NewReno without "
	    "(RFC 6582) whether linuxreno or newreno, no cubic (refused)" },
	/* Timing (host.h). int_rate: Linux e1000's dynamic ITR ("e1000: add
	 * dynamic itr modes", 2006; InterruptThrottleRate=3 moves between
	 * 4,000/s for bulk and 20,000/s for low-latency traffic; the older
	 * static default was 8,000/s). A fixed rate simplifies the dynamic
	 * algorithm (XXX). stack.rx and stack.tx are estimates: order of
	 * magnitude from Larsen et al., Int. J. Parallel Programming 37(6),
	 * 2009 (about 10 us one way through Linux on 10GbE without
	 * moderation; a 2009 gigabit PC is slower), checked over 0-50 us. */
	{ "host", "nic.int_rate", PT_INT, 0, 10000000, "20000", NULL,
	    "most receive interrupts per second (e1000 dynamic ITR, "
	    "low-latency class); 0 = one per frame at once" },
	{ "host", "nic.random_phase", PT_BOOL, 0, 0, "yes", NULL,
	    "the interrupt-throttle timer starts at a random phase; no: the "
	    "first frame interrupts at once" },
	{ "host", "nic.rx_ring", PT_INT, 0, 65536, "256", NULL,
	    "frames waiting for the receive interrupt (e1000: 256 "
	    "descriptors); overflow drops rx_ring; 0 = unbounded" },
	{ "host", "stack.rx", PT_DURATION, 0, 1 * S, "10us", NULL,
	    "mean time from the interrupt to TCP/UDP input (estimate after "
	    "Larsen et al. 2009, checked over 0-50us)" },
	{ "host", "stack.tx", PT_DURATION, 0, 1 * S, "5us", NULL,
	    "mean time from TCP/UDP output to the interface (estimate after "
	    "Larsen et al. 2009, checked over 0-50us)" },
	{ "host", "stack.spread", PT_REAL, 0, 1, "0.5", NULL,
	    "random share of each stack latency: (1-s)*mean + Exp(s*mean), "
	    "per frame, order kept (estimate, checked over 0-1)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

const struct param_spec flow_params[] = {
	{ "flow", "proto", PT_ENUM, 0, 0, "tcp", "tcp|udp", "transport" },
	{ "flow", "mode", PT_ENUM, 0, 0, "stream", "stream|rr|mix",
	    "stream: one connection; rr: short request/response "
	    "connections; mix: many streams (Poisson arrivals, Pareto sizes)" },
	{ "flow", "from", PT_STRING, 0, 0, NULL, NULL,
	    "the sending host (the TCP client)" },
	{ "flow", "to", PT_STRING, 0, 0, NULL, NULL,
	    "the receiving host (the TCP server)" },
	{ "flow", "start", PT_DURATION, 0, 86400 * S, "0", NULL,
	    "when the flow begins" },
	{ "flow", "start_jitter", PT_DURATION, 0, 86400 * S, "10ms", NULL,
	    "the flow begins at start + U[0, start_jitter): started by hand, "
	    "its phase against the firewalls' clock ticks is random" },
	{ "flow", "stop", PT_DURATION, 0, 86400 * S, "0", NULL,
	    "no new data or connections after this; 0 = run to the end" },
	{ "flow", "rate", PT_PKTRATE, 0, 100000000, "0", NULL,
	    "stream, mix: MSS-sized writes per second per stream (0 = bulk); "
	    "udp: datagrams/s; rr: connections/s (0 = one after another)" },
	{ "flow", "size", PT_SIZE, 0, INT64_MAX, "0", NULL,
	    "bytes to send, 0 = unlimited; mix: the mean stream size" },
	{ "flow", "payload", PT_SIZE, 0, 65507, "1472", NULL,
	    "udp: payload bytes per datagram" },
	{ "flow", "port", PT_INT, 0, 65535, "0", NULL,
	    "server port; 0 = 5001 + the flow's index" },
	{ "flow", "requests", PT_INT, 1, 100000000, "100", NULL,
	    "rr: connections to make" },
	{ "flow", "request_size", PT_SIZE, 1, 1 << 30, "100", NULL,
	    "rr: request bytes, client to server" },
	{ "flow", "response_size", PT_SIZE, 1, 1 << 30, "1000", NULL,
	    "rr: response bytes, server to client" },
	{ "flow", "count", PT_INT, 1, 10000000, "100", NULL,
	    "mix: streams to start" },
	{ "flow", "arrival", PT_DURATION, 1000, 3600 * S, "100ms", NULL,
	    "mix: mean time between stream arrivals (exponential)" },
	{ "flow", "shape", PT_REAL, 1, 100, "1.5", NULL,
	    "mix: Pareto shape of stream sizes (above 1)" },
	{ "flow", "route", PT_LIST, 0, 0, "hash", NULL,
	    "'fwA fwB': from->to via fwA, to->from via fwB (one name: "
	    "both); hash: ECMP per connection and direction; direct" },
	{ "flow", "route_change", PT_LIST, 0, 0, "", NULL,
	    "TIME ROUTE...: e.g. '5s fwA fwB 10s fwA fwA' (route as above)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

const struct section_type host_section = { "host", true, true, host_params };
/* kind = netns and its keys (models/emu). */
static const struct section_type emu_section = { "host", true, true,
    emu_params };
const struct section_type flow_section = { "flow", true, true, flow_params };

/* The host model's per-run state; the flow model shares it. */
struct host_run {
	struct host		**hosts;
	struct conf_section	**hsec;
	int			  nhosts, hcap;
	struct flow		**flows;
	struct conf_section	**fsec;
	int			  nflows, fcap;
	bool			  addrs_done;
	struct emu_host		**emu;		/* per host; NULL: kind = sim */
};

static struct host_run *
hr_get(struct run *r)
{
	struct host_run *hr = run_model_data(r, &host_model);

	if (hr == NULL && (hr = calloc(1, sizeof(*hr))) != NULL)
		run_set_model_data(r, &host_model, hr);
	return hr;
}

/* Does the backend run the hosts' IP and TCP itself (ns-3)? */
static bool
host_stacks(struct run *r)
{
	return sim_backend(run_world(r))->host_add != NULL;
}

static int
grow(void *pa, void *pb, int n, int *cap)
{
	void **a = pa, **b = pb, *na, *nb;
	int ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if ((na = realloc(*a, ncap * sizeof(void *))) == NULL)
		return ENOMEM;
	*a = na;
	if ((nb = realloc(*b, ncap * sizeof(void *))) == NULL)
		return ENOMEM;
	*b = nb;
	*cap = ncap;
	return 0;
}

/* "a.b.c.d" or "a.b.c.d/n" (plen 24 if absent). */
static int
parse_addr(const char *text, uint32_t *addr, uint8_t *plen)
{
	char buf[32], *slash;
	struct in_addr ia;
	long n = 24;

	snprintf(buf, sizeof(buf), "%s", text);
	if ((slash = strchr(buf, '/')) != NULL) {
		char *end;

		*slash = '\0';
		n = strtol(slash + 1, &end, 10);
		if (*end != '\0' || n < 1 || n > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &ia) != 1)
		return -1;
	*addr = ntohl(ia.s_addr);
	*plen = (uint8_t)n;
	return 0;
}

static int
host_build(struct run *r, struct conf_section *s, char *err, size_t errlen)
{
	struct host_run *hr = hr_get(r);
	struct world *w = run_world(r);
	struct host_tcp_params tp;
	struct host_timing tm;
	struct segment *seg;
	struct host *h;
	uint32_t addr = 0;
	uint8_t plen = 0;
	char msg[160];

	if (hr == NULL || grow(&hr->hosts, &hr->hsec, hr->nhosts,
	    &hr->hcap) != 0)
		return conf_key_error(err, errlen, s, "net", "out of memory");
	if (strcmp(conf_str(s, "kind"), "netns") == 0) {
		if (!run_realtime(r))
			return conf_key_error(err, errlen, s, "kind",
			    "netns needs sim.clock = realtime (or --realtime)");
		if (emu_available(msg, sizeof(msg)) != 0)
			return conf_key_error(err, errlen, s, "kind",
			    "netns: %s", msg);
	} else if (conf_isset(s, "run") || conf_isset(s, "gateway") ||
	    conf_isset(s, "start"))
		return conf_key_error(err, errlen, s, conf_isset(s, "run") ?
		    "run" : conf_isset(s, "gateway") ? "gateway" : "start",
		    "only for kind = netns");
	if ((seg = run_segment(r, conf_str(s, "net"))) == NULL) {
		snprintf(msg, sizeof(msg), "no [net %s]", conf_str(s, "net"));
		return conf_key_error(err, errlen, s, "net", "%s", msg);
	}
	if (strcmp(conf_str(s, "addr"), "auto") != 0 &&
	    parse_addr(conf_str(s, "addr"), &addr, &plen) != 0)
		return conf_key_error(err, errlen, s, "addr",
		    "expected an IPv4 address like 10.0.1.10 or 10.0.1.10/24, "
		    "or auto");
	if (world_find_node(w, conf_name(s)) != NULL) {
		snprintf(msg, sizeof(msg), "a node named %s exists already",
		    conf_name(s));
		return conf_key_error(err, errlen, s, "net", "%s", msg);
	}
	host_tcp_defaults(&tp);
	tp.mss = (uint32_t)conf_int(s, "tcp.mss");
	tp.rcvbuf = (uint32_t)conf_int(s, "tcp.rcvbuf");
	tp.sndbuf = (uint32_t)conf_int(s, "tcp.sndbuf");
	tp.wscale = conf_bool(s, "tcp.wscale");
	tp.sack = conf_bool(s, "tcp.sack");
	tp.initcwnd = (uint32_t)conf_int(s, "tcp.initcwnd");
	tp.dupthresh = (uint32_t)conf_int(s, "tcp.dupthresh");
	tp.limited_transmit = conf_bool(s, "tcp.limited_transmit");
	tp.cwnd_validate = conf_bool(s, "tcp.cwnd_validate");
	tp.delack_ns = conf_int(s, "tcp.delack");
	tp.delack_segs = (uint32_t)conf_int(s, "tcp.delack_segs");
	tp.rto_init_ns = conf_int(s, "tcp.rto_init");
	tp.rto_min_ns = conf_int(s, "tcp.rto_min");
	tp.rto_max_ns = conf_int(s, "tcp.rto_max");
	tp.syn_retries = (uint32_t)conf_int(s, "tcp.syn_retries");
	tp.retries = (uint32_t)conf_int(s, "tcp.retries");
	tp.time_wait_ns = conf_int(s, "tcp.time_wait");
	tp.ttl = (uint8_t)conf_int(s, "tcp.ttl");
	tp.cc = strcmp(conf_str(s, "tcp.cc"), "cubic") == 0 ? HOST_CC_CUBIC :
	    strcmp(conf_str(s, "tcp.cc"), "newreno") == 0 ? HOST_CC_NEWRENO :
	    HOST_CC_LINUXRENO;
	if (tp.cc == HOST_CC_CUBIC && !host_stacks(r))
		return conf_key_error(err, errlen, s, "tcp.cc",
		    "cubic runs on ns-3's TCP only (sim.backend = ns3); pfsim's "
		    "TCP is Reno/NewReno with SACK: linuxreno or newreno");
	if (tp.rto_min_ns > tp.rto_max_ns)
		return conf_key_error(err, errlen, s, "tcp.rto_min",
		    "above tcp.rto_max");
	memset(&tm, 0, sizeof(tm));
	tm.int_rate = (uint32_t)conf_int(s, "nic.int_rate");
	tm.random_phase = conf_bool(s, "nic.random_phase");
	tm.rx_ring = (uint32_t)conf_int(s, "nic.rx_ring");
	tm.rx_ns = conf_int(s, "stack.rx");
	tm.tx_ns = conf_int(s, "stack.tx");
	tm.spread = conf_real(s, "stack.spread");
	if ((h = host_create(w, conf_name(s), seg, addr, plen, &tp)) == NULL)
		return conf_key_error(err, errlen, s, "net",
		    "cannot attach (too many nodes or ports)");
	if (host_set_timing(h, &tm) != 0) {
		host_destroy(h);
		return conf_key_error(err, errlen, s, "stack.spread",
		    "expected 0 to 1");
	}
	hr->hosts[hr->nhosts] = h;
	hr->hsec[hr->nhosts++] = s;
	if (run_capture_iface(r, host_iface(h), 0) != 0)
		return conf_key_error(err, errlen, s, "net",
		    "cannot open capture");
	return 0;
}

/*
 * addr = auto: take the prefix of an addressed interface on the net (a
 * firewall's, normally), else 10.N.0.0/24 for the N-th net; the host part
 * counts from 100, skipping addresses in use.
 */
static int
assign_addrs(struct run *r, struct host_run *hr, char *err, size_t errlen)
{
	struct world *w = run_world(r);
	int i, k;

	if (hr->addrs_done)
		return 0;
	for (i = 0; i < hr->nhosts; i++) {
		struct host *h = hr->hosts[i];
		struct iface *ifp = host_iface(h), *o;
		struct segment *seg = ifp->seg;
		uint32_t prefix = 0, mask, hostpart, size;
		uint8_t plen = 0;

		if (ifp->addr != 0) {
			o = segment_find_addr(seg, ifp->addr);
			if (o != ifp)
				return conf_key_error(err, errlen, hr->hsec[i],
				    "addr", "address in use on the net");
			continue;
		}
		for (k = 0; k < seg->nports; k++) {
			o = seg->ports[k]->ifp;
			if (o != ifp && o->addr != 0 && o->plen > 0 &&
			    o->plen <= 30) {
				plen = o->plen;
				prefix = o->addr;
				break;
			}
		}
		if (plen == 0) {
			for (k = 0; k < w->nsegs && w->segs[k] != seg; k++)
				;
			prefix = 0x0a000000U | (uint32_t)(k + 1) << 16;
			plen = 24;
		}
		mask = 0xffffffffU << (32 - plen);
		prefix &= mask;
		size = ~mask + 1;
		hostpart = size >= 256 ? 100 : size > 8 ? size / 2 : 1;
		for (; hostpart < size - 1; hostpart++)
			if (segment_find_addr(seg, prefix | hostpart) == NULL)
				break;
		if (hostpart >= size - 1)
			return conf_key_error(err, errlen, hr->hsec[i], "addr",
			    "no free address on the net");
		host_set_addr(h, prefix | hostpart, plen);
	}
	hr->addrs_done = true;
	return 0;
}

static int
host_link(struct run *r, char *err, size_t errlen)
{
	struct host_run *hr = run_model_data(r, &host_model);
	bool stale_done = false;
	int i;

	if (hr == NULL)
		return 0;
	if (assign_addrs(r, hr, err, errlen) != 0)
		return -1;
	/* sim.backend = ns3: the hosts' IP and TCP are ns-3's. */
	for (i = 0; host_stacks(r) && i < hr->nhosts; i++)
		if (strcmp(conf_str(hr->hsec[i], "kind"), "netns") == 0 ||
		    host_stack_add(hr->hosts[i]) != 0)
			return conf_key_error(err, errlen, hr->hsec[i], "kind",
			    "not with sim.backend = ns3");
	/* kind = netns: the namespace, once the addresses are known. */
	for (i = 0; i < hr->nhosts; i++) {
		if (strcmp(conf_str(hr->hsec[i], "kind"), "netns") != 0)
			continue;
		if (hr->emu == NULL && (hr->emu = calloc((size_t)hr->hcap,
		    sizeof(*hr->emu))) == NULL)
			return conf_key_error(err, errlen, hr->hsec[i], "kind",
			    "out of memory");
		if (!stale_done) {
			emu_clean_stale();
			stale_done = true;
		}
		hr->emu[i] = emu_host_create(r, hr->hsec[i],
		    host_iface(hr->hosts[i]), err, errlen);
		if (hr->emu[i] == NULL)
			return -1;
	}
	return 0;
}

/* fn on every emulated host (kind = netns) of the run. */
static void
emu_each(struct run *r, void (*fn)(struct emu_host *))
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	for (i = 0; hr != NULL && hr->emu != NULL && i < hr->nhosts; i++)
		if (hr->emu[i] != NULL)
			fn(hr->emu[i]);
}

static void
host_start(struct run *r)
{
	emu_each(r, emu_host_start);
}

static void
host_stop(struct run *r)
{
	struct host_run *hr = run_model_data(r, &host_model);
	struct backend_host_stats bs;
	int i;

	emu_each(r, emu_host_stop);
	/* The backend's own hosts: what their devices counted. */
	for (i = 0; hr != NULL && host_stacks(r) && i < hr->nhosts; i++)
		if (sim_host_stats(run_world(r), hr->hosts[i]->ifp, &bs) == 0)
			host_set_backend_stats(hr->hosts[i], &bs);
}

static int
host_files(struct run *r, const char *dir)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i, rv = 0;

	for (i = 0; hr != NULL && hr->emu != NULL && i < hr->nhosts; i++)
		if (hr->emu[i] != NULL && emu_host_files(hr->emu[i], dir) != 0)
			rv = -1;
	return rv;
}

static void
host_text(struct run *r, FILE *f)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	for (i = 0; hr != NULL && hr->emu != NULL && i < hr->nhosts; i++)
		if (hr->emu[i] != NULL)
			emu_host_text(hr->emu[i], f);
}

static int
flow_build(struct run *r, struct conf_section *s, char *err, size_t errlen)
{
	struct host_run *hr = hr_get(r);

	if (hr == NULL || grow(&hr->flows, &hr->fsec, hr->nflows,
	    &hr->fcap) != 0)
		return conf_key_error(err, errlen, s, "from", "out of memory");
	/* Hosts and firewalls may come later in the file: see flow_link. */
	hr->flows[hr->nflows] = NULL;
	hr->fsec[hr->nflows++] = s;
	return 0;
}

static struct host *
find_host(struct host_run *hr, const char *name)
{
	int i;

	for (i = 0; i < hr->nhosts; i++)
		if (strcmp(host_name(hr->hosts[i]), name) == 0)
			return hr->hosts[i];
	return NULL;
}

/* Words [i, i + n) of a list key as a route. */
static int
parse_route(struct run *r, struct conf_section *s, const char *key, int i,
    int n, struct flow_route *rt, char *msg, size_t msglen)
{
	char a[64], b[64];
	struct world *w = run_world(r);

	conf_list_at(s, key, i, a, sizeof(a));
	if (n == 1 && strcmp(a, "hash") == 0) {
		rt->kind = ROUTE_HASH;
		return 0;
	}
	if (n == 1 && strcmp(a, "direct") == 0) {
		rt->kind = ROUTE_DIRECT;
		return 0;
	}
	if (n == 2)
		conf_list_at(s, key, i + 1, b, sizeof(b));
	else
		snprintf(b, sizeof(b), "%s", a);
	rt->kind = ROUTE_FIXED;
	rt->via[0] = world_find_node(w, a);
	rt->via[1] = world_find_node(w, b);
	if (rt->via[0] == NULL || rt->via[1] == NULL) {
		snprintf(msg, msglen, "no node named %s; expected 'FW FW', "
		    "'FW', hash or direct", rt->via[0] == NULL ? a : b);
		return -1;
	}
	return 0;
}

static int
is_duration(const char *text)
{
	int64_t iv;
	double rv;

	return param_parse(PT_DURATION, text, &iv, &rv) == 0;
}

static int
flow_make(struct run *r, struct host_run *hr, int idx, char *err,
    size_t errlen)
{
	struct conf_section *s = hr->fsec[idx];
	struct flow_spec sp;
	const char *m, *key;
	char msg[200], word[64];
	int n, i, j;

	flow_spec_defaults(&sp);
	sp.name = conf_name(s);
	sp.proto = strcmp(conf_str(s, "proto"), "udp") == 0 ? FLOW_UDP :
	    FLOW_TCP;
	m = conf_str(s, "mode");
	sp.mode = strcmp(m, "rr") == 0 ? FLOW_RR : strcmp(m, "mix") == 0 ?
	    FLOW_MIX : FLOW_STREAM;
	if ((sp.from = find_host(hr, conf_str(s, "from"))) == NULL) {
		snprintf(msg, sizeof(msg), "no [host %s]", conf_str(s, "from"));
		return conf_key_error(err, errlen, s, "from", "%s", msg);
	}
	if ((sp.to = find_host(hr, conf_str(s, "to"))) == NULL) {
		snprintf(msg, sizeof(msg), "no [host %s]", conf_str(s, "to"));
		return conf_key_error(err, errlen, s, "to", "%s", msg);
	}
	for (i = 0; i < hr->nhosts; i++)
		if ((hr->hosts[i] == sp.from || hr->hosts[i] == sp.to) &&
		    strcmp(conf_str(hr->hsec[i], "kind"), "netns") == 0)
			return conf_key_error(err, errlen, s,
			    hr->hosts[i] == sp.from ? "from" : "to",
			    "%s is an emulated host (kind = netns): its traffic "
			    "is its program's (run)", host_name(hr->hosts[i]));
	sp.start_ns = conf_int(s, "start");
	sp.start_jitter_ns = conf_int(s, "start_jitter");
	sp.stop_ns = conf_int(s, "stop");
	if (sp.stop_ns != 0 && sp.stop_ns <= sp.start_ns)
		return conf_key_error(err, errlen, s, "stop",
		    "not after start");
	sp.rate_pps = conf_real(s, "rate");
	sp.size = (uint64_t)conf_int(s, "size");
	sp.payload = (uint32_t)conf_int(s, "payload");
	sp.port = (uint16_t)conf_int(s, "port");
	sp.requests = (uint32_t)conf_int(s, "requests");
	sp.request_size = (uint64_t)conf_int(s, "request_size");
	sp.response_size = (uint64_t)conf_int(s, "response_size");
	sp.count = (uint32_t)conf_int(s, "count");
	sp.arrival_ns = conf_int(s, "arrival");
	sp.shape = conf_real(s, "shape");

	n = conf_list_len(s, "route");
	if (n < 1 || n > 2)
		return conf_key_error(err, errlen, s, "route",
		    "expected 'FW FW', 'FW', hash or direct");
	if (parse_route(r, s, "route", 0, n, &sp.route, msg, sizeof(msg)))
		return conf_key_error(err, errlen, s, "route", "%s", msg);

	n = conf_list_len(s, "route_change");
	for (i = 0; i < n; i = j) {
		struct flow_route_change *c;
		int64_t at;
		double rv;

		conf_list_at(s, "route_change", i, word, sizeof(word));
		if (param_parse(PT_DURATION, word, &at, &rv) != 0) {
			snprintf(msg, sizeof(msg), "'%s': expected a time "
			    "(like 5s) before each route", word);
			return conf_key_error(err, errlen, s, "route_change",
			    "%s", msg);
		}
		for (j = i + 1; j < n; j++) {
			conf_list_at(s, "route_change", j, word, sizeof(word));
			if (is_duration(word))
				break;
		}
		if (j - i - 1 < 1 || j - i - 1 > 2)
			return conf_key_error(err, errlen, s, "route_change",
			    "expected TIME followed by 'FW FW', 'FW', hash or "
			    "direct");
		if (sp.nchanges == FLOW_MAXCHANGES)
			return conf_key_error(err, errlen, s, "route_change",
			    "too many changes");
		c = &sp.changes[sp.nchanges];
		if (sp.nchanges > 0 && at < sp.changes[sp.nchanges - 1].at_ns)
			return conf_key_error(err, errlen, s, "route_change",
			    "times must not go back");
		c->at_ns = at;
		if (parse_route(r, s, "route_change", i + 1, j - i - 1, &c->r,
		    msg, sizeof(msg)))
			return conf_key_error(err, errlen, s, "route_change",
			    "%s", msg);
		sp.nchanges++;
	}

	if ((hr->flows[idx] = flow_create(&sp, idx, &key, msg,
	    sizeof(msg))) == NULL ||
	    flow_link(hr->flows[idx], &key, msg, sizeof(msg)) != 0)
		return conf_key_error(err, errlen, s, key, "%s", msg);
	return 0;
}

static int
flow_link_all(struct run *r, char *err, size_t errlen)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	if (hr == NULL)
		return 0;
	if (assign_addrs(r, hr, err, errlen) != 0)
		return -1;
	for (i = 0; i < hr->nflows; i++) {
		const char *key;
		char msg[200];

		if (hr->flows[i] == NULL &&
		    flow_make(r, hr, i, err, errlen) != 0)
			return -1;
		if (host_stacks(r) && flow_stack_add(hr->flows[i], &key, msg,
		    sizeof(msg)) != 0)
			return conf_key_error(err, errlen, hr->fsec[i], key,
			    "%s", msg);
	}
	return 0;
}

static void
flow_start_all(struct run *r)
{
	struct host_run *hr = run_model_data(r, &host_model);
	struct conf_section *sim = conf_find(run_conf(r), "sim", NULL);
	int i;

	for (i = 0; hr && !host_stacks(r) && i < hr->nflows; i++) {
		if (hr->flows[i] == NULL)
			continue;
		if (sim)
			flow_set_horizon(hr->flows[i],
			    conf_int(sim, "duration"));
		flow_start(hr->flows[i]);
	}
}

static void
flow_stop_all(struct run *r)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	for (i = 0; hr && i < hr->nflows; i++)
		if (hr->flows[i] && host_stacks(r))
			flow_stack_finish(hr->flows[i]);
		else if (hr->flows[i])
			flow_finish(hr->flows[i]);
}

static void
flow_json(struct run *r, struct json *j)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	json_arr_begin(j, "flows");
	for (i = 0; hr && i < hr->nflows; i++)
		if (hr->flows[i])
			flow_report_json(hr->flows[i], j);
	json_arr_end(j);
}

static void
host_json(struct run *r, struct json *j)
{
	struct host_run *hr = run_model_data(r, &host_model);
	char buf[32];
	int i;

	if (hr == NULL || hr->nhosts == 0)
		return;
	json_arr_begin(j, "hosts");
	for (i = 0; i < hr->nhosts; i++) {
		const struct host *h = hr->hosts[i];
		const struct host_stats *st = host_stats(h);
		struct in_addr ia;

		ia.s_addr = htonl(host_iface(h)->addr);
		inet_ntop(AF_INET, &ia, buf, sizeof(buf));
		json_obj_begin(j, NULL);
		json_str(j, "name", host_name(h));
		json_str(j, "net", host_iface(h)->seg->name);
		json_str(j, "addr", buf);
		json_uint(j, "rx_frames", st->rx_frames);
		json_uint(j, "tx_frames", st->tx_frames);
		json_uint(j, "rx_interrupts", st->rx_intr);
		json_uint(j, "rx_ring_peak", st->rx_ring_peak);
		json_obj_begin(j, "drops");
		json_uint(j, "rx_bad", st->rx_bad);
		json_uint(j, "rx_badsum", st->rx_badsum);
		json_uint(j, "rx_notmine", st->rx_notmine);
		json_uint(j, "rx_noport", st->rx_noport);
		json_uint(j, "rx_other", st->rx_other);
		json_uint(j, "rx_ring", st->rx_ring);
		json_uint(j, "tx_refused", st->tx_drops);
		json_uint(j, "tx_nobuf", st->tx_nobuf);
		json_obj_end(j);
		if (hr->emu != NULL && hr->emu[i] != NULL)
			emu_host_json(hr->emu[i], j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static const char *const proto_name[] = { "tcp", "udp" };
static const char *const mode_name[] = { "stream", "rr", "mix" };

static int
flow_csv(struct run *r, const char *dir)
{
	struct host_run *hr = run_model_data(r, &host_model);
	char path[1600];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/flows.csv", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "name,proto,mode,from,to,route,offered_pps,delivered_pps,"
	    "goodput_bps,retransmits,timeouts,dupacks,fast_retransmits,"
	    "sack_recoveries,syn_retransmits,cwnd_bytes,srtt_ms,"
	    "offered_packets,packets_sent,bytes_sent,packets_delivered,"
	    "bytes_delivered,conns_opened,conns_completed,conns_failed,"
	    "local_drops\n");
	for (i = 0; hr && i < hr->nflows; i++) {
		const struct flow *fl = hr->flows[i];
		const struct flow_spec *sp;
		const struct flow_stats *st;
		char route[80], r1[JSON_REAL_LEN], r2[JSON_REAL_LEN];
		char r3[JSON_REAL_LEN], r4[JSON_REAL_LEN], r5[JSON_REAL_LEN];

		if (fl == NULL)
			continue;
		sp = flow_spec(fl);
		st = flow_stats(fl);
		flow_route_str(&sp->route, route, sizeof(route));
		/* Reals as in summary.json (json_fmt_real). */
		fprintf(f, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%" PRIu64 ",%"
		    PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		    ",%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		    "\n", flow_name(fl), proto_name[sp->proto],
		    mode_name[sp->mode], host_name(sp->from), host_name(sp->to),
		    route, json_fmt_real(r1, sizeof(r1), flow_offered_pps(fl)),
		    json_fmt_real(r2, sizeof(r2), flow_delivered_pps(fl)),
		    json_fmt_real(r3, sizeof(r3), flow_goodput_bps(fl)),
		    st->retransmits, st->timeouts,
		    st->dupacks, st->fast_retransmits, st->sack_recoveries,
		    st->syn_retransmits, json_fmt_real(r4, sizeof(r4),
		    st->cwnd_samples ? st->cwnd_sum / st->cwnd_samples : 0),
		    json_fmt_real(r5, sizeof(r5), st->rtt_samples ?
		    st->srtt_sum / st->rtt_samples / NS_PER_MS : 0),
		    st->offered_pkts, st->tx_pkts, st->tx_bytes,
		    st->delivered_pkts, st->delivered_bytes, st->conns_opened,
		    st->conns_completed, st->conns_failed, st->local_drops);
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* The flow part of the human summary. */
static void
flow_text(struct run *r, FILE *out)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	if (hr == NULL || hr->nflows == 0)
		return;
	fprintf(out, "%-12s %-5s %-15s %10s %10s %12s %8s %8s\n", "flow",
	    "proto", "from->to", "offer pps", "dlvr pps", "goodput",
	    "rexmit", "timeout");
	for (i = 0; i < hr->nflows; i++) {
		const struct flow *fl = hr->flows[i];
		const struct flow_spec *sp;
		const struct flow_stats *st;
		char ends[80];

		if (fl == NULL)
			continue;
		sp = flow_spec(fl);
		st = flow_stats(fl);
		snprintf(ends, sizeof(ends), "%s->%s", host_name(sp->from),
		    host_name(sp->to));
		fprintf(out, "%-12s %-5s %-15s %10.1f %10.1f %7.2f Mbit %8"
		    PRIu64 " %8" PRIu64 "\n", flow_name(fl),
		    proto_name[sp->proto], ends, flow_offered_pps(fl),
		    flow_delivered_pps(fl), flow_goodput_bps(fl) / 1e6,
		    st->retransmits, st->timeouts);
		if (sp->mode != FLOW_STREAM || st->conns_failed > 0)
			fprintf(out, "%-12s connections: %" PRIu64 " opened, %"
			    PRIu64 " completed, %" PRIu64 " failed, %" PRIu64
			    " SYN retransmits\n", "", st->conns_opened,
			    st->conns_completed, st->conns_failed,
			    st->syn_retransmits);
	}
}

static void
flow_ts_header(struct run *r, FILE *f)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	for (i = 0; hr && i < hr->nflows; i++)
		if (hr->flows[i])
			fprintf(f, ",flow_%s_goodput_bps",
			    flow_name(hr->flows[i]));
}

static void
flow_ts_row(struct run *r, FILE *f)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	for (i = 0; hr && i < hr->nflows; i++)
		if (hr->flows[i]) {
			fputc(',', f);
			csv_real(f, flow_ts_goodput(hr->flows[i]));
		}
}

/* Flows first: they point into the hosts' connections. */
static void
host_run_destroy(struct run *r)
{
	struct host_run *hr = run_model_data(r, &host_model);
	int i;

	if (hr == NULL)
		return;
	for (i = 0; i < hr->nflows; i++)
		flow_destroy(hr->flows[i]);
	for (i = 0; hr->emu != NULL && i < hr->nhosts; i++)
		emu_host_destroy(hr->emu[i]);
	free(hr->emu);
	for (i = 0; i < hr->nhosts; i++)
		host_destroy(hr->hosts[i]);
	free(hr->flows);
	free(hr->fsec);
	free(hr->hosts);
	free(hr->hsec);
	free(hr);
	run_set_model_data(r, &host_model, NULL);
}

const struct model_type host_model = {
	.st = &host_section,
	.more = { &emu_section },
	.build = host_build,
	.link = host_link,
	.start = host_start,
	.stop = host_stop,
	.report_json = host_json,
	.report_files = host_files,
	.report_text = host_text,
	.destroy = host_run_destroy,
};

const struct model_type flow_model = {
	.st = &flow_section,
	.build = flow_build,
	.link = flow_link_all,
	.start = flow_start_all,
	.stop = flow_stop_all,
	.report_json = flow_json,
	.report_files = flow_csv,
	.report_text = flow_text,
	.ts_header = flow_ts_header,
	.ts_row = flow_ts_row,
};
