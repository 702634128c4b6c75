# Linux's TCP split across the cluster (iperf3 at 20 Mbit/s for 5 s):
# with pfsync v5 it gets the rate it asks for; with v4 it stalls, as
# pfsim's own TCP does (asym_tcp_v4.conf): pf drops what lies beyond the
# window it learnt ("BAD state").
. "$(dirname "$0")/lib.sh"
RUN=v5
run v5 "$S/emu_asym_tcp.conf"
check "v5: iperf3 receives at least 90% of 20 Mbit/s" \
    "$(emu y1 .program.iperf3_goodput_mbit) >= 18"
check "v5: no BAD state" \
    "$(fw v5 fwA .pf.state_mismatch) + $(fw v5 fwB .pf.state_mismatch) == 0"
RUN=v4
run v4 "$S/emu_asym_tcp_v4.conf"
check "v4: iperf3 receives under 20% of it" \
    "$(emu y1 .program.iperf3_goodput_mbit) < 4"
check "v4: pf drops with BAD state" \
    "$(fw v4 fwA .pf.state_mismatch) + $(fw v4 fwB .pf.state_mismatch) > 0"
