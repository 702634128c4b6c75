#!/bin/sh
#
# count_actions.sh: pfsync messages per action in captures, as decoded by
# tools/wireshark/pfsync.lua, summed over all packets of all files.
#
# usage: count_actions.sh [-p] [-Y FILTER] PCAP...
#
#	-p		also print "packets N" (number of pfsync packets)
#	-Y FILTER	count only packets matching this display filter,
#			e.g. -Y 'ip.src == 10.0.3.1' for one sender
#
# Prints one "action count" line per action, in the order and with the
# names of pfsim's tx_messages counters (clr ins iack upd upd_c ureq del
# del_c bus tdb eof), zeros included. Counts are the ones each section
# declares. Reads Ethernet/IP captures and link-type-246 (pfsync0) ones.
#
# Environment: TSHARK (default tshark), PFSYNC_LUA (default the dissector
# next to this script in the source tree).
#
# Exit status: 0; 1 if tshark fails or a packet could not be dissected
# (Lua error or malformed-packet exception), 2 for a usage error. pfsync
# expert warnings (pfsync.warnings) are reported on stderr only.

set -u

usage() {
	echo "usage: count_actions.sh [-p] [-Y FILTER] PCAP..." >&2
	exit 2
}

case $0 in
*/*)	here=${0%/*} ;;
*)	here=. ;;
esac
tshark=${TSHARK:-tshark}
lua=${PFSYNC_LUA:-$here/../../tools/wireshark/pfsync.lua}
filter=pfsync
packets=0

while getopts pY: opt; do
	case $opt in
	p)	packets=1 ;;
	Y)	filter="pfsync && ($OPTARG)" ;;
	*)	usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage

if ! command -v "$tshark" >/dev/null 2>&1; then
	echo "count_actions.sh: $tshark not found" >&2
	exit 1
fi
if [ ! -r "$lua" ]; then
	echo "count_actions.sh: $lua: not readable" >&2
	exit 1
fi

# An empty home: no personal plugins or preferences get in the way.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
: >"$tmp/fields"

actions="clr ins iack upd upd_c ureq del del_c bus tdb eof"
fields=""
for a in $actions; do
	fields="$fields -e pfsync.msgs.$a"
done

for f in "$@"; do
	# shellcheck disable=SC2086
	if ! HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
	    "$tshark" -n -X lua_script:"$lua" -r "$f" -Y "$filter" \
	    -T fields -E separator=/t $fields -e pfsync.warnings \
	    -e _ws.lua.error -e _ws.malformed.expert \
	    >>"$tmp/fields" 2>"$tmp/err"; then
		grep -v '^Running as user' "$tmp/err" >&2
		echo "count_actions.sh: tshark failed on $f" >&2
		exit 1
	fi
done

awk -F '\t' -v actions="$actions" -v packets="$packets" '
function add(i, s,    n, k, v) {
	n = split(s, v, ",")
	for (k = 1; k <= n; k++)
		sum[i] += v[k]
}
{
	npkt++
	for (i = 1; i <= na; i++)
		add(i, $i)
	if ($(na + 1) != "")
		warned++
	if ($(na + 2) != "" || $(na + 3) != "")
		broken++
}
BEGIN {
	na = split(actions, name, " ")
}
END {
	for (i = 1; i <= na; i++)
		printf "%s %d\n", name[i], sum[i]
	if (packets)
		printf "packets %d\n", npkt
	if (warned)
		printf "count_actions.sh: %d packets with pfsync warnings\n",
		    warned > "/dev/stderr"
	if (broken) {
		printf "count_actions.sh: %d packets not dissected cleanly\n",
		    broken > "/dev/stderr"
		exit 1
	}
}' "$tmp/fields"
