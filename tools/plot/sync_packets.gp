# tools/plot/sync_packets.gp: (b) pfsync packets per forwarded packet
# (totals.sync_packets / totals.data_packets, both firewalls) against the
# offered rate, one curve per pfsync engine; median and quartiles over
# seeds.
#   gnuplot -e "data='sync_packets.csv'; out='sync_packets'; caption='...'" sync_packets.gp
# data: curve_no,curve,x,xname,n,min,q1,median,q3,max (tools/report/report).
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "sync_packets.csv"
ftitle = "pfsync packets per forwarded packet (split TCP flow)"
xlab = "offered rate (TCP segments/s, log scale; k = 1000)"
ylab = "pfsync packets / forwarded packet (log scale)"
xlog = 1
ylog = 1
xticsdata = 1
load plotdir."/curves.gp"
