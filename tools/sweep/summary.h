/*
 * The numbers a sweep takes from each run's summary.json, as one table:
 * column name, path (jsonget.h) and how several values fold into one.
 */
#ifndef SWEEP_SUMMARY_H
#define SWEEP_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

enum summary_metric {
	SUMMARY_OFFERED_PPS,
	SUMMARY_DELIVERED_PPS,
	SUMMARY_GOODPUT_BPS,
	SUMMARY_RETRANSMITS,
	SUMMARY_TIMEOUTS,
	SUMMARY_STATE_MISMATCH,	/* summed over the firewalls */
	SUMMARY_SYNC_PACKETS,
	SUMMARY_DATA_PACKETS,
	SUMMARY_SYNC_PACKET_RATIO,
	SUMMARY_CPU_BUSY_MAX,	/* the busiest firewall's */
	SUMMARY_NMETRICS
};

struct summary {
	double	v[SUMMARY_NMETRICS];
	int	have[SUMMARY_NMETRICS];	/* 0: not in the file */
};

/* The CSV column name of a metric. */
const char	*summary_name(enum summary_metric);

/*
 * Reads the metrics of one summary.json. 0; ENOENT when there is no
 * file; EINVAL when it is not JSON (with the reason in err), or another
 * errno value.
 */
int	summary_read(const char *path, struct summary *, char *err,
	    size_t errlen);

/* Writes v for a CSV: integers exactly, others with %.9g. */
void	summary_print(FILE *, double v);

#endif
