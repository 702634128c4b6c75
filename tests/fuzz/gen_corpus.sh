#!/bin/sh
# Regenerate the pfsync seed corpora (corpus/pfsync_input and
# corpus/pfsync_state_import): hand-built packets from fuzz_gen_corpus,
# and the pfsync payloads of a few standard scenarios captured on their
# sync nets (3 s each).
#   tests/fuzz/gen_corpus.sh BUILD_DIR
set -eu
build=$(cd "${1:?usage: gen_corpus.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --build "$build" --target pfsim fuzz_gen_corpus >/dev/null
set --
for s in asym_tcp:0 asym_tcp_v4:1 asym_tcp_v4split:2 many_flows:0 \
    three_fw:0; do
	name=${s%:*}
	"$build/pfsim" "$top/scenarios/$name.conf" --capture sync \
	    --duration 3s --out "$tmp/$name" --quiet >/dev/null
	# the sync net as fwA sees it (every packet on it)
	cp "$(ls "$tmp/$name/pcap/"*.pcap | head -n 1)" "$tmp/$name.pcap"
	set -- "$@" "$tmp/$name.pcap" "${s#*:}"
done
for t in pfsync_input pfsync_state_import; do
	rm -rf "$here/corpus/$t"
	mkdir -p "$here/corpus/$t"
done
"$build/tests/fuzz/fuzz_gen_corpus" "$here/corpus" "$@"
