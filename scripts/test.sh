#!/usr/bin/env bash
# Sets up (packages, build) and runs the whole test suite: unit, integration and CLI
# tests on the release build, then the unit tests again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/setup.sh --with-test-deps
echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 900

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
# Only the unit-test binaries (not the CLI, benchmarks or fuzzers), and no CUDA: the
# sanitizers check the host code the unit tests run.
unit_targets=()
for t in kernels_tests workloads_tests sim_tests arch_tests dse_tests; do
  unit_targets+=(--target "$t")
done
scripts/setup.sh --build-dir build-sanitize "${unit_targets[@]}" -DQASIM_SANITIZE=ON \
  -DQASIM_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize --output-on-failure -j"$jobs" -L unit --timeout 1800
