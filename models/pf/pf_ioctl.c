/*	$OpenBSD: pf_ioctl.c,v 1.213 2009/02/15 21:46:12 mbalmer Exp $ */

/*
 * Copyright (c) 2001 Daniel Hartmeier
 * Copyright (c) 2002,2003 Henning Brauer
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *
 *    - Redistributions of source code must retain the above copyright
 *      notice, this list of conditions and the following disclaimer.
 *    - Redistributions in binary form must reproduce the above
 *      copyright notice, this list of conditions and the following
 *      disclaimer in the documentation and/or other materials provided
 *      with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 * "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 * LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS
 * FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
 * COPYRIGHT HOLDERS OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT,
 * INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING,
 * BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
 * LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN
 * ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.
 *
 * Effort sponsored in part by the Defense Advanced Research Projects
 * Agency (DARPA) and Air Force Research Laboratory, Air Force
 * Materiel Command, USAF, under agreement number F30602-01-2-0537.
 *
 */

/*
 * pfsim: pf's setup and inspection, after OpenBSD sys/net/pf_ioctl.c
 * (4.5, with the seed's hunk at L4300): pfattach, loading a ruleset the
 * way pfctl's DIOCXBEGIN/DIOCADDRULE/DIOCXCOMMIT would, the pfsync rule
 * checksum, DIOCCLRSTATES, and the simulator's glue: the [firewall]
 * parameters, summary JSON, and pfctl -ss -vv / -si style text. The id
 * line and licence are rev 1.213's (the seed's base, 1.211, could not be
 * read); UPSTREAM.md has the provenance.
 */

#include <md5.h>		/* libbsd/libmd: MD5Init, as pf_ioctl.c */

#include "engine/conf.h"
#include "engine/json.h"
#include "engine/model.h"
#include "models/pf/pfvar.h"
#include "models/pf/pf_pfsync.h"

#pragma weak run_conf

const struct param_spec pf_params[] = {
	{ "firewall", "rules", PT_TEXT, 0, 0, "", NULL,
	  "pf.conf rules (subset: pass|block, in|out, quick, on, proto, "
	  "from/to, port, flags, keep|no state, set skip|timeout|limit)" },
	{ "firewall", "rules_file", PT_STRING, 0, 0, "", NULL,
	  "file with pf.conf rules (instead of rules)" },
	{ "firewall", "pf.enable", PT_BOOL, 0, 1, "yes", NULL,
	  "pf filters packets (pfctl -e); no = pass everything" },
	{ "firewall", "pf.states", PT_INT, 1, 100000000, "10000", NULL,
	  "state limit (set limit states); overrides the rules' value" },
	{ "firewall", "pf.debug", PT_ENUM, 0, 0, "urgent",
	  "none|urgent|misc|loud",
	  "pf debug level (set debug); misc logs BAD state and loose "
	  "matches" },
	{ "firewall", "pf.hostid", PT_INT, 0, 4294967295LL, "0", NULL,
	  "pf hostid = pfsync creatorid of own states; 0 = random" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

/* pf_ioctl.c: pf_init_ruleset (pf_ruleset.c) */
static void
pf_init_ruleset(struct pf_ruleset *ruleset)
{
	int	i;

	memset(ruleset, 0, sizeof(struct pf_ruleset));
	for (i = 0; i < PF_RULESET_MAX; i++) {
		TAILQ_INIT(&ruleset->rules[i].queues[0]);
		TAILQ_INIT(&ruleset->rules[i].queues[1]);
		ruleset->rules[i].active.ptr = &ruleset->rules[i].queues[0];
		ruleset->rules[i].inactive.ptr = &ruleset->rules[i].queues[1];
	}
}

/* pf_ioctl.c: pfattach */
void
pfattach(int num)
{
	u_int32_t *timeout = V_pf_default_rule.timeout;

	(void)num;
	pool_init(&V_pf_state_pl, sizeof(struct pf_state), 0, 0, 0,
	    "pfstatepl", NULL);
	pool_init(&V_pf_state_key_pl, sizeof(struct pf_state_key), 0, 0, 0,
	    "pfstatekeypl", NULL);
	pool_init(&V_pf_state_item_pl, sizeof(struct pf_state_item), 0, 0, 0,
	    "pfstateitempl", NULL);

	pfi_initialize();

	V_pf_pool_limits[PF_LIMIT_STATES].pp = &V_pf_state_pl;
	V_pf_pool_limits[PF_LIMIT_STATES].limit = PFSTATE_HIWAT;
	pool_sethardlimit(V_pf_pool_limits[PF_LIMIT_STATES].pp,
	    V_pf_pool_limits[PF_LIMIT_STATES].limit, NULL, 0);

	pf_init_ruleset(&V_pf_main_ruleset);
	RB_INIT(&V_pf_statetbl);
	RB_INIT(&V_tree_id);
	TAILQ_INIT(&V_state_list);

	/* default rule should never be garbage collected */
	V_pf_default_rule.entries.tqe_prev =
	    &V_pf_default_rule.entries.tqe_next;
	V_pf_default_rule.action = PF_PASS;
	V_pf_default_rule.nr = -1;
	V_pf_default_rule.rtableid = -1;

	/* initialize default timeouts */
	timeout[PFTM_TCP_FIRST_PACKET] = PFTM_TCP_FIRST_PACKET_VAL;
	timeout[PFTM_TCP_OPENING] = PFTM_TCP_OPENING_VAL;
	timeout[PFTM_TCP_ESTABLISHED] = PFTM_TCP_ESTABLISHED_VAL;
	timeout[PFTM_TCP_CLOSING] = PFTM_TCP_CLOSING_VAL;
	timeout[PFTM_TCP_FIN_WAIT] = PFTM_TCP_FIN_WAIT_VAL;
	timeout[PFTM_TCP_CLOSED] = PFTM_TCP_CLOSED_VAL;
	timeout[PFTM_UDP_FIRST_PACKET] = PFTM_UDP_FIRST_PACKET_VAL;
	timeout[PFTM_UDP_SINGLE] = PFTM_UDP_SINGLE_VAL;
	timeout[PFTM_UDP_MULTIPLE] = PFTM_UDP_MULTIPLE_VAL;
	timeout[PFTM_ICMP_FIRST_PACKET] = PFTM_ICMP_FIRST_PACKET_VAL;
	timeout[PFTM_ICMP_ERROR_REPLY] = PFTM_ICMP_ERROR_REPLY_VAL;
	timeout[PFTM_OTHER_FIRST_PACKET] = PFTM_OTHER_FIRST_PACKET_VAL;
	timeout[PFTM_OTHER_SINGLE] = PFTM_OTHER_SINGLE_VAL;
	timeout[PFTM_OTHER_MULTIPLE] = PFTM_OTHER_MULTIPLE_VAL;
	timeout[PFTM_FRAG] = PFTM_FRAG_VAL;
	timeout[PFTM_INTERVAL] = PFTM_INTERVAL_VAL;
	timeout[PFTM_SRC_NODE] = PFTM_SRC_NODE_VAL;
	timeout[PFTM_TS_DIFF] = PFTM_TS_DIFF_VAL;
	timeout[PFTM_ADAPTIVE_START] = PFSTATE_ADAPT_START;
	timeout[PFTM_ADAPTIVE_END] = PFSTATE_ADAPT_END;

	memset(&V_pf_status, 0, sizeof(V_pf_status));
	V_pf_status.debug = PF_DEBUG_URGENT;

	/* XXX do our best to avoid a conflict */
	V_pf_status.hostid = arc4random();

	/* require process context to purge states, so perform in a thread */
	pf_purge_start(V_pf_vnet);
}

/* pf_ioctl.c: pf_calc_skip_steps. pfsim: pf_test_rule walks linearly. */
void
pf_calc_skip_steps(struct pf_rulequeue *rules)
{
	(void)rules;
}

#define PF_MD5_UPD(st, elm)						\
		MD5Update(ctx, (u_int8_t *) &(st)->elm, sizeof((st)->elm))

#define PF_MD5_UPD_STR(st, elm)						\
		MD5Update(ctx, (u_int8_t *) (st)->elm, strlen((st)->elm))

/* pf_ioctl.c: pf_hash_rule_addr */
static void
pf_hash_rule_addr(MD5_CTX *ctx, struct pf_rule_addr *pfr)
{
	PF_MD5_UPD(pfr, addr.type);
	PF_MD5_UPD(pfr, addr.v.a.addr.addr32);
	PF_MD5_UPD(pfr, addr.v.a.mask.addr32);
	PF_MD5_UPD(pfr, port[0]);
	PF_MD5_UPD(pfr, port[1]);
	PF_MD5_UPD(pfr, neg);
	PF_MD5_UPD(pfr, port_op);
}

/* pf_ioctl.c: pf_hash_rule (the fields pfsim's rules have) */
static void
pf_hash_rule(MD5_CTX *ctx, struct pf_rule *rule)
{
	pf_hash_rule_addr(ctx, &rule->src);
	pf_hash_rule_addr(ctx, &rule->dst);
	PF_MD5_UPD_STR(rule, label);
	PF_MD5_UPD_STR(rule, ifname);
	PF_MD5_UPD(rule, action);
	PF_MD5_UPD(rule, direction);
	PF_MD5_UPD(rule, af);
	PF_MD5_UPD(rule, quick);
	PF_MD5_UPD(rule, ifnot);
	PF_MD5_UPD(rule, keep_state);
	PF_MD5_UPD(rule, proto);
	PF_MD5_UPD(rule, type);
	PF_MD5_UPD(rule, code);
	PF_MD5_UPD(rule, flags);
	PF_MD5_UPD(rule, flagset);
	PF_MD5_UPD(rule, allow_opts);
	PF_MD5_UPD(rule, rt);
	PF_MD5_UPD(rule, tos);
}

/*
 * pf_ioctl.c: pf_setup_pfsync_matching. Numbers the inactive rules into
 * ptr_array (pfsync maps a received rule number back to a rule only
 * when the checksums match) and sets pf_status.pf_chksum.
 */
void
pf_setup_pfsync_matching(struct pf_ruleset *rs)
{
	MD5_CTX			 ctx;
	struct pf_rule		*rule;
	int			 rs_cnt;
	u_int8_t		 digest[PF_MD5_DIGEST_LENGTH];

	MD5Init(&ctx);
	for (rs_cnt = 0; rs_cnt < PF_RULESET_MAX; rs_cnt++) {
		/* XXX PF_RULESET_SCRUB as well? */
		if (rs_cnt == PF_RULESET_SCRUB)
			continue;

		(free)(rs->rules[rs_cnt].inactive.ptr_array);
		rs->rules[rs_cnt].inactive.ptr_array = NULL;

		if (rs->rules[rs_cnt].inactive.rcount) {
			rs->rules[rs_cnt].inactive.ptr_array =
			    calloc(rs->rules[rs_cnt].inactive.rcount,
			    sizeof(struct pf_rule *));
			if (!rs->rules[rs_cnt].inactive.ptr_array)
				panic("pf_setup_pfsync_matching: no memory");
		}

		TAILQ_FOREACH(rule, rs->rules[rs_cnt].inactive.ptr,
		    entries) {
			pf_hash_rule(&ctx, rule);
			(rs->rules[rs_cnt].inactive.ptr_array)[rule->nr] = rule;
		}
	}

	MD5Final(digest, &ctx);
	memcpy(V_pf_status.pf_chksum, digest, sizeof(V_pf_status.pf_chksum));
}

/* pf_ioctl.c: pf_commit_rules (filter ruleset, no anchors) */
static void
pf_commit_rules(struct pf_ruleset *rs)
{
	struct pf_rulequeue	*old_rules;
	struct pf_rule		**old_array;
	u_int32_t		 old_rcount;
	struct pf_rule		*rule;
	int			 s, rs_num = PF_RULESET_FILTER;

	pf_setup_pfsync_matching(rs);

	/* Swap rules, keep the old. */
	s = splsoftnet();
	old_rules = rs->rules[rs_num].active.ptr;
	old_rcount = rs->rules[rs_num].active.rcount;
	old_array = rs->rules[rs_num].active.ptr_array;

	rs->rules[rs_num].active.ptr = rs->rules[rs_num].inactive.ptr;
	rs->rules[rs_num].active.ptr_array =
	    rs->rules[rs_num].inactive.ptr_array;
	rs->rules[rs_num].active.rcount = rs->rules[rs_num].inactive.rcount;
	rs->rules[rs_num].inactive.ptr = old_rules;
	rs->rules[rs_num].inactive.ptr_array = old_array;
	rs->rules[rs_num].inactive.rcount = old_rcount;

	rs->rules[rs_num].active.ticket = rs->rules[rs_num].inactive.ticket;
	pf_calc_skip_steps(rs->rules[rs_num].active.ptr);

	/*
	 * Purge the old rule list. pfsim: only ever empty (one load per
	 * run), so nothing can still point at these rules.
	 */
	while ((rule = TAILQ_FIRST(old_rules)) != NULL) {
		TAILQ_REMOVE(old_rules, rule, entries);
		if (rule->kif)
			pfi_kif_unref(rule->kif, PFI_KIF_REF_RULE);
		(free)(rule);
	}
	(free)(rs->rules[rs_num].inactive.ptr_array);
	rs->rules[rs_num].inactive.ptr_array = NULL;
	rs->rules[rs_num].inactive.rcount = 0;
	rs->rules[rs_num].inactive.open = 0;
	splx(s);
}

/* pf_ioctl.c: DIOCCLRSTATES (seed L4300 hunk) */
void
pf_clear_states(const char *ifname)
{
	struct pf_state		*s, *nexts;
	u_int			 killed = 0;
	int			 spl;

	spl = splsoftnet();
	for (s = RB_MIN(pf_state_tree_id, &V_tree_id); s; s = nexts) {
		nexts = RB_NEXT(pf_state_tree_id, &V_tree_id, s);

		if (ifname == NULL || !ifname[0] || !strcmp(ifname,
		    s->kif->pfik_name)) {
#if NPFSYNC > 0
			/* don't send out individual delete messages */
			SET(s->state_flags, PFSTATE_NOSYNC);
#endif
			pf_unlink_state(s);
			killed++;
		}
	}
#if NPFSYNC > 0
	if (V_pfsync_clear_states_ptr != NULL)	/* pfsim: hook */
		V_pfsync_clear_states_ptr(V_pf_status.hostid,
		    ifname ? ifname : "");
#endif
	splx(spl);
	(void)killed;
}

/*
 * Load pf.conf text: options first (as pfctl does), then the ruleset
 * through the inactive queue and a commit.
 */
static int
pf_load(const char *text, const char *name, int first_line,
    u_int32_t limit, int limit_set, int debug, u_int32_t hostid,
    char *err, size_t errlen)
{
	struct pf_ruleset	*rs = &V_pf_main_ruleset;
	struct pf_conf_opts	 o;
	struct pf_rulequeue	*q = rs->rules[PF_RULESET_FILTER].inactive.ptr;
	struct pf_rule		*r;
	int			 i;

	pf_conf_opts_init(&o);
	if (pf_parse_rules(text, name, first_line, q, &o, err, errlen) != 0)
		return (-1);

	/* DIOCSETTIMEOUT */
	for (i = 0; i < PFTM_MAX; i++)
		if (o.timeout_set[i]) {
			V_pf_default_rule.timeout[i] = o.timeout[i];
			if (i == PFTM_INTERVAL &&
			    V_pf_default_rule.timeout[i] == 0)
				V_pf_default_rule.timeout[i] = 1;
		}

	/* DIOCSETLIMIT; pfsim: the scenario key wins over "set limit" */
	if (!limit_set && o.limit_states_set) {
		limit = o.limit_states;
		limit_set = 1;
	}
	if (limit == 0)
		limit = PFSTATE_HIWAT;
	V_pf_pool_limits[PF_LIMIT_STATES].limit = limit;
	pool_sethardlimit(V_pf_pool_limits[PF_LIMIT_STATES].pp, limit,
	    NULL, 0);
	/*
	 * pfctl.c: pfctl_load_options. If we've set the limit, but haven't
	 * explicitly set adaptive timeouts, do it now with a start of 60%
	 * and end of 120%.
	 */
	if (limit_set && !o.timeout_set[PFTM_ADAPTIVE_START] &&
	    !o.timeout_set[PFTM_ADAPTIVE_END]) {
		V_pf_default_rule.timeout[PFTM_ADAPTIVE_START] =
		    (limit / 10) * 6;
		V_pf_default_rule.timeout[PFTM_ADAPTIVE_END] =
		    (limit / 10) * 12;
	}

	/* DIOCSETDEBUG; the scenario key (debug >= 0) wins */
	if (debug >= 0)
		V_pf_status.debug = debug;
	else if (o.debug >= 0)
		V_pf_status.debug = o.debug;

	/* DIOCSETHOSTID (pfctl passes htonl(hostid)) */
	if (hostid != 0)
		V_pf_status.hostid = htonl(hostid);
	else if (o.hostid_set)
		V_pf_status.hostid = htonl(o.hostid);

	/* DIOCSETIFFLAG */
	for (i = 0; i < o.nskip; i++)
		pfi_set_flags(o.skip[i], PFI_IFLAG_SKIP);

	/* DIOCADDRULE */
	rs->rules[PF_RULESET_FILTER].inactive.rcount = 0;
	TAILQ_FOREACH(r, q, entries) {
		if (r->ifname[0]) {
			r->kif = pfi_kif_get(r->ifname);
			if (r->kif == NULL)
				panic("pf_load: pfi_kif_get");
			pfi_kif_ref(r->kif, PFI_KIF_REF_RULE);
		}
		rs->rules[PF_RULESET_FILTER].inactive.rcount++;
	}

	/* DIOCXCOMMIT */
	pf_commit_rules(rs);
	return (0);
}

/* Create the pf globals of v and run pfattach. curvnet must be v. */
static int
pf_vnet_init(struct vnet *v)
{
	struct pf_vnet *pv;

	if (v->vnet_pf != NULL)
		return (EEXIST);
	if ((pv = calloc(1, sizeof(*pv))) == NULL)
		return (ENOMEM);
	v->vnet_pf = pv;
	pfattach(1);
	return (0);
}

/* pf_ioctl.c: DIOCSTART */
static void
pf_start(void)
{
	V_pf_status.running = 1;
	V_pf_status.since = time_second;
	if (V_pf_status.stateid == 0) {
		V_pf_status.stateid = time_second;
		V_pf_status.stateid = V_pf_status.stateid << 32;
	}
	DPFPRINTF(PF_DEBUG_MISC, (LOG_WARNING, "pf: started\n"));
}

/* Does pf.conf text hold nothing but blank lines and comments? */
static int
pf_text_blank(const char *s)
{
	for (; *s; s++) {
		s += strspn(s, " \t\f\v");
		if (*s == '\0')
			break;
		if (*s == '#')
			s += strcspn(s, "\r\n");
		else if (*s != '\r' && *s != '\n')
			return (0);
		if (*s == '\0')
			break;
	}
	return (1);
}

/*
 * The rules of the [firewall] sec: *textp is its rules text or the
 * contents of its rules_file (then also in *bufp); *fnamep and *linep
 * place pf_parse_rules' errors (*fnamep may be *dirp: a relative
 * rules_file found next to the scenario). The caller frees *bufp and
 * *dirp. path is the scenario file's, for messages and to resolve a
 * relative rules_file. A rules_file must be a regular file (never a
 * FIFO, a device or a /proc file: conf_read_file) that holds something:
 * an empty ruleset passes everything, so an empty file is more likely a
 * mistake. 0, or -1 with "FILE:LINE: firewall.NAME.KEY: ..." in err.
 */
static int
pf_rules_source(const struct conf_section *sec, const char *path,
    const char **textp, const char **fnamep, int *linep, char **bufp,
    char **dirp, char *err, size_t errlen)
{
	const char	*rules = "", *rfile = "";
	size_t		 n;
	int		 e;

	*textp = "";
	*fnamep = path;
	*linep = 0;
	*bufp = *dirp = NULL;
	if (sec != NULL) {
		rules = conf_str(sec, "rules");
		rfile = conf_str(sec, "rules_file");
	}
	if (rfile[0] && rules[0]) {
		return (conf_key_error(err, errlen, sec, "rules_file",
		    "rules and rules_file are exclusive"));
	}
	if (rfile[0] == '\0') {
		*textp = rules;
		*linep = sec != NULL && conf_isset(sec, "rules") ?
		    conf_line(sec, "rules") : 0;
		if (*linep == 0)
			*fnamep = "--set";	/* conf.c's name for line 0 */
		return (0);
	}
	*fnamep = rfile;
	e = conf_read_file(rfile, 16 << 20, bufp, NULL);
	/* relative names: next to the scenario file, too */
	if (e == ENOENT && rfile[0] != '/' && strrchr(path, '/') != NULL) {
		n = strrchr(path, '/') - path;
		if ((*dirp = (malloc)(n + strlen(rfile) + 2)) == NULL)
			e = ENOMEM;
		else {
			snprintf(*dirp, n + strlen(rfile) + 2, "%.*s/%s",
			    (int)n, path, rfile);
			e = conf_read_file(*dirp, 16 << 20, bufp, NULL);
			if (e != ENOENT)
				*fnamep = *dirp;
		}
	}
	if (e != 0) {
		return (conf_key_error(err, errlen, sec, "rules_file",
		    "cannot read %s: %s", *fnamep, e == EFBIG ?
		    "larger than 16 MB" : conf_read_strerror(e)));
	}
	if (pf_text_blank(*bufp)) {
		return (conf_key_error(err, errlen, sec, "rules_file",
		    "%s holds no rules (an empty ruleset passes everything; "
		    "to mean that, leave rules_file out or write \"pass all "
		    "no state\")", *fnamep));
	}
	*textp = *bufp;
	*linep = 1;
	return (0);
}

u_int64_t
pf_rules_mem_estimate(const struct conf_section *sec)
{
	const char	*text, *fname;
	char		*buf, *dir, err[512];
	int		 line;
	u_int64_t	 n = 0;

	if (pf_rules_source(sec, conf_path(conf_of(sec)), &text, &fname,
	    &line, &buf, &dir, err, sizeof(err)) == 0)
		(void)pf_count_rules(text, fname, line, &n, err, sizeof(err));
	(free)(buf);
	(free)(dir);
	/* calloc'd one by one: malloc's overhead too */
	return (n * (sizeof(struct pf_rule) + 16));
}

int
pf_attach_path(struct vnet *v, struct conf_section *sec, const char *path,
    char *err, size_t errlen)
{
	static const char *const lv[] = { "none", "urgent", "misc", "loud" };
	struct ifnet	*ifp;
	const char	*text, *fname;
	char		*buf = NULL, *dir = NULL;
	int		 rv = 0, line = 0, debug = -1, enable = 1, i;
	u_int32_t	 limit = 0, hostid = 0;
	int		 limit_set = 0;

	CURVNET_SET(v);
	/*
	 * The scenario file, through the run that owns v's world. run_conf
	 * is weak so that unit tests link without the engine's run.c.
	 */
	if (path == NULL && run_conf != NULL && v->vnet_world != NULL &&
	    v->vnet_world->user != NULL)
		path = conf_path(run_conf(v->vnet_world->user));
	if (path == NULL)
		path = "scenario";
	if ((rv = pf_vnet_init(v)) != 0) {
		conf_error(err, errlen, path, 0, "pf", "cannot attach: %s",
		    strerror(rv));
		CURVNET_RESTORE();
		return (-1);
	}

	if (sec != NULL) {
		enable = conf_bool(sec, "pf.enable");
		limit = (u_int32_t)conf_int(sec, "pf.states");
		limit_set = conf_isset(sec, "pf.states");
		if (conf_isset(sec, "pf.debug")) {
			const char *d = conf_str(sec, "pf.debug");

			for (i = 0; i < (int)nitems(lv); i++)
				if (strcmp(d, lv[i]) == 0)
					debug = i;
		}
		hostid = (u_int32_t)conf_int(sec, "pf.hostid");
	}

	if (pf_rules_source(sec, path, &text, &fname, &line, &buf, &dir, err,
	    errlen) != 0) {
		rv = -1;
		goto out;
	}
	if (pf_load(text, fname, line, limit, limit_set, debug, hostid, err,
	    errlen) != 0) {
		rv = -1;
		goto out;
	}

	/* pfsim: kern's if_attach does not call pfi_attach_ifnet */
	TAILQ_FOREACH(ifp, &v->vnet_ifnet, if_list)
		pfi_attach_ifnet(ifp);

	if (enable)
		pf_start();
out:
	(free)(buf);
	(free)(dir);
	if (rv != 0)
		pf_detach(v);
	CURVNET_RESTORE();
	return (rv);
}

int
pf_attach(struct vnet *v, struct conf_section *sec, char *err, size_t errlen)
{
	return (pf_attach_path(v, sec, NULL, err, errlen));
}

int
pf_attach_text(struct vnet *v, const char *rules, u_int32_t limit,
    char *err, size_t errlen)
{
	struct ifnet	*ifp;
	int		 rv;

	CURVNET_SET(v);
	if ((rv = pf_vnet_init(v)) != 0) {
		conf_error(err, errlen, "rules", 0, "pf", "cannot attach: %s",
		    strerror(rv));
		CURVNET_RESTORE();
		return (-1);
	}
	if (pf_load(rules, "rules", 1, limit, limit != 0, -1, 0, err,
	    errlen) != 0) {
		pf_detach(v);
		CURVNET_RESTORE();
		return (-1);
	}
	TAILQ_FOREACH(ifp, &v->vnet_ifnet, if_list)
		pfi_attach_ifnet(ifp);
	pf_start();
	CURVNET_RESTORE();
	return (0);
}

void
pf_detach(struct vnet *v)
{
	struct pf_vnet		*pv = v->vnet_pf;
	struct pf_state		*s;
	struct pf_ruleset	*rs;
	int			 i;

	if (pv == NULL)
		return;
	CURVNET_SET(v);
	timeout_del(&pv->pf_purge_to);
	kern_task_del(&pv->pf_purge_task);

	/* no pfsync hooks: everything goes at once */
	while ((s = TAILQ_FIRST(&V_state_list)) != NULL) {
		if (s->timeout != PFTM_UNLINKED) {
			RB_REMOVE(pf_state_tree_id, &V_tree_id, s);
			if (s->key[PF_SK_WIRE] == s->key[PF_SK_STACK])
				s->key[PF_SK_WIRE] = NULL;
			for (i = PF_SK_STACK; i >= PF_SK_WIRE; i--) {
				struct pf_state_key	*sk = s->key[i];
				struct pf_state_item	*si;

				if (sk == NULL)
					continue;
				TAILQ_FOREACH(si, &sk->states, entry)
					if (si->s == s)
						break;
				if (si != NULL) {
					TAILQ_REMOVE(&sk->states, si, entry);
					pool_put(&V_pf_state_item_pl, si);
				}
				if (TAILQ_EMPTY(&sk->states)) {
					RB_REMOVE(pf_state_tree,
					    &V_pf_statetbl, sk);
					pool_put(&V_pf_state_key_pl, sk);
				}
			}
		}
		TAILQ_REMOVE(&V_state_list, s, entry_list);
		pool_put(&V_pf_state_pl, s);
	}

	rs = &V_pf_main_ruleset;
	for (i = 0; i < PF_RULESET_MAX; i++) {
		pf_free_rules(rs->rules[i].active.ptr);
		pf_free_rules(rs->rules[i].inactive.ptr);
		(free)(rs->rules[i].active.ptr_array);
		(free)(rs->rules[i].inactive.ptr_array);
	}
	pfi_destroy();
	pool_destroy(&V_pf_state_item_pl);
	pool_destroy(&V_pf_state_key_pl);
	pool_destroy(&V_pf_state_pl);
	v->vnet_pf = NULL;
	(free)(pv);
	CURVNET_RESTORE();
}

void
pf_set_trace(struct vnet *v, pf_trace_fn fn, void *arg)
{
	if (v->vnet_pf == NULL)
		return;
	v->vnet_pf->pf_trace = fn;
	v->vnet_pf->pf_trace_arg = arg;
}

void
pf_set_send_tcp(struct vnet *v, pf_send_tcp_fn fn, void *arg)
{
	if (v->vnet_pf == NULL)
		return;
	v->vnet_pf->pf_send_tcp_hook = fn;
	v->vnet_pf->pf_send_tcp_arg = arg;
}

/* ------------------------------------------------------------------ */
/* Results                                                            */

static const char *const pf_reasons[PFRES_MAX + 1] = PFRES_NAMES;
static const char *const pf_lcounters[LCNT_MAX + 1] = LCNT_NAMES;
static const char *const pf_fcounters[FCNT_MAX + 1] = {
	"searches", "inserts", "removals", NULL
};

void
pf_report_json(struct vnet *v, struct json *j)
{
	struct pf_vnet	*pv = v->vnet_pf;
	struct pf_status *st;
	char		 buf[2 * PF_MD5_DIGEST_LENGTH + 1];
	int		 i;

	json_obj_begin(j, "pf");
	if (pv == NULL) {
		json_bool(j, "enabled", false);
		json_obj_end(j);
		return;
	}
	st = &pv->pf_status;
	json_bool(j, "enabled", st->running != 0);
	json_uint(j, "states", st->states);
	json_uint(j, "state_mismatch", st->counters[PFRES_BADSTATE]);
	json_uint(j, "blocked", pv->pf_blocked);
	json_uint(j, "inserts", st->fcounters[FCNT_STATE_INSERT]);
	json_uint(j, "removals", st->fcounters[FCNT_STATE_REMOVALS]);
	json_uint(j, "searches", st->fcounters[FCNT_STATE_SEARCH]);
	json_uint(j, "state_limit", pv->pf_pool_limits[PF_LIMIT_STATES].limit);
	json_uint(j, "states_peak", pv->pf_state_pl.pr_maxout);
	snprintf(buf, sizeof(buf), "%08x", ntohl(st->hostid));
	json_str(j, "hostid", buf);
	for (i = 0; i < PF_MD5_DIGEST_LENGTH; i++)
		snprintf(buf + 2 * i, 3, "%02x", st->pf_chksum[i]);
	json_str(j, "checksum", buf);
	json_uint(j, "packets_in_pass", st->pcounters[0][0][0]);
	json_uint(j, "packets_in_block", st->pcounters[0][0][1]);
	json_uint(j, "packets_out_pass", st->pcounters[0][1][0]);
	json_uint(j, "packets_out_block", st->pcounters[0][1][1]);
	json_uint(j, "bytes_in", st->bcounters[0][0]);
	json_uint(j, "bytes_out", st->bcounters[0][1]);
	json_uint(j, "rst_sent", pv->pf_rst_sent);
	json_uint(j, "purge_runs", pv->pf_purge_runs);
	json_obj_begin(j, "counters");
	for (i = 0; i < PFRES_MAX; i++)
		json_uint(j, pf_reasons[i], st->counters[i]);
	json_obj_end(j);
	json_obj_begin(j, "limit_counters");
	for (i = 0; i < LCNT_MAX; i++)
		json_uint(j, pf_lcounters[i], st->lcounters[i]);
	json_obj_end(j);
	json_obj_end(j);
}

/* pfctl/pf_print_state.c: print_seq */
static void
pf_fprint_seq(FILE *f, const struct pf_state_peer *p)
{
	if (p->seqdiff)
		fprintf(f, "[%u + %u](+%u)", p->seqlo, p->seqhi - p->seqlo,
		    p->seqdiff);
	else
		fprintf(f, "[%u + %u]", p->seqlo, p->seqhi - p->seqlo);
}

/* pfctl/pf_print_state.c: print_host */
static void
pf_fprint_host(FILE *f, struct pf_addr *a, u_int16_t port, u_int8_t af)
{
	char	buf[64];

	pf_print_host(buf, sizeof(buf), a, 0, af);
	fputs(buf, f);
	if (port)
		fprintf(f, af == AF_INET ? ":%u" : "[%u]", ntohs(port));
}

/*
 * pfctl/pf_print_state.c: print_state with -vv, straight from the
 * kernel state instead of its pfsync_state export (same numbers).
 */
static void
pf_fprint_state(FILE *f, struct pf_state *s)
{
	static const char *const tcpstates[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
		"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK",
		"FIN_WAIT_2", "TIME_WAIT"
	};
	static const char *const udpstates[] = PFUDPS_NAMES;
	static const char *const otherstates[] = PFOTHERS_NAMES;
	struct pf_state_peer	*src, *dst;
	struct pf_state_key	*sk, *nk;
	u_int8_t		 proto = s->key[PF_SK_WIRE]->proto;
	u_int8_t		 af = s->key[PF_SK_WIRE]->af;
	u_int32_t		 creation, expire, now = time_second;
	unsigned		 min, sec;

	if (s->direction == PF_OUT) {
		src = &s->src;
		dst = &s->dst;
		sk = s->key[PF_SK_STACK];
		nk = s->key[PF_SK_WIRE];
	} else {
		src = &s->dst;
		dst = &s->src;
		sk = s->key[PF_SK_WIRE];
		nk = s->key[PF_SK_STACK];
	}
	fprintf(f, "%s ", s->kif->pfik_name);
	switch (proto) {
	case IPPROTO_TCP:
		fprintf(f, "tcp ");
		break;
	case IPPROTO_UDP:
		fprintf(f, "udp ");
		break;
	case IPPROTO_ICMP:
		fprintf(f, "icmp ");
		break;
	case IPPROTO_PFSYNC:
		fprintf(f, "pfsync ");
		break;
	default:
		fprintf(f, "%u ", proto);
		break;
	}

	pf_fprint_host(f, &nk->addr[1], nk->port[1], af);
	if (PF_ANEQ(&nk->addr[1], &sk->addr[1], af) ||
	    nk->port[1] != sk->port[1]) {
		fprintf(f, " (");
		pf_fprint_host(f, &sk->addr[1], sk->port[1], af);
		fprintf(f, ")");
	}
	if (s->direction == PF_OUT)
		fprintf(f, " -> ");
	else
		fprintf(f, " <- ");
	pf_fprint_host(f, &nk->addr[0], nk->port[0], af);
	if (PF_ANEQ(&nk->addr[0], &sk->addr[0], af) ||
	    nk->port[0] != sk->port[0]) {
		fprintf(f, " (");
		pf_fprint_host(f, &sk->addr[0], sk->port[0], af);
		fprintf(f, ")");
	}

	fprintf(f, "    ");
	if (proto == IPPROTO_TCP) {
		if (src->state <= TCPS_TIME_WAIT &&
		    dst->state <= TCPS_TIME_WAIT)
			fprintf(f, "   %s:%s\n", tcpstates[src->state],
			    tcpstates[dst->state]);
		else if (src->state == PF_TCPS_PROXY_SRC ||
		    dst->state == PF_TCPS_PROXY_SRC)
			fprintf(f, "   PROXY:SRC\n");
		else if (src->state == PF_TCPS_PROXY_DST ||
		    dst->state == PF_TCPS_PROXY_DST)
			fprintf(f, "   PROXY:DST\n");
		else
			fprintf(f, "   <BAD STATE LEVELS %u:%u>\n",
			    src->state, dst->state);
		fprintf(f, "   ");
		pf_fprint_seq(f, src);
		if (src->wscale && dst->wscale)
			fprintf(f, " wscale %u",
			    src->wscale & PF_WSCALE_MASK);
		fprintf(f, "  ");
		pf_fprint_seq(f, dst);
		if (src->wscale && dst->wscale)
			fprintf(f, " wscale %u",
			    dst->wscale & PF_WSCALE_MASK);
		fprintf(f, "\n");
	} else if (proto == IPPROTO_UDP && src->state < PFUDPS_NSTATES &&
	    dst->state < PFUDPS_NSTATES) {
		fprintf(f, "   %s:%s\n", udpstates[src->state],
		    udpstates[dst->state]);
	} else if (proto != IPPROTO_ICMP && src->state < PFOTHERS_NSTATES &&
	    dst->state < PFOTHERS_NSTATES) {
		/* XXX ICMP doesn't really have state levels */
		fprintf(f, "   %s:%s\n", otherstates[src->state],
		    otherstates[dst->state]);
	} else {
		fprintf(f, "   %u:%u\n", src->state, dst->state);
	}

	/* pfsync_state_export: creation is an age, expire a countdown */
	creation = now - s->creation;
	expire = pf_state_expires(s);
	expire = expire <= now ? 0 : expire - now;

	sec = creation % 60;
	creation /= 60;
	min = creation % 60;
	creation /= 60;
	fprintf(f, "   age %.2u:%.2u:%.2u", creation, min, sec);
	sec = expire % 60;
	expire /= 60;
	min = expire % 60;
	expire /= 60;
	fprintf(f, ", expires in %.2u:%.2u:%.2u", expire, min, sec);
	fprintf(f, ", %llu:%llu pkts, %llu:%llu bytes",
	    (unsigned long long)s->packets[0],
	    (unsigned long long)s->packets[1],
	    (unsigned long long)s->bytes[0],
	    (unsigned long long)s->bytes[1]);
	if (s->anchor.ptr != NULL)
		fprintf(f, ", anchor %u", s->anchor.ptr->nr);
	if (s->rule.ptr != NULL && s->rule.ptr->nr != (u_int32_t)-1)
		fprintf(f, ", rule %u", s->rule.ptr->nr);
	if (s->state_flags & PFSTATE_SLOPPY)
		fprintf(f, ", sloppy");
	if (s->state_flags & PFSTATE_PFLOW)
		fprintf(f, ", pflow");
	fprintf(f, "\n");
	fprintf(f, "   id: %016llx creatorid: %08x\n",
	    (unsigned long long)betoh64(s->id), ntohl(s->creatorid));
}

int
pf_write_states(struct vnet *v, FILE *f)
{
	struct pf_state	*s;

	if (v->vnet_pf == NULL)
		return (0);
	CURVNET_SET(v);
	/* DIOCGETSTATES: state_list order, unlinked states skipped */
	TAILQ_FOREACH(s, &V_state_list, entry_list)
		if (s->timeout != PFTM_UNLINKED)
			pf_fprint_state(f, s);
	CURVNET_RESTORE();
	return (ferror(f) ? EIO : 0);
}

/* pfctl/pfctl_parser.c: print_status with -v */
int
pf_write_info(struct vnet *v, FILE *f)
{
	static const char *const dbg[] = { "None", "Urgent", "Misc", "Loud" };
	struct pf_status	*s;
	char			 statline[80];
	u_int32_t		 runtime;
	unsigned		 sec, min, hr, day;
	int			 i;

	if (v->vnet_pf == NULL)
		return (0);
	CURVNET_SET(v);
	s = &V_pf_status;
	runtime = s->since ? (u_int32_t)time_second - s->since : 0;
	sec = runtime % 60;
	min = (runtime / 60) % 60;
	hr = (runtime / 3600) % 24;
	day = runtime / 86400;
	snprintf(statline, sizeof(statline), "Debug: %s",
	    s->debug < nitems(dbg) ? dbg[s->debug] : "?");
	fprintf(f, "Status: %s for %u days %.2u:%.2u:%.2u",
	    s->running ? "Enabled" : "Disabled", day, hr, min, sec);
	fprintf(f, "%15s\n\n", statline);
	fprintf(f, "Hostid:   0x%08x\n", ntohl(s->hostid));
	fprintf(f, "Checksum: 0x");
	for (i = 0; i < PF_MD5_DIGEST_LENGTH; i++)
		fprintf(f, "%02x", s->pf_chksum[i]);
	fprintf(f, "\n\n");

	fprintf(f, "%-27s %14s %16s\n", "State Table", "Total", "Rate");
	fprintf(f, "  %-25s %14u %14s\n", "current entries", s->states, "");
	for (i = 0; i < FCNT_MAX; i++) {
		fprintf(f, "  %-25s %14llu ", pf_fcounters[i],
		    (unsigned long long)s->fcounters[i]);
		if (runtime > 0)
			fprintf(f, "%14.1f/s\n",
			    (double)s->fcounters[i] / (double)runtime);
		else
			fprintf(f, "%14s\n", "");
	}
	fprintf(f, "Counters\n");
	for (i = 0; i < PFRES_MAX; i++) {
		fprintf(f, "  %-25s %14llu ", pf_reasons[i],
		    (unsigned long long)s->counters[i]);
		if (runtime > 0)
			fprintf(f, "%14.1f/s\n",
			    (double)s->counters[i] / (double)runtime);
		else
			fprintf(f, "%14s\n", "");
	}
	fprintf(f, "Limit Counters\n");
	for (i = 0; i < LCNT_MAX; i++) {
		fprintf(f, "  %-25s %14llu ", pf_lcounters[i],
		    (unsigned long long)s->lcounters[i]);
		if (runtime > 0)
			fprintf(f, "%14.1f/s\n",
			    (double)s->lcounters[i] / (double)runtime);
		else
			fprintf(f, "%14s\n", "");
	}
	CURVNET_RESTORE();
	return (ferror(f) ? EIO : 0);
}
