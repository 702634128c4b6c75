#!/bin/sh
# tools/wireshark/README.md's examples really run: in a fresh directory
# that sees the source tree's scenarios/ and tools/, run the README's
# `./sim` line, then every `tshark` line of its ```sh blocks (continuation
# lines joined); each must exit 0 and print something, tshark itself too
# when the example pipes it into head or grep, and raise no Lua error.
# usage: readme_examples.sh PFSIM SRCDIR
set -u
SIM=${1:?usage: $0 PFSIM SRCDIR}
SRC=${2:?usage: $0 PFSIM SRCDIR}
command -v tshark >/dev/null || { echo "SKIP: tshark missing"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-wsreadme.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export HOME=$T		# no personal Wireshark plugins or preferences
README=$SRC/tools/wireshark/README.md

fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

# The commands of the ```sh blocks, one per line.
awk '
	/^```sh$/ { inb = 1; next }
	/^```/ { inb = 0; next }
	!inb { next }
	{
		line = cur $0
		if (sub(/\\$/, "", line)) { cur = line; next }
		cur = ""
		sub(/^ +/, "", line)
		if (line ~ /^(\.\/sim|tshark) /) print line
	}' "$README" >"$T/cmds"
nsim=$(grep -c '^\./sim ' "$T/cmds")
nts=$(grep -c '^tshark ' "$T/cmds")
[ "$nsim" -eq 1 ] || fail "expected one ./sim line in $README, found $nsim"
[ "$nts" -ge 6 ] || fail "only $nts tshark lines found in $README"

mkdir "$T/w"
ln -s "$SRC/scenarios" "$T/w/scenarios"
ln -s "$SRC/tools" "$T/w/tools"
cd "$T/w" || fail "cd $T/w"

# The run, with this build's pfsim for ./sim.
cmd=$(grep '^\./sim ' "$T/cmds")
sh -c "\"\$0\" ${cmd#./sim }" "$SIM" >"$T/out" 2>"$T/err" ||
    { cat "$T/err" >&2; fail "$cmd"; }
echo "ok: $cmd"

grep '^tshark ' "$T/cmds" | while IFS= read -r cmd; do
	# tshark alone (without a last "| head -N" or "| grep WORD"), then
	# the whole example.
	first=$(printf '%s\n' "$cmd" |
	    sed 's/ *| *\(head -[0-9]*\|grep [A-Za-z_.]*\)$//')
	sh -c "$first" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err" >&2; fail "exit $rc: $first"; }
	[ -s "$T/out" ] || { cat "$T/err" >&2; fail "no output: $first"; }
	if grep -qi 'lua.*error\|error.*lua' "$T/err"; then
		cat "$T/err" >&2
		fail "Lua error: $first"
	fi
	if [ "$first" != "$cmd" ]; then
		sh -c "$cmd" >"$T/out" 2>"$T/err"
		rc=$?
		[ "$rc" -eq 0 ] || fail "exit $rc: $cmd"
		[ -s "$T/out" ] || fail "no output: $cmd"
	fi
	echo "ok: $(wc -l <"$T/out") lines: $cmd"
done || exit 1
