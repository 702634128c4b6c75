#!/bin/sh
# The command line as people expect it: every option that takes a value
# takes it as "--opt VALUE" or "--opt=VALUE", before or after the
# scenario; --version; --trace knows its names; --quiet prints nothing but
# errors; a mistyped key names the one meant.
. "$(dirname "$0")/lib.sh"

# summary NAME: $T/NAME/summary.json without what differs between runs.
summary()
{
	grep -v '"wall_seconds"\|"command"' "$T/$1/summary.json"
}

expect_rc 0 "$SIM" --version
grep -qx 'pfsim [0-9a-zA-Z._-]*' "$T/out" || fail "--version: $(cat "$T/out")"
[ ! -s "$T/err" ] || fail "--version wrote on stderr"
ok "--version: $(cat "$T/out")"

# The same run spelt both ways; --backend and --trace are accepted too.
expect_rc 0 "$SIM" "$DEMO" --seed 3 --duration 200ms --set net.lan.loss=0.1 \
    --capture sync --out "$T/a" --backend builtin --trace power
expect_rc 0 "$SIM" --seed=3 --duration=200ms --set=net.lan.loss=0.1 \
    --capture=sync --out="$T/b" --backend=builtin --trace=power "$DEMO"
summary a >"$T/a.json"
summary b >"$T/b.json"
cmp -s "$T/a.json" "$T/b.json" || fail "--opt=VALUE gave other results"
cmp -s "$T/a/params.conf" "$T/b/params.conf" || fail "params.conf differs"
grep -qx '  "seed": 3,' "$T/b/summary.json" || fail "--seed=3 not applied"
grep -qx 'duration = 200ms' "$T/b/params.conf" || fail "--duration= lost"
grep -qx 'capture = sync' "$T/b/params.conf" || fail "--capture= lost"
grep -qx 'loss = 0.1' "$T/b/params.conf" || fail "--set= lost"
ok "--opt VALUE and --opt=VALUE, before and after the scenario"

expect_rc 2 "$SIM" "$DEMO" --out "$T/c" --seed
grep -qx 'sim: --seed needs a value' "$T/err" || fail "--seed: $(cat "$T/err")"
expect_rc 2 "$SIM" "$DEMO" --out "$T/c" --json=yes
grep -qx 'sim: --json=yes takes no value' "$T/err" ||
    fail "--json=yes: $(cat "$T/err")"
expect_rc 2 "$SIM" "$DEMO" --out "$T/c" --backend=bogus
grep -qx "sim: --backend bogus: expected builtin or ns3" "$T/err" ||
    fail "--backend=bogus: $(cat "$T/err")"
# Without ns-3 compiled in, --backend ns3 is a usage error that names
# the package to install (with it, tests/ns3 check the backend).
"$SIM" "$DEMO" --out "$T/n" --backend=ns3 --duration 1ms >/dev/null \
    2>"$T/err"
rc=$?
if grep -q "built without ns-3" "$T/err"; then
	[ "$rc" -eq 2 ] || fail "--backend=ns3 without ns-3: exit $rc"
	grep -q "libns3-dev" "$T/err" || fail "--backend=ns3: $(cat "$T/err")"
fi
[ ! -e "$T/c" ] || fail "results written after a usage error"
ok "a missing or unwanted value is a usage error"

expect_rc 2 "$SIM" "$DEMO" --out "$T/c" --trace pf,bogus
printf '%s\n' "--trace bogus: unknown name; known: all, pf, power" >"$T/want"
cmp -s "$T/want" "$T/err" || fail "--trace bogus: $(cat "$T/err")"
[ ! -e "$T/c" ] || fail "results written after --trace bogus"
expect_rc 0 "$SIM" "$DEMO" --out "$T/c" --trace all --quiet
ok "--trace rejects an unknown name and lists the known ones"

# --quiet: nothing at all on stdout or stderr, with or without --json;
# the results are written all the same.
for extra in "" --json --dump-states; do
	expect_rc 0 "$SIM" "$DEMO" --out "$T/q" --quiet $extra
	[ ! -s "$T/out" ] || fail "--quiet $extra: stdout: $(head -3 "$T/out")"
	[ ! -s "$T/err" ] || fail "--quiet $extra: stderr: $(head -3 "$T/err")"
	[ -s "$T/q/summary.json" ] || fail "--quiet $extra: no results"
done
expect_rc 2 "$SIM" "$DEMO" --out "$T/q" --quiet --set net.lan.delay=5
[ -s "$T/err" ] || fail "--quiet hid an error"
ok "--quiet prints nothing but errors"

# A mistyped key, in a file or in --set, names the nearest known key.
sed 's/^delay = 50us/dealy = 50us/' "$DEMO" >"$T/typo.conf"
line=$(grep -n '^dealy' "$T/typo.conf" | cut -d: -f1)
expect_rc 2 "$SIM" "$T/typo.conf" --out "$T/c"
printf '%s\n' "$T/typo.conf:$line: net.lan.dealy: unknown key; did you mean net.lan.delay?" >"$T/want"
cmp -s "$T/want" "$T/err" || fail "typo in a file: $(cat "$T/err")"
expect_rc 2 "$SIM" "$DEMO" --out "$T/c" --set demo.udp.rat=10pps
printf '%s\n' "--set: demo.udp.rat: unknown key; did you mean demo.udp.rate?" >"$T/want"
cmp -s "$T/want" "$T/err" || fail "typo in --set: $(cat "$T/err")"
ok "an unknown key suggests the nearest known one"
