# Bounded resources: each limit, when reached, is counted and reported,
# never a crash or a hang; a scenario that may need more memory than
# sim.mem_limit is refused (exit 2).
. "$(dirname "$0")/../lib.sh"
run ev "$S/fault_ev_limit.conf"
check "ev_limit: events refused and counted" \
    "$(j ev '.engine.event_limit_drops') > 0"
grep -q "warning: sim.ev_limit reached" "$T/ev.out" ||
    fail "ev_limit: no warning in the summary"
ok "ev_limit: warning in the summary"
check "ev_limit: the firewalls still forward" \
    "$(j ev '[.firewalls[].forwarded] | add') > 10000"

run pkt "$S/fault_pkt_limit.conf"
check "pkt_limit: allocations refused and counted" \
    "$(j pkt '.engine.pkt_alloc_failures') > 0"
check "pkt_limit: never more than 1024 alive" "$(j pkt '.engine.pkt_peak') <= 1024"
grep -q "warning: sim.pkt_limit reached" "$T/pkt.out" ||
    fail "pkt_limit: no warning in the summary"
ok "pkt_limit: warning in the summary"

run st "$S/fault_state_limit.conf"
check "pf.states: never more than the limit" \
    "$(j st '[.firewalls[].pf.states_peak] | max') <= 100"
check "pf.states: packets dropped for want of a state (pf_memory)" \
    "$(fw st fwA '.drops.pf_memory') > 0 &&
     $(fw st fwA '.pf.counters.memory') == $(fw st fwA '.drops.pf_memory')"
grep -q "state table full" "$T/st.out" || fail "pf.states: not in the summary"
ok "pf.states: reported in the summary"
check "pf.states: some connections still complete" \
    "$(j st '.flows[0].connections.completed') > 0"

refuse()
{
	desc=$1
	shift
	$TO "$SIM" "$S/asym_tcp.conf" --out "$T/mem" --quiet "$@" \
	    >"$T/mem.out" 2>"$T/mem.err"
	rc=$?
	[ $rc -eq 2 ] || fail "$desc: exit $rc, want 2"
	grep -q "sim.mem_limit" "$T/mem.err" ||
	    fail "$desc: no sim.mem_limit in: $(cat "$T/mem.err")"
	[ -e "$T/mem" ] && fail "$desc: a results directory was left"
	ok "$desc: refused: $(cat "$T/mem.err")"
}
refuse "100M states per firewall under the default 8GB" \
    --set firewall.fwA.pf.states=100000000
refuse "the default limits under 100MB" --set sim.mem_limit=100MB
run fits "$S/asym_tcp.conf" --duration 1s --capture none \
    --set sim.mem_limit=100MB --set sim.pkt_limit=10000 \
    --set sim.ev_limit=100000
ok "lowered limits fit in 100MB"
