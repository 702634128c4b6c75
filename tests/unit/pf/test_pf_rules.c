/*
 * models/pf: the pf.conf subset (pf_parse.c) and rule evaluation
 * (pf_test_rule): pfctl's defaults, last match wins, quick, the implicit
 * default pass without state, errors with file and line, and loading
 * from a scenario section.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "pf_harness.h"

#define X	IP4(10, 1, 2, 10)
#define Y	IP4(10, 2, 2, 20)

static int
parse(const char *text, struct pf_rulequeue *q, struct pf_conf_opts *o,
    char *err, size_t errlen)
{
	TAILQ_INIT(q);
	pf_conf_opts_init(o);
	return (pf_parse_rules(text, "pf.conf", 1, q, o, err, errlen));
}

static struct pf_rule *
nth(struct pf_rulequeue *q, int n)
{
	struct pf_rule *r = TAILQ_FIRST(q);

	while (r != NULL && n-- > 0)
		r = TAILQ_NEXT(r, entries);
	return (r);
}

static void
test_parse_defaults(void **state)
{
	struct pf_rulequeue	q;
	struct pf_conf_opts	o;
	struct pf_rule		*r;
	char			err[256];

	(void)state;
	assert_int_equal(parse(
	    "pass\n"
	    "pass proto tcp no state\n"
	    "block\n"
	    "pass proto udp flags any\n"
	    "pass in quick on em1 proto tcp from 10.0.0.0/8 port >= 1024 "
	    "to ! 192.168.1.1 port 80 flags S/SAFR keep state "
	    "(max 5, sloppy, no-sync, tcp.established 60)\n"
	    "block return-rst out log on ! em0 proto tcp to any port 1:1023\n",
	    &q, &o, err, sizeof(err)), 0);

	r = nth(&q, 0);			/* pass: keep state, flags S/SA */
	assert_int_equal(r->action, PF_PASS);
	assert_int_equal(r->keep_state, PF_STATE_NORMAL);
	assert_int_equal(r->flags, TH_SYN);
	assert_int_equal(r->flagset, TH_SYN | TH_ACK);
	assert_int_equal(r->quick, 0);
	assert_int_equal(r->direction, 0);
	assert_int_equal(r->proto, 0);
	assert_int_equal(r->nr, 0);

	r = nth(&q, 1);			/* no state: no implicit flags */
	assert_int_equal(r->keep_state, 0);
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->flagset, 0);
	assert_int_equal(r->proto, IPPROTO_TCP);

	r = nth(&q, 2);			/* block: stateless, no flags */
	assert_int_equal(r->action, PF_DROP);
	assert_int_equal(r->keep_state, 0);
	assert_int_equal(r->flagset, 0);

	r = nth(&q, 3);			/* flags any */
	assert_int_equal(r->keep_state, PF_STATE_NORMAL);
	assert_int_equal(r->flagset, 0);

	r = nth(&q, 4);
	assert_int_equal(r->direction, PF_IN);
	assert_int_equal(r->quick, 1);
	assert_string_equal(r->ifname, "em1");
	assert_int_equal(r->src.addr.v.a.addr.addr32[0], htonl(0x0a000000));
	assert_int_equal(r->src.addr.v.a.mask.addr32[0], htonl(0xff000000));
	assert_int_equal(r->src.port_op, PF_OP_GE);
	assert_int_equal(ntohs(r->src.port[0]), 1024);
	assert_int_equal(r->dst.neg, 1);
	assert_int_equal(r->dst.addr.v.a.mask.addr32[0], 0xffffffff);
	assert_int_equal(r->dst.port_op, PF_OP_EQ);
	assert_int_equal(r->flags, TH_SYN);
	assert_int_equal(r->flagset, TH_SYN | TH_ACK | TH_FIN | TH_RST);
	assert_int_equal(r->max_states, 5);
	assert_true(r->rule_flag & PFRULE_STATESLOPPY);
	assert_true(r->rule_flag & PFRULE_NOSYNC);
	assert_int_equal(r->timeout[PFTM_TCP_ESTABLISHED], 60);

	r = nth(&q, 5);
	assert_int_equal(r->action, PF_DROP);
	assert_true(r->rule_flag & PFRULE_RETURNRST);
	assert_int_equal(r->direction, PF_OUT);
	assert_int_equal(r->log, PF_LOG);
	assert_int_equal(r->ifnot, 1);
	assert_int_equal(r->dst.port_op, PF_OP_RRG);
	assert_int_equal(ntohs(r->dst.port[1]), 1023);
	assert_int_equal(r->nr, 5);
	assert_null(nth(&q, 6));
	pf_free_rules(&q);
}

static void
test_parse_options(void **state)
{
	struct pf_rulequeue	q;
	struct pf_conf_opts	o;
	char			err[256];

	(void)state;
	assert_int_equal(parse(
	    "# a comment\n"
	    "set skip on { em2, pfsync0 }\n"
	    "set timeout { tcp.established 3600, udp.first 5 }\n"
	    "set timeout interval 5\n"
	    "set limit states 20000\n"
	    "set debug misc\n"
	    "set hostid 0x12345678\n"
	    "pass \\\n"
	    "   proto tcp   # continued\n",
	    &q, &o, err, sizeof(err)), 0);
	assert_int_equal(o.nskip, 2);
	assert_string_equal(o.skip[0], "em2");
	assert_string_equal(o.skip[1], "pfsync0");
	assert_int_equal(o.timeout[PFTM_TCP_ESTABLISHED], 3600);
	assert_int_equal(o.timeout[PFTM_UDP_FIRST_PACKET], 5);
	assert_int_equal(o.timeout[PFTM_INTERVAL], 5);
	assert_true(o.timeout_set[PFTM_INTERVAL]);
	assert_false(o.timeout_set[PFTM_TCP_CLOSED]);
	assert_int_equal(o.limit_states, 20000);
	assert_int_equal(o.debug, PF_DEBUG_MISC);
	assert_int_equal(o.hostid, 0x12345678);
	assert_non_null(nth(&q, 0));
	assert_int_equal(nth(&q, 0)->proto, IPPROTO_TCP);
	assert_int_equal(nth(&q, 0)->lineno, 8);
	pf_free_rules(&q);
}

/* pfctl's expand_rule: one rule per combination, in its loop order. */
static void
test_parse_expansion(void **state)
{
	struct pf_rulequeue	q;
	struct pf_conf_opts	o;
	struct pf_rule		*r;
	char			err[256];
	int			n = 0;

	(void)state;
	assert_int_equal(parse(
	    "pass proto { tcp udp } from { 10.0.0.1 10.0.0.2 } to any "
	    "port { 80, 443 }\n", &q, &o, err, sizeof(err)), 0);
	TAILQ_FOREACH(r, &q, entries) {
		assert_int_equal(r->nr, n);
		assert_int_equal(r->proto, n < 4 ? IPPROTO_TCP : IPPROTO_UDP);
		assert_int_equal(ntohl(r->src.addr.v.a.addr.addr32[0]),
		    (n / 2) % 2 ? 0x0a000002 : 0x0a000001);
		assert_int_equal(ntohs(r->dst.port[0]), n % 2 ? 443 : 80);
		n++;
	}
	assert_int_equal(n, 8);
	pf_free_rules(&q);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "pass\npass frobnicate\n",
		  "pf.conf:2: rules: syntax error near \"frobnicate\"" },
		{ "pass from 10.0.0.0/33\n",
		  "pf.conf:1: rules: invalid netmask in 10.0.0.0/33" },
		{ "\n\npass from 10.0.0\n",
		  "pf.conf:3: rules: invalid address 10.0.0 (host names and "
		  "interface addresses are not supported)" },
		{ "pass proto udp flags S/SA\n",
		  "pf.conf:1: rules: flags only apply to tcp" },
		{ "pass proto icmp to any port 80\n",
		  "pf.conf:1: rules: port only applies to tcp/udp" },
		{ "pass to any port 80\n",
		  "pf.conf:1: rules: port only applies to tcp/udp" },
		{ "set timeout tcp.bogus 5\n",
		  "pf.conf:1: rules: unknown timeout tcp.bogus" },
		{ "set limit states lots\n",
		  "pf.conf:1: rules: states: invalid number \"lots\"" },
		{ "pass inet6\n",
		  "pf.conf:1: rules: inet6: IPv6 is not supported" },
		{ "pass proto tcp modulate state\n",
		  "pf.conf:1: rules: modulate state is not supported" },
		{ "nat on em0 from any to any -> 1.2.3.4\n",
		  "pf.conf:1: rules: nat: not supported" },
		{ "pass keep state no state\n",
		  "pf.conf:1: rules: multiple state options" },
		{ "pass proto tcp port 80\n",
		  "pf.conf:1: rules: syntax error near \"port\"" },
		{ "pass label \"unterminated\n",
		  "pf.conf:1: rules: unterminated quoted string" },
		{ "pass \\\n on\n",
		  "pf.conf:1: rules: interface name expected" },
		{ "set debug chatty\n",
		  "pf.conf:1: rules: set debug: expected none, urgent, misc "
		  "or loud" },
		{ "pass proto tcp flags S/A\n",
		  "pf.conf:1: rules: flags always false" },
		{ "pass from { } to any\n",
		  "pf.conf:1: rules: empty address list" },
		{ "pass proto tcp to any port { }\n",
		  "pf.conf:1: rules: empty port list" },
	};
	struct pf_rulequeue	q;
	struct pf_conf_opts	o;
	char			err[256];
	size_t			i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		err[0] = '\0';
		assert_int_equal(parse(cases[i].text, &q, &o, err,
		    sizeof(err)), -1);
		assert_string_equal(err, cases[i].err);
		assert_true(TAILQ_EMPTY(&q));
	}
	/* text from --set has no line (conf's line 0) */
	TAILQ_INIT(&q);
	pf_conf_opts_init(&o);
	assert_int_equal(pf_parse_rules("pass frob", "--set", 0, &q, &o, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "--set: rules: syntax error near \"frob\"");
}

/* Evaluation through pf_test: last match, quick, flags, default. */
static u_int16_t sport = 40000;	/* a new connection each time */

static int
syn(struct pfh *h, int dir, int ifidx, u_int16_t dport)
{
	struct pfh_pkt p = pfh_tcp(X, ++sport, Y, dport, 1, 0, TH_SYN, 1000,
	    0);

	return (pfh_test(h, dir, ifidx, &p, NULL));
}

static int
ack(struct pfh *h, int dir, int ifidx, u_int16_t dport)
{
	struct pfh_pkt p = pfh_tcp(X, ++sport, Y, dport, 1, 1, TH_ACK, 1000,
	    10);

	return (pfh_test(h, dir, ifidx, &p, NULL));
}

static void
with_rules(const char *rules, void (*fn)(struct pfh *))
{
	struct pfh h;

	if (pfh_init(&h, rules, 0) != 0)
		fail_msg("%s", h.err);
	fn(&h);
	pfh_fini(&h);
}

static void
last_match_block(struct pfh *h)
{
	assert_int_equal(syn(h, PF_IN, 0, 80), PF_DROP);
	assert_string_equal(pf_drop_reason(), "pf_block");
	assert_int_equal(V_pf_status.states, 0);
	assert_int_equal(V_pf_status.counters[PFRES_MATCH], 1);
}

static void
last_match_pass(struct pfh *h)
{
	assert_int_equal(syn(h, PF_IN, 0, 80), PF_PASS);
	assert_int_equal(V_pf_status.states, 1);
	/* non-SYN without state: only "block all" matches */
	assert_int_equal(ack(h, PF_IN, 0, 80), PF_DROP);
	assert_int_equal(V_pf_status.states, 1);
}

static void
quick_pass(struct pfh *h)
{
	assert_int_equal(syn(h, PF_IN, 0, 80), PF_PASS);
	assert_int_equal(V_pf_status.states, 1);
}

/* Only pass rules: a non-SYN packet matches none (flags S/SA), so the
 * default rule passes it, and creates no state
 * (docs/ref/pf-state-tracking.md §3.1). */
static void
default_pass_no_state(struct pfh *h)
{
	assert_int_equal(ack(h, PF_IN, 0, 80), PF_PASS);
	assert_int_equal(V_pf_status.states, 0);
	assert_int_equal(V_pf_default_rule.packets[0], 1);
	assert_int_equal(syn(h, PF_IN, 0, 80), PF_PASS);
	assert_int_equal(V_pf_status.states, 1);
}

static void
no_rules(struct pfh *h)
{
	assert_int_equal(syn(h, PF_IN, 0, 80), PF_PASS);
	assert_int_equal(ack(h, PF_OUT, 1, 22), PF_PASS);
	assert_int_equal(V_pf_status.states, 0);
	assert_int_equal(V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.
	    rcount, 0);
}

static void
iface_dir_port(struct pfh *h)
{
	assert_int_equal(syn(h, PF_IN, 0, 22), PF_PASS);
	assert_int_equal(syn(h, PF_IN, 1, 22), PF_DROP);	/* em1 */
	assert_int_equal(syn(h, PF_IN, 0, 23), PF_DROP);	/* port */
	assert_int_equal(syn(h, PF_OUT, 1, 25), PF_DROP);	/* dir */
	/* port 1000:2000 inclusive, >< exclusive */
	assert_int_equal(syn(h, PF_IN, 2, 1000), PF_PASS);
	assert_int_equal(syn(h, PF_IN, 2, 2000), PF_PASS);
	assert_int_equal(syn(h, PF_IN, 2, 2001), PF_DROP);
	assert_int_equal(syn(h, PF_OUT, 2, 3000), PF_DROP);
	assert_int_equal(syn(h, PF_OUT, 2, 3001), PF_PASS);
	assert_int_equal(syn(h, PF_OUT, 2, 3999), PF_PASS);
	assert_int_equal(syn(h, PF_OUT, 2, 4000), PF_DROP);
}

static void
skip_iface(struct pfh *h)
{
	assert_int_equal(syn(h, PF_IN, 0, 80), PF_DROP);
	assert_int_equal(syn(h, PF_IN, 2, 80), PF_PASS);	/* skipped */
	assert_int_equal(V_pf_status.states, 0);
	assert_int_equal(V_pf_status.counters[PFRES_MATCH], 1);
}

static void
addr_match(struct pfh *h)
{
	struct pfh_pkt p = pfh_tcp(IP4(10, 1, 9, 9), 1, Y, 80, 1, 0, TH_SYN,
	    1000, 0);

	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_PASS);
	p.src = IP4(10, 2, 0, 1);
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_DROP);
	p.dst = IP4(10, 1, 0, 1);	/* "to ! 10.2.0.0/16" */
	p.src = IP4(10, 1, 0, 1);
	assert_int_equal(pfh_test(h, PF_IN, 0, &p, NULL), PF_DROP);
}

static void
test_evaluation(void **state)
{
	(void)state;
	with_rules("pass all\nblock all\n", last_match_block);
	with_rules("block all\npass all\n", last_match_pass);
	with_rules("pass quick all\nblock all\n", quick_pass);
	with_rules("block all\npass quick proto tcp all\nblock all\n",
	    quick_pass);
	with_rules("pass in proto tcp all\npass out all\n",
	    default_pass_no_state);
	with_rules("", no_rules);
	with_rules("block all\n"
	    "pass in on em0 proto tcp to port ssh\n"
	    "pass in on em2 proto tcp to port 1000:2000\n"
	    "pass out on em2 proto tcp to port 3000 >< 4000\n",
	    iface_dir_port);
	with_rules("set skip on em2\nblock all\n", skip_iface);
	with_rules("block all\n"
	    "pass in proto tcp from 10.1.0.0/16 to ! 10.1.0.0/16\n",
	    addr_match);
}

/* pf_load: set timeout/limit/hostid reach the kernel; adaptive 60/120 %. */
static void
test_options_applied(void **state)
{
	struct pfh h;

	(void)state;
	assert_int_equal(pfh_init(&h, "set timeout tcp.closed 7\n"
	    "set limit states 1000\nset hostid 0xabcd\npass all\n", 0), 0);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_TCP_CLOSED], 7);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_TCP_OPENING], 30);
	assert_int_equal(V_pf_pool_limits[PF_LIMIT_STATES].limit, 1000);
	assert_int_equal(V_pf_state_pl.pr_hardlimit, 1000);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_ADAPTIVE_START], 600);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_ADAPTIVE_END], 1200);
	assert_int_equal(ntohl(V_pf_status.hostid), 0xabcd);
	assert_int_equal(syn(&h, PF_IN, 0, 80), PF_PASS);
	assert_int_equal(ntohl(pfsync_stub.last_insert->creatorid), 0xabcd);
	pfh_fini(&h);

	/* kernel defaults without options */
	assert_int_equal(pfh_init(&h, "pass all\n", 0), 0);
	assert_int_equal(V_pf_pool_limits[PF_LIMIT_STATES].limit, 10000);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_ADAPTIVE_START],
	    6000);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_ADAPTIVE_END], 12000);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_TCP_ESTABLISHED],
	    86400);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_INTERVAL], 10);
	assert_int_equal(V_pf_status.debug, PF_DEBUG_URGENT);
	assert_int_equal(V_pf_default_rule.action, PF_PASS);
	assert_int_equal(V_pf_default_rule.keep_state, 0);
	assert_true(V_pf_status.running);
	assert_int_equal(V_pf_status.stateid >> 32,
	    (u_int64_t)time_second);
	pfh_fini(&h);
}

/* Identical rulesets give identical pfsync checksums; others differ. */
static void
test_checksum(void **state)
{
	struct pfh	h;
	u_int8_t	a[16], b[16];

	(void)state;
	assert_int_equal(pfh_init(&h, "block all\npass proto tcp all\n", 0),
	    0);
	memcpy(a, V_pf_status.pf_chksum, 16);
	assert_int_equal(V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.
	    rcount, 2);
	assert_non_null(V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.
	    ptr_array[1]);
	assert_int_equal(V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.
	    ptr_array[1]->proto, IPPROTO_TCP);
	pfh_fini(&h);
	assert_int_equal(pfh_init(&h, "block all\npass proto tcp all\n", 0),
	    0);
	memcpy(b, V_pf_status.pf_chksum, 16);
	assert_memory_equal(a, b, 16);
	pfh_fini(&h);
	assert_int_equal(pfh_init(&h, "block all\npass proto udp all\n", 0),
	    0);
	assert_memory_not_equal(a, V_pf_status.pf_chksum, 16);
	pfh_fini(&h);
}

/* From a scenario section: keys, line numbers, rules_file. */
static const struct section_type fw_section = {
	"firewall", true, true, pf_params
};
static const struct section_type *const types[] = { &fw_section, NULL };

static void
test_attach_from_conf(void **state)
{
	struct conf		*c;
	struct conf_section	*sec;
	struct vnet		*v;
	struct world		*w = world_create(1, 0, 0);
	char			 err[256], path[] = "/tmp/pfrulesXXXXXX";
	char			 text[512];
	FILE			*f;
	int			 fd;

	(void)state;
	c = conf_parse("t.conf",
	    "[firewall fwA]\n"
	    "pf.states = 50\n"
	    "rules = pass all\n"
	    "    block in quick proto tcp from any to any port 81\n"
	    "    pass frobnicate\n"
	    "[firewall fwB]\n"
	    "pf.debug = none\n"
	    "pf.hostid = 77\n"
	    "rules = set limit states 20\n"
	    "    pass all\n", types, err, sizeof(err));
	assert_non_null(c);

	v = kern_vnet_create(w, NULL, 1, "fwA", NULL);
	sec = conf_find(c, "firewall", "fwA");
	assert_int_equal(pf_attach_path(v, sec, "t.conf", err, sizeof(err)),
	    -1);
	assert_string_equal(err,
	    "t.conf:5: rules: syntax error near \"frobnicate\"");
	assert_null(v->vnet_pf);
	kern_vnet_destroy(v);

	v = kern_vnet_create(w, NULL, 1, "fwB", NULL);
	sec = conf_find(c, "firewall", "fwB");
	assert_int_equal(pf_attach(v, sec, err, sizeof(err)), 0);
	curvnet = v;
	/* the rules' "set limit" applies when pf.states is not set */
	assert_int_equal(V_pf_pool_limits[PF_LIMIT_STATES].limit, 20);
	assert_int_equal(V_pf_status.debug, PF_DEBUG_NONE);
	assert_int_equal(ntohl(V_pf_status.hostid), 77);
	pf_detach(v);
	kern_vnet_destroy(v);
	conf_free(c);

	/* rules_file: errors name the file and its line */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("pass all\n\nblock in on em0 port 22\n", f);
	fclose(f);
	snprintf(text, sizeof(text), "[firewall fwC]\n"
	    "pf.states = 50\n"
	    "rules_file = %s\n", path);
	c = conf_parse("u.conf", text, types, err, sizeof(err));
	assert_non_null(c);
	v = kern_vnet_create(w, NULL, 1, "fwC", NULL);
	sec = conf_find(c, "firewall", "fwC");
	assert_int_equal(pf_attach_path(v, sec, "u.conf", err, sizeof(err)),
	    -1);
	snprintf(text, sizeof(text), "%s:3: rules: syntax error near "
	    "\"port\"", path);
	assert_string_equal(err, text);
	kern_vnet_destroy(v);
	conf_free(c);

	f = fopen(path, "w");
	fputs("set limit states 20\npass all\n", f);
	fclose(f);
	snprintf(text, sizeof(text), "[firewall fwC]\n"
	    "pf.states = 50\n"
	    "rules_file = %s\n", path);
	c = conf_parse("u.conf", text, types, err, sizeof(err));
	v = kern_vnet_create(w, NULL, 1, "fwC", NULL);
	sec = conf_find(c, "firewall", "fwC");
	assert_int_equal(pf_attach_path(v, sec, "u.conf", err, sizeof(err)),
	    0);
	curvnet = v;
	/* pf.states (set in the scenario) wins over the file's limit */
	assert_int_equal(V_pf_pool_limits[PF_LIMIT_STATES].limit, 50);
	assert_int_equal(V_pf_default_rule.timeout[PFTM_ADAPTIVE_END], 60);
	assert_int_equal(V_pf_main_ruleset.rules[PF_RULESET_FILTER].active.
	    rcount, 1);
	pf_detach(v);
	kern_vnet_destroy(v);
	conf_free(c);
	unlink(path);

	/* a missing file */
	c = conf_parse("u.conf", "[firewall fwD]\nrules_file = /nonexistent\n",
	    types, err, sizeof(err));
	v = kern_vnet_create(w, NULL, 1, "fwD", NULL);
	sec = conf_find(c, "firewall", "fwD");
	assert_int_equal(pf_attach_path(v, sec, "u.conf", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "u.conf:2: firewall.fwD.rules_file: cannot "
	    "read /nonexistent: No such file or directory");
	kern_vnet_destroy(v);
	conf_free(c);

	world_destroy(w);
	curvnet = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_options),
		cmocka_unit_test(test_parse_expansion),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_evaluation),
		cmocka_unit_test(test_options_applied),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_attach_from_conf),
	};

	return (cmocka_run_group_tests_name("pf_rules", tests, NULL, NULL));
}
