#!/usr/bin/env bash
# The main job on the embedded default: set up, build, then a quantized ResNet on
# Fashion-MNIST through the golden integer reference and on the NVDLA-style accelerator
# models. Outputs go to out/demo/.
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
echo "demo outputs are in $out/"
