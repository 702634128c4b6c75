# gnuplot -e "dir='DIR'" tools/plot/goodput.gp
# Goodput of the split flow as a fraction of the one-firewall baseline
# (median over seeds, bars from the first to the third quartile) against
# the paced rate, for each pfsync engine, and pfsync packets per
# forwarded packet (median, quartile bars). Reads DIR/ENGINE.csv written
# by tools/figures; the legend sits outside the plot, hiding no curve.
if (!exists("dir")) dir = "results/figures"
set terminal svg size 1000,600 dynamic font "sans,12"
set termoption noenhanced
set datafile separator ","
set logscale x
set grid
set key outside right top box
set xlabel "offered rate (TCP segments/s, log scale)"
f(e) = dir."/".e.".csv"

set output dir."/goodput_ratio.svg"
set ylabel "delivered pps, split / one firewall"
set yrange [0:1.1<*]
plot f("v5") skip 1 using 1:3:2:4 title "v5" with yerrorlines lw 2, \
     f("v4") skip 1 using 1:3:2:4 title "v4" with yerrorlines lw 2, \
     f("v4split") skip 1 using 1:3:2:4 title "v4-split" with yerrorlines lw 2, \
     f("v5field") skip 1 using 1:3:2:4 title "v5, merge=field" with yerrorlines lw 2 dt 2, \
     f("v4splitfield") skip 1 using 1:3:2:4 title "v4-split, merge=field" with yerrorlines lw 2 dt 2

set output dir."/sync_ratio.svg"
set ylabel "pfsync packets / forwarded packets"
set autoscale y
plot f("v5") skip 1 using 1:6:5:7 title "v5" with yerrorlines lw 2, \
     f("v4") skip 1 using 1:6:5:7 title "v4" with yerrorlines lw 2, \
     f("v4split") skip 1 using 1:6:5:7 title "v4-split" with yerrorlines lw 2, \
     f("v5field") skip 1 using 1:6:5:7 title "v5, merge=field" with yerrorlines lw 2 dt 2, \
     f("v4splitfield") skip 1 using 1:6:5:7 title "v4-split, merge=field" with yerrorlines lw 2 dt 2
