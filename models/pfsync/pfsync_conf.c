/*
 * pfsync as a model: the [firewall] parameters, attach/detach (what
 * "ifconfig pfsync0 syncdev ... up" does at boot), and the results
 * (summary.json's "pfsync" object and netstat -s -p pfsync text).
 */

#include "models/pfsync/pfsync_var.h"

/*
 * The smallest pfsync.mtu: a packet that holds one full state (v5:
 * PFSYNC_MINPKT + a subheader + the state; v4's header is smaller). The
 * seed's SIOCSIFMTU takes anything over PFSYNC_MINPKT; below this a
 * packet holds no state and pfsync_q_ins sends each one over the MTU
 * (v4 divides by its zero sc_maxcount).
 */
#define PFSYNC_CONF_MINMTU	((int)(PFSYNC_MINPKT + \
	sizeof(struct pfsync_subheader) + sizeof(struct pfsync_state)))
_Static_assert(PFSYNC_CONF_MINMTU == 308, "pfsync.mtu's help says 308");
_Static_assert(sizeof(struct pfsync4_header) + sizeof(struct pfsync_state) <=
    PFSYNC_CONF_MINMTU, "v4 fits a state in pfsync.mtu's minimum");
_Static_assert(MCLBYTES == 2048, "pfsync.mtu's help says 2048");

const struct param_spec pfsync_params[] = {
	{ "firewall", "pfsync", PT_ENUM, 0, 0, "v5", "v5|v4|v4-split|off",
	    "pfsync engine: v5 (the thesis), v4 (before it), v4-split "
	    "(v4 + split detection), off" },
	{ "firewall", "pfsync.syncdev", PT_STRING, 0, 0, "sync", NULL,
	    "net (or interface) pfsync runs on; the default \"sync\" is "
	    "optional, a named one must exist" },
	{ "firewall", "pfsync.syncpeer", PT_STRING, 0, 0, "224.0.0.240", NULL,
	    "where packets go: the pfsync group or a unicast IPv4 peer" },
	{ "firewall", "pfsync.maxupdates", PT_INT, 0, 255, "128", NULL,
	    "local updates of one queued state that force a send" },
	{ "firewall", "pfsync.defer", PT_BOOL, 0, 0, "yes", NULL,
	    "hold a new state's first packet until an insert ack or 10 "
	    "ticks (v5, v4-split)" },
	{ "firewall", "pfsync.defer_kick", PT_BOOL, 0, 0, "no", NULL,
	    "pfsync_defer also schedules the pfsync netisr, so the INS asking "
	    "for an ack leaves at once (later OpenBSD); no: the thesis diff, "
	    "where it waits for another send or the 1 s timer" },
	{ "firewall", "pfsync.mtu", PT_INT, PFSYNC_CONF_MINMTU, MCLBYTES,
	    "1500", NULL,
	    "pfsync0's MTU, the largest pfsync IP datagram; at least one "
	    "state: IP 20 + header 20 + subheader 4 + state 240 + EOF 20 "
	    "(OpenBSD takes 65 and sends a lone state over it)" },
	{ "firewall", "pfsync.bulk_on_up", PT_BOOL, 0, 0, "yes", NULL,
	    "ask peers for a bulk update when configured (OpenBSD 4.5; the "
	    "thesis diff has this under #if 0: no)" },
	{ "firewall", "pfsync.bulk_pace", PT_ENUM, 0, 0, "burst", "burst|tick",
	    "bulk update: burst (the seed and 4.5: all at once) or tick (one "
	    "packet per tick; the joiner then waits 4 s + states/5 ticks)" },
	{ "firewall", "pfsync.merge", PT_ENUM, 0, 0, "seed", "seed|peer|field",
	    "TCP update merge: seed (thesis), peer (each newer half), "
	    "field (each newer field)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

static void	pfsync_config_values(struct pfsync_config *,
		    const struct conf_section *);

static const char *const pfsync_version_names[] = {
	[PFSYNC_V5] = "v5",
	[PFSYNC_V4] = "v4",
	[PFSYNC_V4_SPLIT] = "v4-split",
	[PFSYNC_OFF] = "off",
};

/*
 * pfsync_params' defaults; no sync device (the table's "sync" is a
 * scenario's, where it is optional) and the pfsync group as peer.
 */
void
pfsync_config_default(struct pfsync_config *c)
{
	memset(c, 0, sizeof(*c));
	pfsync_config_values(c, NULL);
}

int
pfsync_departures(const struct pfsync_config *c, struct pfsync_departure *out,
    int max)
{
	static const char *const merges[] = {
		[PFSYNC_MERGE_SEED] = "seed", [PFSYNC_MERGE_PEER] = "peer",
		[PFSYNC_MERGE_FIELD] = "field",
	};
	struct pfsync_departure d[5];
	int n = 0, i;

	if (c->version != PFSYNC_V5)
		return (0);
	if (c->bulk_on_up)
		d[n++] = (struct pfsync_departure){ "pfsync.bulk_on_up",
		    "yes", "no",
		    "OpenBSD 4.5 if_pfsync.c (P110) asks for a bulk update "
		    "when pfsync is configured; the seed has it under #if 0" };
	if (!c->defer)
		d[n++] = (struct pfsync_departure){ "pfsync.defer", "no",
		    "yes", "the defer flag of OpenBSD 4.6; the seed always "
		    "defers" };
	if (c->defer_kick)
		d[n++] = (struct pfsync_departure){ "pfsync.defer_kick",
		    "yes", "no", "later OpenBSD: pfsync_defer schedules the "
		    "pfsync netisr" };
	if (c->merge != PFSYNC_MERGE_SEED)
		d[n++] = (struct pfsync_departure){ "pfsync.merge",
		    merges[c->merge], "seed",
		    c->merge == PFSYNC_MERGE_PEER ?
		    "later OpenBSD pfsync_upd_tcp: each peer half merged on "
		    "its own" : "pfsim: each field's newer value" };
	if (c->bulk_pace != PFSYNC_PACE_BURST)
		d[n++] = (struct pfsync_departure){ "pfsync.bulk_pace",
		    "tick", "burst", "pfsim: one bulk packet per tick, as "
		    "pfsync v4 (rev 1.102) paces its bulk update" };
	for (i = 0; i < n && i < max; i++)
		out[i] = d[i];
	return (n < max ? n : max);
}

/* A key of sec, or its pfsync_params default when sec is NULL. */
static int64_t
pfsync_conf_int(const struct conf_section *sec, const char *key)
{
	return (sec != NULL ? conf_int(sec, key) :
	    param_default_int(pfsync_params, key));
}

static const char *
pfsync_conf_str(const struct conf_section *sec, const char *key)
{
	return (sec != NULL ? conf_str(sec, key) :
	    param_default_str(pfsync_params, key));
}

/* Every key but syncdev and syncpeer, which cannot fail to read. */
static void
pfsync_config_values(struct pfsync_config *c, const struct conf_section *sec)
{
	const char *v;
	int i;

	v = pfsync_conf_str(sec, "pfsync");
	for (i = 0; i < (int)nitems(pfsync_version_names); i++)
		if (strcmp(v, pfsync_version_names[i]) == 0)
			c->version = i;
	c->maxupdates = (int)pfsync_conf_int(sec, "pfsync.maxupdates");
	c->defer = pfsync_conf_int(sec, "pfsync.defer") != 0;
	c->mtu = (int)pfsync_conf_int(sec, "pfsync.mtu");
	c->bulk_on_up = pfsync_conf_int(sec, "pfsync.bulk_on_up") != 0;
	c->defer_kick = pfsync_conf_int(sec, "pfsync.defer_kick") != 0;
	c->bulk_pace = strcmp(pfsync_conf_str(sec, "pfsync.bulk_pace"),
	    "tick") == 0 ? PFSYNC_PACE_TICK : PFSYNC_PACE_BURST;
	v = pfsync_conf_str(sec, "pfsync.merge");
	if (strcmp(v, "peer") == 0)
		c->merge = PFSYNC_MERGE_PEER;
	else if (strcmp(v, "field") == 0)
		c->merge = PFSYNC_MERGE_FIELD;
	else
		c->merge = PFSYNC_MERGE_SEED;
}

int
pfsync_config_read(struct pfsync_config *c, struct conf_section *sec,
    char *err, size_t errlen)
{
	const char *v;
	struct in_addr a;

	pfsync_config_default(c);
	if (sec == NULL)
		return (0);
	pfsync_config_values(c, sec);

	v = conf_str(sec, "pfsync.syncdev");
	if (strlen(v) >= sizeof(c->syncdev))
		return (conf_key_error(err, errlen, sec, "pfsync.syncdev",
		    "'%s': name too long", v));
	strlcpy(c->syncdev, v, sizeof(c->syncdev));

	v = conf_str(sec, "pfsync.syncpeer");
	if (inet_pton(AF_INET, v, &a) != 1)
		return (conf_key_error(err, errlen, sec, "pfsync.syncpeer",
		    "'%s': expected an IPv4 address", v));
	c->syncpeer = a.s_addr == INADDR_PFSYNC_GROUP ? 0 : a.s_addr;
	return (0);
}

/*
 * The firewall's interface on the net named name (the engine segment an
 * interface is attached to), else the interface called name.
 */
struct ifnet *
pfsync_find_syncdev(const char *name)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &curvnet->vnet_ifnet, if_list) {
		if (ifp->if_iface != NULL && ifp->if_iface->seg != NULL &&
		    strcmp(ifp->if_iface->seg->name, name) == 0)
			return (ifp);
	}
	return (ifunit(name));
}

/*
 * ifconfig pfsync0 mtu M syncdev D syncpeer P maxupd N [-]defer up. On
 * error *keyp names the [firewall] key at fault and err says what.
 */
static int
pfsync5_attach(const struct pfsync_config *c, int syncdev_optional,
    const char **keyp, char *err, size_t errlen)
{
	struct pfsync_softc *sc;
	struct pfsyncreq pfsyncr;
	struct ifreq ifr;
	int error;

	if ((sc = pfsync_clone_create(0)) == NULL) {
		*keyp = "pfsync";
		snprintf(err, errlen, "out of memory");
		return (-1);
	}

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = c->mtu;
	if ((error = pfsyncioctl(&sc->sc_if, SIOCSIFMTU, (caddr_t)&ifr))) {
		*keyp = "pfsync.mtu";
		snprintf(err, errlen, "%d: %s", c->mtu, strerror(error));
		return (-1);
	}

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_UP;
	(void)pfsyncioctl(&sc->sc_if, SIOCSIFFLAGS, (caddr_t)&ifr);

	memset(&pfsyncr, 0, sizeof(pfsyncr));
	if (c->syncdev[0] != '\0' && (pfsync_find_syncdev(c->syncdev) !=
	    NULL || !syncdev_optional))
		strlcpy(pfsyncr.pfsyncr_syncdev, c->syncdev, IFNAMSIZ);
	pfsyncr.pfsyncr_syncpeer.s_addr = c->syncpeer;
	pfsyncr.pfsyncr_maxupdates = c->maxupdates;
	pfsyncr.pfsyncr_defer = c->defer;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (caddr_t)&pfsyncr;
	if ((error = pfsyncioctl(&sc->sc_if, SIOCSETPFSYNC, (caddr_t)&ifr))) {
		*keyp = "pfsync.syncdev";
		if (error == EINVAL && pfsyncr.pfsyncr_syncdev[0] != '\0')
			snprintf(err, errlen, "no interface of this firewall "
			    "on \"%s\"", c->syncdev);
		else
			snprintf(err, errlen, "\"%s\": %s", c->syncdev,
			    strerror(error));
		return (-1);
	}
	return (0);
}

/* Attach as c says; on error *keyp names the key at fault, err what. */
static int
pfsync_attach_config_opt(struct vnet *v, const struct pfsync_config *c,
    int syncdev_optional, const char **keyp, char *err, size_t errlen)
{
	struct pfsync_vnet *pv;
	struct pfsync_config cc = *c;
	int rv = 0;

	CURVNET_SET(v);
	*keyp = "pfsync";
	if (v->vnet_pfsync != NULL) {
		snprintf(err, errlen, "attached twice");
		CURVNET_RESTORE();
		return (-1);
	}
	if ((pv = calloc(1, sizeof(*pv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		CURVNET_RESTORE();
		return (-1);
	}
	/* the v4 engine counts 0 as "no limit", v5 as "always"
	 * (docs/ref/pfsync-v5-engine.md §7, R17) */
	pv->pv_conf = cc;
	pv->pv_sync_ok = 1;
	pv->pv_defer = 10;	/* if_pfsync.c (seed): int defer = 10 */
	v->vnet_pfsync = pv;

	/* pf's hooks and the input: the engine's, once (off: v5's, no
	 * pfsync0, as a kernel with the pfsync device and no interface) */
	switch (cc.version) {
	case PFSYNC_V5:
		pfsync_pointers_init();
		rv = pfsync5_attach(&cc, syncdev_optional, keyp, err,
		    errlen);
		break;
	case PFSYNC_V4:
	case PFSYNC_V4_SPLIT:
		pfsync4_pointers_init();
		if (cc.syncdev[0] != '\0' && syncdev_optional &&
		    pfsync_find_syncdev(cc.syncdev) == NULL)
			cc.syncdev[0] = '\0';
		rv = pfsync4_attach(&cc, keyp, err, errlen);
		break;
	case PFSYNC_OFF:
		pfsync_pointers_init();
		break;
	}
	/* the one registration of the pfsync netisr; v4 has none */
	if (rv == 0 && cc.version == PFSYNC_V5)
		netisr_register(NETISR_PFSYNC, pfsyncintr);
	CURVNET_RESTORE();
	if (rv != 0)
		pfsync_detach(v);
	return (rv);
}

int
pfsync_attach_config(struct vnet *v, const struct pfsync_config *c,
    char *err, size_t errlen)
{
	const char *key = "pfsync";
	char msg[200];

	if (pfsync_attach_config_opt(v, c, 0, &key, msg, sizeof(msg)) != 0)
		return (conf_key_error(err, errlen, NULL, key, "%s", msg));
	return (0);
}

int
pfsync_attach(struct vnet *v, struct conf_section *sec, char *err,
    size_t errlen)
{
	struct pfsync_config c;
	const char *key = "pfsync";
	char msg[200];

	if (pfsync_config_read(&c, sec, err, errlen) != 0)
		return (-1);
	if (pfsync_attach_config_opt(v, &c, sec == NULL ||
	    !conf_isset(sec, "pfsync.syncdev"), &key, msg, sizeof(msg)) != 0)
		return (conf_key_error(err, errlen, sec, key, "%s", msg));
	return (0);
}

void
pfsync_detach(struct vnet *v)
{
	struct pfsync_vnet *pv = v->vnet_pfsync;

	if (pv == NULL)
		return;
	CURVNET_SET(v);
	if (pv->pv_pfsyncif != NULL)
		pfsync_clone_destroy(&pv->pv_pfsyncif->sc_if);
	if (pv->pv_pfsync4if != NULL)
		pfsync4_detach();
	pfsync_pointers_uninit();
	netisr_register(NETISR_PFSYNC, NULL);
	v->vnet_pfsync = NULL;
	free(pv);
	CURVNET_RESTORE();
}

void
pfsync_proto_input(struct mbuf *m, int iphlen)
{
	if (V_pfsync == NULL) {
		m_freem(m);
		return;
	}
	V_pfsync_input_ptr(m, iphlen);
}

const char *
pfsync_version_name(const struct vnet *v)
{
	if (v == NULL || v->vnet_pfsync == NULL)
		return ("off");
	return (pfsync_version_names[v->vnet_pfsync->pv_conf.version]);
}

int
pfsync_sync_ok(const struct vnet *v)
{
	return (v->vnet_pfsync != NULL && v->vnet_pfsync->pv_sync_ok);
}

uint64_t
pfsync_msgs_out(const struct vnet *v)
{
	const struct pfsync_vnet *pv = v->vnet_pfsync;
	uint64_t n = 0;
	int i;

	if (pv == NULL)
		return (0);
	for (i = 0; i < PFSYNC_ACT_MAX; i++)
		if (i != PFSYNC_ACT_EOF)
			n += pv->pv_st.tx_msgs[i];
	return (n);
}

uint64_t
pfsync_msgs_in(const struct vnet *v)
{
	const struct pfsync_vnet *pv = v->vnet_pfsync;
	uint64_t n = 0;
	int i;

	if (pv == NULL)
		return (0);
	for (i = 0; i < PFSYNC_ACT_MAX; i++)
		if (i != PFSYNC_ACT_EOF)
			n += pv->pv_st.rx_msgs[i];
	return (n);
}

void
pfsync_work(const struct vnet *v, uint64_t *pkts_out, uint64_t *msgs_out,
    uint64_t *pkts_in, uint64_t *msgs_in)
{
	const struct pfsync_vnet *pv = v->vnet_pfsync;

	*pkts_out = pv ? pv->pv_st.tx_packets : 0;
	*msgs_out = pfsync_msgs_out(v);
	*pkts_in = pv ? pv->pv_pkts_in : 0;
	*msgs_in = pfsync_msgs_in(v);
}

/* ------------------------------------------------------------------ */
/* Results                                                             */

/* Message names in summary.json, by v5 action number. */
static const char *const pfsync_msg_names[PFSYNC_ACT_MAX] = {
	[PFSYNC_ACT_CLR] = "clr",
	[PFSYNC_ACT_INS] = "ins",
	[PFSYNC_ACT_INS_ACK] = "iack",
	[PFSYNC_ACT_UPD] = "upd",
	[PFSYNC_ACT_UPD_C] = "upd_c",
	[PFSYNC_ACT_UPD_REQ] = "ureq",
	[PFSYNC_ACT_DEL] = "del",
	[PFSYNC_ACT_DEL_C] = "del_c",
	[PFSYNC_ACT_INS_F] = "ins_f",
	[PFSYNC_ACT_DEL_F] = "del_f",
	[PFSYNC_ACT_BUS] = "bus",
	[PFSYNC_ACT_TDB] = "tdb",
	[PFSYNC_ACT_EOF] = "eof",
};

static const char *const pfsync_txr_names[PFSYNC_TXR_MAX] = {
	[PFSYNC_TXR_OTHER] = "other",
	[PFSYNC_TXR_NETISR] = "netisr",
	[PFSYNC_TXR_TIMER] = "timer",
	[PFSYNC_TXR_FULL] = "full",
	[PFSYNC_TXR_PLUS] = "clr_bus",
	[PFSYNC_TXR_MAXUPD] = "maxupdates",
	[PFSYNC_TXR_SWITCH] = "action_switch",
	[PFSYNC_TXR_INPUT] = "input_reply",
	[PFSYNC_TXR_SPLIT] = "immediate",
	[PFSYNC_TXR_BULK] = "bulk",
};

static const char *const pfsync_stale_names[PFSYNC_STALE_MAX] = {
	[1] = "src_state",
	[2] = "dst_state",
	[3] = "src_seqlo",
	[4] = "dst_seqlo",
	[5] = "other_src_state",
	[6] = "other_dst_state",
	[7] = "partial_dst_state",
	[8] = "peer_partial",
	[9] = "field_partial",
	[10] = "nothing_newer",
};

#define PFSYNCSTATS_FIELDS(X)						\
	X(ipackets) X(ipackets6) X(badif) X(badttl) X(hdrops)		\
	X(badver) X(badact) X(badlen) X(badauth) X(stale) X(badval)	\
	X(badstate) X(opackets) X(opackets6) X(onomem) X(oerrors)

static void
pfsync_json_msgs(struct json *j, const char *key, const u_int64_t *m)
{
	int i;

	json_obj_begin(j, key);
	for (i = 0; i < PFSYNC_ACT_MAX; i++) {
		/* INS_F and DEL_F do not exist on the wire */
		if (i == PFSYNC_ACT_INS_F || i == PFSYNC_ACT_DEL_F)
			continue;
		json_uint(j, pfsync_msg_names[i], m[i]);
	}
	json_obj_end(j);
}

/* Two lines of the human summary: what pfsync sent, per action. */
void
pfsync_report_text(struct vnet *v, FILE *f)
{
	struct pfsync_vnet *pv = v->vnet_pfsync;
	struct pfsync_simstats *st;
	u_int64_t stale = 0;
	int i;

	if (pv == NULL || strcmp(pfsync_version_name(v), "off") == 0) {
		fprintf(f, "  pfsync off\n");
		return;
	}
	st = &pv->pv_st;
	for (i = 1; i < PFSYNC_STALE_MAX; i++)
		stale += st->stale[i];
	fprintf(f, "  pfsync %-8s sent %llu pkts %llu bytes, received %llu; "
	    "stale %llu; deferred %llu (acked %llu, timeout %llu)\n",
	    pfsync_version_name(v), (unsigned long long)st->tx_packets,
	    (unsigned long long)st->tx_bytes,
	    (unsigned long long)st->rx_packets, (unsigned long long)stale,
	    (unsigned long long)st->defer_held,
	    (unsigned long long)st->defer_acked,
	    (unsigned long long)st->defer_timeout);
	fprintf(f, "    messages sent:");
	for (i = 0; i < PFSYNC_ACT_MAX; i++)
		if (st->tx_msgs[i] != 0)
			fprintf(f, " %s %llu", pfsync_msg_names[i],
			    (unsigned long long)st->tx_msgs[i]);
	fputc('\n', f);
}

void
pfsync_report_json(struct vnet *v, struct json *j)
{
	/* v == NULL: a firewall that is off: every key, zero. */
	struct pfsync_vnet *pv = v != NULL ? v->vnet_pfsync : NULL;
	struct pfsync_simstats z, *st;
	struct pfsyncstats zs, *ps;
	u_int64_t stale = 0;
	u_int pending = 0;
	int i;

	memset(&z, 0, sizeof(z));
	memset(&zs, 0, sizeof(zs));
	st = pv ? &pv->pv_st : &z;
	ps = pv ? &pv->pv_pfsyncstats : &zs;
	if (pv && pv->pv_pfsyncif)
		pending = pv->pv_pfsyncif->sc_deferred;
	else if (pv && pv->pv_pfsync4if)
		pending = pv->pv_pfsync4if->sc_deferred;

	json_obj_begin(j, "pfsync");
	json_str(j, "version", pfsync_version_name(v));
	json_uint(j, "tx_packets", st->tx_packets);
	json_uint(j, "tx_bytes", st->tx_bytes);
	json_uint(j, "rx_packets", st->rx_packets);
	json_uint(j, "rx_bytes", st->rx_bytes);
	pfsync_json_msgs(j, "tx_messages", st->tx_msgs);
	pfsync_json_msgs(j, "rx_messages", st->rx_msgs);

	json_obj_begin(j, "tx_reasons");
	for (i = 0; i < PFSYNC_TXR_MAX; i++)
		json_uint(j, pfsync_txr_names[i], st->tx_reason[i]);
	json_obj_end(j);

	json_obj_begin(j, "deferred");
	json_uint(j, "held", st->defer_held);
	json_uint(j, "acked", st->defer_acked);
	json_uint(j, "timeout", st->defer_timeout);
	json_uint(j, "dropped", st->defer_dropped);
	json_uint(j, "released_local", st->defer_local);
	json_uint(j, "released_overflow", st->defer_overflow);
	json_uint(j, "released_destroy", st->defer_destroy);
	json_uint(j, "not_held_nomem", st->defer_nomem);
	json_uint(j, "pending", pending);
	json_obj_end(j);

	for (i = 1; i < PFSYNC_STALE_MAX; i++)
		stale += st->stale[i];
	json_obj_begin(j, "stale");
	json_uint(j, "total", stale);
	for (i = 1; i < PFSYNC_STALE_MAX; i++)
		json_uint(j, pfsync_stale_names[i], st->stale[i]);
	/* Echoes are inside tx_messages.upd/upd_c: this says how many. */
	json_uint(j, "echoes", st->echoes);
	json_obj_end(j);

	json_obj_begin(j, "bulk");
	json_uint(j, "requests_sent", st->bulk_req_sent);
	json_uint(j, "retries", st->bulk_retries);
	json_uint(j, "gave_up", st->bulk_gave_up);
	json_uint(j, "requests_received", st->bulk_req_received);
	json_uint(j, "states_sent", st->bulk_states_sent);
	json_uint(j, "start_sent", st->bulk_start_sent);
	json_uint(j, "end_sent", st->bulk_end_sent);
	json_uint(j, "start_received", st->bulk_start_rcvd);
	json_uint(j, "end_received", st->bulk_end_rcvd);
	json_uint(j, "completed", st->bulk_done);
	json_uint(j, "bad_end", st->bulk_bad_end);
	if (st->bulk_done)
		json_real(j, "time_to_complete_s",
		    (double)st->bulk_time_ns / 1e9);
	json_bool(j, "sync_ok", pv ? pv->pv_sync_ok != 0 : true);
	json_obj_end(j);

	json_uint(j, "update_requests_sent", st->upd_req_sent);
	json_uint(j, "update_requests_nomem", st->ureq_nomem);
	json_uint(j, "netisr_runs", pv ? pv->pv_ints : 0);
	json_uint(j, "timeouts", pv ? pv->pv_tmos : 0);
	json_uint(j, "immediate_updates", pv ? pv->pv_upds : 0);

#define X(f)	json_uint(j, "pfsyncs_" #f, ps->pfsyncs_##f);
	PFSYNCSTATS_FIELDS(X)
#undef X
	json_obj_end(j);
}

#define plural(n)	((n) == 1 ? "" : "s")

int
pfsync_write_stats(struct vnet *v, FILE *f)
{
	struct pfsync_vnet *pv = v->vnet_pfsync;
	struct pfsyncstats zs, *p;
	struct pfsync_simstats z, *st;
	int i;

	memset(&zs, 0, sizeof(zs));
	memset(&z, 0, sizeof(z));
	p = pv ? &pv->pv_pfsyncstats : &zs;
	st = pv ? &pv->pv_st : &z;

	/* usr.bin/netstat/inet.c: pfsync_stats */
	fprintf(f, "pfsync:\n");
#define p1(f, m) fprintf(fp, m, (unsigned long long)p->f, plural(p->f))
	{
		FILE *fp = f;

		p1(pfsyncs_ipackets, "\t%llu packet%s received (IPv4)\n");
		p1(pfsyncs_ipackets6, "\t%llu packet%s received (IPv6)\n");
		p1(pfsyncs_badif,
		    "\t\t%llu packet%s discarded for bad interface\n");
		p1(pfsyncs_badttl,
		    "\t\t%llu packet%s discarded for bad ttl\n");
		p1(pfsyncs_hdrops,
		    "\t\t%llu packet%s shorter than header\n");
		p1(pfsyncs_badver,
		    "\t\t%llu packet%s discarded for bad version\n");
		p1(pfsyncs_badauth,
		    "\t\t%llu packet%s discarded for bad HMAC\n");
		p1(pfsyncs_badact,
		    "\t\t%llu packet%s discarded for bad action\n");
		p1(pfsyncs_badlen,
		    "\t\t%llu packet%s discarded for short packet\n");
		p1(pfsyncs_badval,
		    "\t\t%llu state%s discarded for bad values\n");
		p1(pfsyncs_stale, "\t\t%llu stale state%s\n");
		p1(pfsyncs_badstate,
		    "\t\t%llu failed state lookup/insert%s\n");
		p1(pfsyncs_opackets, "\t%llu packet%s sent (IPv4)\n");
		p1(pfsyncs_opackets6, "\t%llu packet%s sent (IPv6)\n");
		p1(pfsyncs_onomem,
		    "\t\t%llu send failed due to mbuf memory error%s\n");
		p1(pfsyncs_oerrors, "\t\t%llu send error%s\n");
	}
#undef p1

	/* pfsim: what netstat cannot show */
	fprintf(f, "pfsim (%s):\n", pfsync_version_name(v));
	fprintf(f, "\t%llu packets (%llu bytes) sent, %llu (%llu bytes) "
	    "received on the sync device\n",
	    (unsigned long long)st->tx_packets,
	    (unsigned long long)st->tx_bytes,
	    (unsigned long long)st->rx_packets,
	    (unsigned long long)st->rx_bytes);
	fprintf(f, "\tmessages sent/received:\n");
	for (i = 0; i < PFSYNC_ACT_MAX; i++) {
		if (i == PFSYNC_ACT_INS_F || i == PFSYNC_ACT_DEL_F)
			continue;
		fprintf(f, "\t\t%-6s %llu/%llu\n", pfsync_msg_names[i],
		    (unsigned long long)st->tx_msgs[i],
		    (unsigned long long)st->rx_msgs[i]);
	}
	fprintf(f, "\tpackets sent because of:\n");
	for (i = 0; i < PFSYNC_TXR_MAX; i++)
		if (st->tx_reason[i])
			fprintf(f, "\t\t%llu %s\n",
			    (unsigned long long)st->tx_reason[i],
			    pfsync_txr_names[i]);
	fprintf(f, "\t%llu packets deferred: %llu released by insert ack, "
	    "%llu by timeout, %llu by a local update, %llu at the limit, "
	    "%llu dropped\n",
	    (unsigned long long)st->defer_held,
	    (unsigned long long)st->defer_acked,
	    (unsigned long long)st->defer_timeout,
	    (unsigned long long)st->defer_local,
	    (unsigned long long)st->defer_overflow,
	    (unsigned long long)st->defer_dropped);
	fprintf(f, "\tstale updates by failure code:\n");
	for (i = 1; i < PFSYNC_STALE_MAX; i++)
		if (st->stale[i])
			fprintf(f, "\t\t%llu %d (%s)\n",
			    (unsigned long long)st->stale[i], i,
			    pfsync_stale_names[i]);
	fprintf(f, "\t%llu updates queued only to answer a stale one "
	    "(echoes)\n", (unsigned long long)st->echoes);
	fprintf(f, "\tbulk: %llu request%s sent (%llu retr%s, %llu gave up), "
	    "%llu received, %llu states sent, %llu completed",
	    (unsigned long long)st->bulk_req_sent,
	    plural(st->bulk_req_sent),
	    (unsigned long long)st->bulk_retries,
	    st->bulk_retries == 1 ? "y" : "ies",
	    (unsigned long long)st->bulk_gave_up,
	    (unsigned long long)st->bulk_req_received,
	    (unsigned long long)st->bulk_states_sent,
	    (unsigned long long)st->bulk_done);
	if (st->bulk_done)
		fprintf(f, " in %.3f s", (double)st->bulk_time_ns / 1e9);
	fprintf(f, "\n\tsync %s\n", pfsync_sync_ok(v) ? "ok" : "not ok");
	return (ferror(f) ? EIO : 0);
}
