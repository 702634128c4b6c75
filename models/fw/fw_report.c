/*
 * The firewall's results: CPU time, drops and counters over every boot,
 * its element of summary.json "firewalls", and the model_type report
 * hooks over every firewall (summary JSON, text summary, extra files,
 * timeseries columns).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/fw/fw_var.h"

static simtime_t
fw_elapsed(const struct fw *fw)
{
	return sim_now(fw->w) - fw->t0;
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

/* pf's state count now (0 while off or without pf). */
static uint32_t
fw_pf_states(struct fw *fw)
{
	uint32_t states = 0, hostid;

	if (fw->powered && fw->mods.pf_status != NULL) {
		CURVNET_SET(fw->v);
		fw->mods.pf_status(fw, &states, &hostid);
		CURVNET_RESTORE();
	}
	return states;
}

/* pfsync frames this firewall put on its wires, over the run. */
static uint64_t
fw_pfsync_sent(const struct fw *fw)
{
	uint64_t n = 0;
	int k;

	for (k = 0; k < fw->nnic; k++)
		n += fw->nic[k].tx_sync_frames;
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
		off += sim_now(fw->w) - fw->off_since;
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
	/* Powered off: no pf, no pfsync (the last boot's counters died
	 * with it); the hook says so. */
	if (fw->mods.pfsync_report_json != NULL)
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
	simtime_t now = sim_now(w), busy;
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
		    fw_pf_states(fw));
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

/* What the firewalls put on the wire: forwarded data vs pfsync. */
static void
fw_totals(struct run *r, uint64_t *dp, uint64_t *db, uint64_t *sp,
    uint64_t *sb)
{
	struct world *w = run_world(r);
	struct fw *fw;
	int i, k;

	*dp = *db = *sp = *sb = 0;
	FOREACH_FW(fw, w, i) {
		for (k = 0; k < fw->nnic; k++) {
			const struct fw_nic *nic = &fw->nic[k];
			const struct seg_stats *st = &nic->iface->port->st;

			*sp += nic->tx_sync_frames;
			*sb += nic->tx_sync_bytes;
			*dp += st->tx_frames - nic->tx_sync_frames;
			*db += st->tx_bytes - nic->tx_sync_bytes;
		}
	}
}

void
fw_model_totals_json(struct run *r, struct json *j)
{
	uint64_t dp, db, sp, sb;

	fw_totals(r, &dp, &db, &sp, &sb);
	json_uint(j, "data_packets", dp);
	json_uint(j, "data_bytes", db);
	json_uint(j, "sync_packets", sp);
	json_uint(j, "sync_bytes", sb);
	json_real(j, "sync_packet_ratio", dp ? (double)sp / dp : 0);
	json_real(j, "sync_byte_ratio", db ? (double)sb / db : 0);
}

void
fw_model_totals_text(struct run *r, FILE *f)
{
	uint64_t dp, db, sp, sb;

	fw_totals(r, &dp, &db, &sp, &sb);
	if (dp + sp == 0)
		return;
	fprintf(f, "totals: firewalls forwarded %" PRIu64 " packets (%" PRIu64
	    " bytes), sent %" PRIu64 " pfsync packets (%" PRIu64 " bytes): "
	    "sync/data %.3f packets, %.3f bytes\n", dp, db, sp, sb,
	    dp ? (double)sp / dp : 0, db ? (double)sb / db : 0);
}

static int
fw_cmp_name(const void *a, const void *b)
{
	return strcmp((*(struct fw *const *)a)->name,
	    (*(struct fw *const *)b)->name);
}

/* --dump-states: each firewall's states-NODE.txt, by name. */
void
fw_model_dump_text(struct run *r, FILE *out)
{
	struct world *w = run_world(r);
	struct fw *fw, *fws[nitems(w->nodes)];
	int i, n = 0;

	FOREACH_FW(fw, w, i)
		if (fw->mods.states_text != NULL)
			fws[n++] = fw;
	qsort(fws, (size_t)n, sizeof(fws[0]), fw_cmp_name);
	for (i = 0; i < n; i++) {
		fprintf(out, "\n== states-%s.txt\n", fws[i]->name);
		CURVNET_SET(fws[i]->v);
		(void)fws[i]->mods.states_text(fws[i], out);
		CURVNET_RESTORE();
	}
}
