# pfsync.mtu and the paced bulk (issue 15 item 7): below 308 bytes no
# state fits a packet (IP 20 + pfsync header 20 + subheader 4 + state
# 240 + EOF 20) and pfsync_in_bus divided by zero states per packet
# (SIGFPE). The seed's SIOCSIFMTU takes any MTU over PFSYNC_MINPKT, but
# its pfsync_q_ins then sends each state alone over the MTU and its bulk
# wait (under #if XXX) divides by states per packet: an MTU that holds
# no state is one the seed never meant, so the table refuses it (exit 2,
# FILE:LINE and the key; the guard in pfsync_in_bus is tested at 200 by
# tests/unit/pfsync/test_pfsync_mtu.c). At 308, one state a packet, a
# bulk of 2,000 states runs to BUS END, one packet per tick.
. "$(dirname "$0")/../lib.sh"

# 200: refused where it is written, nothing run, no results
awk '{ print } /^pfsync\.bulk_pace = tick$/ { print "pfsync.mtu = 200" }' \
    "$S/bulk_join.conf" >"$T/mtu200.conf"
line=$(grep -n '^pfsync\.mtu = 200$' "$T/mtu200.conf" | cut -d: -f1)
check "the test scenario sets pfsync.mtu = 200" "${line:-0} > 0"
$TO "$SIM" "$T/mtu200.conf" --out "$T/mtu200" --quiet 2>"$T/mtu200.err"
rc=$?
check "mtu 200: exit 2 (was SIGFPE, 136)" "$rc == 2"
grep -q "mtu200.conf:$line: firewall.fwA.pfsync.mtu: '200': out of range 308" \
    "$T/mtu200.err" || fail "mtu 200: message: $(cat "$T/mtu200.err")"
ok "mtu 200: the message names FILE:LINE and the key"
check "mtu 200: no results" "$([ -e "$T/mtu200" ] && echo 1 || echo 0) == 0"
$TO "$SIM" "$S/bulk_join.conf" --set firewall.fwB.pfsync.mtu=307 \
    --out "$T/mtu307" --quiet 2>"$T/mtu307.err"
rc=$?
check "mtu 307 by --set: exit 2" "$rc == 2"
grep -q "firewall.fwB.pfsync.mtu: '307': out of range 308" "$T/mtu307.err" ||
    fail "mtu 307: message: $(cat "$T/mtu307.err")"
ok "mtu 307 by --set: the message names the key"

# 308, the least: 2,000 states (1,000 connections), fwB boots at 8 s
SMALL="--duration 40s --set firewall.fwB.boot=8s
    --set flow.split.start=10s --set flow.split.stop=20s
    --set firewall.fwA.pfsync.mtu=308 --set firewall.fwB.pfsync.mtu=308"
for f in fill1 fill2 fill3 fill4; do
	SMALL="$SMALL --set flow.$f.requests=250 --set flow.$f.rate=100pps"
done
run min "$S/bulk_join.conf" $SMALL
na=$(fw min fwA '.pf.states')
check "fwA holds the fill's states" "$na >= 2000"
check "fwB asked for a bulk update" \
    "$(fw min fwB '.pfsync.bulk.requests_sent') >= 1"
check "fwA sent its table" \
    "$(fw min fwA '.pfsync.bulk.states_sent') >= $na - 2"
check "BUS START reached fwB" \
    "$(fw min fwB '.pfsync.bulk.start_received') >= 1"
check "BUS END reached fwB" "$(fw min fwB '.pfsync.bulk.end_received') >= 1"
check "fwB did not give up" "$(fw min fwB '.pfsync.bulk.gave_up') == 0"
m=$(missing min fwA fwB)
check "every state of fwA is on fwB" "$m == 0"
t=$(tfirst min fwB_states "$na")
check "fwB complete ~states/100 s after boot (one state per tick)" \
    "$t >= 8 + $na / 110 && $t <= 8 + $na / 90 + 2"
