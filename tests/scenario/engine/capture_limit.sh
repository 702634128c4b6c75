#!/bin/sh
# sim.capture_limit: once the pcaps of a run would pass it in total,
# capturing stops (every file, at the same frame), with a warning in
# summary.json (engine.capture_truncated, the limit) and in the text
# summary; each pcap stays valid and whole up to its last frame; the run
# and its other results are unchanged; the same seed gives the same
# bytes.
. "$(dirname "$0")/lib.sh"

LIM=65536

# pcap_ok FILE: a nanosecond pcap whose records add up to its size (and,
# with tshark, one it reads without complaint).
pcap_ok()
{
	magic=$(od -An -tx4 -N4 "$1" | tr -d ' ')
	[ "$magic" = a1b23c4d ] || fail "$1: magic $magic"
	# Walk the records: a 16-byte header each, caplen at offset 8, in
	# the writer's byte order (this host's, as the magic read shows).
	n=$(od -An -v -tu1 "$1" | awk '
	    { for (i = 1; i <= NF; i++) b[len++] = $i }
	    END {
		off = 24
		while (off + 16 <= len) {
			c = b[off + 8] + 256 * b[off + 9] + \
			    65536 * b[off + 10] + 16777216 * b[off + 11]
			off += 16 + c
			n++
		}
		print off == len ? n : -1
	    }')
	[ "$n" -gt 0 ] || fail "$1: records do not add up to the file ($n)"
	if command -v tshark >/dev/null; then
		got=$(tshark -r "$1" 2>"$T/tshark.err" | wc -l)
		grep -v 'Running as user' "$T/tshark.err" >"$T/tshark.err2"
		[ ! -s "$T/tshark.err2" ] || fail "$1: $(cat "$T/tshark.err2")"
		[ "$got" -eq "$n" ] || fail "$1: tshark read $got of $n frames"
	fi
}

# summary DIR: summary.json without what differs between runs.
summary()
{
	grep -v '"wall_seconds"\|"command"' "$T/$1/summary.json"
}

expect_rc 0 "$SIM" "$DEMO" --out "$T/a" --set sim.capture_limit=64KB
grep -q "^warning: sim.capture_limit reached ($LIM bytes of pcaps): capturing stopped at" \
    "$T/out" || fail "no warning in the text summary: $(cat "$T/out")"
S=$T/a/summary.json
has "$S" "    \"capture_limit\": $LIM,"
has "$S" '    "capture_truncated": true,'
total=0
for p in "$T"/a/pcap/*.pcap; do
	pcap_ok "$p"
	total=$((total + $(wc -c <"$p")))
done
[ $total -le $LIM ] || fail "pcaps take $total bytes, over $LIM"
has "$S" "    \"capture_bytes\": $total,"
ok "captures stop within the limit ($total of $LIM bytes), valid, and say so"

# The same run again: the same bytes. Without the limit: the same results
# but for the capture fields.
expect_rc 0 "$SIM" "$DEMO" --out "$T/b" --set sim.capture_limit=64KB --quiet
summary a >"$T/a.json"
summary b >"$T/b.json"
cmp -s "$T/a.json" "$T/b.json" || fail "summaries differ"
for f in params.conf timeseries.csv flows.csv pcap/udp-a-eth0.pcap \
    pcap/udp-b-eth0.pcap; do
	cmp -s "$T/a/$f" "$T/b/$f" || fail "$f differs"
done
expect_rc 0 "$SIM" "$DEMO" --out "$T/c" --quiet
has "$T/c/summary.json" '    "capture_truncated": false,'
grep -q 'warning' "$T/out" && fail "a warning without a limit reached"
summary c | grep -v '"capture_' >"$T/c.json"
grep -v '"capture_' "$T/a.json" >"$T/a2.json"
cmp -s "$T/a2.json" "$T/c.json" || fail "the limit changed the results"
cmp -s "$T/a/timeseries.csv" "$T/c/timeseries.csv" ||
    fail "the limit changed timeseries.csv"
cmp "$T/a/pcap/udp-a-eth0.pcap" "$T/c/pcap/udp-a-eth0.pcap" 2>&1 |
    grep -q EOF || fail "the truncated pcap is not a prefix of the whole one"
ok "the same seed gives the same bytes; the rest of the results unchanged"

# The merged pcapng obeys the same budget.
expect_rc 0 "$SIM" "$DEMO" --out "$T/m" --set sim.capture_limit=64KB \
    --capture merged --quiet
m=$(wc -c <"$T/m/pcap/merged.pcapng")
[ "$m" -le $LIM ] || fail "merged.pcapng: $m bytes, over $LIM"
has "$T/m/summary.json" '    "capture_truncated": true,'
if command -v tshark >/dev/null; then
	tshark -r "$T/m/pcap/merged.pcapng" >/dev/null 2>"$T/tshark.err" ||
	    fail "merged: $(cat "$T/tshark.err")"
	grep -v 'Running as user' "$T/tshark.err" >"$T/tshark.err2"
	[ ! -s "$T/tshark.err2" ] || fail "merged: $(cat "$T/tshark.err2")"
fi
ok "merged.pcapng: $m of $LIM bytes"

# The default is recorded; a limit below 64KB is refused.
grep -qx '# capture_limit = 512MB (default)' "$T/c/params.conf" ||
    fail "params.conf: no capture_limit default"
expect_rc 2 "$SIM" "$DEMO" --out "$T/d" --set sim.capture_limit=1KB --quiet
grep -q capture_limit "$T/err" || fail "1KB: $(cat "$T/err")"
ok "the default (512MB) recorded, a limit under 64KB refused"
