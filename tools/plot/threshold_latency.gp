# tools/plot/threshold_latency.gp: (d) the stall threshold of the split
# flow (pfsync v5, defer_kick) against path latency: the data nets'
# (net.x.delay = net.y.delay) and the sync net's (net.sync.delay), one
# curve each, one ./sim threshold per value.
#   gnuplot -e "data='threshold_latency.csv'; out='threshold_latency'; caption='...'" threshold_latency.gp
# data: see thresholds.gp (x: microseconds).
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "threshold_latency.csv"
ftitle = "Stall threshold against path latency (pfsync v5)"
xlab = "net.delay of the varied net(s), one way (microseconds, log scale)"
ylab = "threshold (TCP segments/s)"
xlog = 1
load plotdir."/thresholds.gp"
