/*
 * The firewall node (see fw.h): NICs with interrupt mitigation, the
 * IPL_NET interrupt handler, ipintr, forwarding, the pf and pfsync hook
 * points, CPU cost charging around them, and the per-firewall results.
 *
 * XXX the interrupt handler takes the ring as it is when the handler
 *     starts; em(4) loops while ICR is set and may catch a few more.
 * XXX no TX completion interrupts: TX reaping is inside cost.ip_output.
 * XXX if_snd and the TX ring are one queue (ifq, default 511).
 * XXX static ARP (the engine's segment), no ICMP errors, no IP options,
 *     no fragmentation (longer than the MTU: drop "mtu").
 * XXX no local stack: only pfsync (IP protocol 240) is delivered; every
 *     multicast group is accepted without membership checks.
 *
 * Power (keys boot, crash, reboot): a crash is a power loss. The kernel
 * (models/kern) is destroyed with everything pending in it (rings,
 * ipintrq, if_snd, callouts, CPU work, frames of the current step), pf
 * and pfsync are detached without a word on the wire (their output is
 * eaten: power_off), and a new kernel with a fresh random stream waits,
 * powered off, for the reboot: then pf and pfsync attach as at boot, so
 * pf has a new random hostid (unless pf.hostid is set) and pfsync asks
 * for a bulk update (pfsync.bulk_on_up). While off, frames for the
 * firewall are dropped as "power_off"; the links stay up (the switch
 * still delivers to the port).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/fw/fw_var.h"
#include "models/pf/pfvar.h"		/* states and hostid for the report */

/* An empty table unless models/models.c defines the real one. */
__attribute__((weak)) const struct fw_modules fw_modules_default;

static void	fw_rx(struct iface *, struct pkt *, void *);
static void	fw_nic_assert(void *);
static int	fw_nic_intr(void *);
static int	fw_ipintr(void);
static int	fw_pf_glue(int, struct ifnet *, struct mbuf **,
		    struct ether_header *);
static void	fw_step_hook(void *);
static int	fw_nic_transmit(struct ifnet *, struct pkt *);
static void	fw_power_ev(void *);
static void	fw_power_off(struct fw *, int);
static int	fw_power_on(struct fw *, char *, size_t);

const char *
fw_name(const struct fw *fw)
{
	return fw->name;
}

struct vnet *
fw_vnet(const struct fw *fw)
{
	return fw->v;
}

struct node *
fw_node(const struct fw *fw)
{
	return fw->node;
}

struct run *
fw_run(const struct fw *fw)
{
	return fw->run;
}

struct conf_section *
fw_conf(const struct fw *fw)
{
	return fw->sec;
}

int
fw_nifs(const struct fw *fw)
{
	return fw->nnic;
}

struct ifnet *
fw_ifnet(const struct fw *fw, int i)
{
	return i >= 0 && i < fw->nnic ? (struct ifnet *)&fw->nic[i].ifn : NULL;
}

const struct fw_nic_stats *
fw_nic_stats(const struct fw *fw, int i)
{
	return i >= 0 && i < fw->nnic ? &fw->nic[i].st : NULL;
}

uint32_t
fw_addr(const struct fw *fw, const char *net)
{
	int i;

	for (i = 0; i < fw->nnic; i++)
		if (strcmp(fw->nic[i].net, net) == 0)
			return fw->nic[i].iface->addr;
	return 0;
}

struct fw *
fw_of_node(const struct node *n)
{
	if (n == NULL || n->kind != NODE_FIREWALL)
		return NULL;
	return n->model;
}

uint64_t
fw_forwarded(const struct fw *fw)
{
	return fw->forwarded;
}

/* ------------------------------------------------------------------ */
/* Construction                                                       */

static int
fw_err(const struct fw *fw, const char *key, char *err, size_t errlen,
    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fw->run != NULL && fw->sec != NULL)
		snprintf(err, errlen, "%s:%d: firewall.%s%s%s: %s",
		    conf_path(run_conf(fw->run)), conf_line(fw->sec, key),
		    fw->name, key ? "." : "", key ? key : "", msg);
	else
		snprintf(err, errlen, "firewall.%s%s%s: %s", fw->name,
		    key ? "." : "", key ? key : "", msg);
	return -1;
}

static int64_t
cfg_int(const struct fw *fw, const char *key, int64_t profile)
{
	if (fw->sec != NULL && conf_isset(fw->sec, key))
		return conf_int(fw->sec, key);
	return profile;
}

static struct segment *
find_segment(const struct world *w, const char *name)
{
	int i;

	for (i = 0; i < w->nsegs; i++)
		if (strcmp(w->segs[i]->name, name) == 0)
			return w->segs[i];
	return NULL;
}

static int
segment_index(const struct world *w, const struct segment *s)
{
	int i;

	for (i = 0; i < w->nsegs; i++)
		if (w->segs[i] == s)
			return i;
	return -1;
}

/* One word of "route": DST/PLEN@GW. */
static int
fw_add_route(struct fw *fw, const char *word)
{
	char buf[64], *slash, *at;
	struct in_addr dst, gw;
	const struct route *rt;
	long plen;

	snprintf(buf, sizeof(buf), "%s", word);
	if ((slash = strchr(buf, '/')) == NULL ||
	    (at = strchr(slash, '@')) == NULL)
		return -1;
	*slash++ = '\0';
	*at++ = '\0';
	plen = strtol(slash, NULL, 10);
	if (inet_pton(AF_INET, buf, &dst) != 1 ||
	    inet_pton(AF_INET, at, &gw) != 1 || plen < 0 || plen > 32)
		return -1;
	rt = node_route(fw->node, ntohl(gw.s_addr));
	if (rt == NULL || rt->gw != 0)
		return -1;	/* the gateway must be on a connected net */
	return node_add_route(fw->node, ntohl(dst.s_addr), (uint8_t)plen,
	    ntohl(gw.s_addr), rt->ifp) == 0 ? 0 : -1;
}

/* Is net the firewall's pfsync.syncdev (for --capture sync)? */
static int
fw_is_syncnet(const struct fw *fw, const char *net)
{
	/* Only called in a run, where pfsync's keys are declared. */
	const char *dev = fw->sec != NULL ?
	    conf_str(fw->sec, "pfsync.syncdev") : "sync";

	return strcmp(dev, net) == 0;
}

static int
fw_nic_attach(struct fw *fw, int i, const char *net, char *err,
    size_t errlen)
{
	struct fw_nic *nic = &fw->nic[i];
	struct ifnet *ifp = &nic->ifn;
	struct segment *seg;
	uint32_t addr;
	int sidx;

	if ((seg = find_segment(fw->w, net)) == NULL)
		return fw_err(fw, "nets", err, errlen, "no [net %s]", net);
	sidx = segment_index(fw->w, seg);
	/* 10.(S+1).1.(F+1)/16, see fw.h. */
	addr = (10U << 24) | ((uint32_t)(sidx + 1) << 16) | (1U << 8) |
	    (uint32_t)(fw->ordinal + 1);
	nic->fw = fw;
	snprintf(nic->net, sizeof(nic->net), "%.*s", (int)sizeof(nic->net) - 1,
	    net);
	snprintf(ifp->if_xname, sizeof(ifp->if_xname), "em%d", i);
	nic->iface = iface_create(fw->node, ifp->if_xname, seg, addr, 16);
	if (nic->iface == NULL)
		return fw_err(fw, "nets", err, errlen,
		    "cannot attach to net %s (too many ports)", net);
	iface_set_rx(nic->iface, fw_rx, nic);
	/* if_snd is enforced by kern_ether_output (ifq). */
	iface_set_txq_limit(nic->iface, 0);
	ifp->if_softc = nic;
	ifp->if_type = IFT_ETHER;
	ifp->if_flags = IFF_UP | IFF_RUNNING | IFF_BROADCAST | IFF_SIMPLEX |
	    IFF_MULTICAST;
	ifp->if_mtu = nic->iface->mtu ? nic->iface->mtu : ETHERMTU;
	ifp->if_hardmtu = ifp->if_mtu;
	ifp->if_hdrlen = ETHER_HDR_LEN;
	ifp->if_snd.ifq_maxlen = fw->ifq;
	ifp->if_iface = nic->iface;
	ifp->if_addr = htonl(addr);
	/* Output passes the power switch (fw_nic_transmit). */
	ifp->if_transmit = fw_nic_transmit;
	pktq_init(&nic->ring, (uint32_t)fw->rx_ring);
	if (fw->run != NULL && run_capture_iface(fw->run, nic->iface,
	    fw_is_syncnet(fw, net)) != 0)
		return fw_err(fw, "nets", err, errlen,
		    "cannot open the capture of %s", ifp->if_xname);
	return 0;
}

/*
 * Plug NIC i into the current kernel (at every boot): the interface list,
 * an empty rx ring, the interrupt line and its event.
 */
static void
fw_nic_plug(struct fw *fw, int i)
{
	struct fw_nic *nic = &fw->nic[i];
	struct ifnet *ifp = &nic->ifn;

	ifp->if_outstep = 0;
	ifp->if_snd.ifq_len = 0;
	if_attach(ifp);
	pktq_init(&nic->ring, (uint32_t)fw->rx_ring);
	nic->armed = 0;
	nic->last_intr = -NS_PER_SEC;
	/* The ITR timer runs free from power-up: its phase against the
	 * traffic is random (sim.variability, nic.random_phase). */
	if (fw->nic_phase && fw->itr_ns > 0)
		nic->last_intr = ev_now(fw->w->q) -
		    (simtime_t)rng_below(&fw->nic_rng, (uint64_t)fw->itr_ns);
	ev_init(&nic->intr_ev, fw_nic_assert, nic, fw->v);
	kern_intr_establish(&nic->ih, fw_nic_intr, nic, ifp->if_xname);
}

/* The kernel of boot n (0 = the first): its own random stream, so that
 * each boot has its own hostid, clock phase and arc4random. */
static struct vnet *
fw_kern_create(struct fw *fw, int n)
{
	uint64_t seed = fw->w->seed;
	struct vnet *v;

	if (n > 0)
		seed ^= 0x9e3779b97f4a7c15ULL * (uint64_t)n;
	v = kern_vnet_create(fw->w->q, fw->w, fw->node, fw->w->pool, seed,
	    fw->name, &fw->kp);
	if (v == NULL)
		return NULL;
	v->vnet_fw = fw;
	fw->v = v;
	fw->node->model = fw;
	fw->node->ctx = v;
	return v;
}

/* The firewall's part of a boot on curvnet: NICs and softnet hooks. */
static void
fw_kern_plug(struct fw *fw)
{
	int i;

	for (i = 0; i < fw->nnic; i++)
		fw_nic_plug(fw, i);
	fw->v->vnet_pf_test = fw_pf_glue;
	fw->v->vnet_step_hook = fw_step_hook;
	fw->v->vnet_step_arg = fw;
	netisr_register_drain(NETISR_IP, fw_ipintr);
	if (fw->mods.pfsyncintr != NULL)
		netisr_register(NETISR_PFSYNC, fw->mods.pfsyncintr);
	/* New pf and pfsync count from zero. */
	memset(&fw->pfw, 0, sizeof(fw->pfw));
	memset(&fw->psw, 0, sizeof(fw->psw));
}

/* Word i of a space-separated list, or NULL. */
static const char *
list_word(const char *list, int i, char *buf, size_t len)
{
	const char *p = list;
	size_t n;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		n = strcspn(p, " \t");
		if (i-- == 0) {
			snprintf(buf, len, "%.*s", (int)n, p);
			return buf;
		}
		p += n;
	}
	return NULL;
}

/* One time of "boot", "crash" or "reboot" into fw->pwr. */
static int
fw_power_add(struct fw *fw, const char *key, const char *word,
    enum fw_power_what what, char *err, size_t errlen)
{
	int64_t at;
	double rv;

	if (param_parse(PT_DURATION, word, &at, &rv) != 0 || at < 0)
		return fw_err(fw, key, err, errlen, "%s: expected a duration",
		    word);
	if (fw->npwr == (int)nitems(fw->pwr))
		return fw_err(fw, key, err, errlen, "more than %d crashes",
		    FW_MAXPOWER);
	fw->pwr[fw->npwr].at = at;
	fw->pwr[fw->npwr].what = what;
	fw->npwr++;
	return 0;
}

/*
 * boot, crash and reboot: sorted into one schedule that must alternate
 * off and on: [boot] crash [reboot crash [reboot ...]].
 */
static int
fw_power_parse(struct fw *fw, char *err, size_t errlen)
{
	struct fw_power_ev t;
	char word[64];
	int i, k, on;

	if (fw->sec == NULL)
		return 0;
	if (conf_int(fw->sec, "boot") > 0) {
		fw->pwr[0].at = conf_int(fw->sec, "boot");
		fw->pwr[0].what = FW_PWR_BOOT;
		fw->npwr = 1;
	}
	for (i = 0; conf_list_at(fw->sec, "crash", i, word, sizeof(word)) !=
	    NULL; i++)
		if (fw_power_add(fw, "crash", word, FW_PWR_CRASH, err,
		    errlen) != 0)
			return -1;
	for (i = 0; conf_list_at(fw->sec, "reboot", i, word, sizeof(word)) !=
	    NULL; i++)
		if (fw_power_add(fw, "reboot", word, FW_PWR_REBOOT, err,
		    errlen) != 0)
			return -1;
	/* insertion sort by time; equal times keep off before on */
	for (i = 1; i < fw->npwr; i++)
		for (k = i; k > 0 && (fw->pwr[k].at < fw->pwr[k - 1].at ||
		    (fw->pwr[k].at == fw->pwr[k - 1].at &&
		    fw->pwr[k].what == FW_PWR_CRASH)); k--) {
			t = fw->pwr[k];
			fw->pwr[k] = fw->pwr[k - 1];
			fw->pwr[k - 1] = t;
		}
	if (conf_int(fw->sec, "boot") > 0 && fw->pwr[0].what != FW_PWR_BOOT)
		return fw_err(fw, "crash", err, errlen, "a crash at %.9gs "
		    "comes before boot", (double)fw->pwr[0].at / NS_PER_SEC);
	on = fw->npwr == 0 || fw->pwr[0].what != FW_PWR_BOOT;
	for (i = fw->pwr[0].what == FW_PWR_BOOT ? 1 : 0; i < fw->npwr; i++) {
		if (fw->pwr[i].what == FW_PWR_CRASH && !on)
			return fw_err(fw, "crash", err, errlen, "a crash at "
			    "%.9gs finds the firewall off (crash and reboot "
			    "times must alternate, after boot)",
			    (double)fw->pwr[i].at / NS_PER_SEC);
		if (fw->pwr[i].what != FW_PWR_CRASH && on)
			return fw_err(fw, "reboot", err, errlen, "a reboot at "
			    "%.9gs finds the firewall running (each reboot "
			    "needs an earlier crash)",
			    (double)fw->pwr[i].at / NS_PER_SEC);
		if (fw->pwr[i].at <= (i > 0 ? fw->pwr[i - 1].at : 0) &&
		    fw->pwr[i].what == FW_PWR_REBOOT)
			return fw_err(fw, "reboot", err, errlen, "a reboot at "
			    "%.9gs is not after its crash",
			    (double)fw->pwr[i].at / NS_PER_SEC);
		on = !on;
	}
	return 0;
}

/* pf, then pfsync, on curvnet (at build and at every reboot). */
static int
fw_attach_modules(struct fw *fw, char *err, size_t errlen)
{
	if (fw->mods.pf_attach != NULL &&
	    fw->mods.pf_attach(fw, fw->sec, err, errlen) != 0)
		return -1;
	if (fw->mods.pfsync_attach != NULL &&
	    fw->mods.pfsync_attach(fw, fw->sec, err, errlen) != 0)
		return -1;
	return 0;
}

static struct fw *
fw_build(struct run *run, struct world *w, const char *name,
    struct conf_section *sec, const char *nets,
    const struct fw_modules *mods, char *err, size_t errlen)
{
	const struct fw_profile *prof;
	struct kern_params kp;
	struct fw *fw;
	char word[64], key[64];
	int i, n, k;

	if ((fw = calloc(1, sizeof(*fw))) == NULL) {
		snprintf(err, errlen, "firewall.%s: out of memory", name);
		return NULL;
	}
	snprintf(fw->name, sizeof(fw->name), "%s", name);
	fw->run = run;
	fw->w = w;
	fw->sec = sec;
	if (mods != NULL)
		fw->mods = *mods;
	for (i = 0; i < w->nnodes; i++)
		if (w->nodes[i]->kind == NODE_FIREWALL)
			fw->ordinal++;
	snprintf(fw->hw, sizeof(fw->hw), "%s",
	    sec != NULL ? conf_str(sec, "hw") : "2009");
	if ((prof = fw_profile(fw->hw)) == NULL) {
		fw_err(fw, "hw", err, errlen, "unknown profile %s", fw->hw);
		goto fail;
	}

	kern_params_default(&kp);
	if (kern_cost_profile(&kp, fw->hw) != 0) {
		fw_err(fw, "hw", err, errlen, "no cost table for %s", fw->hw);
		goto fail;
	}
	kp.kp_hz = (int)cfg_int(fw, "hz", prof->p_hz);
	kp.ipintrq_max = (int)cfg_int(fw, "ipintrq", prof->p_ipintrq);
	kp.nmbclust = (int)cfg_int(fw, "nmbclust", prof->nmbclust);
	kp.splassert_ctl = (int)cfg_int(fw, "splassert", 1);
	for (k = 0; k < KC_MAX; k++) {
		snprintf(key, sizeof(key), "cost.%s", kern_cost_names[k]);
		kp.cost[k] = cfg_int(fw, key, kp.cost[k]);
	}
	fw->rx_ring = (int)cfg_int(fw, "nic.rx_ring", prof->rx_ring);
	n = (int)cfg_int(fw, "nic.int_rate", prof->int_rate);
	fw->itr_ns = n > 0 ? NS_PER_SEC / n : 0;
	fw->int_delay = cfg_int(fw, "nic.int_delay", prof->int_delay);
	fw->int_frames = (int)cfg_int(fw, "nic.int_frames", prof->int_frames);
	fw->ifq = (int)cfg_int(fw, "ifq", prof->ifq);
	/* Run-to-run variation (sim.variability): NIC timer phases, CPU
	 * cost spread. Own streams, so other draws do not move. */
	snprintf(key, sizeof(key), "fw.%s.nic", name);
	rng_init(&fw->nic_rng, w->seed, key);
	fw->nic_phase = w->variability &&
	    (sec == NULL || conf_bool(sec, "nic.random_phase"));
	if (w->variability && sec != NULL)
		kp.cost_spread = conf_real(sec, "cost.spread");

	if ((fw->node = node_create(w, name, NODE_FIREWALL)) == NULL) {
		fw_err(fw, NULL, err, errlen, "too many nodes");
		goto fail;
	}
	fw->kp = kp;
	ev_init(&fw->pwr_ev, fw_power_ev, fw, NULL);
	if (fw_kern_create(fw, 0) == NULL) {
		fw_err(fw, NULL, err, errlen, "out of memory");
		goto fail;
	}
	fw->t0 = ev_now(w->q);

	CURVNET_SET(fw->v);
	n = 0;
	for (i = 0;; i++) {
		if (sec != NULL) {
			if (conf_list_at(sec, "nets", i, word,
			    sizeof(word)) == NULL)
				break;
		} else if (list_word(nets, i, word, sizeof(word)) == NULL)
			break;
		if (n == NODE_MAXIF) {
			fw_err(fw, "nets", err, errlen, "more than %d nets",
			    NODE_MAXIF);
			goto fail_vnet;
		}
		if (fw_nic_attach(fw, n, word, err, errlen) != 0)
			goto fail_vnet;
		fw->nnic = ++n;
	}
	if (n == 0) {
		fw_err(fw, "nets", err, errlen, "at least one net is needed");
		goto fail_vnet;
	}
	if (sec != NULL)
		for (i = 0; conf_list_at(sec, "route", i, word,
		    sizeof(word)) != NULL; i++)
			if (fw_add_route(fw, word) != 0) {
				fw_err(fw, "route", err, errlen,
				    "bad route %s (want DST/PLEN@GW with GW "
				    "on an attached net)", word);
				goto fail_vnet;
			}

	if (fw_power_parse(fw, err, errlen) != 0)
		goto fail_vnet;
	fw_kern_plug(fw);
	/* Off until "boot": whatever pf and pfsync say at attach is lost. */
	fw->powered = fw->npwr == 0 || fw->pwr[0].what != FW_PWR_BOOT;
	if (fw_attach_modules(fw, err, errlen) != 0)
		goto fail_vnet;
	CURVNET_RESTORE();
	if (!fw->powered)
		fw_power_off(fw, 0);
	return fw;

fail_vnet:
	CURVNET_RESTORE();
	/* The node stays in the world (it owns the ifaces); the run fails. */
	fw->node->model = NULL;
	fw->node->ctx = NULL;
	fw_destroy(fw);
	return NULL;
fail:
	free(fw);
	return NULL;
}

struct fw *
fw_create(struct run *run, struct conf_section *sec,
    const struct fw_modules *mods, char *err, size_t errlen)
{
	return fw_build(run, run_world(run), conf_name(sec), sec, NULL, mods,
	    err, errlen);
}

struct fw *
fw_create_world(struct world *w, const char *name, struct conf_section *sec,
    const char *nets, const struct fw_modules *mods, char *err,
    size_t errlen)
{
	return fw_build(NULL, w, name, sec, nets, mods, err, errlen);
}

void
fw_destroy(struct fw *fw)
{
	int i;

	if (fw == NULL)
		return;
	ev_cancel(fw->w->q, &fw->pwr_ev);
	if (fw->v != NULL) {
		CURVNET_SET(fw->v);
		if (fw->mods.destroy != NULL)
			fw->mods.destroy(fw);
		for (i = 0; i < fw->nnic; i++) {
			ev_cancel(fw->w->q, &fw->nic[i].intr_ev);
			pktq_purge(&fw->nic[i].ring);
			if (fw->nic[i].iface != NULL)
				iface_set_rx(fw->nic[i].iface, NULL, NULL);
		}
		CURVNET_RESTORE();
		kern_vnet_destroy(fw->v);
	}
	if (fw->node != NULL && fw->node->model == fw) {
		fw->node->model = NULL;
		fw->node->ctx = NULL;
	}
	free(fw);
}

void
fw_start(struct fw *fw)
{
	fw->t0 = ev_now(fw->w->q);
	fw->ts_t = fw->t0;
	if (fw->npwr > 0 && ev_schedule_bounded(fw->w->q, &fw->pwr_ev,
	    fw->pwr[0].at) != 0)
		panic("fw: cannot schedule the power events");
	if (fw->powered && fw->mods.start != NULL) {
		CURVNET_SET(fw->v);
		fw->mods.start(fw);
		CURVNET_RESTORE();
	}
}

/* ------------------------------------------------------------------ */
/* Power: boot, crash (power loss) and reboot                         */

/*
 * time_uptime when pf and pfsync come up after power-on: an OpenBSD 4.5
 * box of 2009 spends about a minute in the BIOS, the kernel and rc
 * (UNVERIFIED). pfsync's bulk bookkeeping reads time_uptime.
 */
#define FW_BOOT_UPTIME_S	60

/* Every frame the kernel sends leaves through here (kern's cpu_emit). */
static int
fw_nic_transmit(struct ifnet *ifp, struct pkt *p)
{
	struct fw_nic *nic = ifp->if_softc;

	if (!nic->fw->powered) {
		kern_drop("power_off");
		pkt_free(p);
		return ENETDOWN;
	}
	return iface_output(nic->iface, p);
}

static void
fw_drops_add(struct kern_drops *d, const char *name, uint64_t n)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->name[i], name) == 0) {
			d->count[i] += n;
			return;
		}
	if (d->n == KERN_MAXDROPS)
		return;		/* XXX more reasons than kern allows */
	d->name[d->n] = name;	/* static names (kern_drop) */
	d->count[d->n++] = n;
}

/* Keep the counters of the kernel that is about to die. */
static void
fw_acc_add(struct fw *fw, struct vnet *v)
{
	const struct kern_cpu_stats *cs = kern_cpu_stats(v);
	struct fw_acc *a = &fw->acc;
	int i;

	for (i = 0; i < IPL_MAX; i++)
		a->busy_ns[i] += cs->busy_ns[i];
	a->busy_total_ns += cs->busy_total_ns;
	a->passes += cs->passes;
	a->passes_ip += cs->passes_ip;
	for (i = 0; i < v->vnet_drops.n; i++)
		fw_drops_add(&a->drops, v->vnet_drops.name[i],
		    v->vnet_drops.count[i]);
	a->splassert_failures += v->vnet_stats.splassert_failures;
	a->mbuf_alloc_fail += v->vnet_stats.mbuf_alloc_fail;
	a->timeouts_run += v->vnet_stats.timeouts_run;
	a->ip_output_errors += v->vnet_stats.ip_output_errors;
	a->ipintrq_drops += (uint64_t)v->vnet_ipintrq.ifq_drops;
	a->mbuf_peak = MAX(a->mbuf_peak, v->vnet_mbpool.pr_maxout);
}

static void
fw_drop_n(const char *reason, uint64_t n)
{
	while (n-- > 0)
		kern_drop(reason);
}

/*
 * Power loss (crash) or the initial off state (boot): no pfsync message,
 * every state and queued frame gone, then a new kernel that waits off.
 */
static void
fw_power_off(struct fw *fw, int crash)
{
	struct vnet *old = fw->v;
	struct fw_power_rec *r = NULL;
	simtime_t now = ev_now(fw->w->q);
	uint64_t lost = 0, n;
	struct pkt *p;
	int i;

	fw->powered = 0;
	fw->off_since = now;
	if (crash && fw->nrec < (int)nitems(fw->rec)) {
		r = &fw->rec[fw->nrec++];
		memset(r, 0, sizeof(*r));
		r->at = now;
		r->what = FW_PWR_CRASH;
	}
	CURVNET_SET(old);
	if (r != NULL && old->vnet_pf != NULL) {
		r->states = old->vnet_pf->pf_status.states;
		r->hostid = old->vnet_pf->pf_status.hostid;
	}
	fw->wall_off_ns = old->vnet_boot_wall_ns +
	    (int64_t)ticks * old->vnet_tick_ns - now;
	/* Detach pfsync and pf (the destroy hook): what they would still
	 * send dies in fw_nic_transmit. */
	if (fw->mods.destroy != NULL)
		fw->mods.destroy(fw);
	for (i = 0; i < fw->nnic; i++) {
		struct fw_nic *nic = &fw->nic[i];

		ev_cancel(fw->w->q, &nic->intr_ev);
		nic->armed = 0;
		/* The rx ring, the frames of the current CPU step and the
		 * TX queue die with the box; a frame on the wire goes on. */
		n = nic->ring.len + nic->ifn.if_outstep;
		pktq_purge(&nic->ring);
		while ((p = pktq_get(&nic->iface->port->txq)) != NULL) {
			pkt_free(p);
			n++;
		}
		fw_drop_n("power_off", n);
		lost += n;
	}
	n = (uint64_t)ipintrq.ifq_len;
	ifq_purge(&ipintrq);
	fw_drop_n("power_off", n);
	lost += n;
	if (r != NULL)
		r->queued = lost;
	fw_acc_add(fw, old);
	CURVNET_RESTORE();
	/* The queue must not remember a context about to be freed. */
	if (ev_current_ctx(fw->w->q) == old)
		ev_switch_ctx(fw->w->q, NULL);
	kern_vnet_destroy(old);
	fw->v = NULL;
	if (fw_kern_create(fw, ++fw->nboots) == NULL)
		panic("%s: power off: out of memory", fw->name);
}

/* Power on (boot or reboot): the firewall's part, then pf and pfsync. */
static int
fw_power_on(struct fw *fw, char *err, size_t errlen)
{
	struct vnet *v = fw->v;
	struct fw_power_rec *r = NULL;
	simtime_t now = ev_now(fw->w->q);
	int64_t k, up;
	int rv;

	if (fw->nrec < (int)nitems(fw->rec)) {
		r = &fw->rec[fw->nrec++];
		memset(r, 0, sizeof(*r));
		r->at = now;
		r->what = fw->pwr_next > 0 &&
		    fw->pwr[fw->pwr_next - 1].what == FW_PWR_BOOT ?
		    FW_PWR_BOOT : FW_PWR_REBOOT;
	}
	CURVNET_SET(v);
	/* A fresh uptime; the wall clock goes on where it was. */
	k = now >= v->vnet_phase_ns ?
	    (now - v->vnet_phase_ns) / v->vnet_tick_ns + 1 : 0;
	up = (int64_t)FW_BOOT_UPTIME_S * v->vnet_p.kp_hz;
	v->vnet_ticks0 = up - k;
	v->vnet_boot_wall_ns = fw->wall_off_ns + now - up * v->vnet_tick_ns;
	fw_kern_plug(fw);
	fw->powered = 1;
	fw->off_ns += now - fw->off_since;
	rv = fw_attach_modules(fw, err, errlen);
	if (rv == 0 && fw->mods.start != NULL)
		fw->mods.start(fw);
	if (r != NULL && v->vnet_pf != NULL)
		r->hostid = v->vnet_pf->pf_status.hostid;
	CURVNET_RESTORE();
	return rv;
}

static const char *const fw_power_names[] = {
	[FW_PWR_BOOT] = "boot",
	[FW_PWR_CRASH] = "crash",
	[FW_PWR_REBOOT] = "reboot",
};

static void
fw_power_ev(void *arg)
{
	struct fw *fw = arg;
	struct fw_power_ev *e = &fw->pwr[fw->pwr_next++];
	char err[512];

	if (e->what == FW_PWR_CRASH)
		fw_power_off(fw, 1);
	else if (fw_power_on(fw, err, sizeof(err)) != 0)
		panic("%s: %s", fw->name, err);	/* checked at build */
	if (fw->run != NULL && run_trace(fw->run, "power"))
		run_log(fw->run, "%s: %s", fw->name, fw_power_names[e->what]);
	if (fw->pwr_next < fw->npwr && ev_schedule_bounded(fw->w->q,
	    &fw->pwr_ev, fw->pwr[fw->pwr_next].at) != 0)
		panic("fw: cannot schedule the power events");
}

void
fw_stop(struct fw *fw)
{
	if (fw->mods.stop != NULL) {
		CURVNET_SET(fw->v);
		fw->mods.stop(fw);
		CURVNET_RESTORE();
	}
}

/* ------------------------------------------------------------------ */
/* NIC: rx ring and interrupt mitigation                              */
/* docs/ref/openbsd-kernel-env.md §6                                  */

/*
 * When to assert the interrupt: the delay after the first pending frame
 * (bge-like; 0 for em), cut short once int_frames frames wait, but never
 * sooner than 1/int_rate after the last assertion (em(4) ITR).
 */
static void
fw_nic_arm(struct fw_nic *nic)
{
	struct fw *fw = nic->fw;
	simtime_t now = ev_now(fw->w->q), at;
	int count_hit = fw->int_frames > 0 &&
	    nic->ring.len >= (uint32_t)fw->int_frames;

	if (nic->armed) {
		if (count_hit && ev_pending(&nic->intr_ev)) {
			at = MAX(now, nic->last_intr + fw->itr_ns);
			if (at < nic->intr_ev.at)
				ev_schedule_bounded(fw->w->q, &nic->intr_ev,
				    at);
		}
		return;
	}
	nic->armed = 1;
	at = count_hit ? now : now + fw->int_delay;
	at = MAX(at, nic->last_intr + fw->itr_ns);
	/* One event per NIC: exempt from sim.ev_limit, as the ports'. */
	if (ev_schedule_bounded(fw->w->q, &nic->intr_ev, at) != 0)
		panic("fw: cannot schedule an interrupt");
}

/* A frame reaches the NIC (engine context: the firewall's vnet). */
static void
fw_rx(struct iface *ifc, struct pkt *p, void *arg)
{
	struct fw_nic *nic = arg;

	(void)ifc;
	if (!nic->fw->powered) {
		kern_drop("power_off");
		pkt_free(p);
		return;
	}
	if (!(nic->ifn.if_flags & IFF_UP)) {
		kern_drop("if_down");
		pkt_free(p);
		return;
	}
	if (pktq_full(&nic->ring)) {
		nic->ifn.if_ierrors++;
		kern_drop("rx_ring");
		pkt_free(p);
		return;
	}
	pktq_put(&nic->ring, p);
	nic->st.rx_frames++;
	nic->st.rx_bytes += p->len;
	nic->fw->rx_frames++;
	if (nic->ring.len > nic->st.rx_ring_peak)
		nic->st.rx_ring_peak = nic->ring.len;
	fw_nic_arm(nic);
}

static void
fw_nic_assert(void *arg)
{
	struct fw_nic *nic = arg;

	nic->last_intr = ev_now(nic->fw->w->q);
	kern_intr_raise(&nic->ih);
}

/* if_ethersubr.c: ether_input, for IPv4 into ipintrq */
static void
fw_ether_input(struct fw_nic *nic, struct pkt *p)
{
	struct ifnet *ifp = &nic->ifn;
	struct ether_header *eh = (struct ether_header *)p->data;
	struct mbuf *m;
	int mflags = 0;

	ifp->if_ipackets++;
	ifp->if_ibytes += p->len;
	if (p->len < ETHER_HDR_LEN + sizeof(struct ip) ||
	    ntohs(eh->ether_type) != ETHERTYPE_IP) {
		ifp->if_noproto++;
		kern_drop("not_ip");
		pkt_free(p);
		return;
	}
	if (eh->ether_dhost[0] & 1) {
		static const u_int8_t bcast[ETHER_ADDR_LEN] =
		    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		mflags = memcmp(eh->ether_dhost, bcast, ETHER_ADDR_LEN) == 0 ?
		    M_BCAST : M_MCAST;
		ifp->if_imcasts++;
	} else if (memcmp(eh->ether_dhost, nic->iface->mac,
	    ETHER_ADDR_LEN) != 0) {
		kern_drop("not_mine");
		pkt_free(p);
		return;
	}
	if ((m = m_frompkt(p, ETHER_HDR_LEN)) == NULL) {
		kern_drop("mbuf");
		return;
	}
	m->m_flags |= mflags;
	m->m_pkthdr.rcvif = ifp;
	/* A frame from the wire is not "pf generated" here. */
	m->m_pkthdr.pf.flags &= ~PF_TAG_GENERATED;
	if (if_input_enqueue(&ipintrq, m) != 0) {
		kern_drop("ipintrq");
		return;
	}
	schednetisr(NETISR_IP);
}

/* em(4): em_intr -> em_rxeof: the whole ring at once, no budget. */
static int
fw_nic_intr(void *arg)
{
	struct fw_nic *nic = arg;
	struct pkt *p;

	splassert(IPL_NET);
	nic->armed = 0;
	nic->st.intrs++;
	while ((p = pktq_get(&nic->ring)) != NULL) {
		kern_charge(KC_RX_FRAME, 1);
		fw_ether_input(nic, p);
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Softnet: ipintr, forwarding, local delivery                        */

/* The pf hook: charges the call and counts drops by pf's reason. */
static int
fw_pf_glue(int dir, struct ifnet *ifp, struct mbuf **m0,
    struct ether_header *eh)
{
	struct fw *fw = curvnet->vnet_fw;
	int r;

	kern_charge(KC_PF_TEST, 1);
	if (fw->mods.pf_test == NULL)
		return PF_PASS;		/* the pass-all stub */
	r = fw->mods.pf_test(dir, ifp, m0, eh);
	if (r != PF_PASS)
		kern_drop(fw->mods.pf_drop_reason != NULL ?
		    fw->mods.pf_drop_reason() : "pf_block");
	return r;
}

/* Charge what pf and pfsync report having done since the last step. */
static void
fw_step_hook(void *arg)
{
	struct fw *fw = arg;
	struct fw_pf_work pw;
	struct fw_pfsync_work sw;

	if (fw->mods.pf_work != NULL) {
		memset(&pw, 0, sizeof(pw));
		fw->mods.pf_work(&pw);
		kern_charge(KC_STATE_LOOKUP,
		    pw.state_searches - fw->pfw.state_searches);
		kern_charge(KC_STATE_INSERT,
		    pw.state_inserts - fw->pfw.state_inserts);
		kern_charge(KC_RULE_EVAL, pw.rule_evals - fw->pfw.rule_evals);
		fw->pfw = pw;
	}
	if (fw->mods.pfsync_work != NULL) {
		memset(&sw, 0, sizeof(sw));
		fw->mods.pfsync_work(&sw);
		kern_charge(KC_PFSYNC_PKT_OUT, sw.pkts_out - fw->psw.pkts_out);
		kern_charge(KC_PFSYNC_MSG_OUT, sw.msgs_out - fw->psw.msgs_out);
		kern_charge(KC_PFSYNC_MSG_IN, sw.msgs_in - fw->psw.msgs_in);
		fw->psw = sw;
	}
}

static int
fw_is_local(const struct fw *fw, u_int32_t dst)
{
	int i;

	if (IN_MULTICAST(dst) || dst == INADDR_BROADCAST)
		return 1;
	for (i = 0; i < fw->nnic; i++)
		if (fw->nic[i].ifn.if_addr == dst)
			return 1;
	return 0;
}

/* netinet/ip_input.c: ip_forward */
static void
fw_ip_forward(struct fw *fw, struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	uint64_t sent;

	kern_charge(KC_IP_FORWARD, 1);
	if (ip->ip_ttl <= 1) {
		kern_drop("ttl");	/* XXX no ICMP time exceeded */
		m_freem(m);
		return;
	}
	ip->ip_ttl--;
	sent = curvnet->vnet_stats.frames_queued;
	if (ip_output(m, NULL, NULL, IP_FORWARDING, NULL, NULL) == 0) {
		if (curvnet->vnet_stats.frames_queued != sent)
			fw->forwarded++;
		else
			fw->deferred++;	/* held by pfsync (PF_DEFER) */
	}
}

/* netinet/ip_input.c: ipv4_input, after the queue */
static void
fw_ip_input(struct fw *fw, struct mbuf *m)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	struct ether_header *eh =
	    (struct ether_header *)m->m_pkt->data;
	struct ip *ip = mtod(m, struct ip *);
	int hlen, len;

	hlen = ip->ip_hl << 2;
	len = ntohs(ip->ip_len);
	if (ip->ip_v != IPVERSION || hlen < (int)sizeof(struct ip) ||
	    hlen > m->m_len || in_cksum(ip, (uint32_t)hlen) != 0 ||
	    len < hlen || len > m->m_len) {
		kern_drop("bad_ip");
		m_freem(m);
		return;
	}
	if (m->m_len > len)
		m_adj(m, len - m->m_len);	/* Ethernet padding */

	if (fw_pf_glue(PF_IN, ifp, &m, eh) != PF_PASS) {
		m_freem(m);
		return;
	}
	if (m == NULL)
		return;
	ip = mtod(m, struct ip *);
	hlen = ip->ip_hl << 2;

	if (!fw_is_local(fw, ip->ip_dst.s_addr)) {
		fw_ip_forward(fw, m);
		return;
	}
	if (ip->ip_p == IPPROTO_PFSYNC && fw->mods.pfsync_input != NULL) {
		fw->local_pfsync++;
		kern_charge(KC_PFSYNC_PKT_IN, 1);
		fw->mods.pfsync_input(m, hlen);
		return;
	}
	kern_drop("local");	/* XXX no local stack */
	m_freem(m);
}

/* netinet/ip_input.c: ipintr, one packet per CPU step */
static int
fw_ipintr(void)
{
	struct fw *fw = curvnet->vnet_fw;
	struct mbuf *m;
	int s;

	splassert(IPL_SOFTNET);
	s = splnet();
	IF_DEQUEUE(&ipintrq, m);
	splx(s);
	if (m == NULL)
		return 0;
	kern_charge(KC_IP_INPUT, 1);
	fw_ip_input(fw, m);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Results                                                            */

static simtime_t
fw_elapsed(const struct fw *fw)
{
	return ev_now(fw->w->q) - fw->t0;
}

/* CPU time of every boot so far. */
static simtime_t
fw_busy_ns(const struct fw *fw, int level)
{
	const struct kern_cpu_stats *cs = kern_cpu_stats(fw->v);

	if (level < 0)
		return fw->acc.busy_total_ns + cs->busy_total_ns;
	return fw->acc.busy_ns[level] + cs->busy_ns[level];
}

double
fw_cpu_busy(const struct fw *fw)
{
	simtime_t el = fw_elapsed(fw);

	return el > 0 ? (double)fw_busy_ns(fw, -1) / el : 0;
}

double
fw_intr_rate(const struct fw *fw)
{
	simtime_t el = fw_elapsed(fw);
	uint64_t n = 0;
	int i;

	for (i = 0; i < fw->nnic; i++)
		n += fw->nic[i].st.intrs;
	return el > 0 ? (double)n * NS_PER_SEC / el : 0;
}

/* Drops by reason over every boot. */
static void
fw_drops(const struct fw *fw, struct kern_drops *d)
{
	int i;

	*d = fw->acc.drops;
	for (i = 0; i < fw->v->vnet_drops.n; i++)
		fw_drops_add(d, fw->v->vnet_drops.name[i],
		    fw->v->vnet_drops.count[i]);
}

static uint64_t
fw_drop_count(const struct kern_drops *d, const char *name)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->name[i], name) == 0)
			return d->count[i];
	return 0;
}

uint64_t
fw_drop_count_name(const struct fw *fw, const char *name)
{
	struct kern_drops d;

	fw_drops(fw, &d);
	return fw_drop_count(&d, name);
}

/* pfsync frames this firewall put on its wires, over the run. */
static uint64_t
fw_pfsync_sent(const struct fw *fw)
{
	uint64_t n = 0;
	int k;

	for (k = 0; k < fw->node->nifs; k++)
		n += fw->node->ifs[k]->port->st.tx_sync_frames;
	return n;
}

static uint64_t
fw_drops_total(const struct fw *fw)
{
	struct kern_drops d;
	uint64_t n = 0;
	int i;

	fw_drops(fw, &d);
	for (i = 0; i < d.n; i++)
		n += d.count[i];
	return n;
}

/* "power": the schedule as it happened. */
static void
fw_power_json(struct fw *fw, struct json *j)
{
	simtime_t off = fw->off_ns;
	char buf[16];
	int i, crashes = 0;

	if (!fw->powered)
		off += ev_now(fw->w->q) - fw->off_since;
	for (i = 0; i < fw->nrec; i++)
		crashes += fw->rec[i].what == FW_PWR_CRASH;
	json_obj_begin(j, "power");
	json_bool(j, "on", fw->powered != 0);
	json_uint(j, "crashes", (uint64_t)crashes);
	json_real(j, "off_s", (double)off / NS_PER_SEC);
	json_arr_begin(j, "events");
	for (i = 0; i < fw->nrec; i++) {
		struct fw_power_rec *r = &fw->rec[i];

		json_obj_begin(j, NULL);
		json_real(j, "t_s", (double)r->at / NS_PER_SEC);
		json_str(j, "what", fw_power_names[r->what]);
		snprintf(buf, sizeof(buf), "%08x", ntohl(r->hostid));
		json_str(j, "hostid", buf);
		if (r->what == FW_PWR_CRASH) {
			json_uint(j, "states_lost", r->states);
			json_uint(j, "frames_lost", r->queued);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static const char *const std_drops[] = {
	"rx_ring", "ipintrq", "congestion", "ifq", "pf_block",
	"pf_state_mismatch",
};

void
fw_report_json(struct fw *fw, struct json *j)
{
	const struct kern_cpu_stats *cs;
	struct kern_drops dd, *d = &dd;
	struct vnet *v = fw->v;
	simtime_t el = fw_elapsed(fw);
	uint64_t pkts = 0, queued = 0;
	size_t i;
	int n;
	char addr[INET_ADDRSTRLEN];
	struct in_addr ia;

	CURVNET_SET(v);
	cs = kern_cpu_stats(v);
	fw_drops(fw, d);
	json_obj_begin(j, NULL);
	json_str(j, "name", fw->name);
	json_str(j, "hw", fw->hw);
	if (!fw->powered) {
		/* Powered off: no pf, no pfsync (the last boot's counters
		 * died with it). */
		/* The configured engine (in a run, pfsync's key exists). */
		json_str(j, "pfsync_version", fw->sec != NULL &&
		    fw->run != NULL ? conf_str(fw->sec, "pfsync") : "off");
		if (fw->mods.pfsync_report_json != NULL)
			fw->mods.pfsync_report_json(fw, j);
	} else if (fw->mods.pfsync_report_json != NULL)
		fw->mods.pfsync_report_json(fw, j);
	else
		json_str(j, "pfsync_version", "off");
	if (fw->powered && fw->mods.pf_report_json != NULL)
		fw->mods.pf_report_json(fw, j);
	else {
		json_obj_begin(j, "pf");
		json_bool(j, "enabled", false);
		json_uint(j, "states", 0);
		json_uint(j, "state_mismatch", 0);
		json_uint(j, "blocked", 0);
		json_uint(j, "inserts", 0);
		json_uint(j, "removals", 0);
		json_obj_end(j);
	}
	fw_power_json(fw, j);
	json_real(j, "cpu_busy", fw_cpu_busy(fw));
	json_obj_begin(j, "cpu");
	json_real(j, "interrupt", el > 0 ?
	    (double)fw_busy_ns(fw, IPL_NET) / el : 0);
	json_real(j, "softnet", el > 0 ?
	    (double)fw_busy_ns(fw, IPL_SOFTNET) / el : 0);
	json_real(j, "softclock", el > 0 ?
	    (double)fw_busy_ns(fw, IPL_SOFTCLOCK) / el : 0);
	json_real(j, "process", el > 0 ?
	    (double)fw_busy_ns(fw, IPL_NONE) / el : 0);
	json_int(j, "busy_ns", fw_busy_ns(fw, -1));
	json_obj_end(j);

	json_obj_begin(j, "drops");
	for (i = 0; i < nitems(std_drops); i++)
		json_uint(j, std_drops[i], fw_drop_count(d, std_drops[i]));
	for (n = 0; n < d->n; n++) {
		for (i = 0; i < nitems(std_drops); i++)
			if (strcmp(d->name[n], std_drops[i]) == 0)
				break;
		if (i == nitems(std_drops))
			json_uint(j, d->name[n], d->count[n]);
	}
	json_obj_end(j);

	pkts = kern_pass_pkts(v);
	/* The histogram is the running boot's; the counts add up. */
	json_obj_begin(j, "softnet");
	json_uint(j, "passes", fw->acc.passes + cs->passes);
	json_uint(j, "passes_with_packets", fw->acc.passes_ip + cs->passes_ip);
	json_obj_begin(j, "pkts_per_pass");
	json_uint(j, "min", kern_pass_quantile(v, 0));
	json_uint(j, "median", kern_pass_quantile(v, 0.5));
	json_uint(j, "p99", kern_pass_quantile(v, 0.99));
	json_uint(j, "max", kern_pass_quantile(v, 1.0));
	json_real(j, "mean", cs->passes_ip ?
	    (double)pkts / cs->passes_ip : 0);
	json_obj_end(j);
	json_obj_end(j);

	json_real(j, "interrupts_per_sec", fw_intr_rate(fw));
	json_uint(j, "rx_frames", fw->rx_frames);
	json_uint(j, "forwarded", fw->forwarded);
	json_uint(j, "deferred", fw->deferred);
	json_uint(j, "pfsync_in", fw->local_pfsync);
	for (n = 0; n < fw->nnic; n++)
		queued += fw->nic[n].ring.len;
	queued += (uint64_t)ipintrq.ifq_len;
	json_uint(j, "queued_at_end", queued);

	json_arr_begin(j, "nics");
	for (n = 0; n < fw->nnic; n++) {
		struct fw_nic *nic = &fw->nic[n];

		ia.s_addr = nic->ifn.if_addr;
		inet_ntop(AF_INET, &ia, addr, sizeof(addr));
		json_obj_begin(j, NULL);
		json_str(j, "name", nic->ifn.if_xname);
		json_str(j, "net", nic->net);
		json_str(j, "addr", addr);
		json_uint(j, "rx_frames", nic->st.rx_frames);
		json_uint(j, "rx_bytes", nic->st.rx_bytes);
		json_uint(j, "tx_frames", nic->ifn.if_opackets);
		json_uint(j, "tx_bytes", nic->ifn.if_obytes);
		json_uint(j, "interrupts", nic->st.intrs);
		json_real(j, "interrupts_per_sec", el > 0 ?
		    (double)nic->st.intrs * NS_PER_SEC / el : 0);
		json_uint(j, "rx_ring_peak", nic->st.rx_ring_peak);
		json_uint(j, "ifq_drops", (uint64_t)nic->ifn.if_snd.ifq_drops);
		json_obj_end(j);
	}
	json_arr_end(j);

	json_obj_begin(j, "kern");
	json_uint(j, "splassert_failures", fw->acc.splassert_failures +
	    v->vnet_stats.splassert_failures);
	json_uint(j, "mbuf_alloc_fail", fw->acc.mbuf_alloc_fail +
	    v->vnet_stats.mbuf_alloc_fail);
	json_uint(j, "mbuf_peak", MAX(fw->acc.mbuf_peak,
	    v->vnet_mbpool.pr_maxout));
	json_uint(j, "timeouts_run", fw->acc.timeouts_run +
	    v->vnet_stats.timeouts_run);
	json_uint(j, "ip_output_errors", fw->acc.ip_output_errors +
	    v->vnet_stats.ip_output_errors);
	json_uint(j, "ipintrq_drops", fw->acc.ipintrq_drops +
	    (uint64_t)ipintrq.ifq_drops);
	json_obj_end(j);
	json_obj_end(j);
	CURVNET_RESTORE();
}

/* ------------------------------------------------------------------ */
/* model_type glue                                                    */

#define FOREACH_FW(fw, w, i)						\
	for ((i) = 0; (i) < (w)->nnodes; (i)++)				\
		if (((fw) = fw_of_node((w)->nodes[(i)])) != NULL)

int
fw_model_build(struct run *r, struct conf_section *sec, char *err,
    size_t errlen)
{
	return fw_create(r, sec, &fw_modules_default, err, errlen) != NULL ?
	    0 : -1;
}

void
fw_model_start(struct run *r)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i;

	FOREACH_FW(fw, w, i)
		fw_start(fw);
}

void
fw_model_stop(struct run *r)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i;

	FOREACH_FW(fw, w, i)
		fw_stop(fw);
}

void
fw_model_report_json(struct run *r, struct json *j)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i;

	json_arr_begin(j, "firewalls");
	FOREACH_FW(fw, w, i)
		fw_report_json(fw, j);
	json_arr_end(j);
	/* Every setting that departs from the seed's code, declared. */
	json_arr_begin(j, "departures_from_seed");
	FOREACH_FW(fw, w, i) {
		struct fw_departure d[8];
		int k, n = fw->mods.departures != NULL ?
		    fw->mods.departures(fw, d, 8) : 0;

		for (k = 0; k < n; k++) {
			json_obj_begin(j, NULL);
			json_str(j, "firewall", fw->name);
			json_str(j, "key", d[k].key);
			json_str(j, "value", d[k].value);
			json_str(j, "seed", d[k].seed);
			json_str(j, "from", d[k].origin);
			json_obj_end(j);
		}
	}
	json_arr_end(j);
}

int
fw_model_report_files(struct run *r, const char *dir)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i, rv = 0;

	FOREACH_FW(fw, w, i) {
		if (fw->mods.report_files == NULL)
			continue;
		CURVNET_SET(fw->v);
		if (fw->mods.report_files(fw, dir) != 0)
			rv = -1;
		CURVNET_RESTORE();
	}
	return rv;
}

void
fw_model_ts_header(struct run *r, FILE *f)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i;

	/* Counts in the interval end in _per_interval, fractions of it in
	 * _frac; states is the table's size at the sample. */
	FOREACH_FW(fw, w, i) {
		fprintf(f, ",%s_cpu_busy_frac,%s_forwarded_per_interval,"
		    "%s_drops_per_interval,%s_pf_drops_per_interval,"
		    "%s_pfsync_tx_per_interval,%s_states", fw->name, fw->name,
		    fw->name, fw->name, fw->name, fw->name);
		if (fw->mods.ts_header != NULL) {
			CURVNET_SET(fw->v);
			fw->mods.ts_header(fw, f);
			CURVNET_RESTORE();
		}
	}
}

void
fw_model_ts_row(struct run *r, FILE *f)
{
	struct world *w = run_world(r);
	struct fw *fw;
	simtime_t now = ev_now(w->q), busy;
	uint64_t drops;
	int i;

	FOREACH_FW(fw, w, i) {
		uint64_t pfd, ps;

		busy = fw_busy_ns(fw, -1);
		drops = fw_drops_total(fw);
		pfd = fw_drop_count_name(fw, "pf_block") +
		    fw_drop_count_name(fw, "pf_state_mismatch");
		ps = fw_pfsync_sent(fw);
		fputc(',', f);
		csv_real(f, now > fw->ts_t ?
		    (double)(busy - fw->ts_busy) / (now - fw->ts_t) : 0.0);
		fprintf(f, ",%llu,%llu,%llu,%llu,%u",
		    (unsigned long long)(fw->forwarded - fw->ts_fwd),
		    (unsigned long long)(drops - fw->ts_drops),
		    (unsigned long long)(pfd - fw->ts_pfdrops),
		    (unsigned long long)(ps - fw->ts_pfsync),
		    fw->powered && fw->v->vnet_pf != NULL ?
		    fw->v->vnet_pf->pf_status.states : 0);
		fw->ts_t = now;
		fw->ts_busy = busy;
		fw->ts_fwd = fw->forwarded;
		fw->ts_drops = drops;
		fw->ts_pfdrops = pfd;
		fw->ts_pfsync = ps;
		if (fw->mods.ts_row != NULL) {
			CURVNET_SET(fw->v);
			fw->mods.ts_row(fw, f);
			CURVNET_RESTORE();
		}
	}
}

void
fw_model_report_text(struct run *r, FILE *f)
{
	struct world *w = run_world(r);
	struct kern_drops d;
	struct fw *fw;
	uint64_t n;
	int i, k;

	FOREACH_FW(fw, w, i) {
		fprintf(f, "firewall %-8s cpu %5.1f%%  forwarded %llu  "
		    "drops %llu  pkts/pass median %u p99 %u  intr/s %.0f\n",
		    fw->name, 100 * fw_cpu_busy(fw),
		    (unsigned long long)fw->forwarded,
		    (unsigned long long)fw_drops_total(fw),
		    kern_pass_quantile(fw->v, 0.5),
		    kern_pass_quantile(fw->v, 0.99), fw_intr_rate(fw));
		for (k = 0; k < fw->nrec; k++) {
			struct fw_power_rec *rc = &fw->rec[k];

			fprintf(f, "  %s at %.3f s", fw_power_names[rc->what],
			    (double)rc->at / NS_PER_SEC);
			if (rc->what == FW_PWR_CRASH)
				fprintf(f, ": %u states and %llu frames lost",
				    rc->states, (unsigned long long)rc->queued);
			else
				fprintf(f, ": hostid %08x", ntohl(rc->hostid));
			fputc('\n', f);
		}
		if (!fw->powered)
			fprintf(f, "  powered off at the end\n");
		fw_drops(fw, &d);
		if ((n = fw_drop_count(&d, "pf_memory")) > 0)
			fprintf(f, "  state table full: %llu packets dropped "
			    "(pf.states)\n", (unsigned long long)n);
		if (fw->powered && fw->mods.report_text != NULL) {
			CURVNET_SET(fw->v);
			fw->mods.report_text(fw, f);
			CURVNET_RESTORE();
		}
		if (fw->mods.departures != NULL) {
			struct fw_departure d[8];
			int n = fw->mods.departures(fw, d, 8);

			for (k = 0; k < n; k++)
				fprintf(f, "  departs from the seed: %s = %s "
				    "(seed: %s; %s)\n", d[k].key, d[k].value,
				    d[k].seed, d[k].origin);
		}
	}
}

/*
 * The most memory a [firewall] can take, for sim.mem_limit: a full state
 * table (pf.states, each state a pf_state, one key and one key item from
 * malloc, ~16 bytes of malloc overhead each; no NAT, so one key), its
 * mbuf headers (nmbclust), the ruleset (its rules expanded and counted,
 * not made: pf_rules_mem_estimate) and the node itself. Frames are the
 * engine's (sim.pkt_limit). Needs pf's keys in the section's table. pf is
 * reached through fw->mods elsewhere; here there is no fw yet, so the
 * ruleset is counted when pf is linked in (weak, as pf_ioctl.c's
 * run_conf), as it is in ./sim.
 */
#pragma weak pf_rules_mem_estimate
uint64_t
fw_model_mem_estimate(const struct conf_section *sec)
{
	const struct fw_profile *prof = fw_profile(conf_str(sec, "hw"));
	uint64_t per_state, states, mbufs, rules = 0;

	per_state = sizeof(struct pf_state) + sizeof(struct pf_state_key) +
	    sizeof(struct pf_state_item) + 3 * 16;
	states = (uint64_t)conf_int(sec, "pf.states");
	mbufs = conf_isset(sec, "nmbclust") ?
	    (uint64_t)conf_int(sec, "nmbclust") :
	    (uint64_t)(prof != NULL ? prof->nmbclust : 0);
	if (pf_rules_mem_estimate != NULL)
		rules = pf_rules_mem_estimate(sec);
	return states * per_state + mbufs * (sizeof(struct mbuf) + 16) +
	    rules + sizeof(struct fw) + sizeof(struct vnet) + 64 * 1024;
}

void
fw_model_destroy(struct run *r)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i;

	if (w == NULL)
		return;
	FOREACH_FW(fw, w, i)
		fw_destroy(fw);
}
