/*
 * The [firewall] keys of the kernel model and the firewall node, and the
 * hardware profiles behind their defaults. A key the scenario does not
 * set takes the value of the firewall's "hw" profile; the table's
 * defaults are the "2009" profile's.
 */
#include <string.h>

#include "models/fw/fw.h"
#include "models/fw/fw_var.h"

#define FW_COST(name, def, help) \
	{ "firewall", "cost." name, PT_DURATION, 0, NS_PER_MS, def, NULL, help }

const struct param_spec fw_params[] = {
	{ "firewall", "nets", PT_LIST, 0, 0, NULL, NULL,
	    "nets the firewall attaches to, in order: em0, em1, ..." },
	{ "firewall", "hw", PT_ENUM, 0, 0, "2009", "2009|modern",
	    "hardware profile: defaults of every nic.*, queue and cost.* key" },
	{ "firewall", "hz", PT_INT, 10, 10000, "100",
	    NULL, "clock interrupts per second (kern.clockrate)" },
	{ "firewall", "nic.rx_ring", PT_INT, 1, 65536, "256", NULL,
	    "NIC receive descriptors (em(4): 256); overflow drops rx_ring" },
	{ "firewall", "nic.int_rate", PT_INT, 0, 10000000, "8000", NULL,
	    "most interrupts per second per NIC (em(4) ITR: 8000); 0 = none" },
	{ "firewall", "nic.random_phase", PT_BOOL, 0, 0, "yes", NULL,
	    "each NIC's interrupt-throttle timer starts at a random phase "
	    "(as after a real boot); no: the first frame interrupts at once" },
	{ "firewall", "nic.int_delay", PT_DURATION, 0, NS_PER_SEC, "0", NULL,
	    "delay from the first pending frame to the interrupt "
	    "(bge(4): 150us)" },
	{ "firewall", "nic.int_frames", PT_INT, 0, 65536, "0", NULL,
	    "interrupt as soon as this many frames wait (bge(4): 64); 0 = off" },
	{ "firewall", "ifq", PT_INT, 1, 65536, "511", NULL,
	    "if_snd + TX ring per interface (em(4): 511); overflow drops ifq" },
	{ "firewall", "ipintrq", PT_INT, 1, 65536, "256", NULL,
	    "IP input queue (net.inet.ip.ifq.maxlen: 256); overflow drops "
	    "ipintrq and flags congestion for 1 tick" },
	{ "firewall", "nmbclust", PT_INT, 0, 100000000, "6144", NULL,
	    "mbufs alive at once (kern.maxclusters); 0 = unlimited" },
	{ "firewall", "splassert", PT_INT, 0, 2, "1", NULL,
	    "kern.splassert: 0 ignore, 1 count and log, 2 panic" },
	{ "firewall", "route", PT_LIST, 0, 0, "", NULL,
	    "static routes DST/PLEN@GW (e.g. 10.9.0.0/16@10.1.2.5)" },
	{ "firewall", "boot", PT_DURATION, 0, 86400LL * NS_PER_SEC, "0", NULL,
	    "off until then, then boots as for reboot (0 = up from the "
	    "start)" },
	{ "firewall", "crash", PT_LIST, 0, 0, "", NULL,
	    "power loss at these times: states, queues and pending work "
	    "lost, no pfsync message; frames to it dropped as power_off" },
	{ "firewall", "reboot", PT_LIST, 0, 0, "", NULL,
	    "back up at these times (each after a crash): pf empty with a "
	    "new hostid, pfsync asks for a bulk update (bulk_on_up)" },
	{ "firewall", "cost.spread", PT_REAL, 0, 0.9, "0.2", NULL,
	    "each CPU charge is its cost.* mean times U[1-s, 1+s] (cache and "
	    "TLB misses; estimate, checked over 0-0.5); 0 = exact means" },
	FW_COST("intr", "2500ns", "CPU per interrupt (entry, ICR read, exit)"),
	FW_COST("rx_frame", "700ns", "CPU per received frame in the handler"),
	FW_COST("netisr", "300ns", "CPU per softnet pass"),
	FW_COST("ip_input", "500ns", "CPU per packet of IP input"),
	FW_COST("ip_forward", "500ns", "CPU per forwarded packet (route)"),
	FW_COST("ip_output", "900ns", "CPU per ip_output (incl. driver TX)"),
	FW_COST("pf_test", "500ns", "CPU per pf_test call"),
	FW_COST("state_lookup", "400ns", "CPU per pf state lookup"),
	FW_COST("state_insert", "2000ns", "CPU per pf state created"),
	FW_COST("rule_eval", "1500ns", "CPU per pf ruleset evaluation"),
	FW_COST("pfsync_pkt_out", "1000ns", "CPU per pfsync packet built"),
	FW_COST("pfsync_msg_out", "250ns", "CPU per pfsync message built"),
	FW_COST("pfsync_pkt_in", "800ns", "CPU per pfsync packet received"),
	FW_COST("pfsync_msg_in", "700ns", "CPU per pfsync message parsed"),
	FW_COST("timeout", "300ns", "CPU per callout run by softclock"),
	FW_COST("task", "500ns", "CPU per process-context task"),
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

/*
 * NIC and queue values of the profiles.
 * 2009: em(4) of OpenBSD 4.4 (K44 if_em.h: MAX_INTS_PER_SEC 8000, RX
 * ring 256, TX ring 512 => if_snd 511), ipqmaxlen 256 (K44 ip_input.c).
 * modern: a 2020s em/ix NIC: OpenBSD still throttles at 8000/s; rings of
 * 1024 descriptors; an input queue of 2048 (UNVERIFIED).
 */
static const struct fw_profile profiles[] = {
	{ "2009", 100, 256, 8000, 0, 0, 511, 256, 6144 },
	{ "modern", 100, 1024, 8000, 0, 0, 1023, 2048, 65536 },
};

const struct fw_profile *
fw_profile(const char *hw)
{
	size_t i;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, hw) == 0)
			return &profiles[i];
	return NULL;
}
