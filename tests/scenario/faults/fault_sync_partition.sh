# fault_sync_partition.conf: sync down 3-5 s. New split connections
# complete after the heal (SYN retries), the split stream stalls for
# good, and both state tables hold the same states at the end.
. "$(dirname "$0")/../lib.sh"
run p "$S/fault_sync_partition.conf"
check "frames dropped while the sync net was down" \
    "$(j p '.nets[] | select(.name == "sync") | .drops.down') > 0"
check "the stream ran before the partition" \
    "$(tsum p flow_bulk_goodput_bps 0 3) / 30 >= 0.95 * 2000 * 1460 * 8"
check "the stream is stalled after the heal" \
    "$(tsum p flow_bulk_goodput_bps 6 12) == 0"
check "fwA dropped its segments as state mismatches" \
    "$(fw p fwA '.pf.state_mismatch') > 0"
check "split handshakes needed SYN retries" \
    "$(j p '.flows[1].connections.syn_retried') > 0"
check "no connection failed" "$(j p '.flows[1].connections.failed') == 0"
check "connections completed (all but those in flight at the end)" \
    "$(j p '.flows[1].connections.completed') >= 190"
check "fwA's states are all on fwB" "$(missing p fwA fwB) == 0"
check "fwB's states are all on fwA" "$(missing p fwB fwA) == 0"
