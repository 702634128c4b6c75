# fault_sync_corrupt.conf: 10% of sync frames with a flipped bit. No
# crash; the damage pfsync can see is counted by its netstat counters;
# what it cannot see (a flipped sequence number) stalls the split stream.
. "$(dirname "$0")/../lib.sh"
run c "$S/fault_sync_corrupt.conf"
check "frames were corrupted" \
    "$(j c '.nets[] | select(.name == "sync") | .faults.corrupt') > 500"
for k in badver badact badlen badval; do
	check "pfsyncs_$k counted" \
	    "$(j c "[.firewalls[].pfsync.pfsyncs_$k] | add") > 0"
done
check "short connections complete" \
    "$(j c '.flows[1].connections.completed') >= 0.95 * $(j c '.flows[1].connections.opened')"
check "the split stream stalls (accepted bad sequence numbers)" \
    "$(j c '.flows[0].delivered_pps') < 0.5 * 2000"
# The stall is the corruption's: without it the same split stream runs at
# full rate (defer_kick and merge = field win the handshake race).
run clean "$S/fault_sync_corrupt.conf" --capture none --set net.sync.corrupt=0
check "without corruption the split stream runs at full rate" \
    "$(j clean '.flows[0].delivered_pps') >= 0.95 * 2000"
