/*
 * Packet capture: libpcap files with Ethernet link type and nanosecond
 * timestamps. Simulated time 0 is written as 2009-02-04 00:00:00 UTC (the
 * date of the thesis diff) so captures read like ones from that era.
 * One capture may be shared by several interfaces (the merged capture);
 * frames are written in event order, which is time order.
 */
#ifndef ENGINE_CAPTURE_H
#define ENGINE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "simtime.h"

#define CAPTURE_EPOCH	1233705600LL	/* 2009-02-04T00:00:00Z */

struct capture;

/* NULL on failure with err set. */
struct capture	*capture_open(const char *path, char *err, size_t errlen);
struct capture	*capture_ref(struct capture *);
void		 capture_write(struct capture *, simtime_t t,
		    const uint8_t *frame, uint32_t len);
/* Drops one reference; the last closes the file. Returns 0 or -1. */
int		 capture_close(struct capture *);
uint64_t	 capture_frames(const struct capture *);

#endif
