#!/usr/bin/env bash
# A sweep whose workload names a folder of trained models (`trained:`, one LABEL.onnx per
# precision, as `qasim train` writes them): those precisions are measured on the trained
# model (the same top-1 as `qasim infer --arch` on that file), the others run untrained
# and say so; a missing folder is refused with file and line.
source "$(dirname "$0")/lib/common.bash"

mkdir -p "$WORK/trained"
# Stands in for a trained model: any ONNX file of the workload at that precision.
expect_exit 0 "$QASIM" export --model zoo:resnet8 --wbits 4 --abits 4 --input-shape 1x28x28 \
  --classes 10 --seed 7 --out "$WORK/trained/w4a4.onnx"
cat >"$WORK/spec.yaml" <<'YAML'
workload: {model: "zoo:resnet8", dataset: synthetic, images: 64, trained: trained}
accelerators: [nvdla_small]
precision: {wbits: [4, 8], abits: [4, 8], pairing: same}
YAML
expect_exit 0 "$QASIM" sweep "$WORK/spec.yaml" --db "$WORK/s.db" -q
expect_exit 0 "$QASIM" infer --model "$WORK/trained/w4a4.onnx" --dataset synthetic --images 64 \
  --arch nvdla_small --json "$WORK/infer.json"
$PY - "$WORK/s.db" "$WORK/infer.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = {p: (acc, json.loads(r)) for p, acc, r in db.execute("select precision, accuracy, result from points")}
src = dict(db.execute("select a.key, a.source from accuracy a"))
assert set(rows) == {"w4a4", "w8a8"}, rows.keys()
infer = json.load(open(sys.argv[2]))
top1 = infer.get("accuracy", infer.get("top1"))
assert abs(rows["w4a4"][0] - top1) < 1e-9, (rows["w4a4"][0], top1)
sources = " | ".join(src.values())
assert "trained by qasim train" in sources and "w4a4.onnx" in sources, sources
assert "untrained" in sources and "w8a8.onnx" in sources, sources
PY
printf 'workload: {model: "zoo:resnet8", dataset: synthetic, trained: nowhere}\n' >"$WORK/bad.yaml"
expect_exit 2 "$QASIM" sweep "$WORK/bad.yaml" --db "$WORK/bad.db"
expect_output "bad.yaml:1"
expect_output "does not exist"
echo ok
