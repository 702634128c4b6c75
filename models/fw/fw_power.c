/*
 * Power (keys boot, crash, reboot): a crash is a power loss. The kernel
 * (models/kern) is destroyed with everything pending in it (rings,
 * ipintrq, if_snd, callouts, CPU work, frames of the current step), pf
 * and pfsync are detached without a word on the wire (their output is
 * eaten: power_off), and a new kernel with a fresh random stream waits,
 * powered off, for the reboot: then pf and pfsync attach as at boot, so
 * pf has a new random hostid (unless pf.hostid is set) and pfsync asks
 * for a bulk update (pfsync.bulk_on_up). While off, frames for the
 * firewall are dropped as "power_off"; the links stay up (the switch
 * still delivers to the port). The schedule is read in fw.c.
 */
#include <string.h>

#include "models/fw/fw_var.h"

/*
 * time_uptime when pf and pfsync come up after power-on: an OpenBSD 4.5
 * box of 2009 spends about a minute in the BIOS, the kernel and rc
 * (UNVERIFIED). pfsync's bulk bookkeeping reads time_uptime.
 */
#define FW_BOOT_UPTIME_S	60

void
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
void
fw_power_off(struct fw *fw, int crash)
{
	struct vnet *old = fw->v;
	struct fw_power_rec *r = NULL;
	simtime_t now = sim_now(fw->w);
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
	if (r != NULL && fw->mods.pf_status != NULL)
		fw->mods.pf_status(fw, &r->states, &r->hostid);
	fw->wall_off_ns = old->vnet_boot_wall_ns +
	    (int64_t)ticks * old->vnet_tick_ns - now;
	/* Detach pfsync and pf (the destroy hook): what they would still
	 * send dies in fw_nic_transmit. */
	if (fw->mods.destroy != NULL)
		fw->mods.destroy(fw);
	for (i = 0; i < fw->nnic; i++) {
		struct fw_nic *nic = &fw->nic[i];

		sim_cancel(fw->w, &nic->intr_ev);
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
	if (sim_ctx(fw->w) == old)
		sim_enter(fw->w, NULL);
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
	simtime_t now = sim_now(fw->w);
	int64_t k, up;
	uint32_t states;
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
	if (r != NULL && fw->mods.pf_status != NULL)
		fw->mods.pf_status(fw, &states, &r->hostid);
	CURVNET_RESTORE();
	return rv;
}

const char *const fw_power_names[] = {
	[FW_PWR_BOOT] = "boot",
	[FW_PWR_CRASH] = "crash",
	[FW_PWR_REBOOT] = "reboot",
};

void
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
		sim_log(fw->w, "%s: %s", fw->name, fw_power_names[e->what]);
	if (fw->pwr_next < fw->npwr && sim_schedule_bounded(fw->w, &fw->pwr_ev, fw->pwr[fw->pwr_next].at) != 0)
		panic("fw: cannot schedule the power events");
}
