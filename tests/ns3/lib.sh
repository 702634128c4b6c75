# Shared by the ns-3 cross-checks: sh SCRIPT PFSIM SRCDIR. The scenario
# tests' prelude (run, j, fw, check, ...), then a probe: skipped (exit
# 77) when pfsim was built without ns-3 (libns3-dev).
. "$(dirname "$0")/../scenario/lib.sh"

"$SIM" "$S/single_fw.conf" --backend ns3 --duration 1ms --out "$T/probe" \
    --quiet 2>"$T/probe.err"
rc=$?
if [ $rc -ne 0 ] && grep -q "built without ns-3" "$T/probe.err"; then
	echo "SKIP: pfsim was built without ns-3 (libns3-dev)"
	exit 77
fi
[ $rc -eq 0 ] || fail "ns3 probe: exit $rc: $(cat "$T/probe.err")"
