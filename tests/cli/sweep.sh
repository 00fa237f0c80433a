#!/usr/bin/env bash
# qasim sweep on local worker processes: a bad spec is refused with file and line; a point
# that cannot be built is stored as failed with its reason and the sweep goes on; a worker
# killed mid-point is stored as failed and the sweep goes on; kill -9 of the sweep loses
# no finished point, and --resume finishes the rest without recomputing any.
source "$(dirname "$0")/lib/common.bash"

# Counts rows of the result store: db_count DB [WHERE-clause]
db_count() { $PY -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from points ' + sys.argv[2]).fetchone()[0])" "$1" "${2:-}"; }

# --- bad specs: exit 2, file:line:column
printf 'workload: {model: "zoo:resnet8", dataset: synthetic}\nacclerators: all\n' >"$WORK/typo.yaml"
expect_exit 2 "$QASIM" sweep "$WORK/typo.yaml" --db "$WORK/typo.db"
expect_output "typo.yaml:2:1: unknown key 'acclerators'"
printf 'workload: {model: "zoo:resnet8", dataset: synthetic}\naccelerators:\n  - {preset: nvdla_small, params: {atomic_k: [8, 0]}}\n' >"$WORK/range.yaml"
expect_exit 2 "$QASIM" sweep "$WORK/range.yaml" --db "$WORK/range.db"
expect_output "range.yaml:3:5: nvdla_small{atomic_k=0}"
expect_exit 2 "$QASIM" sweep "$WORK/missing.yaml"
expect_output "missing.yaml"
expect_exit 2 "$QASIM" sweep "$WORK/typo.yaml" --jobs 0

# --- a point that cannot be built (8-bit power-of-two weights) fails with its reason
cat >"$WORK/pow2.yaml" <<'YAML'
workload: {model: "zoo:resnet8", dataset: synthetic, images: 32}
accelerators: [nvdla_small, nvdla_large]
precision: {wbits: [4, 8], abits: [8], scheme: pow2}
YAML
expect_exit 0 "$QASIM" sweep "$WORK/pow2.yaml" --db "$WORK/pow2.db" --jobs 2
expect_output "failed: model 'resnet8', layer 1 'conv1': pow2 weights need 2..6 bits, got 8"
[ "$(db_count "$WORK/pow2.db")" -ge 4 ] || fail "expected 2 precisions x every accelerator"
[ "$(db_count "$WORK/pow2.db" "where status='failed' and reason like '%pow2 weights need%'")" = \
  "$(db_count "$WORK/pow2.db" "where precision like 'w8%'")" ] || fail "w8 points not failed"
[ "$(db_count "$WORK/pow2.db" "where status='ok' and accuracy is not null and latency > 0")" = \
  "$(db_count "$WORK/pow2.db" "where precision like 'w4%'")" ] || fail "w4 points not ok"
# Without --resume, a store that holds the sweep's points is not silently reused.
expect_exit 2 "$QASIM" sweep "$WORK/pow2.yaml" --db "$WORK/pow2.db"
expect_output "--resume"

# --- a slower grid: 8 points, each measuring accuracy on 128 images
cat >"$WORK/slow.yaml" <<'YAML'
workload: {model: "zoo:resnet8", dataset: synthetic, images: 128}
accelerators: [nvdla_small]
precision: {wbits: [2, 3, 4, 5], abits: [6, 8]}
YAML

# A worker killed mid-point: that point is failed (signal 9), the others finish.
"$QASIM" sweep "$WORK/slow.yaml" --db "$WORK/crash.db" --jobs 1 -q >"$WORK/crash.out" 2>&1 &
sweep=$!
child=""
for _ in $(seq 400); do
  child=$(pgrep -P "$sweep" | head -n1 || true)
  [ -n "$child" ] && break
  sleep 0.05
done
[ -n "$child" ] || fail "no worker process appeared"
kill -9 "$child"
wait "$sweep" || { cat "$WORK/crash.out" >&2; fail "the sweep did not survive a killed worker"; }
[ "$(db_count "$WORK/crash.db")" = 8 ] || fail "expected all 8 points stored"
[ "$(db_count "$WORK/crash.db" "where status='failed' and reason like 'worker process killed by signal 9%'")" = 1 ] ||
  fail "the killed point is not stored as failed with its signal"

# kill -9 of the sweep itself: finished points stay, --resume does the rest.
"$QASIM" sweep "$WORK/slow.yaml" --db "$WORK/kill.db" --jobs 1 -q >/dev/null 2>&1 &
sweep=$!
for _ in $(seq 600); do
  [ -e "$WORK/kill.db" ] && [ "$(db_count "$WORK/kill.db" 2>/dev/null || echo 0)" -ge 2 ] && break
  sleep 0.05
done
workers=$(pgrep -P "$sweep" || true)
kill -9 "$sweep"
for w in $workers; do kill -9 "$w" 2>/dev/null || true; done
wait "$sweep" 2>/dev/null || true
before=$(db_count "$WORK/kill.db")
[ "$before" -ge 2 ] && [ "$before" -lt 8 ] || fail "expected a partial store after kill -9, got $before points"
$PY - "$WORK/kill.db" >"$WORK/before.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
for row in db.execute("select hash, finished_at, result from points order by hash"): print(*row)
PY
expect_exit 0 "$QASIM" sweep "$WORK/slow.yaml" --db "$WORK/kill.db" --jobs 2 --resume -q
expect_output "evaluated $((8 - before)) point(s) (0 failed), $before already in the store"
[ "$(db_count "$WORK/kill.db" "where status='ok'")" = 8 ] || fail "resume did not finish the sweep"
# The points finished before the kill were kept as they were, not recomputed.
$PY - "$WORK/kill.db" "$WORK/before.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
now = {h: (f, r) for h, f, r in db.execute("select hash, finished_at, result from points")}
for line in open(sys.argv[2]):
    h, f, r = line.rstrip("\n").split(" ", 2)
    assert now[h] == (f, r), f"point {h} changed on resume"
PY
# Killed and resumed, or run with a killed worker: the points that finished in both
# stores have the same results (hardware metrics and accuracy are deterministic).
$PY - "$WORK/kill.db" "$WORK/crash.db" <<'PY'
import sqlite3, sys
a, b = (dict((h, (acc, lat)) for h, acc, lat in sqlite3.connect(p).execute(
    "select hash, accuracy, latency from points where status='ok'")) for p in sys.argv[1:])
assert len(a) == 8 and len(b) == 7
assert all(a[h] == b[h] for h in b), "the same points gave different results"
PY

# Cycle mode (SystemC, elaborated once per worker process) gives the fast model's cycles.
for mode in fast cycle; do
  printf 'workload: {model: "zoo:resnet8", dataset: synthetic, images: 16}\naccelerators: [nvdla_small, nvdla_large]\nprecision: {wbits: [4, 8]}\nevaluation: {mode: %s}\n' "$mode" >"$WORK/$mode.yaml"
  expect_exit 0 "$QASIM" sweep "$WORK/$mode.yaml" --db "$WORK/$mode.db" --jobs 2 -q
done
$PY - "$WORK/fast.db" "$WORK/cycle.db" <<'PY'
import sqlite3, sys
a, b = (sorted(sqlite3.connect(p).execute(
    "select accelerator, precision, status, json_extract(result, '$.cycles') from points")) for p in sys.argv[1:])
assert len(a) >= 4 and a == b and all(r[2] == "ok" and r[3] > 0 for r in a), (a, b)
PY
echo ok
