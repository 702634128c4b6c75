#!/bin/sh
# The parser is linear in its input: a scenario of 100k sections and a
# rules value of 100k continuation lines are read to their last line in
# well under a second (were 38 s and ~7 min: every section lookup scanned
# all earlier sections, every continuation line recopied the value). The
# bound is on CPU time, not the wall clock (a busy machine stretches the
# latter): 10 s each, 10x the sanitizer build's time, a quarter of the old
# parser's. Each file ends in an error on its last line, so what is
# measured is the parse, not a run.
. "$(dirname "$0")/lib.sh"

N=100000

awk -v n=$N 'BEGIN {
	for (i = 0; i < n; i++)
		printf "[net n%d]\n", i
	print "[net n0]"
}' >"$T/sections.conf"
refused "$T/sections.conf:$((N + 1)): duplicate section [net n0] (first at line 1)" \
    "$T/sections.conf"
cpu_bound()
{
	awk -v c="$CPU_SECONDS" 'BEGIN { exit !(c < 10) }' ||
	    fail "$1 took $CPU_SECONDS s of CPU (bound 10 s): not linear"
}
cpu_bound "$N sections"
ok "$N sections, each looked up ($CPU_SECONDS s of CPU)"

awk -v n=$N 'BEGIN {
	print "[firewall fw]"
	print "rules = block"
	for (i = 0; i < n; i++)
		printf "    pass in proto tcp to port %d\n", i % 65536
	print "bogus = 1"
}' >"$T/rules.conf"
refused "$T/rules.conf:$((N + 3)): firewall.fw.bogus: unknown key" \
    "$T/rules.conf"
cpu_bound "a rules value of $N lines"
ok "a rules value of $N lines ($CPU_SECONDS s of CPU)"

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
