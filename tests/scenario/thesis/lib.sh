# Shared by the scenario tests: sh SCRIPT PFSIM SRCDIR. Runs scenarios
# (shortened), reads summary.json with jq and checks measured outcomes
# with tolerances. Outputs go under a fresh mktemp -d directory.
set -u
SIM=${1:?usage: $0 PFSIM SRCDIR}
SRC=${2:?usage: $0 PFSIM SRCDIR}
S=$SRC/scenarios
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-scen.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }

fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

ok()
{
	echo "ok: $*"
}

# run NAME SCENARIO ARGS...: run into $T/NAME, summary in $T/NAME.json.
run()
{
	name=$1
	scen=$2
	shift 2
	if ! "$SIM" "$scen" --out "$T/$name" --quiet "$@" >"$T/$name.out" \
	    2>"$T/$name.err"; then
		sed 's/^/  stderr: /' "$T/$name.err" | head -20 >&2
		fail "$name: $scen $* exited non-zero"
	fi
	if grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$T/$name.err"; then
		sed 's/^/  stderr: /' "$T/$name.err" | head -20 >&2
		fail "$name: sanitizer report"
	fi
	cp "$T/$name/summary.json" "$T/$name.json"
}

# j NAME FILTER: a value from a run's summary.json.
j()
{
	jq -r "$2" "$T/$1.json"
}

# check DESCRIPTION AWK-CONDITION: passes if the condition holds.
check()
{
	if awk "BEGIN { exit !($2) }"; then
		ok "$1 ($2)"
	else
		fail "$1: not ($2)"
	fi
}
