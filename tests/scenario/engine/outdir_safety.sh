# A run never replaces what is not an earlier run's results: --out on a
# directory with other files, or on a file, is refused (exit 2) and leaves
# it untouched; sim.name must be a plain name, not a path.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/src"
echo keep >"$T/src/main.c"
expect_rc 2 "$SIM" "$DEMO" --out "$T/src" --quiet
grep -q "not a pfsim results directory" "$T/err" || fail "no clear message"
[ -f "$T/src/main.c" ] || fail "--out deleted a directory"
echo keep >"$T/file"
expect_rc 2 "$SIM" "$DEMO" --out "$T/file" --quiet
[ "$(cat "$T/file")" = keep ] || fail "--out replaced a file"
expect_rc 2 "$SIM" "$DEMO" --set sim.name=../victim --quiet
grep -q "sim.name" "$T/err" || fail "sim.name path not named"
# An earlier run's results are replaced.
expect_rc 0 "$SIM" "$DEMO" --out "$T/r" --quiet
expect_rc 0 "$SIM" "$DEMO" --out "$T/r" --quiet
ok "output directories are safe"
