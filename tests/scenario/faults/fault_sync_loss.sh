# fault_sync_loss.conf: 2% independent loss on the sync net does not hurt
# a v5 split flow at 2000 pps (every update repeats the whole state);
# bursts of the same long-run rate can lose every update of a stretch
# and stall it for good (nothing repeats a lost update, and a blocked
# flow makes no new ones).
. "$(dirname "$0")/../lib.sh"
stalled=0
for seed in 1 2 3 4 5; do
	run i$seed "$S/fault_sync_loss.conf" --seed $seed
	check "seed $seed, 2% loss: full rate" \
	    "$(j i$seed '.flows[0].delivered_pps') >= 0.99 * 2000"
	check "seed $seed, 2% loss: frames were lost" \
	    "$(j i$seed '.nets[] | select(.name == "sync") | .drops.loss') > 100"
	check "seed $seed, 2% loss: no state mismatch" \
	    "$(j i$seed '[.firewalls[].pf.state_mismatch] | add') == 0"
	run b$seed "$S/fault_sync_loss.conf" --seed $seed \
	    --set net.sync.loss_burst=20
	[ "$(tsum b$seed flow_bulk_goodput_bps 9 10)" -eq 0 ] &&
	    stalled=$((stalled + 1))
done
echo "info: bursts of 20: $stalled of 5 seeds stalled for good"
check "bursts of 20 frames stall the split flow in some seeds" \
    "$stalled >= 1"
check "a stall is a state mismatch at fwA (seed 1)" \
    "$(j b1 '.firewalls[0].pf.state_mismatch') > 0 || $stalled < 5"
