#!/bin/sh
# Results appear whole or not at all. A run killed mid-way by SIGTERM or
# SIGKILL leaves no results directory (nor a half-written one under that
# name), and an older complete one stays byte for byte. After SIGKILL only
# the hidden ".NAME.tmp.PID" remains, and the next run clears it.
. "$(dirname "$0")/lib.sh"

# Long enough to be killed mid-way; no pcaps, to spare the disk.
LONG="--duration 1000s --set demo.udp.rate=1000000pps --capture none --quiet"

pid=
trap '[ -n "$pid" ] && kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT

# start_long NAME: start a long run into $T/NAME; returns (pid set) a
# second after its temporary directory appeared, with events running.
start_long()
{
	"$SIM" "$DEMO" --out "$T/$1" $LONG >"$T/long.out" 2>"$T/long.err" &
	pid=$!
	i=0
	until [ -d "$T/.$1.tmp.$pid" ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || fail "run did not start"
		kill -0 $pid 2>/dev/null || fail "run ended early"
		sleep 0.1
	done
	sleep 1
	kill -0 $pid 2>/dev/null || fail "run ended early"
	[ -f "$T/.$1.tmp.$pid/timeseries.csv" ] || fail "run not under way"
}

# stop SIG: kill the run and wait for it; sets rc.
stop()
{
	kill -"$1" $pid
	wait $pid 2>/dev/null
	rc=$?
	pid=
}

snapshot()
{
	(cd "$T/$1" && find . -type f | sort | xargs md5sum)
}

expect_rc 0 "$SIM" "$DEMO" --out "$T/r" --quiet
snapshot r >"$T/before"

start_long r
stop TERM
no_sanitizer_report "$T/long.err"
[ $rc -eq 1 ] || fail "SIGTERM: exit $rc, expected 1"
grep -q "interrupted; no results written" "$T/long.err" ||
    fail "SIGTERM: no message"
snapshot r >"$T/after"
cmp -s "$T/before" "$T/after" || fail "SIGTERM: old results changed"
[ "$(tmpdirs "$T" r)" -eq 0 ] || fail "SIGTERM: temporary directory left"
ok "SIGTERM keeps the old results and cleans up"

start_long r
stop KILL
[ $rc -eq 137 ] || fail "SIGKILL: exit $rc, expected 137"
snapshot r >"$T/after"
cmp -s "$T/before" "$T/after" || fail "SIGKILL: old results changed"
ok "SIGKILL keeps the old results"

start_long new
stop TERM
no_sanitizer_report "$T/long.err"
[ ! -e "$T/new" ] || fail "SIGTERM: results directory exists"
[ "$(tmpdirs "$T" new)" -eq 0 ] || fail "SIGTERM: temporary directory left"
start_long new
stop KILL
[ ! -e "$T/new" ] || fail "SIGKILL: results directory exists"
[ "$(tmpdirs "$T" new)" -eq 1 ] || fail "SIGKILL: expected one stale tmp"
ok "a killed first run leaves no results directory"

# The next complete run clears the leftovers of dead runs.
expect_rc 0 "$SIM" "$DEMO" --out "$T/new" --quiet
[ "$(tmpdirs "$T" new)" -eq 0 ] || fail "stale temporary directory kept"
[ "$(tmpdirs "$T" r)" -eq 1 ] || fail "r's stale tmp gone too early"
expect_rc 0 "$SIM" "$DEMO" --out "$T/r" --quiet
[ "$(tmpdirs "$T" r)" -eq 0 ] || fail "stale temporary directory kept"
has "$T/new/summary.json" '      "received": 1000,'
ok "the next run clears stale temporary directories"
