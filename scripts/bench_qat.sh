#!/usr/bin/env bash
# Regenerates results/qat_methods.md: throughput of the QAT fake quantizers (kernels/qat)
# on an activation-sized tensor, with 1 and 2 OpenMP threads, against a plain copy.
# Usage: scripts/bench_qat.sh [--build-dir DIR] [--elements N]
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
elements=4194304
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build="$2"; shift 2 ;;
    --elements) elements="$2"; shift 2 ;;
    *) echo "usage: $0 [--build-dir DIR] [--elements N]" >&2; exit 2 ;;
  esac
done

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build" --target qat_bench -j2 > /dev/null
bench="$build/tests/bench/qat_bench"
out=results/qat_methods.md
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

{
  echo "# QAT fake quantizers: throughput"
  echo
  echo "Regenerate with \`scripts/bench_qat.sh\`; do not edit by hand."
  echo
  echo "- Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Software: $(c++ --version | head -1), commit $(git rev-parse --short HEAD)"
  echo "- One tensor of $elements floats (16 MiB, N(0.5, 1)), 64 rows; forward in evaluation"
  echo "  mode (gradient quantizers in training mode: their noise is the point), backward with"
  echo "  learned-parameter gradients. elem/ns = elements per nanosecond of one call (median)."
  echo "- *per CPU-second* divides by the process CPU time (all threads) instead of the wall"
  echo "  time: on a shared machine the process is often descheduled, and the CPU time is the"
  echo "  work done. *forward / copy* compares with the \`fp\` method (a plain copy) in the same"
  echo "  process."
  echo "- DoReFa weights call tanh per element (libm) and are meant for weight tensors, which"
  echo "  are small; stochastic methods draw one mt19937 number per element, in order, by"
  echo "  contract (reproducible from the seed), which bounds DoReFa gradients and stochastic"
  echo "  fixed point to one thread's generator speed."
  run() {  # title, then the environment and arguments of one bench run
    local title="$1"; shift
    echo
    echo "## $title"
    echo
    echo "Command: \`$*\`"
    echo
    env "$@" | tail -n +3
  }
  run "1 thread" "$bench" "$elements" 1 15
  run "2 threads" "$bench" "$elements" 2 15
  echo
  echo "With 2 threads on a machine whose other processes keep both CPUs busy, OpenMP's"
  echo "spinning at barriers costs more than the second thread gains; passive waiting:"
  run "2 threads, OMP_WAIT_POLICY=passive" OMP_WAIT_POLICY=passive "$bench" "$elements" 2 15
} > "$tmp"
mv "$tmp" "$out"
echo "wrote $out"
