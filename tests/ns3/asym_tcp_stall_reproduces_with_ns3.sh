#!/bin/sh
# The asymmetric stall is pf's, not pfsim's TCP's: asym_tcp.conf (v5)
# and asym_tcp_v4.conf (v4) stall on ns-3's TCP as on the builtin one,
# after the same bytes (pf's window check on the state the peer
# firewall learnt by pfsync works in sequence space: both stacks offer a
# 64 KB window, so both stall at the same sequence number), delivering
# under 1 % of what single_fw.conf's flow does.
. "$(dirname "$0")/lib.sh"

for s in asym_tcp asym_tcp_v4; do
	for be in builtin ns3; do
		run "$s-$be" "$S/$s.conf" --backend $be --capture none
	done
	bb=$(j "$s-builtin" '.flows[0].bytes_delivered')
	bn=$(j "$s-ns3" '.flows[0].bytes_delivered')
	gn=$(j "$s-ns3" '.flows[0].goodput_bps')
	[ "$bn" = "$bb" ] ||
	    fail "$s: ns3 delivered $bn bytes, builtin $bb"
	awk -v g="$gn" 'BEGIN { exit !(g < 233600) }' ||
	    fail "$s: ns3 goodput $gn bit/s: no stall"
	ok "$s: both stall after $bn bytes (ns3 goodput $gn bit/s)"
done
