# A split flow that starts after the firewalls are up (1 s), under the
# seed's settings: the SYN is held (defer) and its INS waits for the 1 s
# timer, the SYN/ACK beats the insert to fwB (the seed's R5 in
# docs/ref/pfsync-v5-engine.md §7), the handshake completes out of step,
# and the seed's merge deadlocks: each firewall rejects the other's
# updates and echoes its own, forever. Ways out, each tested over 3
# seeds: pfsync.defer_kick with merge=field (full rate), and merge=field
# alone (recovers after the 3 s SYN retry).
. "$(dirname "$0")/../lib.sh"
N=3
late="--capture none --set flow.bulk.start=1s --set flow.bulk.start_jitter=0"
field="--set firewall.fwA.pfsync.merge=field --set firewall.fwB.pfsync.merge=field"
seeds $N seed "$S/asym_tcp.conf" $late --duration 6s
seeds $N kick "$S/asym_tcp.conf" $late --duration 6s $field \
    --set firewall.fwA.pfsync.defer_kick=yes \
    --set firewall.fwB.pfsync.defer_kick=yes
seeds $N field "$S/asym_tcp.conf" $late --duration 10s $field
P='.flows[0].delivered_pps'
check "seed: the late split flow stalls in every seed" "$(nof $N seed "$P" 'v < 100') == $N"
check "seed: stale ping-pong on both firewalls" \
    "$(nof $N seed '[.firewalls[].pfsync.stale.total] | min' 'v > 10000') == $N"
check "seed: the SYN/ACK was blocked at fwB (the insert came late)" \
    "$(nof $N seed '.firewalls[1].drops.pf_block' 'v >= 1') == $N"
check "defer_kick + merge=field: full rate, no SYN retry" \
    "$(nof $N kick "$P" 'v > 1900') == $N && $(nof $N kick '.flows[0].syn_retransmits' 'v == 0') == $N"
check "merge=field: recovers after the SYN retry and backoff" \
    "$(nof $N field "$P" 'v > 1000') == $N"
