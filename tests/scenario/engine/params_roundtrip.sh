#!/bin/sh
# params.conf reproduces its run: `sim results/NAME/params.conf` replaces
# results/NAME by byte-identical results (summary.json but wall_seconds
# and command, every pcap, table and timeseries) and the same params.conf
# (but the scenario path in its header). Each scenario runs shortened,
# with a seed and --set of its own, every interface captured: asym_tcp
# (like, multi-line rules), three_fw (two likes of one firewall),
# attack_ins ([attacker] sections), udp_fw (one firewall, UDP).
. "$(dirname "$0")/lib.sh"

S=$SRC/scenarios
cd "$T" || fail "cd $T"

# same DIR1 DIR2: identical results.
same()
{
	grep -v '"wall_seconds"\|"command"' "$1/summary.json" >"$T/s1"
	grep -v '"wall_seconds"\|"command"' "$2/summary.json" >"$T/s2"
	cmp -s "$T/s1" "$T/s2" || { diff "$T/s1" "$T/s2" | head -20 >&2;
	    fail "$name: summary.json differs"; }
	n=0
	for f in "$1"/pcap/* "$1"/*.csv "$1"/*.txt; do
		[ -e "$f" ] || continue
		g=$2/${f#"$1"/}
		cmp -s "$f" "$g" || fail "$name: ${f#"$1"/} differs"
		case $f in *.pcap*) n=$((n + 1)) ;; esac
	done
	[ "$n" -gt 0 ] || fail "$name: no pcap"
	sed 1d "$1/params.conf" >"$T/p1"
	sed 1d "$2/params.conf" >"$T/p2"
	cmp -s "$T/p1" "$T/p2" || { diff "$T/p1" "$T/p2" | head -20 >&2;
	    fail "$name: params.conf differs"; }
}

# roundtrip SCENARIO ARGS...: run it into results/NAME, keep a copy, run
# results/NAME/params.conf, compare.
roundtrip()
{
	name=$1
	shift
	expect_rc 0 "$SIM" "$S/$name.conf" --duration 1s --seed 3 \
	    --capture all --quiet "$@"
	[ -f "results/$name/params.conf" ] || fail "$name: no params.conf"
	grep -q '^like' "results/$name/params.conf" &&
	    fail "$name: params.conf uses like"
	rm -rf "$T/first"
	cp -R "results/$name" "$T/first"
	expect_rc 0 "$SIM" "results/$name/params.conf" --quiet
	[ "$(ls results)" = "$name" ] ||
	    fail "$name: the replay wrote $(ls results)"
	same "$T/first" "results/$name"
	ok "$name $*: params.conf reproduces the run ($n pcaps)"
	rm -rf results
}

roundtrip asym_tcp --set firewall.fwA.pfsync.defer_kick=yes \
    --set firewall.fwB.pfsync.defer_kick=yes \
    --set firewall.fwB.nic.int_rate=20000
grep -qx 'seed = 3' "$T/first/params.conf" || fail "asym_tcp: seed not kept"
roundtrip three_fw --set firewall.fwC.hw=modern --set net.x.loss=0.01
roundtrip attack_ins --duration 2s --set attacker.eve.at=1.5s \
    --set attacker.mallory.rate=200pps
roundtrip udp_fw --set flow.udp.rate=30000pps --set sim.interval=50ms
