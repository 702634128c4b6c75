/*
 * The firewall node (see fw.h): built from its [firewall] section (NICs,
 * routes, the power schedule, the first kernel, pf and pfsync), started,
 * stopped and torn down; the accessors of fw.h. The forwarding path is in
 * fw_path.c, power events in fw_power.c, the results in fw_report.c and
 * the engine's model_type glue in fw_model.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/fw/fw_var.h"

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
	if (!node_is(n, FW_NODE_KIND))
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
	const char *dev = fw->mods.pfsync_syncnet != NULL ?
	    fw->mods.pfsync_syncnet((struct fw *)fw) : "sync";

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
		return conf_key_error(err, errlen, fw->sec, "nets",
		    "no [net %s]", net);
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
		return conf_key_error(err, errlen, fw->sec, "nets",
		    "cannot attach to net %s (too many ports)", net);
	sim_set_input(nic->iface, fw_rx, nic);
	iface_set_tx_tap(nic->iface, fw_tx_tap, nic);
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
		return conf_key_error(err, errlen, fw->sec, "nets",
		    "cannot open the capture of %s", ifp->if_xname);
	return 0;
}

/* The kernel of boot n (0 = the first): its own random stream, so that
 * each boot has its own hostid, clock phase and arc4random. */
struct vnet *
fw_kern_create(struct fw *fw, int n)
{
	uint64_t seed = fw->w->seed;
	struct vnet *v;

	if (n > 0)
		seed ^= 0x9e3779b97f4a7c15ULL * (uint64_t)n;
	v = kern_vnet_create(fw->w, fw->node, seed, fw->name, &fw->kp);
	if (v == NULL)
		return NULL;
	v->vnet_fw = fw;
	fw->v = v;
	fw->node->model = fw;
	fw->node->ctx = v;
	return v;
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
		return conf_key_error(err, errlen, fw->sec, key,
		    "%s: expected a duration", word);
	if (fw->npwr == (int)nitems(fw->pwr))
		return conf_key_error(err, errlen, fw->sec, key,
		    "more than %d crashes", FW_MAXPOWER);
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
		return conf_key_error(err, errlen, fw->sec, "crash",
		    "a crash at %.9gs comes before boot",
		    (double)fw->pwr[0].at / NS_PER_SEC);
	on = fw->npwr == 0 || fw->pwr[0].what != FW_PWR_BOOT;
	for (i = fw->pwr[0].what == FW_PWR_BOOT ? 1 : 0; i < fw->npwr; i++) {
		if (fw->pwr[i].what == FW_PWR_CRASH && !on)
			return conf_key_error(err, errlen, fw->sec, "crash",
			    "a crash at %.9gs finds the firewall off (crash "
			    "and reboot times must alternate, after boot)",
			    (double)fw->pwr[i].at / NS_PER_SEC);
		if (fw->pwr[i].what != FW_PWR_CRASH && on)
			return conf_key_error(err, errlen, fw->sec, "reboot",
			    "a reboot at %.9gs finds the firewall running "
			    "(each reboot needs an earlier crash)",
			    (double)fw->pwr[i].at / NS_PER_SEC);
		if (fw->pwr[i].at <= (i > 0 ? fw->pwr[i - 1].at : 0) &&
		    fw->pwr[i].what == FW_PWR_REBOOT)
			return conf_key_error(err, errlen, fw->sec, "reboot",
			    "a reboot at %.9gs is not after its crash",
			    (double)fw->pwr[i].at / NS_PER_SEC);
		on = !on;
	}
	return 0;
}

/* pf, then pfsync, on curvnet (at build and at every reboot). */
int
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
		if (node_is(w->nodes[i], FW_NODE_KIND))
			fw->ordinal++;
	snprintf(fw->hw, sizeof(fw->hw), "%s",
	    sec != NULL ? conf_str(sec, "hw") :
	    param_default_str(fw_params, "hw"));
	if ((prof = fw_profile(fw->hw)) == NULL) {
		conf_key_error(err, errlen, fw->sec, "hw", "unknown profile %s",
		    fw->hw);
		goto fail;
	}

	kern_params_default(&kp);
	if (kern_cost_profile(&kp, fw->hw) != 0) {
		conf_key_error(err, errlen, fw->sec, "hw",
		    "no cost table for %s", fw->hw);
		goto fail;
	}
	kp.kp_hz = (int)cfg_int(fw, "hz", prof->p_hz);
	kp.ipintrq_max = (int)cfg_int(fw, "ipintrq", prof->p_ipintrq);
	kp.nmbclust = (int)cfg_int(fw, "nmbclust", prof->nmbclust);
	kp.splassert_ctl = (int)cfg_int(fw, "splassert",
	    param_default_int(fw_params, "splassert"));
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
	sim_stream(w, &fw->nic_rng, key);
	fw->nic_phase = w->variability &&
	    (sec == NULL || conf_bool(sec, "nic.random_phase"));
	if (w->variability && sec != NULL)
		kp.cost_spread = conf_real(sec, "cost.spread");

	if ((fw->node = node_create(w, name, FW_NODE_KIND)) == NULL) {
		conf_key_error(err, errlen, fw->sec, NULL, "too many nodes");
		goto fail;
	}
	fw->kp = kp;
	ev_init(&fw->pwr_ev, fw_power_ev, fw, NULL);
	if (fw_kern_create(fw, 0) == NULL) {
		conf_key_error(err, errlen, fw->sec, NULL, "out of memory");
		goto fail;
	}
	fw->t0 = sim_now(w);

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
			conf_key_error(err, errlen, fw->sec, "nets",
			    "more than %d nets", NODE_MAXIF);
			goto fail_vnet;
		}
		if (fw_nic_attach(fw, n, word, err, errlen) != 0)
			goto fail_vnet;
		fw->nnic = ++n;
	}
	if (n == 0) {
		conf_key_error(err, errlen, fw->sec, "nets",
		    "at least one net is needed");
		goto fail_vnet;
	}
	if (sec != NULL)
		for (i = 0; conf_list_at(sec, "route", i, word,
		    sizeof(word)) != NULL; i++)
			if (fw_add_route(fw, word) != 0) {
				conf_key_error(err, errlen, fw->sec, "route",
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
	sim_cancel(fw->w, &fw->pwr_ev);
	if (fw->v != NULL) {
		CURVNET_SET(fw->v);
		if (fw->mods.destroy != NULL)
			fw->mods.destroy(fw);
		for (i = 0; i < fw->nnic; i++) {
			sim_cancel(fw->w, &fw->nic[i].intr_ev);
			pktq_purge(&fw->nic[i].ring);
			if (fw->nic[i].iface != NULL) {
				sim_set_input(fw->nic[i].iface, NULL, NULL);
				iface_set_tx_tap(fw->nic[i].iface, NULL,
				    NULL);
			}
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
	fw->t0 = sim_now(fw->w);
	fw->ts_t = fw->t0;
	if (fw->npwr > 0 && sim_schedule_bounded(fw->w, &fw->pwr_ev,
	    fw->pwr[0].at) != 0)
		panic("fw: cannot schedule the power events");
	if (fw->powered && fw->mods.start != NULL) {
		CURVNET_SET(fw->v);
		fw->mods.start(fw);
		CURVNET_RESTORE();
	}
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
