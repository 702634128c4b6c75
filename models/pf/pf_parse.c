/*
 * pfsim: a pf.conf subset, parsed the way pfctl (OpenBSD 4.5 parse.y and
 * pfctl.c) would load it into the kernel. Our own parser, not a port of
 * parse.y; the semantics follow pfctl:
 *
 *   pass|block [drop|return|return-rst] [in|out] [log] [quick]
 *       [on [!]IF | on { IF ... }] [inet] [proto P | proto { P ... }]
 *       (all | [from [HOST] [port PORT]] [to [HOST] [port PORT]])
 *       [flags F/M | flags any] [icmp-type N [code N]] [tos N]
 *       [allow-opts] [label "TEXT"]
 *       [keep state [(OPT, ...)] | no state]
 *   HOST := [!]any | [!]A.B.C.D[/N] | { HOST, ... }
 *   PORT := N | =N | !=N | <N | <=N | >N | >=N | N:M | N >< M | N <> M
 *           | { PORT, ... }       (N a number or a common service name)
 *   OPT  := max N | sloppy | no-sync | pflow | if-bound | floating
 *           | TIMEOUT N
 *   set skip on IF | set skip on { IF ... }
 *   set timeout TIMEOUT N | set timeout { TIMEOUT N, ... }
 *   set limit states N | set limit { states N, ... }
 *   set debug none|urgent|misc|loud
 *   set hostid N
 *   set state-policy if-bound|floating
 *   set block-policy drop|return
 *
 * pfctl's defaults: a pass rule without a state option is "keep state";
 * a stateful pass rule without "flags" gets "flags S/SA" (since OpenBSD
 * 4.1); lists expand into one rule per combination, in pfctl's order
 * (interface, proto, source host, source port, destination host,
 * destination port). "#" starts a comment; a trailing "\" continues the
 * line; lines end in "\n", "\r\n" or "\r". A ruleset holds at most
 * PF_RULES_MAX rules after expansion, counted before any is allocated
 * (six lists of 32 would make 2^30). Errors read "NAME:LINE: rules: what" ("NAME: rules: what" when
 * first_line is 0, i.e. the text came from --set).
 */

#include <ctype.h>

#include "models/pf/pfvar.h"

#define PFP_MAXTOK	256
#define PFP_MAXLIST	32

struct pfp_tok {
	char	s[128];
	int	quoted;
};

struct pfp_host {
	struct pf_addr	addr, mask;
	u_int8_t	neg;
};

struct pfp_port {
	u_int8_t	op;
	u_int16_t	p1, p2;		/* host order */
};

struct pfp_if {
	char		name[IFNAMSIZ];
	u_int8_t	not;
};

struct pfp {
	const char		*name;
	int			 line;
	char			*err;
	size_t			 errlen;
	struct pfp_tok		 tok[PFP_MAXTOK];
	int			 ntok, pos;
	struct pf_conf_opts	*opts;
	int			 block_return;	/* set block-policy return */
	u_int64_t		 nrules;	/* rules so far, expanded */
	int			 count_only;	/* pf_count_rules: no rules */
};

static const struct {
	const char	*name;
	int		 timeout;
} pfp_timeouts[] = {
	{ "tcp.first",		PFTM_TCP_FIRST_PACKET },
	{ "tcp.opening",	PFTM_TCP_OPENING },
	{ "tcp.established",	PFTM_TCP_ESTABLISHED },
	{ "tcp.closing",	PFTM_TCP_CLOSING },
	{ "tcp.finwait",	PFTM_TCP_FIN_WAIT },
	{ "tcp.closed",		PFTM_TCP_CLOSED },
	{ "tcp.tsdiff",		PFTM_TS_DIFF },
	{ "udp.first",		PFTM_UDP_FIRST_PACKET },
	{ "udp.single",		PFTM_UDP_SINGLE },
	{ "udp.multiple",	PFTM_UDP_MULTIPLE },
	{ "icmp.first",		PFTM_ICMP_FIRST_PACKET },
	{ "icmp.error",		PFTM_ICMP_ERROR_REPLY },
	{ "other.first",	PFTM_OTHER_FIRST_PACKET },
	{ "other.single",	PFTM_OTHER_SINGLE },
	{ "other.multiple",	PFTM_OTHER_MULTIPLE },
	{ "frag",		PFTM_FRAG },
	{ "interval",		PFTM_INTERVAL },
	{ "adaptive.start",	PFTM_ADAPTIVE_START },
	{ "adaptive.end",	PFTM_ADAPTIVE_END },
	{ "src.track",		PFTM_SRC_NODE },
	{ NULL,			0 }
};

/* A few of /etc/services, so rules read as usual without the file. */
static const struct {
	const char	*name;
	u_int16_t	 port;
} pfp_services[] = {
	{ "ftp", 21 }, { "ssh", 22 }, { "telnet", 23 }, { "smtp", 25 },
	{ "domain", 53 }, { "http", 80 }, { "www", 80 }, { "pop3", 110 },
	{ "ntp", 123 }, { "imap", 143 }, { "snmp", 161 }, { "https", 443 },
	{ NULL, 0 }
};

static int pfp_error(struct pfp *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
pfp_error(struct pfp *p, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* line 0: a value from --set, which has no line */
	return (conf_error(p->err, p->errlen, p->name, p->line > 0 ?
	    p->line : -1, "rules", "%s", msg));
}

/* Split one logical line into tokens. */
static int
pfp_tokenize(struct pfp *p, const char *s)
{
	static const char single[] = "{},()";

	p->ntok = p->pos = 0;
	while (*s) {
		struct pfp_tok	*t;
		size_t		 n = 0;

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (*s == '#')
			break;
		if (p->ntok == PFP_MAXTOK)
			return (pfp_error(p, "line too long"));
		t = &p->tok[p->ntok++];
		t->quoted = 0;
		if (*s == '"') {
			s++;
			while (*s && *s != '"' && n < sizeof(t->s) - 1)
				t->s[n++] = *s++;
			if (*s != '"')
				return (pfp_error(p, "unterminated quoted "
				    "string"));
			s++;
			t->quoted = 1;
		} else if (strchr(single, *s) != NULL) {
			t->s[n++] = *s++;
		} else if (*s == '!' || *s == '<' || *s == '>' || *s == '=') {
			t->s[n++] = *s++;
			if ((t->s[0] == '!' && *s == '=') ||
			    (t->s[0] == '<' && (*s == '=' || *s == '>')) ||
			    (t->s[0] == '>' && (*s == '=' || *s == '<')))
				t->s[n++] = *s++;
		} else {
			while (*s && !isspace((unsigned char)*s) &&
			    strchr("{},()!<>=\"#", *s) == NULL) {
				if (n == sizeof(t->s) - 1)
					return (pfp_error(p, "word too long"));
				t->s[n++] = *s++;
			}
		}
		t->s[n] = '\0';
	}
	return (0);
}

static const char *
pfp_peek(struct pfp *p)
{
	return (p->pos < p->ntok ? p->tok[p->pos].s : NULL);
}

static const char *
pfp_next(struct pfp *p)
{
	return (p->pos < p->ntok ? p->tok[p->pos++].s : NULL);
}

static int
pfp_accept(struct pfp *p, const char *w)
{
	if (p->pos < p->ntok && !p->tok[p->pos].quoted &&
	    strcmp(p->tok[p->pos].s, w) == 0) {
		p->pos++;
		return (1);
	}
	return (0);
}

static int
pfp_syntax(struct pfp *p)
{
	const char *t = pfp_peek(p);

	if (t == NULL)
		return (pfp_error(p, "syntax error at end of line"));
	return (pfp_error(p, "syntax error near \"%s\"", t));
}

/* An unsigned number (decimal or 0x hex) no larger than max. */
static int
pfp_number(const char *s, u_int64_t max, u_int64_t *v)
{
	char			*end;
	unsigned long long	 n;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
		return (-1);
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end != '\0' || n > max)
		return (-1);
	*v = n;
	return (0);
}

static int
pfp_expect_number(struct pfp *p, const char *what, u_int64_t max,
    u_int64_t *v)
{
	const char *t = pfp_next(p);

	if (t == NULL)
		return (pfp_error(p, "%s: number expected", what));
	if (pfp_number(t, max, v) != 0)
		return (pfp_error(p, "%s: invalid number \"%s\"", what, t));
	return (0);
}

static int
pfp_timeout_index(const char *name)
{
	int i;

	for (i = 0; pfp_timeouts[i].name; i++)
		if (strcmp(pfp_timeouts[i].name, name) == 0)
			return (pfp_timeouts[i].timeout);
	return (-1);
}

/* "TIMEOUT N" into t[] (and set[] when not NULL). */
static int
pfp_timeout(struct pfp *p, u_int32_t *t, u_int8_t *set)
{
	const char	*name = pfp_next(p);
	int		 i;
	u_int64_t	 v;

	if (name == NULL)
		return (pfp_error(p, "timeout name expected"));
	if ((i = pfp_timeout_index(name)) < 0)
		return (pfp_error(p, "unknown timeout %s", name));
	if (pfp_expect_number(p, name, UINT32_MAX, &v) != 0)
		return (-1);
	if (i == PFTM_INTERVAL && v == 0)
		return (pfp_error(p, "interval must be > 0"));
	t[i] = (u_int32_t)v;
	if (set != NULL)
		set[i] = 1;
	return (0);
}

static int
pfp_ifname(struct pfp *p, char *buf)
{
	const char *t = pfp_next(p);

	if (t == NULL || strchr("{},()!<>=", t[0]) != NULL)
		return (pfp_error(p, "interface name expected"));
	if (strlen(t) >= IFNAMSIZ)
		return (pfp_error(p, "interface name too long: %s", t));
	strlcpy(buf, t, IFNAMSIZ);
	return (0);
}

/* set ... */
static int
pfp_set(struct pfp *p)
{
	struct pf_conf_opts	*o = p->opts;
	const char		*t = pfp_next(p);
	u_int64_t		 v;

	if (t == NULL)
		return (pfp_syntax(p));
	if (strcmp(t, "skip") == 0) {
		if (!pfp_accept(p, "on"))
			return (pfp_syntax(p));
		if (pfp_accept(p, "{")) {
			while (!pfp_accept(p, "}")) {
				if (pfp_peek(p) == NULL)
					return (pfp_syntax(p));
				if (pfp_accept(p, ","))
					continue;
				if (o->nskip == (int)nitems(o->skip))
					return (pfp_error(p, "too many skip "
					    "interfaces"));
				if (pfp_ifname(p, o->skip[o->nskip]) != 0)
					return (-1);
				o->nskip++;
			}
		} else {
			if (o->nskip == (int)nitems(o->skip))
				return (pfp_error(p, "too many skip "
				    "interfaces"));
			if (pfp_ifname(p, o->skip[o->nskip]) != 0)
				return (-1);
			o->nskip++;
		}
	} else if (strcmp(t, "timeout") == 0) {
		if (pfp_accept(p, "{")) {
			while (!pfp_accept(p, "}")) {
				if (pfp_peek(p) == NULL)
					return (pfp_syntax(p));
				if (pfp_accept(p, ","))
					continue;
				if (pfp_timeout(p, o->timeout,
				    o->timeout_set) != 0)
					return (-1);
			}
		} else if (pfp_timeout(p, o->timeout, o->timeout_set) != 0)
			return (-1);
	} else if (strcmp(t, "limit") == 0) {
		int list = pfp_accept(p, "{");

		do {
			const char *what;

			if (list && pfp_accept(p, ","))
				continue;
			if (list && pfp_accept(p, "}"))
				break;
			if ((what = pfp_next(p)) == NULL)
				return (pfp_syntax(p));
			if (strcmp(what, "states") == 0) {
				if (pfp_expect_number(p, "states",
				    UINT32_MAX, &v) != 0)
					return (-1);
				o->limit_states = (u_int32_t)v;
				o->limit_states_set = 1;
			} else if (strcmp(what, "frags") == 0 ||
			    strcmp(what, "src-nodes") == 0 ||
			    strcmp(what, "tables") == 0 ||
			    strcmp(what, "table-entries") == 0) {
				/* accepted; pfsim has no such pools */
				if (pfp_expect_number(p, what, UINT32_MAX,
				    &v) != 0)
					return (-1);
			} else
				return (pfp_error(p, "unknown limit %s",
				    what));
		} while (list);
	} else if (strcmp(t, "debug") == 0) {
		static const char *const lv[] = { "none", "urgent", "misc",
		    "loud" };
		const char	*w = pfp_next(p);
		int		 i;

		for (i = 0; w != NULL && i < (int)nitems(lv); i++)
			if (strcmp(w, lv[i]) == 0)
				break;
		if (w == NULL || i == (int)nitems(lv))
			return (pfp_error(p, "set debug: expected none, "
			    "urgent, misc or loud"));
		o->debug = i;
	} else if (strcmp(t, "hostid") == 0) {
		if (pfp_expect_number(p, "hostid", UINT32_MAX, &v) != 0)
			return (-1);
		if (v == 0)
			return (pfp_error(p, "hostid must be non-zero"));
		o->hostid = (u_int32_t)v;
		o->hostid_set = 1;
	} else if (strcmp(t, "state-policy") == 0) {
		if (pfp_accept(p, "if-bound"))
			o->ifbound = 1;
		else if (pfp_accept(p, "floating"))
			o->ifbound = 0;
		else
			return (pfp_error(p, "set state-policy: expected "
			    "if-bound or floating"));
	} else if (strcmp(t, "block-policy") == 0) {
		if (pfp_accept(p, "drop"))
			p->block_return = 0;
		else if (pfp_accept(p, "return"))
			p->block_return = 1;
		else
			return (pfp_error(p, "set block-policy: expected "
			    "drop or return"));
	} else
		return (pfp_error(p, "set %s: not supported", t));
	if (pfp_peek(p) != NULL)
		return (pfp_syntax(p));
	return (0);
}

static int
pfp_proto(struct pfp *p, u_int8_t *proto)
{
	const char	*t = pfp_next(p);
	u_int64_t	 v;

	if (t == NULL)
		return (pfp_error(p, "protocol expected"));
	if (strcmp(t, "tcp") == 0)
		*proto = IPPROTO_TCP;
	else if (strcmp(t, "udp") == 0)
		*proto = IPPROTO_UDP;
	else if (strcmp(t, "icmp") == 0)
		*proto = IPPROTO_ICMP;
	else if (strcmp(t, "pfsync") == 0)
		*proto = IPPROTO_PFSYNC;
	else if (pfp_number(t, 255, &v) == 0 && v != 0)
		*proto = (u_int8_t)v;
	else
		return (pfp_error(p, "unknown protocol %s", t));
	return (0);
}

/* One host: [!]any | [!]A.B.C.D[/N] */
static int
pfp_host1(struct pfp *p, struct pfp_host *h)
{
	const char	*t;
	char		 buf[64], *slash;
	u_int64_t	 bits = 32;
	struct in_addr	 ina;

	memset(h, 0, sizeof(*h));
	if (pfp_accept(p, "!"))
		h->neg = 1;
	if ((t = pfp_next(p)) == NULL)
		return (pfp_error(p, "address expected"));
	if (strcmp(t, "any") == 0)
		return (0);
	if (strlcpy(buf, t, sizeof(buf)) >= sizeof(buf))
		return (pfp_error(p, "invalid address %s", t));
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		if (pfp_number(slash, 32, &bits) != 0)
			return (pfp_error(p, "invalid netmask in %s", t));
	}
	if (strchr(buf, ':') != NULL)
		return (pfp_error(p, "%s: IPv6 is not supported", t));
	if (inet_pton(AF_INET, buf, &ina) != 1)
		return (pfp_error(p, "invalid address %s (host names and "
		    "interface addresses are not supported)", t));
	h->mask.addr32[0] = bits ? htonl(0xffffffffU << (32 - bits)) : 0;
	h->addr.addr32[0] = ina.s_addr & h->mask.addr32[0];
	if (bits == 0 && ina.s_addr != 0)
		return (pfp_error(p, "%s: netmask /0 needs 0.0.0.0", t));
	return (0);
}

/*
 * One element, or a "{ a, b, ... }" list of them (pfctl's list syntax);
 * elements of size sz go to base[0..*n). what names them in errors.
 */
static int
pfp_list(struct pfp *p, void *base, size_t sz, int *n,
    int (*one)(struct pfp *, void *), const char *what)
{
	char *e = base;

	*n = 0;
	if (pfp_accept(p, "{")) {
		while (!pfp_accept(p, "}")) {
			if (pfp_peek(p) == NULL)
				return (pfp_syntax(p));
			if (pfp_accept(p, ","))
				continue;
			if (*n == PFP_MAXLIST)
				return (pfp_error(p, "%s list too long", what));
			if (one(p, e + sz * (size_t)(*n)++) != 0)
				return (-1);
		}
		if (*n == 0)
			return (pfp_error(p, "empty %s list", what));
		return (0);
	}
	*n = 1;
	return (one(p, e));
}

static int
pfp_host1_v(struct pfp *p, void *h)
{
	return (pfp_host1(p, h));
}

static int
pfp_hosts(struct pfp *p, struct pfp_host *hs, int *n)
{
	return (pfp_list(p, hs, sizeof(*hs), n, pfp_host1_v, "address"));
}

static int
pfp_portnum(struct pfp *p, const char *s, u_int16_t *port)
{
	u_int64_t	v;
	int		i;

	if (pfp_number(s, 65535, &v) == 0) {
		*port = (u_int16_t)v;
		return (0);
	}
	for (i = 0; pfp_services[i].name; i++)
		if (strcmp(pfp_services[i].name, s) == 0) {
			*port = pfp_services[i].port;
			return (0);
		}
	return (pfp_error(p, "unknown port %s", s));
}

static int
pfp_port1(struct pfp *p, struct pfp_port *pp)
{
	static const struct {
		const char	*op;
		u_int8_t	 v;
	} unary[] = {
		{ "=", PF_OP_EQ }, { "!=", PF_OP_NE }, { "<", PF_OP_LT },
		{ "<=", PF_OP_LE }, { ">", PF_OP_GT }, { ">=", PF_OP_GE },
	};
	const char	*t;
	char		 buf[64], *colon;
	int		 i;

	memset(pp, 0, sizeof(*pp));
	for (i = 0; i < (int)nitems(unary); i++)
		if (pfp_accept(p, unary[i].op)) {
			if ((t = pfp_next(p)) == NULL)
				return (pfp_error(p, "port expected"));
			pp->op = unary[i].v;
			return (pfp_portnum(p, t, &pp->p1));
		}
	if ((t = pfp_next(p)) == NULL)
		return (pfp_error(p, "port expected"));
	strlcpy(buf, t, sizeof(buf));
	if ((colon = strchr(buf, ':')) != NULL) {
		*colon++ = '\0';
		pp->op = PF_OP_RRG;
		if (pfp_portnum(p, buf, &pp->p1) != 0 ||
		    pfp_portnum(p, colon, &pp->p2) != 0)
			return (-1);
		return (0);
	}
	if (pfp_portnum(p, buf, &pp->p1) != 0)
		return (-1);
	if (pfp_accept(p, "><"))
		pp->op = PF_OP_IRG;
	else if (pfp_accept(p, "<>"))
		pp->op = PF_OP_XRG;
	else {
		pp->op = PF_OP_EQ;
		return (0);
	}
	if ((t = pfp_next(p)) == NULL)
		return (pfp_error(p, "port expected"));
	return (pfp_portnum(p, t, &pp->p2));
}

static int
pfp_port1_v(struct pfp *p, void *pp)
{
	return (pfp_port1(p, pp));
}

static int
pfp_ports(struct pfp *p, struct pfp_port *ps, int *n)
{
	return (pfp_list(p, ps, sizeof(*ps), n, pfp_port1_v, "port"));
}

/* pfctl.c: parse_flags */
static int
pfp_flags(const char *s, u_int8_t *f)
{
	const char	*fl = "FSRPAUEW";
	const char	*q;

	*f = 0;
	for (; *s; s++) {
		if ((q = strchr(fl, *s)) == NULL)
			return (-1);
		*f |= 1 << (q - fl);
	}
	return (0);
}

/* keep state ( ... ) */
static int
pfp_state_opts(struct pfp *p, struct pf_rule *r)
{
	u_int64_t v;

	while (!pfp_accept(p, ")")) {
		const char *t = pfp_peek(p);

		if (t == NULL)
			return (pfp_syntax(p));
		if (pfp_accept(p, ","))
			continue;
		if (pfp_accept(p, "max")) {
			if (pfp_expect_number(p, "max", UINT32_MAX, &v) != 0)
				return (-1);
			r->max_states = (u_int32_t)v;
		} else if (pfp_accept(p, "sloppy"))
			r->rule_flag |= PFRULE_STATESLOPPY;
		else if (pfp_accept(p, "no-sync"))
			r->rule_flag |= PFRULE_NOSYNC;
		else if (pfp_accept(p, "pflow"))
			r->rule_flag |= PFRULE_PFLOW;
		else if (pfp_accept(p, "if-bound"))
			r->rule_flag |= PFRULE_IFBOUND;
		else if (pfp_accept(p, "floating"))
			r->rule_flag &= ~PFRULE_IFBOUND;
		else if (pfp_timeout_index(t) >= 0) {
			if (pfp_timeout(p, r->timeout, NULL) != 0)
				return (-1);
		} else
			return (pfp_error(p, "unknown state option %s", t));
	}
	return (0);
}

static void
pfp_free_list(struct pf_rulequeue *q)
{
	struct pf_rule *r;

	while ((r = TAILQ_FIRST(q)) != NULL) {
		TAILQ_REMOVE(q, r, entries);
		(free)(r);
	}
}

/* A filter rule; expanded rules go to out. */
static int
pfp_rule(struct pfp *p, struct pf_rulequeue *out)
{
	struct pf_rule	 r;
	struct pfp_if	 ifs[PFP_MAXLIST];
	u_int8_t	 protos[PFP_MAXLIST];
	struct pfp_host	 src[PFP_MAXLIST], dst[PFP_MAXLIST];
	struct pfp_port	 sport[PFP_MAXLIST], dport[PFP_MAXLIST];
	int		 nifs = 0, nprotos = 0, nsrc = 0, ndst = 0;
	int		 nsport = 0, ndport = 0;
	int		 explicit_flags = 0, explicit_state = 0;
	int		 i, j, k, l, m, n;
	const char	*t;
	u_int64_t	 v, cnt;

	memset(&r, 0, sizeof(r));
	r.rtableid = -1;
	r.lineno = p->line;

	t = pfp_next(p);
	if (strcmp(t, "pass") == 0)
		r.action = PF_PASS;
	else {
		r.action = PF_DROP;
		if (p->block_return)
			r.rule_flag |= PFRULE_RETURN;
		if (pfp_accept(p, "drop"))
			r.rule_flag &= ~(PFRULE_RETURN | PFRULE_RETURNRST);
		else if (pfp_accept(p, "return"))
			r.rule_flag |= PFRULE_RETURN;
		else if (pfp_accept(p, "return-rst")) {
			r.rule_flag |= PFRULE_RETURNRST;
			if (pfp_accept(p, "(")) {
				if (!pfp_accept(p, "ttl"))
					return (pfp_syntax(p));
				if (pfp_expect_number(p, "ttl", 255, &v) != 0)
					return (-1);
				r.return_ttl = (u_int8_t)v;
				if (!pfp_accept(p, ")"))
					return (pfp_syntax(p));
			}
		}
	}

	if (pfp_accept(p, "in"))
		r.direction = PF_IN;
	else if (pfp_accept(p, "out"))
		r.direction = PF_OUT;

	if (pfp_accept(p, "log")) {
		r.log = PF_LOG;
		if (pfp_accept(p, "(")) {
			while (!pfp_accept(p, ")")) {
				if (pfp_peek(p) == NULL)
					return (pfp_syntax(p));
				if (pfp_accept(p, "all"))
					r.log |= PF_LOG_ALL;
				else
					pfp_next(p);
			}
		}
	}
	if (pfp_accept(p, "quick"))
		r.quick = 1;

	if (pfp_accept(p, "on")) {
		if (pfp_accept(p, "{")) {
			while (!pfp_accept(p, "}")) {
				if (pfp_peek(p) == NULL)
					return (pfp_syntax(p));
				if (pfp_accept(p, ","))
					continue;
				if (nifs == PFP_MAXLIST)
					return (pfp_error(p, "interface list "
					    "too long"));
				ifs[nifs].not = pfp_accept(p, "!");
				if (pfp_ifname(p, ifs[nifs].name) != 0)
					return (-1);
				nifs++;
			}
			if (nifs == 0)
				return (pfp_error(p, "empty interface list"));
		} else {
			ifs[0].not = pfp_accept(p, "!");
			if (pfp_ifname(p, ifs[0].name) != 0)
				return (-1);
			nifs = 1;
		}
	}

	if (pfp_accept(p, "inet"))
		r.af = AF_INET;
	else if (pfp_accept(p, "inet6"))
		return (pfp_error(p, "inet6: IPv6 is not supported"));

	if (pfp_accept(p, "proto")) {
		if (pfp_accept(p, "{")) {
			while (!pfp_accept(p, "}")) {
				if (pfp_peek(p) == NULL)
					return (pfp_syntax(p));
				if (pfp_accept(p, ","))
					continue;
				if (nprotos == PFP_MAXLIST)
					return (pfp_error(p, "protocol list "
					    "too long"));
				if (pfp_proto(p, &protos[nprotos++]) != 0)
					return (-1);
			}
			if (nprotos == 0)
				return (pfp_error(p, "empty protocol list"));
		} else {
			if (pfp_proto(p, &protos[0]) != 0)
				return (-1);
			nprotos = 1;
		}
	}

	if (pfp_accept(p, "all")) {
		/* from any to any */
	} else {
		/* parse.y: ipportspec (the host may be left out) */
		if (pfp_accept(p, "from")) {
			if (strcmp(pfp_peek(p) ? pfp_peek(p) : "", "port") &&
			    pfp_hosts(p, src, &nsrc) != 0)
				return (-1);
			if (pfp_accept(p, "port") &&
			    pfp_ports(p, sport, &nsport) != 0)
				return (-1);
		}
		if (pfp_accept(p, "to")) {
			if (strcmp(pfp_peek(p) ? pfp_peek(p) : "", "port") &&
			    pfp_hosts(p, dst, &ndst) != 0)
				return (-1);
			if (pfp_accept(p, "port") &&
			    pfp_ports(p, dport, &ndport) != 0)
				return (-1);
		}
	}

	/* filter options */
	while ((t = pfp_peek(p)) != NULL) {
		if (pfp_accept(p, "flags")) {
			const char	*fm = pfp_next(p);
			char		 buf[32], *slash;

			if (fm == NULL)
				return (pfp_error(p, "flags expected"));
			explicit_flags = 1;
			if (strcmp(fm, "any") == 0) {
				r.flags = r.flagset = 0;
				continue;
			}
			strlcpy(buf, fm, sizeof(buf));
			if ((slash = strchr(buf, '/')) == NULL) {
				if (pfp_flags(buf, &r.flags) != 0)
					return (pfp_error(p, "invalid flags "
					    "%s", fm));
				r.flagset = 0xff;	/* pfctl: F alone */
			} else {
				*slash++ = '\0';
				if (pfp_flags(buf, &r.flags) != 0 ||
				    pfp_flags(slash, &r.flagset) != 0)
					return (pfp_error(p, "invalid flags "
					    "%s", fm));
				if (r.flagset == 0)
					r.flagset = 0xff;
			}
			if ((r.flags & r.flagset) != r.flags)
				return (pfp_error(p, "flags always false"));
		} else if (pfp_accept(p, "keep")) {
			if (!pfp_accept(p, "state"))
				return (pfp_syntax(p));
			if (explicit_state)
				return (pfp_error(p, "multiple state options"));
			explicit_state = 1;
			r.keep_state = PF_STATE_NORMAL;
			if (pfp_accept(p, "(") && pfp_state_opts(p, &r) != 0)
				return (-1);
		} else if (pfp_accept(p, "no")) {
			if (!pfp_accept(p, "state"))
				return (pfp_syntax(p));
			if (explicit_state)
				return (pfp_error(p, "multiple state options"));
			explicit_state = 1;
			r.keep_state = 0;
		} else if (strcmp(t, "modulate") == 0 ||
		    strcmp(t, "synproxy") == 0) {
			return (pfp_error(p, "%s state is not supported", t));
		} else if (pfp_accept(p, "allow-opts")) {
			r.allow_opts = 1;
		} else if (pfp_accept(p, "label")) {
			if ((t = pfp_next(p)) == NULL)
				return (pfp_error(p, "label expected"));
			strlcpy(r.label, t, sizeof(r.label));
		} else if (pfp_accept(p, "icmp-type")) {
			if (pfp_expect_number(p, "icmp-type", 255, &v) != 0)
				return (-1);
			r.type = (u_int8_t)(v + 1);
			if (pfp_accept(p, "code")) {
				if (pfp_expect_number(p, "code", 255, &v) != 0)
					return (-1);
				r.code = (u_int8_t)(v + 1);
			}
		} else if (pfp_accept(p, "tos")) {
			if (pfp_expect_number(p, "tos", 255, &v) != 0)
				return (-1);
			r.tos = (u_int8_t)v;
		} else
			return (pfp_syntax(p));
	}

	/* parse.y: filter_rule defaults */
	if (r.action == PF_PASS && !explicit_state)
		r.keep_state = PF_STATE_NORMAL;
	if (r.action == PF_PASS && !explicit_flags && r.keep_state) {
		r.flags = TH_SYN;
		r.flagset = TH_SYN | TH_ACK;
	}
	if (p->opts->ifbound)
		r.rule_flag |= PFRULE_IFBOUND;

	/* pfctl.c: rule_consistent / filter_consistent */
	for (i = 0; i < (nprotos ? nprotos : 1); i++) {
		u_int8_t proto = nprotos ? protos[i] : 0;

		if (proto != IPPROTO_TCP && proto != IPPROTO_UDP &&
		    (nsport || ndport))
			return (pfp_error(p, "port only applies to tcp/udp"));
		if (proto != IPPROTO_ICMP && (r.type || r.code))
			return (pfp_error(p, "icmp-type/code only applies to "
			    "icmp"));
		if (explicit_flags && proto && proto != IPPROTO_TCP &&
		    (r.flags || r.flagset))
			return (pfp_error(p, "flags only apply to tcp"));
	}

	/*
	 * pfsim: count the product before expanding it; pfctl would try
	 * and run out of memory. At most 32^6, so no overflow.
	 */
	cnt = (u_int64_t)(nifs ? nifs : 1) * (nprotos ? nprotos : 1) *
	    (nsrc ? nsrc : 1) * (nsport ? nsport : 1) * (ndst ? ndst : 1) *
	    (ndport ? ndport : 1);
	if (p->nrules + cnt > PF_RULES_MAX && cnt == 1)
		return (pfp_error(p, "rule %llu: more than the limit of %d "
		    "rules per firewall", (unsigned long long)p->nrules + 1,
		    PF_RULES_MAX));
	if (p->nrules + cnt > PF_RULES_MAX)
		return (pfp_error(p, "this line expands to %llu rules (the "
		    "product of its lists), %llu in all: more than the limit "
		    "of %d rules per firewall", (unsigned long long)cnt,
		    (unsigned long long)(p->nrules + cnt), PF_RULES_MAX));
	p->nrules += cnt;
	if (p->count_only)
		return (0);

	/* pfctl.c: expand_rule, in its loop order */
	for (i = 0; i < (nifs ? nifs : 1); i++)
	for (j = 0; j < (nprotos ? nprotos : 1); j++)
	for (k = 0; k < (nsrc ? nsrc : 1); k++)
	for (l = 0; l < (nsport ? nsport : 1); l++)
	for (m = 0; m < (ndst ? ndst : 1); m++)
	for (n = 0; n < (ndport ? ndport : 1); n++) {
		struct pf_rule *nr = calloc(1, sizeof(*nr));

		if (nr == NULL)
			return (pfp_error(p, "out of memory"));
		*nr = r;
		if (nifs) {
			strlcpy(nr->ifname, ifs[i].name, sizeof(nr->ifname));
			nr->ifnot = ifs[i].not;
		}
		if (nprotos)
			nr->proto = protos[j];
		if (nsrc) {
			nr->src.addr.v.a.addr = src[k].addr;
			nr->src.addr.v.a.mask = src[k].mask;
			nr->src.neg = src[k].neg;
		}
		if (nsport) {
			nr->src.port_op = sport[l].op;
			nr->src.port[0] = htons(sport[l].p1);
			nr->src.port[1] = htons(sport[l].p2);
		}
		if (ndst) {
			nr->dst.addr.v.a.addr = dst[m].addr;
			nr->dst.addr.v.a.mask = dst[m].mask;
			nr->dst.neg = dst[m].neg;
		}
		if (ndport) {
			nr->dst.port_op = dport[n].op;
			nr->dst.port[0] = htons(dport[n].p1);
			nr->dst.port[1] = htons(dport[n].p2);
		}
		TAILQ_INSERT_TAIL(out, nr, entries);
	}
	return (0);
}

void
pf_conf_opts_init(struct pf_conf_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->debug = -1;
}

/*
 * Parse text line by line into p: rules go to tmp (none when
 * p->count_only), options to p->opts. 0 or -1 with the error set.
 */
static int
pfp_text(struct pfp *p, const char *text, int first_line,
    struct pf_rulequeue *tmp)
{
	const char	*s = text ? text : "";
	char		*lbuf = NULL;
	size_t		 lcap = 0;
	int		 lineno = first_line, rv = 0;

	while (*s) {
		size_t	len = 0;
		int	start = lineno;

		/* one logical line: join "\"-continued physical lines */
		for (;;) {
			size_t	n = strcspn(s, "\r\n");
			int	cont = n > 0 && s[n - 1] == '\\';

			if (len + n + 2 > lcap) {
				char *nb;

				lcap = (len + n + 2) * 2;
				if ((nb = realloc(lbuf, lcap)) == NULL) {
					rv = pfp_error(p, "out of memory");
					goto done;
				}
				lbuf = nb;
			}
			memcpy(lbuf + len, s, cont ? n - 1 : n);
			len += cont ? n - 1 : n;
			lbuf[len++] = ' ';
			lbuf[len] = '\0';
			s += n;
			/* pfsim: "\r\n" and a lone "\r" end a line too */
			if (s[0] == '\r' && s[1] == '\n')
				s += 2;
			else if (*s == '\n' || *s == '\r')
				s++;
			lineno++;
			if (!cont || *s == '\0')
				break;
		}

		p->line = start;
		if (pfp_tokenize(p, lbuf) != 0) {
			rv = -1;
			goto done;
		}
		if (p->ntok == 0)
			continue;
		if (p->tok[0].quoted) {
			rv = pfp_syntax(p);
			goto done;
		}
		if (strcmp(p->tok[0].s, "set") == 0) {
			p->pos = 1;
			if (pfp_set(p) != 0) {
				rv = -1;
				goto done;
			}
		} else if (strcmp(p->tok[0].s, "pass") == 0 ||
		    strcmp(p->tok[0].s, "block") == 0) {
			if (pfp_rule(p, tmp) != 0) {
				rv = -1;
				goto done;
			}
		} else if (strcmp(p->tok[0].s, "match") == 0 ||
		    strcmp(p->tok[0].s, "nat") == 0 ||
		    strcmp(p->tok[0].s, "rdr") == 0 ||
		    strcmp(p->tok[0].s, "binat") == 0 ||
		    strcmp(p->tok[0].s, "scrub") == 0 ||
		    strcmp(p->tok[0].s, "antispoof") == 0 ||
		    strcmp(p->tok[0].s, "anchor") == 0 ||
		    strcmp(p->tok[0].s, "table") == 0 ||
		    strcmp(p->tok[0].s, "altq") == 0 ||
		    strcmp(p->tok[0].s, "queue") == 0) {
			rv = pfp_error(p, "%s: not supported", p->tok[0].s);
			goto done;
		} else {
			rv = pfp_syntax(p);
			goto done;
		}
	}
done:
	(free)(lbuf);
	return (rv);
}

int
pf_parse_rules(const char *text, const char *name, int first_line,
    struct pf_rulequeue *q, struct pf_conf_opts *opts, char *err,
    size_t errlen)
{
	struct pfp		*p;
	struct pf_rulequeue	 tmp;
	struct pf_rule		*r, *last;
	int			 rv;
	u_int32_t		 nr = 0;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		return (conf_error(err, errlen, name, first_line, "rules",
		    "out of memory"));
	}
	p->name = name;
	p->err = err;
	p->errlen = errlen;
	p->opts = opts;
	TAILQ_INIT(&tmp);
	last = TAILQ_LAST(q, pf_rulequeue);
	if (last != NULL)
		nr = last->nr + 1;
	p->nrules = nr;

	rv = pfp_text(p, text, first_line, &tmp);
	if (rv == 0) {
		while ((r = TAILQ_FIRST(&tmp)) != NULL) {
			TAILQ_REMOVE(&tmp, r, entries);
			r->nr = nr++;
			TAILQ_INSERT_TAIL(q, r, entries);
		}
	} else
		pfp_free_list(&tmp);
	(free)(p);
	return (rv);
}

int
pf_count_rules(const char *text, const char *name, int first_line,
    u_int64_t *count, char *err, size_t errlen)
{
	struct pfp		*p;
	struct pf_conf_opts	 o;
	int			 rv;

	*count = 0;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		return (conf_error(err, errlen, name, first_line, "rules",
		    "out of memory"));
	}
	pf_conf_opts_init(&o);
	p->name = name;
	p->err = err;
	p->errlen = errlen;
	p->opts = &o;
	p->count_only = 1;
	rv = pfp_text(p, text, first_line, NULL);
	*count = p->nrules;
	(free)(p);
	return (rv);
}

void
pf_free_rules(struct pf_rulequeue *q)
{
	pfp_free_list(q);
}
