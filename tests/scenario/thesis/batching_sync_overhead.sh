# The thesis' open question, answered by the model: NIC interrupt
# mitigation sets the softnet batch size, and v5 sends one pfsync packet
# per batch, so fewer interrupts mean fewer pfsync packets per forwarded
# packet. With merge=field and defer_kick (no merge stall, no late
# insert) at 20k pps: larger batches
# and fewer pfsync packets at 1000 interrupts/s than at 8000/s than
# unthrottled, with the flow at full rate in every case.
. "$(dirname "$0")/../lib.sh"
for ir in 1000 8000 0; do
	run i$ir "$S/asym_tcp.conf" --duration 3s --capture none \
	    --set flow.bulk.rate=20000pps \
	    --set firewall.fwA.pfsync.merge=field \
	    --set firewall.fwB.pfsync.merge=field \
	    --set firewall.fwA.pfsync.defer_kick=yes \
	    --set firewall.fwB.pfsync.defer_kick=yes \
	    --set firewall.fwA.nic.int_rate=$ir --set firewall.fwB.nic.int_rate=$ir
	check "int_rate $ir: full rate" "$(j i$ir '.flows[0].delivered_pps') > 19000"
done
r1=$(j i1000 '.totals.sync_packet_ratio')
r8=$(j i8000 '.totals.sync_packet_ratio')
r0=$(j i0 '.totals.sync_packet_ratio')
b1=$(j i1000 '.firewalls[0].softnet.pkts_per_pass.mean')
b8=$(j i8000 '.firewalls[0].softnet.pkts_per_pass.mean')
check "batches grow as interrupts get rarer" "$b1 > 2 * $b8"
check "sync overhead falls with the interrupt rate" "$r1 < $r8 && $r8 < $r0"
