// The ns-3 backend (see ns3.h): ns-3 3.37 as Debian ships it (libns3-dev).
//
// Each engine segment is a CsmaChannel at its rate and delay; each engine
// node is an ns-3 node with one CsmaNetDevice per interface, carrying the
// interface's MAC. A registered host gets ns-3's IPv4 and TCP on its
// device, permanent ARP entries for every addressed interface on its net
// and the host routes its flows need. Any other node keeps its pfsim
// model: what it outputs goes out of its device (SendFrom, the Ethernet
// header split off), and what its device receives (promiscuous callback,
// frames for its MAC or a group) is rebuilt into a struct pkt and handed
// to the engine interface (iface_input), which captures it and calls the
// model. pfsim's event queue runs as a sub-scheduler: one ns-3 event at
// ev_next(), moved after any pfsim code ran.
//
// Not modelled here (XXX): a segment's jitter, loss, faults and down
// windows (refused), the store-and-forward frame time of pfsim's switch
// (CSMA is one shared half-duplex medium), UDP and rr/mix flows (refused
// by the host model).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include <ns3/arp-cache.h>
#include <ns3/boolean.h>
#include <ns3/csma-channel.h>
#include <ns3/csma-net-device.h>
#include <ns3/data-rate.h>
#include <ns3/drop-tail-queue.h>
#include <ns3/global-value.h>
#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-interface.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/mac48-address.h>
#include <ns3/node.h>
#include <ns3/object-factory.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>
#include <ns3/packet-socket-factory.h>
#include <ns3/queue-size.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/rtt-estimator.h>
#include <ns3/simulator.h>
#include <ns3/socket.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-l4-protocol.h>
#include <ns3/tcp-linux-reno.h>
#include <ns3/tcp-recovery-ops.h>
#include <ns3/tcp-socket-base.h>
#include <ns3/tcp-tx-buffer.h>
#include <ns3/traffic-control-layer.h>
#include <ns3/uinteger.h>

extern "C" {
#include "engine/capture.h"
#include "engine/ev.h"
#include "engine/net.h"
#include "engine/pkt.h"
#include "engine/rng.h"
}
#include "ns3.h"

using namespace ns3;

namespace {

struct Host {
	struct iface	*ifp;
	ns3_tcp		 tcp;
	Ptr<Node>	 node;
	struct rng	 iss_rng;	// its sockets' initial sequence numbers
	// The stack latency (stack_attach): its draws, the last frame's
	// time each way (order kept), and where a frame goes after it.
	struct rng	 rx_rng, tx_rng;
	int64_t		 rx_last, tx_last;
	Ptr<TrafficControlLayer> tc;
	IpL4Protocol::DownTargetCallback down;
};

// ns-3 3.37's TcpSocketBase, with one guard. Its TcpTxBuffer::NextSeg
// (rule 2, new data) returns the range [HighData, HighData + min(SMSS,
// rWnd - sentSize)] whenever sentSize <= rWnd, so an empty range once the
// bytes sent since SND.UNA fill the peer's window exactly. SendPendingData
// still tries to send when min(cwnd, rWnd) minus the bytes in flight is
// above 0, and SACKed bytes (or, with SACK off, the duplicate ACKs it
// counts as SACKs) are not in flight: a duplicate ACK reaching a sender
// that is limited by the peer's window, right after a segment cut short
// to fill it, has it call SendDataPacket for 0 bytes, get no TcpTxItem
// and crash in TcpRateLinux::SkbSent. Split flows through pf (asym_tcp
// above 20000 pps) do that. Here the usable window is 0 when the next
// segment NextSeg offers is empty, which is what the window is: the
// loop stops, as it would once the peer opens its window or ACKs more.
// Retransmissions (rules 1 and 3) and the rest of its TCP are ns-3's.
class GuardedTcpSocket : public TcpSocketBase {
public:
	GuardedTcpSocket() = default;
	GuardedTcpSocket(const GuardedTcpSocket &s) : TcpSocketBase(s),
	    iss_rng(s.iss_rng) {}

	// ns-3 3.37 starts every connection at sequence number 0. pf takes
	// a peer whose seqlo is 0 for one it has not seen a packet of
	// (pf_tcp_track_full, "first packet from this end"): the client's
	// ACK of the SYN/ACK then moves seqlo from 0 to 1 on the firewall
	// that forwards it, and the peer's update, still at 0, is refused.
	// Real stacks (and pfsim's, RFC 6528) start anywhere: here at a
	// draw from the host's stream (NULL: ns-3's 0).
	struct rng	*iss_rng = nullptr;

	int
	Connect(const Address &a) override
	{
		SetIss();
		return TcpSocketBase::Connect(a);
	}

protected:
	void
	CompleteFork(Ptr<Packet> p, const TcpHeader &h, const Address &from,
	    const Address &to) override
	{
		SetIss();
		TcpSocketBase::CompleteFork(p, h, from, to);
	}

	void
	SetIss()
	{
		SequenceNumber32 s;

		if (iss_rng == nullptr)
			return;
		s = SequenceNumber32(rng_u32(iss_rng));
		m_tcb->m_nextTxSequence = s;
		m_tcb->m_highTxMark = s;
	}

	uint32_t
	AvailableWindow() const override
	{
		uint32_t w = TcpSocketBase::AvailableWindow();
		SequenceNumber32 next, high;
		bool rule3;

		if (w == 0)
			return 0;
		rule3 = m_sackEnabled &&
		    m_tcb->m_congState == TcpSocketState::CA_RECOVERY;
		if (m_txBuffer->NextSeg(&next, &high, rule3) && next == high)
			return 0;
		return w;
	}

	Ptr<TcpSocketBase>
	Fork() override
	{
		return CopyObject<GuardedTcpSocket>(this);
	}
};

struct Route {
	struct iface	*ifp;
	uint32_t	 dst, gw;
};

struct Flow {
	struct ns3_backend	*x;
	ns3_flow	 sp;
	struct ns3_flow_stats st;
	Host		*from, *to;
	Ptr<Socket>	 tx, listen;
	bool		 connected;
	uint64_t	 backlog, remain, ticks;
	int64_t		 t_open, t0;
	uint32_t	 mss;
	SequenceNumber32 highest;
	bool		 any_sent;
};

const uint64_t UNLIMITED = UINT64_MAX;

} // namespace

struct ns3_backend {
	struct world	*w;
	std::vector<std::unique_ptr<Host>> hosts;
	std::vector<Route> routes;
	std::vector<std::unique_ptr<Flow>> flows;
	std::map<struct iface *, Ptr<CsmaNetDevice>> devs;
	std::map<struct iface *, Host *> hostof;
	EventId		 pump;
	int64_t		 pump_at;
	int64_t		 horizon;
	int		 (*stop)(void);
	uint64_t	 drops;		// frames lost between the two
};

// --- the sub-scheduler -----------------------------------------------------

static int64_t
now_ns()
{
	return Simulator::Now().GetNanoSeconds();
}

static void pump(struct ns3_backend *x);

// pfsim code ran: run what it made due now, then wait for its next event.
static void
settle(struct ns3_backend *x)
{
	struct ev_queue *q = x->w->q;
	int64_t now = now_ns(), next;

	ev_run(q, now);
	next = ev_next(q);
	if (x->pump.IsRunning() && x->pump_at == next)
		return;
	Simulator::Cancel(x->pump);
	if (next == SIMTIME_MAX || next > x->horizon)
		return;
	x->pump_at = next;
	x->pump = Simulator::Schedule(NanoSeconds(next - now), &pump, x);
}

static void
pump(struct ns3_backend *x)
{
	settle(x);
}

static void
watch(struct ns3_backend *x)
{
	if (x->stop != NULL && x->stop()) {
		Simulator::Stop();
		return;
	}
	Simulator::Schedule(MilliSeconds(10), &watch, x);
}

// --- frames between the engine's interfaces and ns-3 devices ---------------

// An engine interface outputs a frame (segment_set_output).
static int
seg_out(struct iface *ifp, struct pkt *p, void *arg)
{
	struct ns3_backend *x = static_cast<struct ns3_backend *>(arg);
	auto it = x->devs.find(ifp);
	Mac48Address src, dst;
	uint16_t type;

	if (it == x->devs.end() || x->hostof.count(ifp) || p->len < 14) {
		pkt_free(p);
		x->drops++;
		return ENETUNREACH;
	}
	dst.CopyFrom(p->data);
	src.CopyFrom(p->data + 6);
	type = (uint16_t)(p->data[12] << 8 | p->data[13]);
	Ptr<Packet> q = Create<Packet>(p->data + 14, p->len - 14);
	pkt_free(p);
	if (!it->second->SendFrom(q, src, dst, type)) {
		x->drops++;
		return ENOBUFS;
	}
	return 0;
}

// A frame reaches a pfsim node's device.
static bool
dev_rx(struct ns3_backend *x, struct iface *ifp, Ptr<NetDevice>,
    Ptr<const Packet> q, uint16_t type, const Address &from, const Address &to,
    NetDevice::PacketType pt)
{
	struct pkt *p;
	uint32_t len = q->GetSize();

	if (pt == NetDevice::PACKET_OTHERHOST)
		return true;
	ev_run(x->w->q, now_ns());
	if (len + 14 > PKT_MAXFRAME || (p = pkt_alloc(x->w->pool)) == NULL) {
		x->drops++;
		return true;
	}
	Mac48Address::ConvertFrom(to).CopyTo(p->data);
	Mac48Address::ConvertFrom(from).CopyTo(p->data + 6);
	p->data[12] = (uint8_t)(type >> 8);
	p->data[13] = (uint8_t)type;
	q->CopyData(p->data + 14, len);
	p->len = len + 14;
	p->t_arrive = now_ns();
	iface_input(ifp, p);
	settle(x);
	return true;
}

// A host's frames into its engine interface's pcap (pfsim's writer, as the
// builtin backend's): what its device starts to send, and what reaches it
// for its MAC or a group. The device's frames carry a 4-byte trailer.
static void
host_cap(struct iface *ifp, bool rx, Ptr<const Packet> q)
{
	uint8_t buf[PKT_MAXFRAME + 4];
	uint32_t len = q->GetSize();

	if (ifp->cap == NULL || len < 18 || len > sizeof(buf) ||
	    (rx && capture_tx_only(ifp->cap)))
		return;
	q->CopyData(buf, len);
	if (rx && !(buf[0] & 1) && memcmp(buf, ifp->mac, 6) != 0)
		return;
	capture_write(ifp->cap, ifp->cap_if, now_ns(), buf, len - 4);
}

static void
host_cap_tx(struct iface *ifp, Ptr<const Packet> q)
{
	host_cap(ifp, false, q);
}

static void
host_cap_rx(struct iface *ifp, Ptr<const Packet> q)
{
	host_cap(ifp, true, q);
}

// --- the hosts' stack latency ----------------------------------------------

// pfsim's hosts take stack.rx from the interrupt to TCP input and stack.tx
// from TCP output to the interface (models/host/host.c, host_latency);
// ns-3's take none. The same wait here, per frame, order kept: between the
// device and IP (the node's protocol handler) and between TCP and IP (its
// down target). The draws come from streams of their own per host, seeded
// with the run's seed. The NIC's interrupt throttling (nic.int_rate) is
// not modelled.
static int64_t
stack_at(Host *h, struct rng *r, int64_t mean, int64_t *last)
{
	double s = h->tcp.stack_spread;
	int64_t t = now_ns() + mean;

	if (s > 0)
		t = now_ns() + std::llround((1 - s) * (double)mean +
		    rng_exp(r, s * (double)mean));
	if (t < *last)
		t = *last;
	*last = t;
	return t;
}

static void
stack_rx(Host *h, Ptr<NetDevice> d, Ptr<const Packet> p, uint16_t proto,
    const Address &from, const Address &to, NetDevice::PacketType pt)
{
	int64_t t = stack_at(h, &h->rx_rng, h->tcp.stack_rx_ns, &h->rx_last);

	Simulator::Schedule(NanoSeconds(t - now_ns()),
	    &TrafficControlLayer::Receive, h->tc, d, p, proto, from, to, pt);
}

static void
stack_down(Host *h, Ptr<Packet> p, Ipv4Address src, Ipv4Address dst,
    uint8_t proto, Ptr<Ipv4Route> rt)
{
	h->down(p, src, dst, proto, rt);
}

static void
stack_tx(Host *h, Ptr<Packet> p, Ipv4Address src, Ipv4Address dst,
    uint8_t proto, Ptr<Ipv4Route> rt)
{
	int64_t t = stack_at(h, &h->tx_rng, h->tcp.stack_tx_ns, &h->tx_last);

	Simulator::Schedule(NanoSeconds(t - now_ns()), &stack_down, h, p, src,
	    dst, proto, rt);
}

// Once the host's IPv4 has its interface on device d: the node's two
// handlers for d (IPv4 and ARP, both the traffic control layer's) give
// way to stack_rx, and TCP's down target to stack_tx.
static void
stack_attach(Host *h, Ptr<NetDevice> d)
{
	char stream[64];
	Ptr<TcpL4Protocol> tcp = h->node->GetObject<TcpL4Protocol>();

	if (h->tcp.stack_rx_ns <= 0 && h->tcp.stack_tx_ns <= 0)
		return;
	snprintf(stream, sizeof(stream), "ns3.host.%s.rx", h->ifp->node->name);
	rng_init(&h->rx_rng, h->ifp->node->world->seed, stream);
	snprintf(stream, sizeof(stream), "ns3.host.%s.tx", h->ifp->node->name);
	rng_init(&h->tx_rng, h->ifp->node->world->seed, stream);
	h->tc = h->node->GetObject<TrafficControlLayer>();
	for (int i = 0; i < 2; i++)
		h->node->UnregisterProtocolHandler(MakeCallback(
		    &TrafficControlLayer::Receive, h->tc));
	h->node->RegisterProtocolHandler(MakeBoundCallback(&stack_rx, h), 0,
	    d);
	h->down = tcp->GetDownTarget();
	tcp->SetDownTarget(MakeBoundCallback(&stack_tx, h));
}

// --- TCP flows ------------------------------------------------------------

static void flow_write(Flow *f);

static void
flow_tx(Flow *f, Ptr<const Packet> p, const TcpHeader &h,
    Ptr<const TcpSocketBase>)
{
	SequenceNumber32 end;

	if (p->GetSize() == 0)
		return;
	f->st.tx_pkts++;
	f->st.tx_bytes += p->GetSize();
	end = h.GetSequenceNumber() + p->GetSize();
	if (f->any_sent && h.GetSequenceNumber() < f->highest)
		f->st.retransmits++;
	if (!f->any_sent || end > f->highest)
		f->highest = end;
	f->any_sent = true;
}

// A TCP socket on host h's node as TcpL4Protocol::CreateSocket makes one
// (its SocketType, RecoveryType and RttEstimatorType), but a
// GuardedTcpSocket, with the host's initial sequence numbers.
static Ptr<Socket>
tcp_socket(Host *h)
{
	Ptr<Node> n = h->node;
	Ptr<TcpL4Protocol> tcp = n->GetObject<TcpL4Protocol>();
	Ptr<GuardedTcpSocket> s = CreateObject<GuardedTcpSocket>();
	TypeIdValue cc, rec, rtt;
	ObjectFactory f;

	tcp->GetAttribute("SocketType", cc);
	tcp->GetAttribute("RecoveryType", rec);
	tcp->GetAttribute("RttEstimatorType", rtt);
	s->SetNode(n);
	s->SetTcp(tcp);
	f.SetTypeId(rtt.Get());
	s->SetRtt(f.Create<RttEstimator>());
	f.SetTypeId(cc.Get());
	s->SetCongestionControlAlgorithm(f.Create<TcpCongestionOps>());
	f.SetTypeId(rec.Get());
	s->SetRecoveryAlgorithm(f.Create<TcpRecoveryOps>());
	s->iss_rng = &h->iss_rng;
	tcp->AddSocket(s);
	return s;
}

// One MSS-sized write at exact intervals, as pfsim's conn_pace.
static void
flow_pace(Flow *f)
{
	uint64_t b = f->mss;
	int64_t next;

	if (f->remain == 0)
		return;
	if (f->remain != UNLIMITED) {
		if (b > f->remain)
			b = f->remain;
		f->remain -= b;
	}
	f->backlog += b;
	f->st.offered_pkts++;
	f->st.offered_bytes += b;
	f->ticks++;
	next = f->t0 + std::llround((double)f->ticks * 1e9 / f->sp.rate_pps);
	if (f->remain > 0 && next < f->x->horizon &&
	    (f->sp.stop_ns == 0 || next < f->sp.stop_ns))
		Simulator::Schedule(NanoSeconds(next - now_ns()), &flow_pace,
		    f);
	flow_write(f);
}

// Write what the source made, as far as the send buffer allows.
static void
flow_write(Flow *f)
{
	uint64_t space, n;
	int sent;

	if (!f->connected)
		return;
	space = f->tx->GetTxAvailable();
	if (f->sp.rate_pps > 0) {
		n = f->backlog < space ? f->backlog : space;
	} else {
		if (f->sp.stop_ns != 0 && now_ns() >= f->sp.stop_ns)
			return;
		n = f->remain < space ? f->remain : space;
	}
	if (n == 0)
		return;
	sent = f->tx->Send(Create<Packet>((uint32_t)n));
	if (sent <= 0)
		return;
	if (f->sp.rate_pps > 0)
		f->backlog -= (uint64_t)sent;
	else if (f->remain != UNLIMITED)
		f->remain -= (uint64_t)sent;
}

static void
flow_connected(Flow *f, Ptr<Socket>)
{
	f->connected = true;
	f->st.conns_established++;
	f->st.connect_ns = now_ns() - f->t_open;
	f->t0 = now_ns();
	if (f->sp.rate_pps > 0)
		flow_pace(f);
	else
		flow_write(f);
}

static void
flow_failed(Flow *, Ptr<Socket>)
{
}

static void
flow_space(Flow *f, Ptr<Socket>, uint32_t)
{
	flow_write(f);
}

static void
sink_recv(Flow *f, Ptr<Socket> s)
{
	Ptr<Packet> p;

	while ((p = s->Recv()) != nullptr && p->GetSize() > 0)
		f->st.delivered_bytes += p->GetSize();
}

static void
sink_accept(Flow *f, Ptr<Socket> s, const Address &)
{
	s->SetRecvCallback(MakeBoundCallback(&sink_recv, f));
}

// The scenario's host tcp.* keys on a socket (before it connects or
// listens; accepted sockets are forks of the listener and inherit them).
static void
tcp_configure(Ptr<Socket> s, const ns3_tcp &t)
{
	s->SetAttribute("SegmentSize", UintegerValue(t.mss));
	s->SetAttribute("SndBufSize", UintegerValue(t.sndbuf));
	s->SetAttribute("RcvBufSize", UintegerValue(t.rcvbuf));
	s->SetAttribute("InitialCwnd", UintegerValue(t.initcwnd));
	s->SetAttribute("DelAckCount", UintegerValue(t.delack_segs));
	s->SetAttribute("DelAckTimeout", TimeValue(NanoSeconds(t.delack_ns)));
	s->SetAttribute("ConnTimeout", TimeValue(NanoSeconds(t.rto_init_ns)));
	s->SetAttribute("ConnCount", UintegerValue(t.syn_retries + 1));
	s->SetAttribute("DataRetries", UintegerValue(t.retries));
	s->SetAttribute("TcpNoDelay", BooleanValue(true));
	s->SetAttribute("MinRto", TimeValue(NanoSeconds(t.rto_min_ns)));
	s->SetAttribute("Sack", BooleanValue(t.sack != 0));
	s->SetAttribute("WindowScaling", BooleanValue(t.wscale != 0));
	s->SetAttribute("LimitedTransmit", BooleanValue(t.limited_transmit));
	// pfsim's TCP sends no timestamps option (host/README.md).
	s->SetAttribute("Timestamp", BooleanValue(false));
}

static void
flow_open(Flow *f)
{
	f->st.conns_opened++;
	f->t_open = now_ns();
	f->tx = tcp_socket(f->from);
	tcp_configure(f->tx, f->from->tcp);
	f->tx->TraceConnectWithoutContext("Tx", MakeBoundCallback(&flow_tx,
	    f));
	f->tx->SetConnectCallback(MakeBoundCallback(&flow_connected, f),
	    MakeBoundCallback(&flow_failed, f));
	f->tx->SetSendCallback(MakeBoundCallback(&flow_space, f));
	f->tx->Bind();
	f->tx->Connect(InetSocketAddress(Ipv4Address(f->sp.to->addr),
	    f->sp.port));
}

// --- building ---------------------------------------------------------------

static Mac48Address
mac_of(const struct iface *ifp)
{
	Mac48Address m;

	m.CopyFrom(ifp->mac);
	return m;
}

// ns-3's IPv4, ICMP, UDP and TCP on node n, in the order its
// InternetStack installer uses, with static routing only.
static void
stack_install(Ptr<Node> n)
{
	static const char *const l3[] = { "ns3::ArpL3Protocol",
	    "ns3::Ipv4L3Protocol", "ns3::Icmpv4L4Protocol" };
	static const char *const l4[] = { "ns3::TrafficControlLayer",
	    "ns3::UdpL4Protocol", "ns3::TcpL4Protocol" };
	ObjectFactory f;

	for (const char *t : l3) {
		f.SetTypeId(t);
		n->AggregateObject(f.Create<Object>());
	}
	n->GetObject<Ipv4>()->SetRoutingProtocol(
	    CreateObject<Ipv4StaticRouting>());
	for (const char *t : l4) {
		f.SetTypeId(t);
		n->AggregateObject(f.Create<Object>());
	}
	n->AggregateObject(CreateObject<PacketSocketFactory>());
}

static int
build_host(struct ns3_backend *x, Host *h, char *err, size_t errlen)
{
	struct iface *ifp = h->ifp;
	Ptr<Ipv4L3Protocol> l3;
	Ptr<ArpCache> arp;
	int32_t i;
	uint32_t mask = ifp->plen ? 0xffffffffU << (32 - ifp->plen) : 0;
	char stream[64];

	if (ifp->addr == 0) {
		snprintf(err, errlen, "ns-3 backend: host %s has no address",
		    ifp->node->name);
		return EINVAL;
	}
	snprintf(stream, sizeof(stream), "ns3.host.%s.iss", ifp->node->name);
	rng_init(&h->iss_rng, x->w->seed, stream);
	stack_install(h->node);
	h->node->GetObject<TcpL4Protocol>()->SetAttribute("SocketType",
	    TypeIdValue(TcpLinuxReno::GetTypeId()));
	l3 = h->node->GetObject<Ipv4L3Protocol>();
	i = l3->AddInterface(x->devs[ifp]);
	l3->AddAddress(i, Ipv4InterfaceAddress(Ipv4Address(ifp->addr),
	    Ipv4Mask(mask)));
	l3->SetUp(i);
	// Static ARP, as pfsim's nets have: every addressed interface.
	arp = l3->GetInterface(i)->GetArpCache();
	for (int k = 0; k < ifp->seg->nports; k++) {
		struct iface *o = ifp->seg->ports[k]->ifp;
		ArpCache::Entry *e;

		if (o == ifp || o->addr == 0)
			continue;
		e = arp->Add(Ipv4Address(o->addr));
		e->SetMacAddress(mac_of(o));
		e->MarkPermanent();
	}
	stack_attach(h, x->devs[ifp]);
	return 0;
}

static int
build(struct ns3_backend *x, char *err, size_t errlen)
{
	struct world *w = x->w;
	std::map<struct segment *, Ptr<CsmaChannel>> chans;
	std::map<struct node *, Ptr<Node>> nodes;

	for (int i = 0; i < w->nsegs; i++) {
		struct segment *s = w->segs[i];
		const struct seg_params *p = &s->p;
		Ptr<CsmaChannel> c = CreateObject<CsmaChannel>();

		if (p->jitter_ns || p->loss > 0 || p->dup > 0 ||
		    p->reorder > 0 || p->corrupt > 0 || s->ndown > 0) {
			snprintf(err, errlen, "ns-3 backend: net %s: jitter, "
			    "loss, dup, reorder, corrupt and down are not "
			    "modelled on ns-3 channels yet", s->name);
			return EINVAL;
		}
		c->SetAttribute("DataRate", DataRateValue(DataRate(
		    p->rate_bps ? p->rate_bps : 100000000000ULL)));
		c->SetAttribute("Delay", TimeValue(NanoSeconds(p->delay_ns)));
		chans[s] = c;
		segment_set_output(s, seg_out, x);
	}
	for (int i = 0; i < w->nnodes; i++) {
		struct node *n = w->nodes[i];
		Ptr<Node> nn = CreateObject<Node>();

		nodes[n] = nn;
		for (int k = 0; k < n->nifs; k++) {
			struct iface *ifp = n->ifs[k];
			Ptr<CsmaNetDevice> d = CreateObject<CsmaNetDevice>();
			Ptr<DropTailQueue<Packet>> q =
			    CreateObject<DropTailQueue<Packet>>();
			uint32_t lim = ifp->seg->p.qlimit;

			q->SetAttribute("MaxSize", QueueSizeValue(QueueSize(
			    QueueSizeUnit::PACKETS, lim ? lim : 1000000)));
			d->SetQueue(q);
			d->SetAddress(mac_of(ifp));
			d->SetMtu((uint16_t)ifp->mtu);
			d->Attach(chans[ifp->seg]);
			nn->AddDevice(d);
			x->devs[ifp] = d;
			if (x->hostof.count(ifp) == 0) {
				d->SetPromiscReceiveCallback(MakeBoundCallback(
				    &dev_rx, x, ifp));
			} else if (ifp->cap != NULL) {
				d->TraceConnectWithoutContext("PhyTxBegin",
				    MakeBoundCallback(&host_cap_tx, ifp));
				d->TraceConnectWithoutContext("PhyRxEnd",
				    MakeBoundCallback(&host_cap_rx, ifp));
			}
		}
	}
	for (auto &h : x->hosts) {
		int rv;

		h->node = nodes[h->ifp->node];
		if (h->ifp->node->nifs != 1) {
			snprintf(err, errlen, "ns-3 backend: host %s: one "
			    "interface only", h->ifp->node->name);
			return EINVAL;
		}
		if ((rv = build_host(x, h.get(), err, errlen)) != 0)
			return rv;
	}
	for (const Route &r : x->routes) {
		Host *h = x->hostof[r.ifp];
		Ptr<Ipv4StaticRouting> sr = DynamicCast<Ipv4StaticRouting>(
		    h->node->GetObject<Ipv4>()->GetRoutingProtocol());

		sr->AddHostRouteTo(Ipv4Address(r.dst), Ipv4Address(r.gw), 1);
	}
	for (auto &fp : x->flows) {
		Flow *f = fp.get();

		f->from = x->hostof[f->sp.from];
		f->to = x->hostof[f->sp.to];
		if (f->from == NULL || f->to == NULL) {
			snprintf(err, errlen, "ns-3 backend: a flow between "
			    "nodes that are not ns-3 hosts");
			return EINVAL;
		}
		f->mss = f->from->tcp.mss;
		f->remain = f->sp.size ? f->sp.size : UNLIMITED;
		f->listen = tcp_socket(f->to);
		tcp_configure(f->listen, f->to->tcp);
		f->listen->Bind(InetSocketAddress(Ipv4Address::GetAny(),
		    f->sp.port));
		f->listen->Listen();
		f->listen->SetAcceptCallback(MakeNullCallback<bool,
		    Ptr<Socket>, const Address &>(),
		    MakeBoundCallback(&sink_accept, f));
		if (f->sp.start_ns < x->horizon)
			Simulator::Schedule(NanoSeconds(f->sp.start_ns),
			    &flow_open, f);
	}
	return 0;
}

// --- the C interface --------------------------------------------------------

extern "C" int
ns3_available(void)
{
	return 1;
}

extern "C" struct ns3_backend *
ns3_create(struct world *w)
{
	struct ns3_backend *x = new (std::nothrow) struct ns3_backend();

	if (x == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	x->w = w;
	return x;
}

extern "C" void
ns3_destroy(struct ns3_backend *x)
{
	if (x == NULL)
		return;
	for (int i = 0; i < x->w->nsegs; i++)
		segment_set_output(x->w->segs[i], NULL, NULL);
	x->flows.clear();
	x->hosts.clear();
	x->devs.clear();
	x->hostof.clear();
	Simulator::Destroy();
	delete x;
}

extern "C" int
ns3_host_add(struct ns3_backend *x, struct iface *ifp,
    const struct ns3_tcp *tcp)
{
	std::unique_ptr<Host> h(new (std::nothrow) Host());

	if (!h)
		return ENOMEM;
	if (x->hostof.count(ifp))
		return EEXIST;
	h->ifp = ifp;
	h->tcp = *tcp;
	x->hostof[ifp] = h.get();
	x->hosts.push_back(std::move(h));
	return 0;
}

extern "C" int
ns3_route_add(struct ns3_backend *x, struct iface *ifp, uint32_t dst,
    uint32_t gw)
{
	for (const Route &r : x->routes)
		if (r.ifp == ifp && r.dst == dst)
			return r.gw == gw ? 0 : EEXIST;
	x->routes.push_back(Route{ifp, dst, gw});
	return 0;
}

extern "C" int
ns3_flow_add(struct ns3_backend *x, const struct ns3_flow *sp)
{
	std::unique_ptr<Flow> f(new (std::nothrow) Flow());

	if (!f) {
		errno = ENOMEM;
		return -1;
	}
	f->x = x;
	f->sp = *sp;
	x->flows.push_back(std::move(f));
	return (int)x->flows.size() - 1;
}

extern "C" int
ns3_flow_stats(const struct ns3_backend *x, int id, struct ns3_flow_stats *st)
{
	if (id < 0 || (size_t)id >= x->flows.size())
		return ENOENT;
	*st = x->flows[id]->st;
	return 0;
}

extern "C" int
ns3_run(struct ns3_backend *x, int64_t duration_ns, int (*stop)(void),
    char *err, size_t errlen)
{
	int rv;

	// pfsim's firewalls check IP checksums: ns-3 computes none unless
	// asked. Once, before any packet exists.
	GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
	RngSeedManager::SetSeed((uint32_t)(x->w->seed % 0xfffffffeU) + 1);
	RngSeedManager::SetRun(1);
	x->horizon = duration_ns;
	x->stop = stop;
	if ((rv = build(x, err, errlen)) != 0)
		return rv;
	Simulator::ScheduleNow(&settle, x);
	Simulator::Schedule(MilliSeconds(10), &watch, x);
	Simulator::Stop(NanoSeconds(duration_ns));
	Simulator::Run();
	// What pfsim has due at the end, as the builtin loop runs it.
	ev_run(x->w->q, duration_ns);
	for (auto &fp : x->flows) {
		Flow *f = fp.get();

		f->st.t_first = f->sp.start_ns;
		f->st.t_last = duration_ns;
	}
	return 0;
}
