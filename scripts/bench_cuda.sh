#!/usr/bin/env bash
# Regenerates results/cuda.md: the exact inference kernels on the GPU (int8 dp4a against
# binary XNOR/popcount on the same convolutions) and the binary kernel's speed-up. On a
# machine without a CUDA device (or a build without CUDA) the file says so and has no figure.
# Usage: scripts/bench_cuda.sh [--build-dir DIR] [--batch N]
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
batch=128
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    *) echo "usage: $0 [--build-dir DIR] [--batch N]" >&2; exit 2 ;;
  esac
done

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" --target cuda_bench -j2 > /dev/null
bench="$build/tests/bench/cuda_bench"
out=results/cuda.md
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

{
  echo "# Exact inference kernels on the GPU: int8 against binary"
  echo
  echo "Regenerate with \`scripts/bench_cuda.sh\`; do not edit by hand."
  echo
  echo "- Host: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
  echo "- Software: $(c++ --version | head -1); $( (command -v nvcc || echo /usr/local/cuda/bin/nvcc) | xargs -I{} sh -c '{} --version 2>/dev/null | tail -1' || echo 'no nvcc'); commit $(git rev-parse --short HEAD)"
  echo "- Kernels: kernels/cuda/exact_conv.cu, one thread per output value; int8 packs 4"
  echo "  channels per 32-bit word (dp4a), binary 64 per 64-bit word (popc). Their per-output"
  echo "  code equals the golden reference bit for bit on the host (tests/kernels/cuda_exact_*);"
  echo "  the bench checks each GPU kernel against that host code before timing it."
  echo
  echo "Command: \`$bench $batch 20\`"
  echo
  "$bench" "$batch" 20
} > "$tmp"
mv "$tmp" "$out"
echo "wrote $out"
