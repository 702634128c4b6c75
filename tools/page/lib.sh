# tools/page/lib.sh: the measuring functions of tools/page/measure and
# tools/page/measure-attacks (sourced; POSIX sh). Before sourcing set
#   top    the source tree      out   the output directory
# After sourcing, every function writes under $out/data and appends the
# values it measures to $out/values.tsv (tools/page/render's table:
# id fmt n median q1 q3 min max). SEEDS (default 10) and JOBS (empty or
# "--jobs J") apply to every sweep and threshold (set SEEDS=N as a
# command of its own: an assignment before a function call may or may
# not outlast it, depending on the shell).

sweep=${PFSIM_SWEEP:-$top/build/pfsim-sweep}
pfsim=${PFSIM:-$top/build/pfsim}
S=$top/scenarios
SEEDS=${SEEDS:-10}
JOBS=${JOBS:-}
data=$out/data
vals_tsv=$out/values.tsv
mkdir -p "$data"

# die MESSAGE: stop the measurement. Inside a pipeline or $(...) exit
# ends only the subshell, so die also leaves $out/failed, which
# page_done checks at the end.
die()
{
	echo "page: $*" >&2
	echo "$*" >>"$out/failed"
	exit 1
}
rm -f "$out/failed"

# page_done: fail when any die happened, even in a subshell.
page_done()
{
	[ ! -s "$out/failed" ] || {
		echo "page: the measurement failed:" >&2
		sed 's/^/  /' "$out/failed" >&2
		exit 1
	}
}

# both KEY=V: --set for the same key on fwA and fwB.
both() { echo "--set firewall.fwA.$1 --set firewall.fwB.$1"; }

# put ID FMT VALUE: one measured value (n = 1).
put()
{
	printf '%s\t%s\t1\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$3" "$3" \
	    "$3" "$3" >>"$vals_tsv"
}

# stats ID FMT: one value per line in (one per seed); n, median, first and
# third quartile, min and max out (quantiles by linear interpolation,
# Hyndman and Fan's type 7, as ./sim threshold and tools/report).
stats()
{
	sort -g | awk -v id="$1" -v f="$2" '
	function q(p,    h, l)
	{
		h = (n - 1) * p + 1
		l = int(h)
		return l >= n ? a[n] : a[l] + (h - l) * (a[l + 1] - a[l])
	}
	NF { a[++n] = $1 + 0 }
	END {
		if (n == 0) {
			printf "page: %s: no values\n", id >"/dev/stderr"
			exit 1
		}
		printf "%s\t%s\t%d\t%.9g\t%.9g\t%.9g\t%.9g\t%.9g\n", id, f, n,
		    q(0.5), q(0.25), q(0.75), a[1], a[n]
	}' >>"$vals_tsv" || die "$1: no values"
}

# sw NAME SCENARIO ARGS...: ./sim sweep over $SEEDS seeds into
# $data/NAME (stops the measurement when a run fails).
sw()
{
	_n=$1
	shift
	"$sweep" sweep "$@" --seeds "$SEEDS" $JOBS --out "$data/$_n" \
	    >"$data/$_n.log" 2>&1 || {
		tail -20 "$data/$_n.log" >&2
		die "sweep $_n failed (log: $data/$_n.log)"
	}
}

# vals NAME COLUMN|JQ [POINT]: one value per run of sweep NAME, as
# "point seed value" (point: the varied values joined by '/'); a plain
# name (letters, digits, _) is a column of sweep.csv, anything else a jq
# filter on the run's summary.json. An unknown column, a failed filter or
# a value that is not a number stops the measurement. With POINT, only
# that point's values, one per line.
vals()
{
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seed") s = i
	    next }
	    { p = $2; for (i = 3; i < s; i++) p = p "/" $i
	      print $1, p, $s }' \
	    "$data/$1/sweep.csv" | while read -r _run _point _seed; do
		case $2 in
		*[!A-Za-z0-9_]*)
			_v=$(jq -r "$2" "$data/$1/runs/$_run/summary.json") ||
			    die "$1 run $_run: jq $2 failed" ;;
		*) _v=$(awk -F, -v r="$_run" -v c="$2" 'NR == 1 {
			for (i = 1; i <= NF; i++) if ($i == c) k = i
			if (!k) exit 1; next }
			$1 == r { print $k }' "$data/$1/sweep.csv") ||
			    die "$1: no column $2 in sweep.csv" ;;
		esac
		case $_v in
		''|*[!0-9eE.+-]*) die "$1 run $_run: $2 is not a number: '$_v'" ;;
		esac
		echo "$_point $_seed $_v"
	done | sort -k1,1 -k2,2n | if [ $# -ge 3 ]; then
		awk -v p="$3" '$1 == p { print $3 }'
	else
		cat
	fi
}

# count_ge LIMIT: how many of the values in (one per line) are >= LIMIT.
count_ge() { awk -v l="$1" '$1 >= l { c++ } END { print c + 0 }'; }

# thr NAME SCENARIO ARGS...: ./sim threshold of SCENARIO against
# single_fw.conf over $SEEDS seeds into $data/NAME; puts NAME.thr (the
# threshold: a rate, "below LO" or "above HI"), NAME.bracket ("[a, b)")
# and NAME.flag (" (flagged: ...)" when the median is not monotone, else
# "": the template writes it right after the bracket).
thr()
{
	_n=$1
	_s=$2
	shift 2
	"$sweep" threshold "$_s" --baseline "$S/single_fw.conf" \
	    --seeds "$SEEDS" $JOBS --out "$data/$_n" "$@" \
	    >"$data/$_n.log" 2>&1 || {
		tail -20 "$data/$_n.log" >&2
		die "threshold $_n failed (log: $data/$_n.log)"
	}
	_line=$(grep '^threshold_pps' "$data/$_n.log") ||
	    die "threshold $_n: no threshold line"
	set -- $_line
	case $2 in
	below|above) put "$_n.thr" thr "$2 $3" ;;
	*) put "$_n.thr" thr "$2" ;;
	esac
	put "$_n.bracket" text \
	    "$(echo "$_line" | sed 's/.*bracket \(\[[^)]*)\).*/\1/')"
	case $_line in
	*flagged*) put "$_n.flag" text " (flagged: the median is not monotone)" ;;
	*) put "$_n.flag" text "" ;;
	esac
}

# cell NAME RATE COLUMN: a column of threshold NAME's row at RATE
# (threshold.csv: rate,n,min,q1,median,q3,max,share_ok,share_stalled,...).
cell()
{
	awk -F, -v r="$2" -v c="$3" 'NR == 1 {
	    for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
	    $1 == r { print $k; f = 1 }
	    END { exit !f || !k }' "$data/$1/threshold.csv" ||
	    die "threshold $1 has no $3 at $2 pps"
}

# ratios NAME RATE: threshold NAME's per-seed goodput ratios at RATE.
ratios()
{
	awk -F, -v r="$2" 'NR > 1 && $1 == r { print $5 }' \
	    "$data/$1/runs.csv"
}

# seeds_ok NAME RATE: how many seeds of threshold NAME reach the ratio
# (share_ok x n) at RATE.
seeds_ok()
{
	awk -F, -v r="$2" 'NR > 1 && $1 == r { printf "%.0f\n", $8 * $2 }' \
	    "$data/$1/threshold.csv"
}

# stalled_from NAME: the lowest measured rate above NAME's threshold at
# which every seed stalled (ratio < 0.10).
stalled_from()
{
	awk -F, 'NR > 1 && $9 == 1 && !f { print $1; f = 1 }
	    END { exit !f }' "$data/$1/threshold.csv" ||
	    die "threshold $1: no rate where every seed stalled"
}

# param KEY: the default of KEY as ./sim --params prints it.
param()
{
	"$pfsim" --params | awk -v k="$1" '$1 == k { print $3; f = 1 }
	    END { exit !f }' || die "no parameter $1"
}

# us DURATION: a duration such as 3us, 2500ns or 10ms in microseconds.
us()
{
	echo "$1" | awk '{ v = $1 + 0
	    if ($1 ~ /ns$/) v /= 1000
	    else if ($1 ~ /ms$/) v *= 1000
	    else if ($1 ~ /[0-9]s$/) v *= 1000000
	    print v }'
}
