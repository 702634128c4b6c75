#!/bin/sh
# Values too long for pfsim's buffers are refused (exit 2, a message
# saying how long they may be), never cut: --out over 1023 characters,
# --seed and --duration over 128, sim.name over 127; --trace with an
# unknown name too. At the limit they work, whole.
. "$(dirname "$0")/lib.sh"

# word N: N characters of 'a'.
word()
{
	printf "%${1}s" "" | tr ' ' a
}

# A path of exactly 1023 characters under $T, in names of up to 200.
long=$T
while [ $((${#long} + 201)) -lt 1023 ]; do
	long=$long/$(word 200)
done
long=$long/$(word $((1023 - ${#long} - 1)))
[ ${#long} -eq 1023 ] || fail "test: built a path of ${#long}"
expect_rc 2 "$SIM" "$DEMO" --out "${long}b" --quiet
grep -q -- "--out: the path is 1024 characters long; at most 1023" \
    "$T/err" || fail "--out 1024: $(cat "$T/err")"
[ -z "$(find "$T" -name '*ab')" ] || fail "--out 1024 created a directory"
expect_rc 0 "$SIM" "$DEMO" --out "$long" --quiet
[ -f "$long/summary.json" ] || fail "--out of 1023 characters: no results"
ok "--out: 1024 characters refused, 1023 used whole"

# The last name of --out: room for ".NAME.tmp.PID.old.PID".
expect_rc 2 "$SIM" "$DEMO" --out "$T/$(word 240)" --quiet
grep -q "the last name is 240 characters long" "$T/err" ||
    fail "a long last name: $(cat "$T/err")"
ok "--out: a last name too long for the temporary names is refused"

# --seed: 128 characters (leading zeros) are the seed 1; 129 refused.
seed=$(word 127 | tr a 0)1
expect_rc 0 "$SIM" "$DEMO" --out "$T/s" --seed "$seed" --quiet
grep -qx '  "seed": 1,' "$T/s/summary.json" || fail "--seed of 128: not 1"
expect_rc 2 "$SIM" "$DEMO" --out "$T/s2" --seed "0$seed" --quiet
grep -qx "sim: --seed: the value is 129 characters long; at most 128 are accepted" \
    "$T/err" || fail "--seed 129: $(cat "$T/err")"
expect_rc 2 "$SIM" "$DEMO" --out "$T/s2" --duration "0${seed}s" --quiet
grep -q "sim: --duration: the value is 130 characters long" "$T/err" ||
    fail "--duration 130: $(cat "$T/err")"
[ ! -e "$T/s2" ] || fail "results written after a refused value"
ok "--seed and --duration: 128 characters taken, more refused"

expect_rc 2 "$SIM" "$DEMO" --set "sim.name=$(word 128)" --quiet
grep -q "sim.name: .* of at most 127 characters" "$T/err" ||
    fail "sim.name 128: $(cat "$T/err")"
expect_rc 2 "$SIM" "$DEMO" --out "$T/t" --trace bogus --quiet
grep -q "trace bogus: unknown name" "$T/err" || fail "--trace bogus accepted"
[ ! -e "$T/t" ] || fail "results written after --trace bogus"
ok "sim.name over 127 characters and --trace bogus are refused"
