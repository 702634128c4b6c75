# attack_clr_othernet.conf: a CLR that arrives on another interface is
# dropped by pfsync's interface check (badif), or by pf before it.
. "$(dirname "$0")/../lib.sh"
run on "$S/attack_clr_othernet.conf"
check "eve sent its CLR" "$(j on '.attackers[0].sent_packets') == 1"
check "fwA: pf passed it, pfsync dropped it (badif)" \
    "$(fw on fwA '.pfsync.pfsyncs_badif') == 1"
check "fwB: pf blocked it" "$(fw on fwB '.drops.pf_block') >= 1 &&
    $(fw on fwB '.pfsync.pfsyncs_badif') == 0"
check "no state cleared" "$(j on '[.firewalls[].pf.states] | add') == 4"
check "full rate" "$(j on '.flows[0].delivered_pps') >= 0.99 * 2000"
