/*
 * Packet capture (engine/capture.c): a nanosecond pcap with Ethernet link
 * type, read back with libpcap: timestamps (epoch + simulated time),
 * bytes, shared references, and the error on an unwritable path.
 */
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/capture.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pfsim-capture-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_write_read_back(void **state)
{
	static const simtime_t at[3] = {
		0, 1500000007LL, 3600LL * NS_PER_SEC + 999999999LL
	};
	char path[128], err[256], perr[PCAP_ERRBUF_SIZE];
	struct capture *c, *c2;
	uint8_t frame[3][100];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pd;
	FILE *f;
	uint32_t magic;
	int i, k;

	(void)state;
	snprintf(path, sizeof(path), "%s/x.pcap", dir);
	c = capture_open(path, err, sizeof(err));
	assert_non_null(c);
	/* A second user of the same file (the merged capture). */
	c2 = capture_ref(c);
	assert_ptr_equal(c2, c);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 100; i++)
			frame[k][i] = (uint8_t)(k * 31 + i);
		capture_write(k == 1 ? c2 : c, 0, at[k], frame[k],
		    (uint32_t)(60 + 20 * k));
	}
	assert_int_equal(capture_frames(c), 3);
	assert_int_equal(capture_close(c2), 0);	/* still open */
	assert_int_equal(capture_frames(c), 3);
	assert_int_equal(capture_close(c), 0);

	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(&magic, 4, 1, f), 1);
	fclose(f);
	assert_int_equal(magic, 0xa1b23c4d);	/* nanosecond pcap */
	pd = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, perr);
	assert_non_null(pd);
	assert_int_equal(pcap_datalink(pd), DLT_EN10MB);
	for (k = 0; k < 3; k++) {
		assert_int_equal(pcap_next_ex(pd, &h, &data), 1);
		assert_int_equal(h->ts.tv_sec,
		    CAPTURE_EPOCH + at[k] / NS_PER_SEC);
		assert_int_equal(h->ts.tv_usec, at[k] % NS_PER_SEC);
		assert_int_equal(h->caplen, 60 + 20 * k);
		assert_int_equal(h->len, 60 + 20 * k);
		assert_memory_equal(data, frame[k], h->caplen);
	}
	assert_int_equal(pcap_next_ex(pd, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(pd);
}

static void
test_open_error(void **state)
{
	char path[128], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/x.pcap", dir);
	err[0] = '\0';
	assert_null(capture_open(path, err, sizeof(err)));
	/* The message names the file. */
	assert_non_null(strstr(err, path));
	assert_int_equal(capture_close(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_read_back),
		cmocka_unit_test(test_open_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
