# fault_crash_reboot.conf: fwA down 3-5 s. After the reboot it has a new
# hostid, bulk-syncs from fwB (its own states only) and forwards again;
# the split stream it carried is lost.
. "$(dirname "$0")/../lib.sh"
run cr "$S/fault_crash_reboot.conf"
check "crash then reboot" \
    "$(fw cr fwA '([.power.events[].what] == ["crash", "reboot"] and .power.on) | if . then 1 else 0 end')"
old=$(fw cr fwA '.power.events[0].hostid')
new=$(fw cr fwA '.power.events[1].hostid')
check "a new hostid after the reboot ($old -> $new)" \
    "\"$old\" != \"$new\" && \"$new\" == \"$(fw cr fwA '.pf.hostid')\""
check "fwA lost its states" "$(fw cr fwA '.power.events[0].states_lost') > 0"
check "fwA asked for a bulk update" \
    "$(fw cr fwA '.pfsync.bulk.requests_sent') >= 1"
check "fwA's bulk completed" "$(fw cr fwA '.pfsync.bulk.completed') >= 1"
check "fwA forwards again" "$(tsum cr fwA_forwarded_per_interval 5.5 10) > 100"
check "nothing forwarded while off" "$(tsum cr fwA_forwarded_per_interval 3.1 5) == 0"
check "frames to fwA counted while off" "$(fw cr fwA '.drops.power_off') > 0"
check "split connections complete, none fail" \
    "$(j cr '.flows[1].connections.failed') == 0 &&
     $(j cr '.flows[1].connections.completed') >= 170"
check "the stream through fwB never noticed" \
    "$(j cr '.flows[2].delivered_pps') >= 0.99 * 200"
bid=$(fw cr fwB '.pf.hostid')
check "fwB's own states came back to fwA in the bulk" \
    "$(ids cr fwA | grep -c " $bid\$") >= 2"
check "the split stream is lost" "$(tsum cr flow_split_goodput_bps 3.5 10) == 0"
check "fwB keeps fwA's old states (dead hostid)" \
    "$(ids cr fwB | grep -c " $old\$") > 0"
