# A split flow that starts after the firewalls are up (1 s): the SYN/ACK
# beats the insert to fwB (seed R5), the handshake completes out of step,
# and the seed's merge deadlocks: each firewall rejects the other's
# updates (codes 1 and 3) and echoes its own, forever. Two ways out, each
# tested: pfsync.defer_kick (the INS leaves at once, the IACK releases the
# SYN in time) and pfsync.merge = field (recovers after the SYN retry).
. "$(dirname "$0")/../lib.sh"
late="--duration 6s --capture none --set flow.bulk.start=1s"
run seed "$S/asym_tcp.conf" $late
run kick "$S/asym_tcp.conf" $late --set firewall.fwA.pfsync.defer_kick=yes \
    --set firewall.fwB.pfsync.defer_kick=yes
run field "$S/asym_tcp.conf" $late --duration 10s \
    --set firewall.fwA.pfsync.merge=field --set firewall.fwB.pfsync.merge=field
check "seed: the late split flow stalls" "$(j seed '.flows[0].delivered_pps') < 100"
check "seed: stale ping-pong on both firewalls" \
    "$(j seed '.firewalls[0].pfsync.stale.total') > 10000 && $(j seed '.firewalls[1].pfsync.stale.total') > 10000"
check "defer_kick: full rate, no SYN retry" \
    "$(j kick '.flows[0].delivered_pps') > 1900 && $(j kick '.flows[0].syn_retransmits') == 0"
check "merge=field: recovers after the SYN retry and backoff" "$(j field '.flows[0].delivered_pps') > 1000"
