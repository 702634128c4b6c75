#!/bin/sh
# A results directory is one pfsim made: each run writes .pfsim-results
# ("pfsim VERSION" and the names of the files it wrote), and an existing
# --out is replaced only if it holds that marker and nothing it does not
# list, or is empty. Anything else (a user's directory with a summary.json,
# old results from before the marker, results with a file added) is
# refused with exit 2 and left exactly as it was.
. "$(dirname "$0")/lib.sh"

# tree DIR: every file and link under DIR with its content, to compare.
tree()
{
	(cd "$1" && find . -print | sort | while read -r f; do
		if [ -L "$f" ]; then
			echo "$f -> $(readlink "$f")"
		elif [ -f "$f" ]; then
			echo "$f $(cksum <"$f")"
		else
			echo "$f/"
		fi
	done)
}

# refused DIR WHAT: a run into DIR exits 2, says WHAT, changes nothing in
# DIR and leaves no temporary directory beside it.
refused()
{
	tree "$1" >"$T/before"
	expect_rc 2 "$SIM" "$DEMO" --out "$1" --quiet
	grep -q -- "$2" "$T/err" || fail "$1: no '$2' in: $(cat "$T/err")"
	tree "$1" >"$T/after"
	cmp -s "$T/before" "$T/after" || fail "$1 was changed"
	[ "$(tmpdirs "$(dirname "$1")" "$(basename "$1")")" -eq 0 ] ||
	    fail "$1: temporary directory left"
}

expect_rc 0 "$SIM" "$DEMO" --out "$T/r" --quiet
V=$("$SIM" --version)
[ "$(head -1 "$T/r/.pfsim-results")" = "$V" ] ||
    fail "marker: $(head -1 "$T/r/.pfsim-results"), expected $V"
for f in summary.json params.conf timeseries.csv flows.csv pcap/ \
    pcap/udp-a-eth0.pcap pcap/udp-b-eth0.pcap; do
	has "$T/r/.pfsim-results" "$f"
done
ok "a run marks its results: $V and the files it wrote"

# A user's directory that happens to hold a summary.json.
mkdir -p "$T/user/sub"
echo '{"mine": 1}' >"$T/user/summary.json"
echo notes >"$T/user/notes.txt"
echo code >"$T/user/sub/main.c"
refused "$T/user" "holds a summary.json but no .pfsim-results"
grep -q "rm -r $T/user" "$T/err" || fail "no hint how to remove old results"
ok "a directory with a summary.json and no marker is refused"

# Results of a pfsim from before the marker: refused, saying how to
# remove them.
cp -R "$T/r" "$T/old"
rm "$T/old/.pfsim-results"
refused "$T/old" "from before the marker"
grep -q "rm -r $T/old" "$T/err" || fail "no rm -r hint"
ok "old results without a marker are refused, with how to remove them"

# Results with a file added, at the top or under pcap/, or a link.
expect_rc 0 "$SIM" "$DEMO" --out "$T/r2" --quiet
echo mine >"$T/r2/analysis.txt"
refused "$T/r2" "r2/analysis.txt: not a file pfsim wrote"
rm "$T/r2/analysis.txt"
echo mine >"$T/r2/pcap/mine.pcap"
refused "$T/r2" "r2/pcap/mine.pcap: not a file pfsim wrote"
rm "$T/r2/pcap/mine.pcap"
mkdir "$T/r2/plots"
refused "$T/r2" "r2/plots/: not a file pfsim wrote"
rmdir "$T/r2/plots"
ln -s "$T/user" "$T/r2/link"
refused "$T/r2" "neither a file nor a directory"
rm "$T/r2/link"
ok "results with a foreign file, directory or link are refused"

# A marker that is not pfsim's, or lists nothing: refused.
mkdir "$T/fake"
echo "not pfsim" >"$T/fake/.pfsim-results"
echo data >"$T/fake/summary.json"
refused "$T/fake" "no .pfsim-results marker"
echo "pfsim 0" >"$T/fake/.pfsim-results"
refused "$T/fake" "fake/summary.json: not a file pfsim wrote"
ok "a marker that lists nothing protects nothing"

# An empty directory may be used; marked results are replaced, and stay
# marked; a file pfsim wrote but the new run does not is gone.
mkdir "$T/empty"
expect_rc 0 "$SIM" "$DEMO" --out "$T/empty" --quiet
[ -f "$T/empty/summary.json" ] || fail "empty directory not used"
expect_rc 0 "$SIM" "$DEMO" --out "$T/r2" --quiet --capture none
[ ! -e "$T/r2/pcap/udp-a-eth0.pcap" ] || fail "old pcap kept"
grep -q '^pcap/udp' "$T/r2/.pfsim-results" && fail "marker lists old pcaps"
expect_rc 0 "$SIM" "$DEMO" --out "$T/r2" --quiet
ok "empty and marked directories are replaced"

# A file added while a run is under way is found at the end: the run
# fails (exit 1) and the directory, with the file, stays as it was.
expect_rc 0 "$SIM" "$DEMO" --out "$T/race" --quiet
"$SIM" "$DEMO" --out "$T/race" --duration 200s --capture none --quiet \
    --set demo.udp.rate=100000pps >"$T/out" 2>"$T/err" &
pid=$!
i=0
until [ -d "$T/.race.tmp.$pid" ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "race: the run did not start"
	sleep 0.1
done
echo mine >"$T/race/late.txt"
wait $pid
rc=$?
no_sanitizer_report "$T/err"
[ $rc -eq 1 ] || fail "race: exit $rc, expected 1: $(cat "$T/err")"
grep -q "race/late.txt: not a file pfsim wrote" "$T/err" ||
    fail "race: $(cat "$T/err")"
[ "$(cat "$T/race/late.txt")" = mine ] || fail "race: the file was lost"
[ -f "$T/race/summary.json" ] || fail "race: the old results were lost"
[ "$(tmpdirs "$T" race)" -eq 0 ] || fail "race: temporary directory left"
ok "a file added during the run is checked again before the swap"
