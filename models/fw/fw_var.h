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

	int		 nnic;
	struct fw_nic	 nic[NODE_MAXIF];

	struct fw_pf_work pfw;		/* last seen */
	struct fw_pfsync_work psw;

	uint64_t	 rx_frames;	/* accepted into an rx ring */
	uint64_t	 forwarded;	/* forwarded packets put on if_snd */
	uint64_t	 deferred;	/* forwarded packets pfsync held */
	uint64_t	 local_pfsync;	/* handed to pfsync_input */
	simtime_t	 t0;

	/* timeseries: values at the previous row */
	simtime_t	 ts_t, ts_busy;
	uint64_t	 ts_fwd, ts_drops;
};

#endif
