/* libpcap writer (pcap_open_dead_with_tstamp_precision, DLT_EN10MB). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture.h"

struct capture {
	pcap_t		*pd;
	pcap_dumper_t	*dumper;
	int		 refs;
	uint64_t	 frames;
};

struct capture *
capture_open(const char *path, char *err, size_t errlen)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	c->pd = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (c->pd == NULL) {
		snprintf(err, errlen, "%s: pcap_open_dead failed", path);
		free(c);
		return NULL;
	}
	c->dumper = pcap_dump_open(c->pd, path);
	if (c->dumper == NULL) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(c->pd));
		pcap_close(c->pd);
		free(c);
		return NULL;
	}
	c->refs = 1;
	return c;
}

struct capture *
capture_ref(struct capture *c)
{
	c->refs++;
	return c;
}

void
capture_write(struct capture *c, simtime_t t, const uint8_t *frame,
    uint32_t len)
{
	struct pcap_pkthdr h;

	/* With nanosecond precision, tv_usec carries nanoseconds. */
	h.ts.tv_sec = CAPTURE_EPOCH + t / NS_PER_SEC;
	h.ts.tv_usec = t % NS_PER_SEC;
	h.caplen = len;
	h.len = len;
	pcap_dump((u_char *)c->dumper, &h, frame);
	c->frames++;
}

int
capture_close(struct capture *c)
{
	int rv = 0;

	if (c == NULL || --c->refs > 0)
		return 0;
	if (pcap_dump_flush(c->dumper) != 0)
		rv = -1;
	pcap_dump_close(c->dumper);
	pcap_close(c->pd);
	free(c);
	return rv;
}

uint64_t
capture_frames(const struct capture *c)
{
	return c->frames;
}
