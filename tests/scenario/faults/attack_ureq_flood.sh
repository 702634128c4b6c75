# attack_ureq_flood.conf: 200 forged bulk requests per second make fwA
# walk and send its 20,000 states each time; its CPU saturates and the
# stream it forwards collapses.
. "$(dirname "$0")/../lib.sh"
run base "$S/attack_ureq_flood.conf" --set attacker.eve.at=100s
run flood "$S/attack_ureq_flood.conf"
check "fwA holds the fill's states" "$(fw flood fwA '.pf.states') >= 20000"
check "eve sent 200 per second for 4 s" \
    "$(j flood '.attackers[0].sent_packets') >= 790"
check "fwB took every request" \
    "$(fw flood fwB '.pfsync.bulk.requests_received') >= 790"
check "fwA took what its full ipintrq let in" \
    "$(fw flood fwA '.pfsync.bulk.requests_received') >= 100 &&
     $(fw flood fwA '.drops.ipintrq') > 0"
check "fwA sent states in bulk, fwB none (its states are fwA's)" \
    "$(fw flood fwA '.pfsync.bulk.states_sent') > 1000000 &&
     $(fw flood fwB '.pfsync.bulk.states_sent') == 0"
check "fwA's CPU saturated during the flood" \
    "$(tsum flood fwA_cpu_busy_frac 4.5 8) / 35 > 0.9"
check "fwA's sync queue overflowed" "$(fw flood fwA '.drops.ifq') > 10000"
b=$(tsum base flow_bulk_goodput_bps 5 8)
f=$(tsum flood flow_bulk_goodput_bps 5 8)
check "the stream collapses ($f vs $b bit/s x 0.1 s)" "$f < 0.1 * $b"
check "without the flood it runs at full rate" \
    "$b / 30 >= 0.95 * 5000 * 1460 * 8"
