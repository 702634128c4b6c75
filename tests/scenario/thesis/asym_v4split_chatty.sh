# Thesis: v4 with split detection ("extremely chatty") sends more pfsync
# packets than the firewalls forward.
. "$(dirname "$0")/../lib.sh"
run v4s "$S/asym_tcp_v4split.conf" --duration 4s --capture none
check "v4-split: sync packets > data packets" "$(j v4s '.totals.sync_packets') > $(j v4s '.totals.data_packets')"
