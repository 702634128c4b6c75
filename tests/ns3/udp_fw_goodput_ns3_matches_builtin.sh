#!/bin/sh
# udp_fw.conf's paced UDP stream (64-byte datagrams through one
# firewall) runs on ns-3 (an ns-3 UDP socket writing one datagram at
# exactly each 1/rate, a UDP socket reading) and delivers what the
# builtin's does: the same datagrams offered and sent, and delivered
# within 1 %, at 1k and 100k pps (below the firewall's capacity: all of
# them) and 500k pps (past it: ipintrq overflows and about a third get
# through). Both sources are the same clock, so offered counts are
# equal; what differs is the hosts around the firewall (the builtin's
# random stack latencies and interrupt throttling, none on ns-3), which
# moves only where the firewall's softnet batches fall: 0.001 % apart
# when this was written (323122 and 323120 at 500k). Every loss is the
# firewall's counted drop on both: offered = delivered + drops. The same
# seed gives the same summary on ns-3 twice.
. "$(dirname "$0")/lib.sh"

# within A B PCT: |A - B| <= PCT % of B
within()
{
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b;
	    if (d < 0) d = -d; exit !(b > 0 && d <= b * p / 100) }'
}

for rate in 1000 100000 500000; do
	for be in builtin ns3; do
		run "$be$rate" "$S/udp_fw.conf" --backend $be \
		    --set flow.udp.rate=${rate}pps
	done
	for k in offered_packets packets_sent; do
		b=$(j "builtin$rate" ".flows[0].$k")
		n=$(j "ns3$rate" ".flows[0].$k")
		[ "$n" = "$b" ] || fail "$rate pps: $k ns3 $n, builtin $b"
	done
	db=$(j "builtin$rate" '.flows[0].packets_delivered')
	dn=$(j "ns3$rate" '.flows[0].packets_delivered')
	within "$dn" "$db" 1 ||
	    fail "$rate pps: delivered ns3 $dn, builtin $db: over 1 % apart"
	gb=$(j "builtin$rate" '.flows[0].goodput_bps')
	gn=$(j "ns3$rate" '.flows[0].goodput_bps')
	within "$gn" "$gb" 1 ||
	    fail "$rate pps: goodput ns3 $gn, builtin $gb: over 1 % apart"
	off=$(j "ns3$rate" '.flows[0].offered_packets')
	drops=$(fw "ns3$rate" fwA '[.drops[]] | add')
	[ $((dn + drops)) -eq "$off" ] ||
	    fail "$rate pps: ns3 offered $off, delivered $dn + drops $drops"
	ok "$rate pps: delivered ns3 $dn, builtin $db of $off" \
	    "(goodput $gn, $gb bit/s)"
done

run again500000 "$S/udp_fw.conf" --backend ns3 --set flow.udp.rate=500000pps
grep -v '"wall_seconds"\|"command"' "$T/ns3500000.json" >"$T/a"
grep -v '"wall_seconds"\|"command"' "$T/again500000.json" >"$T/b"
cmp -s "$T/a" "$T/b" || fail "ns3: the same seed, another summary"
ok "ns3: the same seed, the same summary"
