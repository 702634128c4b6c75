#!/bin/sh
# The dissector against pfsim's own captures: for each standard scenario
# and each firewall, the pfsync messages the dissector counts in the
# packets that firewall sent equal pfsim's tx_messages counters, with no
# Lua error and no malformed packet.
# usage: scenario_counts.sh PFSIM SRCDIR
set -u
SIM=${1:?usage: $0 PFSIM SRCDIR}
SRC=${2:?usage: $0 PFSIM SRCDIR}
command -v tshark >/dev/null || { echo "SKIP: tshark missing"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-ws.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export HOME=$T		# no personal Wireshark plugins or preferences
count=$SRC/tests/wireshark/count_actions.sh
lua=$SRC/tools/wireshark/pfsync.lua
acts="clr ins iack upd upd_c ureq del del_c bus tdb eof"
fails=0
for s in asym_tcp asym_tcp_v4 asym_tcp_v4split active_passive syn_race; do
	out=$T/$s
	"$SIM" "$SRC/scenarios/$s.conf" --duration 2s --capture sync \
	    --out "$out" --quiet >/dev/null 2>"$T/err" ||
	    { cat "$T/err" >&2; echo "FAIL: $s did not run"; exit 1; }
	n=$(jq '.firewalls | length' "$out/summary.json")
	i=0
	while [ "$i" -lt "$n" ]; do
		fw=$(jq -r ".firewalls[$i].name" "$out/summary.json")
		addr=$(jq -r ".firewalls[$i].nics[] | select(.net == \"sync\") | .addr" "$out/summary.json")
		pcap=$(ls "$out/pcap/$fw"-*.pcap | while read -r p; do
		    tshark -r "$p" -c 1 -Y "ip.proto == 240" -T fields \
		    -e frame.number 2>/dev/null | grep -q . && echo "$p"; done | head -1)
		if [ -z "$pcap" ]; then
			echo "FAIL: $s $fw: no capture with pfsync"
			fails=$((fails + 1))
			i=$((i + 1))
			continue
		fi
		PFSYNC_LUA=$lua sh "$count" -Y "ip.src == $addr" "$pcap" \
		    >"$T/counts" 2>"$T/cerr" ||
		    { echo "FAIL: $s $fw: dissector error"; cat "$T/cerr";
		    fails=$((fails + 1)); }
		for a in $acts; do
			want=$(jq ".firewalls[$i].pfsync.tx_messages.$a" "$out/summary.json")
			got=$(awk -v a="$a" '$1 == a { print $2 }' "$T/counts")
			if [ "$want" != "$got" ]; then
				echo "FAIL: $s $fw $a: dissector $got, pfsim $want"
				fails=$((fails + 1))
			fi
		done
		bad=$(tshark -X lua_script:"$lua" -r "$pcap" \
		    -Y '_ws.malformed || _ws.lua.error' 2>/dev/null | wc -l)
		[ "$bad" -eq 0 ] || { echo "FAIL: $s $fw: $bad malformed"; fails=$((fails + 1)); }
		echo "ok: $s $fw: $(tr '\n' ' ' <"$T/counts")"
		i=$((i + 1))
	done
done
[ "$fails" -eq 0 ] || { echo "$fails failures"; exit 1; }
