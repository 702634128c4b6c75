/*
 * What the engine reads from a scenario itself: the [sim] and [net]
 * parameter tables, the list of every section type, the nets built from
 * [net] sections, and the sim.mem_limit check.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "run_int.h"

static const struct param_spec sim_params[] = {
	{ "sim", "duration", PT_DURATION, 1, 86400LL * NS_PER_SEC, "10s", NULL,
	    "simulated time to run" },
	{ "sim", "seed", PT_INT, 0, INT64_MAX, "1", NULL,
	    "the only source of randomness" },
	{ "sim", "capture", PT_ENUM, 0, 0, "none", "all|sync|merged|none",
	    "pcaps: every interface, sync nets only, one merged file, none" },
	{ "sim", "interval", PT_DURATION, NS_PER_MS, 3600LL * NS_PER_SEC,
	    "100ms", NULL, "timeseries.csv sampling interval" },
	{ "sim", "name", PT_STRING, 0, 0, "", NULL,
	    "results directory name (default: the scenario file's name)" },
	{ "sim", "pkt_limit", PT_INT, 1024, 100000000, "1000000", NULL,
	    "packet buffers alive at once; exhaustion is counted" },
	{ "sim", "ev_limit", PT_INT, 1024, 1000000000, "10000000", NULL,
	    "pending events at once; exhaustion is counted" },
	{ "sim", "mem_limit", PT_SIZE, 1 << 20, INT64_MAX, "8GB", NULL,
	    "refuse scenarios whose estimated memory exceeds this" },
	{ "sim", "capture_limit", PT_SIZE, 64 << 10, INT64_MAX, "512MB", NULL,
	    "disk budget of a run's pcaps in total: past it capturing stops, "
	    "with a warning in the summary (engine.capture_truncated)" },
	{ "sim", "variability", PT_BOOL, 0, 0, "yes", NULL,
	    "run-to-run timing variation drawn from the seed (interrupt "
	    "phases, CPU cost spread, host stack latency, flow starts); no: "
	    "every source off, each model at its mean" },
	{ "sim", "clock", PT_ENUM, 0, 0, "virtual", "virtual|realtime",
	    "virtual: as fast as the machine goes, deterministic; realtime: "
	    "simulated time follows the wall clock, so real programs "
	    "(emulated hosts) can exchange frames with the run "
	    "(engine/README.md, \"Real time\")" },
	{ "sim", "lag_warn", PT_DURATION, 1000, 10LL * NS_PER_SEC, "1ms", NULL,
	    "realtime: warn when the run's 99th percentile lag behind the "
	    "wall clock exceeds this" },
	{ "sim", "backend", PT_ENUM, 0, 0, "builtin", "builtin|ns3",
	    "builtin: pfsim's own links and hosts; ns3: ns-3's clock, CSMA "
	    "channels, IPv4 and TCP around the same firewalls (needs a "
	    "build with ns-3, Debian's " NS3_PACKAGE "; engine/ns3/ns3.h)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

static const struct param_spec net_params[] = {
	{ "net", "rate", PT_BITRATE, 0, INT64_MAX, "1Gbit", NULL,
	    "line rate of every port (0 = infinite)" },
	{ "net", "delay", PT_DURATION, 0, 10LL * NS_PER_SEC, "3us", NULL,
	    "one-way latency besides serialisation: switch lookup and fabric "
	    "plus cable (estimate for a 2009 gigabit switch, checked over "
	    "3-300us; results/README.md, \"Timing profile\")" },
	{ "net", "switch", PT_ENUM, 0, 0, "store_forward", "store_forward|none",
	    "store_forward: the switch receives the whole frame before it "
	    "sends it on (one more frame time per hop); none: a wire" },
	{ "net", "jitter", PT_DURATION, 0, 10LL * NS_PER_SEC, "0", NULL,
	    "uniform extra delay in [0, jitter); never reorders" },
	{ "net", "loss", PT_REAL, 0, 1, "0", NULL,
	    "random loss probability per frame" },
	{ "net", "qlimit", PT_INT, 1, 1000000, "1000", NULL,
	    "transmit queue per port, in packets (drop-tail)" },
	{ "net", "mtu", PT_INT, 68, 2028, "1500", NULL, "IP MTU" },
	{ "net", "loss_burst", PT_REAL, 1, 1000000, "1", NULL,
	    "mean loss burst in frames (Gilbert-Elliott; 1 = independent)" },
	{ "net", "down", PT_LIST, 0, 0, "", NULL,
	    "partitions: FROM-TO windows, e.g. '2s-4s 6s-6.5s' (up to 8)" },
	{ "net", "dup", PT_REAL, 0, 1, "0", NULL,
	    "probability a frame is delivered twice" },
	{ "net", "reorder", PT_REAL, 0, 1, "0", NULL,
	    "probability a frame is held back so later ones overtake it" },
	{ "net", "reorder_delay", PT_DURATION, 0, 10LL * NS_PER_SEC, "1ms",
	    NULL, "how long a reordered frame is held back" },
	{ "net", "corrupt", PT_REAL, 0, 1, "0", NULL,
	    "probability one bit of a frame is flipped (past the IP header)" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

const struct section_type sim_section = { "sim", false, false, sim_params };
const struct section_type net_section = { "net", true, true, net_params };

static const struct section_type **
all_types(void)
{
	static const struct section_type *types[5 * RUN_MAXMODELS + 3];
	int i, k, n = 0;

	types[n++] = &sim_section;
	types[n++] = &net_section;
	for (i = 0; i < RUN_MAXMODELS && pfsim_models[i]; i++) {
		types[n++] = pfsim_models[i]->st;
		for (k = 0; k < 4 && pfsim_models[i]->more[k]; k++)
			types[n++] = pfsim_models[i]->more[k];
	}
	types[n] = NULL;
	return types;
}

const struct section_type *const *
run_section_types(void)
{
	return all_types();
}

const struct model_type *
run_model_for(const char *type)
{
	int i;

	for (i = 0; pfsim_models[i]; i++)
		if (strcmp(pfsim_models[i]->st->type, type) == 0)
			return pfsim_models[i];
	return NULL;
}

int
run_build_nets(struct run *r, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < conf_nsections(r->conf); i++) {
		struct conf_section *s = conf_section_at(r->conf, i);
		struct seg_params sp;
		struct segment *seg;
		int k;

		if (strcmp(conf_type(s), "net") != 0)
			continue;
		memset(&sp, 0, sizeof(sp));
		sp.rate_bps = (uint64_t)conf_int(s, "rate");
		sp.delay_ns = conf_int(s, "delay");
		sp.jitter_ns = conf_int(s, "jitter");
		sp.store_forward = strcmp(conf_str(s, "switch"),
		    "store_forward") == 0;
		sp.loss = conf_real(s, "loss");
		sp.qlimit = (uint32_t)conf_int(s, "qlimit");
		sp.mtu = (uint32_t)conf_int(s, "mtu");
		sp.loss_burst = conf_real(s, "loss_burst");
		sp.dup = conf_real(s, "dup");
		sp.reorder = conf_real(s, "reorder");
		sp.reorder_ns = conf_int(s, "reorder_delay");
		sp.corrupt = conf_real(s, "corrupt");
		/* Flips spare Ethernet and IP headers: the frame still
		 * reaches its protocol, which must cope. */
		sp.corrupt_off = 14 + 20;
		if (sp.loss_burst > 1 &&
		    sp.loss > sp.loss_burst / (1 + sp.loss_burst)) {
			return conf_key_error(err, errlen, s, "loss",
			    "at most loss_burst/(1+loss_burst) = %.3f with "
			    "bursts of %.3g frames",
			    sp.loss_burst / (1 + sp.loss_burst), sp.loss_burst);
		}
		if ((seg = segment_create(r->w, conf_name(s), &sp)) == NULL) {
			return conf_key_error(err, errlen, s, NULL,
			    "too many nets");
		}
		for (k = 0; k < conf_list_len(s, "down"); k++) {
			char w[64], *dash;
			int64_t a, b;
			double ra, rb;

			conf_list_at(s, "down", k, w, sizeof(w));
			dash = strchr(w, '-');
			if (dash)
				*dash++ = '\0';
			if (dash == NULL ||
			    param_parse(PT_DURATION, w, &a, &ra) != 0 ||
			    param_parse(PT_DURATION, dash, &b, &rb) != 0 ||
			    segment_add_down(seg, a, b) != 0) {
				return conf_key_error(err, errlen, s, "down",
				    "expected increasing FROM-TO windows like "
				    "2s-4s (at most 8)");
			}
		}
	}
	return 0;
}

/* sim.backend: ns3 needs ns-3 in this build and the virtual clock. */
int
run_backend_check(struct run *r, char *err, size_t errlen)
{
	int ns3 = strcmp(conf_str(r->sim, "backend"), "ns3") == 0;

	r->ns3 = ns3;
	if (!ns3)
		return 0;
	if (!ns3_available())
		return conf_key_error(err, errlen, r->sim, "backend",
		    "ns3: this pfsim was built without ns-3 (install Debian's "
		    "%s and build again)", NS3_PACKAGE);
	if (strcmp(conf_str(r->sim, "clock"), "realtime") == 0)
		return conf_key_error(err, errlen, r->sim, "backend",
		    "ns3 runs on ns-3's virtual clock, not with sim.clock = "
		    "realtime");
	return 0;
}


/*
 * sim.mem_limit: refuse a scenario that may need more memory than that.
 * The estimate is an upper bound from the configured limits: every
 * packet buffer (sim.pkt_limit), the event heap at sim.ev_limit (16-byte
 * entries, grown by doubling), and what each model says its sections can
 * take (a firewall's full state table, ...).
 */
int
run_check_memory(struct run *r, char *err, size_t errlen)
{
	uint64_t pkts, evs, models = 0, est;
	uint64_t limit = (uint64_t)conf_int(r->sim, "mem_limit");
	const struct model_type *mt;
	int i;

	pkts = (uint64_t)conf_int(r->sim, "pkt_limit") * sizeof(struct pkt);
	evs = (uint64_t)conf_int(r->sim, "ev_limit") * 16 * 2;
	for (i = 0; i < conf_nsections(r->conf); i++) {
		struct conf_section *s = conf_section_at(r->conf, i);

		if ((mt = run_model_for(conf_type(s))) != NULL &&
		    mt->mem_estimate != NULL)
			models += mt->mem_estimate(s);
	}
	est = pkts + evs + models;
	if (est <= limit)
		return 0;
	return conf_key_error(err, errlen, r->sim, "mem_limit", "the scenario "
	    "may need %.1f MB (packets %.1f MB at sim.pkt_limit, events %.1f "
	    "MB at sim.ev_limit, models %.1f MB, e.g. state tables at "
	    "pf.states), more than the limit of %.1f MB; lower those limits "
	    "or raise sim.mem_limit", est / 1048576.0, pkts / 1048576.0,
	    evs / 1048576.0, models / 1048576.0, limit / 1048576.0);
}
