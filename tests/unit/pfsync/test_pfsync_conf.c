/*
 * pfsync's [firewall] keys: defaults, parsing, errors naming the key, the
 * sync device found by net name, and pfsync = off.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/pfsync/harness.h"

static const struct section_type fw_type = {
	"firewall", true, true, pfsync_params
};
static const struct section_type *const types[] = { &fw_type, NULL };

static struct conf *
parse(const char *text)
{
	char err[256];
	struct conf *c;

	c = conf_parse("t.conf", text, types, err, sizeof(err));
	if (c == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(c);
	return (c);
}

static void
test_defaults_and_keys(void **unused)
{
	struct pfsync_config pc;
	struct conf *c;
	char err[256];

	(void)unused;
	c = parse("[firewall a]\n[firewall b]\npfsync = v4-split\n"
	    "pfsync.syncpeer = 10.0.0.9\npfsync.maxupdates = 0\n"
	    "pfsync.defer = no\npfsync.mtu = 1000\npfsync.bulk_on_up = no\n"
	    "pfsync.merge = field\npfsync.bulk_pace = tick\n"
	    "pfsync.syncdev = lan\n");
	assert_int_equal(pfsync_config_read(&pc, conf_find(c, "firewall",
	    "a"), err, sizeof(err)), 0);
	assert_int_equal(pc.version, PFSYNC_V5);
	assert_string_equal(pc.syncdev, "sync");
	assert_int_equal(pc.syncpeer, 0);
	assert_int_equal(pc.maxupdates, 128);
	assert_true(pc.defer);
	assert_int_equal(pc.mtu, 1500);
	assert_true(pc.bulk_on_up);
	assert_int_equal(pc.merge, PFSYNC_MERGE_SEED);
	assert_int_equal(pc.bulk_pace, PFSYNC_PACE_BURST);

	assert_int_equal(pfsync_config_read(&pc, conf_find(c, "firewall",
	    "b"), err, sizeof(err)), 0);
	assert_int_equal(pc.version, PFSYNC_V4_SPLIT);
	assert_string_equal(pc.syncdev, "lan");
	assert_int_equal(pc.syncpeer, htonl(0x0a000009));
	assert_int_equal(pc.maxupdates, 0);
	assert_false(pc.defer);
	assert_int_equal(pc.mtu, 1000);
	assert_false(pc.bulk_on_up);
	assert_int_equal(pc.merge, PFSYNC_MERGE_FIELD);
	assert_int_equal(pc.bulk_pace, PFSYNC_PACE_TICK);
	conf_free(c);
}

static void
test_bad_values(void **unused)
{
	struct pfsync_config pc;
	struct conf *c;
	char err[256];

	(void)unused;
	/* the table rejects these at load time */
	assert_null(conf_parse("t.conf", "[firewall a]\npfsync = v6\n", types,
	    err, sizeof(err)));
	assert_non_null(strstr(err, "pfsync"));
	assert_null(conf_parse("t.conf", "[firewall a]\npfsync.mtu = 64\n",
	    types, err, sizeof(err)));
	assert_null(conf_parse("t.conf",
	    "[firewall a]\npfsync.maxupdates = 256\n", types, err,
	    sizeof(err)));
	/* and pfsync the rest */
	c = parse("[firewall a]\n\npfsync.syncpeer = nowhere\n");
	assert_int_equal(pfsync_config_read(&pc, conf_find(c, "firewall",
	    "a"), err, sizeof(err)), -1);
	/* named after the file the section came from */
	assert_string_equal(err, "t.conf:3: firewall.a.pfsync.syncpeer: "
	    "'nowhere': expected an IPv4 address");
	conf_free(c);
}

static void
test_attach_by_net(void **unused)
{
	struct tnet *net = tnet_create(2, 0, 0);
	struct conf *c;
	char err[256];

	(void)unused;
	c = parse("[firewall a]\n"
	    "[firewall b]\npfsync.syncdev = dmz\n");
	/* the default net "sync" exists: em0 */
	tnet_enter(net, 0);
	assert_int_equal(pfsync_attach(net->fw[0].v,
	    conf_find(c, "firewall", "a"), err, sizeof(err)), 0);
	assert_ptr_equal(V_pfsyncif->sc_sync_if, &net->fw[0].ifn);
	assert_int_equal(V_pfsyncif->sc_imo.imo_multicast_ifp,
	    &net->fw[0].ifn);
	assert_int_equal(V_pfsyncif->sc_if.if_mtu, 1500);
	assert_int_equal(V_pfsyncif->sc_maxupdates, 128);
	assert_int_equal(V_pfsyncif->sc_sync_peer.s_addr,
	    INADDR_PFSYNC_GROUP);
	assert_int_equal(V_pfsync_sync_ok, 0);	/* bulk requested */
	assert_ptr_equal(curvnet->vnet_isr_once[NETISR_PFSYNC], pfsyncintr);
	/* a named net the firewall is not on: an error on that key */
	tnet_enter(net, 1);
	assert_int_equal(pfsync_attach(net->fw[1].v,
	    conf_find(c, "firewall", "b"), err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:3: firewall.b.pfsync.syncdev: "
	    "no interface of this firewall on \"dmz\"");
	assert_null(curvnet->vnet_pfsync);
	conf_free(c);
	tnet_destroy(net);
}

static void
test_off_and_no_syncdev(void **unused)
{
	struct tnet *net = tnet_create(2, 0, 0);
	struct pfsync_config pc;
	struct pf_state *st;
	char err[256];
	int s;

	(void)unused;
	pfsync_config_default(&pc);
	pc.version = PFSYNC_OFF;
	tnet_enter(net, 0);
	assert_int_equal(pfsync_attach_config(net->fw[0].v, &pc, err,
	    sizeof(err)), 0);
	assert_string_equal(pfsync_version_name(net->fw[0].v), "off");
	s = splsoftnet();
	st = tstate_new(1);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	pfsync_update_state(st);
	assert_int_equal(pfsync_up(), 0);
	splx(s);
	tnet_run(net, 3 * NS_PER_SEC);
	assert_int_equal(net->fw[0].ncap, 0);

	/* v5 without a sync device: pfsync0 runs, nothing leaves (P110) */
	pfsync_config_default(&pc);
	pc.syncdev[0] = '\0';
	tnet_enter(net, 1);
	assert_int_equal(pfsync_attach_config(net->fw[1].v, &pc, err,
	    sizeof(err)), 0);
	assert_null(V_pfsyncif->sc_sync_if);
	/* without a scenario the error names the key alone */
	assert_int_equal(pfsync_attach_config(net->fw[1].v, &pc, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "pfsync: attached twice");
	s = splsoftnet();
	st = tstate_new(2);
	splx(s);
	assert_int_equal(st->sync_state, PFSYNC_S_INS);
	tnet_run(net, 6 * NS_PER_SEC);
	assert_int_equal(net->fw[1].ncap, 0);
	assert_int_equal(st->sync_state, PFSYNC_S_NONE);
	tnet_destroy(net);
}

/* pfsync_config_default is pfsync_params' defaults, but no syncdev. */
static void
test_default_is_the_table(void **unused)
{
	struct pfsync_config d, r;
	struct conf *c;
	char err[256];

	(void)unused;
	c = parse("[firewall a]\n");
	pfsync_config_default(&d);
	assert_int_equal(pfsync_config_read(&r, conf_find(c, "firewall",
	    "a"), err, sizeof(err)), 0);
	assert_int_equal(d.maxupdates, 128);
	assert_int_equal(d.mtu, 1500);
	assert_int_equal(d.version, PFSYNC_V5);
	assert_string_equal(d.syncdev, "");
	assert_string_equal(r.syncdev, "sync");
	memset(r.syncdev, 0, sizeof(r.syncdev));
	assert_memory_equal(&d, &r, sizeof(d));
	conf_free(c);
}

/*
 * The engine is chosen once per firewall, at attach: pf's hooks (as
 * FreeBSD's V_pfsync_*_ptr), the input and the one netisr registration;
 * detach clears them. Three firewalls: v5, v4-split, off.
 */
static void
test_hooks_chosen_at_attach(void **unused)
{
	static const enum pfsync_version vers[] = {
		PFSYNC_V5, PFSYNC_V4_SPLIT, PFSYNC_OFF
	};
	struct tnet *net = tnet_create(3, 0, 0);
	struct pfsync_config pc;
	char err[256];
	int i;

	(void)unused;
	for (i = 0; i < 3; i++) {
		pfsync_config_default(&pc);
		pc.version = vers[i];
		tnet_enter(net, i);
		assert_int_equal(pfsync_attach_config(net->fw[i].v, &pc, err,
		    sizeof(err)), 0);
	}
	tnet_enter(net, 0);
	assert_ptr_equal(V_pfsync_insert_state_ptr, pfsync_insert_state);
	assert_ptr_equal(V_pfsync_update_state_ptr, pfsync_update_state);
	assert_ptr_equal(V_pfsync_delete_state_ptr, pfsync_delete_state);
	assert_ptr_equal(V_pfsync_clear_states_ptr, pfsync_clear_states);
	assert_ptr_equal(V_pfsync_defer_ptr, pfsync_defer);
	assert_ptr_equal(V_pfsync_up_ptr, pfsync_up);
	assert_ptr_equal(V_pfsync_state_in_use_ptr, pfsync_state_in_use);
	assert_ptr_equal(V_pfsync_input_ptr, pfsync_input);
	assert_ptr_equal(curvnet->vnet_isr_once[NETISR_PFSYNC], pfsyncintr);

	tnet_enter(net, 1);
	assert_ptr_equal(V_pfsync_insert_state_ptr, pfsync4_insert_state);
	assert_ptr_equal(V_pfsync_update_state_ptr, pfsync4_update_state);
	assert_ptr_equal(V_pfsync_delete_state_ptr, pfsync4_delete_state);
	assert_ptr_equal(V_pfsync_clear_states_ptr, pfsync4_clear_states);
	assert_ptr_equal(V_pfsync_defer_ptr, pfsync4_defer);
	assert_ptr_equal(V_pfsync_up_ptr, pfsync4_up);
	assert_ptr_equal(V_pfsync_state_in_use_ptr, pfsync4_state_in_use);
	assert_ptr_equal(V_pfsync_input_ptr, pfsync4_input);
	assert_null(curvnet->vnet_isr_once[NETISR_PFSYNC]);	/* none in v4 */

	/* off: v5's hooks with no pfsync0, and no netisr */
	tnet_enter(net, 2);
	assert_ptr_equal(V_pfsync_update_state_ptr, pfsync_update_state);
	assert_ptr_equal(V_pfsync_input_ptr, pfsync_input);
	assert_null(V_pfsyncif);
	assert_null(curvnet->vnet_isr_once[NETISR_PFSYNC]);

	for (i = 0; i < 3; i++) {
		tnet_enter(net, i);
		pfsync_detach(net->fw[i].v);
		assert_null(V_pfsync_insert_state_ptr);
		assert_null(V_pfsync_update_state_ptr);
		assert_null(V_pfsync_delete_state_ptr);
		assert_null(V_pfsync_clear_states_ptr);
		assert_null(V_pfsync_defer_ptr);
		assert_null(V_pfsync_up_ptr);
		assert_null(V_pfsync_state_in_use_ptr);
		assert_null(curvnet->vnet_isr_once[NETISR_PFSYNC]);
	}
	tnet_destroy(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_keys),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_attach_by_net),
		cmocka_unit_test(test_off_and_no_syncdev),
		cmocka_unit_test(test_default_is_the_table),
		cmocka_unit_test(test_hooks_chosen_at_attach),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
