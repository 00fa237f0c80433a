#!/usr/bin/env bash
# qasim sweep under mpirun on loopback: rank 0 queues points and writes the store, ranks
# 1 and 2 evaluate; the results equal a local sweep's, point for point; --resume under
# mpirun skips what is stored. Skipped when mpirun or an MPI build is missing.
source "$(dirname "$0")/lib/common.bash"
command -v mpirun >/dev/null || { echo "skipped: mpirun not installed (Debian openmpi-bin)"; exit 0; }
# Loopback only, no fork warnings (workers fork one child per point by design).
export OMPI_MCA_mpi_warn_on_fork=0 OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
MPIRUN=(mpirun --oversubscribe --allow-run-as-root -np 3)

cat >"$WORK/spec.yaml" <<'YAML'
workload: {model: "zoo:resnet8", dataset: synthetic, images: 64}
accelerators: [nvdla_small, nvdla_large]
precision: {wbits: [2, 4, 8], abits: [4, 8], scheme: pow2}
YAML
set +e
"${MPIRUN[@]}" "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/mpi.db" -q >"$WORK/out" 2>&1
rc=$?
set -e
if grep -q "built without MPI" "$WORK/out"; then echo "skipped: this qasim has no MPI"; exit 0; fi
[ "$rc" = 0 ] || { cat "$WORK/out" >&2; fail "mpirun sweep exited $rc"; }
expect_output "sweep over MPI: 2 worker rank(s)"
expect_output "failed)"

expect_exit 0 "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/local.db" --jobs 2 -q
$PY - "$WORK/mpi.db" "$WORK/local.db" <<'PY'
import sqlite3, sys
a, b = (dict((h, (s, r, acc, lat)) for h, s, r, acc, lat in sqlite3.connect(p).execute(
    "select hash, status, reason, accuracy, latency from points")) for p in sys.argv[1:])
assert len(a) >= 12 and a == b, "MPI and local sweeps differ"
# pow2 weights take 2..6 bits: every w8 point failed with that reason, the others ran.
failed = [v for v in a.values() if v[0] == "failed"]
assert failed and all("pow2 weights need 2..6 bits" in v[1] for v in failed)
assert len(failed) * 3 == len(a), (len(failed), len(a))
PY

# Resume under mpirun: every point is already stored, none is evaluated again.
"${MPIRUN[@]}" "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/mpi.db" --resume -q >"$WORK/out" 2>&1 ||
  { cat "$WORK/out" >&2; fail "mpirun --resume failed"; }
expect_output "evaluated 0 point(s) (0 failed)"
# Rank 0 refusing the store (no --resume) releases the worker ranks: exit 2, no hang.
set +e
timeout 120 "${MPIRUN[@]}" "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/mpi.db" -q >"$WORK/out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$WORK/out" >&2; fail "expected exit 2 from rank 0, got $rc"; }
expect_output "add --resume"
echo ok
