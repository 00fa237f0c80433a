#!/usr/bin/env bash
# A sweep whose spec has `training:` trains the precisions its `trained:` folder lacks:
# once per precision however many accelerators and workers, in the trainer's cache beside
# the store; a second sweep (another store, same cache) and a resumed one do not train
# again; the accuracy stored is the golden reference's on the trained model (`qasim
# infer`); the equivalent `qasim train` command finds the same cache entry; mistakes in
# the section exit 2 naming the file and line.
source "$(dirname "$0")/lib/common.bash"

mkdir -p "$WORK/trained"
# Stands in for a model made by `qasim train`: w8a8 comes from the folder, w4a4 is trained.
expect_exit 0 "$QASIM" export --model zoo:resnet8 --width 0.5 --wbits 8 --abits 8 \
  --input-shape 1x28x28 --classes 10 --seed 7 --out "$WORK/trained/w8a8.onnx"
cat >"$WORK/spec.yaml" <<'YAML'
workload: {model: "zoo:resnet8", width: 0.5, dataset: synthetic, images: 64, trained: trained}
accelerators: [nvdla_small, nvdla_large]
precision: {wbits: [4, 8], abits: [4, 8], pairing: same}
training: {methods: {4: lsq, 8: int}, epochs: 1, train_images: 256, batch: 64, threads: 1}
YAML

# First sweep: w4a4 trains once (2 accelerators, 2 workers).
expect_exit 0 "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/a.db" --jobs 2 -q
cp "$WORK/out" "$WORK/first.log"
[ "$(grep -c 'w4a4: training lsq:w4+lsq:a4' "$WORK/out")" = 1 ] || { cat "$WORK/out"; fail "w4a4 did not train exactly once"; }
grep -q "w8a8: training" "$WORK/out" && fail "w8a8 is in the trained folder, yet it trained"
expect_output "trainer: 1 model(s) trained now, 0 from its cache ($WORK/train-cache)"
expect_output "evaluated 4 point(s) (0 failed)"

# Second sweep, another store beside the first: the cache serves w4a4.
expect_exit 0 "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/b.db" --jobs 2 -q
grep -q "training lsq" "$WORK/out" && fail "the second sweep trained again"
expect_output "w4a4: the trained model is in the trainer's cache"
expect_output "trainer: 0 model(s) trained now, 1 from its cache"

# Resumed: nothing to evaluate, nothing to train.
expect_exit 0 "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/a.db" --resume -q
expect_output "trainer: 0 model(s) trained now, 0 from its cache"
expect_output "4 already in the store"

model=$(ls "$WORK"/train-cache/*/model.onnx)
[ "$(echo "$model" | wc -l)" = 1 ] || fail "expected one cached model: $model"
expect_exit 0 "$QASIM" infer --model "$model" --dataset synthetic --images 64 \
  --arch nvdla_small --json "$WORK/infer.json"
$PY - "$WORK/a.db" "$WORK/b.db" "$WORK/infer.json" "$model" <<'PY'
import json, sqlite3, sys
def rows(path):
    db = sqlite3.connect(path)
    return {(a, p): (acc, json.loads(r)["accuracy_detail"]["source"]) for a, p, acc, r in
            db.execute("select accelerator, precision, accuracy, result from points")}
a, b = rows(sys.argv[1]), rows(sys.argv[2])
infer = json.load(open(sys.argv[3]))
top1 = infer.get("accuracy", infer.get("top1"))
acc, src = a[("nvdla_small", "w4a4")]
assert abs(acc - top1) < 1e-9, (acc, top1)
assert src.startswith("trained now by the sweep") and sys.argv[4] in src, src
acc_b, src_b = b[("nvdla_small", "w4a4")]
assert acc_b == acc and src_b.startswith("from the trainer's cache"), (acc_b, src_b)
assert a[("nvdla_small", "w8a8")][1].startswith("trained by qasim train"), a
PY

# `qasim train` with the same config (the sweep's recipe, spelled as flags) hits the entry.
expect_exit 0 "$QASIM" train --model zoo:resnet8 --width 0.5 --dataset synthetic \
  --quant lsq:w4a4 --first-bits 8 --last-bits 8 --epochs 1 --batch 64 --train-images 256 \
  --test-images 64 --seed 1 --threads 1 --out "$WORK/cmd" --cache-dir "$WORK/train-cache"
expect_output "reused cached model"
cmp "$WORK/cmd/model.onnx" "$model" || fail "qasim train's cached model differs"

# Under mpirun (rank 0 trains before it hands out the precision's points; the workers read
# the cache): once, with a fresh cache beside another store.
if command -v mpirun >/dev/null; then
  export OMPI_MCA_mpi_warn_on_fork=0 OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo
  mkdir -p "$WORK/mpi"
  set +e
  mpirun --oversubscribe --allow-run-as-root -np 3 "$QASIM" sweep "$WORK/spec.yaml" \
    --db "$WORK/mpi/m.db" -q >"$WORK/out" 2>&1
  rc=$?
  set -e
  if ! grep -q "built without MPI" "$WORK/out"; then
    [ "$rc" = 0 ] || { cat "$WORK/out" >&2; fail "mpirun sweep exited $rc"; }
    [ "$(grep -c 'w4a4: training lsq' "$WORK/out")" = 1 ] || { cat "$WORK/out"; fail "MPI: not one training"; }
    expect_output "trainer: 1 model(s) trained now, 0 from its cache ($WORK/mpi/train-cache)"
    cmp "$WORK"/mpi/train-cache/*/model.onnx "$model" || fail "MPI's trained model differs"
  fi
fi

# Mistakes: file and line, exit 2.
sed 's/epochs: 1/epochs: 1, epoch: 2/' "$WORK/spec.yaml" >"$WORK/bad.yaml"
expect_exit 2 "$QASIM" sweep "$WORK/bad.yaml" --db "$WORK/bad.db"
expect_output "bad.yaml:4:"
expect_output "unknown key 'epoch'"
sed 's/4: lsq/4: xnor/' "$WORK/spec.yaml" >"$WORK/bad.yaml"
expect_exit 2 "$QASIM" sweep "$WORK/bad.yaml" --db "$WORK/bad.db"
expect_output "bad.yaml:4:"
expect_output "4-bit weights"
echo ok
