/*
 * JSON writer (engine/json.c): the exact bytes of a document with nested
 * objects and arrays, empty containers, escapes and number formats.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "engine/json.h"

static char *buf;
static size_t len;

static struct json *
open_doc(FILE **f)
{
	struct json *j;

	*f = open_memstream(&buf, &len);
	assert_non_null(*f);
	j = json_create(*f);
	assert_non_null(j);
	return j;
}

static void
close_doc(struct json *j, FILE *f, const char *want)
{
	assert_int_equal(json_destroy(j), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, want);
	free(buf);
	buf = NULL;
}

static void
test_document(void **state)
{
	FILE *f;
	struct json *j = open_doc(&f);

	(void)state;
	json_obj_begin(j, NULL);
	json_str(j, "scenario", "demo_udp");
	json_uint(j, "seed", 1);
	json_real(j, "sim_seconds", 1);
	json_arr_begin(j, "nets");
	json_obj_begin(j, NULL);
	json_str(j, "name", "lan");
	json_obj_begin(j, "drops");
	json_uint(j, "queue", 0);
	json_obj_end(j);
	json_obj_end(j);
	json_obj_begin(j, NULL);
	json_obj_end(j);
	json_arr_end(j);
	json_arr_begin(j, "empty");
	json_arr_end(j);
	json_arr_begin(j, "nums");
	json_int(j, NULL, -3);
	json_bool(j, NULL, true);
	json_bool(j, NULL, false);
	json_arr_end(j);
	json_obj_end(j);
	close_doc(j, f,
	    "{\n"
	    "  \"scenario\": \"demo_udp\",\n"
	    "  \"seed\": 1,\n"
	    "  \"sim_seconds\": 1,\n"
	    "  \"nets\": [\n"
	    "    {\n"
	    "      \"name\": \"lan\",\n"
	    "      \"drops\": {\n"
	    "        \"queue\": 0\n"
	    "      }\n"
	    "    },\n"
	    "    {}\n"
	    "  ],\n"
	    "  \"empty\": [],\n"
	    "  \"nums\": [\n"
	    "    -3,\n"
	    "    true,\n"
	    "    false\n"
	    "  ]\n"
	    "}\n");
}

static void
test_numbers(void **state)
{
	FILE *f;
	struct json *j = open_doc(&f);

	(void)state;
	json_arr_begin(j, NULL);
	json_int(j, NULL, INT64_MIN);
	json_int(j, NULL, INT64_MAX);
	json_uint(j, NULL, UINT64_MAX);
	json_real(j, NULL, 0.1);
	json_real(j, NULL, 1234567.0);
	json_real(j, NULL, 1e-7);
	json_real(j, NULL, -2.5);
	json_real(j, NULL, NAN);
	json_real(j, NULL, INFINITY);
	json_arr_end(j);
	close_doc(j, f,
	    "[\n"
	    "  -9223372036854775808,\n"
	    "  9223372036854775807,\n"
	    "  18446744073709551615,\n"
	    "  0.1,\n"
	    "  1234567,\n"
	    "  1e-07,\n"
	    "  -2.5,\n"
	    "  null,\n"
	    "  null\n"
	    "]\n");
}

static void
test_escapes(void **state)
{
	FILE *f;
	struct json *j = open_doc(&f);

	(void)state;
	json_obj_begin(j, NULL);
	json_str(j, "q\"k", "a\"b\\c\nd\te\x01/\xc3\xa9");
	json_str(j, "null", NULL);
	json_obj_end(j);
	close_doc(j, f,
	    "{\n"
	    "  \"q\\\"k\": \"a\\\"b\\\\c\\nd\\u0009e\\u0001/\xc3\xa9\",\n"
	    "  \"null\": \"\"\n"
	    "}\n");
}

/* The command line in summary.json: one line, escaped. */
static void
test_string_array(void **state)
{
	static const char *const argv[] = { "pfsim", "a b.conf", "--set",
	    "x=\"y\"" };
	FILE *f;
	struct json *j = open_doc(&f);

	(void)state;
	json_obj_begin(j, NULL);
	json_str_arr(j, "command", argv, 4);
	json_str_arr(j, "none", NULL, 0);
	json_obj_end(j);
	close_doc(j, f,
	    "{\n"
	    "  \"command\": [\"pfsim\", \"a b.conf\", \"--set\", "
	    "\"x=\\\"y\\\"\"],\n"
	    "  \"none\": []\n"
	    "}\n");
}

/* The CSV files print a real as summary.json does: 9 digits. */
static void
test_csv_real_matches_json(void **state)
{
	static const double v[] = { 0.1, 1234567.0, 2000.0 / 3, 1e-7,
	    123456789.123, -2.5, 0 };
	char b[JSON_REAL_LEN], *csv = NULL;
	size_t n = 0, i;
	FILE *f, *cf = open_memstream(&csv, &n);
	struct json *j = open_doc(&f);

	(void)state;
	assert_non_null(cf);
	json_arr_begin(j, NULL);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		json_real(j, NULL, v[i]);
		csv_real(cf, v[i]);
		fputc('\n', cf);
	}
	csv_real(cf, NAN);
	fputc('\n', cf);
	json_arr_end(j);
	assert_int_equal(fclose(cf), 0);
	assert_string_equal(csv, "0.1\n1234567\n666.666667\n1e-07\n"
	    "123456789\n-2.5\n0\n\n");
	close_doc(j, f, "[\n  0.1,\n  1234567,\n  666.666667,\n  1e-07,\n"
	    "  123456789,\n  -2.5,\n  0\n]\n");
	assert_string_equal(json_fmt_real(b, sizeof(b), 2000.0 / 3),
	    "666.666667");
	assert_string_equal(json_fmt_real(b, sizeof(b), INFINITY), "");
	free(csv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_string_array),
		cmocka_unit_test(test_csv_real_matches_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
