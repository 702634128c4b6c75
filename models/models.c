/*
 * Every model type the command line knows, in build order, and the glue
 * that plugs pf and pfsync into the firewall node (struct fw_modules).
 */
#include "engine/model.h"
#include "models/fw/fw.h"
#include "models/attacker/attacker.h"
#include "models/host/host.h"
#include "models/pf/pfvar.h"
#include "models/pfsync/pfsync.h"

/* --trace pf: pf's "BAD state" lines, with simulated time and node. */
static void
mod_pf_trace(void *arg, simtime_t now, const struct pf_badstate *bs,
    const char *line1, const char *line2)
{
	struct fw *fw = arg;

	(void)bs;
	fprintf(stderr, "%4lld.%09lld %s %s\n%4lld.%09lld %s %s\n",
	    (long long)(now / NS_PER_SEC), (long long)(now % NS_PER_SEC),
	    fw_name(fw), line1, (long long)(now / NS_PER_SEC),
	    (long long)(now % NS_PER_SEC), fw_name(fw), line2);
}

static const char *
mod_scenario_path(struct fw *fw)
{
	struct run *r = fw_run(fw);

	return r ? conf_path(run_conf(r)) : "scenario";
}

static int
mod_pf_attach(struct fw *fw, struct conf_section *sec, char *err,
    size_t errlen)
{
	struct run *r = fw_run(fw);

	if (pf_attach_path(fw_vnet(fw), sec, mod_scenario_path(fw), err,
	    errlen) != 0)
		return -1;
	if (r != NULL && run_trace(r, "pf"))
		pf_set_trace(fw_vnet(fw), mod_pf_trace, fw);
	return 0;
}

static void
mod_pf_work(struct fw_pf_work *w)
{
	u_int64_t s, i, r;

	pf_get_work(&s, &i, &r);
	w->state_searches = s;
	w->state_inserts = i;
	w->rule_evals = r;
}

static void
mod_pf_status(struct fw *fw, uint32_t *states, uint32_t *hostid)
{
	struct pf_vnet *pv = fw_vnet(fw)->vnet_pf;

	*states = pv != NULL ? pv->pf_status.states : 0;
	*hostid = pv != NULL ? pv->pf_status.hostid : 0;
}

/*
 * pf's most memory, for sim.mem_limit: a full state table (pf.states,
 * each state a pf_state, one key and one key item from malloc, ~16
 * bytes of malloc overhead each; no NAT, so one key) and the ruleset
 * (its rules expanded and counted, not made: pf_rules_mem_estimate).
 */
static uint64_t
mod_mem_estimate(const struct conf_section *sec)
{
	uint64_t per_state;

	per_state = sizeof(struct pf_state) + sizeof(struct pf_state_key) +
	    sizeof(struct pf_state_item) + 3 * 16;
	return (uint64_t)conf_int(sec, "pf.states") * per_state +
	    pf_rules_mem_estimate(sec);
}

static void
mod_pf_report_json(struct fw *fw, struct json *j)
{
	pf_report_json(fw_vnet(fw), j);
}

static int
mod_pfsync_attach(struct fw *fw, struct conf_section *sec, char *err,
    size_t errlen)
{
	return pfsync_attach(fw_vnet(fw), sec, err, errlen);
}

static void
mod_pfsync_work(struct fw_pfsync_work *w)
{
	pfsync_work(curvnet, &w->pkts_out, &w->msgs_out, &w->pkts_in,
	    &w->msgs_in);
}

/* Only in a run, where pfsync's keys are declared. */
static const char *
mod_pfsync_syncnet(struct fw *fw)
{
	return fw_conf(fw) != NULL ? conf_str(fw_conf(fw), "pfsync.syncdev") :
	    "sync";
}

static void
mod_pfsync_report_json(struct fw *fw, struct json *j)
{
	/* The configured engine; "pfsync.version" inside says what runs
	 * now ("off" while the firewall is crashed, counters zero). */
	json_str(j, "pfsync_version", fw_run(fw) != NULL ?
	    conf_str(fw_conf(fw), "pfsync") :
	    pfsync_version_name(fw_vnet(fw)));
	pfsync_report_json(fw_vnet(fw), j);
}

/* pfctl -si and -ss -vv. */
static int
mod_states_text(struct fw *fw, FILE *f)
{
	return pf_write_info(fw_vnet(fw), f) != 0 ||
	    pf_write_states(fw_vnet(fw), f) != 0 ? -1 : 0;
}

/* states-NODE.txt (pfctl -ss -vv, -si) and pfsync-NODE.txt (netstat). */
static int
mod_report_files(struct fw *fw, const char *dir)
{
	char path[1200];
	FILE *f;
	int rv = 0;

	snprintf(path, sizeof(path), "%s/states-%s.txt", dir, fw_name(fw));
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (mod_states_text(fw, f) != 0)
		rv = -1;
	if (fclose(f) != 0)
		rv = -1;
	snprintf(path, sizeof(path), "%s/pfsync-%s.txt", dir, fw_name(fw));
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (pfsync_write_stats(fw_vnet(fw), f) != 0)
		rv = -1;
	if (fclose(f) != 0)
		rv = -1;
	return rv;
}

/* The summary's pf and pfsync lines for one firewall. */
static void
mod_report_text(struct fw *fw, FILE *f)
{
	struct pf_status *ps = &V_pf_status;

	fprintf(f, "  pf      states %u, inserts %llu, removals %llu, "
	    "blocked by rules %llu, BAD state (state-mismatch) %llu\n",
	    ps->states, (unsigned long long)ps->fcounters[FCNT_STATE_INSERT],
	    (unsigned long long)ps->fcounters[FCNT_STATE_REMOVALS],
	    (unsigned long long)fw_drop_count_name(fw, "pf_block"),
	    (unsigned long long)ps->counters[PFRES_BADSTATE]);
	pfsync_report_text(fw_vnet(fw), f);
}

static int
mod_departures(struct fw *fw, struct fw_departure *out, int max)
{
	struct pfsync_config c;
	struct pfsync_departure d[8];
	char err[256];
	int i, n;

	if (fw_conf(fw) == NULL ||
	    pfsync_config_read(&c, fw_conf(fw), err, sizeof(err)) != 0)
		return 0;
	n = pfsync_departures(&c, d, max < 8 ? max : 8);
	for (i = 0; i < n; i++)
		out[i] = (struct fw_departure){ d[i].key, d[i].value,
		    d[i].seed, d[i].origin };
	return n;
}

/* pfsync first: it still references pf's states. */
static void
mod_destroy(struct fw *fw)
{
	pfsync_detach(fw_vnet(fw));
	pf_detach(fw_vnet(fw));
}

const struct fw_modules fw_modules_default = {
	.pf_attach = mod_pf_attach,
	.pf_test = pf_test,
	.pf_drop_reason = pf_drop_reason,
	.pf_work = mod_pf_work,
	.pf_status = mod_pf_status,
	.mem_estimate = mod_mem_estimate,
	.pf_report_json = mod_pf_report_json,
	.pfsync_attach = mod_pfsync_attach,
	.pfsync_input = pfsync_proto_input,
	.pfsync_work = mod_pfsync_work,
	.pfsync_syncnet = mod_pfsync_syncnet,
	.pfsync_report_json = mod_pfsync_report_json,
	.report_files = mod_report_files,
	.states_text = mod_states_text,
	.report_text = mod_report_text,
	.departures = mod_departures,
	.destroy = mod_destroy,
};

static const struct section_type fw_section = {
	"firewall", true, true, fw_params
};
static const struct section_type pf_section = {
	"firewall", true, true, pf_params
};
static const struct section_type pfsync_section = {
	"firewall", true, true, pfsync_params
};

/* pf: pf's BAD state lines; power: a firewall's crashes and reboots. */
static const char *const fw_traces[] = { "pf", "power", NULL };

static const struct model_type fw_model = {
	.st = &fw_section,
	.traces = fw_traces,
	.more = { &pf_section, &pfsync_section },
	.build = fw_model_build,
	.start = fw_model_start,
	.stop = fw_model_stop,
	.report_json = fw_model_report_json,
	.report_text = fw_model_report_text,
	.dump_text = fw_model_dump_text,
	.totals_json = fw_model_totals_json,
	.totals_text = fw_model_totals_text,
	.report_files = fw_model_report_files,
	.ts_header = fw_model_ts_header,
	.ts_row = fw_model_ts_row,
	.destroy = fw_model_destroy,
	.mem_estimate = fw_model_mem_estimate,
};

const struct model_type *const pfsim_models[] = {
	&fw_model,
	&host_model,
	&flow_model,
	&demo_model,
	&attacker_model,
	NULL
};
