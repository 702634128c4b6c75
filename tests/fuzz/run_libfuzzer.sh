#!/bin/sh
# Run one libFuzzer target for a fixed number of executions from its
# seed corpora; fail on any crash, leak, timeout or sanitizer report.
#   run_libfuzzer.sh BINARY RUNS WORKDIR DICT CORPUS_DIR...
# New inputs go to WORKDIR/corpus (the seed directories are only read),
# reproducers to WORKDIR/artifacts, libFuzzer's output to WORKDIR/log.
set -u
bin=$1 runs=$2 work=$3 dict=$4
shift 4
name=$(basename "$bin")
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
set -- -runs="$runs" -seed=1 -timeout=60 -rss_limit_mb=2048 \
    -print_final_stats=1 -close_fd_mask=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$@"
[ -f "$dict" ] && set -- -dict="$dict" "$@"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" "$@" >"$work/log" 2>&1
rc=$?
# "#100000 DONE cov: 1234 ft: 5678 corp: ... exec/s: 9000 rss: 80Mb"
done=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/log" | tail -n 1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
echo "$name: rc $rc, ${execs:-?} executions, ${secs:-?} exec/s;" \
    "${done:-no DONE line}"
if [ "$rc" -ne 0 ] || ! grep -qE '^#[0-9]+[[:space:]]+DONE' "$work/log" ||
    grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' \
    "$work/log"; then
	echo "$name: FAILED; the end of $work/log:"
	tail -n 60 "$work/log"
	ls -l "$work/artifacts"
	exit 1
fi
exit 0
