# bulk_join.conf, shortened to 10,000 states (5,000 connections), fwB
# booting at 8 s: the bulk completes (BUS END) and every state of fwA is
# on fwB afterwards; a split stream opened during the bulk runs at full
# rate. With the seed's burst pacing most states, and BUS END in the
# last packet, are lost at fwA's sync interface queue.
. "$(dirname "$0")/../lib.sh"
SMALL="--duration 40s --set firewall.fwB.boot=8s
    --set flow.split.start=10s --set flow.split.stop=20s"
for f in fill1 fill2 fill3 fill4; do
	SMALL="$SMALL --set flow.$f.requests=1250 --set flow.$f.rate=250pps"
done
run join "$S/bulk_join.conf" $SMALL
na=$(fw join fwA '.pf.states')
check "fwA holds the fill's states" "$na >= 10000"
check "fwB booted at 8 s" \
    "$(fw join fwB '(.power.events[0].what == "boot" and .power.events[0].t_s == 8) | if . then 1 else 0 end')"
check "fwB asked for a bulk update" \
    "$(fw join fwB '.pfsync.bulk.requests_sent') >= 1"
check "fwA sent its table" "$(fw join fwA '.pfsync.bulk.states_sent') >= $na - 2"
check "BUS END reached fwB" "$(fw join fwB '.pfsync.bulk.end_received') >= 1"
m=$(missing join fwA fwB)
check "every state of fwA is on fwB" "$m == 0"
t=$(tfirst join fwB_states "$na")
check "fwB complete ~states/500 s after boot (one packet per tick)" \
    "$t >= 8 + $na / 600 && $t <= 8 + $na / 400 + 2"
echo "info: fwB had all $na states at $t s; BUS END accepted (sync_ok):" \
    "$(fw join fwB '.pfsync.bulk.sync_ok'), bad_end $(fw join fwB '.pfsync.bulk.bad_end')"
check "the split stream ran at full rate during the bulk" \
    "$(j join '.flows[] | select(.name == "split") | .delivered_pps') >= 0.95 * 1000"

run burst "$S/bulk_join.conf" $SMALL --set firewall.fwA.pfsync.bulk_pace=burst
check "burst: BUS END lost too" \
    "$(fw burst fwB '.pfsync.bulk.end_received') == 0"
check "burst: fwA's sync queue overflowed" \
    "$(fw burst fwA '.drops.ifq') > 0"
m=$(missing burst fwA fwB)
check "burst: states of fwA missing on fwB" "$m > 1000"
