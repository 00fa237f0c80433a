#!/usr/bin/env bash
# qasim report and compare on a small sweep: CSV/JSON agree with the store, the Pareto
# flags equal a front computed here in Python, the HTML page loads in headless Chromium
# with no errors and draws its charts (skipped without chromium), a missing Chart.js is a
# clear failure, and compare's deltas and ratios match the stored metrics.
source "$(dirname "$0")/lib/common.bash"

cat >"$WORK/spec.yaml" <<'YAML'
workload: {model: "zoo:resnet8", dataset: synthetic, images: 64}
accelerators:
  - preset: nvdla_small
    params: {atomic_k: [8, 16]}
  - nvdla_large
precision: {wbits: [2, 8], abits: [2, 8]}
YAML
expect_exit 0 "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/r.db" --jobs 2 -q
expect_exit 0 "$QASIM" report "$WORK/r.db" --out "$WORK/report"
expect_output "Pareto front, accuracy vs latency"
for f in report.html report.json points.csv; do [ -s "$WORK/report/$f" ] || fail "no $f"; done

$PY - "$WORK/r.db" "$WORK/report" <<'PY'
import csv, json, sqlite3, sys
db, out = sys.argv[1:]
rows = list(csv.DictReader(open(out + "/points.csv")))
report = json.load(open(out + "/report.json"))
stored = {h: (acc, lat) for h, acc, lat in sqlite3.connect(db).execute(
    "select hash, accuracy, latency from points where status='ok'")}
assert len(rows) == len(report["points"]) == len(stored) == 12, len(rows)
for r in rows:
    assert abs(float(r["accuracy"]) - stored[r["hash"]][0]) < 1e-9
    assert abs(float(r["latency"]) - stored[r["hash"]][1]) < 1e-15
    assert float(r["energy"]) > 0 and float(r["area"]) > 0, "the cost model prices every point"
# The front by definition: no other point has accuracy >= and latency <=, one strictly.
pts = [(float(r["accuracy"]), float(r["latency"]), r["hash"]) for r in rows]
front = {h for a, l, h in pts
         if not any(a2 >= a and l2 <= l and (a2 > a or l2 < l) for a2, l2, _ in pts)}
flagged = {r["hash"] for r in rows if r["pareto_latency"] == "true"}
assert front == flagged, (front, flagged)
assert set(report["fronts"]["latency"]["hashes"]) == front
# Hypervolume with the stated reference (accuracy 0 %, the largest latency), by hand:
# sort the front by latency; each point adds (ref_latency - latency) x (its accuracy gain).
ref = report["fronts"]["latency"]["reference"]["latency"]
hv, prev_acc = 0.0, 0.0
for a, l, h in sorted((p for p in pts if p[2] in front), key=lambda p: p[0]):
    hv += (ref - l) * (a - prev_acc)
    prev_acc = a
assert abs(hv - report["fronts"]["latency"]["hypervolume"]) <= 1e-9 * max(1.0, hv), (hv, report["fronts"]["latency"]["hypervolume"])
assert report["fronts"]["energy"]["hypervolume"] > 0
PY

# The page in a real browser: no errors, charts drawn.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "note: chromium not installed, HTML page not checked in a browser"
else
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=10000 \
    --enable-logging=stderr --v=0 --dump-dom "file://$WORK/report/report.html" \
    >"$WORK/dom.html" 2>"$WORK/chromium.log" || { tail "$WORK/chromium.log" >&2; fail "chromium failed"; }
  grep -q 'data-charts-drawn="5"' "$WORK/dom.html" ||
    fail "charts not drawn: $(grep -o 'data-charts-drawn="[0-9]*"' "$WORK/dom.html")"
  ! grep -q 'data-errors=' "$WORK/dom.html" || fail "page errors: $(grep -o 'data-errors="[^"]*"' "$WORK/dom.html")"
  ! grep -E 'CONSOLE.*(Error|Uncaught)' "$WORK/chromium.log" || fail "console errors"
  ! grep -q 'id="pending-energy"' "$WORK/dom.html" || fail "energy chart says pending"
  [ "$(grep -o '<tr' "$WORK/dom.html" | wc -l)" -ge 13 ] || fail "points table not filled"
  # Sorted by latency (the page's #sort= link does what a header click does): the first
  # row is a point of the smallest stored latency.
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=10000 \
    --dump-dom "file://$WORK/report/report.html#sort=latency" >"$WORK/sorted.html" 2>/dev/null
  $PY - "$WORK/r.db" "$WORK/sorted.html" <<'PY'
import re, sqlite3, sys
html = open(sys.argv[2]).read()
assert 'data-sorted-by="latency s asc"' in html, "table not sorted"
first = re.search(r'<table id="points-table"[^>]*>.*?<tbody><tr[^>]*><td[^>]*>([0-9a-f]{16})<', html, re.S).group(1)
db = sqlite3.connect(sys.argv[1])
lowest = db.execute("select min(latency) from points where status='ok'").fetchone()[0]
assert db.execute("select latency from points where hash=?", (first,)).fetchone()[0] == lowest
PY
fi

# No Chart.js: a clear failure naming the package, and nothing written.
QASIM_CHARTJS="$WORK/none.js" expect_exit 1 "$QASIM" report "$WORK/r.db" --out "$WORK/no-js"
expect_output "libjs-chart.js"
[ ! -e "$WORK/no-js" ] || fail "a report was written without Chart.js"
head -c 200 /dev/urandom >"$WORK/junk.db"
expect_exit 2 "$QASIM" report "$WORK/junk.db" --out "$WORK/junk"
expect_output "junk.db"

# compare two points by hash prefix: B-A and B/A from the stored latencies.
read -r a b < <($PY -c "import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(\"select hash from points where precision='w2a8' order by accelerator\").fetchall(); print(r[0][0], r[1][0])" "$WORK/r.db")
expect_exit 0 "$QASIM" compare "${a:0:8}" "${b:0:8}" --db "$WORK/r.db" --out "$WORK/cmp"
expect_output "latency (s)"
$PY - "$WORK/r.db" "$WORK/cmp/compare.json" "$a" "$b" <<'PY'
import json, sqlite3, sys
db, path, a, b = sys.argv[1:]
lat = dict(sqlite3.connect(db).execute("select hash, latency from points"))
c = json.load(open(path))
d = [x for x in c["deltas"] if x["metric"] == "latency"][0]
assert abs(d["delta"] - (lat[b] - lat[a])) < 1e-15 and abs(d["ratio"] - lat[b] / lat[a]) < 1e-12
PY
grep -q '^| latency (s) |' "$WORK/cmp/compare.md" || fail "markdown table lacks latency"
[ "$(head -n1 "$WORK/cmp/compare.csv" | cut -d, -f1)" = field ] || fail "bad CSV header"
expect_exit 2 "$QASIM" compare "${a:0:8}" --db "$WORK/r.db"
expect_exit 2 "$QASIM" compare zzzz "${b:0:8}" --db "$WORK/r.db"
expect_output "no point whose hash starts with 'zzzz'"

# The sweep's cycles equal `qasim simulate`'s (which builds the model with weights; the
# sweep times points whose accuracy is already known on the shape-and-bits graph).
printf 'preset: nvdla_small\natomic_k: 16\n' >"$WORK/k16.yaml"
for arch in nvdla_large "$WORK/k16.yaml"; do
  expect_exit 0 "$QASIM" simulate --model zoo:resnet8 --dataset synthetic --wbits 2 --abits 8 \
    --arch "$arch" --out "$WORK/sim-$(basename "$arch" .yaml)"
done
$PY - "$WORK/r.db" "$WORK/sim-nvdla_large/report.json" "$WORK/sim-k16/report.json" <<'PY'
import json, sqlite3, sys
db = dict(sqlite3.connect(sys.argv[1]).execute(
    "select accelerator, json_extract(result, '$.cycles') from points where precision='w2a8'"))
assert db["nvdla_large"] == json.load(open(sys.argv[2]))["timing"]["cycles"], db
assert db["nvdla_small{atomic_k=16}"] == json.load(open(sys.argv[3]))["timing"]["cycles"], db
# ... and so do their energy and area (the same cost model, the same counts).
cost = dict((a, (e, ar)) for a, e, ar in sqlite3.connect(sys.argv[1]).execute(
    "select accelerator, energy, area from points where precision='w2a8'"))
for arch, path in (("nvdla_large", sys.argv[2]), ("nvdla_small{atomic_k=16}", sys.argv[3])):
    sim = json.load(open(path))["cost"]
    assert abs(cost[arch][0] - sim["energy_per_inference_j"]) <= 1e-9 * sim["energy_per_inference_j"], (cost, arch)
    assert abs(cost[arch][1] - sim["area"]["total_mm2"]) <= 1e-9 * sim["area"]["total_mm2"], (cost, arch)
PY

# compare also reads `qasim simulate` reports.
model=(--model zoo:resnet8 --input-shape 1x16x16 --classes 10 --dataset synthetic)
expect_exit 0 "$QASIM" simulate "${model[@]}" --arch nvdla_small --out "$WORK/s1"
expect_exit 0 "$QASIM" simulate "${model[@]}" --arch nvdla_large --out "$WORK/s2"
expect_exit 0 "$QASIM" compare "$WORK/s1/report.json" "$WORK/s2/report.json"
expect_output "cycles"
echo ok
