#!/usr/bin/env bash
# Sweep throughput (design points per second, fast mode) with 1 and 2 local worker
# processes and with 2 and 3 MPI ranks (rank 0 only queues and stores, so 2 ranks = 1
# worker), and the wall time of the embedded default sweep + report; written to
# results/sweep.md.
#   scripts/bench_sweep.sh [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
qasim=$build/dse/qasim
out=results/sweep.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_MCA_mpi_warn_on_fork=0 OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo

# An architecture sweep: 18 nvdla_small shapes x 3 weight precisions = 54 points, each
# timed by the fast model; accuracy (200 images) is measured once per precision and reused.
cat >"$work/bench.yaml" <<'YAML'
workload: {model: "zoo:resnet20", dataset: fashion-mnist, images: 200}
accelerators:
  - preset: nvdla_small
    params: {atomic_k: [8, 16, 32], atomic_c: [8, 16], cbuf_entries: [256, 512, 1024]}
precision: {wbits: [2, 4, 8], abits: [8]}
evaluation: {mode: fast}
YAML

# run NAME CMD... : runs a fresh sweep twice (the machine may be shared: the faster of the
# two is kept), prints "| NAME | points | seconds | points/s |"
run() {
  local name=$1; shift
  local start end best=""
  for _ in 1 2; do
    rm -f "$work"/bench.db*
    start=$(date +%s.%N)
    "$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
    end=$(date +%s.%N)
    best=$(/usr/bin/python3 -c "import sys; t = float(sys.argv[1]) - float(sys.argv[2]); b = sys.argv[3]; print(min(t, float(b)) if b else t)" "$end" "$start" "$best")
  done
  start=0 end=$best
  local n
  n=$(/usr/bin/python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from points where status='ok'\").fetchone()[0])" "$work/bench.db")
  /usr/bin/python3 -c "import sys; n, t = int(sys.argv[2]), float(sys.argv[3]) - float(sys.argv[4]); print(f'| {sys.argv[1]} | {n} | {t:.1f} | {n / t:.2f} |')" "$name" "$n" "$end" "$start" | tee -a "$work/rows"
}

{
  echo "# Sweep throughput"
  echo
  echo "Regenerate with \`scripts/bench_sweep.sh\` (this file is written by it, not by hand)."
  echo
  echo "- machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- date: $(date -u +%Y-%m-%d)"
  echo "- the machine may be shared: compare the ratios within this run, not with other runs;"
  echo "  each sweep ran twice and the faster run is shown; one kernel thread per worker (the default)"
  echo
  echo "## Architecture sweep, fast mode (ResNet-20 on Fashion-MNIST, 54 points)"
  echo
  echo '```yaml'
  cat "$work/bench.yaml"
  echo '```'
  echo
  echo "| runner | points | wall s | points/s |"
  echo "|---|---:|---:|---:|"
  run "local, --jobs 1" "$qasim" sweep "$work/bench.yaml" --db "$work/bench.db" --jobs 1 -q
  run "local, --jobs 2" "$qasim" sweep "$work/bench.yaml" --db "$work/bench.db" --jobs 2 -q
  if command -v mpirun >/dev/null; then
    run "mpirun -np 2 (1 worker rank)" mpirun --oversubscribe --allow-run-as-root -np 2 \
      "$qasim" sweep "$work/bench.yaml" --db "$work/bench.db" -q
    run "mpirun -np 3 (2 worker ranks)" mpirun --oversubscribe --allow-run-as-root -np 3 \
      "$qasim" sweep "$work/bench.yaml" --db "$work/bench.db" -q
  fi
  echo
  /usr/bin/python3 - "$work/rows" <<'PY'
import sys
rate = {}
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    rate[cells[0]] = float(cells[3])
base = rate["local, --jobs 1"]
print("Speed-up over one local worker: " + ", ".join(
    f"{name} {r / base:.2f}x" for name, r in rate.items() if name != "local, --jobs 1"))
PY
  echo
  echo "## The embedded default (configs/sweeps/default.yaml: 32 points) and its report"
  echo
  start=$(date +%s.%N)
  "$qasim" sweep configs/sweeps/default.yaml --db "$work/default.db" --jobs "$(nproc)" -q >"$work/log" 2>&1
  "$qasim" report "$work/default.db" --out "$work/report" >>"$work/log" 2>&1
  end=$(date +%s.%N)
  echo "Command: \`qasim sweep configs/sweeps/default.yaml --db D --jobs $(nproc) && qasim report D --out R\`"
  echo
  /usr/bin/python3 -c "import sys; print(f'wall time: {float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$start" "$end"
  echo
  echo '```'
  grep -E "^evaluated|points \(" "$work/log" | sed "s|$work/default.db|D|"
  echo '```'
} >"$work/out.md"
mkdir -p results
mv "$work/out.md" "$out"
cat "$out"
