# tools/plot/sync_bytes.gp: (b) pfsync bytes per forwarded packet
# (totals.sync_bytes / totals.data_packets, both firewalls) against the
# offered rate, one curve per pfsync engine; median and quartiles over
# seeds.
#   gnuplot -e "data='sync_bytes.csv'; out='sync_bytes'; caption='...'" sync_bytes.gp
# data: curve_no,curve,x,xname,n,min,q1,median,q3,max (tools/report/report).
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "sync_bytes.csv"
ftitle = "pfsync bytes per forwarded packet (split TCP flow)"
xlab = "offered rate (TCP segments/s, log scale; k = 1000)"
ylab = "pfsync bytes / forwarded packet (log scale)"
xlog = 1
ylog = 1
xticsdata = 1
load plotdir."/curves.gp"
