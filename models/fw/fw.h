/*
 * A firewall node: one OpenBSD kernel (models/kern) with one em(4)-like
 * NIC per attached net, and the forwarding pipeline of
 * docs/ref/openbsd-kernel-env.md §7:
 *
 *   wire -> rx ring -> (interrupt, IPL_NET) -> ipintrq -> (softnet)
 *   pf_test IN on the receiving interface -> route lookup -> ip_output:
 *   pf_test OUT on the sending interface -> if_snd -> wire.
 *
 * Frames for the firewall with IP protocol 240 (to one of its addresses
 * or to 224.0.0.240) go to pfsync's input after pf_test IN. After the IP
 * input of a pass, the pfsync netisr (pfsyncintr) runs if it was
 * scheduled before the pass.
 *
 * pf and pfsync plug in through struct fw_modules; a NULL pointer means
 * "not there" (pf_test NULL = pass everything).
 *
 * Addresses: interface i of the firewall sits on net S (S = index of the
 * [net] section in the world, 0-based) and has address 10.(S+1).1.(F+1)/16
 * where F is the firewall's ordinal among firewalls (order of creation).
 * Hosts are expected to use 10.(S+1).2.x; fw_addr() and fw_find_on()
 * let them look the firewall's address up instead of guessing.
 *
 * Power: "boot = T" keeps the firewall off until T; "crash = T..." is a
 * power loss at each T and "reboot = T..." brings it back (the schedule
 * must alternate). A crash destroys the kernel (struct vnet) with
 * everything pending in it and detaches pf and pfsync (mods->destroy)
 * while the NICs' output is switched off, so nothing reaches the wire;
 * a new kernel with its own random stream waits for the reboot, when
 * the NICs are plugged in again and pf_attach and pfsync_attach run as
 * at build time (mods->start too). fw_vnet() is therefore a different
 * pointer after each crash. While off, frames for the firewall are
 * dropped as "power_off".
 *
 * Counters across a reboot: pf's and pfsync's (summary.json "pf" and
 * "pfsync", states-NODE.txt, pfsync-NODE.txt) are the running boot's,
 * as pfctl and netstat would show them after a reboot; while off they
 * are reported empty. The firewall's own (forwarded, rx_frames, drops,
 * cpu_busy and cpu, softnet pass counts, kern, NIC counters) cover the
 * whole run; the packets-per-pass histogram is the running boot's.
 * summary.json "power" lists the events with the states and queued
 * frames each crash lost and the hostid of each boot.
 */
#ifndef MODELS_FW_FW_H
#define MODELS_FW_FW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/conf.h"
#include "engine/json.h"
#include "engine/model.h"
#include "engine/net.h"
#include "models/kern/kern.h"

struct fw;

/* Cumulative work counters the modules expose so fw can charge CPU
 * time without touching the ported code. Zero what you do not count. */
struct fw_pf_work {
	uint64_t	state_searches;		/* state tree lookups */
	uint64_t	state_inserts;		/* states created */
	uint64_t	rule_evals;		/* ruleset evaluations */
};

struct fw_pfsync_work {
	uint64_t	pkts_out;		/* pfsync packets built */
	uint64_t	msgs_out;		/* messages put in packets */
	uint64_t	pkts_in;		/* pfsync packets received */
	uint64_t	msgs_in;		/* messages parsed */
};

/*
 * The hook table, filled in by the lead (models/models.c). Every hook
 * runs with curvnet set to the firewall's vnet.
 */
/* A setting whose value departs from the seed's code (summary). */
struct fw_departure {
	const char	*key, *value, *seed, *origin;
};

struct fw_modules {
	/* pf: once per firewall after its interfaces exist (walk
	 * curvnet->vnet_ifnet); 0, or -1 with err "FILE:LINE: ...". */
	int		(*pf_attach)(struct fw *, struct conf_section *,
			    char *err, size_t errlen);
	/* net/pf.c: pf_test; PF_PASS, PF_DROP (PF_DEFER is turned into
	 * PF_PASS with *m0 = NULL by pf_test itself, as in the seed). */
	int		(*pf_test)(int dir, struct ifnet *, struct mbuf **,
			    struct ether_header *);
	/* Reason name of the last PF_DROP ("pf_block", "pf_state_mismatch",
	 * "congestion", "pf_memory", ...); NULL hook = "pf_block". */
	const char	*(*pf_drop_reason)(void);
	void		(*pf_work)(struct fw_pf_work *);
	/* pf_status's state count and hostid, 0 while pf is not
	 * attached (powered off). */
	void		(*pf_status)(struct fw *, uint32_t *states,
			    uint32_t *hostid);
	/* Bytes pf and pfsync of a [firewall] section can take at most
	 * (a full state table, the expanded ruleset), for sim.mem_limit;
	 * called before anything is built. */
	uint64_t	(*mem_estimate)(const struct conf_section *);
	/* Writes "pf": {...} into the firewall's object. */
	void		(*pf_report_json)(struct fw *, struct json *);

	/* pfsync: once per firewall after pf_attach (again after every
	 * reboot); registers its own netisr (NETISR_PFSYNC). */
	int		(*pfsync_attach)(struct fw *, struct conf_section *,
			    char *err, size_t errlen);
	/* pfsync_conf.c: pfsync_proto_input, to the engine chosen at
	 * attach (v5 pfsync_input, v4 pfsync4_input); consumes m. */
	void		(*pfsync_input)(struct mbuf *, int iphlen);
	void		(*pfsync_work)(struct fw_pfsync_work *);
	/* The net pfsync syncs over (--capture sync); NULL hook = "sync".
	 * Called while the NICs attach, before pfsync_attach. */
	const char	*(*pfsync_syncnet)(struct fw *);
	/* Writes "pfsync_version" and "pfsync": {...}, also while the
	 * firewall is off; NULL hook = "pfsync_version": "off". */
	void		(*pfsync_report_json)(struct fw *, struct json *);

	/* Optional: settings of this firewall that depart from the
	 * seed's code, at most max into out; returns how many. */
	int		(*departures)(struct fw *, struct fw_departure *out,
			    int max);

	/* Optional: the firewall's pf and pfsync lines of the summary. */
	void		(*report_text)(struct fw *, FILE *);
	/* Optional, called at simulated time 0, at the end, and before
	 * the firewall's kernel is freed. */
	void		(*start)(struct fw *);
	void		(*stop)(struct fw *);
	void		(*destroy)(struct fw *);
	/* Optional: the state table as states-NODE.txt has it, for
	 * --dump-states. */
	int		(*states_text)(struct fw *, FILE *);
	/* Optional extra files and timeseries columns per firewall. */
	int		(*report_files)(struct fw *, const char *dir);
	void		(*ts_header)(struct fw *, FILE *);
	void		(*ts_row)(struct fw *, FILE *);
};

/* The [firewall] keys of kern and fw ("nets", "hw", "hz", "nic.*",
 * "ipintrq", "ifq", "nmbclust", "cost.*", "route"), terminated by a row
 * with key == NULL. The lead merges pf's and pfsync's rows in. */
extern const struct param_spec fw_params[];

/* The engine node kind of a firewall (its section type). */
#define FW_NODE_KIND	"firewall"

/*
 * Build firewall NAME of section sec: the engine node, the kernel, one
 * interface per entry of "nets" (em0, em1, ... in order), then pf_attach
 * and pfsync_attach. mods may be NULL (pass-all, no pfsync). Returns NULL
 * with err "FILE:LINE: firewall.NAME.KEY: message".
 */
struct fw	*fw_create(struct run *, struct conf_section *,
		    const struct fw_modules *, char *err, size_t errlen);
/*
 * The same without a run (unit tests): nets are looked up in w by name,
 * values come from sec if not NULL, else from the profile defaults with
 * the given nets (space-separated).
 */
struct fw	*fw_create_world(struct world *, const char *name,
		    struct conf_section *sec, const char *nets,
		    const struct fw_modules *, char *err, size_t errlen);
void		 fw_destroy(struct fw *);
/* Schedules nothing by itself; calls mods->start. */
void		 fw_start(struct fw *);
void		 fw_stop(struct fw *);

const char	*fw_name(const struct fw *);
struct vnet	*fw_vnet(const struct fw *);
struct node	*fw_node(const struct fw *);
struct run	*fw_run(const struct fw *);
struct conf_section *fw_conf(const struct fw *);
int		 fw_nifs(const struct fw *);
struct ifnet	*fw_ifnet(const struct fw *, int i);
/* Address (host order) of the firewall's interface on net, or 0. */
uint32_t	 fw_addr(const struct fw *, const char *net);
/* The firewall of node n, or NULL. */
struct fw	*fw_of_node(const struct node *);

/* Per-firewall results (also in summary.json). */
struct fw_nic_stats {
	uint64_t	rx_frames, rx_bytes;	/* accepted into the rx ring */
	uint64_t	intrs;			/* interrupts taken */
	uint32_t	rx_ring_peak;
};
const struct fw_nic_stats *fw_nic_stats(const struct fw *, int i);
/* Interrupts per simulated second, all NICs. */
double		 fw_intr_rate(const struct fw *);
double		 fw_cpu_busy(const struct fw *);
/* Drops of one named reason ("pf_block", "ipintrq", ...) over the run. */
uint64_t	 fw_drop_count_name(const struct fw *, const char *reason);
/* Packets the firewall forwarded onto a wire (not pfsync's own). */
uint64_t	 fw_forwarded(const struct fw *);

/* One element of "firewalls[]": name, pfsync_version, pf, pfsync,
 * cpu_busy, cpu (per level), drops, softnet, interrupts_per_sec, nics. */
void		 fw_report_json(struct fw *, struct json *);

/*
 * model_type glue for the lead (engine/model.h). fw_model_build uses
 * fw_modules_default, which models/models.c defines (a weak empty table
 * is used otherwise). The "firewalls" array lists every firewall node of
 * the world in creation order.
 */
extern const struct fw_modules fw_modules_default;
int	fw_model_build(struct run *, struct conf_section *, char *, size_t);
void	fw_model_start(struct run *);
void	fw_model_stop(struct run *);
void	fw_model_report_json(struct run *, struct json *);
int	fw_model_report_files(struct run *, const char *dir);
void	fw_model_ts_header(struct run *, FILE *);
void	fw_model_ts_row(struct run *, FILE *);
void	fw_model_report_text(struct run *, FILE *);
void	fw_model_dump_text(struct run *, FILE *);
void	fw_model_totals_json(struct run *, struct json *);
void	fw_model_totals_text(struct run *, FILE *);
void	fw_model_destroy(struct run *);
/* Bytes a [firewall] section can take at most (sim.mem_limit). */
uint64_t fw_model_mem_estimate(const struct conf_section *);

#endif
