# Every source of run-to-run variation has a key that switches it off, and
# with all of them off (and the nets and hosts of the old model: 50 us, no
# switch, zero-latency hosts) asym_tcp.conf gives the old deterministic
# figures, those of pfsim 07148f7: 1999.9 pps, 30000 data and 30006 sync
# packets, 7501376 sync bytes. sim.variability = no does the same at once.
# Each source alone changes the frame times.
. "$(dirname "$0")/../lib.sh"
command -v tshark >/dev/null || { echo "SKIP: tshark missing"; exit 77; }
old="--duration 10s --capture merged"
for n in x y sync; do
	old="$old --set net.$n.delay=50us --set net.$n.switch=none"
done
for h in x1 y1; do
	old="$old --set host.$h.nic.int_rate=0 --set host.$h.stack.rx=0"
	old="$old --set host.$h.stack.tx=0"
done
keys="--set flow.bulk.start_jitter=0"
for f in fwA fwB; do
	keys="$keys --set firewall.$f.nic.random_phase=no"
	keys="$keys --set firewall.$f.cost.spread=0"
done
for h in x1 y1; do
	keys="$keys --set host.$h.nic.random_phase=no"
	keys="$keys --set host.$h.stack.spread=0"
done
figures()
{
	check "$1: the old figures" \
	    "$(j $1 '.flows[0].delivered_pps') == 1999.9 && \
	    $(j $1 '.totals.data_packets') == 30000 && \
	    $(j $1 '.totals.sync_packets') == 30006 && \
	    $(j $1 '.totals.sync_bytes') == 7501376"
}
run master "$S/asym_tcp.conf" $old --set sim.variability=no --seed 3
figures master
run keys "$S/asym_tcp.conf" $old $keys --seed 3
figures keys
ts()
{
	tshark -r "$T/$1/pcap/merged.pcapng" -T fields -e frame.time_epoch \
	    2>/dev/null
}
ts keys >"$T/keys.ts"
run keys5 "$S/asym_tcp.conf" $old $keys --seed 5
ts keys5 >"$T/keys5.ts"
cmp -s "$T/keys.ts" "$T/keys5.ts" || fail "all sources off: seed 5 differs"
ok "all sources off: seeds 3 and 5 give the same frame times"
# Each source alone (the hosts' with their interrupt moderation and stack
# latency back on) moves the frame times.
hostlat="--set host.x1.nic.int_rate=20000 --set host.y1.nic.int_rate=20000"
hostlat="$hostlat --set host.x1.stack.rx=10us --set host.y1.stack.rx=10us"
for src in firewall.fwA.nic.random_phase=yes firewall.fwA.cost.spread=0.2 \
    flow.bulk.start_jitter=10ms host.x1.nic.random_phase=yes \
    host.x1.stack.spread=0.5; do
	name=$(echo "$src" | tr '.=' '__')
	extra=
	case $src in host.*) extra=$hostlat ;; esac
	run b$name "$S/asym_tcp.conf" $old $keys $extra --duration 1s --seed 3
	run $name "$S/asym_tcp.conf" $old $keys $extra --duration 1s --seed 3 \
	    --set "$src"
	ts b$name >"$T/b$name.ts"
	ts $name >"$T/$name.ts"
	cmp -s "$T/b$name.ts" "$T/$name.ts" && fail "$src changes nothing"
	ok "$src alone moves the frame times"
done
