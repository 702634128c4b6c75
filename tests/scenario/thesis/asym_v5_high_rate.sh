# Thesis: above ~10k pps the split flow degrades: pf drops packets beyond
# the window it knows (state mismatches) and TCP retransmits.
. "$(dirname "$0")/../lib.sh"
run single "$S/single_fw.conf" --duration 4s --set flow.bulk.rate=50000pps
run asym "$S/asym_tcp.conf" --duration 4s --capture none --set flow.bulk.rate=50000pps
b=$(j single '.flows[0].delivered_pps')
a=$(j asym '.flows[0].delivered_pps')
check "one firewall carries 50k pps" "$b > 45000"
check "v5 split degrades at 50k pps" "$a < 0.9 * $b"
check "state mismatches appear" "$(j asym '[.firewalls[].pf.state_mismatch] | add') > 0"
check "retransmits appear" "$(j asym '.flows[0].retransmits') > 0"
