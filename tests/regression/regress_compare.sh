# tools/regress/compare against the committed reference: the reference
# itself passes; a metric moved beyond its tolerance, a missing metric and
# a new one fail and are named in the table; moves within the tolerance
# (relative, and a distribution's own spread) pass.
#   sh regress_compare.sh SRCDIR
set -u
SRC=${1:?usage: $0 SRCDIR}
C="sh $SRC/tools/regress/compare"
REF=$SRC/results/reference/regress.csv
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-regress.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# now.csv has the reference's first five columns
cut -d, -f1-5 "$REF" >"$T/now.csv"
$C "$REF" "$T/now.csv" >"$T/out" || fail "the reference against itself"
ok "the reference against itself: nothing moved"
# perturb METRIC AWK-EXPR-OF-v: a now.csv with that metric's median changed
perturb()
{
	awk -F, -v OFS=, -v k="$1" '$1 == k { v = $2; $2 = '"$2"' } { print }' \
	    "$T/now.csv" >"$T/p.csv"
	grep -q "^$1," "$T/p.csv" || fail "no metric $1 in the reference"
}
perturb threshold.asym_kick20k 'v * 1.2'
$C "$REF" "$T/p.csv" "$T/p.out.csv" >"$T/out" && fail "threshold +20 % passed"
grep -q '^threshold.asym_kick20k .*MOVED' "$T/out" ||
    fail "threshold +20 %: not named in the table"
grep -q '^threshold.asym_kick20k,.*,MOVED$' "$T/p.out.csv" ||
    fail "threshold +20 %: not in the CSV"
ok "threshold +20 % (tolerance 10 %) fails and is named"
perturb threshold.asym_kick20k 'v * 1.05'
$C "$REF" "$T/p.csv" >"$T/out" || fail "threshold +5 % failed"
ok "threshold +5 % passes"
perturb goodput_ratio.v5field.2000pps 'v - 0.3'
$C "$REF" "$T/p.csv" >"$T/out" && fail "goodput ratio -0.3 passed"
ok "a goodput ratio 0.3 lower (tolerance 0.05 + IQR) fails"
perturb goodput_ratio.v5field.2000pps 'v - 0.04'
$C "$REF" "$T/p.csv" >"$T/out" || fail "goodput ratio -0.04 failed"
ok "a goodput ratio 0.04 lower passes"
grep -v '^udp_pkts_per_pass.1000pps,' "$T/now.csv" >"$T/p.csv"
$C "$REF" "$T/p.csv" >"$T/out" && fail "a missing metric passed"
grep -q 'udp_pkts_per_pass.1000pps .*MISSING' "$T/out" ||
    fail "the missing metric is not named"
ok "a missing metric fails and is named"
{ cat "$T/now.csv"; echo "brand_new.x,1,1,1,5"; } >"$T/p.csv"
$C "$REF" "$T/p.csv" >"$T/out" && fail "a new metric passed"
ok "a metric not in the reference fails (run --update)"
