# gnuplot -e "dir='DIR'" tools/plot/goodput.gp
# Goodput of the split flow as a fraction of the one-firewall baseline,
# against the paced rate, for each pfsync engine (CSV files written by
# tools/figures), and pfsync packets per forwarded packet.
if (!exists("dir")) dir = "results/figures"
set terminal png size 900,600
set datafile separator ","
set xrange [500:200000]
set logscale x
set grid
set xlabel "offered rate (TCP segments/s)"

set output dir."/goodput_ratio.png"
set key bottom left box opaque
set ylabel "delivered pps, split / one firewall"
set yrange [0:1.1]
plot dir."/ratio.csv" using 1:2 title "v5" with linespoints lw 2, \
     dir."/ratio.csv" using 1:3 title "v4" with linespoints lw 2, \
     dir."/ratio.csv" using 1:4 title "v4-split" with linespoints lw 2, \
     dir."/ratio.csv" using 1:5 title "v5, merge=field" with linespoints lw 2 dt 2, \
     dir."/ratio.csv" using 1:6 title "v4-split, merge=field" with linespoints lw 2 dt 2

set output dir."/sync_ratio.png"
set key top left box opaque
set ylabel "pfsync packets / forwarded packets"
set autoscale y
plot dir."/ratio.csv" using 1:7 title "v5" with linespoints lw 2, \
     dir."/ratio.csv" using 1:8 title "v4" with linespoints lw 2, \
     dir."/ratio.csv" using 1:9 title "v4-split" with linespoints lw 2, \
     dir."/ratio.csv" using 1:10 title "v5, merge=field" with linespoints lw 2 dt 2, \
     dir."/ratio.csv" using 1:11 title "v4-split, merge=field" with linespoints lw 2 dt 2
