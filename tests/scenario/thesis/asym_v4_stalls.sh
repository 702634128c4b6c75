# Thesis: under pfsync v4 a split TCP flow stalls: below 20% of the
# one-firewall goodput at 1,000 pps and above.
. "$(dirname "$0")/../lib.sh"
for r in 1000 5000; do
	run single$r "$S/single_fw.conf" --duration 4s --set flow.bulk.rate=${r}pps
	run v4_$r "$S/asym_tcp_v4.conf" --duration 4s --capture none --set flow.bulk.rate=${r}pps
	b=$(j single$r '.flows[0].delivered_pps')
	a=$(j v4_$r '.flows[0].delivered_pps')
	check "v4 split stalls at $r pps" "$a < 0.2 * $b"
done
check "pf drops beyond the window it knows" "$(j v4_1000 '[.firewalls[].pf.state_mismatch] | add') > 0"
