#!/bin/sh
# A failed write names the file and the cause (strerror), exits 1 and
# leaves no results directory and no temporary one: a file size limit
# (ulimit -f, EFBIG, as a full disk would give ENOSPC) on a pcap, on
# params.conf and on timeseries.csv; a full stdout (/dev/full); a
# read-only directory (skipped where permissions do not apply, as for
# root).
. "$(dirname "$0")/lib.sh"

# limited BLOCKS ARGS...: run pfsim with files limited to BLOCKS of 512
# bytes; SIGXFSZ ignored, so a write past it fails with EFBIG.
limited()
{
	blocks=$1
	shift
	expect_rc 1 sh -c 'ulimit -f $0; trap "" XFSZ; exec "$@"' "$blocks" \
	    "$SIM" "$DEMO" "$@"
}

# failed WHAT: the error names WHAT inside the temporary directory of
# $T/r and the cause, and nothing is left behind.
failed()
{
	grep -q "^pfsim: writing $T/\.r\.tmp\.[0-9]*/$1: File too large; no results written to $T/r$" \
	    "$T/err" || fail "$1: $(cat "$T/err")"
	[ ! -e "$T/r" ] || fail "$1: results directory written"
	[ "$(tmpdirs "$T" r)" -eq 0 ] || fail "$1: temporary directory left"
}

limited 32 --out "$T/r" --quiet --capture all
failed pcap/udp-a-eth0.pcap
limited 1 --out "$T/r" --quiet --capture none
failed params.conf
sh -c 'ulimit -f 1; trap "" XFSZ; exec "$@"' sh "$SIM" \
    "$SRC/scenarios/three_fw.conf" --duration 200ms --capture none \
    --out "$T/r" --quiet >"$T/out" 2>"$T/err" && fail "three_fw: exit 0"
failed timeseries.csv
ok "a write past the file size limit names the file and EFBIG"

"$SIM" "$DEMO" --out "$T/full" >/dev/full 2>"$T/err"
rc=$?
no_sanitizer_report "$T/err"
[ $rc -eq 1 ] || fail "/dev/full: exit $rc, expected 1"
grep -qx "pfsim: writing the summary to stdout: No space left on device (the results are in $T/full/)" \
    "$T/err" || fail "/dev/full: $(cat "$T/err")"
ok "a full stdout is named, with its cause"

mkdir "$T/ro"
chmod 555 "$T/ro"
# As root, whom permissions do not bind, run as nobody where possible.
AS=
if touch "$T/ro/x" 2>/dev/null; then
	rm -f "$T/ro/x"
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$T"
	if ! command -v setpriv >/dev/null ||
	    ! $AS sh -c '[ -x "$1" ] && [ -r "$2" ]' sh "$SIM" "$DEMO" ||
	    $AS touch "$T/ro/x" 2>/dev/null; then
		AS=skip
	fi
fi
if [ "$AS" = skip ]; then
	echo "skip: permissions do not apply to $(id -un), nor to nobody here"
else
	expect_rc 1 $AS "$SIM" "$DEMO" --out "$T/ro/r" --quiet
	grep -q "^pfsim: $T/ro/\.r\.tmp\.[0-9]*: Permission denied$" \
	    "$T/err" || fail "read-only: $(cat "$T/err")"
	expect_rc 1 $AS "$SIM" "$DEMO" --out "$T/ro/sub/r" --quiet
	grep -q "^pfsim: $T/ro/sub: Permission denied$" "$T/err" ||
	    fail "read-only parent: $(cat "$T/err")"
	[ -z "$(ls -A "$T/ro")" ] || fail "read-only: something written"
	ok "a read-only directory is named, with its cause${AS:+ (as nobody)}"
fi
chmod 755 "$T/ro"
