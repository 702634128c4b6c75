# Shared by the parser's hostile-input tests: sh SCRIPT PFSIM SRCDIR.
# The engine tests' prelude (fail, ok, expect_rc, tmpdirs, $T), plus:
. "$(dirname "$0")/../engine/lib.sh"

# refused PREFIX [timeout SECONDS] ARGS...: exit 2 within SECONDS (30 by
# default: a parse that is not linear, or a read that blocks, fails
# rather than hangs), one line on stderr that starts with PREFIX
# ("FILE:LINE: KEY: "), and no results directory nor a temporary one.
refused()
{
	want=$1
	shift
	secs=30
	if [ "$1" = timeout ]; then
		secs=$2
		shift 2
	fi
	rm -rf "$T/r"
	timeout "$secs" "$SIM" "$@" --out "$T/r" --quiet >"$T/out" 2>"$T/err"
	got=$?
	no_sanitizer_report "$T/err"
	[ "$got" -ne 124 ] || fail "no answer within $secs s: $*"
	if [ "$got" -ne 2 ]; then
		sed 's/^/  stderr: /' "$T/err" >&2
		fail "exit $got, expected 2: $*"
	fi
	[ "$(wc -l <"$T/err")" -eq 1 ] || {
		sed 's/^/  stderr: /' "$T/err" >&2
		fail "expected one line on stderr: $*"
	}
	case $(cat "$T/err") in
	"$want"*) ;;
	*)	sed 's/^/  got: /' "$T/err" >&2
		fail "expected a message starting '$want'" ;;
	esac
	[ ! -e "$T/r" ] || fail "results written for a refused scenario: $*"
	[ "$(tmpdirs "$T" r)" -eq 0 ] || fail "temporary directory left: $*"
}

# The summary without what differs between equal runs.
summary_core()
{
	grep -v '"wall_seconds"\|"command"' "$1/summary.json"
}
