#!/bin/sh
# The launcher's detection of what a command needs (tools/deps.sh), on a
# PATH made for the test: a tool left off it is named with its Debian
# package, one on it is not, nothing asks dpkg, a missing pkg-config
# module is named, and `sim` itself stops with exit 2 before building.
#   sh deps.sh SRCDIR
set -u
SRC=${1:?usage: deps.sh SRCDIR}
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-deps.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

ok()
{
	echo "ok: $*"
}

# A bin directory with the real tools this machine has, less some; no
# apt-get or dpkg, so nothing is installed even as root.
mkbin()
{
	mb_dir=$T/$1
	shift
	mkdir -p "$mb_dir"
	for mb_t in sh cat dirname pwd id uname awk sed sort tr grep mktemp \
	    rm cmake cc gcc make pkg-config clang jq tshark valgrind parallel \
	    gnuplot; do
		for mb_x in "$@"; do
			[ "$mb_t" = "$mb_x" ] && continue 2
		done
		mb_p=$(command -v "$mb_t" 2>/dev/null) || continue
		case $mb_p in /*) ln -s "$mb_p" "$mb_dir/$mb_t" ;; esac
	done
}

# deps NEED...: what deps_missing says on $T/bin's PATH (one line per
# missing need), and deps_check's message in $T/msg.
deps()
{
	PATH=$T/bin sh -c '. "$1/tools/deps.sh"; shift
	    deps_missing "$@" >"$0.missing"; deps_check "$@"' \
	    "$T/out" "$SRC" "$@" 2>"$T/msg"
}

mkbin bin jq apt-get dpkg dpkg-query
command -v cmake >/dev/null || fail "no cmake on this machine's PATH"

deps cmake jq
rc=$?
[ $rc -eq 2 ] || fail "jq missing: deps_check returned $rc, expected 2"
grep -qx '  jq: reads summary.json (Debian package jq)' "$T/msg" ||
    fail "jq missing: message: $(cat "$T/msg")"
grep -q 'cmake' "$T/msg" && fail "cmake is there but named: $(cat "$T/msg")"
grep -qx 'sim: on Debian: sudo apt-get install -y jq' "$T/msg" ||
    fail "no install line: $(cat "$T/msg")"
[ "$(cat "$T/out.missing")" = "jq jq reads summary.json" ] ||
    fail "deps_missing: $(cat "$T/out.missing")"
ok "jq off PATH: named with its package, cmake (on PATH, no dpkg) not"

# The libraries through pkg-config: none found in an empty search path.
PKG_CONFIG_LIBDIR=$T/none deps libpcap libbsd
rc=$?
[ $rc -eq 2 ] || fail "no .pc files: returned $rc"
grep -q '^  libpcap: .*(Debian package libpcap-dev)$' "$T/msg" &&
    grep -q '^  libbsd: .*(Debian package libbsd-dev)$' "$T/msg" ||
    fail "no .pc files: message: $(cat "$T/msg")"
ok "libraries missing from pkg-config: named with their packages"

# What each command needs: a scenario only the build, the tests more.
. "$SRC/tools/deps.sh"
s=$(deps_needs scenarios/asym_tcp.conf)
[ "$s" = "cmake cc make pkg-config libpcap libbsd" ] ||
    fail "a scenario needs: $s"
for n in cmocka jq tshark valgrind clang libfuzzer gnuplot parallel; do
	case " $(deps_needs test) " in *" $n "*) ;; *) fail "test lacks $n" ;;
	esac
	case " $s " in *" $n "*) fail "a scenario needs $n" ;; esac
done
ok "a scenario needs the build only; ./sim test its tools too"

# The launcher stops with 2 and the message, before configuring.
mkdir "$T/src"
cp "$SRC/sim" "$T/src/sim"
mkdir "$T/src/tools"
cp "$SRC/tools/deps.sh" "$T/src/tools/deps.sh"
PATH=$T/bin sh "$T/src/sim" report >"$T/out" 2>"$T/msg"
rc=$?
[ $rc -eq 2 ] || fail "sim report without jq: exit $rc: $(cat "$T/msg")"
grep -q '  jq: ' "$T/msg" || fail "sim report: message: $(cat "$T/msg")"
[ ! -e "$T/src/build" ] || fail "sim report without jq: it built"
ok "sim report without jq: exit 2, jq named, nothing built"

# All there (this machine builds pfsim): nothing said.
mkbin all apt-get dpkg dpkg-query
PATH=$T/all sh -c '. "$0/tools/deps.sh"; deps_check $(deps_needs x.conf)' \
    "$SRC" 2>"$T/msg" || fail "a scenario's needs: $(cat "$T/msg")"
[ ! -s "$T/msg" ] || fail "all there, but: $(cat "$T/msg")"
ok "this machine has what a scenario needs: nothing said"
