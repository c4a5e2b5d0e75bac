#!/usr/bin/env bash
# The unit tests once more under AddressSanitizer and UndefinedBehaviorSanitizer: a second build
# tree (<build>-asan, configured once with -DSYNACK_SANITIZE=ON, then built incrementally) with
# the binaries that drive the protocol code hardest: test_tcp (handshakes, SYN cookies and the
# SYN flood, blind attacks, limits), test_wire (parsing), test_stack and test_stream.
# SYNACK_ASAN_DIR overrides the tree; SYNACK_ASAN_JOBS the build parallelism (default 2).
set -euo pipefail
: "${SYNACK_SOURCE_DIR:?source tree}" "${SYNACK_BINARY_DIR:?build tree}"

asan=${SYNACK_ASAN_DIR:-${SYNACK_BINARY_DIR%/}-asan}
jobs=${SYNACK_ASAN_JOBS:-2}
binaries=(test_tcp test_wire test_stack test_stream)
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$SYNACK_BINARY_DIR/CMakeCache.txt"; }

start=$(date +%s)
mkdir -p "$asan"
if [[ ! -f "$asan/build.ninja" ]]; then
  # The same compilers as the main tree; -O1 keeps the build short and the reports readable.
  CC=$(cache_value CMAKE_C_COMPILER) CXX=$(cache_value CMAKE_CXX_COMPILER) \
    cmake -S "$SYNACK_SOURCE_DIR" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" -DSYNACK_SANITIZE=ON >"$asan/sanitizers-configure.log" 2>&1 \
    || { cat "$asan/sanitizers-configure.log" >&2; echo "FAIL: configuring $asan" >&2; exit 1; }
fi
cmake --build "$asan" -j "$jobs" --target "${binaries[@]}" >"$asan/sanitizers-build.log" 2>&1 \
  || { tail -50 "$asan/sanitizers-build.log" >&2; echo "FAIL: building $asan" >&2; exit 1; }
built=$(date +%s)
echo "sanitizer tree $asan built in $((built - start)) s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for b in "${binaries[@]}"; do
  t0=$(date +%s)
  if "$asan/bin/$b" --gtest_brief=1 >"$asan/sanitizers-$b.log" 2>&1; then
    echo "$b: clean under ASan+UBSan ($(( $(date +%s) - t0 )) s)"
  else
    tail -60 "$asan/sanitizers-$b.log" >&2
    echo "FAIL: $b under ASan+UBSan (log: $asan/sanitizers-$b.log)" >&2
    status=1
  fi
done
echo "sanitizer run took $(( $(date +%s) - start )) s in all"
exit $status
