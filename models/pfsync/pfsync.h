/*
 * pfsync as a model: configuration, attach, input entry point and results
 * of one firewall's pfsync. The engine itself (v5 from the thesis diff,
 * the v4 baseline and the thesis' v4-split variant) is in if_pfsync.c and
 * if_pfsync_v4.c; pf reaches it through hooks set at attach
 * (V_pfsync_*_ptr, models/pf/pf_pfsync.h).
 *
 * Every function works on the firewall named by its vnet argument (or on
 * curvnet for pfsync_proto_input, which the firewall node calls from
 * softnet).
 */
#ifndef MODELS_PFSYNC_PFSYNC_H
#define MODELS_PFSYNC_PFSYNC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/conf.h"
#include "engine/json.h"

struct vnet;
struct mbuf;

/* pfsync = v5|v4|v4-split|off */
enum pfsync_version {
	PFSYNC_V5,
	PFSYNC_V4,
	PFSYNC_V4_SPLIT,
	PFSYNC_OFF
};

/* pfsync.merge = seed|peer|field (how a received TCP update is merged) */
enum pfsync_merge {
	PFSYNC_MERGE_SEED,	/* the thesis' pfsync_upd_tcp */
	PFSYNC_MERGE_PEER,	/* take each peer half unless it is older */
	PFSYNC_MERGE_FIELD	/* take the newer value of every field */
};

/* pfsync.bulk_pace = burst|tick (how a bulk update is sent) */
enum pfsync_bulk_pace {
	PFSYNC_PACE_BURST,	/* the seed and 4.5: the whole table at once */
	PFSYNC_PACE_TICK	/* one full packet per tick */
};

/* One firewall's pfsync settings, as resolved from its section. */
struct pfsync_config {
	enum pfsync_version	 version;
	char			 syncdev[32];	/* net (or interface) name */
	u_int32_t		 syncpeer;	/* network order; 0 = group */
	int			 maxupdates;	/* 0..255 */
	int			 defer;		/* hold a new state's packet */
	int			 mtu;		/* pfsync0's MTU (IP bytes) */
	int			 bulk_on_up;	/* request a bulk update */
	int			 defer_kick;	/* pfsync_defer schedules
						 * the netisr (later OpenBSD) */
	enum pfsync_bulk_pace	 bulk_pace;
	enum pfsync_merge	 merge;
};

/* A setting whose value departs from the seed's code. */
struct pfsync_departure {
	const char	*key;		/* "pfsync.bulk_on_up" */
	const char	*value;		/* as configured */
	const char	*seed;		/* what the seed's code does */
	const char	*origin;	/* where the configured behaviour is from */
};

/*
 * The departures of c from the seed (v5 only; v4 and v4-split are not the
 * seed's engine): at most max into out, returns how many.
 */
int	pfsync_departures(const struct pfsync_config *c,
	    struct pfsync_departure *out, int max);

/* Section "firewall": pfsync, pfsync.syncdev, ... (terminated by NULL). */
extern const struct param_spec pfsync_params[];

/* pfsync_params' defaults, no sync device, the pfsync group as peer. */
void	pfsync_config_default(struct pfsync_config *);
/*
 * Fill c from a [firewall] section (NULL: pfsync_config_default); 0, or
 * -1 with "FILE:LINE: firewall.NAME.KEY: ..." in err.
 */
int	pfsync_config_read(struct pfsync_config *, struct conf_section *,
	    char *err, size_t errlen);

/*
 * Create pfsync0 on firewall v (after pf_attach and after the firewall's
 * interfaces exist): syncdev, syncpeer, maxupdates, defer, mtu as
 * configured; pf's hooks and the input pointed at the engine; v5's
 * pfsyncintr registered on netisr 5 (v4 has no netisr). pfsync = off
 * attaches the counters and v5's hooks with no pfsync0 (which send
 * nothing). 0, or -1 with err ("FILE:LINE:
 * firewall.NAME.pfsync.syncdev: ..."; without a section, "pfsync: ...").
 */
int	pfsync_attach(struct vnet *, struct conf_section *, char *err,
	    size_t errlen);
/* The same from c, without a scenario: errors read "pfsync.mtu: ...". */
int	pfsync_attach_config(struct vnet *, const struct pfsync_config *,
	    char *err, size_t errlen);
/* Destroy pfsync0 (held packets are sent, as OpenBSD does); clear
 * the hooks and the netisr. */
void	pfsync_detach(struct vnet *);

/* A received IP datagram of protocol 240 on curvnet (consumes m): to
 * the engine's input (v5's pfsync_input, v4's pfsync4_input); dropped
 * without pfsync. */
void	pfsync_proto_input(struct mbuf *, int iphlen);

/* "v5", "v4", "v4-split" or "off". */
const char *pfsync_version_name(const struct vnet *);
/* Nonzero once this firewall considers its state table usable. */
int	pfsync_sync_ok(const struct vnet *);

/* The firewall's pfsync lines of the human summary. */
void	pfsync_report_text(struct vnet *, FILE *);
/* Writes the key "pfsync" and its object (summary.json firewalls[]);
 * v NULL (a firewall that is off) writes every key with zeros. */
void	pfsync_report_json(struct vnet *, struct json *);
/* netstat -s -p pfsync style text. 0 or an errno. */
int	pfsync_write_stats(struct vnet *, FILE *);

/* Messages built/parsed so far (for the CPU cost glue). */
uint64_t pfsync_msgs_out(const struct vnet *);
uint64_t pfsync_msgs_in(const struct vnet *);
/* Cumulative work for fw's cost model (struct fw_pfsync_work). */
void	pfsync_work(const struct vnet *, uint64_t *pkts_out,
	    uint64_t *msgs_out, uint64_t *pkts_in, uint64_t *msgs_in);

#endif /* MODELS_PFSYNC_PFSYNC_H */
