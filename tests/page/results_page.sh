# results_page: every page of results/ is its template (PAGE.in) rendered
# with the committed table of measured values (results/reference/*.tsv),
# every placeholder has a value and every value is quoted; and a value
# changed in the table changes the page (the check can fail).
set -u
SRC=${1:?usage: $0 SRCDIR}
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-page.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
render=$SRC/tools/page/render
fail() { echo "FAIL: $*" >&2; exit 1; }

n=0
for pair in README.md:page.tsv faults.md:faults.tsv emulation.md:emulation.tsv \
    ns3.md:ns3.tsv; do
	page=${pair%%:*}
	tsv=$SRC/results/reference/${pair#*:}
	[ -f "$SRC/results/$page.in" ] || fail "results/$page.in missing"
	[ -f "$tsv" ] || fail "$tsv missing"
	"$render" "$SRC/results/$page.in" "$tsv" "$T/$page" ||
	    fail "results/$page.in does not render with $tsv"
	if ! cmp -s "$SRC/results/$page" "$T/$page"; then
		diff -u "$SRC/results/$page" "$T/$page" | head -30 >&2
		fail "results/$page is not results/$page.in rendered with" \
		    "$tsv (edit the template, not the page; tools/page/README.md)"
	fi
	v=$(($(wc -l <"$tsv") - 1))
	[ "$v" -gt 0 ] || fail "$tsv has no values"
	n=$((n + v))
	echo "ok: results/$page quotes its $v measured values"
	# the check can fail: a moved value must move the page
	awk -F'\t' -v OFS='\t' 'NR == 2 { $4 = "424242"; $5 = "424242" } 1' \
	    "$tsv" >"$T/moved.tsv"
	"$render" "$SRC/results/$page.in" "$T/moved.tsv" "$T/moved.md" ||
	    fail "render failed on a moved value"
	cmp -s "$T/moved.md" "$SRC/results/$page" &&
	    fail "a moved value in $tsv leaves results/$page unchanged"
	grep -q '424' "$T/moved.md" || fail "the moved value is not on the page"
done
# a placeholder without a value fails the render
printf 'x {{no.such.value}}\n' >"$T/bad.in"
"$render" "$T/bad.in" "$SRC/results/reference/page.tsv" "$T/bad.md" \
    2>"$T/err" && fail "a placeholder without a value renders"
grep -q 'bad.in:1: {{no.such.value}}: no such value' "$T/err" ||
    fail "the render error does not name the line: $(cat "$T/err")"
echo "ok: $n values in all; a missing value is an error with its line"
