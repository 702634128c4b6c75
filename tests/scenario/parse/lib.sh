# Shared by the parser's hostile-input tests: sh SCRIPT PFSIM SRCDIR.
# The engine tests' prelude (fail, ok, expect_rc, tmpdirs, $T), plus:
. "$(dirname "$0")/../engine/lib.sh"

# refused PREFIX [timeout SECONDS] ARGS...: exit 2 within SECONDS of wall
# clock (300 by default: only a guard, so that a read that blocks fails
# rather than hangs; generous for a busy machine), one line on stderr that
# starts with PREFIX ("FILE:LINE: KEY: "), and no results directory nor a
# temporary one. CPU_SECONDS is left set to the CPU time pfsim took.
# child_cpu: CHILD_CPU = user + system CPU seconds of this shell's
# finished children (the second line of the times builtin), which a busy machine does not
# inflate as it does the wall clock.
# Call it in this shell, not in $(...): a subshell has its own children.
child_cpu()
{
	times >"$T/times"
	CHILD_CPU=$(awk 'NR == 2 { t = 0
	    for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2])
	        t += a[1] * 60 + a[2] }
	    print t }' "$T/times")
}

refused()
{
	want=$1
	shift
	secs=300
	if [ "$1" = timeout ]; then
		secs=$2
		shift 2
	fi
	rm -rf "$T/r"
	child_cpu
	cpu0=$CHILD_CPU
	timeout "$secs" "$SIM" "$@" --out "$T/r" --quiet >"$T/out" 2>"$T/err"
	got=$?
	child_cpu
	CPU_SECONDS=$(echo "$cpu0 $CHILD_CPU" | awk '{ print $2 - $1 }')
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
