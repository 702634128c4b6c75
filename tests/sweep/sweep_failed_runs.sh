#!/bin/sh
# ./sim sweep over asym_tcp (1 s) with 2 rates x 2 seeds and one invalid
# rate in the list: exactly the invalid rate's runs fail, with pfsim's
# own error text in sweep.csv, the others are ok with numbers that agree
# with their summary.json, and sweep exits 1 naming the failures.
#   sh sweep_failed_runs.sh PFSIM SRCDIR PFSIM-SWEEP
. "$2/tests/scenario/lib.sh"
SWEEP=${3:?usage: $0 PFSIM SRCDIR PFSIM-SWEEP}
export PFSIM="$SIM"
D=$T/sweep

$TO "$SWEEP" sweep "$S/asym_tcp.conf" \
    --vary flow.bulk.rate=1000pps,bogus,3000pps --seeds 2 --duration 1s \
    --jobs 2 --out "$D" >"$T/out" 2>"$T/err"
rc=$?
sed 's/^/  sweep: /' "$T/out" "$T/err"
check "sweep exits 1 when a run failed" "$rc == 1"
grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$T/err" "$D"/runs/*.err &&
    fail "sanitizer report"

# pfsim's own message for the invalid value, as a CSV field
"$SIM" "$S/asym_tcp.conf" --set flow.bulk.rate=bogus --duration 1s \
    --out "$T/bogus" --quiet >/dev/null 2>"$T/bogus.err"
check "pfsim refuses the value with exit 2" "$? == 2"
msg=$(sed -n 1p "$T/bogus.err")
[ -n "$msg" ] || fail "pfsim said nothing"
q=\"$(printf '%s' "$msg" | sed 's/"/""/g')\"

check "plan.csv: a header and 6 runs" "$(wc -l <"$D/plan.csv") == 7"
head -1 "$D/sweep.csv" | grep -qx 'run,flow.bulk.rate,seed,status,error,offered_pps,delivered_pps,goodput_bps,retransmits,timeouts,state_mismatch,sync_packets,data_packets,sync_packet_ratio,cpu_busy_max' ||
    fail "sweep.csv header: $(head -1 "$D/sweep.csv")"
check "sweep.csv: a header and 6 runs" "$(wc -l <"$D/sweep.csv") == 7"
check "2 runs failed" "$(grep -c ',failed,' "$D/sweep.csv") == 2"
for run in 0003 0004; do
	line=$(grep "^$run," "$D/sweep.csv")
	seed=$(( ${run#000} - 2 ))
	[ "$line" = "$run,bogus,$seed,failed,$q,,,,,,,,,," ] ||
	    fail "run $run: $line (expected pfsim's error $q)"
	grep -q "^  $run (flow.bulk.rate=bogus, seed $seed): " "$T/err" ||
	    fail "run $run not listed as failed"
done
ok "the runs of 'bogus' failed with pfsim's error text"

# the others: ok, numbers present, sane and those of their summary.json
for run in 0001 0002 0005 0006; do
	line=$(grep "^$run," "$D/sweep.csv")
	echo "  $line"
	echo "$line" | awk -F, '
	    NF != 15 || $4 != "ok" || $5 != "" { exit 1 }
	    { for (i = 6; i <= 15; i++) if ($i !~ /^-?[0-9.e+-]+$/) exit 1 }
	    { r = $2; sub(/pps$/, "", r) }
	    $6 < 0 || $6 > 1.02 * r + 1 { exit 1 }	# offered
	    $7 < 0 || $7 > $6 + 1 { exit 1 }		# delivered
	    $12 <= 0 || $13 < 1 { exit 1 }		# sync, data packets
	    $15 < 0 || $15 > 1 { exit 1 }		# cpu busy' ||
	    fail "run $run: not ok or not sane: $line"
	j=$D/runs/$run/summary.json
	want=$(jq -r '[.flows[0].delivered_pps, .totals.sync_packets,
	    ([.firewalls[].pf.state_mismatch] | add)] | map(tostring) |
	    join(",")' "$j")
	got=$(echo "$line" | awk -F, '{ print $7 "," $12 "," $11 }')
	[ "$want" = "$got" ] || fail "run $run: $got, summary.json: $want"
done
ok "the other runs are ok and agree with their summary.json"
