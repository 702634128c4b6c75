#!/bin/sh
# ./sim sweep --emit-jobs, the job file run by GNU parallel (and the
# Slurm script run by hand, as each array task would), then --collate:
# sweep.csv is the one of a direct sweep of the same grid (runs are
# deterministic per seed). Skipped (77) without GNU parallel.
#   sh sweep_emit_collate.sh PFSIM SRCDIR PFSIM-SWEEP
. "$2/tests/scenario/lib.sh"
SWEEP=${3:?usage: $0 PFSIM SRCDIR PFSIM-SWEEP}
export PFSIM="$SIM"
command -v parallel >/dev/null || { echo "SKIP: GNU parallel missing"; exit 77; }
grid="--vary flow.bulk.rate=1000:3000:2000pps
    --vary firewall.fwA.nic.int_rate=4000,8000 --seeds 2 --duration 1s"

$TO "$SWEEP" sweep "$S/asym_tcp.conf" $grid --jobs 2 --out "$T/direct" \
    >"$T/direct.out" 2>&1
check "the direct sweep ran (exit 0)" "$? == 0"

$TO "$SWEEP" sweep "$S/asym_tcp.conf" $grid --out "$T/par" \
    --emit-jobs "$T/jobs" >"$T/emit.out" 2>&1
check "--emit-jobs exits 0" "$? == 0"
cat "$T/emit.out"
[ ! -e "$T/par/sweep.csv" ] && [ ! -d "$T/par/runs/0001" ] ||
    fail "--emit-jobs ran something"
check "8 jobs" "$(wc -l <"$T/jobs") == 8"
grep -qv "^$SIM " "$T/jobs" && fail "a job does not start with $SIM"
grep -qx '#SBATCH --array=1-8' "$T/jobs.sbatch" || fail "no Slurm array"
cmp -s "$T/direct/plan.csv" "$T/par/plan.csv" &&
    fail "plan.csv names no run directory"

(cd / && $TO parallel --jobs 2 <"$T/jobs") >"$T/parallel.out" 2>&1
check "parallel ran every job (exit 0)" "$? == 0"
$TO "$SWEEP" sweep --collate "$T/par" >"$T/collate.out" 2>&1
check "--collate exits 0" "$? == 0"
cat "$T/collate.out"
cmp "$T/direct/sweep.csv" "$T/par/sweep.csv" ||
    fail "sweep.csv differs: $(diff "$T/direct/sweep.csv" "$T/par/sweep.csv")"
ok "parallel + --collate gives the sweep.csv of the direct sweep"

# The Slurm script: each array task runs its line of the job file.
$TO "$SWEEP" sweep "$S/asym_tcp.conf" $grid --out "$T/slurm" \
    --emit-jobs "$T/sjobs" --jobs 3 >/dev/null 2>&1 || fail "emit for Slurm"
grep -qx '#SBATCH --array=1-8%3' "$T/sjobs.sbatch" || fail "no throttle"
for i in 1 2 3 4 5 6 7 8; do
	(cd / && SLURM_ARRAY_TASK_ID=$i $TO sh "$T/sjobs.sbatch") ||
	    fail "array task $i"
done
"$SWEEP" sweep --collate "$T/slurm" >/dev/null 2>&1 || fail "collate"
cmp "$T/direct/sweep.csv" "$T/slurm/sweep.csv" || fail "Slurm: differs"
ok "the Slurm array tasks + --collate give the same sweep.csv"

# A run that never ran: collated as failed, "no summary.json".
rm -rf "$T/slurm/runs/0002" "$T/slurm/runs/0002.err"
"$SWEEP" sweep --collate "$T/slurm" >/dev/null 2>"$T/c.err"
check "--collate exits 1 with a missing run" "$? == 1"
grep -qx '0002,1000pps,4000,2,failed,no summary.json,,,,,,,,,,' "$T/slurm/sweep.csv" ||
    fail "missing run: $(grep ^0002 "$T/slurm/sweep.csv")"
ok "a missing run is failed with 'no summary.json'"
