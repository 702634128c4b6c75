/*
 * fuzz_jsonget: the JSON reader of ./sim sweep (tools/sweep/jsonget.c).
 * Input: a lookup path on the first line, then a document; the whole
 * input is parsed as a document too. Besides "no crash", checks the
 * contracts: a refused document has a message; lookups return 0, ENOENT
 * or EINVAL; a number found by jsonget_number is the first of a fold; a
 * string is NUL-terminated at its length.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/sweep/jsonget.h"

static const char *const paths[] = {
	"flows[0].delivered_pps", "firewalls[].pf.state_mismatch",
	"firewalls[].cpu_busy", "totals.sync_packet_ratio", "", "[]",
	"[][]", "[0]", "[1][0]", "a", "a.b", "[].a[]", "a[", "a..b", "[x]",
};

static void
lookups(const struct jsonget *d, const char *path)
{
	enum jsonget_op ops[] = { JSONGET_FIRST, JSONGET_SUM, JSONGET_MAX };
	double v = 0, f = 0;
	const char *s;
	size_t n = 0, len = 0, i;
	int rv, rf;

	rv = jsonget_number(d, path, &v);
	if (rv != 0 && rv != ENOENT && rv != EINVAL)
		abort();
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		rf = jsonget_fold(d, path, ops[i], &f, &n);
		if (rf != 0 && rf != EINVAL)
			abort();
		if ((rf == EINVAL) != (rv == EINVAL))
			abort();
		if (ops[i] == JSONGET_FIRST && rf == 0 &&
		    ((n > 0) != (rv == 0) ||
		    (rv == 0 && memcmp(&f, &v, sizeof(v)) != 0)))
			abort();
	}
	rv = jsonget_string(d, path, &s, &len);
	if (rv != 0 && rv != ENOENT && rv != EINVAL)
		abort();
	if (rv == 0 && (s[len] != '\0' || strlen(s) > len))
		abort();
}

static void
one(const char *doc, size_t len, const char *path)
{
	struct jsonget *d;
	char err[160];
	size_t i;

	err[0] = '\0';
	if ((d = jsonget_parse(doc, len, err, sizeof(err))) == NULL) {
		if (err[0] == '\0' || strncmp(err, "line ", 5) != 0)
			abort();
		return;
	}
	lookups(d, path);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		lookups(d, paths[i]);
	jsonget_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	size_t plen = nl ? (size_t)(nl - text) : 0;
	char *path;

	if ((path = malloc(plen + 1)) == NULL)
		return (0);
	memcpy(path, text, plen);
	path[plen] = '\0';
	one(text + (nl ? plen + 1 : 0), size - (nl ? plen + 1 : 0), path);
	one(text, size, path);
	free(path);
	return (0);
}
