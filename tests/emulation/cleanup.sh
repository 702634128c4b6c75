# Nothing is left behind: after SIGINT in the middle of a run (no
# results, namespaces and scratch directories removed), and after a run
# killed with SIGKILL (its namespaces stay) once the next emulating run
# has started (it removes them).
. "$(dirname "$0")/lib.sh"
# wait_ns PID: until run PID's namespaces exist (10 s at most).
wait_ns()
{
	k=0
	while [ "$(ip netns list | grep -c "^pfsim-$1-")" -lt 2 ]; do
		k=$((k + 1))
		[ $k -gt 100 ] && fail "run $1 made no namespaces"
		sleep 0.1
	done
}
# (A background job starts with SIGINT ignored, and pfsim leaves an
# ignored signal ignored: env gives it back its default.)
env --default-signal=INT "$SIM" "$S/emu_asym_tcp.conf" --out "$T/int" \
    --quiet 2>"$T/int.err" &
pid=$!
wait_ns $pid
sleep 1
kill -INT $pid
wait $pid && fail "an interrupted run exited 0"
grep -q interrupted "$T/int.err" || fail "no word of the interrupt"
[ -e "$T/int" ] && fail "an interrupted run left results"
check "SIGINT: namespaces and scratch directories removed" \
    "$(nsleft $pid) == 0"

"$SIM" "$S/emu_asym_tcp.conf" --out "$T/kill" --quiet 2>/dev/null &
pid=$!
wait_ns $pid
sleep 1
kill -KILL $pid
wait $pid
check "SIGKILL: the run's namespaces stay" "$(nsleft $pid) >= 2"
# The next run that emulates removes them (a 1 s run suffices).
run next "$S/emu_asym_tcp.conf" --duration 1s
check "the next run removed them" "$(nsleft $pid) == 0"
