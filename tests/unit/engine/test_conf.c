/*
 * Scenario parser (engine/conf.c) against small tables of our own (the
 * parser is generic): values and units, getters and defaults, like,
 * continuation lines, --set, the resolved dump, and one test per error
 * class, each checking the exact "FILE:LINE: message" and the line named.
 */
#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/conf.h"
#include "engine/simtime.h"

static const struct param_spec sim_p[] = {
	{ "sim", "duration", PT_DURATION, 1, 3600LL * NS_PER_SEC, "10s", NULL,
	    "simulated time" },
	{ "sim", "seed", PT_INT, 0, INT64_MAX, "1", NULL, "the seed" },
	{ "sim", "capture", PT_ENUM, 0, 0, "none", "all|sync|none",
	    "pcaps" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

static const struct param_spec net_p[] = {
	{ "net", "rate", PT_BITRATE, 0, INT64_MAX, "1Gbit", NULL,
	    "line rate" },
	{ "net", "delay", PT_DURATION, 0, 10LL * NS_PER_SEC, "50us", NULL,
	    "propagation delay" },
	{ "net", "loss", PT_REAL, 0, 1, "0", NULL, "loss probability" },
	{ "net", "qlimit", PT_INT, 1, 1000000, "1000", NULL, "queue" },
	{ "net", "up", PT_BOOL, 0, 0, "yes", NULL, "link state" },
	{ "net", "buf", PT_SIZE, 0, 1LL << 30, "64KB", NULL, "buffer" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

static const struct param_spec fw_p[] = {
	{ "firewall", "nets", PT_LIST, 0, 0, NULL, NULL, "attached nets" },
	{ "firewall", "rules", PT_TEXT, 0, 0, "", NULL, "pf rules" },
	{ "firewall", "pfsync", PT_ENUM, 0, 0, "v5", "v5|v4|v4-split|off",
	    "engine" },
	{ "firewall", "hw", PT_STRING, 0, 0, "2009", NULL, "profile" },
	{ "firewall", "pfsync.maxupdates", PT_INT, 0, 255, "128", NULL,
	    "updates per state" },
	{ "firewall", "pps", PT_PKTRATE, 0, 10000000, "1000pps", NULL,
	    "offered load" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

/* A second registration of "firewall": another model adds keys. */
static const struct param_spec fwcpu_p[] = {
	{ "firewall", "cpu.hz", PT_INT, 10, 10000, "100", NULL, "clock" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

static const struct section_type sim_t = { "sim", false, false, sim_p };
static const struct section_type net_t = { "net", true, true, net_p };
static const struct section_type fw_t = { "firewall", true, true, fw_p };
static const struct section_type fwcpu_t = {
	"firewall", true, true, fwcpu_p
};
static const struct section_type *const types[] = {
	&sim_t, &net_t, &fw_t, &fwcpu_t, NULL
};

static const char good[] =
    "# a scenario\n"				/* 1 */
    "[sim]\n"					/* 2 */
    "duration = 2s\n"				/* 3 */
    "seed     = 7\n"				/* 4 */
    "\n"					/* 5 */
    "[net x]\n"					/* 6 */
    "rate  = 100Mbit\n"				/* 7 */
    "delay = 1.5ms   # trailing comment\n"	/* 8 */
    "loss  = 5%\n"				/* 9 */
    "[net y]\n"					/* 10 */
    "like  = x\n"				/* 11 */
    "delay = 20us\n"				/* 12 */
    "[firewall fwA]\n"				/* 13 */
    "nets  = x   y\n"				/* 14 */
    "rules = pass in all\n"			/* 15 */
    "  block out quick\n"			/* 16 */
    "\t# a comment inside the rules\n"		/* 17 */
    "\n"					/* 18 */
    "\tpass out\n"				/* 19 */
    "pfsync.maxupdates = 3\n"			/* 20 */
    "cpu.hz = 1000\n"				/* 21 */
    "[net z]\n"					/* 22 */
    "loss = 1%\n"				/* 23 */
    "like = y\n"				/* 24 */
    "up = off\n";				/* 25 */

static struct conf *
parse_ok(const char *text)
{
	char err[512] = "";
	struct conf *c = conf_parse("t.conf", text, types, err, sizeof(err));

	if (c == NULL)
		fail_msg("unexpected error: %s", err);
	return c;
}

static void
expect_parse_error(const char *text, const char *want)
{
	char err[512] = "";
	struct conf *c = conf_parse("t.conf", text, types, err, sizeof(err));

	if (c != NULL) {
		conf_free(c);
		fail_msg("parsed, expected \"%s\"", want);
	}
	assert_string_equal(err, want);
}

static void
expect_set_error(struct conf *c, const char *assign, const char *want)
{
	char err[512] = "";

	assert_int_equal(conf_set(c, assign, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static struct conf_section *
sec(struct conf *c, const char *type, const char *name)
{
	struct conf_section *s = conf_find(c, type, name);

	assert_non_null(s);
	return s;
}

static void
test_values_and_getters(void **state)
{
	struct conf *c = parse_ok(good);
	struct conf_section *sim, *x, *fw;
	char err[256], w[32];

	(void)state;
	assert_int_equal(conf_finish(c, err, sizeof(err)), 0);
	assert_string_equal(conf_path(c), "t.conf");
	assert_int_equal(conf_nsections(c), 5);
	assert_string_equal(conf_type(conf_section_at(c, 1)), "net");
	assert_string_equal(conf_name(conf_section_at(c, 1)), "x");
	assert_null(conf_section_at(c, 5));
	assert_null(conf_find(c, "net", "nope"));
	assert_ptr_equal(conf_find(c, "net", NULL), conf_section_at(c, 1));
	sim = sec(c, "sim", NULL);
	assert_string_equal(conf_name(sim), "");
	assert_int_equal(conf_int(sim, "duration"), 2 * NS_PER_SEC);
	assert_int_equal(conf_int(sim, "seed"), 7);
	/* Defaults from the table. */
	assert_false(conf_isset(sim, "capture"));
	assert_string_equal(conf_str(sim, "capture"), "none");
	x = sec(c, "net", "x");
	assert_true(conf_isset(x, "rate"));
	assert_int_equal(conf_int(x, "rate"), 100000000);
	assert_int_equal(conf_int(x, "delay"), 1500000);
	assert_true(conf_real(x, "loss") == 0.05);
	assert_int_equal(conf_int(x, "qlimit"), 1000);
	assert_true(conf_bool(x, "up"));
	assert_int_equal(conf_int(x, "buf"), 65536);
	assert_int_equal(conf_line(x, "delay"), 8);
	assert_int_equal(conf_line(x, NULL), 6);
	/* A default names the section's header line. */
	assert_int_equal(conf_line(x, "qlimit"), 6);
	fw = sec(c, "firewall", "fwA");
	assert_int_equal(conf_list_len(fw, "nets"), 2);
	assert_string_equal(conf_list_at(fw, "nets", 0, w, sizeof(w)), "x");
	assert_string_equal(conf_list_at(fw, "nets", 1, w, sizeof(w)), "y");
	assert_null(conf_list_at(fw, "nets", 2, w, sizeof(w)));
	assert_string_equal(w, "");
	assert_string_equal(conf_str(fw, "pfsync"), "v5");
	assert_string_equal(conf_str(fw, "hw"), "2009");
	assert_int_equal(conf_int(fw, "pfsync.maxupdates"), 3);
	assert_int_equal(conf_int(fw, "pps"), 1000);
	/* A key of the second registration of the same type. */
	assert_int_equal(conf_int(fw, "cpu.hz"), 1000);
	assert_int_equal(conf_line(fw, "cpu.hz"), 21);
	conf_free(c);
}

static void
test_text_continuation(void **state)
{
	struct conf *c = parse_ok(good);
	struct conf_section *fw = sec(c, "firewall", "fwA");

	(void)state;
	/* Indented lines continue a text value; comments and blank lines
	 * inside it are dropped; the key's line is where it started. */
	assert_string_equal(conf_str(fw, "rules"),
	    "pass in all\nblock out quick\npass out");
	assert_int_equal(conf_line(fw, "rules"), 15);
	conf_free(c);
	/* Not after a non-text key: an indented line is a key line. */
	c = parse_ok("[net x]\ndelay = 1ms\n   rate = 10Mbit\n");
	assert_int_equal(conf_int(sec(c, "net", "x"), "rate"), 10000000);
	conf_free(c);
	expect_parse_error("[net x]\ndelay = 1ms\n   10Mbit\n",
	    "t.conf:3: expected 'key = value' or '[section]'");
	/* An error after a continued value names its own line. */
	expect_parse_error("[firewall f]\nnets = a\nrules = pass\n  pass\n"
	    "  block\nhw\n", "t.conf:6: expected 'key = value' or "
	    "'[section]'");
}

static void
test_like(void **state)
{
	struct conf *c = parse_ok(good);
	struct conf_section *x, *y, *z;

	(void)state;
	x = sec(c, "net", "x");
	y = sec(c, "net", "y");
	z = sec(c, "net", "z");
	/* Copied from x, overridden after the like. */
	assert_int_equal(conf_int(y, "rate"), 100000000);
	assert_true(conf_real(y, "loss") == 0.05);
	assert_int_equal(conf_int(y, "delay"), 20000);
	assert_int_equal(conf_line(y, "delay"), 12);
	assert_true(conf_isset(y, "rate"));
	/* x itself is unchanged. */
	assert_int_equal(conf_int(x, "delay"), 1500000);
	/* Transitive (z like y like x); a key set before the like wins. */
	assert_int_equal(conf_int(z, "rate"), 100000000);
	assert_int_equal(conf_int(z, "delay"), 20000);
	assert_true(conf_real(z, "loss") == 0.01);
	assert_false(conf_bool(z, "up"));
	assert_false(conf_isset(z, "qlimit"));
	conf_free(c);
	/* A copied key may be overridden once, an own key never twice. */
	expect_parse_error("[net x]\ndelay = 1ms\n[net y]\nlike = x\n"
	    "delay = 2ms\ndelay = 3ms\n",
	    "t.conf:6: net.y.delay: duplicate key (first at line 5)");
	/* like copies only sections of its own type. */
	expect_parse_error("[firewall x]\nnets = a\n[net y]\nlike = x\n",
	    "t.conf:4: net.y.like: no earlier [net x]");
	expect_parse_error("[sim]\nlike = x\n",
	    "t.conf:2: sim.like: [sim] cannot use like");
}

static void
test_units(void **state)
{
	static const struct {
		enum param_type	 t;
		const char	*text;
		int64_t		 iv;
	} ok[] = {
		{ PT_DURATION, "10s", 10 * NS_PER_SEC },
		{ PT_DURATION, "50us", 50000 },
		{ PT_DURATION, "1.5ms", 1500000 },
		{ PT_DURATION, "7ns", 7 },
		{ PT_DURATION, "2min", 120 * NS_PER_SEC },
		{ PT_DURATION, "0", 0 },
		{ PT_BITRATE, "1Gbit", 1000000000 },
		{ PT_BITRATE, "100Mbit", 100000000 },
		{ PT_BITRATE, "64Kbit", 64000 },
		{ PT_BITRATE, "9600bit", 9600 },
		{ PT_BITRATE, "0", 0 },
		{ PT_PKTRATE, "5000pps", 5000 },
		{ PT_PKTRATE, "10kpps", 10000 },
		{ PT_PKTRATE, "1.5Mpps", 1500000 },
		{ PT_SIZE, "1500", 1500 },
		{ PT_SIZE, "64KB", 65536 },
		{ PT_SIZE, "1MB", 1048576 },
		{ PT_INT, "42", 42 },
		{ PT_INT, "-3", -3 },
		{ PT_BOOL, "yes", 1 }, { PT_BOOL, "on", 1 },
		{ PT_BOOL, "true", 1 }, { PT_BOOL, "1", 1 },
		{ PT_BOOL, "no", 0 }, { PT_BOOL, "off", 0 },
		{ PT_BOOL, "false", 0 }, { PT_BOOL, "0", 0 },
	};
	static const struct {
		enum param_type	 t;
		const char	*text;
	} bad[] = {
		{ PT_DURATION, "50" }, { PT_DURATION, "50 ms" },
		{ PT_DURATION, "5sec" }, { PT_DURATION, "ms" },
		{ PT_DURATION, "-1ms" }, { PT_DURATION, "" },
		{ PT_BITRATE, "1G" }, { PT_BITRATE, "1000" },
		{ PT_PKTRATE, "1000" }, { PT_SIZE, "1TB" },
		{ PT_INT, "4x" }, { PT_INT, "" }, { PT_REAL, "0.1x" },
		{ PT_REAL, "inf" }, { PT_BOOL, "maybe" },
	};
	int64_t iv;
	double rv;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (param_parse(ok[i].t, ok[i].text, &iv, &rv) != 0)
			fail_msg("'%s' rejected", ok[i].text);
		if (iv != ok[i].iv)
			fail_msg("'%s' -> %lld", ok[i].text, (long long)iv);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (param_parse(bad[i].t, bad[i].text, &iv, &rv) == 0)
			fail_msg("'%s' accepted", bad[i].text);
	assert_int_equal(param_parse(PT_REAL, "5%", &iv, &rv), 0);
	assert_true(rv == 0.05);
	assert_int_equal(param_parse(PT_REAL, "1e-3", &iv, &rv), 0);
	assert_true(rv == 0.001);
	assert_int_equal(param_parse(PT_PKTRATE, "2.5pps", &iv, &rv), 0);
	assert_true(rv == 2.5);
}

static void
test_set_overrides(void **state)
{
	struct conf *c = parse_ok(good);
	char err[256];

	(void)state;
	assert_int_equal(conf_set(c, "net.x.delay=3ms", err, sizeof(err)), 0);
	assert_int_equal(conf_int(sec(c, "net", "x"), "delay"), 3000000);
	/* Sections that copied x before are not affected. */
	assert_int_equal(conf_int(sec(c, "net", "y"), "rate"), 100000000);
	assert_int_equal(conf_set(c, " net.y.rate = 10Mbit ", err,
	    sizeof(err)), 0);
	assert_int_equal(conf_int(sec(c, "net", "y"), "rate"), 10000000);
	/* Unset keys, [sim], dotted keys, the last --set wins. */
	assert_int_equal(conf_set(c, "net.x.qlimit=5", err, sizeof(err)), 0);
	assert_true(conf_isset(sec(c, "net", "x"), "qlimit"));
	assert_int_equal(conf_int(sec(c, "net", "x"), "qlimit"), 5);
	assert_int_equal(conf_set(c, "sim.seed=9", err, sizeof(err)), 0);
	assert_int_equal(conf_set(c, "sim.seed=11", err, sizeof(err)), 0);
	assert_int_equal(conf_int(sec(c, "sim", NULL), "seed"), 11);
	assert_int_equal(conf_set(c, "firewall.fwA.pfsync.maxupdates=10",
	    err, sizeof(err)), 0);
	assert_int_equal(conf_int(sec(c, "firewall", "fwA"),
	    "pfsync.maxupdates"), 10);
	assert_int_equal(conf_set(c, "firewall.fwA.pfsync=v4-split", err,
	    sizeof(err)), 0);
	assert_string_equal(conf_str(sec(c, "firewall", "fwA"), "pfsync"),
	    "v4-split");
	assert_int_equal(conf_finish(c, err, sizeof(err)), 0);
	conf_free(c);
	/* [sim] need not be in the file. */
	c = parse_ok("[net x]\n");
	assert_int_equal(conf_set(c, "sim.seed=3", err, sizeof(err)), 0);
	assert_int_equal(conf_finish(c, err, sizeof(err)), 0);
	assert_int_equal(conf_int(sec(c, "sim", NULL), "seed"), 3);
	assert_int_equal(conf_int(sec(c, "sim", NULL), "duration"),
	    10 * NS_PER_SEC);
	conf_free(c);
}

static void
test_implicit_sim(void **state)
{
	struct conf *c = parse_ok("[net x]\n");
	char err[256];

	(void)state;
	assert_null(conf_find(c, "sim", NULL));
	assert_int_equal(conf_finish(c, err, sizeof(err)), 0);
	assert_int_equal(conf_int(sec(c, "sim", NULL), "seed"), 1);
	/* Named types are never implicit. */
	assert_null(conf_find(c, "firewall", NULL));
	conf_free(c);
}

static void
test_crlf_and_spacing(void **state)
{
	struct conf *c = parse_ok("[ net   x ]\r\n  delay=1ms\r\nrate =2Gbit"
	    "\r\n");

	(void)state;
	assert_int_equal(conf_int(sec(c, "net", "x"), "delay"), NS_PER_MS);
	assert_int_equal(conf_int(sec(c, "net", "x"), "rate"), 2000000000);
	conf_free(c);
	/* '=' inside a value belongs to the value. */
	c = parse_ok("[firewall f]\nnets = a\nrules = pass in port = 80\n");
	assert_string_equal(conf_str(sec(c, "firewall", "f"), "rules"),
	    "pass in port = 80");
	conf_free(c);
}

/* conf_write_resolved into a string. */
static char *
resolved(struct conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(conf_write_resolved(c, f), 0);
	fclose(f);
	return buf;
}

static void
test_resolved_dump(void **state)
{
	struct conf *c = parse_ok("[net x]\ndelay = 1ms\n[firewall f]\n"
	    "nets = x\nrules = pass\n  block\n");
	char err[256], *buf;

	(void)state;
	assert_int_equal(conf_set(c, "sim.seed=5", err, sizeof(err)), 0);
	assert_int_equal(conf_finish(c, err, sizeof(err)), 0);
	buf = resolved(c);
	assert_string_equal(buf,
	    "[net x]\n"
	    "# rate = 1Gbit (default)\n"
	    "delay = 1ms\n"
	    "# loss = 0 (default)\n"
	    "# qlimit = 1000 (default)\n"
	    "# up = yes (default)\n"
	    "# buf = 64KB (default)\n"
	    "\n"
	    "[firewall f]\n"
	    "nets = x\n"
	    "rules = pass\n"
	    "    block\n"
	    "# pfsync = v5 (default)\n"
	    "# hw = 2009 (default)\n"
	    "# pfsync.maxupdates = 128 (default)\n"
	    "# pps = 1000pps (default)\n"
	    "# cpu.hz = 100 (default)\n"
	    "\n"
	    "[sim]\n"
	    "# duration = 10s (default)\n"
	    "seed = 5\n"
	    "# capture = none (default)\n");
	free(buf);
	conf_free(c);
}

/*
 * The resolved dump is a scenario file that reads back to the same
 * scenario: every section in order, every value, the keys set (like and
 * --set included) set and the defaults unset, and the same dump again.
 */
static void
test_resolved_round_trip(void **state)
{
	const struct section_type *const *t;
	const struct param_spec *ps;
	struct conf *c = parse_ok(good), *c2;
	char err[256], *buf, *buf2;
	int i;

	(void)state;
	assert_int_equal(conf_set(c, "net.y.qlimit=20", err, sizeof(err)), 0);
	assert_int_equal(conf_set(c, "firewall.fwA.rules=pass\nblock in",
	    err, sizeof(err)), 0);
	assert_int_equal(conf_finish(c, err, sizeof(err)), 0);
	buf = resolved(c);
	c2 = parse_ok(buf);
	assert_int_equal(conf_finish(c2, err, sizeof(err)), 0);
	buf2 = resolved(c2);
	assert_string_equal(buf, buf2);
	assert_int_equal(conf_nsections(c2), conf_nsections(c));
	for (i = 0; i < conf_nsections(c); i++) {
		struct conf_section *a = conf_section_at(c, i);
		struct conf_section *b = conf_section_at(c2, i);

		assert_string_equal(conf_type(a), conf_type(b));
		assert_string_equal(conf_name(a), conf_name(b));
		for (t = types; *t; t++) {
			if (strcmp((*t)->type, conf_type(a)) != 0)
				continue;
			for (ps = (*t)->params; ps->key; ps++) {
				assert_string_equal(conf_str(a, ps->key),
				    conf_str(b, ps->key));
				assert_int_equal(conf_isset(a, ps->key),
				    conf_isset(b, ps->key));
			}
		}
	}
	assert_string_equal(conf_str(sec(c2, "firewall", "fwA"), "rules"),
	    "pass\nblock in");
	assert_true(conf_isset(sec(c2, "net", "z"), "delay"));	/* like */
	assert_false(conf_isset(sec(c2, "net", "z"), "qlimit"));
	free(buf);
	free(buf2);
	conf_free(c);
	conf_free(c2);
}

static void
test_params_table(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	params_print(types, f);
	fclose(f);
	assert_non_null(strstr(buf, "SECTION.KEY"));
	assert_non_null(strstr(buf, "net.delay"));
	assert_non_null(strstr(buf, "propagation delay [0..10000000000]"));
	assert_non_null(strstr(buf, "(required)"));
	assert_non_null(strstr(buf, "engine [v5|v4|v4-split|off]"));
	assert_non_null(strstr(buf, "firewall.cpu.hz"));
	free(buf);
}

/* One test per error class. */

static void
test_err_unknown_section(void **state)
{
	(void)state;
	expect_parse_error("[sim]\nseed = 1\n\n[router r1]\n",
	    "t.conf:4: unknown section [router]");
}

static void
test_err_unknown_key(void **state)
{
	(void)state;
	expect_parse_error("[net x]\nrate = 1Gbit\n# x\nspeed = 1Gbit\n",
	    "t.conf:4: net.x.speed: unknown key (see ./sim --params)");
	/* A key of another section type is unknown here. */
	expect_parse_error("[net x]\nnets = a\n",
	    "t.conf:2: net.x.nets: unknown key (see ./sim --params)");
}

/* A near miss names the key meant: a swap, a missing or extra letter,
 * a key of another registration of the type, like; far misses do not. */
static void
test_err_unknown_key_suggests(void **state)
{
	(void)state;
	expect_parse_error("[net x]\ndealy = 1ms\n",
	    "t.conf:2: net.x.dealy: unknown key; did you mean net.x.delay?");
	expect_parse_error("[sim]\nsed = 1\n",
	    "t.conf:2: sim.sed: unknown key; did you mean sim.seed?");
	expect_parse_error("[firewall f]\nnets = a\ncpu.hzz = 100\n",
	    "t.conf:3: firewall.f.cpu.hzz: unknown key; did you mean "
	    "firewall.f.cpu.hz?");
	expect_parse_error("[firewall f]\nnets = a\npfsync.maxupdate = 1\n",
	    "t.conf:3: firewall.f.pfsync.maxupdate: unknown key; did you "
	    "mean firewall.f.pfsync.maxupdates?");
	expect_parse_error("[net x]\n[net y]\nlkie = x\n",
	    "t.conf:3: net.y.lkie: unknown key; did you mean net.y.like?");
	/* Two edits in a key of five letters: too far. */
	expect_parse_error("[net x]\ndxlxy = 1ms\n",
	    "t.conf:2: net.x.dxlxy: unknown key (see ./sim --params)");
	expect_parse_error("[net x]\nr = 1\n",
	    "t.conf:2: net.x.r: unknown key (see ./sim --params)");
}

static void
test_err_duplicate_key(void **state)
{
	(void)state;
	expect_parse_error("[net x]\ndelay = 1ms\n\ndelay = 2ms\n",
	    "t.conf:4: net.x.delay: duplicate key (first at line 2)");
	expect_parse_error("[firewall f]\nrules = a\n  b\nrules = c\n",
	    "t.conf:4: firewall.f.rules: duplicate key (first at line 2)");
}

static void
test_err_duplicate_section(void **state)
{
	(void)state;
	expect_parse_error("[net x]\n[net y]\n\n[net x]\n",
	    "t.conf:4: duplicate section [net x] (first at line 1)");
	expect_parse_error("# s\n[sim]\nseed = 1\n[sim]\n",
	    "t.conf:4: duplicate section [sim] (first at line 2)");
}

static void
test_err_bad_unit(void **state)
{
	(void)state;
	expect_parse_error("[net x]\ndelay = 50\n",
	    "t.conf:2: net.x.delay: '50': expected a duration with a unit "
	    "(ns, us, ms, s), like 50us");
	expect_parse_error("[net x]\n\nrate = 1G\n",
	    "t.conf:3: net.x.rate: '1G': expected a bit rate with a unit "
	    "(bit, Kbit, Mbit, Gbit), like 1Gbit");
	expect_parse_error("[firewall f]\npps = 1000\n",
	    "t.conf:2: firewall.f.pps: '1000': expected a packet rate with a "
	    "unit (pps, kpps), like 5000pps");
	expect_parse_error("[net x]\nbuf = 1TB\n",
	    "t.conf:2: net.x.buf: '1TB': expected a size in bytes "
	    "(optionally KB, MB, GB)");
	expect_parse_error("[net x]\nqlimit = ten\n",
	    "t.conf:2: net.x.qlimit: 'ten': expected an integer");
	expect_parse_error("[net x]\nloss = lots\n",
	    "t.conf:2: net.x.loss: 'lots': expected a number (or a "
	    "percentage like 1%)");
	expect_parse_error("[net x]\nup = maybe\n",
	    "t.conf:2: net.x.up: 'maybe': expected yes or no");
	expect_parse_error("[firewall f]\npfsync = v6\n",
	    "t.conf:2: firewall.f.pfsync: 'v6': expected one of "
	    "v5|v4|v4-split|off");
}

static void
test_err_out_of_range(void **state)
{
	(void)state;
	expect_parse_error("[net x]\nloss = 1.5\n",
	    "t.conf:2: net.x.loss: '1.5': out of range 0..1");
	expect_parse_error("[net x]\nloss = 150%\n",
	    "t.conf:2: net.x.loss: '150%': out of range 0..1");
	expect_parse_error("[net x]\nqlimit = 0\n",
	    "t.conf:2: net.x.qlimit: '0': out of range 1..1000000");
	expect_parse_error("[net x]\ndelay = 11s\n",
	    "t.conf:2: net.x.delay: '11s': out of range 0..10000000000");
	expect_parse_error("[sim]\nduration = 0\n",
	    "t.conf:2: sim.duration: '0': out of range 1..3600000000000");
	expect_parse_error("[sim]\nseed = -1\n",
	    "t.conf:2: sim.seed: '-1': out of range 0..9223372036854775807");
	expect_parse_error("[firewall f]\ncpu.hz = 5\n",
	    "t.conf:2: firewall.f.cpu.hz: '5': out of range 10..10000");
}

static void
test_err_missing_required(void **state)
{
	struct conf *c;
	char err[256];

	(void)state;
	/* The section is named by its header line. */
	c = parse_ok("[net x]\n\n[firewall fwA]\nrules = pass\n");
	assert_int_equal(conf_finish(c, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "t.conf:3: firewall.fwA.nets: missing required key");
	conf_free(c);
	/* Inherited through like counts as set. */
	c = parse_ok("[firewall a]\nnets = x\n[firewall b]\nlike = a\n");
	assert_int_equal(conf_finish(c, err, sizeof(err)), 0);
	assert_string_equal(conf_str(sec(c, "firewall", "b"), "nets"), "x");
	conf_free(c);
	/* A required text may not be empty. */
	expect_parse_error("[firewall f]\nnets =\n",
	    "t.conf:2: firewall.f.nets: empty value");
}

static void
test_err_like_unknown_or_later(void **state)
{
	(void)state;
	expect_parse_error("[net x]\n[net y]\nlike = zz\n",
	    "t.conf:3: net.y.like: no earlier [net zz]");
	/* The section exists, but only further down. */
	expect_parse_error("[net y]\nlike = z\n[net z]\n",
	    "t.conf:2: net.y.like: no earlier [net z]");
	expect_parse_error("[net y]\nlike = y\n",
	    "t.conf:2: net.y.like: no earlier [net y]");
}

static void
test_err_unreadable(void **state)
{
	char err[512], dir[64], path[128], want[256];
	FILE *f;

	(void)state;
	assert_null(conf_load("/nonexistent/pfsim.conf", types, err,
	    sizeof(err)));
	assert_string_equal(err, "/nonexistent/pfsim.conf:0: cannot read: "
	    "No such file or directory");
	snprintf(dir, sizeof(dir), "/tmp/pfsim-conf-XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* A directory is not a scenario. */
	assert_null(conf_load(dir, types, err, sizeof(err)));
	snprintf(path, sizeof(path), "%s:0: cannot read", dir);
	assert_memory_equal(err, path, strlen(path));
	/* Nor is a binary file. */
	snprintf(path, sizeof(path), "%s/bin.conf", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite("[sim]\0\1\2", 1, 9, f);
	fclose(f);
	assert_null(conf_load(path, types, err, sizeof(err)));
	assert_non_null(strstr(err, ":0: cannot read: binary file"));
	/* A readable file: its path names the errors. */
	f = fopen(path, "w");
	fputs("[sim]\nseed = x\n", f);
	fclose(f);
	assert_null(conf_load(path, types, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:2: sim.seed: 'x': expected an "
	    "integer", path);
	assert_string_equal(err, want);
	unlink(path);
	rmdir(dir);
}

static void
test_err_bad_set(void **state)
{
	struct conf *c = parse_ok(good);

	(void)state;
	expect_set_error(c, "net.x.delay",
	    "--set net.x.delay: expected SECTION.NAME.KEY=VALUE");
	expect_set_error(c, "delay=5ms",
	    "--set delay=5ms: expected SECTION.NAME.KEY=VALUE");
	expect_set_error(c, "router.r1.x=1", "--set: unknown section [router]");
	expect_set_error(c, "net.q.delay=1ms",
	    "--set: no section [net q] in t.conf");
	expect_set_error(c, "net.x=1", "--set net.x=1: expected "
	    "net.NAME.KEY=VALUE");
	expect_set_error(c, "net.x.speed=1",
	    "--set: net.x.speed: unknown key (see ./sim --params)");
	expect_set_error(c, "net.x.qlimt=1",
	    "--set: net.x.qlimt: unknown key; did you mean net.x.qlimit?");
	expect_set_error(c, "net.x.delay=1ms # x", "--set net.x.delay=1ms # x: "
	    "a value cannot hold '#' (it starts a comment in scenario files)");
	expect_set_error(c, "net.x.delay=5", "--set: net.x.delay: '5': "
	    "expected a duration with a unit (ns, us, ms, s), like 50us");
	expect_set_error(c, "net.x.loss=2",
	    "--set: net.x.loss: '2': out of range 0..1");
	expect_set_error(c, "net.x.like=y",
	    "--set: net.x.like: unknown key (see ./sim --params)");
	/* Nothing changed. */
	assert_int_equal(conf_int(sec(c, "net", "x"), "delay"), 1500000);
	conf_free(c);
}

static void
test_err_syntax(void **state)
{
	(void)state;
	expect_parse_error("seed = 1\n",
	    "t.conf:1: seed: key outside a section");
	expect_parse_error("[sim]\nseed\n",
	    "t.conf:2: expected 'key = value' or '[section]'");
	expect_parse_error("[sim]\n = 4\n",
	    "t.conf:2: missing key before '='");
	expect_parse_error("[net x\n", "t.conf:1: malformed section header");
	expect_parse_error("[net x] y\n",
	    "t.conf:1: malformed section header");
	expect_parse_error("[net]\n",
	    "t.conf:1: section [net] needs a name, like [net NAME]");
	expect_parse_error("[sim x]\n",
	    "t.conf:1: section [sim] takes no name");
	expect_parse_error("[net a.b]\n",
	    "t.conf:1: [net a.b]: a name is one word of at most 31 letters, digits, '_' or '-'");
	expect_parse_error("[net a b]\n",
	    "t.conf:1: [net a b]: a name is one word of at most 31 letters, digits, '_' or '-'");
}

static void
test_err_name_with_tab(void **state)
{
	(void)state;
	expect_parse_error("[net a\tb]\n",
	    "t.conf:1: [net a\tb]: a name is one word of at most 31 letters, digits, '_' or '-'");
}

/* A line ends in "\n", "\r\n" or a lone "\r" (old Mac OS files). */
static void
test_cr_line_endings(void **state)
{
	struct conf *c;

	(void)state;
	c = parse_ok("[sim]\rseed = 3\r[firewall f]\rnets = a\r"
	    "rules = pass\r  block\r\r\tpass out\r");
	assert_int_equal(conf_int(sec(c, "sim", NULL), "seed"), 3);
	assert_string_equal(conf_str(sec(c, "firewall", "f"), "rules"),
	    "pass\nblock\npass out");
	assert_int_equal(conf_line(sec(c, "firewall", "f"), "rules"), 5);
	conf_free(c);
	/* Mixed: each of \r\n, \r and \n is one line end. */
	c = parse_ok("[sim]\r\n\rseed = 4\n\r[net x]\r\n");
	assert_int_equal(conf_int(sec(c, "sim", NULL), "seed"), 4);
	assert_int_equal(conf_line(sec(c, "sim", NULL), "seed"), 3);
	assert_int_equal(conf_line(sec(c, "net", "x"), NULL), 5);
	conf_free(c);
	expect_parse_error("[sim]\rduration = 1s\rseed = x\r",
	    "t.conf:3: sim.seed: 'x': expected an integer");
}

/* Nothing but blank lines and comments is no scenario. */
static void
test_err_no_sections(void **state)
{
	(void)state;
	expect_parse_error("", "t.conf:0: no sections: the scenario is "
	    "empty or only comments (see scenarios/ for examples)");
	expect_parse_error("# a\n\n  # b\r\n\r", "t.conf:0: no sections: "
	    "the scenario is empty or only comments (see scenarios/ for "
	    "examples)");
}

/*
 * Many sections and a long multi-line value: every section is found by
 * type and name, in file order, and the value is whole. (Linear time is
 * checked on 100k by tests/scenario/parse/linear.sh.)
 */
static void
test_many_sections(void **state)
{
	enum { N = 20000 };
	size_t cap = (size_t)N * 40, n = 0;
	char *text = malloc(cap), name[32], err[256];
	struct conf *c;
	struct conf_section *s;
	const char *v;
	int i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, cap - n, "[net n%d]\n", i);
	n += (size_t)snprintf(text + n, cap - n, "[firewall f]\nnets = n7\n");
	c = parse_ok(text);
	assert_int_equal(conf_nsections(c), N + 1);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		s = conf_find(c, "net", name);
		assert_non_null(s);
		assert_ptr_equal(s, conf_section_at(c, i));
		assert_string_equal(conf_name(s), name);
		assert_int_equal(conf_line(s, NULL), i + 1);
	}
	assert_ptr_equal(conf_find(c, "net", NULL), conf_section_at(c, 0));
	assert_ptr_equal(conf_find(c, "firewall", NULL),
	    conf_section_at(c, N));
	assert_null(conf_find(c, "net", "n20000"));
	assert_null(conf_find(c, "firewall", "n1"));
	assert_null(conf_find(c, "sim", NULL));
	assert_int_equal(conf_set(c, "net.n12345.delay=1ms", err,
	    sizeof(err)), 0);
	assert_int_equal(conf_int(conf_find(c, "net", "n12345"), "delay"),
	    NS_PER_MS);
	/* conf_set adds [sim]; conf_finish finds it, and adds no other. */
	assert_int_equal(conf_set(c, "sim.seed=9", err, sizeof(err)), 0);
	assert_int_equal(conf_finish(c, err, sizeof(err)), 0);
	assert_int_equal(conf_nsections(c), N + 2);
	assert_int_equal(conf_int(conf_find(c, "sim", NULL), "seed"), 9);
	conf_free(c);

	/* A rules value of N continuation lines. */
	n = (size_t)snprintf(text, cap, "[firewall f]\nnets = a\nrules = r\n");
	for (i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, cap - n, "  pass %d\n", i);
	c = parse_ok(text);
	v = conf_str(sec(c, "firewall", "f"), "rules");
	assert_int_equal(strncmp(v, "r\npass 0\npass 1\n", 16), 0);
	assert_non_null(strstr(v, "\npass 19999"));
	assert_int_equal(v[strlen(v) - 1], '9');
	assert_int_equal(strlen(v), n - strlen("[firewall f]\nnets = a\n"
	    "rules = ") - 1 - (size_t)N * 2);
	conf_free(c);
	free(text);
}

/*
 * conf_read_file takes regular files only, and never blocks: devices,
 * FIFOs and /proc files (size 0, yet they read) are refused.
 */
static void
test_read_file(void **state)
{
	char dir[64], path[128], err[512], want[256], *text;
	size_t len;
	FILE *f;

	(void)state;
	assert_int_equal(conf_read_file("/dev/zero", 1 << 20, &text, &len),
	    ENOTSUP);
	assert_null(text);
	assert_string_equal(conf_read_strerror(ENOTSUP),
	    "not a regular file");
	if (access("/proc/self/status", R_OK) == 0)
		assert_int_equal(conf_read_file("/proc/self/status", 1 << 20,
		    &text, &len), EINVAL);
	snprintf(dir, sizeof(dir), "/tmp/pfsim-conf-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(conf_read_file(dir, 1 << 20, &text, &len), EISDIR);

	/* A FIFO without a writer: refused at once. */
	snprintf(path, sizeof(path), "%s/fifo.conf", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(conf_read_file(path, 1 << 20, &text, &len), ENOTSUP);
	assert_null(conf_load(path, types, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:0: cannot read: not a regular file",
	    path);
	assert_string_equal(err, want);
	unlink(path);

	snprintf(path, sizeof(path), "%s/s.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[sim]\nseed = 2\n", f);
	fclose(f);
	assert_int_equal(conf_read_file(path, 1 << 20, &text, &len), 0);
	assert_int_equal(len, 15);
	assert_string_equal(text, "[sim]\nseed = 2\n");
	free(text);
	assert_int_equal(conf_read_file(path, 14, &text, &len), EFBIG);
	assert_null(text);

	/* An empty file is read, and refused as a scenario. */
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(conf_read_file(path, 1 << 20, &text, &len), 0);
	assert_int_equal(len, 0);
	free(text);
	assert_null(conf_load(path, types, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:0: no sections", path);
	assert_memory_equal(err, want, strlen(want));
	unlink(path);
	rmdir(dir);
}

/* conf_key_error names the key's line, else the section header's. */
static void
test_key_error(void **state)
{
	struct conf *c = parse_ok(good);
	struct conf_section *fw = sec(c, "firewall", "fwA");
	char err[512], small[10];

	(void)state;
	assert_int_equal(conf_key_error(err, sizeof(err), fw,
	    "pfsync.maxupdates", "%d is too %s", 3, "few"), -1);
	assert_string_equal(err,
	    "t.conf:20: firewall.fwA.pfsync.maxupdates: 3 is too few");
	/* a key the file does not set: the header */
	conf_key_error(err, sizeof(err), fw, "hw", "no such profile");
	assert_string_equal(err, "t.conf:13: firewall.fwA.hw: no such profile");
	/* the section itself */
	conf_key_error(err, sizeof(err), fw, NULL, "too many nodes");
	assert_string_equal(err, "t.conf:13: firewall.fwA: too many nodes");
	/* [sim] has no name */
	conf_key_error(err, sizeof(err), sec(c, "sim", NULL), "seed", "odd");
	assert_string_equal(err, "t.conf:4: sim.seed: odd");
	/* a key copied by like keeps the line it has in the other section */
	conf_key_error(err, sizeof(err), sec(c, "net", "y"), "rate", "x");
	assert_string_equal(err, "t.conf:7: net.y.rate: x");
	/* --set on a key the file left out: the header's line */
	assert_int_equal(conf_set(c, "firewall.fwA.hw=modern", err,
	    sizeof(err)), 0);
	conf_key_error(err, sizeof(err), fw, "hw", "no cost table");
	assert_string_equal(err, "t.conf:13: firewall.fwA.hw: no cost table");
	/* without a section: the key alone */
	conf_key_error(err, sizeof(err), NULL, "pfsync.mtu", "%d: bad", 64);
	assert_string_equal(err, "pfsync.mtu: 64: bad");
	/* cut to the buffer, still a string */
	conf_key_error(small, sizeof(small), fw, "hw", "no cost table");
	assert_string_equal(small, "t.conf:13");
	conf_free(c);
}

static void
test_error(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(conf_error(err, sizeof(err), "r.conf", 3, "rules",
	    "syntax error near \"%s\"", "x"), -1);
	assert_string_equal(err, "r.conf:3: rules: syntax error near \"x\"");
	conf_error(err, sizeof(err), "r.conf", 0, "cannot read", "binary");
	assert_string_equal(err, "r.conf:0: cannot read: binary");
	/* negative line: a value from --set */
	conf_error(err, sizeof(err), "--set", -1, "rules", "bad");
	assert_string_equal(err, "--set: rules: bad");
	conf_error(err, sizeof(err), "r.conf", 9, NULL, "malformed");
	assert_string_equal(err, "r.conf:9: malformed");
	conf_error(err, sizeof(err), NULL, 9, "pf", "cannot attach");
	assert_string_equal(err, "pf: cannot attach");
	conf_error(err, sizeof(err), NULL, -1, NULL, "--set %s: no", "a");
	assert_string_equal(err, "--set a: no");
}

/* A table's default, parsed as its type, is what a getter reads. */
static void
test_param_default(void **state)
{
	static const char *const keys[] = { "rate", "delay", "qlimit", "up",
	    "buf" };
	struct conf *c = parse_ok("[net n]\n");
	struct conf_section *n = sec(c, "net", "n");
	size_t i;

	(void)state;
	assert_int_equal(param_default_int(fw_p, "pfsync.maxupdates"), 128);
	assert_int_equal(param_default_int(net_p, "delay"), 50000);
	assert_int_equal(param_default_int(net_p, "buf"), 65536);
	assert_int_equal(param_default_int(net_p, "up"), 1);
	assert_int_equal(param_default_int(fw_p, "pps"), 1000);
	assert_true(param_default_real(net_p, "loss") == 0);
	assert_true(param_default_real(fw_p, "pps") == 1000);
	assert_string_equal(param_default_str(fw_p, "pfsync"), "v5");
	assert_ptr_equal(param_find(fw_p, "hw"), &fw_p[3]);
	assert_null(param_find(fw_p, "nosuchkey"));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_int_equal(conf_int(n, keys[i]),
		    param_default_int(net_p, keys[i]));
	assert_true(conf_real(n, "loss") == param_default_real(net_p,
	    "loss"));
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_getters),
		cmocka_unit_test(test_text_continuation),
		cmocka_unit_test(test_like),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_set_overrides),
		cmocka_unit_test(test_implicit_sim),
		cmocka_unit_test(test_crlf_and_spacing),
		cmocka_unit_test(test_resolved_dump),
		cmocka_unit_test(test_resolved_round_trip),
		cmocka_unit_test(test_params_table),
		cmocka_unit_test(test_err_unknown_section),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_unknown_key_suggests),
		cmocka_unit_test(test_err_duplicate_key),
		cmocka_unit_test(test_err_duplicate_section),
		cmocka_unit_test(test_err_bad_unit),
		cmocka_unit_test(test_err_out_of_range),
		cmocka_unit_test(test_err_missing_required),
		cmocka_unit_test(test_err_like_unknown_or_later),
		cmocka_unit_test(test_err_unreadable),
		cmocka_unit_test(test_err_bad_set),
		cmocka_unit_test(test_err_syntax),
		cmocka_unit_test(test_err_name_with_tab),
		cmocka_unit_test(test_cr_line_endings),
		cmocka_unit_test(test_err_no_sections),
		cmocka_unit_test(test_many_sections),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_key_error),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_param_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
