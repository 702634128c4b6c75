# fault_sync_reorder.conf: reordered and duplicated pfsync frames break
# nothing: older updates are refused as stale, duplicates are harmless.
. "$(dirname "$0")/../lib.sh"
run r "$S/fault_sync_reorder.conf"
check "frames were reordered" \
    "$(j r '.nets[] | select(.name == "sync") | .faults.reorder') > 1000"
check "frames were duplicated" \
    "$(j r '.nets[] | select(.name == "sync") | .faults.dup') > 1000"
check "full rate" "$(j r '.flows[0].delivered_pps') >= 0.99 * 2000"
check "no state mismatch" "$(j r '[.firewalls[].pf.state_mismatch] | add') == 0"
check "overtaken updates counted stale" \
    "$(j r '[.firewalls[].pfsync.pfsyncs_stale] | add') > 100"
run d "$S/fault_sync_reorder.conf" --set net.sync.reorder=0
# A duplicate that lands after a newer local change is stale (the
# handshake's first updates, with random interrupt phases): a handful.
check "duplicates alone: next to nothing stale" \
    "$(j d '[.firewalls[].pfsync.pfsyncs_stale] | add') <= 10"
check "duplicates alone: full rate" \
    "$(j d '.flows[0].delivered_pps') >= 0.99 * 2000"
