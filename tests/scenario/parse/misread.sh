#!/bin/sh
# Input that used to be misread without a word (exit 0, a default or
# empty world) is refused with exit 2 and FILE:LINE, or read right:
# empty and comments-only scenarios, devices, FIFOs (which must not
# block), /proc files as a rules_file, a rules_file with no rules, a host
# in a route; and CR-only or CRLF line endings, which read as LF does.
. "$(dirname "$0")/lib.sh"

# One TCP flow through one firewall; the rules span lines 10-12 and the
# route is line 21.
cat >"$T/base.conf" <<'CONF'
[sim]
duration = 200ms
capture  = none
[net x]
[net y]
[firewall fw]
nets   = x y
hw     = 2009
pfsync = off
rules  = block
         pass proto tcp from any to any flags S/SA keep state
         pass out proto udp    # a comment
[host x1]
net = x
[host y1]
net = y
[flow bulk]
proto = tcp
from  = x1
to    = y1
route = fw fw
CONF

# --- the scenario file ---

: >"$T/empty.conf"
refused "$T/empty.conf:0: no sections" "$T/empty.conf"
ok "an empty scenario"

printf '# nothing\n\n   # but comments\n' >"$T/comments.conf"
refused "$T/comments.conf:0: no sections" "$T/comments.conf"
ok "a scenario of comments"

refused "/dev/zero:0: cannot read: not a regular file" /dev/zero
refused "/dev/null:0: cannot read: not a regular file" /dev/null
ok "devices as the scenario"

mkfifo "$T/fifo.conf" || fail "mkfifo"
refused "$T/fifo.conf:0: cannot read: not a regular file" timeout 120 \
    "$T/fifo.conf"
ok "a FIFO as the scenario, without blocking"

# Line endings: LF, CRLF and CR alone give the same run. Same base name
# in three directories, so that the scenario's name is the same too.
mkdir "$T/lf" "$T/crlf" "$T/cr"
cp "$T/base.conf" "$T/lf/s.conf"
sed 's/$/\r/' "$T/base.conf" >"$T/crlf/s.conf"
tr '\n' '\r' <"$T/base.conf" >"$T/cr/s.conf"
for d in lf crlf cr; do
	expect_rc 0 "$SIM" "$T/$d/s.conf" --out "$T/$d/r" --quiet
	summary_core "$T/$d/r" >"$T/$d/summary"
	grep -v '^#' "$T/$d/r/params.conf" >"$T/$d/params"
done
grep -q '"delivered_pps": [1-9]' "$T/lf/summary" ||
    fail "the LF scenario delivers nothing"
for d in crlf cr; do
	cmp -s "$T/lf/summary" "$T/$d/summary" ||
	    fail "$d line endings: another summary than LF"
	cmp -s "$T/lf/params" "$T/$d/params" ||
	    fail "$d line endings: other parameters than LF"
done
ok "CRLF and CR line endings read as LF"

# --- rules_file ---

# with_rules_file NAME FILE: the base scenario with rules_file = FILE
# (on line 10) instead of its rules.
with_rules_file()
{
	awk -v f="$2" 'NR == 10 { print "rules_file = " f; next }
	    NR == 11 || NR == 12 { next } { print }' "$T/base.conf" >"$T/$1"
}

with_rules_file rf_zero.conf /dev/zero
refused "$T/rf_zero.conf:10: firewall.fw.rules_file: cannot read /dev/zero: not a regular file" \
    "$T/rf_zero.conf"
ok "a device as rules_file"

if [ -r /proc/self/status ]; then
	with_rules_file rf_proc.conf /proc/self/status
	refused "$T/rf_proc.conf:10: firewall.fw.rules_file: cannot read /proc/self/status: not a regular file" \
	    "$T/rf_proc.conf"
	ok "a /proc file as rules_file"
fi

mkfifo "$T/rules.fifo" || fail "mkfifo"
with_rules_file rf_fifo.conf "$T/rules.fifo"
refused "$T/rf_fifo.conf:10: firewall.fw.rules_file: cannot read $T/rules.fifo: not a regular file" \
    timeout 120 "$T/rf_fifo.conf"
ok "a FIFO as rules_file, without blocking"

: >"$T/empty.pf"
with_rules_file rf_empty.conf "$T/empty.pf"
refused "$T/rf_empty.conf:10: firewall.fw.rules_file: $T/empty.pf holds no rules" \
    "$T/rf_empty.conf"
printf '# block all\n\n  # pass in\n' >"$T/comments.pf"
with_rules_file rf_comments.conf "$T/comments.pf"
refused "$T/rf_comments.conf:10: firewall.fw.rules_file: $T/comments.pf holds no rules" \
    "$T/rf_comments.conf"
ok "a rules_file without rules"

# The same rules from a file with CR line endings (and a "\" continued
# line): the same run as the inline rules.
printf 'block\rpass proto tcp from any to any \\\rflags S/SA keep state\rpass out proto udp\r' \
    >"$T/cr.pf"
mkdir "$T/rf"
with_rules_file rf/s.conf "$T/cr.pf"
expect_rc 0 "$SIM" "$T/rf/s.conf" --out "$T/rf/r" --quiet
mkdir "$T/inline"
cp "$T/base.conf" "$T/inline/s.conf"
expect_rc 0 "$SIM" "$T/inline/s.conf" --out "$T/inline/r" --quiet
summary_core "$T/rf/r" | grep -v '"rules_file"' >"$T/rf/summary"
summary_core "$T/inline/r" | grep -v '"rules_file"' >"$T/inline/summary"
cmp -s "$T/rf/summary" "$T/inline/summary" ||
    fail "rules from a CR-only rules_file: another run than inline"
ok "a rules_file with CR line endings"

# --- a host in a route ---

awk 'NR == 21 { print "route = x1 fw"; next } { print }' "$T/base.conf" \
    >"$T/route.conf"
refused "$T/route.conf:21: flow.bulk.route: x1 is a host, not a firewall" \
    "$T/route.conf"
awk 'NR == 21 { print "route = fw y1"; next } { print }' "$T/base.conf" \
    >"$T/route2.conf"
refused "$T/route2.conf:21: flow.bulk.route: y1 is a host, not a firewall" \
    "$T/route2.conf"
ok "a host in a route"
