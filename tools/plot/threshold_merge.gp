# tools/plot/threshold_merge.gp: (d) the stall threshold of the split
# flow (pfsync v5, defer_kick) for each TCP merge policy
# (pfsync.merge = seed, peer, field on both firewalls), one curve per NIC
# interrupt limit, one ./sim threshold per point.
#   gnuplot -e "data='threshold_merge.csv'; out='threshold_merge'; caption='...'" threshold_merge.gp
# data: see thresholds.gp (x: 1, 2, 3 with the policy as xname).
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "threshold_merge.csv"
ftitle = "Stall threshold against the TCP merge policy (pfsync v5)"
xlab = "pfsync.merge on both firewalls"
ylab = "threshold (TCP segments/s)"
categorical = 1
load plotdir."/thresholds.gp"
