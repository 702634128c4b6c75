# tools/report/quartiles.awk: per curve and x, the statistics of the y
# values over seeds.
#   awk -f quartiles.awk < IN.tsv > OUT.csv
# In: tab-separated lines "curve<TAB>x<TAB>xname<TAB>y", one per run (an
# empty y is left out). Out: the CSV tools/plot/curves.gp reads,
#   curve_no,curve,x,xname,n,min,q1,median,q3,max
# curves numbered 1.. in order of first appearance, each curve's rows in
# order of first appearance of x; a comma in curve or xname becomes ';'.
# Quantiles by linear interpolation between order statistics (Hyndman
# and Fan's type 7, as ./sim threshold).
function q(a, n, p,    h, l)
{
	h = (n - 1) * p + 1
	l = int(h)
	return l >= n ? a[n] : a[l] + (h - l) * (a[l + 1] - a[l])
}

BEGIN {
	FS = "\t"
	print "curve_no,curve,x,xname,n,min,q1,median,q3,max"
}

NF >= 4 && $4 != "" {
	# no commas inside a CSV field: the figures read it with -F,
	gsub(/,/, ";", $1)
	gsub(/,/, ";", $3)
	c = $1
	if (!(c in cno)) {
		cno[c] = ++nc
		cname[nc] = c
	}
	k = c SUBSEP $2
	if (!(k in n)) {
		ng++
		gk[ng] = k
		gc[ng] = cno[c]
		gx[ng] = $2
		gxn[ng] = $3
		n[k] = 0
	}
	v[k, ++n[k]] = $4 + 0
}

END {
	for (ci = 1; ci <= nc; ci++)
		for (g = 1; g <= ng; g++) {
			if (gc[g] != ci)
				continue
			k = gk[g]
			m = n[k]
			for (i = 1; i <= m; i++)
				a[i] = v[k, i]
			# insertion sort: a few to a few hundred seeds
			for (i = 2; i <= m; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
					t = a[j]
					a[j] = a[j - 1]
					a[j - 1] = t
				}
			printf "%d,%s,%s,%s,%d,%.6g,%.6g,%.6g,%.6g,%.6g\n", ci,
			    cname[ci], gx[g], gxn[g], m, a[1], q(a, m, 0.25),
			    q(a, m, 0.5), q(a, m, 0.75), a[m]
		}
}
