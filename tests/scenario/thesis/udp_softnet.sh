# Kernel model: packets per softnet pass ~1 at 1k pps and ~rate x 125 us
# at 100k pps (em(4) interrupt throttling, within 20%); above the CPU's
# capacity the drops are counted: offered = delivered + every drop.
. "$(dirname "$0")/../lib.sh"
drops='([.firewalls[].drops[]] | add) + ([.nets[].drops[]] | add)'
for r in 1000 10000 100000 400000; do
	run u$r "$S/udp_fw.conf" --set flow.udp.rate=${r}pps
	o=$(j u$r '.flows[0].offered_packets')
	d=$(j u$r '.flows[0].packets_delivered')
	x=$(j u$r "$drops")
	check "$r pps: offered = delivered + counted drops" "$o == $d + $x"
done
check "1k pps: one packet per pass" "$(j u1000 '.firewalls[0].softnet.pkts_per_pass.mean') < 1.05"
check "100k pps: 12.5 packets per pass (+-20%)" \
    "$(j u100000 '.firewalls[0].softnet.pkts_per_pass.mean') > 10 && $(j u100000 '.firewalls[0].softnet.pkts_per_pass.mean') < 15"
check "400k pps overloads the CPU: drops at the queues" "$(j u400000 '.firewalls[0].drops.ipintrq + .firewalls[0].drops.rx_ring') > 0"
