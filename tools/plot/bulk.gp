# tools/plot/bulk.gp: (f) how long a joining firewall takes to get the
# table by bulk update, against the number of states on the firewall it
# joins (scenarios/bulk_join.conf, shortened), for both bulk pacings;
# median and quartiles over seeds, with the pacing's arithmetic (one
# packet of 5 states per 10 ms tick: states / 500 s) as a line.
#   gnuplot -e "data='bulk_time.csv'; out='bulk_time'; caption='...'" bulk.gp
# data: curve_no,curve,x,xname,n,min,q1,median,q3,max (tools/report/report).
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "bulk_time.csv"
ftitle = "Bulk update of a joining firewall"
xlab = "states on the firewall joined (log scale)"
ylab = "seconds from the joiner's boot (log scale)"
xlog = 1
ylog = 1
xticsdata = 1
extra = ", x / 500.0 with lines lc rgb '#777777' lw 1 dt (6,4) title 'states / 500 s (tick pacing)'"
load plotdir."/curves.gp"
