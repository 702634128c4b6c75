/*
 * The JSON reader of ./sim sweep (tools/sweep/jsonget.c): lookups by
 * path in a document shaped like summary.json, sums and maxima over
 * arrays, strings and escapes, and malformed documents and paths
 * refused with a message (every prefix of a document, deep nesting).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsonget.h"

static const char summary[] =
    "{\n"
    "  \"scenario\": \"asym_tcp\",\n"
    "  \"seed\": 3,\n"
    "  \"firewalls\": [\n"
    "    { \"name\": \"fwA\", \"cpu_busy\": 0.131046415,\n"
    "      \"pf\": { \"states\": 2, \"state_mismatch\": 1817 } },\n"
    "    { \"name\": \"fwB\", \"cpu_busy\": 0.12640756,\n"
    "      \"pf\": { \"states\": 2, \"state_mismatch\": 5 } }\n"
    "  ],\n"
    "  \"flows\": [ { \"name\": \"bulk\", \"offered_pps\": 7999.7,\n"
    "      \"delivered_pps\": 7999.5, \"goodput_bps\": 93434160,\n"
    "      \"retransmits\": 1817, \"timeouts\": 0 } ],\n"
    "  \"attackers\": [],\n"
    "  \"totals\": { \"sync_packets\": 167259, \"data_packets\": 125444,\n"
    "      \"sync_packet_ratio\": 1.33333599, \"none\": null }\n"
    "}";

static struct jsonget *
parse(const char *s)
{
	char err[128];
	struct jsonget *d = jsonget_parse(s, strlen(s), err, sizeof(err));

	if (d == NULL)
		fail_msg("parse failed: %s", err);
	return (d);
}

static void
want(const struct jsonget *d, const char *path, double v)
{
	double got = -12345;

	if (jsonget_number(d, path, &got) != 0)
		fail_msg("%s: not found", path);
	if (got != v)
		fail_msg("%s: %.17g, expected %.17g", path, got, v);
}

static void
test_summary(void **state)
{
	struct jsonget *d = parse(summary);
	const char *s;
	double v;
	size_t n, len;

	(void)state;
	want(d, "seed", 3);
	want(d, "flows[0].delivered_pps", 7999.5);
	want(d, "flows[0].offered_pps", 7999.7);
	want(d, "flows[0].goodput_bps", 93434160);
	want(d, "firewalls[1].pf.state_mismatch", 5);
	want(d, "totals.sync_packet_ratio", 1.33333599);
	want(d, "firewalls[].cpu_busy", 0.131046415);	/* the first */

	assert_int_equal(jsonget_fold(d, "firewalls[].pf.state_mismatch",
	    JSONGET_SUM, &v, &n), 0);
	assert_true(v == 1822 && n == 2);
	assert_int_equal(jsonget_fold(d, "firewalls[].cpu_busy", JSONGET_MAX,
	    &v, &n), 0);
	assert_true(v == 0.131046415 && n == 2);
	/* over an empty array: nothing found, 0 */
	assert_int_equal(jsonget_fold(d, "attackers[].x", JSONGET_SUM, &v,
	    &n), 0);
	assert_true(v == 0 && n == 0);
	/* a name is not a number */
	assert_int_equal(jsonget_fold(d, "firewalls[].name", JSONGET_SUM, &v,
	    &n), 0);
	assert_int_equal(n, 0);

	assert_int_equal(jsonget_string(d, "firewalls[1].name", &s, &len), 0);
	assert_string_equal(s, "fwB");
	assert_int_equal(len, 3);
	assert_int_equal(jsonget_string(d, "seed", &s, NULL), ENOENT);

	/* missing: member, index, type, null */
	assert_int_equal(jsonget_number(d, "flows[1].delivered_pps", &v),
	    ENOENT);
	assert_int_equal(jsonget_number(d, "flows[0].nope", &v), ENOENT);
	assert_int_equal(jsonget_number(d, "seed.x", &v), ENOENT);
	assert_int_equal(jsonget_number(d, "flows.x", &v), ENOENT);
	assert_int_equal(jsonget_number(d, "totals[0]", &v), ENOENT);
	assert_int_equal(jsonget_number(d, "totals.none", &v), ENOENT);
	assert_int_equal(jsonget_number(d, "scenario", &v), ENOENT);
	assert_int_equal(jsonget_number(d, "", &v), ENOENT);	/* the root */

	/* malformed paths */
	assert_int_equal(jsonget_number(d, "flows[0", &v), EINVAL);
	assert_int_equal(jsonget_number(d, "flows[x]", &v), EINVAL);
	assert_int_equal(jsonget_number(d, "flows[-1]", &v), EINVAL);
	assert_int_equal(jsonget_number(d, "flows[1234567890]", &v), EINVAL);
	assert_int_equal(jsonget_number(d, "flows..x", &v), EINVAL);
	assert_int_equal(jsonget_number(d, ".seed", &v), EINVAL);
	assert_int_equal(jsonget_number(d, "seed.", &v), EINVAL);
	assert_int_equal(jsonget_number(d, "flows[0]x", &v), EINVAL);
	assert_int_equal(jsonget_number(d, "a]", &v), EINVAL);
	assert_int_equal(jsonget_number(d, "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a", &v), EINVAL);	/* 33 */
	assert_int_equal(jsonget_number(NULL, "seed", &v), EINVAL);
	jsonget_free(d);
}

static void
test_values(void **state)
{
	struct jsonget *d = parse(" [0, -0.5e3, 1E+2, 12.25e-1, 1e999,"
	    " \"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\\ud800x\\u0000y\","
	    " true, false, null, {\"k\": 1, \"k\": 2}, [[[7]]], {}] \r\n\t");
	const char *s;
	size_t len;
	double v;

	(void)state;
	want(d, "[0]", 0);
	want(d, "[1]", -500);
	want(d, "[2]", 100);
	want(d, "[3]", 1.225);
	assert_int_equal(jsonget_number(d, "[4]", &v), 0);
	assert_true(v > 1e308);			/* out of range: HUGE_VAL */
	assert_int_equal(jsonget_string(d, "[5]", &s, &len), 0);
	/* é, U+1F600 from a surrogate pair, a lone surrogate, a NUL */
	assert_int_equal(len, 19);
	assert_memory_equal(s, "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80"
	    "\xef\xbf\xbdx\0y", len);
	assert_int_equal(jsonget_number(d, "[6]", &v), ENOENT);
	want(d, "[9].k", 1);			/* the first of two */
	want(d, "[10][0][0][0]", 7);
	want(d, "[][][][]", 7);
	assert_int_equal(jsonget_number(d, "[11].k", &v), ENOENT);
	jsonget_free(d);

	d = parse("42");
	want(d, "", 42);
	jsonget_free(d);
}

static void
test_malformed(void **state)
{
	static const struct {
		const char *doc, *msg;
	} bad[] = {
		{ "", "line 1: unexpected end of input" },
		{ "   \n  ", "line 2: unexpected end of input" },
		{ "{", "expected a member name" },
		{ "{\"a\" 1}", "expected ':'" },
		{ "{\"a\": 1,}", "expected a member name" },
		{ "{\"a\": 1\n\n \"b\": 2}", "line 3: expected ',' or '}'" },
		{ "[1 2]", "expected ',' or ']'" },
		{ "[1,]", "unexpected character ']'" },
		{ "[01]", "expected ',' or ']'" },
		{ "[1.]", "bad number" },
		{ "[.5]", "unexpected character '.'" },
		{ "[-]", "bad number" },
		{ "[1e]", "bad number" },
		{ "[+1]", "unexpected character '+'" },
		{ "[NaN]", "unexpected character 'N'" },
		{ "[tru]", "expected 'true'" },
		{ "[nul", "expected 'null'" },
		{ "\"abc", "unterminated string" },
		{ "\"a\\", "unterminated string" },
		{ "\"a\tb\"", "control character" },
		{ "\"\\x\"", "bad escape" },
		{ "\"\\u12g4\"", "bad \\u escape" },
		{ "\"\\u12\"", "bad \\u escape" },
		{ "{} {}", "trailing characters" },
		{ "1 2", "trailing characters" },
		{ "{'a': 1}", "expected a member name" },
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		errno = 0;
		if (jsonget_parse(bad[i].doc, strlen(bad[i].doc), err,
		    sizeof(err)) != NULL)
			fail_msg("accepted: %s", bad[i].doc);
		assert_int_equal(errno, EINVAL);
		if (strstr(err, bad[i].msg) == NULL)
			fail_msg("%s: '%s' lacks '%s'", bad[i].doc, err,
			    bad[i].msg);
	}
	/* no room for a message, or none wanted */
	assert_null(jsonget_parse("[", 1, err, 0));
	assert_null(jsonget_parse("[", 1, NULL, 0));
}

static void
test_prefixes(void **state)
{
	size_t n = strlen(summary), i;
	char *copy;

	(void)state;
	/* every strict prefix is malformed; read without a NUL after it */
	for (i = 0; i < n; i++) {
		copy = malloc(i ? i : 1);
		assert_non_null(copy);
		memcpy(copy, summary, i);
		assert_null(jsonget_parse(copy, i, NULL, 0));
		free(copy);
	}
}

static void
test_depth(void **state)
{
	char doc[2 * JSONGET_MAXDEPTH + 8], err[128];
	struct jsonget *d;
	size_t i;

	(void)state;
	for (i = 0; i < JSONGET_MAXDEPTH; i++) {
		doc[i] = '[';
		doc[2 * JSONGET_MAXDEPTH - 1 - i] = ']';
	}
	d = jsonget_parse(doc, 2 * JSONGET_MAXDEPTH, err, sizeof(err));
	assert_non_null(d);
	jsonget_free(d);
	/* one deeper */
	memmove(doc + 1, doc, 2 * JSONGET_MAXDEPTH);
	doc[0] = '[';
	doc[2 * JSONGET_MAXDEPTH + 1] = ']';
	assert_null(jsonget_parse(doc, 2 * JSONGET_MAXDEPTH + 2, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "nested deeper than 64"));
	/* a long number */
	{
		char big[600];

		memset(big, '1', sizeof(big));
		assert_null(jsonget_parse(big, sizeof(big), err,
		    sizeof(err)));
		assert_non_null(strstr(err, "number longer"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
