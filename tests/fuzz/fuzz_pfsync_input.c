/*
 * pfsync_input (v5) and pfsync4_input (v4, v4-split) on packets from the
 * sync net, on a firewall that holds states (fuzz_pfsync.h).
 *
 * Input: one knob byte (FZ_K_*: version, header stamps, merge policy,
 * bulk request, clock), then up to FZ_MAXIN pfsync payloads separated by
 * FZ_SEP, each the bytes after the IP header: pfsync header first. Each
 * arrives in its own IPv4 packet (TTL 255) on the sync interface; the
 * clock moves 1 ms after each, so pfsyncintr and the send timers run.
 */
#include "tests/fuzz/fuzz_pfsync.h"

#define FZ_MAXIN	8

int	LLVMFuzzerTestOneInput(const u_int8_t *, size_t);

int
LLVMFuzzerTestOneInput(const u_int8_t *data, size_t size)
{
	struct fz fz;
	const u_int8_t *p, *next;
	size_t n, left;
	u_int8_t k;
	int i;

	if (size < 1)
		return (0);
	k = data[0];
	fz_create(&fz, k);
	p = data + 1;
	left = size - 1;
	for (i = 0; i < FZ_MAXIN && p != NULL; i++) {
		n = fz_split(p, left, &next);
		fz_input(&fz, k, p, n);
		fz_advance(&fz, NS_PER_MS);
		if (next != NULL)
			left -= (size_t)(next - p);
		p = next;
	}
	if (k & FZ_K_CLOCK)
		fz_advance(&fz, 5 * NS_PER_SEC);
	fz_destroy(&fz);
	return (0);
}
