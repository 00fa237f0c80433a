#!/usr/bin/env bash
# Whole-network throughput of the golden reference (int8 and binary ResNet-18 at 224x224)
# and of the Fashion-MNIST default, written to results/golden_reference.md.
#   scripts/bench_golden.sh [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=results/golden_reference.md
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

{
  echo "# Golden reference throughput"
  echo
  echo "Regenerate with \`scripts/bench_golden.sh\` (this file is written by it, not by hand)."
  echo
  echo "- machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- CPU flags used at run time: $(grep -o -w -E 'avx2|avx512f|avx512_vnni|avx512_vpopcntdq|amx_int8' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "- date: $(date -u +%Y-%m-%d)"
  echo
  echo "## ResNet-18, 224x224, seeded random weights, batch of 4 images"
  echo
  echo "Command: \`$build/tests/bench/golden_bench resnet18 4 224\`"
  echo
  "$build/tests/bench/golden_bench" resnet18 4 224
  echo
  echo "## The embedded default: ResNet-20 W4A8 on Fashion-MNIST (10,000 test images)"
  echo
  echo "Command: \`$build/dse/qasim infer --model zoo:resnet20 --wbits 4 --abits 8 --dataset fashion-mnist\`"
  echo
  echo '```'
  "$build/dse/qasim" infer --model zoo:resnet20 --wbits 4 --abits 8 --dataset fashion-mnist 2>/dev/null | tail -4
  echo '```'
} >"$tmp"
mkdir -p results
mv "$tmp" "$out"
trap - EXIT
cat "$out"
