#!/usr/bin/env bash
# The main job on the embedded default: set up, build, then a quantized ResNet on
# Fashion-MNIST through the golden integer reference and on the NVDLA-style accelerator
# models, then the default sweep (configs/sweeps/default.yaml), its report and a compare.
# Outputs go to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
qasim=build/dse/qasim
out=out/demo
mkdir -p "$out"

echo "== qasim info"
$qasim info
echo
echo "== the model: a CIFAR-style ResNet-20 at 28x28x1, W4A8 (first and last layers 8-bit)"
$qasim info zoo:resnet20 --input-shape 1x28x28 --wbits 4 --abits 8
echo
echo "== golden integer inference on the Fashion-MNIST test set"
$qasim infer --model zoo:resnet20 --wbits 4 --abits 8 --dataset fashion-mnist \
  --json "$out/infer.json"
echo
echo "== one image through every layer, dumped as .npy"
$qasim infer --model zoo:resnet20 --wbits 4 --abits 8 --dataset fashion-mnist --images 1 \
  --dump-outputs "$out/layers"
echo
echo "== the same model on the NVDLA-style accelerators (fast model), checked bit for bit"
for arch in nvdla_small nvdla_large; do
  $qasim simulate --model zoo:resnet20 --wbits 4 --abits 8 --dataset fashion-mnist --images 8 \
    --arch "$arch" --out "$out/simulate-$arch" | tail -4
done
echo
echo "== nvdla_small clock by clock (SystemC cycle mode): the same cycles and counts"
$qasim simulate --model zoo:resnet20 --wbits 4 --abits 8 --dataset fashion-mnist --arch nvdla_small \
  --mode cycle --out "$out/simulate-nvdla_small-cycle" | tail -3
echo
echo "== the UNPU-style bit-serial accelerator, fast and clock by clock: the same cycles"
for mode in fast cycle; do
  $qasim simulate --model zoo:resnet20 --wbits 4 --abits 8 --dataset fashion-mnist --arch unpu \
    --mode "$mode" --out "$out/simulate-unpu-$mode" | grep -E "^total:|bit-exact"
done
echo
echo "== exported as quantized ONNX"
$qasim export --model zoo:resnet20 --wbits 4 --abits 8 --input-shape 1x28x28 --out "$out/resnet20_w4a8.onnx"
echo
echo "== the sweep: ResNet-20 on every accelerator x weight/activation bits {1, 2, 4, 8}"
# --resume: a second demo run reuses the stored points instead of refusing the store.
$qasim sweep configs/sweeps/default.yaml --db "$out/sweep.db" --jobs "$(nproc)" --resume
$qasim report "$out/sweep.db" --out "$out/report"
echo
echo "== two points side by side: W4A4 on two accelerators"
read -r a b < <(/usr/bin/python3 -c "import json,sys; p=[q for q in json.load(open(sys.argv[1]))['points'] if q['precision']=='w4a4' and q['status']=='ok']; print(p[0]['hash'], p[-1]['hash'])" "$out/report/report.json")
$qasim compare "$a" "$b" --db "$out/sweep.db" --out "$out/compare"
echo "demo outputs are in $out/ (open $out/report/report.html)"
