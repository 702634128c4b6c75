# page_measure: measure every value results/README.md and
# results/faults.md quote again (tools/page/measure, measure-attacks) and
# check the pages do not move: the code still gives the page's numbers.
set -u
SRC=${1:?usage: $0 SRCDIR BUILDDIR}
B=${2:?usage: $0 SRCDIR BUILDDIR}
for t in jq; do
	command -v $t >/dev/null || { echo "skip: no $t"; exit 77; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-page.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export PFSIM="$B/pfsim" PFSIM_SWEEP="$B/pfsim-sweep"
rc=0
"$SRC/tools/page/measure" --check --out "$T/page" || rc=1
"$SRC/tools/page/measure-attacks" --check --out "$T/faults" || rc=1
exit $rc
