# tools/plot/threshold_intrate.gp: (c) the stall threshold of the split
# flow (pfsync v5, defer_kick on both firewalls) against the firewalls'
# NIC interrupt limit (nic.int_rate on both), one ./sim threshold per
# value; the bar is the bracket [threshold, next rate measured).
#   gnuplot -e "data='threshold_intrate.csv'; out='threshold_intrate'; caption='...'" threshold_intrate.gp
# data: see thresholds.gp (x: interrupts/s; "unthrottled" placed right of
# the highest limit).
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "threshold_intrate.csv"
ftitle = "Stall threshold against NIC interrupt mitigation (pfsync v5)"
xlab = "NIC interrupt limit on both firewalls (interrupts/s per NIC, log scale; k = 1000)"
ylab = "threshold (TCP segments/s)"
xlog = 1
load plotdir."/thresholds.gp"
