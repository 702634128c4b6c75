#!/bin/sh
# ./sim report --quick (tools/report/report with the build of PFSIM) into
# a temporary directory: it exits 0; every figure of the standard set
# exists as SVG (well-formed XML), PDF (%PDF) and PNG (the PNG signature)
# for each cairo terminal gnuplot has; its CSV has rows with ordered
# quartiles; index.html shows each PNG and links its SVG and PDF, holds
# the key-number tables and the commands; key_numbers.csv has every
# threshold. Then ./sim plot (tools/report/plot-sweep) on one sweep.
#   sh report_quick.sh PFSIM SRCDIR
. "$2/tests/scenario/lib.sh"
PFSIM=$SIM
BUILD=$(cd "$(dirname "$PFSIM")" && pwd)

for t in jq gnuplot; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
[ -x "$BUILD/pfsim-sweep" ] || { echo "SKIP: no $BUILD/pfsim-sweep"; exit 77; }

# The formats gnuplot can draw here (the report skips the others).
terms=$(gnuplot -e 'set terminal' 2>&1 </dev/null)
formats=
for f in svg:svg pdf:pdfcairo png:pngcairo; do
	if printf '%s\n' "$terms" | grep -q "^ *${f#*:} "; then
		formats="$formats ${f%%:*}"
	else
		echo "note: gnuplot has no ${f#*:} terminal: no .${f%%:*} checks"
	fi
done
[ -n "$formats" ] || { echo "SKIP: gnuplot has no cairo or svg terminal"; exit 77; }

R=$T/report
TO=
command -v timeout >/dev/null && TO="timeout 840"
start=$(date +%s)
$TO sh "$SRC/tools/report/report" "$BUILD" --quick --out "$R" \
    >"$T/out" 2>"$T/err"
rc=$?
secs=$(($(date +%s) - start))
sed 's/^/  /' "$T/out"
sed 's/^/  stderr: /' "$T/err"
[ $rc -eq 0 ] || fail "report --quick exited $rc"
ok "report --quick exited 0 in $secs s"

figs="goodput_ratio sync_packets sync_bytes threshold_intrate threshold_latency
    threshold_merge cpu_busy bulk_time"
png_sig=$(printf '\211PNG\r\n\032\n' | od -An -tx1 | tr -d ' \n')
for f in $figs; do
	for x in $formats; do
		[ -s "$R/$f.$x" ] || fail "$f.$x missing or empty"
	done
	case " $formats " in
	*" svg "*)
		if command -v xmllint >/dev/null; then
			xmllint --noout "$R/$f.svg" 2>"$T/xml" ||
			    { cat "$T/xml" >&2; fail "$f.svg is not well-formed XML"; }
		else
			head -c 200 "$R/$f.svg" | grep -q '<svg' &&
			    tail -c 20 "$R/$f.svg" | grep -q '</svg>' ||
			    fail "$f.svg: no <svg> ... </svg>"
		fi ;;
	esac
	case " $formats " in
	*" pdf "*)
		[ "$(head -c 4 "$R/$f.pdf")" = "%PDF" ] || fail "$f.pdf does not start with %PDF" ;;
	esac
	case " $formats " in
	*" png "*)
		[ "$(head -c 8 "$R/$f.png" | od -An -tx1 | tr -d ' \n')" = "$png_sig" ] ||
		    fail "$f.png has no PNG signature"
		grep -q "<img src=\"$f.png\"" "$R/index.html" ||
		    fail "index.html does not show $f.png" ;;
	esac
	for x in svg pdf; do
		case " $formats " in
		*" $x "*)
			grep -q "href=\"$f.$x\"" "$R/index.html" ||
			    fail "index.html does not link $f.$x" ;;
		esac
	done
	c=$R/data/$f.csv
	[ "$(wc -l <"$c")" -ge 2 ] || fail "data/$f.csv has no rows"
	case $f in
	threshold_*)
		head -1 "$c" | grep -qx 'curve_no,curve,x,xname,kind,flagged,lo,hi,y,ylo,yhi,seeds' ||
		    fail "data/$f.csv header"
		awk -F, 'NR > 1 && ($5 !~ /^(at|below|above)$/ || $10 > $9 || $9 > $11 || $12 != 3) { exit 1 }' "$c" ||
		    fail "data/$f.csv: a row out of order (kind, ylo <= y <= yhi, 3 seeds)" ;;
	*)
		head -1 "$c" | grep -qx 'curve_no,curve,x,xname,n,min,q1,median,q3,max' ||
		    fail "data/$f.csv header"
		awk -F, 'NR > 1 && !($6 <= $7 && $7 <= $8 && $8 <= $9 && $9 <= $10 && $5 >= 1 && $5 <= 3) { exit 1 }' "$c" ||
		    fail "data/$f.csv: quartiles out of order or n not in 1..3" ;;
	esac
done
ok "$(echo $figs | wc -w) figures in$formats, each with its CSV and in index.html"

# The rate figures: 4 rates x 3 seeds for every curve of (a).
awk -F, 'NR > 1 { n[$2]++; if ($5 != 3) bad = 1 } END { for (c in n) if (n[c] != 4) bad = 1; exit bad || length(n) != 5 }' \
    "$R/data/goodput_ratio.csv" || fail "goodput_ratio.csv: not 5 curves x 4 rates x 3 seeds"
ok "goodput ratio: 5 engines x 4 rates, 3 seeds each"

# Key numbers: the tables, one threshold row per threshold run.
grep -q '<section id="key-numbers">' "$R/index.html" || fail "index.html: no key-numbers section"
grep -q '<table id="key-thresholds">' "$R/index.html" || fail "index.html: no threshold table"
nthr=$(grep -c '^threshold_pps,' "$R/key_numbers.csv")
nrun=$(grep -c '^\./sim threshold ' "$R/commands.txt")
[ "$nthr" -ge 1 ] && [ "$nthr" -eq "$nrun" ] ||
    fail "key_numbers.csv: $nthr thresholds for $nrun ./sim threshold commands"
rows=$(sed -n '/<table id="key-thresholds">/,/<\/table>/p' "$R/index.html" | grep -c '<tr><td>')
[ "$rows" -eq "$nthr" ] || fail "threshold table: $rows rows for $nthr thresholds"
for t in "Goodput ratio" "pfsync packets per forwarded packet" "CPU busy"; do
	grep -q "<h3>$t" "$R/index.html" || fail "index.html: no '$t' table"
done
ok "key numbers: $nthr thresholds, goodput, pfsync and CPU tables"

# The commands: every sweep and threshold, as ./sim runs them.
grep -q '^\./sim sweep scenarios/asym_tcp.conf ' "$R/commands.txt" || fail "commands.txt: no split sweep"
grep -q '<section id="commands">' "$R/index.html" || fail "index.html: no commands"
grep -qF './sim sweep scenarios/single_fw.conf' "$R/index.html" || fail "index.html: commands missing"
ok "commands.txt and index.html list the commands ($(wc -l <"$R/commands.txt") lines)"

# ./sim plot on the split sweep: pfsync packets per forwarded packet.
sh "$SRC/tools/report/plot-sweep" "$R/sweeps/split" --y sync_packet_ratio \
    >"$T/plot.out" 2>&1 || { cat "$T/plot.out" >&2; fail "plot-sweep failed"; }
for x in $formats; do
	[ -s "$R/sweeps/split/plot.$x" ] || fail "plot-sweep: no plot.$x"
done
# 3 engines x 2 merges, 4 rates each
[ "$(($(wc -l <"$R/sweeps/split/plot.csv") - 1))" -eq 24 ] ||
    fail "plot-sweep: plot.csv has not 6 curves x 4 rates"
sh "$SRC/tools/report/plot-sweep" "$R/sweeps/split" --y nonesuch >/dev/null 2>&1
[ $? -eq 2 ] || fail "plot-sweep --y nonesuch: not a usage error"
ok "plot-sweep: plot.csv 6 curves x 4 rates, plot in$formats; a bad --y is a usage error"
