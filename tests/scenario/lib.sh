# Shared by the scenario tests of thesis/ and faults/: sh SCRIPT PFSIM
# SRCDIR. Runs scenarios (shortened), reads summary.json with jq,
# timeseries.csv and states-NODE.txt, and checks measured outcomes with
# tolerances. Outputs go under a fresh mktemp -d directory.
set -u
SIM=${1:?usage: $0 PFSIM SRCDIR}
SRC=${2:?usage: $0 PFSIM SRCDIR}
S=$SRC/scenarios
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-scen.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }
# Never a hang: a run that does not finish in 5 minutes fails.
TO=
command -v timeout >/dev/null && TO="timeout 300"

fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

ok()
{
	echo "ok: $*"
}

# run NAME SCENARIO ARGS...: run into $T/NAME, summary in $T/NAME.json,
# the text summary in $T/NAME.out (so no --quiet, which prints nothing).
run()
{
	name=$1
	scen=$2
	shift 2
	if ! $TO "$SIM" "$scen" --out "$T/$name" "$@" \
	    >"$T/$name.out" 2>"$T/$name.err"; then
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

# fw NAME FW FILTER: a value of firewall FW in a run's summary.json.
fw()
{
	jq -r --arg n "$2" ".firewalls[] | select(.name == \$n) | $3" \
	    "$T/$1.json"
}

# tsum NAME COLUMN FROM TO: sum of a timeseries.csv column over the rows
# with FROM < time_s <= TO.
tsum()
{
	awk -F, -v col="$2" -v from="$3" -v to="$4" '
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
	    c && $1 > from && $1 <= to { s += $c }
	    END { if (!c) { print "nan"; exit 1 } printf "%.0f\n", s }' \
	    "$T/$1/timeseries.csv"
}

# tfirst NAME COLUMN VALUE: the first time_s at which COLUMN >= VALUE
# (-1 if never).
tfirst()
{
	awk -F, -v col="$2" -v v="$3" '
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
	    c && $c + 0 >= v + 0 { print $1; found = 1; exit }
	    END { if (!found) print -1 }' "$T/$1/timeseries.csv"
}

# ids NAME FW: the sorted "id creatorid" pairs of FW's states-FW.txt.
ids()
{
	sed -n 's/.*id: \([0-9a-f]*\) creatorid: \([0-9a-f]*\).*/\1 \2/p' \
	    "$T/$1/states-$2.txt" | sort
}

# missing NAME A B: how many states of A are not on B.
missing()
{
	ids "$1" "$2" >"$T/$1.$2.ids"
	ids "$1" "$3" >"$T/$1.$3.ids"
	comm -23 "$T/$1.$2.ids" "$T/$1.$3.ids" | wc -l | tr -d ' '
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

# seeds N NAME SCENARIO ARGS...: run seeds 1..N into NAME.1 ... NAME.N
# (one run is one sample: claims are checked over seeds).
seeds()
{
	_n=$1
	_name=$2
	shift 2
	_i=1
	while [ "$_i" -le "$_n" ]; do
		run "$_name.$_i" "$@" --seed "$_i"
		_i=$((_i + 1))
	done
}

# vals N NAME FILTER: FILTER's value in each of NAME.1 ... NAME.N.
vals()
{
	_i=1
	while [ "$_i" -le "$1" ]; do
		printf '%s ' "$(j "$2.$_i" "$3")"
		_i=$((_i + 1))
	done
}

# nof N NAME FILTER COND: how many of the N seeds' values v meet the awk
# condition COND (e.g. 'v > 1900').
nof()
{
	vals "$1" "$2" "$3" | awk '{ for (i = 1; i <= NF; i++) { v = $i;
	    if ('"$4"') n++ } } END { print n + 0 }'
}
