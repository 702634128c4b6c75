# tools/report/lib.sh: what tools/report/report and tools/report/plot-sweep
# share (sourced; they set top, the source tree, and prog, their name).

warn()
{
	echo "$prog: $*" >&2
}

die()
{
	warn "$*"
	exit 2
}

# shq ARG: ARG quoted for sh when it needs it (for the commands shown).
shq()
{
	case $1 in
	'' | *[!A-Za-z0-9_./:=+,@%-]*)
		printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*)
		printf '%s' "$1" ;;
	esac
}

# gp_formats: FORMATS becomes the outputs gnuplot can draw here, of
# "svg pdf png" (terminals svg, pdfcairo, pngcairo); a missing terminal
# is skipped with a warning, a missing gnuplot draws nothing.
gp_formats()
{
	FORMATS=
	if ! command -v gnuplot >/dev/null 2>&1; then
		warn "gnuplot not found (Debian: gnuplot-nox): no figures drawn"
		return 0
	fi
	terms_=$(gnuplot -e 'set terminal' 2>&1 </dev/null || true)
	for f_ in svg pdf png; do
		case $f_ in
		svg) t_=svg ;;
		pdf) t_=pdfcairo ;;
		png) t_=pngcairo ;;
		esac
		if printf '%s\n' "$terms_" | grep -q "^ *$t_ "; then
			FORMATS="${FORMATS:+$FORMATS }$f_"
		else
			warn "gnuplot has no '$t_' terminal: no .$f_ figures"
		fi
	done
}

# gpstr S: S as a gnuplot string in single quotes.
gpstr()
{
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

# draw SCRIPT DATA OUT CAPTION [NAME=VALUE...]: gnuplot
# tools/plot/SCRIPT.gp on DATA into OUT.{svg,pdf,png} (those of FORMATS);
# each NAME=VALUE is set first (a number as it is, anything else as a
# string). gnuplot's messages go to OUT.gp.log. Returns 1 if it failed.
draw()
{
	d_gp=$1 d_data=$2 d_out=$3 d_cap=$4
	shift 4
	[ -n "$FORMATS" ] || return 0
	d_e="data=$(gpstr "$d_data"); out=$(gpstr "$d_out")"
	d_e="$d_e; formats=$(gpstr "$FORMATS"); caption=$(gpstr "$d_cap")"
	for d_a in "$@"; do
		d_v=${d_a#*=}
		case $d_v in
		'' | *[!0-9.-]* | *.*.* | ?*-*) d_v=$(gpstr "$d_v") ;;
		esac
		d_e="$d_e; ${d_a%%=*}=$d_v"
	done
	if ! gnuplot -e "$d_e" "$top/tools/plot/$d_gp.gp" >"$d_out.gp.log" 2>&1
	then
		warn "gnuplot $d_gp.gp failed on $d_data (log: $d_out.gp.log):"
		sed 's/^/  /' "$d_out.gp.log" | tail -5 >&2
		return 1
	fi
	# gnuplot's "warning:" lines are kept in the log; no log if none.
	[ -s "$d_out.gp.log" ] || rm -f "$d_out.gp.log"
	return 0
}

# rows CSV COLUMN...: the named columns of the rows of a sweep.csv whose
# status is ok, tab-separated. The sweep's own CSV quotes only the error
# column, which is empty in an ok row.
rows()
{
	r_csv=$1
	shift
	awk -F, -v want="$*" '
	NR == 1 {
		for (i = 1; i <= NF; i++)
			at[$i] = i
		nw = split(want, w, " ")
		for (i = 1; i <= nw; i++)
			if (!(w[i] in at)) {
				print "rows: no column " w[i] > "/dev/stderr"
				exit 2
			}
		if (!("status" in at)) {
			print "rows: no status column" > "/dev/stderr"
			exit 2
		}
		next
	}
	$at["status"] == "ok" {
		s = ""
		for (i = 1; i <= nw; i++)
			s = s (i > 1 ? "\t" : "") $at[w[i]]
		print s
	}' "$r_csv"
}

# sweep_caption DIR [SECONDS]: the caption line of a sweep or threshold
# directory: the hardware profile(s) of its firewalls, the simulated
# seconds of a run (or SECONDS) and the seeds, from its runs'
# summary.json files.
sweep_caption()
{
	c_dir=$1
	c_sum=$(find "$c_dir/runs" -name summary.json 2>/dev/null | sort | head -1)
	c_hw=? c_dur=?
	if [ -n "$c_sum" ]; then
		c_hw=$(jq -r '[.firewalls[].hw] | unique | join("/")' "$c_sum")
		c_dur=$(jq -r '.sim_seconds' "$c_sum")
	fi
	if [ -f "$c_dir/sweep.csv" ]; then
		c_seeds=$(rows "$c_dir/sweep.csv" seed | sort -u | wc -l | tr -d ' ')
	else
		c_seeds=$(awk -F, 'NR > 1 { print $2 }' "$c_dir/runs.csv" |
		    sort -u | wc -l | tr -d ' ')
	fi
	[ -n "${2:-}" ] && c_dur=$2
	printf 'hardware profile %s; %s s simulated per run; %s seeds' \
	    "$c_hw" "$c_dur" "$c_seeds"
}
