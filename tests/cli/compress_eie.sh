#!/usr/bin/env bash
# qasim compress: a small trained ResNet is pruned and weight-shared; the golden accuracy it
# prints agrees with its fake-quant accuracy and equals `qasim infer` on the exported model;
# the densities are the targets; the model runs bit-exact on --arch eie in fast and cycle
# mode with the same cycles; a second run is served from the cache; without --from the base
# is trained first; bad input exits 2.
source "$(dirname "$0")/lib/common.bash"
have_numpy || { echo "skipped: Debian's python3-numpy is not installed"; exit 0; }

DATA=(--dataset synthetic --batch 32 --train-images 384 --test-images 512 --threads 1 --seed 3)
expect_exit 0 "$QASIM" train --model zoo:resnet8 --width 0.5 --input-shape 1x16x16 \
  --quant int:w8a8 --epochs 2 --lr 0.05 "${DATA[@]}" --out "$WORK/base" --no-cache
COMPRESS=(--from "$WORK/base" --density 0.4 --codebook-bits 3 --prune-steps 2 "${DATA[@]}")
expect_exit 0 "$QASIM" compress "${COMPRESS[@]}" --out "$WORK/c" --cache-dir "$WORK/cache"
expect_output "activations quantized as the base model's --quant int:w8a8"
expect_output "compression ratio"
cp "$WORK/out" "$WORK/compress.log"
for f in model.onnx summary.json; do [ -s "$WORK/c/$f" ] || fail "$f not written"; done

# Golden integer accuracy: printed, in summary.json, equal to qasim infer's on the export,
# and within 0.3 points of the fake-quant accuracy (512 images: at most one image apart).
expect_exit 0 "$QASIM" infer --model "$WORK/c/model.onnx" --dataset synthetic --images 512
cp "$WORK/out" "$WORK/infer.log"
$PY - "$WORK/c/summary.json" "$WORK/compress.log" "$WORK/infer.log" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
log, infer = open(sys.argv[2]).read(), open(sys.argv[3]).read()
g, f = s["golden_accuracy"], s["fake_quant_accuracy"]
m = re.search(r"golden integer accuracy ([0-9.]+)%  fake-quant accuracy ([0-9.]+)%", log)
assert m and abs(float(m.group(1)) - g) < 0.006 and abs(float(m.group(2)) - f) < 0.006, m
assert abs(g - f) <= 0.3, (g, f)
top1 = re.search(r"images\): top-1 ([0-9.]+)%", infer)
assert top1, infer
assert abs(float(top1.group(1)) - g) < 0.006, (top1.group(1), g)
st = s["storage"]
for i, l in enumerate(st["layers"]):
    want = 1.0 if i == 0 else 0.4   # the first layer is only weight-shared by default
    assert l["target_density"] == want, l
    assert l["density"] <= round(want * l["weights"]) / l["weights"] + 1e-12, l
    assert l["distinct_nonzero"] <= 7 and l["index_bits"] == 3, l
# The ratio by the stated formula: 32-bit dense over (entries) * (index + 4) + codebook.
dense = sum(32 * l["weights"] for l in st["layers"])
comp = sum((l["nonzero"] + l["padding"]) * (l["index_bits"] + 4) + l["codebook_entries"] * 8
           for l in st["layers"])
assert dense == st["dense_bits"] and comp == st["compressed_bits"], (dense, comp)
assert abs(st["compression_ratio"] - dense / comp) < 1e-9
PY

# EIE runs it bit-exact, fast and cycle mode agreeing.
expect_exit 0 "$QASIM" simulate --model "$WORK/c/model.onnx" --dataset synthetic --arch eie \
  --mode fast --out "$WORK/fast"
expect_output "bit-exact"
expect_exit 0 "$QASIM" simulate --model "$WORK/c/model.onnx" --dataset synthetic --arch eie \
  --mode cycle --out "$WORK/cycle"
expect_output "bit-exact"
$PY - "$WORK/fast/report.json" "$WORK/cycle/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["bit_exact"] and b["bit_exact"]
assert a["timing"]["cycles"] == b["timing"]["cycles"] > 0
assert a["stats"] == b["stats"], "fast and cycle counts differ"
PY

# The same config again: from the cache.
expect_exit 0 "$QASIM" compress "${COMPRESS[@]}" --out "$WORK/c2" --cache-dir "$WORK/cache"
expect_output "reused cached model"
cmp "$WORK/c/model.onnx" "$WORK/c2/model.onnx" || fail "cached model differs"

# Without --from the base is trained first, with qasim train's flags, into OUT/base.
expect_exit 0 "$QASIM" compress --model zoo:resnet8 --width 0.5 --input-shape 1x16x16 \
  --quant int:w8a8 --epochs 1 --lr 0.05 "${DATA[@]}" --density 0.5 --prune-steps 1 \
  --prune-epochs 0 --share-epochs 0 --out "$WORK/t" --no-cache
expect_output "training the base model into"
expect_output "golden integer accuracy"
for f in base/model.onnx base/summary.json model.onnx summary.json; do
  [ -s "$WORK/t/$f" ] || fail "$f not written"
done

# Bad input: exit 2 with the reason.
expect_exit 2 "$QASIM" compress --from "$WORK/nowhere" --out "$WORK/bad"
expect_output "nowhere"
expect_exit 2 "$QASIM" compress --from "$WORK/base" "${DATA[@]}" --density 1.5 --out "$WORK/bad"
expect_output "density 1.5 outside (0, 1]"
expect_exit 2 "$QASIM" compress --from "$WORK/base" "${DATA[@]}" --codebook-bits 0 --out "$WORK/bad"
expect_output "codebook bits 0"
printf 'no_such_layer: {density: 0.5}\n' >"$WORK/layers.yaml"
expect_exit 2 "$QASIM" compress "${COMPRESS[@]}" --layers "$WORK/layers.yaml" --out "$WORK/bad"
expect_output "no_such_layer"
printf 'conv1: {densty: 0.5}\n' >"$WORK/typo.yaml"
expect_exit 2 "$QASIM" compress "${COMPRESS[@]}" --layers "$WORK/typo.yaml" --out "$WORK/bad"
expect_output "densty"
expect_exit 2 "$QASIM" compress --from "$WORK/base" --dataset synthetic
expect_output "--out"
expect_exit 2 "$QASIM" compress --out "$WORK/bad" --dataset synthetic
expect_output "no base model"
expect_exit 0 "$QASIM" compress --help
expect_output "--codebook-bits"
echo ok
