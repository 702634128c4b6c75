#!/bin/sh
# --out that is a symbolic link is resolved once, at the start: the results
# go to its target, the link stays a link, and nothing is ever done through
# a link. Stale temporary directories of dead runs (".NAME.tmp.PID", and
# ".NAME.tmp.PID.old.PID") are removed only when they are real directories
# holding pfsim's marker (or empty): a link of that name, or a directory of
# someone else's, is left alone with what it points to.
. "$(dirname "$0")/lib.sh"

# PIDs no process has (above any pid_max)
DEAD=2147483646 DEAD1=2147483645 DEAD2=2147483644 DEAD3=2147483643

mkdir -p "$T/d" "$T/user"
echo keep >"$T/d/beside"
echo mine >"$T/user/file"
expect_rc 0 "$SIM" "$DEMO" --out "$T/d/res" --quiet
ln -s d/res "$T/link"
for i in 1 2; do
	expect_rc 0 "$SIM" "$DEMO" --out "$T/link" --seed $i
	grep -qx "results: $T/d/res/" "$T/out" ||
	    fail "run $i: stdout does not name the real directory"
	[ -L "$T/link" ] && [ "$(readlink "$T/link")" = d/res ] ||
	    fail "run $i: the link was replaced"
	grep -qx "  \"seed\": $i," "$T/d/res/summary.json" ||
	    fail "run $i: results not in the link's target"
	[ "$(cat "$T/d/beside")" = keep ] || fail "run $i: file beside lost"
	[ -z "$(find "$T" -name '.*tmp*')" ] ||
	    fail "run $i: left $(find "$T" -name '.*tmp*')"
	[ -z "$(find "$T" -xtype l)" ] ||
	    fail "run $i: dangling link $(find "$T" -xtype l)"
done
ok "a symlinked --out writes to its target, twice, and leaves no links"

# A link to nowhere is refused, and nothing is created.
ln -s nowhere "$T/dangling"
expect_rc 2 "$SIM" "$DEMO" --out "$T/dangling" --quiet
grep -q "does not resolve" "$T/err" || fail "dangling: $(cat "$T/err")"
[ ! -e "$T/nowhere" ] || fail "created the link's target"
ok "a dangling --out link is refused"

# What a crashed run of an older pfsim could leave: links named like
# temporary directories, to a user's directory. Never followed.
ln -s ../user "$T/d/.res.tmp.$DEAD"
ln -s ../user "$T/d/.res.tmp.$DEAD.old.$DEAD"
# A dead run's own directories (marked; empty) and one that is not
# pfsim's (no marker, a file in it).
mkdir -p "$T/d/.res.tmp.$DEAD1/pcap" "$T/d/.res.tmp.$DEAD2" \
    "$T/d/.res.tmp.$DEAD3" "$T/d/.res.tmp.$DEAD1.old.$DEAD1"
echo "pfsim 0" >"$T/d/.res.tmp.$DEAD1.old.$DEAD1/.pfsim-results"
echo "pfsim 0" >"$T/d/.res.tmp.$DEAD1/.pfsim-results"
echo x >"$T/d/.res.tmp.$DEAD1/pcap/a.pcap"
echo mine >"$T/d/.res.tmp.$DEAD3/file"
expect_rc 0 "$SIM" "$DEMO" --out "$T/link" --quiet
[ "$(cat "$T/user/file")" = mine ] || fail "a stale link was followed"
[ -L "$T/d/.res.tmp.$DEAD" ] && [ -L "$T/d/.res.tmp.$DEAD.old.$DEAD" ] ||
    fail "a link was removed"
[ ! -e "$T/d/.res.tmp.$DEAD1" ] || fail "a marked stale directory was kept"
[ ! -e "$T/d/.res.tmp.$DEAD1.old.$DEAD1" ] || fail "a stale .old was kept"
[ ! -e "$T/d/.res.tmp.$DEAD2" ] || fail "an empty stale directory was kept"
[ "$(cat "$T/d/.res.tmp.$DEAD3/file")" = mine ] ||
    fail "an unmarked directory was removed"
ok "stale temporary directories: only pfsim's own removed, links never followed"
