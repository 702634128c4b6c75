# tools/plot/goodput.gp: (a) goodput of the split flow as a fraction of
# the one-firewall baseline against the offered rate, one curve per
# pfsync engine: per seed the split run's delivered pps over the
# baseline's (same rate, same seed), median and quartiles over seeds.
#   gnuplot -e "data='goodput_ratio.csv'; out='goodput_ratio'; caption='...'" goodput.gp
# data: curve_no,curve,x,xname,n,min,q1,median,q3,max (tools/report/report).
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "goodput_ratio.csv"
ftitle = "Split TCP flow: goodput relative to one firewall"
xlab = "offered rate (TCP segments/s, log scale; k = 1000)"
ylab = "delivered rate, split / one firewall (ratio)"
ratio = 1
xlog = 1
xticsdata = 1
load plotdir."/curves.gp"
