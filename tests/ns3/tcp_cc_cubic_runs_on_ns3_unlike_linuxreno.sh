#!/bin/sh
# host tcp.cc picks ns-3's congestion control: a bulk flow through one
# firewall (single_fw.conf, receive window 4 MB, so that cwnd rather
# than the window limits it and the sender overruns a queue) runs to
# the end with cubic as with linuxreno, both above half the line rate
# (where the losses fall moves a 1 s run between 685 and 948 Mbit/s over
# seeds 1-3, on either), and cubic's run is another one: it retransmits
# a different number of segments. The same seed gives the same summary
# twice.
. "$(dirname "$0")/lib.sh"

for cc in linuxreno cubic cubic2; do
	run "$cc" "$S/single_fw.conf" --backend ns3 --duration 1s \
	    --set flow.bulk.rate=0 --set host.y1.tcp.rcvbuf=4MB \
	    --set host.x1.tcp.sndbuf=4MB --set host.x1.tcp.cc=${cc%2}
	g=$(j "$cc" '.flows[0].goodput_bps')
	awk -v g="$g" 'BEGIN { exit !(g > 500e6) }' ||
	    fail "$cc: goodput $g bit/s"
done
rl=$(j linuxreno '.flows[0].retransmits')
rc=$(j cubic '.flows[0].retransmits')
[ "$rl" != "$rc" ] ||
    fail "cubic and linuxreno both retransmit $rl: the key did nothing"
ok "linuxreno: $(j linuxreno '.flows[0].goodput_bps') bit/s, $rl" \
    "retransmits; cubic: $(j cubic '.flows[0].goodput_bps') bit/s, $rc"
grep -v '"wall_seconds"\|"command"' "$T/cubic.json" >"$T/a"
grep -v '"wall_seconds"\|"command"' "$T/cubic2.json" >"$T/b"
cmp -s "$T/a" "$T/b" || fail "cubic: the same seed, another summary"
ok "cubic: the same seed, the same summary"
