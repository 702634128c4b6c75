# attack_ins.conf: a forged INS from the sync net opens the ruleset to a
# UDP flow it blocks; with TTL 254 it is counted badttl and the flow
# stays blocked.
. "$(dirname "$0")/../lib.sh"
run ins "$S/attack_ins.conf"
check "mallory's datagrams blocked before the INS" \
    "$(fw ins fwA '.drops.pf_block') >= 190"
check "both firewalls imported the two forged states" \
    "$(j ins '[.firewalls[].pf.states] | add') == 8"
x1=$(j ins '.hosts[] | select(.name == "x1") | .drops.rx_noport')
check "after the INS fwA forwards them to x1" "$x1 >= 290"
check "the split flow is unaffected" \
    "$(j ins '.flows[0].delivered_pps') >= 0.99 * 2000"

run ttl "$S/attack_ins.conf" --set attacker.eve.ttl=254
check "TTL 254: counted badttl" \
    "$(j ttl '[.firewalls[].pfsync.pfsyncs_badttl] | add') == 2"
check "TTL 254: nothing reaches x1" \
    "$(j ttl '.hosts[] | select(.name == "x1") | .drops.rx_noport') == 0"
check "TTL 254: all blocked" "$(fw ttl fwA '.drops.pf_block') >= 490"
