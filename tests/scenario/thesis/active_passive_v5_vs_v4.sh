# Thesis: v5 sends fewer pfsync packets than v4 for the same traffic in
# an active-passive pair.
. "$(dirname "$0")/../lib.sh"
run v5 "$S/active_passive.conf" --duration 4s --capture none
run v4 "$S/active_passive.conf" --duration 4s --capture none \
    --set firewall.fwA.pfsync=v4 --set firewall.fwB.pfsync=v4
a=$(j v5 '.totals.sync_packets')
b=$(j v4 '.totals.sync_packets')
check "same traffic forwarded" "$(j v5 '.totals.data_packets') > 0.98 * $(j v4 '.totals.data_packets')"
check "v5 sends fewer pfsync packets than v4" "$a < $b"
