# tools/plot/cpu.gp: (e) CPU busy of the busiest firewall (cpu_busy_max:
# interrupt, softnet, softclock and process time over the run) against
# the offered rate, with pfsync v5 and without pfsync; median and
# quartiles over seeds.
#   gnuplot -e "data='cpu_busy.csv'; out='cpu_busy'; caption='...'" cpu.gp
# data: curve_no,curve,x,xname,n,min,q1,median,q3,max (tools/report/report).
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "cpu_busy.csv"
ftitle = "CPU load of the busiest firewall"
xlab = "offered rate (TCP segments/s, log scale; k = 1000)"
ylab = "CPU busy, busiest firewall (fraction of time)"
xlog = 1
ratio = 1
xticsdata = 1
load plotdir."/curves.gp"
