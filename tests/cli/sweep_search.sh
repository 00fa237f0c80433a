#!/usr/bin/env bash
# Search strategies end to end: random search stores `samples` distinct points of the
# grid; NSGA-II over per-layer bits stays within population x (generations + 1)
# evaluations, is reproducible from its seed, and replays from the store on --resume
# without evaluating anything.
source "$(dirname "$0")/lib/common.bash"
hashes() { $PY -c "import sqlite3,sys; print(' '.join(sorted(h for (h,) in sqlite3.connect(sys.argv[1]).execute('select hash from points'))))" "$1"; }

base='workload: {model: "zoo:resnet8", dataset: synthetic, images: 16}
accelerators: [nvdla_small, nvdla_large]
precision: {wbits: [2, 4, 8], abits: [2, 8]}'
printf '%s\n' "$base" >"$WORK/grid.yaml"
printf '%s\nsearch: {method: random, samples: 3, seed: 5}\n' "$base" >"$WORK/random.yaml"
expect_exit 0 "$QASIM" sweep "$WORK/grid.yaml" --db "$WORK/grid.db" --jobs 2 -q
expect_exit 0 "$QASIM" sweep "$WORK/random.yaml" --db "$WORK/random.db" --jobs 2 -q
$PY - "$WORK/grid.db" "$WORK/random.db" <<'PY'
import sqlite3, sys
g, r = ({h for (h,) in sqlite3.connect(p).execute("select hash from points")} for p in sys.argv[1:])
assert len(r) == 3 and r <= g, (len(r), r - g)
PY

printf '%s\nobjectives: [{maximize: accuracy}, {minimize: latency}]\nconstraints: {latency: {max: 0.01}}\nsearch: {method: nsga2, population: 4, generations: 2, seed: 7}\n' "$base" >"$WORK/nsga2.yaml"
expect_exit 0 "$QASIM" sweep "$WORK/nsga2.yaml" --db "$WORK/a.db" --jobs 2 -q
n=$($PY -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from points where status='ok' and precision like 'mixed%'\").fetchone()[0])" "$WORK/a.db")
[ "$n" -ge 4 ] && [ "$n" -le 12 ] || fail "nsga2 stored $n mixed-precision points, expected 4..12"
expect_exit 0 "$QASIM" sweep "$WORK/nsga2.yaml" --db "$WORK/b.db" --jobs 1 -q
[ "$(hashes "$WORK/a.db")" = "$(hashes "$WORK/b.db")" ] || fail "same seed, different search"
expect_exit 0 "$QASIM" sweep "$WORK/nsga2.yaml" --db "$WORK/a.db" --resume -q
expect_output "evaluated 0 point(s) (0 failed), $n already in the store"
echo ok
