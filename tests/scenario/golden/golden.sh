# Byte-identical results: every standard scenario (scenarios/*.conf, at
# its own duration and seed, but emu_*: real programs on the wall clock,
# tests/emulation) is run and each file it writes is compared,
# by SHA-256, with digests.txt. A change that must not move what the
# simulator computes (a refactor, a new backend seam) keeps every line;
# a change that does move it regenerates the table and says why in its
# commit:
#
#	sh tests/scenario/golden/golden.sh build/pfsim . --update
#
# Compared: summary.json without version, command and wall_seconds; the
# text summary without its wall-clock and provenance lines and the
# results path; params.conf without its version line; every other file
# (pcaps, csv, txt) as written. A file that appears or disappears fails
# too.
set -u
SIM=${1:?usage: $0 PFSIM SRCDIR [--update]}
SRC=${2:?usage: $0 PFSIM SRCDIR [--update]}
MODE=${3:-check}
# Scenarios are named as from the top of the tree (params.conf and the
# summary record the path as given), whatever the caller's directory.
case $SIM in /*) ;; *) SIM=$(pwd)/$SIM ;; esac
SRC=$(cd "$SRC" && pwd) || exit 1
cd "$SRC" || exit 1
TABLE=tests/scenario/golden/digests.txt
T=$(mktemp -d "${TMPDIR:-/tmp}/pfsim-golden.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }
command -v sha256sum >/dev/null || { echo "SKIP: sha256sum missing"; exit 77; }
TO=
command -v timeout >/dev/null && TO="timeout 600"

digest()
{
	sha256sum | cut -c1-64
}

: >"$T/got"
for s in scenarios/*.conf; do
	n=$(basename "$s" .conf)
	case $n in emu_*) continue ;; esac
	if ! $TO "$SIM" "$s" --out "$T/$n" >"$T/out" 2>"$T/err"; then
		sed 's/^/  stderr: /' "$T/err" | head -20 >&2
		echo "FAIL: $n: exited non-zero" >&2
		exit 1
	fi
	{
		printf '%s summary.json %s\n' "$n" "$(jq -S \
		    'del(.version, .command, .wall_seconds)' \
		    "$T/$n/summary.json" | digest)"
		printf '%s stdout %s\n' "$n" "$(sed '1,2d; /^results: /d' \
		    "$T/out" | digest)"
		printf '%s params.conf %s\n' "$n" "$(grep -v '^# pfsim ' \
		    "$T/$n/params.conf" | digest)"
		(cd "$T/$n" && find . -type f ! -name summary.json \
		    ! -name params.conf ! -name .pfsim-results | LC_ALL=C sort |
		    while read -r f; do
			printf '%s %s %s\n' "$n" "${f#./}" "$(digest <"$f")"
		    done)
	} >>"$T/got"
	rm -rf "${T:?}/$n"
done

if [ "$MODE" = --update ]; then
	{
		echo "# SHA-256 of every file the standard scenarios write"
		echo "# (tests/scenario/golden/golden.sh; regenerate with --update)."
		cat "$T/got"
	} >"$TABLE"
	echo "wrote $TABLE: $(wc -l <"$T/got") digests"
	exit 0
fi
grep -v '^#' "$TABLE" >"$T/want"
if ! diff -u "$T/want" "$T/got" >"$T/diff"; then
	echo "FAIL: results moved (- committed, + this build):" >&2
	grep '^[-+][^-+]' "$T/diff" >&2
	exit 1
fi
echo "ok: $(wc -l <"$T/got") files of $(ls scenarios/*.conf |
    grep -vc '/emu_') scenarios byte-identical"
