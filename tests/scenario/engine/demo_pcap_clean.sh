#!/bin/sh
# The demo's captures read cleanly in tshark with IP and UDP checksum
# validation on: every frame present, none malformed, every checksum
# verified good, nanosecond timestamps where the link timing puts them.
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null 2>&1 || { echo "tshark missing: skipped"; exit 77; }

CK="-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
BAD='_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == 0 || udp.checksum.status == 0'
GOOD='ip.checksum.status == 1 && udp.checksum.status == 1'

# count FILE [FILTER]: frames (matching FILTER).
count()
{
	if [ $# -gt 1 ]; then
		tshark -r "$1" $CK -Y "$2" -T fields -e frame.number 2>"$T/tserr"
	else
		tshark -r "$1" $CK -T fields -e frame.number 2>"$T/tserr"
	fi | wc -l
}

# clean FILE N: N frames, all good, none bad.
clean()
{
	[ "$(count "$1")" -eq "$2" ] ||
	    fail "$1: $(count "$1") frames, expected $2"
	[ "$(count "$1" "$BAD")" -eq 0 ] || fail "$1: malformed or bad checksum"
	[ "$(count "$1" "$GOOD")" -eq "$2" ] ||
	    fail "$1: not every checksum verified good"
}

expect_rc 0 "$SIM" "$DEMO" --out "$T/r" --quiet
clean "$T/r/pcap/udp-a-eth0.pcap" 1001
clean "$T/r/pcap/udp-b-eth0.pcap" 1000
ok "per-interface captures are clean"

# Sender side: at transmit, every 1 ms from 2009-02-04T00:00:00Z.
# Receiver side: + (142 + 24) * 8 ns serialisation + 50 us propagation.
tshark -r "$T/r/pcap/udp-a-eth0.pcap" -T fields -e frame.time_epoch \
    2>/dev/null | head -2 >"$T/ts"
has "$T/ts" "1233705600.000000000"
has "$T/ts" "1233705600.001000000"
tshark -r "$T/r/pcap/udp-b-eth0.pcap" -T fields -e frame.time_epoch \
    -e ip.src -e ip.dst -e udp.length 2>/dev/null | head -1 >"$T/ts"
has "$T/ts" "$(printf '1233705600.000051328\t10.99.0.1\t10.99.0.2\t108')"
ok "nanosecond timestamps and addresses"

# The merged capture: one pcapng, each frame once (by its sender), in
# time order, with interface names.
expect_rc 0 "$SIM" "$DEMO" --out "$T/m" --quiet --capture merged
clean "$T/m/pcap/merged.pcapng" 1001
tshark -r "$T/m/pcap/merged.pcapng" -T fields -e frame.time_epoch \
    2>/dev/null >"$T/ts"
sort -c -n "$T/ts" || fail "merged capture out of time order"
n=$(tshark -r "$T/m/pcap/merged.pcapng" -Y 'frame.interface_name == "udp-a-eth0"' \
    2>/dev/null | wc -l)
[ "$n" -eq 1001 ] || fail "merged capture: $n frames named udp-a-eth0, expected 1001"
ok "merged capture is clean, ordered, with interface names"

# The check itself can fail: one changed TTL byte (pcap header 24, record
# header 16, Ethernet 14, TTL at 8) must show as a bad IP checksum.
cp "$T/r/pcap/udp-a-eth0.pcap" "$T/bad.pcap"
printf '\001' | dd of="$T/bad.pcap" bs=1 seek=62 conv=notrunc 2>/dev/null
[ "$(count "$T/bad.pcap" "$BAD")" -eq 1 ] ||
    fail "a corrupted frame went unnoticed"
ok "a corrupted capture is caught"
