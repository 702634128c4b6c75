# ns3_page: measure every value results/ns3.md quotes again, on both
# backends (tools/page/measure-ns3 --check), and check the page does not
# move. Skipped (77) when pfsim was built without ns-3.
set -u
SRC=${1:?usage: $0 SRCDIR BUILDDIR}
B=${2:?usage: $0 SRCDIR BUILDDIR}
command -v jq >/dev/null || { echo "skip: no jq"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-page.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
"$B/pfsim" "$SRC/scenarios/single_fw.conf" --backend ns3 --duration 1ms \
    --out "$T/probe" --quiet 2>/dev/null ||
    { echo "skip: pfsim built without ns-3 (libns3-dev)"; exit 77; }
export PFSIM="$B/pfsim" PFSIM_SWEEP="$B/pfsim-sweep"
"$SRC/tools/page/measure-ns3" --check --jobs 2 --out "$T/ns3"
