#!/bin/sh
#
# run_tests.sh: tests of the pfsync Wireshark dissector.
#
# usage: run_tests.sh MKPCAP [PFSYNC_LUA]
#
# Builds sample captures with MKPCAP (byte-exact packets from the wire
# reference), dissects them with tshark and the Lua dissector, and checks
# decoded values, the Info column, per-action message counts (also through
# count_actions.sh), expert warnings on malformed packets, and that no
# packet causes a Lua error or a malformed-packet exception.
#
# Exit status: 0 pass, 1 fail, 77 skipped (tshark not installed).

set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: run_tests.sh MKPCAP [PFSYNC_LUA]" >&2
	exit 2
fi
case $0 in
*/*)	here=${0%/*} ;;
*)	here=. ;;
esac
mkpcap=$1
lua=${2:-$here/../../tools/wireshark/pfsync.lua}
TSHARK=${TSHARK:-tshark}

if ! command -v "$TSHARK" >/dev/null 2>&1; then
	echo "SKIP: tshark is not installed (Debian: apt-get install tshark)"
	exit 77
fi
if ! "$TSHARK" -v 2>/dev/null | grep -q 'with Lua'; then
	echo "FAIL: this tshark is built without Lua"
	exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# An empty home: no personal plugins or preferences get in the way.
HOME=$tmp/home
XDG_CONFIG_HOME=$tmp/home/.config
export HOME XDG_CONFIG_HOME TSHARK
mkdir -p "$HOME"
cap=$tmp/cap
mkdir -p "$cap"

if ! "$mkpcap" "$cap"; then
	echo "FAIL: $mkpcap did not write the captures"
	exit 1
fi

nfail=0
npass=0

pass() {
	npass=$((npass + 1))
}

fail() {
	nfail=$((nfail + 1))
	echo "FAIL: $*"
}

# ts FILE ARGS...: tshark with the dissector; stderr goes to $tmp/stderr.
ts() {
	_f=$1
	shift
	"$TSHARK" -n -X lua_script:"$lua" -r "$cap/$_f" "$@" \
	    2>"$tmp/stderr"
	_rc=$?
	if grep -v '^Running as user' "$tmp/stderr" | grep -q .; then
		fail "$_f: tshark wrote to stderr:"
		sed 's/^/    /' "$tmp/stderr"
	fi
	return $_rc
}

# fields FILE FIELD...: one line per packet, tab-separated values.
fields() {
	_f=$1
	shift
	_a=""
	for _x in "$@"; do
		_a="$_a -e $_x"
	done
	# shellcheck disable=SC2086
	ts "$_f" -T fields -E separator=/t $_a
}

# verbose FILE: the -V output, dissected once per file
verbose() {
	_v=$tmp/V.$1
	[ -f "$_v" ] || ts "$1" -V >"$_v"
	cat "$_v"
}

# expect NAME EXPECTED ACTUAL
expect() {
	if [ "$2" = "$3" ]; then
		pass
	else
		fail "$1: expected '$2', got '$3'"
	fi
}

# check FILE FIELD EXPECTED: the values of FIELD, one per packet joined
# by '|' (several in one packet joined by ','), must equal EXPECTED.
# Checks are queued and run by run_checks, one tshark run per file.
check() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$tmp/checks"
}

run_checks() {
	# shellcheck disable=SC2013
	for _f in $(cut -f 1 "$tmp/checks" | sort -u); do
		awk -F '\t' -v f="$_f" '$1 == f' "$tmp/checks" >"$tmp/c1"
		# shellcheck disable=SC2046
		fields "$_f" $(cut -f 2 "$tmp/c1") >"$tmp/vals"
		_i=0
		while IFS='	' read -r _x _fld _want; do
			_i=$((_i + 1))
			_got=$(awk -F '\t' -v c="$_i" '
			    { s = s (NR > 1 ? "|" : "") $c }
			    END { print s }' "$tmp/vals")
			expect "$_f $_fld" "$_want" "$_got"
		done <"$tmp/c1"
	done
	: >"$tmp/checks"
}

# contains FILE TEXT: the -V output holds TEXT
contains() {
	if verbose "$1" | grep -F -q -- "$2"; then
		pass
	else
		fail "$1: -V output lacks '$2'"
	fi
}

# no_lua_error FILE: no Lua error or dissector bug in the -V output
no_lua_error() {
	if verbose "$1" | grep -E -q 'Lua Error|Dissector bug'; then
		fail "$1: Lua error in -V output:"
		verbose "$1" | grep -E 'Lua Error|Dissector bug' | head -3
	else
		pass
	fi
}

# clean FILE: every packet is pfsync, with no Lua error, no dissector
# exception, no pfsync warning and no expert info of warning level
clean() {
	no_lua_error "$1"
	if verbose "$1" | grep -F -q '[Malformed Packet'; then
		fail "$1: [Malformed Packet] in -V output"
	else
		pass
	fi
	fields "$1" frame.number pfsync.version pfsync.warnings \
	    _ws.lua.error _ws.malformed _ws.expert.severity >"$tmp/cl"
	_n=$(awk -F '\t' '$2 == "" || $3 != "" || $4 != "" || $5 != ""' \
	    "$tmp/cl" | wc -l)
	expect "$1: packets not pfsync, with warnings or errors" 0 "$_n"
	_n=$(cut -f 6 "$tmp/cl" | tr ',' '\n' |
	    awk '$1 >= 6291456' | wc -l)	# PI_WARN 0x600000
	expect "$1: expert infos of warning level or above" 0 "$_n"
}

# bad FILE EXPERT INFO_TAG: the only packet raises pfsync.expert.EXPERT,
# no Lua error or exception; its Info holds [INFO_TAG...]
bad() {
	no_lua_error "$1"
	fields "$1" "pfsync.expert.$2" _ws.lua.error _ws.malformed.expert \
	    _ws.col.Info >"$tmp/bad"
	expect "$1: packets" 1 "$(wc -l <"$tmp/bad")"
	_e=$(cut -f 1 "$tmp/bad")
	_l=$(cut -f 2,3 "$tmp/bad" | tr -d '\t')
	_info=$(cut -f 4 "$tmp/bad")
	case $_e in
	1|1,*)	pass ;;
	*)	fail "$1: no pfsync.expert.$2" ;;
	esac
	expect "$1: Lua errors or exceptions" "" "$_l"
	case $_info in
	*"[$3"*)	pass ;;
	*)		fail "$1: Info '$_info' lacks '[$3'" ;;
	esac
}

# --- the dissector loads, registers its fields, survives a double load
n=$("$TSHARK" -G fields -X lua_script:"$lua" 2>/dev/null |
    grep -c "	pfsync\.")
if [ "$n" -ge 100 ]; then pass; else fail "only $n pfsync fields"; fi
out=$("$TSHARK" -n -X lua_script:"$lua" -X lua_script:"$lua" \
    -r "$cap/v5_clr.pcap" -T fields -e _ws.col.Info 2>&1 |
    grep -v '^Running as user')
expect "loaded twice" "v5 CLR 1 EOF" "$out"

# --- v5: INS 1, UPD_C 2, DEL_C 1, UPD_REQ 1, EOF
f=v5_mixed.pcap
clean $f
check $f _ws.col.Info "v5 INS 1 UPD_C 2 DEL_C 1 UPD_REQ 1 EOF"
check $f pfsync.version 5
check $f pfsync.len 492
check $f ip.len 512
check $f ip.ttl 255
check $f ip.dst 224.0.0.240
check $f pfsync.cksum c0c1c2c3c4c5c6c7c8c9cacbcccdcecf
check $f pfsync.action 1,4,7,5,12
check $f pfsync.count 1,2,1,1,1
check $f pfsync.action.name INS,UPD_C,DEL_C,UPD_REQ,EOF
check $f pfsync.state.id 0x0000000000001001
check $f pfsync.state.creatorid 0x0a0b0c0d
check $f pfsync.state.ifname em0
check $f pfsync.state.proto 6
check $f pfsync.state.af 2
check $f pfsync.state.direction 1
check $f pfsync.state.timeout 1
check $f pfsync.state.state_flags 0x10
check $f pfsync.state.state_flags.ack 1
check $f pfsync.state.key.addr0 10.0.1.10,10.0.1.10
check $f pfsync.state.key.addr1 10.0.2.20,10.0.2.20
check $f pfsync.state.key.port0 40000,40000
check $f pfsync.state.key.port1 80,80
check $f pfsync.state.src.seqlo 1001
check $f pfsync.state.src.seqhi 66536
check $f pfsync.state.src.state 2
check $f pfsync.state.src.wscale.shift 6
check $f pfsync.state.dst.state 0
check $f pfsync.state.anchor 4294967295
check $f pfsync.state.expire 30
check $f pfsync.state.packets0 1
check $f pfsync.state.bytes0 60
check $f pfsync.upd_c.id 0x0000000000001001,0x0000000000001002
check $f pfsync.upd_c.creatorid 0x0a0b0c0d,0x1a1b1c1d
check $f pfsync.upd_c.src.seqlo 1001,5001
check $f pfsync.upd_c.src.seqhi 73241,36201
check $f pfsync.upd_c.dst.seqlo 9001,7001
check $f pfsync.upd_c.dst.max_win 65535,65535
check $f pfsync.upd_c.src.state 4,4
check $f pfsync.upd_c.expire 86400,86399
check $f pfsync.upd_c.timeout 2,2
check $f pfsync.del_c.id 0x0000000000000fff
check $f pfsync.del_c.creatorid 0x0a0b0c0d
check $f pfsync.upd_req.id 0x0000000000002001
check $f pfsync.upd_req.creatorid 0x1a1b1c1d
check $f pfsync.eof.body 0000000000000000000000000000000000000000
check $f pfsync.id 0x0000000000001001,0x0000000000001001,0x0000000000001002,0x0000000000000fff,0x0000000000002001
check $f pfsync.msgs.ins 1
check $f pfsync.msgs.upd_c 2
check $f pfsync.msgs.del_c 1
check $f pfsync.msgs.ureq 1
check $f pfsync.msgs.eof 1
check $f pfsync.msgs.upd ""
contains $f "Key[0] (wire): 10.0.1.10:40000 - 10.0.2.20:80"
contains $f "Timeout: TCP_OPENING (1)"
contains $f "ACK (ask for an INS_ACK): True"
contains $f "Source peer: seqlo 1001, seqhi 73241, state ESTABLISHED"
contains $f "Anchor rule: 4294967295 (none)"
n=$(ts $f -Y 'pfsync.upd_c.src.seqlo == 5001 && pfsync.id == 0x2001 &&
    pfsync.msgs.upd_c == 2 && pfsync.action == 7 && !pfsync.warnings' \
    -T fields -e frame.number)
expect "display filter on pfsync fields" 1 "$n"

# --- v5: CLR
f=v5_clr.pcap
clean $f
check $f _ws.col.Info "v5 CLR 1 EOF"
check $f pfsync.len 68
check $f pfsync.clr.creatorid 0x0a0b0c0d
check $f pfsync.clr.ifname ""
check $f pfsync.msgs.clr 1
contains $f "CLR [0]: creator 0x0a0b0c0d, interface (all)"

# --- v5: bulk update (UPD_REQ 0/0, BUS start, UPD 2 + BUS end)
f=v5_bulk.pcap
clean $f
check $f _ws.col.Info "v5 UPD_REQ 1 EOF|v5 BUS 1 EOF|v5 UPD 2 BUS 1 EOF"
check $f pfsync.upd_req.id "0x0000000000000000||"
check $f pfsync.bus.status "|1|2"
check $f pfsync.bus.creatorid "|0x0a0b0c0d|0x0a0b0c0d"
check $f pfsync.bus.endtime "|0|1"
check $f pfsync.state.id \
    "||0x0000000000001001,0x0000000000001002"
check $f pfsync.state.direction "||1,2"
check $f pfsync.state.packets1 "||7,0"
check $f pfsync.state.bytes1 "||4096,0"
check $f pfsync.msgs.upd "||2"
check $f pfsync.msgs.bus "|1|1"
contains $f "id 0 creator 0: bulk update request"
contains $f "BUS [0]: creator 0x0a0b0c0d END"

# --- v5: INS_ACK 2, DEL 1, TDB 1
f=v5_misc.pcap
clean $f
check $f _ws.col.Info "v5 INS_ACK 2 DEL 1 TDB 1 EOF"
check $f pfsync.ins_ack.id 0x0000000000001001,0x0000000000001002
check $f pfsync.ins_ack.creatorid 0x0a0b0c0d,0x1a1b1c1d
check $f pfsync.state.id 0x0000000000000ffe
check $f pfsync.tdb.spi 0x12345678
check $f pfsync.tdb.dst.addr 192.0.2.1
check $f pfsync.tdb.dst.family 2
check $f pfsync.tdb.rpl 16426
check $f pfsync.tdb.cur_bytes 123456789
check $f pfsync.tdb.sproto 50
check $f pfsync.tdb.updates 3
check $f pfsync.msgs.iack 2
check $f pfsync.msgs.del 1
check $f pfsync.msgs.tdb 1

# --- v4: one packet per action; last, the IACK of pfsim's v4-split
f=v4.pcap
clean $f
check $f _ws.col.Info "v4 UPD_C 2|v4 INS 1|v4 DEL_C 3|v4 UREQ 1|v4 BUS 1|v4 CLR 1|v4 TDB_UPD 1|v4 DEL 1|v4 UPD 1|v4 IACK 1"
check $f pfsync.version "4|4|4|4|4|4|4|4|4|4"
check $f pfsync.action "4|1|5|8|9|0|10|3|2|11"
check $f pfsync.count "2|1|3|1|1|1|1|1|1|1"
check $f pfsync.af "0|0|0|0|0|0|0|0|0|0"
check $f pfsync.upd_c.id "0x0000000000003001,0x0000000000003002|||||||||"
check $f pfsync.upd_c.src.seqlo "1001,5001|||||||||"
check $f pfsync.upd_c.updates "1,5|||||||||"
check $f pfsync.state.id \
    "|0x0000000000003001||||||0x0000000000003007|0x0000000000003008|"
check $f pfsync.state.sync_flags "|0x00||||||0x00|0x04|"
check $f pfsync.del_c.src.state "||10,10,4|||||||"
check $f pfsync.upd_req.id "|||0x0000000000003006||||||"
check $f pfsync.bus.status "||||2|||||"
check $f pfsync.clr.ifname "|||||em1||||"
check $f pfsync.clr.creatorid "|||||0x1a1b1c1d||||"
check $f pfsync.tdb.spi "||||||0x9abcdef0|||"
check $f pfsync.msgs.del_c "||3|||||||"
check $f pfsync.msgs.ureq "|||1||||||"
check $f pfsync.ins_ack.id "|||||||||0x0000000000003009"
check $f pfsync.msgs.iack "|||||||||1"

# --- link type 246 (pfsync0), little- and big-endian files
f=pfsync0.pcap
clean $f
check $f _ws.col.Info \
    "v5 INS 1 UPD_C 2 DEL_C 1 UPD_REQ 1 EOF|v5 CLR 1 EOF|v4 UPD_C 2"
check $f pfsync.len "492|68|"
check $f pfsync.upd_c.src.seqlo "1001,5001||1001,5001"
check $f frame.time_delta "0.000000000|0.001000123|0.001000123"
f=pfsync0_be.pcap
clean $f
check $f _ws.col.Info "v5 CLR 1 EOF|v4 UPD_C 2"
check $f frame.time_epoch "1234567890.250000000|1234567891.250000000"

# --- snap length: decodes what was captured, a note, no warning
f=snapped.pcap
clean $f
check $f _ws.col.Info "v5 INS 1 [snapped]"
check $f pfsync.expert.snapped 1

# --- malformed packets: expert warnings, not Lua errors
bad bad_truncated.pcap short "short"
bad bad_overrun.pcap count_overrun "count overrun"
bad bad_action.pcap bad_action "bad action 20"
bad bad_noeof.pcap no_eof "no EOF"
bad bad_version.pcap bad_version "unsupported version"
bad bad_len.pcap len_mismatch "len mismatch"
bad bad_eof.pcap eof_len "EOF body 8"
bad bad_ttl.pcap ttl "TTL 64"
bad bad_value.pcap bad_value "bad value"
bad bad_v4overrun.pcap count_overrun "count overrun"
bad bad_v4action.pcap bad_action "bad action 6"
check bad_version.pcap _ws.col.Info "v7 [unsupported version]"
check bad_action.pcap _ws.col.Info "v5 DEL_C 1 ACT20 1 [bad action 20]"
check bad_overrun.pcap pfsync.msgs.upd_c 5
check bad_len.pcap pfsync.len 68
ts bad_overrun.pcap -q -z expert,warn >"$tmp/z"
if grep -q 'UPD_C count 5 needs 420 bytes, only 84 left' "$tmp/z"; then
	pass
else
	fail "bad_overrun.pcap: -z expert lacks the overrun warning"
fi
n=$(fields bad_value.pcap _ws.expert.message | tr ',' '\n' |
    grep -c -E 'Timeout >= PFTM_MAX|Direction > PF_OUT')
expect "bad_value.pcap: badval warnings" 2 "$n"

# --- fuzz: every prefix and random mutations decode without errors
f=fuzz.pcap
no_lua_error $f
n=$(verbose $f | grep -c '^Frame ')
if [ "$n" -gt 2000 ]; then pass; else fail "$f: only $n packets"; fi
n=$(fields $f _ws.lua.error _ws.malformed.expert | grep -c '[^	]')
expect "$f: Lua errors or exceptions" 0 "$n"

# --- count_actions.sh: sums per action over files, -Y, -p
out=$(sh "$here/count_actions.sh" -p "$cap/v5_mixed.pcap" \
    "$cap/v5_clr.pcap" "$cap/v5_bulk.pcap" "$cap/v5_misc.pcap" \
    "$cap/v4.pcap" 2>"$tmp/ca.err" | paste -s -d ' ' -)
expect "count_actions.sh" "clr 2 ins 2 iack 3 upd 3 upd_c 4 ureq 3 del 2 del_c 4 bus 3 tdb 2 eof 6 packets 16" "$out"
if [ -s "$tmp/ca.err" ]; then
	fail "count_actions.sh wrote to stderr: $(cat "$tmp/ca.err")"
fi
out=$(sh "$here/count_actions.sh" -Y 'ip.src == 10.0.3.2' \
    "$cap/v5_bulk.pcap" | paste -s -d ' ' -)
expect "count_actions.sh -Y" "clr 0 ins 0 iack 0 upd 0 upd_c 0 ureq 1 del 0 del_c 0 bus 0 tdb 0 eof 1" "$out"
out=$(sh "$here/count_actions.sh" "$cap/pfsync0.pcap" \
    "$cap/pfsync0_be.pcap" | paste -s -d ' ' -)
expect "count_actions.sh on link type 246" "clr 2 ins 1 iack 0 upd 0 upd_c 6 ureq 1 del 0 del_c 1 bus 0 tdb 0 eof 3" "$out"
sh "$here/count_actions.sh" "$cap/bad_len.pcap" >/dev/null 2>"$tmp/ca.err"
expect "count_actions.sh exit status with warnings" 0 $?
if grep -q '1 packets with pfsync warnings' "$tmp/ca.err"; then
	pass
else
	fail "count_actions.sh did not report the warning"
fi

run_checks
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
