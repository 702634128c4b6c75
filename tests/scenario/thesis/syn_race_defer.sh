# Thesis: without deferral the SYN/ACK of a new split connection can beat
# the state insert to the other firewall and be dropped there; v5 holds
# the SYN until an insert ack. The seed's pfsync_defer does not schedule
# the netisr (docs/ref/pfsync-v5-engine.md §7, R5), so the insert may
# wait past the 10-tick defer timeout: deferral reduces the race, it does
# not end it.
. "$(dirname "$0")/../lib.sh"
run defer "$S/syn_race.conf" --duration 5s --capture none
run nodefer "$S/syn_race.conf" --duration 5s --capture none \
    --set firewall.fwA.pfsync.defer=no --set firewall.fwB.pfsync.defer=no
d=$(j defer '.firewalls[1].drops.pf_block')
n=$(j nodefer '.firewalls[1].drops.pf_block')
check "without defer, fwB drops first replies" "$n > 10"
check "defer halves the lost first replies at least" "$d * 2 <= $n"
check "every held SYN is released by an ack or the timeout" \
    "$(j defer '.firewalls[0].pfsync.deferred.held') == $(j defer '.firewalls[0].pfsync.deferred.acked + .firewalls[0].pfsync.deferred.timeout + .firewalls[0].pfsync.deferred.pending')"
check "some held SYNs were released by an insert ack" "$(j defer '.firewalls[0].pfsync.deferred.acked') > 0"
# With the netisr scheduled by pfsync_defer (pfsync.defer_kick, later
# OpenBSD) every insert is acked in time: no first reply is lost.
run kick "$S/syn_race.conf" --duration 5s --capture none \
    --set firewall.fwA.pfsync.defer_kick=yes --set firewall.fwB.pfsync.defer_kick=yes
check "defer_kick: fwB drops no first reply" "$(j kick '.firewalls[1].drops.pf_block') == 0"
check "defer_kick: every held SYN released by an insert ack" \
    "$(j kick '.firewalls[0].pfsync.deferred.acked') == $(j kick '.firewalls[0].pfsync.deferred.held')"
