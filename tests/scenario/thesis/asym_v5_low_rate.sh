# Thesis: with v5, a split TCP flow at 2,000 pps is as fast as through one
# firewall. pfsim, over 5 seeds: that holds when interrupt mitigation lets
# fwB's first update reach fwA before the client's first data segment
# (20,000 interrupts/s) or when the merge takes each newer field; under
# em(4)'s 8,000/s the seed's all-or-nothing merge deadlocks the split
# handshake in every seed (results/README.md, "The handshake race").
# With the seed's own defer (no netisr kick) the held SYN's insert leaves
# only with the 1 s timer, so the SYN/ACK is blocked at fwB first.
. "$(dirname "$0")/../lib.sh"
N=5
kick="--set firewall.fwA.pfsync.defer_kick=yes --set firewall.fwB.pfsync.defer_kick=yes"
seeds $N single "$S/single_fw.conf" --duration 3s
seeds $N seed "$S/asym_tcp.conf" --duration 3s --capture none
seeds $N kick "$S/asym_tcp.conf" --duration 3s --capture none $kick
seeds $N fast "$S/asym_tcp.conf" --duration 3s --capture none $kick \
    --set firewall.fwA.nic.int_rate=20000 --set firewall.fwB.nic.int_rate=20000
seeds $N field "$S/asym_tcp.conf" --duration 3s --capture none $kick \
    --set firewall.fwA.pfsync.merge=field --set firewall.fwB.pfsync.merge=field
P='.flows[0].delivered_pps'
check "one firewall: 2000 pps in every seed" "$(nof $N single "$P" 'v > 1900') == $N"
check "seed merge, 8000 interrupts/s: stalled in every seed" \
    "$(nof $N seed "$P" 'v < 200') == $N"
check "... the held SYN's insert left late: fwB blocked the SYN/ACK" \
    "$(nof $N seed '.firewalls[1].drops.pf_block' 'v >= 1') == $N"
check "defer_kick, seed merge, 8000 interrupts/s: stalled in every seed" \
    "$(nof $N kick "$P" 'v < 200') == $N"
check "... by the stale-update ping-pong on both firewalls" \
    "$(nof $N kick '[.firewalls[].pfsync.stale.echoes] | min' 'v > 1000') == $N"
check "seed merge, 20000 interrupts/s: full rate in every seed" \
    "$(nof $N fast "$P" 'v > 1900') == $N"
check "... and no state mismatch" \
    "$(nof $N fast '[.firewalls[].pf.state_mismatch] | add' 'v == 0') == $N"
check "merge=field, 8000 interrupts/s: full rate in every seed" \
    "$(nof $N field "$P" 'v > 1900') == $N"
