#!/bin/sh
# The parser is linear in its input: a scenario of 100k sections and a
# rules value of 100k continuation lines are read to their last line in
# well under a second (were 38 s and ~7 min: every section lookup scanned
# all earlier sections, every continuation line recopied the value). The
# bound here is 30 s each, for a loaded machine; each file ends in an
# error on its last line, so what is timed is the parse, not a run.
. "$(dirname "$0")/lib.sh"

N=100000

awk -v n=$N 'BEGIN {
	for (i = 0; i < n; i++)
		printf "[net n%d]\n", i
	print "[net n0]"
}' >"$T/sections.conf"
refused "$T/sections.conf:$((N + 1)): duplicate section [net n0] (first at line 1)" \
    "$T/sections.conf"
ok "$N sections, each looked up"

awk -v n=$N 'BEGIN {
	print "[firewall fw]"
	print "rules = block"
	for (i = 0; i < n; i++)
		printf "    pass in proto tcp to port %d\n", i % 65536
	print "bogus = 1"
}' >"$T/rules.conf"
refused "$T/rules.conf:$((N + 3)): firewall.fw.bogus: unknown key" \
    "$T/rules.conf"
ok "a rules value of $N lines"

# The same value taken by pf: each line a rule, up to the rule limit
# (65536 per firewall), refused at the line of the one beyond it.
awk -v n=$N 'BEGIN {
	print "[sim]"
	print "duration = 1ms"
	print "[net x]"
	print "[net y]"
	print "[firewall fw]"
	print "nets = x y"
	print "rules = block"
	for (i = 0; i < n; i++)
		printf "    pass in proto tcp to port %d\n", i % 65536
}' >"$T/pf.conf"
refused "$T/pf.conf:65543: rules: rule 65537: more than the limit of 65536 rules per firewall" \
    "$T/pf.conf"
ok "pf reads a long ruleset up to its limit"
