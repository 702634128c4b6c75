# Thesis: with v5, a split TCP flow at 2,000 pps is as fast as through one
# firewall (within 5%).
. "$(dirname "$0")/../lib.sh"
run single "$S/single_fw.conf" --duration 4s
run asym "$S/asym_tcp.conf" --duration 4s --capture none
b=$(j single '.flows[0].delivered_pps')
a=$(j asym '.flows[0].delivered_pps')
check "v5 split delivers like one firewall at 2000 pps" "$a >= 0.95 * $b && $b > 1900"
check "v5 split: no state mismatch" "$(j asym '[.firewalls[].pf.state_mismatch] | add') == 0"
