# attack_clr.conf: one forged CLR from the sync net wipes every state of
# fwA's creatorid on both firewalls and the split flow stalls; with TTL
# 254 it is counted badttl and changes nothing.
. "$(dirname "$0")/../lib.sh"
full=$((2000 * 1460 * 8))
run clr "$S/attack_clr.conf"
hid=$(fw clr fwA '.pf.hostid')
check "eve learnt fwA's creatorid ($hid) from the sync traffic" \
    "\"$(j clr '.attackers[0].learnt_creatorid')\" == \"$hid\""
check "eve sent one packet at 3 s" \
    "$(j clr '.attackers[0].sent_packets') == 1 && $(j clr '.attackers[0].first_sent_s') == 3"
check "both firewalls took the CLR" \
    "$(j clr '[.firewalls[].pfsync.rx_messages.clr] | add') == 2"
check "no state left on fwA" "$(fw clr fwA '.pf.states') == 0"
check "no state left on fwB" "$(fw clr fwB '.pf.states') == 0"
check "the flow ran before" "$(tsum clr flow_bulk_goodput_bps 0 3) / 30 >= 0.95 * $full"
check "the flow stalls after" "$(tsum clr flow_bulk_goodput_bps 3.2 6) == 0"
check "its segments are blocked" "$(j clr '[.firewalls[].drops.pf_block] | add') > 0"

run ttl "$S/attack_clr.conf" --set attacker.eve.ttl=254
check "TTL 254: counted badttl on both" \
    "$(j ttl '[.firewalls[].pfsync.pfsyncs_badttl] | add') == 2"
check "TTL 254: states kept" "$(j ttl '[.firewalls[].pf.states] | add') == 4"
check "TTL 254: full rate" "$(j ttl '.flows[0].delivered_pps') >= 0.99 * 2000"
