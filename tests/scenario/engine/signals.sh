#!/bin/sh
# SIGHUP stops a run as SIGTERM and SIGINT do, and a signal at any moment,
# from the very start through the world build into the event loop, leaves
# no hidden ".NAME.tmp.*" behind and the old results byte for byte. A
# SIGHUP that was ignored when pfsim started (nohup) stays ignored.
. "$(dirname "$0")/lib.sh"

pid=
trap '[ -n "$pid" ] && kill -KILL $pid 2>/dev/null; rm -rf "$T"' EXIT

# A world that takes a while to build: one pf rule that expands to 32^3
# rules. (Where that is refused, the many_flows scenario instead.)
list()
{
	i=1
	sep=
	while [ $i -le 32 ]; do
		printf '%s%s%s' "$sep" "$1" $i
		sep=', '
		i=$((i + 1))
	done
}
cat >"$T/big.conf" <<EOC
[sim]
capture = none
[net x]
[net y]
[firewall fwA]
nets  = x y
rules = block
        pass proto tcp from { $(list 10.0.0.) } to { $(list 10.1.0.) } port { $(list 60) } keep state
[host x1]
net = x
[host y1]
net = y
[flow f]
proto = udp
from  = x1
to    = y1
rate  = 1000pps
EOC
S=$T/big.conf
"$SIM" "$S" --out "$T/r" --duration 10ms --quiet >"$T/out" 2>"$T/err" || {
	grep -q rules "$T/err" || fail "big.conf: $(cat "$T/err")"
	S=$SRC/scenarios/many_flows.conf
	echo "note: 32^3 rules refused; using $S"
	expect_rc 0 "$SIM" "$S" --out "$T/r" --duration 10ms --quiet
}
snapshot()
{
	(cd "$T/r" && find . -type f | sort | xargs cksum)
}
snapshot >"$T/before"

# Signal SIG after DELAY seconds, then check what is left.
n_build=0 n_loop=0 n_early=0
for delay in 0 0.002 0.01 0.03 0.06 0.1 0.15 0.25 0.5; do
	for sig in HUP TERM; do
		"$SIM" "$S" --out "$T/r" --duration 1000s --quiet \
		    >"$T/run.out" 2>"$T/run.err" &
		pid=$!
		sleep $delay
		kill -$sig $pid 2>/dev/null
		wait $pid
		rc=$?
		pid=
		no_sanitizer_report "$T/run.err"
		case $rc in
		1)	grep -q "interrupted; no results written (SIG$sig" \
			    "$T/run.err" ||
			    fail "$sig at ${delay}s: $(cat "$T/run.err")"
			if grep -q "while building" "$T/run.err"; then
				n_build=$((n_build + 1))
			else
				n_loop=$((n_loop + 1))
			fi ;;
		129|143) n_early=$((n_early + 1)) ;;	# before the handlers
		*)	fail "$sig at ${delay}s: exit $rc: $(cat "$T/run.err")" ;;
		esac
		[ "$(tmpdirs "$T" r)" -eq 0 ] ||
		    fail "$sig at ${delay}s: $(find "$T" -name '.r.tmp*')"
		snapshot >"$T/after"
		cmp -s "$T/before" "$T/after" ||
		    fail "$sig at ${delay}s: old results changed"
	done
done
ok "SIGHUP and SIGTERM at 9 moments each: nothing left, old results kept" \
    "($n_early before the handlers, $n_build in the build, $n_loop running)"

# nohup: an ignored SIGHUP stays ignored; SIGTERM still stops the run.
(trap '' HUP; exec "$SIM" "$S" --out "$T/r" --duration 1000s --quiet \
    >"$T/run.out" 2>"$T/run.err") &
pid=$!
# Signal once the run is under way (its temporary directory exists), not
# after a fixed sleep that a busy machine could outrun.
i=0
while [ "$(tmpdirs "$T" r)" -eq 0 ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ $i -lt 600 ] || fail "nohup run: no temporary directory within 60 s"
kill -HUP $pid
sleep 0.3
kill -0 $pid 2>/dev/null || fail "an ignored SIGHUP stopped the run"
kill -TERM $pid
wait $pid
rc=$?
pid=
[ $rc -eq 1 ] || fail "SIGTERM after an ignored SIGHUP: exit $rc"
[ "$(tmpdirs "$T" r)" -eq 0 ] || fail "nohup run: temporary directory left"
ok "an ignored SIGHUP (nohup) stays ignored"
