# Shared by the engine's CLI tests: sh lib.sh-using-script PFSIM SRCDIR.
# Every output goes under a fresh mktemp -d directory, removed on exit.
set -u
SIM=${1:?usage: $0 PFSIM SRCDIR}
SRC=${2:?usage: $0 PFSIM SRCDIR}
DEMO=$SRC/scenarios/demo_udp.conf
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-test.XXXXXX") || exit 1
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

# no_sanitizer_report FILE: a sanitizer build reported nothing in FILE
# (its exit status alone cannot tell when the run was to fail anyway).
no_sanitizer_report()
{
	if grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$1"; then
		sed 's/^/  stderr: /' "$1" | head -20 >&2
		fail "sanitizer report in $1"
	fi
}

# expect_rc WANT CMD...: run CMD (stdout to $T/out, stderr to $T/err).
expect_rc()
{
	want=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	no_sanitizer_report "$T/err"
	if [ "$got" -ne "$want" ]; then
		sed 's/^/  stderr: /' "$T/err" >&2
		fail "exit $got, expected $want: $*"
	fi
}

# has FILE TEXT: FILE contains the line TEXT exactly.
has()
{
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line '$2'"
}

# Pending results live in a hidden ".NAME.tmp.PID" beside NAME.
tmpdirs()
{
	find "$1" -maxdepth 1 -name ".$2.tmp.*" | wc -l
}
