/* Metrics of summary.json (see summary.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "jsonget.h"
#include "summary.h"

static const struct {
	const char	*name;
	const char	*path;
	enum jsonget_op	 op;
	int		 empty_is_zero;	/* no firewall: 0, not missing */
} metrics[] = {
	[SUMMARY_OFFERED_PPS] =
	    { "offered_pps", "flows[0].offered_pps", JSONGET_FIRST, 0 },
	[SUMMARY_DELIVERED_PPS] =
	    { "delivered_pps", "flows[0].delivered_pps", JSONGET_FIRST, 0 },
	[SUMMARY_GOODPUT_BPS] =
	    { "goodput_bps", "flows[0].goodput_bps", JSONGET_FIRST, 0 },
	[SUMMARY_RETRANSMITS] =
	    { "retransmits", "flows[0].retransmits", JSONGET_FIRST, 0 },
	[SUMMARY_TIMEOUTS] =
	    { "timeouts", "flows[0].timeouts", JSONGET_FIRST, 0 },
	[SUMMARY_STATE_MISMATCH] = { "state_mismatch",
	    "firewalls[].pf.state_mismatch", JSONGET_SUM, 1 },
	[SUMMARY_SYNC_PACKETS] =
	    { "sync_packets", "totals.sync_packets", JSONGET_FIRST, 0 },
	[SUMMARY_DATA_PACKETS] =
	    { "data_packets", "totals.data_packets", JSONGET_FIRST, 0 },
	[SUMMARY_SYNC_PACKET_RATIO] = { "sync_packet_ratio",
	    "totals.sync_packet_ratio", JSONGET_FIRST, 0 },
	[SUMMARY_CPU_BUSY_MAX] =
	    { "cpu_busy_max", "firewalls[].cpu_busy", JSONGET_MAX, 0 },
};
_Static_assert(sizeof(metrics) / sizeof(metrics[0]) == SUMMARY_NMETRICS,
    "one row per metric");

const char *
summary_name(enum summary_metric m)
{
	return (metrics[m].name);
}

int
summary_read(const char *path, struct summary *s, char *err, size_t errlen)
{
	struct jsonget *d;
	char *buf, perr[160];
	size_t len, i, count;
	int rv;

	memset(s, 0, sizeof(*s));
	if ((rv = files_read(path, JSONGET_MAXLEN, &buf, &len)) != 0) {
		snprintf(err, errlen, "%s", strerror(rv));
		return (rv);
	}
	d = jsonget_parse(buf, len, perr, sizeof(perr));
	free(buf);
	if (d == NULL) {
		rv = errno;
		snprintf(err, errlen, "%s", perr);
		return (rv == ENOMEM ? ENOMEM : EINVAL);
	}
	for (i = 0; i < SUMMARY_NMETRICS; i++) {
		if (jsonget_fold(d, metrics[i].path, metrics[i].op, &s->v[i],
		    &count) != 0)
			continue;
		s->have[i] = count > 0 || metrics[i].empty_is_zero;
	}
	jsonget_free(d);
	return (0);
}

void
summary_print(FILE *f, double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
		fprintf(f, "%.0f", v);
	else
		fprintf(f, "%.9g", v);
}
