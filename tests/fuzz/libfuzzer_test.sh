#!/bin/sh
# The fuzz_libfuzzer test: configure a clang build of just the fuzz
# targets (PFSIM_FUZZ=ON: libFuzzer, ASan, UBSan, coverage in every
# library they use) in BUILD, build it, and run every target for RUNS
# executions through that build's own ctest tests (run_libfuzzer.sh).
# Exit 77 (skipped) when clang or libFuzzer is missing.
#   libfuzzer_test.sh SRC BUILD RUNS [CMAKE [CTEST]]
set -u
src=$1 build=$2 runs=$3
cmake=${4:-cmake}
ctest=${5:-ctest}
cc=${PFSIM_FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz_libfuzzer: no $cc: skipped"
	exit 77
fi
mkdir -p "$build"
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ (void)d; (void)n; return 0; }' >"$build/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$build/probe.c" \
    -o "$build/probe" >"$build/probe.log" 2>&1; then
	echo "fuzz_libfuzzer: $cc cannot link libFuzzer (Debian:" \
	    "libclang-rt-dev): skipped"
	cat "$build/probe.log"
	exit 77
fi

# (Without the ns-3 shim: its C++ would get clang's fuzzer flags from a
# C++ compiler that may not know them, and no target fuzzes it.)
"$cmake" -S "$src" -B "$build" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPFSIM_FUZZ=ON -DPFSIM_NS3=OFF \
    -DFUZZ_LIBFUZZER_RUNS="$runs" >"$build/configure.log" 2>&1 || {
	echo "fuzz_libfuzzer: configure failed"
	cat "$build/configure.log"
	exit 1
}
"$cmake" --build "$build" -j2 --target fuzz_all >"$build/build.log" 2>&1 || {
	echo "fuzz_libfuzzer: build failed"
	tail -n 50 "$build/build.log"
	exit 1
}
cd "$build" || exit 1
"$ctest" -L fuzz -j2 -V >ctest.log 2>&1
rc=$?
# run_libfuzzer.sh's summary line of every target, then ctest's
sed -n 's/^[0-9]*: \(fuzz_[a-z_]*: rc .*\)/\1/p' ctest.log
grep -E 'tests passed|tests failed' ctest.log
if [ "$rc" -ne 0 ]; then
	grep -E '^[0-9]+: ' ctest.log | grep -A60 'FAILED' | head -n 200
	exit 1
fi
exit 0
