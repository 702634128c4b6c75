#!/bin/sh
# A broken scenario or command line: exit 2, one "FILE:LINE: message" on
# stderr naming the key and what was expected, and no results directory
# (an older one stays as it was).
. "$(dirname "$0")/lib.sh"

# expect_error WANT_STDERR ARGS...: exit 2, stderr exactly WANT_STDERR.
expect_error()
{
	msg=$1
	shift
	expect_rc 2 "$SIM" "$@" --out "$T/r" --quiet
	printf '%s\n' "$msg" >"$T/want"
	cmp -s "$T/want" "$T/err" || {
		sed 's/^/  got: /' "$T/err" >&2
		fail "expected: $msg"
	}
	[ ! -e "$T/r" ] || fail "results written for a broken scenario"
	[ "$(tmpdirs "$T" r)" -eq 0 ] || fail "temporary directory left"
}

# The demo scenario with known line numbers.
cat >"$T/base.conf" <<'CONF'
# like scenarios/demo_udp.conf
[sim]
duration = 100ms

# the net
[net lan]
rate  = 1Gbit
delay = 50us

[demo udp]
net  = lan
rate = 1000pps
CONF
expect_rc 0 "$SIM" "$T/base.conf" --out "$T/base" --quiet
rm -rf "$T/base"

# bad FILE LINE TEXT: the base scenario with line LINE replaced.
bad()
{
	awk -v n="$2" -v l="$3" 'NR == n { print l; next } { print }' \
	    "$T/base.conf" >"$T/$1"
}

bad unit.conf 8 'delay = 50'
expect_error "$T/unit.conf:8: net.lan.delay: '50': expected a duration with a unit (ns, us, ms, s), like 50us" \
    "$T/unit.conf"
ok "bad unit"

bad key.conf 8 'latency = 50us'
expect_error "$T/key.conf:8: net.lan.latency: unknown key (see ./sim --params)" \
    "$T/key.conf"
ok "unknown key"

bad range.conf 8 'loss = 2'
expect_error "$T/range.conf:8: net.lan.loss: '2': out of range 0..1" \
    "$T/range.conf"
ok "out of range"

# Found while building the world, after the parse: same contract.
bad ref.conf 11 'net = nosuch'
expect_error "$T/ref.conf:11: demo.udp.net: no [net nosuch]" "$T/ref.conf"
ok "reference to a missing net"

bad down.conf 8 'down = 4s-2s'
expect_error "$T/down.conf:8: net.lan.down: expected increasing FROM-TO windows like 2s-4s (at most 8)" \
    "$T/down.conf"
ok "bad partition window"

bad req.conf 11 '# no net'
expect_error "$T/req.conf:10: demo.udp.net: missing required key" \
    "$T/req.conf"
ok "missing required key (names the section's line)"

expect_error "$T/none.conf:0: cannot read: No such file or directory" \
    "$T/none.conf"
ok "unreadable file"

expect_error "--set: net.lan.delay: '5': expected a duration with a unit (ns, us, ms, s), like 50us" \
    "$DEMO" --set net.lan.delay=5
expect_error "--set: no section [net wan] in $DEMO" \
    "$DEMO" --set net.wan.delay=5us
expect_error "--set: sim.seed: 'x': expected an integer" "$DEMO" --seed x
ok "bad --set"

expect_rc 2 "$SIM" "$DEMO" --bogus
grep -q "unknown option --bogus" "$T/err" || fail "no message for --bogus"
expect_rc 2 "$SIM"
ok "usage errors"

# An older complete results directory survives a broken run.
expect_rc 0 "$SIM" "$DEMO" --out "$T/old" --quiet
cp "$T/old/summary.json" "$T/old.json"
expect_rc 2 "$SIM" "$T/ref.conf" --out "$T/old" --quiet
cmp -s "$T/old.json" "$T/old/summary.json" || fail "old results changed"
[ "$(tmpdirs "$T" old)" -eq 0 ] || fail "temporary directory left"
ok "old results untouched by a broken run"
