# failover.conf: fwA dies at 3 s, traffic moves to fwB at 3.5 s. With
# pfsync (maxupdates 32) the transfer goes on through fwB; without it the
# connection dies; with the default maxupdates 128 it depends on the
# crash instant.
. "$(dirname "$0")/../lib.sh"
full=$((2000 * 1460 * 8))
run v5 "$S/failover.conf"
check "fwA crashed and stayed off" \
    "$(fw v5 fwA '(.power.on == false and .power.crashes == 1) | if . then 1 else 0 end')"
check "fwA lost the connection's states" \
    "$(fw v5 fwA '.power.events[0].states_lost') >= 2"
a=$(tsum v5 flow_bulk_goodput_bps 5 10)
check "pfsync: the flow delivers at full rate after the switch" \
    "$a / 50 >= 0.95 * $full"
check "pfsync: fwB forwards it" "$(fw v5 fwB '.forwarded') > 10000"

run off "$S/failover.conf" --set firewall.fwA.pfsync=off \
    --set firewall.fwB.pfsync=off
check "no pfsync: nothing delivered after the switch" \
    "$(tsum off flow_bulk_goodput_bps 3.5 10) == 0"
check "no pfsync: fwB blocks the connection" \
    "$(fw off fwB '.drops.pf_block') > 0 && $(fw off fwB '.forwarded') == 0"

n=0
alive=0
for ms in 000 013 029 042 055 071 086 099 113 127; do
	run c$ms "$S/failover.conf" --set firewall.fwA.crash=3.${ms}s \
	    --set firewall.fwA.pfsync.maxupdates=128
	[ "$(tsum c$ms flow_bulk_goodput_bps 9 10)" -gt 0 ] && alive=$((alive + 1))
	n=$((n + 1))
done
echo "info: maxupdates 128: the flow survived $alive of $n crash instants"
check "maxupdates 128: survival depends on the crash instant" \
    "$alive > 0 && $alive < $n"
