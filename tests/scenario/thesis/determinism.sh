# The same scenario and seed give byte-identical summary.json (but
# wall_seconds, and command, which differs by --out) and pcaps, for every
# standard scenario (shortened, past their fault times, every interface
# captured); another seed gives other results.
. "$(dirname "$0")/../lib.sh"
for sd in asym_tcp:1.5s single_fw:1.5s asym_tcp_v4:1.5s \
    asym_tcp_v4split:1.5s active_passive:1.5s syn_race:1.5s \
    many_flows:1.5s three_fw:1s udp_fw:1.5s failover:4s \
    fault_sync_corrupt:2s attack_clr:4s; do
	s=${sd%%:*}
	d=${sd#*:}
	run ${s}1 "$S/$s.conf" --duration "$d" --capture all
	run ${s}2 "$S/$s.conf" --duration "$d" --capture all
	jq 'del(.wall_seconds, .command)' "$T/${s}1.json" >"$T/a"
	jq 'del(.wall_seconds, .command)' "$T/${s}2.json" >"$T/b"
	cmp -s "$T/a" "$T/b" || fail "$s: summaries differ"
	n=0
	for p in "$T/${s}1"/pcap/*.pcap; do
		cmp -s "$p" "$T/${s}2/pcap/$(basename "$p")" ||
		    fail "$s: $(basename "$p") differs"
		n=$((n + 1))
	done
	for f in "$T/${s}1"/*.csv "$T/${s}1"/*.txt "$T/${s}1"/*.conf; do
		cmp -s "$f" "$T/${s}2/$(basename "$f")" ||
		    fail "$s: $(basename "$f") differs"
	done
	check "$s: identical summaries, tables and $n pcaps" "$n > 0"
done
run other "$S/syn_race.conf" --duration 1.5s --capture none --seed 7
jq 'del(.wall_seconds, .command, .seed)' "$T/syn_race1.json" >"$T/a"
jq 'del(.wall_seconds, .command, .seed)' "$T/other.json" >"$T/b"
cmp -s "$T/a" "$T/b" && fail "seed 7 gives the same results as seed 1"
ok "another seed changes the results"
