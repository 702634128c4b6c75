#!/bin/sh
# The engine demo runs end to end: exit 0, every result file, the numbers
# the scenario promises (sent == received + the one still in flight), the
# resolved parameters, what ran it, and a complete replacement of an older
# directory.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$SIM" "$DEMO" --out "$T/r"
for f in summary.json params.conf timeseries.csv pcap/udp-a-eth0.pcap \
    pcap/udp-b-eth0.pcap; do
	[ -s "$T/r/$f" ] || fail "missing or empty: $f"
done
[ "$(tmpdirs "$T" r)" -eq 0 ] || fail "temporary directory left behind"
grep -q "results: $T/r/" "$T/out" || fail "stdout does not name the results"
ok "exit 0 and every result file"

# Provenance: pfsim's version, the backend and the command line, in the
# summary (as typed: the scenario before the options) and on stdout.
V=$("$SIM" --version | sed -n 's/^pfsim //p')
[ -n "$V" ] || fail "--version: no version"
has "$T/r/summary.json" "  \"version\": \"$V\","
has "$T/r/summary.json" '  "backend": "builtin",'
has "$T/r/summary.json" "  \"command\": [\"$SIM\", \"$DEMO\", \"--out\", \"$T/r\"],"
has "$T/out" "pfsim $V, backend builtin: $SIM $DEMO --out $T/r"
ok "version $V, backend and command line recorded"

# 1000 pps for 1 s: packets at 0, 1 ms, ..., 1000 ms; the last one is
# still on the wire at the end.
S=$T/r/summary.json
has "$S" '  "scenario": "demo_udp",'
has "$S" '  "seed": 1,'
has "$S" '  "sim_seconds": 1,'
has "$S" '      "sent": 1001,'
has "$S" '      "received": 1000,'
has "$S" '      "tx_fail": 0'
has "$S" '      "tx_frames": 1001,'
has "$S" '      "rx_frames": 1000,'
for d in queue loss nodest down; do
	has "$S" "        \"$d\": 0,"
done
has "$S" '    "event_limit_drops": 0,'
has "$S" '    "pkt_alloc_failures": 0,'
has "$S" '    "capture_truncated": false,'
[ -f "$T/r/.pfsim-results" ] || fail "no .pfsim-results marker"
grep -q '"wall_seconds": [0-9]' "$S" || fail "no wall_seconds"
ok "summary.json counts"

# params.conf: a scenario file, every key of every section, the ones
# left at their default as comments.
P=$T/r/params.conf
sed -n '/^\[sim\]$/,/^$/p' "$P" >"$T/sim"
has "$T/sim" "duration = 1s"
has "$T/sim" "seed = 1"
has "$T/sim" "name = demo_udp"
has "$T/sim" "# interval = 100ms (default)"
sed -n '/^\[net lan\]$/,/^$/p' "$P" >"$T/lan"
has "$T/lan" "rate = 1Gbit"
has "$T/lan" "delay = 50us"
has "$T/lan" "# loss = 0 (default)"
sed -n '/^\[demo udp\]$/,$p' "$P" >"$T/udp"
has "$T/udp" "rate = 1000pps"
ok "params.conf has every resolved value"

C=$T/r/timeseries.csv
has "$C" "time_s,demo_udp_received_total"
has "$C" "0.1,100"
has "$C" "1,1000"
[ "$(wc -l <"$C")" -eq 11 ] || fail "timeseries.csv: $(wc -l <"$C") lines"
ok "timeseries.csv: one row per 100 ms"

# --json prints the same summary; --set reaches the model; an existing
# directory is replaced as a whole (the old run's pcaps do not survive a
# run without captures).
expect_rc 0 "$SIM" "$DEMO" --out "$T/r" --json --set demo.udp.rate=500pps \
    --capture none
cmp -s "$T/out" "$T/r/summary.json" || fail "--json differs from summary.json"
has "$T/r/summary.json" '      "sent": 501,'
sed -n '/^\[demo udp\]$/,$p' "$T/r/params.conf" >"$T/udp"
has "$T/udp" "rate = 500pps"
[ ! -e "$T/r/pcap/udp-a-eth0.pcap" ] ||
    fail "old results directory merged, not replaced"
[ "$(tmpdirs "$T" r)" -eq 0 ] || fail "temporary directory left behind"
ok "--json, --set and replacement of an old results directory"
