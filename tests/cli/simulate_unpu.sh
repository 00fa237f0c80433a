#!/usr/bin/env bash
# qasim simulate --arch unpu: a mixed-precision ResNet (1- to 16-bit weights per layer) runs
# bit-exact in fast and cycle mode with the same cycles and counts; narrower weights take
# fewer cycles; bad UNPU params are refused with exit 2.
source "$(dirname "$0")/lib/common.bash"

model=(--model zoo:resnet8 --input-shape 1x16x16 --classes 10 --dataset synthetic)
cat >"$WORK/mixed.yaml" <<'YAML'
conv1: {wbits: 8}
layer1.0.conv1: {wbits: 1, scheme: binary}
layer1.0.conv2: {wbits: 3}
layer2.0.conv1: {wbits: 16}
layer2.0.conv2: {wbits: 5}
layer3.0.conv1: {wbits: 2}
layer3.0.conv2: {wbits: 11}
fc: {wbits: 6}
YAML
expect_exit 0 "$QASIM" simulate "${model[@]}" --precision "$WORK/mixed.yaml" --arch unpu --mode fast --out "$WORK/fast"
expect_output "bit-exact"
expect_exit 0 "$QASIM" simulate "${model[@]}" --precision "$WORK/mixed.yaml" --arch unpu --mode cycle --out "$WORK/cycle"
expect_output "bit-exact"
$PY - "$WORK/fast/report.json" "$WORK/cycle/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["bit_exact"] and b["bit_exact"]
assert a["timing"]["cycles"] == b["timing"]["cycles"] > 0, (a["timing"]["cycles"], b["timing"]["cycles"])
assert [l["cycles"] for l in a["timing"]["layers"]] == [l["cycles"] for l in b["timing"]["layers"]]
assert a["stats"] == b["stats"], "fast and cycle counts differ"
PY

# The same network at 2 and at 16 bits: the DNN cores' busy cycles grow with the bits.
for w in 2 16; do
  expect_exit 0 "$QASIM" simulate "${model[@]}" --wbits $w --first-bits $w --last-bits $w --arch unpu --out "$WORK/w$w"
done
$PY - "$WORK/w2/report.json" "$WORK/w16/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["stats"] for p in sys.argv[1:])
assert b["total"]["unpu.lbpe.busy_cycles"] > 4 * a["total"]["unpu.lbpe.busy_cycles"]
layer = lambda s, name: next(l["values"] for l in s["layers"] if l["name"] == name)
# One LUT read per weight bit plane: 8 times as many at 16 bits as at 2.
x, y = layer(a, "layer2.0.conv2"), layer(b, "layer2.0.conv2")
assert y["unpu.lbpe.lut_reads"] == 8 * x["unpu.lbpe.lut_reads"] > 0
PY

printf 'preset: unpu\nlbpes_per_core: 0\n' >"$WORK/bad.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --arch "$WORK/bad.yaml"
expect_output "bad.yaml"
expect_output "lbpes_per_core"
printf 'preset: unpu\nmax_weight_bits: 8\n' >"$WORK/narrow.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --precision "$WORK/mixed.yaml" --arch "$WORK/narrow.yaml"
expect_output "16-bit weights"
echo ok
