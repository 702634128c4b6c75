/* libpcap writer (pcap_open_dead_with_tstamp_precision, DLT_EN10MB). */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"

struct capture {
	pcap_t		*pd;		/* classic pcap via libpcap */
	pcap_dumper_t	*dumper;
	FILE		*ng;		/* or pcapng, written here */
	int		 nifs;
	int		 refs;
	int		 err;		/* errno of the first write error */
	uint64_t	 frames;
	uint64_t	 bytes;		/* written to the file */
	struct capture_budget *budget;
	char		*path;
};

/* Classic pcap: the file header, then a record header per frame. */
#define PCAP_FILEHDR	24
#define PCAP_RECHDR	16

static struct capture *
capture_alloc(const char *path)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (c != NULL && (c->path = strdup(path)) == NULL) {
		free(c);
		c = NULL;
	}
	return c;
}

static void
capture_free(struct capture *c)
{
	free(c->path);
	free(c);
}

static void
account(struct capture *c, size_t n)
{
	c->bytes += n;
	if (c->budget != NULL)
		c->budget->used += n;
}

/* pcapng block types and options (draft-ietf-opsawg-pcapng). */
#define NG_SHB		0x0A0D0D0A
#define NG_IDB		0x00000001
#define NG_EPB		0x00000006
#define NG_MAGIC	0x1A2B3C4D
#define NG_OPT_END	0
#define NG_IF_NAME	2
#define NG_IF_TSRESOL	9

static void
ng_put(struct capture *c, const void *p, size_t n)
{
	if (fwrite(p, 1, n, c->ng) != n && c->err == 0)
		c->err = errno != 0 ? errno : EIO;
	account(c, n);
}

static void
ng_u32(struct capture *c, uint32_t v)
{
	ng_put(c, &v, 4);
}

static void
ng_pad(struct capture *c, size_t n)
{
	static const uint8_t zero[4];

	ng_put(c, zero, (4 - n % 4) % 4);
}

struct capture *
capture_open_merged(const char *path, char *err, size_t errlen)
{
	struct capture *c = capture_alloc(path);

	if (c == NULL || (c->ng = fopen(path, "wb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (c != NULL)
			capture_free(c);
		return NULL;
	}
	c->refs = 1;
	/* Section header: no options, section length unknown (-1). */
	ng_u32(c, NG_SHB);
	ng_u32(c, 28);
	ng_u32(c, NG_MAGIC);
	ng_u32(c, 1);		/* major 1, minor 0 (host order u16s) */
	ng_u32(c, 0xffffffff);
	ng_u32(c, 0xffffffff);
	ng_u32(c, 28);
	return c;
}

int
capture_add_iface(struct capture *c, const char *name)
{
	size_t n = strlen(name);
	uint32_t optlen = 4 + (uint32_t)((n + 3) & ~3u) + 4 + 4 + 4;
	uint32_t len = 20 + optlen;
	uint16_t hdr[2];
	uint8_t res = 9;	/* 10^-9 s */

	if (c->ng == NULL)
		return 0;
	ng_u32(c, NG_IDB);
	ng_u32(c, len);
	hdr[0] = 1;		/* LINKTYPE_ETHERNET */
	hdr[1] = 0;
	ng_put(c, hdr, 4);
	ng_u32(c, 65535);	/* snaplen */
	hdr[0] = NG_IF_NAME;
	hdr[1] = (uint16_t)n;
	ng_put(c, hdr, 4);
	ng_put(c, name, n);
	ng_pad(c, n);
	hdr[0] = NG_IF_TSRESOL;
	hdr[1] = 1;
	ng_put(c, hdr, 4);
	ng_put(c, &res, 1);
	ng_pad(c, 1);
	hdr[0] = NG_OPT_END;
	hdr[1] = 0;
	ng_put(c, hdr, 4);
	ng_u32(c, len);
	return c->nifs++;
}

int
capture_tx_only(const struct capture *c)
{
	return c->ng != NULL;
}

struct capture *
capture_open(const char *path, char *err, size_t errlen)
{
	struct capture *c = capture_alloc(path);

	if (c == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	c->pd = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (c->pd == NULL) {
		snprintf(err, errlen, "%s: pcap_open_dead failed", path);
		capture_free(c);
		return NULL;
	}
	/* libpcap's message names the path and strerror(errno). */
	c->dumper = pcap_dump_open(c->pd, path);
	if (c->dumper == NULL) {
		snprintf(err, errlen, "%s", pcap_geterr(c->pd));
		if (strstr(err, path) == NULL)
			snprintf(err, errlen, "%s: %s", path,
			    pcap_geterr(c->pd));
		pcap_close(c->pd);
		capture_free(c);
		return NULL;
	}
	account(c, PCAP_FILEHDR);
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
capture_set_budget(struct capture *c, struct capture_budget *b)
{
	c->budget = b;
	b->used += c->bytes;
}

const char *
capture_path(const struct capture *c)
{
	return c->path;
}

/* Whether a record of n bytes still fits the budget; counts it if not. */
static int
budget_allows(struct capture *c, simtime_t t, uint64_t n)
{
	struct capture_budget *b = c->budget;

	if (b == NULL)
		return 1;
	if (b->skipped == 0 && b->used + n <= b->limit)
		return 1;
	if (b->skipped++ == 0)
		b->stopped_ns = t;
	return 0;
}

void
capture_write(struct capture *c, int ifid, simtime_t t, const uint8_t *frame,
    uint32_t len)
{
	struct pcap_pkthdr h;

	if (c->ng != NULL) {
		uint64_t ts = (uint64_t)CAPTURE_EPOCH * NS_PER_SEC +
		    (uint64_t)t;
		uint32_t blen = 32 + ((len + 3) & ~3u);

		if (!budget_allows(c, t, blen))
			return;
		ng_u32(c, NG_EPB);
		ng_u32(c, blen);
		ng_u32(c, (uint32_t)ifid);
		ng_u32(c, (uint32_t)(ts >> 32));
		ng_u32(c, (uint32_t)ts);
		ng_u32(c, len);
		ng_u32(c, len);
		ng_put(c, frame, len);
		ng_pad(c, len);
		ng_u32(c, blen);
		c->frames++;
		return;
	}

	if (!budget_allows(c, t, PCAP_RECHDR + (uint64_t)len))
		return;
	/* With nanosecond precision, tv_usec carries nanoseconds. */
	h.ts.tv_sec = CAPTURE_EPOCH + t / NS_PER_SEC;
	h.ts.tv_usec = t % NS_PER_SEC;
	h.caplen = len;
	h.len = len;
	errno = 0;
	pcap_dump((u_char *)c->dumper, &h, frame);
	/* pcap_dump says nothing: the stream remembers (a full disk). */
	if (c->err == 0 && ferror(pcap_dump_file(c->dumper)))
		c->err = errno != 0 ? errno : EIO;
	account(c, PCAP_RECHDR + (size_t)len);
	c->frames++;
}

int
capture_close(struct capture *c)
{
	int rv = 0;

	if (c == NULL || --c->refs > 0)
		return 0;
	errno = 0;
	if (c->ng != NULL) {
		if (fclose(c->ng) != 0 && c->err == 0)
			c->err = errno != 0 ? errno : EIO;
	} else {
		if ((pcap_dump_flush(c->dumper) != 0 ||
		    ferror(pcap_dump_file(c->dumper))) && c->err == 0)
			c->err = errno != 0 ? errno : EIO;
		pcap_dump_close(c->dumper);
		pcap_close(c->pd);
	}
	if (c->err != 0) {
		errno = c->err;
		rv = -1;
	}
	capture_free(c);
	return rv;
}

uint64_t
capture_frames(const struct capture *c)
{
	return c->frames;
}
