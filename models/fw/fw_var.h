/* Private to models/fw. */
#ifndef MODELS_FW_FW_VAR_H
#define MODELS_FW_FW_VAR_H

#include "models/fw/fw.h"

struct fw_profile {
	const char	*name;
	int		 p_hz;
	int		 rx_ring;
	int		 int_rate;	/* interrupts/s, 0 = no throttle */
	simtime_t	 int_delay;
	int		 int_frames;
	int		 ifq;
	int		 p_ipintrq;
	int		 nmbclust;
};

const struct fw_profile *fw_profile(const char *hw);

/* Power events: boot (off until then), crash (power loss), reboot. */
#define FW_MAXPOWER	8		/* crashes (and reboots) per run */
enum fw_power_what { FW_PWR_BOOT, FW_PWR_CRASH, FW_PWR_REBOOT };

struct fw_power_ev {
	simtime_t	 at;
	enum fw_power_what what;
};

/* What the report says about one power event. */
struct fw_power_rec {
	simtime_t	 at;
	enum fw_power_what what;
	u_int32_t	 hostid;	/* raw: after a boot, or of the lost boot */
	u_int32_t	 states;	/* states lost (crash) */
	u_int64_t	 queued;	/* frames lost in rings and queues (crash) */
};

/*
 * Kernel counters of earlier boots: a crash destroys the kernel, and the
 * firewall's results add these to the running kernel's (CPU time,
 * drops, kern stats); pf and pfsync report the running boot only.
 */
struct fw_acc {
	simtime_t	 busy_ns[IPL_MAX];
	simtime_t	 busy_total_ns;
	uint64_t	 passes, passes_ip;
	struct kern_drops drops;
	uint64_t	 splassert_failures, mbuf_alloc_fail, timeouts_run;
	uint64_t	 ip_output_errors, ipintrq_drops;
	unsigned int	 mbuf_peak;
};

struct fw_nic {
	struct fw	*fw;
	struct ifnet	 ifn;		/* em0, em1, ... */
	struct iface	*iface;
	char		 net[32];
	struct pktq	 ring;		/* rx descriptors holding frames */
	struct ev	 intr_ev;	/* the NIC asserts its interrupt */
	simtime_t	 last_intr;	/* last assertion */
	int		 armed;		/* asserted or scheduled, not taken */
	struct kern_intr ih;
	struct fw_nic_stats st;
	/* pfsync frames put on the wire (fw_tx_tap), over the run. */
	uint64_t	 tx_sync_frames, tx_sync_bytes;
};

struct fw {
	char		 name[32];
	struct run	*run;
	struct world	*w;
	struct node	*node;
	struct vnet	*v;
	struct conf_section *sec;
	struct fw_modules mods;
	int		 ordinal;	/* among firewalls */
	char		 hw[16];

	int		 rx_ring, int_frames, ifq;
	simtime_t	 itr_ns, int_delay;
	bool		 nic_phase;	/* random ITR phase at power-up */
	struct rng	 nic_rng;	/* stream "fw.NAME.nic" */

	int		 nnic;
	struct fw_nic	 nic[NODE_MAXIF];

	struct kern_params kp;		/* for every boot's kernel */

	/* Power (crash/reboot, see fw.h) */
	int		 powered;	/* 0 = off: frames in and out dropped */
	int		 nboots;	/* kernels created so far - 1 */
	struct fw_power_ev pwr[2 * FW_MAXPOWER + 1];
	int		 npwr, pwr_next;
	struct ev	 pwr_ev;
	struct fw_power_rec rec[2 * FW_MAXPOWER + 1];
	int		 nrec;
	simtime_t	 off_since, off_ns;
	simtime_t	 wall_off_ns;	/* wall clock minus engine time */
	struct fw_acc	 acc;

	struct fw_pf_work pfw;		/* last seen */
	struct fw_pfsync_work psw;

	uint64_t	 rx_frames;	/* accepted into an rx ring */
	uint64_t	 forwarded;	/* forwarded packets put on if_snd */
	uint64_t	 deferred;	/* forwarded packets pfsync held */
	uint64_t	 local_pfsync;	/* handed to pfsync_input */
	simtime_t	 t0;

	/* timeseries: values at the previous row */
	simtime_t	 ts_t, ts_busy;
	uint64_t	 ts_fwd, ts_drops, ts_pfsync, ts_pfdrops;
};

/* Every firewall node of world w, in creation order. */
#define FOREACH_FW(fw, w, i)						\
	for ((i) = 0; (i) < (w)->nnodes; (i)++)				\
		if (((fw) = fw_of_node((w)->nodes[(i)])) != NULL)

/* fw.c: the kernel of boot n; pf, then pfsync, on curvnet. */
struct vnet	*fw_kern_create(struct fw *, int n);
int		 fw_attach_modules(struct fw *, char *err, size_t errlen);

/* fw_path.c: the NICs' receive and transmit ends, and a boot's hooks. */
void		 fw_rx(struct iface *, struct pkt *, void *);
void		 fw_tx_tap(struct iface *, const struct pkt *, void *);
int		 fw_nic_transmit(struct ifnet *, struct pkt *);
void		 fw_kern_plug(struct fw *);

/* fw_power.c */
extern const char *const fw_power_names[];	/* by enum fw_power_what */
void		 fw_power_ev(void *);
void		 fw_power_off(struct fw *, int crash);
void		 fw_drops_add(struct kern_drops *, const char *, uint64_t);

#endif
