# One run is one sample: in every standard scenario another seed gives
# other packet timings (interrupt phases, CPU cost spread, host stack
# latency, flow starts), read off the pcap timestamps of every frame.
# (demo_udp.conf is the engine alone, with no source of variation; the
# emu_* scenarios run real programs in real time, tests/emulation.)
. "$(dirname "$0")/../lib.sh"
command -v tshark >/dev/null || { echo "SKIP: tshark missing"; exit 77; }
n=0
for c in "$S"/*.conf; do
	s=$(basename "$c" .conf)
	d=400ms
	case $s in
	demo_udp) continue ;;
	emu_*) continue ;;	# real programs on the wall clock: own tests
	asym_tcp_thesis) d=7s ;;	# its flow opens after 5 s
	fault_*_limit) d=20ms ;;	# a flood: 100 MB of capture in 400 ms
	esac
	for sd in 1 2; do
		run $s$sd "$c" --duration $d --capture merged --seed $sd
		tshark -r "$T/$s$sd/pcap/merged.pcapng" -T fields \
		    -e frame.time_epoch >"$T/$s$sd.ts" 2>/dev/null ||
		    fail "$s: tshark cannot read the capture"
	done
	[ -s "$T/${s}1.ts" ] || fail "$s: no frame captured"
	cmp -s "$T/${s}1.ts" "$T/${s}2.ts" &&
	    fail "$s: seeds 1 and 2 give the same frame times"
	n=$((n + 1))
done
check "$n scenarios: seeds 1 and 2 differ in frame times" "$n >= 20"
