# tools/plot/common.gp: the style every figure of tools/plot shares. It
# draws nothing: each figure script loads it first, then plots, then runs
# @RENDER, which draws the same figure into the other formats.
#
# Variables (gnuplot -e "out='...'; ..." before the script):
#   out      output path without its extension (default "figure")
#   formats  any of "svg pdf png", space-separated (default all three):
#            svg (the svg terminal), pdf (pdfcairo), png (pngcairo)
#   caption  one line under the plot: hardware profile, simulated
#            duration, seeds (default none)
if (!exists("out")) out = "figure"
if (!exists("formats")) formats = "svg pdf png"
if (!exists("caption")) caption = ""

set datafile separator ","
set encoding utf8

# One terminal line per format; each ends by sizing the caption's font.
term_svg = "set terminal svg size 960,560 font 'DejaVu Sans,13' linewidth 1.3 noenhanced background rgb 'white'; set pointsize 0.75; psk = 0.75; set title font ',15'; set label 100 font ',11'"
term_png = "set terminal pngcairo size 1200,700 font 'DejaVu Sans,13' linewidth 1.6 noenhanced background rgb 'white'; set pointsize 1.6; psk = 1.6; set title font ',15'; set label 100 font ',11'"
term_pdf = "set terminal pdfcairo size 7in,4.1in font 'DejaVu Sans,10' linewidth 1.4 noenhanced; set pointsize 0.8; psk = 0.8; set title font ',11.5'; set label 100 font ',8.5'"

# Curves: the Okabe-Ito colours (readable by colour-blind readers), and
# each curve its own dash type and point type, so curves that lie on top
# of each other (or print in grey) stay apart.
set linetype 1 lc rgb '#0072B2' lw 2 dt 1 pt 7
set linetype 2 lc rgb '#D55E00' lw 2 dt 2 pt 5
set linetype 3 lc rgb '#009E73' lw 2 dt 4 pt 9
set linetype 4 lc rgb '#CC79A7' lw 2 dt 3 pt 13
set linetype 5 lc rgb '#E69F00' lw 2 dt 5 pt 6
set linetype 6 lc rgb '#56B4E9' lw 2 dt (10,4) pt 4
set linetype 7 lc rgb '#000000' lw 2 dt (2,3) pt 8
set linetype 8 lc rgb '#999999' lw 2 dt (12,3,3,3) pt 12
set linetype cycle 8

set border 3 lw 1
set tics nomirror out
set grid xtics ytics lc rgb '#d8d8d8' lw 1 dt 1
set bars 1.5
# The legend sits right of the plot, never over data.
set key outside right center vertical Left reverse samplen 3.5 spacing 1.25 box lc rgb '#bbbbbb'
# Room under the plot for the tic labels, the x label and the caption.
set bmargin 5.5
set label 100 caption at screen 0.01, screen 0.03 left textcolor rgb '#333333'

# The first format now; @RENDER draws the others after the plot command.
if (words(formats) > 0) {
	eval value("term_".word(formats, 1))
	set output out.".".word(formats, 1)
} else {
	set terminal unknown
}
RENDER = 'do for [k_ = 2:words(formats)] { eval value("term_".word(formats, k_)); set output out.".".word(formats, k_); replot }; unset output'

# dodge(x, i, n): curve i of n drawn a little beside x, so that error
# bars and points of curves with the same values stay visible. The
# variables dodge_log (1: x on a log axis) and dodge_step (the shift per
# curve: a factor on a log axis, an offset on a linear one) set it.
dodge_log = 0
dodge_step = 0
dodge(x, i, n) = dodge_log ? x * (1 + dodge_step * (i - (n + 1) / 2.0)) : x + dodge_step * (i - (n + 1) / 2.0)
