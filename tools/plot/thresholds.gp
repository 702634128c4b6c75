# tools/plot/thresholds.gp: stall thresholds (./sim threshold) with their
# brackets, one curve per group. Loaded by the threshold figure scripts
# after common.gp and their labels; draws nothing on its own.
#
# data: a CSV with a header line and the columns
#   curve_no,curve,x,xname,kind,flagged,lo,hi,y,ylo,yhi,seeds
# (tools/report/report writes it from each threshold.txt): kind is "at"
# (threshold lo, the true one in [lo, hi)), "below" (below the lowest
# rate measured, hi; bracket [0, hi)) or "above" (above the highest, lo;
# hi empty); flagged 1 when the median curve is not monotone; y, ylo, yhi
# what is drawn: the point and its bar. A point below the lowest rate is
# a triangle down, one above the highest a triangle up, in its curve's
# colour; a flagged one is ringed.
#
# Set before loading (all optional): ftitle, xlab, ylab; xlog (1 log x,
# 0 linear, -1 auto); categorical (x is 1..K, tics the xname labels).
# The x tics are the data's x, labelled with xname.
if (!exists("ftitle")) ftitle = ""
if (!exists("xlab")) xlab = ""
if (!exists("ylab")) ylab = "threshold (TCP segments/s)"
if (!exists("xlog")) xlog = -1
if (!exists("categorical")) categorical = 0

set title ftitle
set xlabel xlab
set ylabel ylab

stats data skip 1 using 1 nooutput
N = int(STATS_max)
array C[N]
stats data skip 1 using (C[int($1)] = strcol(2), $1) nooutput
stats data skip 1 using 3 nooutput
xmin = STATS_min
xmax = STATS_max
if (xlog < 0) xlog = (!categorical && xmin > 0 && xmax >= 20 * xmin) ? 1 : 0
if (categorical) {
	set xrange [xmin - 0.5 : xmax + 0.5]
	dodge_log = 0
	dodge_step = 0.12
} else {
	if (xlog) {
		set logscale x
		set xrange [xmin / 1.3 : xmax * 1.3]
		dodge_log = 1
		dodge_step = 0.04
	} else {
		xpad = (xmax > xmin) ? 0.06 * (xmax - xmin) : 1
		set xrange [xmin - xpad : xmax + xpad]
		dodge_log = 0
		dodge_step = 0.01 * (xmax - xmin)
	}
}
xt_ = ""
stats data skip 1 using (xt_ = xt_.sprintf('"%s" %.17g,', strcol(4), $3), 0) nooutput
eval "set xtics (".xt_[1:strlen(xt_) - 1].")"
unset mxtics

# How many points of each kind (the legend lists only those present).
stats data skip 1 using (strcol(5) eq "below" ? 1 : 0) nooutput
nbelow = int(STATS_sum)
stats data skip 1 using (strcol(5) eq "above" ? 1 : 0) nooutput
nabove = int(STATS_sum)
stats data skip 1 using 6 nooutput
nflag = int(STATS_sum)

# y from 0 (a "below" bar starts there) to above the highest bar end.
stats data skip 1 using 11 nooutput
ytop = STATS_max
set yrange [0 : (ytop > 0 ? ytop * 1.12 : 1000)]
set format y "%.0f"

# Categories are not joined by lines.
sty_ = categorical ? "points" : "linespoints"
lsty_ = categorical ? "points pt -1" : "lines"
plot for [i = 1:N] data skip 1 using (column(1) == i ? dodge($3, i, N) : NaN):9:10:11 \
	with yerrorbars lt i dt solid pt -1 notitle, \
     for [i = 1:N] data skip 1 using (column(1) == i ? dodge($3, i, N) : NaN):9 \
	with @lsty_ lt i notitle, \
     for [i = 1:N] data skip 1 using (column(1) == i && strcol(5) eq "at" ? dodge($3, i, N) : NaN):9 \
	with @sty_ lt i title C[i], \
     for [i = 1:N] data skip 1 using (column(1) == i && strcol(5) eq "below" ? dodge($3, i, N) : NaN):9 \
	with points lt i pt 11 ps (2.2 * psk) notitle, \
     for [i = 1:N] data skip 1 using (column(1) == i && strcol(5) eq "above" ? dodge($3, i, N) : NaN):9 \
	with points lt i pt 9 ps (2.2 * psk) notitle, \
     data skip 1 using (column(6) > 0 ? dodge($3, column(1), N) : NaN):9 \
	with points pt 6 ps (3.5 * psk) lw 1.5 lc rgb '#777777' \
	title (nflag > 0 ? "flagged: median not monotone" : ""), \
     NaN with points pt 11 ps (2.2 * psk) lc rgb '#000000' \
	title (nbelow > 0 ? "below the lowest rate measured" : ""), \
     NaN with points pt 9 ps (2.2 * psk) lc rgb '#000000' \
	title (nabove > 0 ? "above the highest rate measured" : "")
@RENDER
