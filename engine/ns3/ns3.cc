// The ns-3 backend (see ns3.h): ns-3 3.37 as Debian ships it (libns3-dev).
//
// An engine segment of two interfaces is full duplex, as pfsim's switch
// port is: ns-3 point-to-point links at its rate, delay and queue limit
// (build_p2p: one link, or two through a switch node when the net is
// store-and-forward), whose PPP framing carries a pfsim node's Ethernet
// header in a packet tag (EtherTag). A store-and-forward segment of three
// or more is a switch node, a link from each interface to its own port,
// forwarding by the tag's destination MAC (build_switch); any other is a
// CsmaChannel at its rate and delay. Each engine node is an ns-3 node with one device
// per interface, carrying the interface's MAC. A registered host gets
// ns-3's IPv4, UDP and TCP (TcpLinuxReno, TcpNewReno or TcpCubic) on its
// device, permanent ARP entries for every addressed interface on its net
// (but a net of two) and the host routes its flows need. Any other node keeps its pfsim
// model: what it outputs goes out of its device (SendFrom on CSMA, Send
// and the tag on PPP), and what its device receives (promiscuous
// callback, frames for its MAC or a group) is rebuilt into a struct pkt
// and handed to the engine interface (iface_input), which captures it and
// calls the model. pfsim's event queue runs as a sub-scheduler: one ns-3
// event at ev_next(), moved after any pfsim code ran.
//
// Not modelled here (XXX): a segment's jitter, loss, faults and down
// windows (refused), a net of three or more interfaces with switch = none
// (CSMA, one shared half-duplex medium, not the builtin's full-duplex
// ports without the switch's frame time), rr and mix flows (refused by
// the host model).
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
#include <ns3/point-to-point-channel.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/queue-size.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/rtt-estimator.h>
#include <ns3/simulator.h>
#include <ns3/socket.h>
#include <ns3/tag.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-l4-protocol.h>
#include <ns3/tcp-congestion-ops.h>
#include <ns3/tcp-cubic.h>
#include <ns3/tcp-linux-reno.h>
#include <ns3/tcp-recovery-ops.h>
#include <ns3/tcp-socket-base.h>
#include <ns3/tcp-tx-buffer.h>
#include <ns3/traffic-control-layer.h>
#include <ns3/udp-l4-protocol.h>
#include <ns3/udp-socket-factory.h>
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
	backend_tcp	 tcp;
	Ptr<Node>	 node;
	struct rng	 iss_rng;	// its sockets' initial sequence numbers
	// The stack latency (stack_attach): its draws, the last frame's
	// time each way (order kept), and where a frame goes after it.
	struct rng	 rx_rng, tx_rng;
	int64_t		 rx_last, tx_last;
	Ptr<TrafficControlLayer> tc;
	IpL4Protocol::DownTargetCallback tcp_down, udp_down;
	struct backend_host_stats st;	// its device's counts
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
// and crash in TcpRateLinux::SkbSent. Split flows through pf do that
// (asym_tcp at 60000 pps and 4000 interrupts/s, tests/ns3). Here the
// usable window is 0 when the next segment NextSeg offers is empty,
// which is what the window is: the loop stops, as it would once the peer
// opens its window or ACKs more.
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

// The Ethernet header (14 bytes) of a frame a pfsim node sends over a
// point-to-point link, whose PPP framing has no MACs: a packet tag, so
// it takes no time on the wire. Frames from ns-3 hosts carry none.
class EtherTag : public Tag {
public:
	uint8_t h[14];

	EtherTag() { memset(h, 0, sizeof(h)); }

	static TypeId
	GetTypeId()
	{
		static TypeId tid = TypeId("pfsim::EtherTag")
		    .SetParent<Tag>()
		    .AddConstructor<EtherTag>();
		return tid;
	}

	TypeId
	GetInstanceTypeId() const override
	{
		return GetTypeId();
	}

	uint32_t
	GetSerializedSize() const override
	{
		return sizeof(h);
	}

	void
	Serialize(TagBuffer b) const override
	{
		b.Write(h, sizeof(h));
	}

	void
	Deserialize(TagBuffer b) override
	{
		b.Read(h, sizeof(h));
	}

	void
	Print(std::ostream &os) const override
	{
		os << "ether";
	}
};

// A port of a switched net (build_switch): a point-to-point device that
// an ns-3 host's IPv4 asks for ARP (the static entries every host has),
// so that it is told the next hop's MAC, and that sends it in an
// EtherTag for the switch to forward by. A pfsim node's frames come
// tagged already (ns3_output).
class SwitchPortDevice : public PointToPointNetDevice {
public:
	bool
	NeedsArp() const override
	{
		return true;
	}

	bool
	Send(Ptr<Packet> p, const Address &dst, uint16_t type) override
	{
		EtherTag t;

		if (!p->PeekPacketTag(t)) {
			Mac48Address::ConvertFrom(dst).CopyTo(t.h);
			Mac48Address::ConvertFrom(GetAddress()).CopyTo(t.h + 6);
			t.h[12] = (uint8_t)(type >> 8);
			t.h[13] = (uint8_t)type;
			p->AddPacketTag(t);
		}
		return PointToPointNetDevice::Send(p, dst, 0x0800);
	}
};

// The switch of a net of three or more ports: its node's devices, one
// per port, and the interface on the other end of each.
struct Switch {
	struct ns3_backend	*x;
	std::vector<struct iface *> ifs;
	std::vector<Ptr<NetDevice>> out;
};

struct Route {
	struct iface	*ifp;
	uint32_t	 dst, gw;
};

struct Flow {
	struct ns3_backend	*x;
	backend_flow	 sp;
	struct backend_flow_stats st;
	Host		*from, *to;
	Ptr<Socket>	 tx, listen;
	bool		 connected;
	uint64_t	 backlog, remain, ticks;
	int64_t		 t_open, t0;
	uint32_t	 mss;
	SequenceNumber32 highest;
	bool		 any_sent;
	int64_t		 t_done;	// UDP: the last byte of size sent
};

const uint64_t UNLIMITED = UINT64_MAX;

} // namespace

struct ns3_backend {
	struct world	*w;
	std::vector<std::unique_ptr<Host>> hosts;
	std::vector<Route> routes;
	std::vector<std::unique_ptr<Flow>> flows;
	std::map<struct iface *, Ptr<NetDevice>> devs;
	// Interfaces whose device is point-to-point (PPP): to the other
	// one on a net of two, NULL on a switched net.
	std::map<struct iface *, struct iface *> peer;
	std::vector<std::unique_ptr<Switch>> switches;
	std::map<struct iface *, Host *> hostof;
	EventId		 pump;
	int64_t		 pump_at;
	int64_t		 horizon;
	int		 (*stop)(void *);
	void		*stop_arg;
	uint64_t	 drops;		// frames lost between the two
	uint64_t	 events;	// ns-3's, counted at the end of the run
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
	if (x->stop != NULL && x->stop(x->stop_arg)) {
		Simulator::Stop();
		return;
	}
	Simulator::Schedule(MilliSeconds(10), &watch, x);
}

// --- frames between the engine's interfaces and ns-3 devices ---------------

// An engine interface outputs a frame (the backend's output: counted and
// captured as the segment model does when a frame starts on the wire).
extern "C" int
ns3_output(struct ns3_backend *x, struct iface *ifp, struct pkt *p)
{
	auto it = x->devs.find(ifp);
	Mac48Address src, dst;
	uint16_t type;

	iface_wire(ifp, p);
	if (it == x->devs.end() || x->hostof.count(ifp) || p->len < 14) {
		pkt_free(p);
		x->drops++;
		return ENETUNREACH;
	}
	dst.CopyFrom(p->data);
	src.CopyFrom(p->data + 6);
	type = (uint16_t)(p->data[12] << 8 | p->data[13]);
	Ptr<Packet> q = Create<Packet>(p->data + 14, p->len - 14);
	bool sent;

	if (x->peer.count(ifp)) {
		// PPP carries IPv4 and IPv6 only: the header rides in the
		// tag and PPP's protocol says IPv4, whatever the frame's.
		EtherTag t;

		memcpy(t.h, p->data, sizeof(t.h));
		q->AddPacketTag(t);
		sent = it->second->Send(q, it->second->GetBroadcast(), 0x0800);
	} else
		sent = it->second->SendFrom(q, src, dst, type);
	pkt_free(p);
	if (!sent) {
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
	auto pe = x->peer.find(ifp);
	EtherTag t;
	if (q->PeekPacketTag(t)) {
		memcpy(p->data, t.h, sizeof(t.h));
	} else {
		if (pe != x->peer.end() && pe->second != NULL) {
			// An ns-3 host's frame over PPP: from the only other
			// port on the net, to this one.
			memcpy(p->data, ifp->mac, 6);
			memcpy(p->data + 6, pe->second->mac, 6);
		} else {
			Mac48Address::ConvertFrom(to).CopyTo(p->data);
			Mac48Address::ConvertFrom(from).CopyTo(p->data + 6);
		}
		p->data[12] = (uint8_t)(type >> 8);
		p->data[13] = (uint8_t)type;
	}
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

// The same on a point-to-point device, whose frames are PPP (a 2-byte
// protocol, then the datagram): the Ethernet header is the tag's (a
// pfsim node's frame), else the one the builtin's host would have put
// there (from the host to the other port, or back).
static void
host_cap_ppp(struct iface *ifp, struct iface *peer, bool rx,
    Ptr<const Packet> q)
{
	uint8_t buf[PKT_MAXFRAME + 2];
	uint32_t len = q->GetSize();
	EtherTag t;

	if (ifp->cap == NULL || len < 2 || len - 2 + 14 > PKT_MAXFRAME ||
	    (rx && capture_tx_only(ifp->cap)))
		return;
	q->CopyData(buf + 12, len);
	if (q->PeekPacketTag(t)) {
		memcpy(buf, t.h, sizeof(t.h));
	} else if (peer == NULL) {
		return;		// not on a switched net: every frame is tagged
	} else {
		memcpy(buf, rx ? ifp->mac : peer->mac, 6);
		memcpy(buf + 6, rx ? peer->mac : ifp->mac, 6);
		buf[12] = 0x08;
		buf[13] = 0x00;
	}
	capture_write(ifp->cap, ifp->cap_if, now_ns(), buf, len - 2 + 14);
}

static void
host_cap_ppp_tx(struct iface *ifp, struct iface *peer, Ptr<const Packet> q)
{
	host_cap_ppp(ifp, peer, false, q);
}

static void
host_cap_ppp_rx(struct iface *ifp, struct iface *peer, Ptr<const Packet> q)
{
	host_cap_ppp(ifp, peer, true, q);
}

// A host's frames as hosts[] of summary.json counts them: handed to the
// device, refused by its queue, passed up to IPv4.
static void
host_tx(Host *h, Ptr<const Packet>)
{
	h->st.tx_frames++;
}

static void
host_txdrop(Host *h, Ptr<const Packet>)
{
	h->st.tx_drops++;
}

static void
host_rx(Host *h, Ptr<const Packet>)
{
	h->st.rx_frames++;
}

static void
host_count(Host *h, Ptr<NetDevice> d)
{
	d->TraceConnectWithoutContext("MacTx", MakeBoundCallback(&host_tx, h));
	d->TraceConnectWithoutContext("MacTxDrop",
	    MakeBoundCallback(&host_txdrop, h));
	d->TraceConnectWithoutContext("MacRx", MakeBoundCallback(&host_rx, h));
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
stack_down(IpL4Protocol::DownTargetCallback *down, Ptr<Packet> p,
    Ipv4Address src, Ipv4Address dst, uint8_t proto, Ptr<Ipv4Route> rt)
{
	(*down)(p, src, dst, proto, rt);
}

// TCP's or UDP's datagram to IPv4 (down: where it went before), after the
// host's stack.tx; one stream and one order for both.
static void
stack_tx(Host *h, IpL4Protocol::DownTargetCallback *down, Ptr<Packet> p,
    Ipv4Address src, Ipv4Address dst, uint8_t proto, Ptr<Ipv4Route> rt)
{
	int64_t t = stack_at(h, &h->tx_rng, h->tcp.stack_tx_ns, &h->tx_last);

	Simulator::Schedule(NanoSeconds(t - now_ns()), &stack_down, down, p,
	    src, dst, proto, rt);
}

// Once the host's IPv4 has its interface on device d: the node's two
// handlers for d (IPv4 and ARP, both the traffic control layer's) give
// way to stack_rx, and TCP's and UDP's down targets to stack_tx.
static void
stack_attach(Host *h, Ptr<NetDevice> d)
{
	char stream[64];
	Ptr<TcpL4Protocol> tcp = h->node->GetObject<TcpL4Protocol>();
	Ptr<UdpL4Protocol> udp = h->node->GetObject<UdpL4Protocol>();

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
	h->tcp_down = tcp->GetDownTarget();
	tcp->SetDownTarget(MakeBoundCallback(&stack_tx, h, &h->tcp_down));
	h->udp_down = udp->GetDownTarget();
	udp->SetDownTarget(MakeBoundCallback(&stack_tx, h, &h->udp_down));
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
tcp_configure(Ptr<Socket> s, const backend_tcp &t)
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

// --- UDP flows --------------------------------------------------------------

// One datagram of payload bytes at exact intervals from the start, as
// pfsim's flow_tick: the last one cut to what size leaves.
static void
udp_tick(Flow *f)
{
	uint64_t len = f->sp.payload;
	int64_t next;

	if (f->sp.size && f->st.offered_bytes + len > f->sp.size)
		len = f->sp.size - f->st.offered_bytes;
	f->st.offered_pkts++;
	f->st.offered_bytes += len;
	if (f->tx->Send(Create<Packet>((uint32_t)len)) >= 0) {
		f->st.tx_pkts++;
		f->st.tx_bytes += len;
	} else
		f->st.local_drops++;
	f->ticks++;
	if (f->sp.size && f->st.offered_bytes >= f->sp.size) {
		f->t_done = now_ns();
		return;
	}
	next = f->t0 + std::llround((double)f->ticks * 1e9 / f->sp.rate_pps);
	if (next < f->x->horizon && (f->sp.stop_ns == 0 ||
	    next < f->sp.stop_ns))
		Simulator::Schedule(NanoSeconds(next - now_ns()), &udp_tick, f);
}

static void
udp_open(Flow *f)
{
	f->tx = Socket::CreateSocket(f->from->node,
	    UdpSocketFactory::GetTypeId());
	f->tx->Bind();
	f->tx->Connect(InetSocketAddress(Ipv4Address(f->sp.to->addr),
	    f->sp.port));
	f->t0 = now_ns();
	udp_tick(f);
}

static void
udp_recv(Flow *f, Ptr<Socket> s)
{
	Ptr<Packet> p;
	Address from;

	while ((p = s->RecvFrom(from)) != nullptr) {
		if (!InetSocketAddress::IsMatchingType(from) ||
		    InetSocketAddress::ConvertFrom(from).GetIpv4() !=
		    Ipv4Address(f->sp.from->addr))
			continue;
		f->st.delivered_pkts++;
		f->st.delivered_bytes += p->GetSize();
	}
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
	    TypeIdValue(h->tcp.cc == BACKEND_CC_CUBIC ? TcpCubic::GetTypeId() :
	    h->tcp.cc == BACKEND_CC_NEWRENO ? TcpNewReno::GetTypeId() :
	    TcpLinuxReno::GetTypeId()));
	l3 = h->node->GetObject<Ipv4L3Protocol>();
	i = l3->AddInterface(x->devs[ifp]);
	l3->AddAddress(i, Ipv4InterfaceAddress(Ipv4Address(ifp->addr),
	    Ipv4Mask(mask)));
	l3->SetUp(i);
	// Static ARP, as pfsim's nets have: every addressed interface
	// (point-to-point devices have no ARP).
	arp = l3->GetInterface(i)->GetArpCache();
	for (int k = 0; arp != nullptr && k < ifp->seg->nports; k++) {
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

// A net of exactly two ports: full duplex, as pfsim's switch port is.
static bool
seg_p2p(const struct segment *s)
{
	return s->nports == 2;
}

static Ptr<DropTailQueue<Packet>>
txqueue(uint32_t lim)
{
	Ptr<DropTailQueue<Packet>> q = CreateObject<DropTailQueue<Packet>>();

	q->SetAttribute("MaxSize", QueueSizeValue(QueueSize(
	    QueueSizeUnit::PACKETS, lim ? lim : 1000000)));
	return q;
}

static uint64_t
seg_rate(const struct segment *s)
{
	return s->p.rate_bps ? s->p.rate_bps : 100000000000ULL;
}

// PPP puts 2 bytes before the datagram where pfsim's wire time
// (wire_time_ns) counts 14 of header, 4 of FCS, 8 of preamble and 12 of
// gap: 36 bytes more, sent as the gap after each frame (p2p_dev) and
// counted into the links' delay (build_p2p, build_switch). Frames under
// 60 bytes (pure ACKs) are padded there, not here: 6 bytes shorter on
// ns-3 (XXX).
static int64_t
ppp_gap_ns(uint64_t rate)
{
	return (int64_t)(36 * 8 * 1000000000ULL / rate);
}

static Ptr<PointToPointNetDevice>
p2p_dev(Ptr<Node> n, const Mac48Address &mac, uint64_t rate, uint32_t lim,
    uint32_t mtu, bool switched = false)
{
	Ptr<PointToPointNetDevice> d;

	if (switched)
		d = CreateObject<SwitchPortDevice>();
	else
		d = CreateObject<PointToPointNetDevice>();

	d->SetAddress(mac);
	d->SetDataRate(DataRate(rate));
	d->SetInterframeGap(NanoSeconds(ppp_gap_ns(rate)));
	d->SetQueue(txqueue(lim));
	d->SetMtu((uint16_t)mtu);
	n->AddDevice(d);
	return d;
}

// The switch of a point-to-point net (net.switch = store_forward): what
// one port receives goes out of the other once it is all in.
static bool
switch_fwd(Ptr<NetDevice> out, Ptr<NetDevice>, Ptr<const Packet> q,
    uint16_t, const Address &, const Address &, NetDevice::PacketType)
{
	out->Send(q->Copy(), out->GetBroadcast(), 0x0800);
	return true;
}

// Net s as ns-3 point-to-point links between the devices of its two
// interfaces: one link, or with a store-and-forward switch, a link from
// each to a switch node that forwards (pfsim's switch has no egress
// contention, and two ports make none). The 36 bytes' time p2p_dev's
// gap adds after each frame goes into the delay too, so that a frame
// arrives when pfsim's does: ser + delay (+ ser).
static void
build_p2p(struct ns3_backend *x, struct segment *s,
    std::map<struct node *, Ptr<Node>> &nodes)
{
	uint64_t rate = seg_rate(s);
	int64_t gap = ppp_gap_ns(rate);
	Ptr<PointToPointNetDevice> d[2];

	for (int k = 0; k < 2; k++) {
		struct iface *ifp = s->ports[k]->ifp;

		d[k] = p2p_dev(nodes[ifp->node], mac_of(ifp), rate,
		    s->p.qlimit, ifp->mtu);
		x->devs[ifp] = d[k];
		x->peer[ifp] = s->ports[1 - k]->ifp;
	}
	if (!s->p.store_forward) {
		Ptr<PointToPointChannel> c =
		    CreateObject<PointToPointChannel>();

		c->SetAttribute("Delay", TimeValue(NanoSeconds(s->p.delay_ns +
		    gap)));
		d[0]->Attach(c);
		d[1]->Attach(c);
		return;
	}
	Ptr<Node> sw = CreateObject<Node>();
	Ptr<PointToPointNetDevice> sd[2];

	for (int k = 0; k < 2; k++) {
		Ptr<PointToPointChannel> c =
		    CreateObject<PointToPointChannel>();
		uint8_t m[6];

		// The switch's ports: the net's interfaces' MACs with bit 2
		// set (locally administered anyway), seen by no one.
		memcpy(m, s->ports[k]->ifp->mac, 6);
		m[0] |= 0x04;
		Mac48Address mac;
		mac.CopyFrom(m);
		sd[k] = p2p_dev(sw, mac, rate, 0, s->ports[k]->ifp->mtu);
		// The net's delay on one of the two links (a frame crosses
		// both), a gap's time on each.
		c->SetAttribute("Delay", TimeValue(NanoSeconds(gap +
		    (k == 0 ? s->p.delay_ns : 0))));
		d[k]->Attach(c);
		sd[k]->Attach(c);
	}
	sd[0]->SetPromiscReceiveCallback(MakeBoundCallback(&switch_fwd,
	    Ptr<NetDevice>(sd[1])));
	sd[1]->SetPromiscReceiveCallback(MakeBoundCallback(&switch_fwd,
	    Ptr<NetDevice>(sd[0])));
}

// A frame in at port k of a switched net: out of the port whose
// interface has its destination MAC, or of every other port for a group
// address; one for no port is lost (counted in drops).
static bool
switch_mac(Switch *sw, size_t k, Ptr<NetDevice>, Ptr<const Packet> q,
    uint16_t, const Address &, const Address &, NetDevice::PacketType)
{
	EtherTag t;
	bool sent = false;

	if (!q->PeekPacketTag(t)) {
		sw->x->drops++;
		return true;
	}
	for (size_t j = 0; j < sw->ifs.size(); j++) {
		if (j == k || (!(t.h[0] & 1) &&
		    memcmp(sw->ifs[j]->mac, t.h, 6) != 0))
			continue;
		sw->out[j]->Send(q->Copy(), sw->out[j]->GetBroadcast(),
		    0x0800);
		sent = true;
	}
	if (!sent)
		sw->x->drops++;
	return true;
}

// A net of three or more ports and a store-and-forward switch, full
// duplex as pfsim's: a point-to-point link from each interface's device
// (a SwitchPortDevice) to its own port of a switch node, which forwards
// by destination MAC (switch_mac). A frame crosses two links, each at
// the net's rate with half its delay and a gap's time (p2p_dev), so it
// arrives after ser + delay + ser as on the builtin (an odd delay 1 ns
// sooner), but for one difference: the switch's egress ports queue
// (without limit), where the builtin's fabric lets frames of two ports
// to a third overlap (net.h, XXX there).
static void
build_switch(struct ns3_backend *x, struct segment *s,
    std::map<struct node *, Ptr<Node>> &nodes)
{
	uint64_t rate = seg_rate(s);
	int64_t gap = ppp_gap_ns(rate);
	std::unique_ptr<Switch> sw(new Switch());
	Ptr<Node> sn = CreateObject<Node>();

	sw->x = x;
	for (int k = 0; k < s->nports; k++) {
		struct iface *ifp = s->ports[k]->ifp;
		Ptr<PointToPointChannel> c =
		    CreateObject<PointToPointChannel>();
		Ptr<PointToPointNetDevice> d, sd;
		uint8_t m[6];
		Mac48Address mac;

		d = p2p_dev(nodes[ifp->node], mac_of(ifp), rate, s->p.qlimit,
		    ifp->mtu, true);
		memcpy(m, ifp->mac, 6);
		m[0] |= 0x04;
		mac.CopyFrom(m);
		sd = p2p_dev(sn, mac, rate, 0, ifp->mtu);
		c->SetAttribute("Delay", TimeValue(NanoSeconds(gap +
		    s->p.delay_ns / 2)));
		d->Attach(c);
		sd->Attach(c);
		x->devs[ifp] = d;
		x->peer[ifp] = NULL;
		sw->ifs.push_back(ifp);
		sw->out.push_back(sd);
	}
	for (size_t k = 0; k < sw->out.size(); k++)
		sw->out[k]->SetPromiscReceiveCallback(MakeBoundCallback(
		    &switch_mac, sw.get(), k));
	x->switches.push_back(std::move(sw));
}

static int
build(struct ns3_backend *x, char *err, size_t errlen)
{
	struct world *w = x->w;
	std::map<struct segment *, Ptr<CsmaChannel>> chans;
	std::map<struct node *, Ptr<Node>> nodes;

	for (int i = 0; i < w->nnodes; i++)
		nodes[w->nodes[i]] = CreateObject<Node>();
	for (int i = 0; i < w->nsegs; i++) {
		struct segment *s = w->segs[i];
		const struct seg_params *p = &s->p;

		if (p->jitter_ns || p->loss > 0 || p->dup > 0 ||
		    p->reorder > 0 || p->corrupt > 0 || s->ndown > 0) {
			snprintf(err, errlen, "ns-3 backend: net %s: jitter, "
			    "loss, dup, reorder, corrupt and down are not "
			    "modelled on ns-3 channels yet", s->name);
			return EINVAL;
		}
		if (seg_p2p(s)) {
			build_p2p(x, s, nodes);
			continue;
		}
		if (s->nports > 2 && s->p.store_forward) {
			build_switch(x, s, nodes);
			continue;
		}
		Ptr<CsmaChannel> c = CreateObject<CsmaChannel>();

		c->SetAttribute("DataRate", DataRateValue(DataRate(
		    seg_rate(s))));
		c->SetAttribute("Delay", TimeValue(NanoSeconds(p->delay_ns)));
		chans[s] = c;
	}
	for (int i = 0; i < w->nnodes; i++) {
		struct node *n = w->nodes[i];

		for (int k = 0; k < n->nifs; k++) {
			struct iface *ifp = n->ifs[k];
			auto pe = x->peer.find(ifp);

			if (pe == x->peer.end()) {
				Ptr<CsmaNetDevice> d =
				    CreateObject<CsmaNetDevice>();

				d->SetQueue(txqueue(ifp->seg->p.qlimit));
				d->SetAddress(mac_of(ifp));
				d->SetMtu((uint16_t)ifp->mtu);
				d->Attach(chans[ifp->seg]);
				nodes[n]->AddDevice(d);
				x->devs[ifp] = d;
			}
			Ptr<NetDevice> d = x->devs[ifp];
			if (x->hostof.count(ifp))
				host_count(x->hostof[ifp], d);
			if (x->hostof.count(ifp) == 0) {
				d->SetPromiscReceiveCallback(MakeBoundCallback(
				    &dev_rx, x, ifp));
			} else if (ifp->cap != NULL && pe != x->peer.end()) {
				d->TraceConnectWithoutContext("PhyTxBegin",
				    MakeBoundCallback(&host_cap_ppp_tx, ifp,
				    pe->second));
				d->TraceConnectWithoutContext("PhyRxEnd",
				    MakeBoundCallback(&host_cap_ppp_rx, ifp,
				    pe->second));
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
		if (f->sp.proto == BACKEND_UDP) {
			f->listen = Socket::CreateSocket(f->to->node,
			    UdpSocketFactory::GetTypeId());
			f->listen->Bind(InetSocketAddress(
			    Ipv4Address::GetAny(), f->sp.port));
			f->listen->SetRecvCallback(MakeBoundCallback(
			    &udp_recv, f));
			if (f->sp.start_ns < x->horizon)
				Simulator::Schedule(NanoSeconds(
				    f->sp.start_ns), &udp_open, f);
			continue;
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
	x->flows.clear();
	x->hosts.clear();
	x->switches.clear();
	x->devs.clear();
	x->hostof.clear();
	Simulator::Destroy();
	delete x;
}

extern "C" int
ns3_host_add(struct ns3_backend *x, struct iface *ifp,
    const struct backend_tcp *tcp)
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
ns3_flow_add(struct ns3_backend *x, const struct backend_flow *sp)
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
ns3_flow_stats(const struct ns3_backend *x, int id, struct backend_flow_stats *st)
{
	if (id < 0 || (size_t)id >= x->flows.size())
		return ENOENT;
	*st = x->flows[id]->st;
	return 0;
}

extern "C" uint64_t
ns3_events(const struct ns3_backend *x)
{
	return x->events;
}

extern "C" int
ns3_host_stats(const struct ns3_backend *x, struct iface *ifp,
    struct backend_host_stats *st)
{
	auto it = x->hostof.find(ifp);

	if (it == x->hostof.end())
		return ENOENT;
	*st = it->second->st;
	return 0;
}

extern "C" int
ns3_run(struct ns3_backend *x, int64_t duration_ns, int (*stop)(void *),
    void *arg, char *err, size_t errlen)
{
	int rv;

	// pfsim's firewalls check IP checksums: ns-3 computes none unless
	// asked. Once, before any packet exists.
	GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
	RngSeedManager::SetSeed((uint32_t)(x->w->seed % 0xfffffffeU) + 1);
	RngSeedManager::SetRun(1);
	x->horizon = duration_ns;
	x->stop = stop;
	x->stop_arg = arg;
	if ((rv = build(x, err, errlen)) != 0)
		return rv;
	Simulator::ScheduleNow(&settle, x);
	Simulator::Schedule(MilliSeconds(10), &watch, x);
	Simulator::Stop(NanoSeconds(duration_ns));
	Simulator::Run();
	x->events = Simulator::GetEventCount();
	// What pfsim has due at the end, as the builtin loop runs it.
	ev_run(x->w->q, duration_ns);
	for (auto &fp : x->flows) {
		Flow *f = fp.get();

		f->st.t_first = f->sp.start_ns;
		f->st.t_last = duration_ns;
		// A UDP stream ends at its stop or its last byte (flow_end,
		// flow_tick), a TCP one runs to the end here.
		if (f->sp.proto != BACKEND_UDP)
			continue;
		if (f->t_done > 0)
			f->st.t_last = f->t_done;
		else if (f->sp.stop_ns > 0 && f->sp.stop_ns < duration_ns)
			f->st.t_last = f->sp.stop_ns;
		if (f->sp.start_ns >= duration_ns)
			f->st.t_first = f->st.t_last = duration_ns;
	}
	return 0;
}
