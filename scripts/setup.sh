#!/usr/bin/env bash
# Installs the Debian packages qasim needs (only those missing) and builds it.
#   scripts/setup.sh [--with-test-deps] [--build-dir DIR] [--target T]... [cmake args...]
# --target builds only the named targets (and what they need) instead of everything.
# Run as root or with sudo available; without either, missing packages are listed.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_PKGS=(build-essential cmake pkg-config libsystemc-dev libboost-program-options-dev
  libfmt-dev libeigen3-dev libgtest-dev libyaml-cpp-dev nlohmann-json3-dev libsqlite3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler zlib1g-dev libdnnl-dev dataset-fashion-mnist
  libopenmpi-dev openmpi-bin libjs-chart.js)
# Oracles and peers for the tests (Debian's python3 packages), ONNX's node test vectors,
# clang for the fuzz targets, chromium to load the sweep report page.
TEST_PKGS=(libonnx-testdata python3 python3-numpy python3-onnx python3-torch clang
  libclang-rt-14-dev chromium)

build_dir=build
with_test_deps=0
cmake_args=()
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --with-test-deps) with_test_deps=1 ;;
    --build-dir) build_dir="$2"; shift ;;
    --target) targets+=(--target "$2"); shift ;;
    *) cmake_args+=("$1") ;;
  esac
  shift
done

wanted=("${BUILD_PKGS[@]}")
[ "$with_test_deps" = 1 ] && wanted+=("${TEST_PKGS[@]}")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "qasim setup: installing ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo);
  else
    echo "qasim setup: missing packages and not root; run: apt-get install ${missing[*]}" >&2
    exit 2
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

jobs=$(nproc)
mkdir -p "$build_dir"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" >"$build_dir/configure.log" 2>&1 ||
  { cat "$build_dir/configure.log"; exit 1; }
cmake --build "$build_dir" -j"$jobs" "${targets[@]}"
