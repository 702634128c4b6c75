/*
 * The CPU cost model of a firewall: one CPU, work queued per interrupt
 * level, the highest pending level runs; each unit of work is one CPU step
 * whose length is the sum of the costs charged while it ran.
 *
 * Costs are charged by the kern/fw glue around calls into pf and pfsync
 * (never inside the ported code), with kern_charge(KC_..., n).
 * Included by kern.h.
 */
#ifndef MODELS_KERN_KERN_COST_H
#define MODELS_KERN_KERN_COST_H

#include <stdint.h>

#include "engine/simtime.h"

enum kern_cost {
	KC_INTR,		/* interrupt entry + exit + cause register */
	KC_RX_FRAME,		/* per frame in the rx handler (descriptor,
				 * cluster refill, ether_input, enqueue) */
	KC_NETISR,		/* per softnet pass (dispatch overhead) */
	KC_IP_INPUT,		/* ipintr per packet: dequeue + IPv4 input */
	KC_IP_FORWARD,		/* ip_forward: route lookup, TTL */
	KC_IP_OUTPUT,		/* ip_output + ether_output + if_start/TX */
	KC_PF_TEST,		/* per pf_test call (header pulls, kif) */
	KC_STATE_LOOKUP,	/* per state tree search */
	KC_STATE_INSERT,	/* per state created (pool, two RB inserts) */
	KC_RULE_EVAL,		/* per ruleset evaluation */
	KC_PFSYNC_PKT_OUT,	/* per pfsync packet built and sent */
	KC_PFSYNC_MSG_OUT,	/* per pfsync message put in a packet */
	KC_PFSYNC_PKT_IN,	/* per pfsync packet received (checks) */
	KC_PFSYNC_MSG_IN,	/* per pfsync message parsed and applied */
	KC_TIMEOUT,		/* per callout run by softclock */
	KC_TASK,		/* per process-context task run */
	KC_MAX
};

/* Names as in the parameter table ("cost.intr", ...). */
extern const char *const kern_cost_names[KC_MAX];

/* Charge n units of cost c to the current CPU step (the current vnet).
 * Outside a step (setup code, tests) the time is counted but delays
 * nothing. */
void	kern_charge(enum kern_cost, uint64_t n);
/* Charge raw nanoseconds. */
void	kern_charge_ns(simtime_t);

/* Per-level CPU time and the softnet batch histogram. */
struct kern_cpu_stats {
	simtime_t	 busy_ns[14];	/* per IPL (IPL_MAX) */
	simtime_t	 busy_total_ns;
	uint64_t	 steps[14];
	uint64_t	 passes;	/* softnet passes */
	uint64_t	 passes_ip;	/* passes that processed >= 1 packet */
};
struct vnet;
const struct kern_cpu_stats *kern_cpu_stats(const struct vnet *);
/* Packets per softnet pass over passes with at least one packet:
 * q in [0, 1] (0 = min, 0.5 = median, 0.99 = p99, 1 = max); 0 if none. */
uint32_t kern_pass_quantile(const struct vnet *, double q);
/* Histogram access: the number of passes that processed exactly k
 * packets (k >= 1). Exact for any k: no size is clamped. */
uint64_t kern_pass_hist(const struct vnet *, uint32_t k);
/* Packets processed over every pass counted in passes_ip. */
uint64_t kern_pass_pkts(const struct vnet *);
/* Nonzero while the CPU executes a step (a unit of work). */
int	kern_cpu_in_step(const struct vnet *);
/* Nonzero when nothing is running or pending on the CPU. */
int	kern_cpu_idle(const struct vnet *);

#endif
