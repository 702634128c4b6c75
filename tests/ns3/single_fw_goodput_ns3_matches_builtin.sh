#!/bin/sh
# single_fw.conf's paced flow through one firewall delivers the same
# goodput on ns-3 (point-to-point links for its two-port nets, IPv4 and
# LinuxReno TCP set from the hosts' tcp.* keys) as on the builtin
# backend, within 10 %, at 2k, 20k and 100k pps (1.17 Gbit/s offered on
# 1 Gbit/s nets: both deliver the line rate, full duplex); both record
# their backend, and the firewall's pcaps (pfsim's writer on both) hold
# as many frames within 1 %, and hosts[] as many frames within 1 %.
. "$(dirname "$0")/lib.sh"

# within A B PCT: |A - B| <= PCT % of B
within()
{
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b;
	    if (d < 0) d = -d; exit !(b > 0 && d <= b * p / 100) }'
}

for rate in 2000 20000 100000; do
	cap=none
	[ $rate -eq 2000 ] && cap=all
	for be in builtin ns3; do
		run "$be$rate" "$S/single_fw.conf" --backend $be \
		    --set flow.bulk.rate=${rate}pps --capture $cap
		jq -e --arg b $be '.backend == $b' "$T/$be$rate.json" \
		    >/dev/null || fail "$be$rate: backend not recorded"
	done
	gb=$(jq '.flows[0].goodput_bps' "$T/builtin$rate.json")
	gn=$(jq '.flows[0].goodput_bps' "$T/ns3$rate.json")
	within "$gn" "$gb" 10 ||
	    fail "$rate pps: goodput ns3 $gn, builtin $gb: more than 10 % apart"
	ok "$rate pps: goodput ns3 $gn bit/s, builtin $gb bit/s"
done

# hosts[]: ns-3's hosts count their devices' frames, about the
# builtin's (not the idle engine interfaces' zeros).
for h in 0 1; do
	for k in rx_frames tx_frames; do
		nb=$(jq ".hosts[$h].$k" "$T/builtin2000.json")
		nn=$(jq ".hosts[$h].$k" "$T/ns32000.json")
		within "$nn" "$nb" 1 ||
		    fail "hosts[$h].$k: $nn on ns3, $nb on builtin"
	done
done
ok "hosts[]: ns3 $(jq -c '[.hosts[] | .rx_frames, .tx_frames]' \
    "$T/ns32000.json"), builtin $(jq -c '[.hosts[] | .rx_frames, \
    .tx_frames]' "$T/builtin2000.json")"

# The firewall's captures: same writer, about the same frames.
if command -v capinfos >/dev/null; then
	for f in fwA-em0 fwA-em1; do
		nb=$(capinfos -Mc "$T/builtin2000/pcap/$f.pcap" |
		    awk '/Number of packets/ { print $NF }')
		nn=$(capinfos -Mc "$T/ns32000/pcap/$f.pcap" |
		    awk '/Number of packets/ { print $NF }')
		within "$nn" "$nb" 1 ||
		    fail "$f.pcap: $nn frames on ns3, $nb on builtin"
		ok "$f.pcap: $nn frames on ns3, $nb on builtin"
	done
else
	for f in fwA-em0 fwA-em1; do
		[ -s "$T/ns32000/pcap/$f.pcap" ] || fail "ns3: no $f.pcap"
	done
	ok "ns3: the firewall's pcaps are written (capinfos missing: not read)"
fi
