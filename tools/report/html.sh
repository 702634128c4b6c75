# tools/report/html.sh: DIR/key_numbers.csv and DIR/index.html of
# tools/report/report (sourced by it at the end; uses its variables: out,
# D, figs, key_rates, thr_done, seeds, mode, dur, rates, t_total).

# esc: stdin with &, <, > and " as HTML entities.
esc()
{
	sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g'
}

# thr_desc NAME: the settings of threshold NAME (i<rate>-d<us>-s<us>-<merge>).
thr_desc()
{
	echo "$1" | awk -F- '{
		r = substr($1, 2); d = substr($2, 2); s = substr($3, 2)
		printf "nic.int_rate %s, data nets %s us, sync net %s us, merge %s\n",
		    r == 0 ? "unthrottled" : r "/s", d, s, $4
	}'
}

# key_rows SECTION FIGURE_CSV FORMAT: the rows of a curves CSV at the key
# rates, as key_numbers.csv rows; FORMAT a printf format or g (3
# significant digits, whole numbers from 1000 up).
key_rows()
{
	[ -f "$2" ] || return 0
	awk -F, -v sec="$1" -v fmt="$3" -v keys="$key_rates" '
	# FORMAT "g": 3 significant digits, whole numbers from 1000 up
	function f(v) { return fmt != "g" ? sprintf(fmt, v) : v >= 1000 ? sprintf("%.0f", v) : sprintf("%.3g", v) }
	BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
	NR > 1 && ($3 in want) {
		t = f($8) " [" f($7) "; " f($9) "]"
		printf "%s,%s,%s,%s,%s,%s,%s,%s\n", sec, $2, $3, $5, $8, $7, $9, t
	}' "$2"
}

write_key_numbers()
{
	k=$out/key_numbers.csv
	echo "section,setting,x,n,median,q1,q3,text" >"$k"
	for t in $thr_done; do
		tx=$(thr_text "$t")
		set -- $(thr_parse "$t")
		printf 'threshold_pps,%s,,%s,%s,,,%s\n' "$(thr_desc "$t" | tr ',' ';')" \
		    "$seeds" "${2:-}" "$(echo "$tx" | tr ',' ';')" >>"$k"
	done
	key_rows goodput_ratio "$D/goodput_ratio.csv" "%.3f" >>"$k"
	key_rows sync_packets_per_forwarded "$D/sync_packets.csv" g >>"$k"
	key_rows sync_bytes_per_forwarded "$D/sync_bytes.csv" g >>"$k"
	key_rows cpu_busy_max "$D/cpu_busy.csv" "%.3f" >>"$k"
	if [ -f "$D/bulk_runs.csv" ]; then
		awk -F, '
		NR == 1 { next }
		{
			n = $1; p = $2
			if (!(n in seen)) { order[++nn] = n; seen[n] = 1 }
			runs[n, p]++
			if ($5 != "-") acc[n, p]++
			if ($4 != "-") { all[n, p]++ }
			if ($8 > 0) frac[n, p] += $9 / $8
		}
		END {
			for (i = 1; i <= nn; i++) {
				n = order[i]
				for (j = 1; j <= 2; j++) {
					p = j == 1 ? "tick" : "burst"
					if (!runs[n, p]) continue
					printf "bulk_end_accepted,%s,%s,%d,,,,%d of %d seeds\n",
					    p, n, runs[n, p], acc[n, p], runs[n, p]
					printf "bulk_all_states_on_joiner,%s,%s,%d,,,,%d of %d seeds\n",
					    p, n, runs[n, p], all[n, p], runs[n, p]
					printf "bulk_states_share_on_joiner,%s,%s,%d,%.3f,,,mean %.3f\n",
					    p, n, runs[n, p], frac[n, p] / runs[n, p], frac[n, p] / runs[n, p]
				}
			}
		}' "$D/bulk_runs.csv" >>"$k"
	fi
	if [ -f "$D/bulk_time.csv" ]; then
		awk -F, 'NR > 1 {
			printf "bulk_time_s,%s,%s,%s,%s,%s,%s,%.3g [%.3g; %.3g]\n",
			    $2, $3, $5, $8, $7, $9, $8, $7, $9
		}' "$D/bulk_time.csv" >>"$k"
	fi
}

# pivot SECTION TITLE: an HTML table of a key_numbers section whose rows
# are settings and columns the x values.
pivot()
{
	awk -F, -v sec="$1" -v title="$2" '
	function h(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
	$1 == sec {
		if (!($2 in r)) { rows[++nr] = $2; r[$2] = 1 }
		if (!($3 in c)) { cols[++nc] = $3; c[$3] = 1 }
		t = $8; gsub(/;/, ",", t)
		v[$2, $3] = t; n[$2, $3] = $4
	}
	END {
		if (!nr) exit
		printf "<h3>%s</h3>\n<table>\n<tr><th></th>", h(title)
		for (j = 1; j <= nc; j++) printf "<th>%s</th>", h(cols[j])
		print "</tr>"
		for (i = 1; i <= nr; i++) {
			printf "<tr><th>%s</th>", h(rows[i])
			for (j = 1; j <= nc; j++)
				printf "<td>%s</td>", (rows[i], cols[j]) in v ? h(v[rows[i], cols[j]]) : ""
			print "</tr>"
		}
		print "</table>"
	}' "$out/key_numbers.csv"
}

# fig_html NAME TITLE TEXT: a figure's section (PNG inline, SVG and PDF
# links, its data and script).
fig_html()
{
	f=$1
	echo "<section class=\"fig\" id=\"fig-$f\">"
	echo "<h2>$(echo "$2" | esc)</h2>"
	echo "<p>$(echo "$3" | esc)</p>"
	case " $figs " in
	*" $f "*)
		if [ -f "$out/$f.png" ]; then
			echo "<p><a href=\"$f.png\"><img src=\"$f.png\" alt=\"$(echo "$2" | esc)\" width=\"900\"></a></p>"
		else
			echo "<p>(no PNG: gnuplot has no pngcairo terminal here)</p>"
		fi
		printf '<p class="links">'
		for x in svg pdf png; do
			if [ -f "$out/$f.$x" ]; then
				printf '<a href="%s.%s">%s</a> · ' "$f" "$x" \
				    "$(echo $x | tr a-z A-Z)"
			fi
		done
		echo "<a href=\"data/$f.csv\">data (CSV)</a> · tools/plot/$(gp_of "$f").gp</p>"
		if [ -f "$D/$f.caption" ]; then
			echo "<p class=\"cap\">$(esc <"$D/$f.caption")</p>"
		fi
		;;
	*)
		echo "<p><strong>Not drawn</strong>: no data (see report.log and the warnings).</p>" ;;
	esac
	echo "</section>"
}

fig_title()
{
	case $1 in
	goodput_ratio) echo "(a) Split TCP flow: goodput relative to one firewall" ;;
	sync_packets) echo "(b) pfsync packets per forwarded packet" ;;
	sync_bytes) echo "(b) pfsync bytes per forwarded packet" ;;
	threshold_intrate) echo "(c) Stall threshold against NIC interrupt rate" ;;
	threshold_latency) echo "(d) Stall threshold against path latency" ;;
	threshold_merge) echo "(d) Stall threshold against the TCP merge policy" ;;
	cpu_busy) echo "(e) CPU load of the busiest firewall" ;;
	bulk_time) echo "(f) Bulk update of a joining firewall" ;;
	esac
}

gp_of()
{
	case $1 in
	goodput_ratio) echo goodput ;;
	cpu_busy) echo cpu ;;
	bulk_time) echo bulk ;;
	*) echo "$1" ;;
	esac
}

write_index()
{
	rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
	h=$out/index.html
	{
		cat <<EOF
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pfsim report</title>
<style>
body { font-family: "DejaVu Sans", sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; font-size: 0.92em; }
td { font-variant-numeric: tabular-nums; }
pre { background: #f4f4f4; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
.cap, .links { font-size: 0.9em; color: #444; }
</style>
</head>
<body>
<h1>pfsim report</h1>
<p>Mode <strong>$mode</strong>: $seeds seeds, rates $(echo $rates | sed 's/ /, /g') packets/s,
$( [ -n "$dur" ] && echo "runs of $dur" || echo "each scenario's duration") (bulk runs: their own).
pfsim $rev, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc 2>/dev/null || echo '?') CPUs,
$t_total s wall time. Every number is a statistic over seeds: median and
quartiles (Hyndman and Fan type 7); a threshold is the
<code>./sim threshold</code> rule (tools/sweep/README.md).</p>
<ul>
EOF
		for f in $figs; do
			printf '<li><a href="#fig-%s">%s</a></li>\n' "$f" "$(fig_title "$f" | esc)"
		done
		cat <<EOF
<li><a href="#key-numbers">key numbers</a> (<a href="key_numbers.csv">CSV</a>),
<a href="#commands">commands</a> (<a href="commands.txt">text</a>),
<a href="#timing">timing</a></li>
</ul>
EOF
		want goodput && fig_html goodput_ratio "$(fig_title goodput_ratio)" \
		    "scenarios/asym_tcp.conf (data via fwA, ACKs via fwB) per pfsync engine, pfsync.defer_kick=yes on both firewalls; per seed the delivered packets/s over those of scenarios/single_fw.conf (one firewall, no pfsync) at the same rate and seed."
		want sync && fig_html sync_packets "$(fig_title sync_packets)" \
		    "The split runs of (a): totals.sync_packets / totals.data_packets (both firewalls), per seed. A stalled flow forwards little and its firewalls may echo updates at each other: ratios far above 1."
		want sync && fig_html sync_bytes "$(fig_title sync_bytes)" \
		    "The split runs of (a): totals.sync_bytes / totals.data_packets, per seed."
		want intrate && fig_html threshold_intrate "$(fig_title threshold_intrate)" \
		    "./sim threshold of asym_tcp.conf against single_fw.conf, pfsync v5, defer_kick=yes, both firewalls' nic.int_rate set to the value (unthrottled: 0). The bar is the bracket [threshold, next rate measured); a triangle down: below the lowest rate measured (bracket [0, lowest)); a triangle up: above the highest; a ring: the median curve is not monotone (flagged)."
		want latency && fig_html threshold_latency "$(fig_title threshold_latency)" \
		    "As (c): net.x.delay = net.y.delay varied at em(4)'s 8000 interrupts/s, and net.sync.delay varied at 20000 interrupts/s (the profile: 3 us each)."
		want merge && fig_html threshold_merge "$(fig_title threshold_merge)" \
		    "As (c), pfsync.merge = seed (the thesis), peer (later OpenBSD) or field (pfsim) on both firewalls, at two NIC interrupt limits."
		want cpu && fig_html cpu_busy "$(fig_title cpu_busy)" \
		    "cpu_busy_max (interrupt, softnet, softclock and process time of the busiest firewall over the run): asym_tcp.conf with every packet via fwA (flow.bulk.route = fwA fwA) with pfsync off and with v5 on both firewalls, and the split flow of (a) with merge=field (v5 and v4-split); defer_kick=yes on both firewalls."
		want bulk && fig_html bulk_time "$(fig_title bulk_time)" \
		    "scenarios/bulk_join.conf shortened: fwA holds N states (4 clients x N/8 connections), fwB boots after the fill and asks for a bulk update; the split stream is left out. tick: one 5-state packet per 10 ms tick; burst: the whole table at once. 'all states on fwB': seconds from fwB's boot to the first 100 ms sample at which fwB holds as many states as fwA did at the boot; 'BUS END accepted': fwB's pfsync.bulk.time_to_complete_s, present only when fwB accepted the BUS END (the whole-second test; the key numbers give in how many seeds, and how much of the table burst pacing delivered)."
		echo '<section id="key-numbers">'
		echo "<h2>Key numbers</h2>"
		echo "<p>median [first quartile, third quartile] over seeds; <a href=\"key_numbers.csv\">key_numbers.csv</a> has them all.</p>"
		awk -F, '
		function h(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
		$1 == "threshold_pps" { if (!n++) print "<h3>Stall thresholds (pfsync v5, defer_kick=yes)</h3>\n<table id=\"key-thresholds\">\n<tr><th>setting</th><th>threshold</th></tr>"
			t = $8; gsub(/;/, ",", t); s = $2; gsub(/;/, ",", s)
			printf "<tr><td>%s</td><td>%s</td></tr>\n", h(s), h(t) }
		END { if (n) print "</table>" }' "$out/key_numbers.csv"
		pivot goodput_ratio "Goodput ratio, split / one firewall, at offered packets/s"
		pivot sync_packets_per_forwarded "pfsync packets per forwarded packet, at offered packets/s"
		pivot sync_bytes_per_forwarded "pfsync bytes per forwarded packet, at offered packets/s"
		pivot cpu_busy_max "CPU busy of the busiest firewall, at offered packets/s"
		pivot bulk_time_s "Bulk update: seconds, by states on the firewall joined"
		pivot bulk_end_accepted "Bulk update: BUS END accepted by the joiner, by states"
		pivot bulk_all_states_on_joiner "Bulk update: every state reached the joiner, by states"
		pivot bulk_states_share_on_joiner "Bulk update: share of the table on the joiner at the end (mean over seeds), by states"
		echo "</section>"
		echo '<section id="commands">'
		echo "<h2>Commands</h2>"
		echo "<p>Run from the source tree, in this order (each writes the directory after --out):</p>"
		echo "<pre>"
		esc <"$out/commands.txt"
		echo "</pre>"
		echo "<p>The figures: gnuplot tools/plot/NAME.gp on data/NAME.csv (tools/report/README.md). This report:</p>"
		echo "<pre>$(printf '%s\n' "$report_cmd" | esc)</pre>"
		echo "</section>"
		echo '<section id="timing">'
		echo "<h2>Timing</h2>"
		echo "<table><tr><th>stage</th><th>wall seconds</th></tr>"
		awk -F'\t' '{ printf "<tr><td>%s</td><td>%s</td></tr>\n", $1, $2 }' "$out/stages.tsv"
		echo "</table>"
		echo "</section>"
		echo "</body>"
		echo "</html>"
	} >"$h"
}
