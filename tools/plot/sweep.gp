# tools/plot/sweep.gp: one column of a sweep.csv against one varied key,
# median and quartiles over seeds, one curve per value of the other
# varied keys (./sim plot SWEEP_DIR; tools/report/plot-sweep computes the
# data and passes the labels).
#   gnuplot -e "data='plot.csv'; out='plot'; ftitle='...'; xlab='...'; ylab='...'; caption='...'" sweep.gp
# Optional: xlog (1, 0, -1 auto), ylog, ratio, categorical (see curves.gp).
# data: curve_no,curve,x,xname,n,min,q1,median,q3,max.
plotdir = "."; do for [k_ = 1:strlen(ARG0)] { if (ARG0[k_:k_] eq "/") { plotdir = ARG0[1:k_ - 1] } }
load plotdir."/common.gp"
if (!exists("data")) data = "plot.csv"
if (!exists("ftitle")) ftitle = "sweep"
if (!exists("categorical")) categorical = 0
if (!exists("xticsdata")) xticsdata = 1
load plotdir."/curves.gp"
