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
scripts/setup.sh --build-dir build-sanitize -DQASIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize --output-on-failure -j"$jobs" -L unit --timeout 1800
