/*
 * Packet capture: libpcap files with Ethernet link type and nanosecond
 * timestamps. Simulated time 0 is written as 2009-02-04 00:00:00 UTC (the
 * date of the thesis diff) so captures read like ones from that era.
 *
 * The merged capture is one pcapng file (written here, like mergecap's
 * output) shared by every interface: one interface description block per
 * NODE-IFACE, each frame recorded once, when that interface sends it, so
 * a segment's path reads hop by hop (frame.interface_name). Frames are
 * written in event order, which is time order.
 */
#ifndef ENGINE_CAPTURE_H
#define ENGINE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "simtime.h"

#define CAPTURE_EPOCH	1233705600LL	/* 2009-02-04T00:00:00Z */

struct capture;

/*
 * A disk budget shared by every capture of a run (sim.capture_limit):
 * file headers are always written and count; the first frame that would
 * take the total past limit stops capturing in every file, so each file
 * stays a valid capture that ends at the same simulated time. Frames are
 * written in event order, so where it stops is as repeatable as the run.
 */
struct capture_budget {
	uint64_t	limit;		/* bytes */
	uint64_t	used;		/* bytes written, headers included */
	uint64_t	skipped;	/* frames not written since it stopped */
	simtime_t	stopped_ns;	/* the time of the first one skipped */
};

/* NULL on failure with err set (the path and the cause). */
struct capture	*capture_open(const char *path, char *err, size_t errlen);
/* The merged pcapng capture; NULL on failure with err set. */
struct capture	*capture_open_merged(const char *path, char *err,
		    size_t errlen);
/* Add an interface named name to a merged capture; its id, or -1. */
int		 capture_add_iface(struct capture *, const char *name);
/* 1 if the capture records sent frames only (the merged one). */
int		 capture_tx_only(const struct capture *);
struct capture	*capture_ref(struct capture *);
/* Count c's bytes, those written so far too, against b (not owned). */
void		 capture_set_budget(struct capture *c,
		    struct capture_budget *b);
/* The file's path, as opened. */
const char	*capture_path(const struct capture *);
/* Write a frame seen on interface ifid (0 for single-interface files). */
void		 capture_write(struct capture *, int ifid, simtime_t t,
		    const uint8_t *frame, uint32_t len);
/*
 * Drops one reference; the last closes the file. Returns 0, or -1 with
 * errno set to the first write error (a full disk: ENOSPC).
 */
int		 capture_close(struct capture *);
uint64_t	 capture_frames(const struct capture *);

#endif
