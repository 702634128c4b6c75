/*
 * Sweep grids (tools/sweep/grid.c): value lists, ranges with units and an
 * inclusive STOP without drift, the cross product and its order with
 * seeds, and bad specs refused with a message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "grid.h"

static void
want_values(const char *spec, const char *const *want, size_t n)
{
	struct grid g;
	char err[256] = "";
	size_t i;

	grid_init(&g);
	if (grid_add(&g, spec, err, sizeof(err)) != 0)
		fail_msg("%s: %s", spec, err);
	assert_int_equal(g.naxes, 1);
	assert_int_equal(g.axes[0].nvalues, n);
	assert_int_equal(grid_npoints(&g), n);
	for (i = 0; i < n; i++)
		assert_string_equal(grid_value(&g, i, 0), want[i]);
	grid_free(&g);
}

static void
test_lists(void **state)
{
	const char *const a[] = { "2000pps", "bogus", "8000pps" };
	const char *const b[] = { "fwA fwB" };
	/* a comma makes a list: these are values, not ranges */
	const char *const c[] = { "2s-3s", "1:2", "3:4" };

	(void)state;
	want_values("flow.bulk.rate=2000pps,bogus,8000pps", a, 3);
	want_values("flow.bulk.route=fwA fwB", b, 1);
	want_values("net.x.down=2s-3s,1:2,3:4", c, 3);
}

static void
test_ranges(void **state)
{
	const char *const pps[] = { "2000pps", "4000pps", "6000pps",
	    "8000pps", "10000pps" };
	const char *const dec[] = { "0.1", "0.2", "0.3" };
	const char *const mixed[] = { "0.5ms", "1.0ms", "1.5ms", "2.0ms" };
	const char *const down[] = { "5", "3", "1" };
	const char *const notstop[] = { "1000pps", "4000pps", "7000pps" };
	const char *const neg[] = { "-2", "-1", "0", "1" };
	const char *const one[] = { "7us" };

	(void)state;
	want_values("flow.bulk.rate=2000pps:10000pps:2000pps", pps, 5);
	want_values("flow.bulk.rate=2000:10000:2000pps", pps, 5);
	want_values("flow.bulk.rate=2000pps:10000:2000", pps, 5);
	/* no float drift: 0.1 + 0.1 + 0.1 is 0.3 and STOP is in */
	want_values("net.x.loss=0.1:0.3:0.1", dec, 3);
	want_values("net.x.delay=0.5ms:2ms:0.5ms", mixed, 4);
	want_values("firewall.fwA.hz=5:1:-2", down, 3);
	want_values("flow.bulk.rate=1000pps:9000pps:3000pps", notstop, 3);
	want_values("sim.x=-2:1:1", neg, 4);
	want_values("net.x.delay=7us:7us:1us", one, 1);
}

static void
test_list_empty_value(void **state)
{
	struct grid g;
	char err[256] = "";

	(void)state;
	grid_init(&g);
	assert_int_equal(grid_add(&g, "net.x.down=1:2,", err, sizeof(err)),
	    EINVAL);
	assert_non_null(strstr(err, "empty value"));
	grid_free(&g);
}

static void
test_cross_product_and_seeds(void **state)
{
	struct grid g;
	char err[256];
	size_t p, r, point;
	unsigned long seed;
	/* the first --vary is outermost; then the seeds of each point */
	const char *const want[][2] = { { "1000pps", "1ms" },
	    { "1000pps", "2ms" }, { "1000pps", "3ms" }, { "2000pps", "1ms" },
	    { "2000pps", "2ms" }, { "2000pps", "3ms" } };

	(void)state;
	grid_init(&g);
	assert_int_equal(grid_add(&g, "flow.bulk.rate=1000pps,2000pps", err,
	    sizeof(err)), 0);
	assert_int_equal(grid_add(&g, "net.x.delay=1ms:3ms:1ms", err,
	    sizeof(err)), 0);
	assert_int_equal(grid_npoints(&g), 6);
	for (p = 0; p < 6; p++) {
		assert_string_equal(grid_value(&g, p, 0), want[p][0]);
		assert_string_equal(grid_value(&g, p, 1), want[p][1]);
	}
	/* 3 seeds from 5: runs 0..17 are point 0 seeds 5,6,7, point 1 ... */
	for (r = 0; r < 18; r++) {
		grid_run(3, 5, r, &point, &seed);
		assert_int_equal(point, r / 3);
		assert_int_equal(seed, 5 + r % 3);
	}
	grid_free(&g);
}

static void
test_bad_specs(void **state)
{
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{ "flow.bulk.rate", "expected KEY=" },
		{ "flow.bulk.rate=", "expected KEY=" },
		{ "=1,2", "expected KEY=" },
		{ "rate=1,2", "expected a key" },
		{ "flow..rate=1,2", "expected a key" },
		{ "a.b.=1,2", "expected a key" },
		{ ".a=1,2", "expected a key" },
		{ "flow.bulk.ra te=1,2", "expected a key" },
		{ "sim.seed=1,2", "seeds come from --seeds" },
		{ "flow.bulk.rate=1,,2", "empty value" },
		{ "flow.bulk.rate=1:2", "START:STOP:STEP" },
		{ "flow.bulk.rate=1:2:3:4", "START:STOP:STEP" },
		{ "flow.bulk.rate=2000pps:20kpps:1000pps", "different units" },
		{ "flow.bulk.rate=1000:2000:0", "STEP is zero" },
		{ "flow.bulk.rate=2000:1000:100", "away from STOP" },
		{ "flow.bulk.rate=1000:2000:-100", "away from STOP" },
		{ "flow.bulk.rate=a:2000:100", "decimal numbers" },
		{ "flow.bulk.rate=1e3:2000:100", "decimal numbers" },
		{ "flow.bulk.rate=1.:2:1", "decimal numbers" },
		{ "flow.bulk.rate=1:100000:1", "more than 10000 values" },
		{ "flow.bulk.rate=1:99999999999999999999:1",
		    "decimal numbers" },
	};
	struct grid g;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		grid_init(&g);
		err[0] = '\0';
		if (grid_add(&g, bad[i].spec, err, sizeof(err)) != EINVAL)
			fail_msg("%s: accepted", bad[i].spec);
		if (strstr(err, bad[i].msg) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", bad[i].spec,
			    err, bad[i].msg);
		assert_int_equal(g.naxes, 0);
		grid_free(&g);
	}
	/* the same key twice */
	grid_init(&g);
	assert_int_equal(grid_add(&g, "flow.bulk.rate=1pps", err, sizeof(err)),
	    0);
	assert_int_equal(grid_add(&g, "flow.bulk.rate=2pps", err, sizeof(err)),
	    EINVAL);
	assert_non_null(strstr(err, "varied twice"));
	grid_free(&g);
}

static void
test_keys(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(grid_check_key("flow.bulk.rate", err, sizeof(err)),
	    0);
	assert_int_equal(grid_check_key("firewall.fwA.nic.int_rate", err,
	    sizeof(err)), 0);
	assert_int_equal(grid_check_key("sim.duration", err, sizeof(err)), 0);
	assert_int_equal(grid_check_key("net.x.delay", err, sizeof(err)), 0);
	assert_int_equal(grid_check_key("sim.seed", err, sizeof(err)),
	    EINVAL);
	assert_int_equal(grid_check_key("", err, sizeof(err)), EINVAL);
	assert_int_equal(grid_check_key("x.", err, sizeof(err)), EINVAL);
}

/* "K1+K2=..." is one axis that sets both keys; each part is checked. */
static void
test_joined_keys(void **state)
{
	struct grid g;
	char err[256] = "", buf[64];

	(void)state;
	grid_init(&g);
	assert_int_equal(grid_add(&g, "firewall.fwA.nic.int_rate+"
	    "firewall.fwB.nic.int_rate=0,8000", err, sizeof(err)), 0);
	assert_int_equal(g.naxes, 1);
	assert_int_equal(grid_npoints(&g), 2);
	assert_string_equal(grid_key_at(&g, 0, 0, buf, sizeof(buf)),
	    "firewall.fwA.nic.int_rate");
	assert_string_equal(grid_key_at(&g, 0, 1, buf, sizeof(buf)),
	    "firewall.fwB.nic.int_rate");
	assert_null(grid_key_at(&g, 0, 2, buf, sizeof(buf)));
	assert_string_equal(grid_value(&g, 1, 0), "8000");
	assert_int_equal(grid_add(&g, "net.x.delay+=1us", err, sizeof(err)),
	    EINVAL);
	assert_int_equal(grid_add(&g, "net.x.delay+sim.seed=1", err,
	    sizeof(err)), EINVAL);
	grid_free(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_list_empty_value),
		cmocka_unit_test(test_cross_product_and_seeds),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_joined_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
