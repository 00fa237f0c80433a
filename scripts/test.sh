#!/usr/bin/env bash
# Sets up (packages, build) and runs the whole test suite: unit, integration and CLI
# tests on the release build, then the unit tests again under ASan+UBSan. The sanitizer
# pass builds only the unit-test binaries it runs (not the qasim executable, not the
# benchmarks, which the release build already compiles), at -O1 -g1. Ends with the wall time of each
# phase, so a CI log shows where its time goes.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
phases=()
# phase NAME CMD... : runs CMD and records its wall time.
phase() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  phases+=("$(printf '%-44s %5d s' "$name" $((SECONDS - start)))")
}

echo "== setup and release build"
phase "setup + release build (all targets)" scripts/setup.sh --with-test-deps
echo "== tests (release build)"
phase "tests (release build)" ctest --test-dir build --output-on-failure -j"$jobs" --timeout 900

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
unit_targets=()
for t in kernels_tests workloads_tests sim_tests arch_tests dse_tests; do unit_targets+=(--target "$t"); done
# -O1 -g1 (ASan's recommended optimisation; line tables are all a sanitizer report needs):
# measured, it compiles in 0.56x the time of RelWithDebInfo's -O2 -g.
phase "sanitizer build (unit-test binaries)" scripts/setup.sh --build-dir build-sanitize \
  "${unit_targets[@]}" -DQASIM_SANITIZE=ON -DQASIM_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
phase "unit tests (sanitizer build)" \
  ctest --test-dir build-sanitize --output-on-failure -j"$jobs" -L unit --timeout 1800

echo "== wall time per phase"
printf '%s\n' "${phases[@]}"
echo "total $SECONDS s"
