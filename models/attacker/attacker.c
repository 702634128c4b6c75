/*
 * The pfsync attacker (see attacker.h): build, sniff, send, report.
 *
 * Packets are what a v5 firewall would send (if_pfsync.c: pfsync_sendout):
 * IPv4 protocol 240 to 224.0.0.240 (or a unicast peer), TTL 255 unless
 * told otherwise, a pfsync_header with the ruleset checksum learnt from
 * the victim's traffic (zeros before that), one region, an EOF region.
 * XXX only UDP flows can be forged by "ins": a TCP state needs the
 *     sequence windows of a live connection (a sniffed UPD would give
 *     them).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/proto.h"
#include "engine/rng.h"
#include "models/attacker/attacker.h"
#include "models/pfsync/if_pfsync.h"

enum atk_kind { ATK_INS, ATK_CLR, ATK_UREQ_FLOOD, ATK_UDP };

static const char *const atk_names[] = {
	[ATK_INS] = "ins",
	[ATK_CLR] = "clr",
	[ATK_UREQ_FLOOD] = "ureq_flood",
	[ATK_UDP] = "udp",
};

const struct param_spec attacker_params[] = {
	{ "attacker", "net", PT_STRING, 0, 0, "sync", NULL,
	    "the net it attaches to (the sync net; another one tests the "
	    "interface check)" },
	{ "attacker", "addr", PT_STRING, 0, 0, "auto", NULL,
	    "IPv4 address, or auto: the net's firewall prefix, host part "
	    "200 and up" },
	{ "attacker", "attack", PT_ENUM, 0, 0, NULL,
	    "ins|clr|ureq_flood|udp",
	    "ins: insert a forged UDP flow; clr: clear every state of a "
	    "creator; ureq_flood: bulk update requests at rate; udp: send "
	    "the datagrams of 'state' at rate through 'dst' (no pfsync)" },
	{ "attacker", "at", PT_DURATION, 0, 86400LL * NS_PER_SEC, "1s", NULL,
	    "when the attack starts (clr without a creatorid waits until "
	    "it has learnt one)" },
	{ "attacker", "stop", PT_DURATION, 0, 86400LL * NS_PER_SEC, "0", NULL,
	    "ureq_flood, udp: when it stops (0 = the end of the run)" },
	{ "attacker", "rate", PT_PKTRATE, 1, 10000000, "100pps", NULL,
	    "ureq_flood, udp: packets per second; ins, clr: spacing of "
	    "count packets" },
	{ "attacker", "count", PT_INT, 1, 1000000, "1", NULL,
	    "ins, clr: packets to send" },
	{ "attacker", "ttl", PT_INT, 0, 255, "255", NULL,
	    "IP TTL (pfsync accepts only 255)" },
	{ "attacker", "dst", PT_STRING, 0, 0, "group", NULL,
	    "group (224.0.0.240), a firewall's name (its address on this "
	    "net) or an IPv4 address on this net; udp: the next hop" },
	{ "attacker", "creatorid", PT_STRING, 0, 0, "auto", NULL,
	    "clr: the creator whose states go (auto: learnt from the "
	    "victim's INS or BUS); ins: the forged states' (auto: random); "
	    "hex, e.g. 0x1234abcd" },
	{ "attacker", "victim", PT_STRING, 0, 0, "", NULL,
	    "clr with creatorid auto: the firewall whose creatorid to learn "
	    "(empty: the first one heard)" },
	{ "attacker", "state", PT_STRING, 0, 0, "", NULL,
	    "ins, udp: the flow 'udp SRC:PORT DST:PORT' (initiator first); "
	    "ins inserts an IN and an OUT state, floating" },
	{ "attacker", "payload", PT_SIZE, 0, 1472, "100", NULL,
	    "udp: payload bytes per datagram" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

struct attacker {
	char		 name[32];
	struct run	*r;
	struct world	*w;
	struct conf_section *sec;
	struct node	*node;
	struct iface	*ifp;
	struct segment	*seg;
	struct rng	 rng;		/* stream "attacker.NAME" */
	struct ev	 ev;

	enum atk_kind	 kind;
	simtime_t	 at, stop, gap;
	int64_t		 count;
	uint8_t		 ttl;
	uint32_t	 dst;		/* host order */
	uint8_t		 dmac[6];
	int		 creator_auto;
	u_int32_t	 creatorid;	/* raw, as on the wire */
	uint32_t	 victim;	/* its address on this net; 0 = any */
	uint32_t	 saddr, daddr;	/* ins: the flow, host order */
	uint16_t	 sport, dport;
	uint32_t	 payload;
	u_int64_t	 ins_id;	/* pf's state id, host order */
	uint16_t	 ipid;
	uint64_t	 tick;

	/* learnt */
	u_int8_t	 pfcksum[PF_MD5_DIGEST_LENGTH];
	int		 have_cksum, have_creator;
	u_int32_t	 learnt;	/* raw */

	/* results */
	uint64_t	 sniffed, sniffed_pfsync;
	uint64_t	 sent, sent_msgs, pool_failures, output_errors;
	simtime_t	 first_sent, last_sent;
	int		 waiting;	/* at passed, nothing learnt yet */
};

struct attacker_run {
	struct attacker	**a;
	int		  n, cap;
};

static int
parse_ip(const char *s, uint32_t *addr)
{
	struct in_addr ia;

	if (inet_pton(AF_INET, s, &ia) != 1)
		return -1;
	*addr = ntohl(ia.s_addr);
	return 0;
}

/* "A.B.C.D:PORT" */
static int
parse_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	char buf[64], *colon;
	long p;

	snprintf(buf, sizeof(buf), "%s", s);
	if ((colon = strchr(buf, ':')) == NULL)
		return -1;
	*colon++ = '\0';
	p = strtol(colon, NULL, 10);
	if (p <= 0 || p > 65535 || parse_ip(buf, addr) != 0)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static int
parse_state(struct attacker *a, const char *s)
{
	char proto[16], src[64], dst[64];

	if (sscanf(s, "%15s %63s %63s", proto, src, dst) != 3 ||
	    strcmp(proto, "udp") != 0 ||
	    parse_endpoint(src, &a->saddr, &a->sport) != 0 ||
	    parse_endpoint(dst, &a->daddr, &a->dport) != 0)
		return -1;
	return 0;
}

static struct attacker_run *
atk_run(struct run *r)
{
	struct attacker_run *ar = run_model_data(r, &attacker_model);

	if (ar == NULL && (ar = calloc(1, sizeof(*ar))) != NULL)
		run_set_model_data(r, &attacker_model, ar);
	return ar;
}

static void	atk_rx(struct iface *, struct pkt *, void *);
static void	atk_fire(void *);

static int
atk_build(struct run *r, struct conf_section *s, char *err, size_t errlen)
{
	struct attacker_run *ar = atk_run(r);
	struct world *w = run_world(r);
	struct attacker *a;
	const char *v;
	uint32_t addr = 0;
	unsigned long cid;
	char *end, stream[64];
	int i;

	if (ar == NULL || (a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(err, errlen, "attacker.%s: out of memory",
		    conf_name(s));
		return -1;
	}
	if (ar->n == ar->cap) {
		struct attacker **n = realloc(ar->a, (ar->cap ? ar->cap * 2 :
		    4) * sizeof(*n));

		if (n == NULL) {
			free(a);
			snprintf(err, errlen, "attacker.%s: out of memory",
			    conf_name(s));
			return -1;
		}
		ar->a = n;
		ar->cap = ar->cap ? ar->cap * 2 : 4;
	}
	ar->a[ar->n++] = a;
	snprintf(a->name, sizeof(a->name), "%s", conf_name(s));
	a->r = r;
	a->w = w;
	a->sec = s;
	snprintf(stream, sizeof(stream), "attacker.%s", a->name);
	sim_stream(w, &a->rng, stream);

	v = conf_str(s, "attack");
	for (i = 0; i < (int)nitems(atk_names); i++)
		if (strcmp(v, atk_names[i]) == 0)
			a->kind = (enum atk_kind)i;
	a->at = conf_int(s, "at");
	a->stop = conf_int(s, "stop");
	a->gap = NS_PER_SEC / conf_int(s, "rate");
	if (a->gap < 1)
		a->gap = 1;
	a->count = conf_int(s, "count");
	a->ttl = (uint8_t)conf_int(s, "ttl");

	if ((a->seg = run_segment(r, conf_str(s, "net"))) == NULL)
		return conf_key_error(err, errlen, a->sec, "net",
		    "no such net");
	v = conf_str(s, "addr");
	if (strcmp(v, "auto") != 0 && parse_ip(v, &addr) != 0)
		return conf_key_error(err, errlen, a->sec, "addr",
		    "expected an IPv4 address or auto");
	v = conf_str(s, "creatorid");
	if (strcmp(v, "auto") == 0)
		a->creator_auto = 1;
	else {
		cid = strtoul(v, &end, 16);
		if (*v == '\0' || *end != '\0' || cid == 0 ||
		    cid > 0xffffffffUL)
			return conf_key_error(err, errlen, a->sec, "creatorid",
			    "expected auto or a non-zero hex number");
		a->creatorid = htonl((u_int32_t)cid);
	}
	a->payload = (uint32_t)conf_int(s, "payload");
	if (a->kind == ATK_INS || a->kind == ATK_UDP) {
		if (parse_state(a, conf_str(s, "state")) != 0)
			return conf_key_error(err, errlen, a->sec, "state",
			    "expected 'udp SRC:PORT DST:PORT'");
	}
	if (a->kind == ATK_INS) {
		if (a->creator_auto)
			a->creatorid = htonl(rng_u32(&a->rng) | 1);
		a->ins_id = ((u_int64_t)rng_u32(&a->rng) << 32) |
		    (rng_u32(&a->rng) & ~1U);
	}
	if (world_find_node(w, a->name) != NULL)
		return conf_key_error(err, errlen, a->sec, "net",
		    "a node of that name exists already");
	if ((a->node = node_create(w, a->name, "attacker")) == NULL ||
	    (a->ifp = iface_create(a->node, "eth0", a->seg, addr,
	    addr ? 16 : 0)) == NULL)
		return conf_key_error(err, errlen, a->sec, "net",
		    "cannot attach (too many nodes or ports)");
	a->node->model = a;
	sim_set_input(a->ifp, atk_rx, a);
	ev_init(&a->ev, atk_fire, a, NULL);
	if (run_capture_iface(r, a->ifp, 1) != 0)
		return conf_key_error(err, errlen, a->sec, "net",
		    "cannot open capture");
	return 0;
}

/* The address of node name on seg (host order), or 0. */
static struct iface *
node_on(struct world *w, const char *name, struct segment *seg)
{
	struct node *n = world_find_node(w, name);
	int i;

	if (n == NULL)
		return NULL;
	for (i = 0; i < n->nifs; i++)
		if (n->ifs[i]->seg == seg)
			return n->ifs[i];
	return NULL;
}

static int
atk_link_one(struct attacker *a, char *err, size_t errlen)
{
	struct segment *seg = a->seg;
	struct iface *o;
	uint32_t prefix = 0, hp;
	const char *v;
	int k;

	if (a->ifp->addr == 0) {
		/* The prefix of a firewall (or any /16../30) on the net. */
		for (k = 0; k < seg->nports; k++) {
			o = seg->ports[k]->ifp;
			if (o != a->ifp && o->addr != 0 && o->plen >= 16 &&
			    o->plen <= 30) {
				prefix = o->addr & (0xffffffffU <<
				    (32 - o->plen));
				break;
			}
		}
		if (prefix == 0)
			return conf_key_error(err, errlen, a->sec, "addr",
			    "no addressed interface on the net to take a "
			    "prefix from; give addr");
		for (hp = 200; hp < 250; hp++)
			if (segment_find_addr(seg, prefix | hp) == NULL)
				break;
		a->ifp->addr = prefix | hp;
		a->ifp->plen = 24;
		node_add_route(a->node, a->ifp->addr, 24, 0, a->ifp);
	}

	v = conf_str(a->sec, "dst");
	if (a->kind == ATK_UDP && strcmp(v, "group") == 0)
		return conf_key_error(err, errlen, a->sec, "dst",
		    "udp needs a next hop (a firewall on this net)");
	if (strcmp(v, "group") == 0) {
		a->dst = 0xe00000f0U;		/* 224.0.0.240 */
		ether_multicast_mac(a->dst, a->dmac);
	} else {
		if ((o = node_on(a->w, v, seg)) == NULL) {
			if (parse_ip(v, &a->dst) != 0 ||
			    (o = segment_find_addr(seg, a->dst)) == NULL)
				return conf_key_error(err, errlen, a->sec,
				    "dst", "expected group, a node on this net "
				    "or an address on it");
		}
		a->dst = o->addr;
		memcpy(a->dmac, o->mac, sizeof(a->dmac));
	}
	if (a->kind == ATK_UDP && a->saddr != a->ifp->addr)
		return conf_key_error(err, errlen, a->sec, "state",
		    "udp sends from the attacker's own address (addr)");
	v = conf_str(a->sec, "victim");
	if (*v != '\0') {
		if ((o = node_on(a->w, v, seg)) == NULL)
			return conf_key_error(err, errlen, a->sec, "victim",
			    "no such node on this net");
		a->victim = o->addr;
	}
	return 0;
}

static int
atk_link(struct run *r, char *err, size_t errlen)
{
	struct attacker_run *ar = run_model_data(r, &attacker_model);
	int i;

	for (i = 0; ar != NULL && i < ar->n; i++)
		if (atk_link_one(ar->a[i], err, errlen) != 0)
			return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sniffing                                                           */

/* Every frame the attacker's port gets: pfsync v5 of the victim teaches
 * it the ruleset checksum and the victim's creatorid (its own new states
 * in INS, its hostid in BUS). */
static void
atk_rx(struct iface *ifc, struct pkt *p, void *arg)
{
	struct attacker *a = arg;
	const struct ip4_hdr *ip;
	const struct pfsync_header *ph;
	struct pfsync_subheader sh;
	uint32_t off, hl, end;
	u_int32_t cid;
	int n, i, step;

	(void)ifc;
	a->sniffed++;
	if (p->len < ETHER_HDR_LEN + sizeof(*ip) ||
	    ntohs(pkt_eth(p)->type) != ETHERTYPE_IP)
		goto out;
	ip = pkt_ip(p);
	hl = (uint32_t)(ip->vhl & 0x0f) * 4;
	end = ETHER_HDR_LEN + ntohs(ip->len);
	if (ip->p != IPPROTO_PFSYNC || end > p->len || hl < 20)
		goto out;
	off = ETHER_HDR_LEN + hl;
	if (off + sizeof(*ph) > end)
		goto out;
	ph = (const struct pfsync_header *)(p->data + off);
	if (ph->version != PFSYNC_VERSION)
		goto out;
	a->sniffed_pfsync++;
	if (a->victim != 0 && ntohl(ip->src) != a->victim)
		goto out;
	memcpy(a->pfcksum, ph->pfcksum, sizeof(a->pfcksum));
	a->have_cksum = 1;
	off += sizeof(*ph);
	while (off + sizeof(sh) <= end && !a->have_creator) {
		memcpy(&sh, p->data + off, sizeof(sh));
		off += sizeof(sh);
		n = ntohs(sh.count);
		switch (sh.action) {
		case PFSYNC_ACT_INS:
			step = sizeof(struct pfsync_state);
			i = offsetof(struct pfsync_state, creatorid);
			break;
		case PFSYNC_ACT_BUS:
			step = sizeof(struct pfsync_bus);
			i = offsetof(struct pfsync_bus, creatorid);
			break;
		case PFSYNC_ACT_CLR:
			step = sizeof(struct pfsync_clr);
			break;
		case PFSYNC_ACT_INS_ACK:
			step = sizeof(struct pfsync_ins_ack);
			break;
		case PFSYNC_ACT_UPD:
		case PFSYNC_ACT_DEL:
			step = sizeof(struct pfsync_state);
			break;
		case PFSYNC_ACT_UPD_C:
			step = sizeof(struct pfsync_upd_c);
			break;
		case PFSYNC_ACT_UPD_REQ:
			step = sizeof(struct pfsync_upd_req);
			break;
		case PFSYNC_ACT_DEL_C:
			step = sizeof(struct pfsync_del_c);
			break;
		case PFSYNC_ACT_TDB:
			step = sizeof(struct pfsync_tdb);
			break;
		default:		/* EOF, or garbage */
			goto out;
		}
		if ((sh.action == PFSYNC_ACT_INS ||
		    sh.action == PFSYNC_ACT_BUS) && n > 0 &&
		    off + (uint32_t)step <= end) {
			memcpy(&cid, p->data + off + i, sizeof(cid));
			if (cid != 0) {
				a->learnt = cid;
				a->have_creator = 1;
			}
		}
		off += (uint32_t)step * (uint32_t)n;
	}
out:
	pkt_free(p);
}

/* ------------------------------------------------------------------ */
/* Sending                                                            */

/* One v5 packet: header, one region of n records of size rlen filled by
 * the caller at *recs, EOF. Returns the packet or NULL (pool empty). */
static struct pkt *
atk_packet(struct attacker *a, u_int8_t action, int n, size_t rlen,
    u_int8_t **recs)
{
	struct pfsync_header *ph;
	struct pfsync_subheader *sh;
	size_t plen = sizeof(*ph) + 2 * sizeof(*sh) + (size_t)n * rlen +
	    sizeof(struct pfsync_eof);
	u_int8_t *q;
	struct pkt *p;

	if ((p = pkt_alloc(a->w->pool)) == NULL) {
		a->pool_failures++;
		return NULL;
	}
	q = p->data + ETHER_HDR_LEN + sizeof(struct ip4_hdr);
	memset(q, 0, plen);
	ph = (struct pfsync_header *)q;
	ph->version = PFSYNC_VERSION;
	ph->len = htons((u_int16_t)plen);
	if (a->have_cksum)
		memcpy(ph->pfcksum, a->pfcksum, sizeof(ph->pfcksum));
	sh = (struct pfsync_subheader *)(ph + 1);
	sh->action = action;
	sh->count = htons((u_int16_t)n);
	*recs = (u_int8_t *)(sh + 1);
	sh = (struct pfsync_subheader *)(*recs + (size_t)n * rlen);
	sh->action = PFSYNC_ACT_EOF;
	sh->count = htons(1);
	frame_ip4(p, a->ifp->mac, a->dmac, a->ifp->addr, a->dst,
	    IPPROTO_PFSYNC, a->ttl, a->ipid++, (uint32_t)plen);
	return p;
}

static void
atk_send(struct attacker *a, struct pkt *p, int msgs)
{
	simtime_t now = sim_now(a->w);

	if (a->sent == 0)
		a->first_sent = now;
	a->last_sent = now;
	a->sent++;
	a->sent_msgs += (uint64_t)msgs;
	if (sim_output(a->ifp, p) != 0)
		a->output_errors++;
}

/* The state pf would create for the flow in direction dir (PF_IN: the
 * initiator's packet arriving; PF_OUT: it leaving), floating ("all"). */
static void
atk_forge(struct attacker *a, struct pfsync_state *sp, int dir)
{
	int i0 = dir == PF_IN ? 0 : 1, i1 = 1 - i0, k;

	memset(sp, 0, sizeof(*sp));
	sp->id = htobe64(a->ins_id + (u_int64_t)(dir - PF_IN));
	strlcpy(sp->ifname, "all", sizeof(sp->ifname));
	for (k = 0; k < 2; k++) {
		sp->key[k].addr[i0].v4.s_addr = htonl(a->saddr);
		sp->key[k].addr[i1].v4.s_addr = htonl(a->daddr);
		sp->key[k].port[i0] = htons(a->sport);
		sp->key[k].port[i1] = htons(a->dport);
	}
	sp->src.state = PFUDPS_MULTIPLE;
	sp->dst.state = PFUDPS_MULTIPLE;
	sp->rule = htonl(-1);
	sp->anchor = htonl(-1);
	sp->nat_rule = htonl(-1);
	sp->creation = htonl(0);
	sp->expire = htonl(PFTM_UDP_MULTIPLE_VAL);
	sp->creatorid = a->creatorid;
	sp->af = AF_INET;
	sp->proto = IPPROTO_UDP_;
	sp->direction = (u_int8_t)dir;
	sp->timeout = PFTM_UDP_MULTIPLE;
}

/* A plain UDP datagram of the "state" flow to the next hop. */
static struct pkt *
atk_udp(struct attacker *a)
{
	struct pkt *p;

	if ((p = pkt_alloc(a->w->pool)) == NULL) {
		a->pool_failures++;
		return NULL;
	}
	frame_udp4(p, a->ifp->mac, a->dmac, a->saddr, a->daddr, a->sport,
	    a->dport, NULL, 0, a->payload, a->ttl, a->ipid++);
	return p;
}

static void
atk_fire(void *arg)
{
	struct attacker *a = arg;
	simtime_t now = sim_now(a->w), next = -1;
	struct pfsync_upd_req *ur;
	struct pfsync_clr *clr;
	struct pfsync_state *sp;
	u_int8_t *recs;
	struct pkt *p;

	a->tick++;
	switch (a->kind) {
	case ATK_INS:
		if ((p = atk_packet(a, PFSYNC_ACT_INS, 2, sizeof(*sp),
		    &recs)) != NULL) {
			sp = (struct pfsync_state *)recs;
			atk_forge(a, &sp[0], PF_IN);
			atk_forge(a, &sp[1], PF_OUT);
			atk_send(a, p, 2);
		}
		if ((int64_t)a->tick < a->count)
			next = a->at + (simtime_t)a->tick * a->gap;
		break;
	case ATK_CLR:
		if (a->creator_auto && !a->have_creator) {
			/* not heard the victim yet: look again soon */
			a->waiting = 1;
			a->tick--;
			next = now + 10 * NS_PER_MS;
			break;
		}
		if (a->creator_auto)
			a->creatorid = a->learnt;
		if ((p = atk_packet(a, PFSYNC_ACT_CLR, 1, sizeof(*clr),
		    &recs)) != NULL) {
			clr = (struct pfsync_clr *)recs;
			clr->creatorid = a->creatorid;	/* ifname "": all */
			atk_send(a, p, 1);
		}
		if ((int64_t)a->tick < a->count)
			next = now + a->gap;
		break;
	case ATK_UREQ_FLOOD:
		if ((p = atk_packet(a, PFSYNC_ACT_UPD_REQ, 1, sizeof(*ur),
		    &recs)) != NULL)
			atk_send(a, p, 1);	/* id 0, creatorid 0: bulk */
		next = a->at + (simtime_t)a->tick * a->gap;
		if (a->stop > 0 && next >= a->stop)
			next = -1;
		break;
	case ATK_UDP:
		if ((p = atk_udp(a)) != NULL)
			atk_send(a, p, 0);
		next = a->at + (simtime_t)a->tick * a->gap;
		if (a->stop > 0 && next >= a->stop)
			next = -1;
		break;
	}
	if (next >= 0)
		sim_schedule(a->w, &a->ev, next);
}

static void
atk_start(struct run *r)
{
	struct attacker_run *ar = run_model_data(r, &attacker_model);
	int i;

	for (i = 0; ar != NULL && i < ar->n; i++)
		sim_schedule(ar->a[i]->w, &ar->a[i]->ev, ar->a[i]->at);
}

/* ------------------------------------------------------------------ */
/* Results                                                            */

static void
hexid(char *buf, size_t len, u_int32_t raw)
{
	snprintf(buf, len, "%08x", ntohl(raw));
}

static void
atk_json(struct run *r, struct json *j)
{
	struct attacker_run *ar = run_model_data(r, &attacker_model);
	char buf[32];
	struct in_addr ia;
	int i;

	json_arr_begin(j, "attackers");
	for (i = 0; ar != NULL && i < ar->n; i++) {
		struct attacker *a = ar->a[i];

		json_obj_begin(j, NULL);
		json_str(j, "name", a->name);
		json_str(j, "net", a->seg->name);
		ia.s_addr = htonl(a->ifp->addr);
		inet_ntop(AF_INET, &ia, buf, sizeof(buf));
		json_str(j, "addr", buf);
		json_str(j, "attack", atk_names[a->kind]);
		json_uint(j, "ttl", a->ttl);
		ia.s_addr = htonl(a->dst);
		inet_ntop(AF_INET, &ia, buf, sizeof(buf));
		json_str(j, "dst", buf);
		json_uint(j, "sent_packets", a->sent);
		json_uint(j, "sent_messages", a->sent_msgs);
		json_uint(j, "output_errors", a->output_errors);
		json_uint(j, "pool_failures", a->pool_failures);
		if (a->sent > 0) {
			json_real(j, "first_sent_s",
			    (double)a->first_sent / NS_PER_SEC);
			json_real(j, "last_sent_s",
			    (double)a->last_sent / NS_PER_SEC);
		}
		json_uint(j, "sniffed_frames", a->sniffed);
		json_uint(j, "sniffed_pfsync", a->sniffed_pfsync);
		json_bool(j, "learnt_cksum", a->have_cksum != 0);
		if (a->have_creator) {
			hexid(buf, sizeof(buf), a->learnt);
			json_str(j, "learnt_creatorid", buf);
		}
		if (a->kind != ATK_UREQ_FLOOD && a->creatorid != 0) {
			hexid(buf, sizeof(buf), a->creatorid);
			json_str(j, "creatorid", buf);
		}
		json_bool(j, "waited_to_learn", a->waiting != 0);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
atk_text(struct run *r, FILE *f)
{
	struct attacker_run *ar = run_model_data(r, &attacker_model);
	char buf[16];
	int i;

	for (i = 0; ar != NULL && i < ar->n; i++) {
		struct attacker *a = ar->a[i];

		fprintf(f, "attacker %-8s %s on %s, ttl %u: %llu packets",
		    a->name, atk_names[a->kind], a->seg->name, a->ttl,
		    (unsigned long long)a->sent);
		if (a->sent > 0)
			fprintf(f, " from %.3f s",
			    (double)a->first_sent / NS_PER_SEC);
		if (a->kind != ATK_UREQ_FLOOD && a->creatorid != 0) {
			hexid(buf, sizeof(buf), a->creatorid);
			fprintf(f, ", creatorid %s", buf);
		}
		fputc('\n', f);
	}
}

static void
atk_destroy(struct run *r)
{
	struct attacker_run *ar = run_model_data(r, &attacker_model);
	int i;

	if (ar == NULL)
		return;
	for (i = 0; i < ar->n; i++) {
		if (ar->a[i]->node != NULL)
			ar->a[i]->node->model = NULL;
		if (ar->a[i]->ifp != NULL)
			sim_set_input(ar->a[i]->ifp, NULL, NULL);
		free(ar->a[i]);
	}
	free(ar->a);
	free(ar);
	run_set_model_data(r, &attacker_model, NULL);
}

static const struct section_type attacker_section = {
	"attacker", true, true, attacker_params
};

const struct model_type attacker_model = {
	.st = &attacker_section,
	.build = atk_build,
	.link = atk_link,
	.start = atk_start,
	.report_json = atk_json,
	.report_text = atk_text,
	.destroy = atk_destroy,
};
