#!/usr/bin/env bash
# The main job on the embedded default: set up, build, then a quantized ResNet on
# Fashion-MNIST through the golden integer reference and on the accelerator models
# (NVDLA-style, UNPU-style, EIE-style on the compressed model), then the default sweep (configs/sweeps/default.yaml), its report and a compare.
# Outputs go to out/demo/ (or the folder given).
#   scripts/demo.sh [OUT_DIR=out/demo]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
qasim=build/dse/qasim
out=${1:-out/demo}
mkdir -p "$out"

echo "== qasim info"
$qasim info
echo
# A CIFAR-style ResNet-20 at 28x28x1 trained W4A4 (LSQ; first and last layers 8-bit) by
# `qasim train` (the command is in configs/trained/resnet20-fmnist/README.md).
model=configs/trained/resnet20-fmnist/w4a4.onnx
echo "== the model: ResNet-20 trained W4A4 by qasim train ($model)"
$qasim info "$model"
echo
echo "== golden integer inference on 2000 Fashion-MNIST test images"
$qasim infer --model "$model" --dataset fashion-mnist --images 2000 --json "$out/infer.json"
echo
echo "== one image through every layer, dumped as .npy"
$qasim infer --model "$model" --dataset fashion-mnist --images 1 --dump-outputs "$out/layers"
echo
echo "== the same model on the NVDLA-style accelerators (fast model), checked bit for bit"
for arch in nvdla_small nvdla_large; do
  $qasim simulate --model "$model" --dataset fashion-mnist --images 8 \
    --arch "$arch" --out "$out/simulate-$arch" | grep -E "^total:|^energy/inference|bit-exact"
done
echo
echo "== nvdla_small clock by clock (SystemC cycle mode): the same cycles and counts"
$qasim simulate --model "$model" --dataset fashion-mnist --arch nvdla_small \
  --mode cycle --out "$out/simulate-nvdla_small-cycle" | grep -E "^total:|bit-exact"
echo
echo "== the UNPU-style bit-serial accelerator, fast and clock by clock: the same cycles"
for mode in fast cycle; do
  $qasim simulate --model "$model" --dataset fashion-mnist --arch unpu \
    --mode "$mode" --out "$out/simulate-unpu-$mode" | grep -E "^total:|bit-exact"
done
echo
echo "== the EIE-style sparse engine on the Deep-Compressed ResNet-20 (qasim compress: 30 %"
echo "   of the weights, 15 shared values per layer), fast and clock by clock"
dc=configs/trained/resnet20-fmnist/w8a8-d30-c4.onnx
for mode in fast cycle; do
  $qasim simulate --model "$dc" --dataset fashion-mnist --arch eie --images 1 \
    --mode "$mode" --out "$out/simulate-eie-$mode" | grep -E "^total:|bit-exact"
done
echo
echo "== qasim train: a one-minute taste (W4A4 LSQ, 2000 images, 1 epoch; the cache reuses it)"
$qasim train --model zoo:resnet20 --dataset fashion-mnist --quant lsq:w4a4 --first-bits 8 \
  --last-bits 8 --epochs 1 --train-images 2000 --test-images 1000 --out "$out/train" |
  grep -E "golden|reused|wrote"
echo
echo "== exported as quantized ONNX"
$qasim export --model zoo:resnet20 --wbits 4 --abits 8 --input-shape 1x28x28 --out "$out/resnet20_w4a8.onnx"
echo
echo "== the sweep: trained ResNet-20 on nvdla_small, nvdla_large, unpu x W1A1, W2A2, W4A4, W8A8,"
echo "   and its Deep-Compressed version on eie"
# --resume: a second demo run reuses the stored points instead of refusing the store.
$qasim sweep configs/sweeps/default.yaml --db "$out/sweep.db" --jobs "$(nproc)" --resume
$qasim report "$out/sweep.db" --out "$out/report"
echo
echo "== two points side by side: W4A4 on two accelerators"
read -r a b < <(/usr/bin/python3 -c "import json,sys; p=[q for q in json.load(open(sys.argv[1]))['points'] if q['precision']=='w4a4' and q['status']=='ok']; print(p[0]['hash'], p[-1]['hash'])" "$out/report/report.json")
$qasim compare "$a" "$b" --db "$out/sweep.db" --out "$out/compare"
echo "demo outputs are in $out/ (open $out/report/report.html)"
