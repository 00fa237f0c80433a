#!/usr/bin/env bash
# Sweep throughput (design points per second, fast mode) with 1 and 2 local worker
# processes and under mpirun with 2 ranks (rank 0 only queues and stores, so 1 worker
# rank) and 3 ranks (2 worker ranks, oversubscribed on a 2-core machine); the speed-up of
# each over one local worker; the load average around every run; then the wall time of
# the embedded default sweep + report and of the whole demo (scripts/demo.sh). Written to
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
py=/usr/bin/python3
load() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }

# An architecture sweep: 27 nvdla_small shapes x 4 weight precisions = 108 points, each
# timed by the fast model and priced by the cost model; accuracy (100 images) is measured
# once per precision and reused across the shapes (the stores are fresh every run).
cat >"$work/bench.yaml" <<'YAML'
workload: {model: "zoo:resnet20", dataset: fashion-mnist, images: 100}
accelerators:
  - preset: nvdla_small
    params: {atomic_k: [8, 16, 32], atomic_c: [8, 16, 32], cbuf_entries: [256, 512, 1024]}
precision: {wbits: [1, 2, 4, 8], abits: [8]}
evaluation: {mode: fast}
YAML

# run NAME CMD... : runs a fresh sweep twice (the machine is shared: the faster of the two
# is kept) and appends "NAME|points|seconds|load before|load after" to $work/rows.
run() {
  local name=$1; shift
  local best="" before after start took
  before=$(load)
  for _ in 1 2; do
    rm -f "$work"/bench.db*
    start=$(now)
    "$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
    took=$($py -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(now)" "$start")
    best=$($py -c "import sys; print(min(float(sys.argv[1]), float(sys.argv[2] or 'inf')))" "$took" "$best")
  done
  after=$(load)
  local n
  n=$($py -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from points where status='ok'\").fetchone()[0])" "$work/bench.db")
  echo "$name|$n|$best|$before|$after" >>"$work/rows"
}

run "local, --jobs 1" "$qasim" sweep "$work/bench.yaml" --db "$work/bench.db" --jobs 1 -q
run "local, --jobs 2" "$qasim" sweep "$work/bench.yaml" --db "$work/bench.db" --jobs 2 -q
mpi=0
if command -v mpirun >/dev/null && ldd "$qasim" | grep -q libmpi; then
  mpi=1
  run "mpirun -np 2 (1 worker rank)" mpirun --oversubscribe --allow-run-as-root -np 2 \
    "$qasim" sweep "$work/bench.yaml" --db "$work/bench.db" -q
  run "mpirun -np 3 (2 worker ranks)" mpirun --oversubscribe --allow-run-as-root -np 3 \
    "$qasim" sweep "$work/bench.yaml" --db "$work/bench.db" -q
fi

# The embedded default sweep and its report.
default_load=$(load)
start=$(now)
"$qasim" sweep configs/sweeps/default.yaml --db "$work/default.db" --jobs "$(nproc)" -q >"$work/default.log" 2>&1
"$qasim" report "$work/default.db" --out "$work/report" >>"$work/default.log" 2>&1
default_s=$($py -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(now)" "$start")

# The whole demo, into a fresh folder (its setup step finds build/ up to date).
demo_load=$(load)
start=$(now)
scripts/demo.sh "$work/demo" >"$work/demo.log" 2>&1 || { tail -30 "$work/demo.log" >&2; exit 1; }
demo_s=$($py -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(now)" "$start")

{
  echo "# Sweep throughput"
  echo
  echo "Regenerate with \`scripts/bench_sweep.sh\` (this file is written by it, not by hand)."
  echo
  echo "- machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
  echo "- date: $(date -u +%Y-%m-%d)"
  echo "- the machine may be shared with other work: the load average (1 minute) before and"
  echo "  after each runner is in its row; compare the ratios within this run, not with other"
  echo "  runs. Each sweep ran twice into a fresh store and the faster run is shown; one kernel"
  echo "  thread per worker (the default)."
  echo
  echo "## Architecture sweep, fast mode (ResNet-20 on Fashion-MNIST, 108 points)"
  echo
  echo '```yaml'
  cat "$work/bench.yaml"
  echo '```'
  echo
  $py - "$work/rows" <<'PY'
import sys
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1])]
base = None
print("| runner | points | wall s | points/s | speed-up vs --jobs 1 | load before | load after |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, n, t, before, after in rows:
    rate = int(n) / float(t)
    base = base or rate
    print(f"| {name} | {n} | {float(t):.1f} | {rate:.2f} | {rate / base:.2f}x | {before} | {after} |")
PY
  [ "$mpi" = 1 ] || echo "(mpirun runs skipped: no mpirun, or this qasim was built without MPI)"
  echo
  echo "Wall time includes each sweep's start (spec, test set, accelerator resolution) and"
  echo "the accuracy runs (4 precisions x 100 images), which a 2-worker run overlaps."
  echo
  echo "## The embedded default sweep and its report"
  echo
  echo "Command: \`qasim sweep configs/sweeps/default.yaml --db D --jobs $(nproc) && qasim report D --out R\`"
  echo "(the trained ResNet-20 of configs/trained/resnet20-fmnist at W1A1, W2A2, W4A4, W8A8 on"
  echo "nvdla_small, nvdla_large and unpu, and its Deep-Compressed version on eie; accuracy on"
  echo "1000 test images; load before: $default_load)"
  echo
  $py -c "import sys; print(f'wall time: {float(sys.argv[1]):.1f} s')" "$default_s"
  echo
  echo '```'
  grep -E "^evaluated|points \(" "$work/default.log" | sed "s|$work/default.db|D|"
  echo '```'
  echo
  echo "## The demo"
  echo
  echo "Command: \`scripts/demo.sh OUT\` (the README's main job: setup check, golden inference on"
  echo "2000 test images, simulate on nvdla_small, nvdla_large and unpu and the compressed model"
  echo "on eie, fast and clock by clock, a one-minute \`qasim train\`, export, the default sweep,"
  echo "its report and a compare; load before: $demo_load)"
  echo
  $py -c "import sys; print(f'wall time: {float(sys.argv[1]):.1f} s ({float(sys.argv[1]) / 60:.1f} min)')" "$demo_s"
} >"$work/out.md"
mkdir -p results
mv "$work/out.md" "$out"
cat "$out"
