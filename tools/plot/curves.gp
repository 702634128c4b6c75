# tools/plot/curves.gp: medians with quartile bars, one curve per group.
# Loaded by the figure scripts after common.gp and their labels; draws
# nothing on its own.
#
# data: a CSV with a header line and the columns
#   curve_no,curve,x,xname,n,min,q1,median,q3,max
# (tools/report/quartiles.awk writes it): curve_no numbers the curves
# 1..N in legend order, curve is the legend text, x the position, xname
# the tic label at x, and the rest the statistics over seeds.
#
# Set before loading (all optional):
#   ftitle, xlab, ylab  title and axis labels
#   xlog    1 log x, 0 linear, -1 (default) log when x > 0 spans 20x
#   ylog    1 log y (bars reaching 0 are cut at the bottom)
#   ratio   1: y from 0 to 1.1 (a little below 0, so that points at 0
#           stay off the axis), or higher when a quartile is above 1
#   categorical  1: x is 1..K, the tics are the xname labels
#   xticsdata    1: tics at the data's x, labelled with xname
#   extra   more plot elements, appended to the plot command as a macro
#           (", f(x) with lines title '...'")
if (!exists("ftitle")) ftitle = ""
if (!exists("xlab")) xlab = ""
if (!exists("ylab")) ylab = ""
if (!exists("xlog")) xlog = -1
if (!exists("ylog")) ylog = 0
if (!exists("ratio")) ratio = 0
if (!exists("categorical")) categorical = 0
if (!exists("xticsdata")) xticsdata = categorical
if (!exists("extra")) extra = ""

set title ftitle
set xlabel xlab
set ylabel ylab

# The curves and their names, from the data.
stats data skip 1 using 1 nooutput
N = int(STATS_max)
array C[N]
stats data skip 1 using (C[int($1)] = strcol(2), $1) nooutput
stats data skip 1 using 3 nooutput
xmin = STATS_min
xmax = STATS_max
if (xlog < 0) xlog = (xmin > 0 && xmax >= 20 * xmin) ? 1 : 0

# x: log or linear, a margin on both sides, the curves dodged.
if (categorical) {
	set xrange [xmin - 0.5 : xmax + 0.5]
	dodge_log = 0
	dodge_step = (N > 7) ? 0.7 / N : 0.1
} else {
	if (xlog) {
		set logscale x
		set mxtics 10
		set xrange [xmin / 1.25 : xmax * 1.25]
		dodge_log = 1
		dodge_step = (N > 5) ? 0.175 / N : 0.035
	} else {
		xpad = (xmax > xmin) ? 0.05 * (xmax - xmin) : 1
		set xrange [xmin - xpad : xmax + xpad]
		dodge_log = 0
		dodge_step = 0.008 * (xmax - xmin)
	}
}
if (xticsdata) {
	xt_ = ""
	stats data skip 1 using (xt_ = xt_.sprintf('"%s" %.17g,', strcol(4), $3), 0) nooutput
	eval "set xtics (".xt_[1:strlen(xt_) - 1].")"
	unset mxtics
}

# y: never clip a bar. q1 is the lowest value drawn, q3 the highest.
stats data skip 1 using 9 nooutput
ymax = STATS_max
stats data skip 1 using 7 nooutput
ymin = STATS_min
if (ylog) {
	stats data skip 1 using ($7 > 0 ? $7 : ($8 > 0 ? $8 : NaN)) nooutput
	ymin = STATS_min
	set logscale y
	set format y "%g"
	set yrange [ymin / 1.6 : ymax * 1.6]
} else {
	if (ratio) {
		set yrange [-0.03 : (ymax > 1.02 ? ymax * 1.08 : 1.1)]
	} else {
		y0_ = (ymin >= 0) ? 0 : ymin - 0.08 * (ymax - ymin)
		y1_ = ymax + 0.08 * (ymax - y0_)
		if (y1_ <= y0_) y1_ = y0_ + 1
		set yrange [y0_ : y1_]
	}
}

# Categories are not joined by lines.
sty_ = categorical ? "points" : "linespoints"
plot for [i = 1:N] data skip 1 using (column(1) == i ? dodge($3, i, N) : NaN):8:7:9 \
	with yerrorbars lt i dt solid notitle, \
     for [i = 1:N] data skip 1 using (column(1) == i ? dodge($3, i, N) : NaN):8 \
	with @sty_ lt i title C[i] @extra
@RENDER
