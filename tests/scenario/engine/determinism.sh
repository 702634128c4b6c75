#!/bin/sh
# Same scenario and seed: byte-identical results (summary.json without
# wall_seconds and command, which differ by --out; timeseries, params,
# pcaps). With random loss on the net,
# another seed gives other results; --seed N is --set sim.seed=N.
. "$(dirname "$0")/lib.sh"

LOSS="--set net.lan.loss=0.1 --quiet"

# same A B: the results in $T/A and $T/B are identical.
same()
{
	grep -v '"wall_seconds"\|"command"' "$T/$1/summary.json" >"$T/$1.json"
	grep -v '"wall_seconds"\|"command"' "$T/$2/summary.json" >"$T/$2.json"
	cmp -s "$T/$1.json" "$T/$2.json" || fail "summary: $1 != $2"
	for f in params.conf timeseries.csv pcap/udp-a-eth0.pcap \
	    pcap/udp-b-eth0.pcap; do
		cmp -s "$T/$1/$f" "$T/$2/$f" || fail "$f: $1 != $2"
	done
}

expect_rc 0 "$SIM" "$DEMO" --out "$T/a" $LOSS
expect_rc 0 "$SIM" "$DEMO" --out "$T/b" $LOSS
same a b
ok "same seed: identical results"

# About 10% of 1001 frames lost.
lost=$(sed -n 's/^ *"loss": \([0-9]*\),$/\1/p' "$T/a/summary.json")
[ -n "$lost" ] && [ "$lost" -ge 50 ] && [ "$lost" -le 150 ] ||
    fail "loss=0.1 lost '$lost' of 1001"
ok "loss applied: $lost of 1001 lost"

expect_rc 0 "$SIM" "$DEMO" --out "$T/c" $LOSS --seed 2
grep -v '"seed"' "$T/a.json" >"$T/a.noseed"
grep -v '"wall_seconds"\|"command"\|"seed"' "$T/c/summary.json" \
    >"$T/c.noseed"
cmp -s "$T/a.noseed" "$T/c.noseed" && fail "seed 2 gave seed 1's summary"
cmp -s "$T/a/pcap/udp-b-eth0.pcap" "$T/c/pcap/udp-b-eth0.pcap" &&
    fail "seed 2 gave seed 1's capture"
# The sender transmits the same frames whatever is lost on the wire.
cmp -s "$T/a/pcap/udp-a-eth0.pcap" "$T/c/pcap/udp-a-eth0.pcap" ||
    fail "sender capture depends on the seed"
ok "another seed: other losses"

expect_rc 0 "$SIM" "$DEMO" --out "$T/d" $LOSS --set sim.seed=2
same c d
ok "--seed 2 is --set sim.seed=2"
