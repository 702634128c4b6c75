#!/bin/sh
# host tcp.cc on the builtin backend: pfsim's TCP is Reno with SACK
# recovery (NewReno without SACK), so linuxreno and newreno name what it
# is and change nothing (the same summary as the default); cubic is
# refused with exit 2 and FILE:LINE, as is a value not in the table.
# (On ns-3 the key picks ns-3's TcpLinuxReno, TcpNewReno or TcpCubic:
# tests/ns3/tcp_cc_cubic_runs_on_ns3_unlike_linuxreno.sh.)
. "$(dirname "$0")/lib.sh"

# single_fw.conf, with tcp.cc = cubic on x1 (its line for the message).
sed '/^\[host x1\]/a tcp.cc = cubic' "$SRC/scenarios/single_fw.conf" \
    >"$T/c.conf"
line=$(grep -n '^tcp.cc' "$T/c.conf" | cut -d: -f1)
[ -n "$line" ] || fail "no tcp.cc line in the test scenario"
refused "$T/c.conf:$line: host.x1.tcp.cc: cubic runs on ns-3's TCP only" \
    "$T/c.conf"
refused "--set: host.y1.tcp.cc: 'vegas': expected one of" \
    "$T/c.conf" --set host.x1.tcp.cc=linuxreno --set host.y1.tcp.cc=vegas
ok "cubic and unknown values refused on the builtin"

sed '/^tcp.cc/d' "$T/c.conf" >"$T/d.conf"
"$SIM" "$T/d.conf" --duration 200ms --out "$T/default" --quiet ||
    fail "default: exit $?"
for cc in linuxreno newreno; do
	"$SIM" "$T/d.conf" --duration 200ms --set host.x1.tcp.cc=$cc \
	    --set host.y1.tcp.cc=$cc --out "$T/$cc" --quiet ||
	    fail "$cc: exit $?"
	summary_core "$T/default" >"$T/a"
	summary_core "$T/$cc" | grep -v '"tcp.cc"' >"$T/b"
	grep -v '"tcp.cc"' "$T/a" | cmp -s - "$T/b" ||
	    fail "tcp.cc = $cc changes the builtin's run"
done
ok "linuxreno and newreno: the builtin's TCP as it is"
