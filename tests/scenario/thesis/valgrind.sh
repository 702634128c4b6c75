# Valgrind-clean on a standard scenario: asym_tcp (two firewalls, pf,
# pfsync v5, TCP hosts, captures) for one simulated second, with no
# invalid access, no uninitialised value used and no leak.
. "$(dirname "$0")/../lib.sh"
command -v valgrind >/dev/null || { echo "SKIP: valgrind missing"; exit 77; }
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all \
    --quiet "$SIM" "$S/asym_tcp.conf" --duration 1s --capture all \
    --out "$T/vg" --quiet >"$T/vg.out" 2>"$T/vg.err"
rc=$?
[ "$rc" -eq 0 ] || { sed 's/^/  valgrind: /' "$T/vg.err" | head -40 >&2;
    fail "valgrind exit $rc"; }
ok "asym_tcp is valgrind-clean"
