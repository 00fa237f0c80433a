#!/usr/bin/env bash
# The reference trainer on the CPU: training speed against PyTorch (Debian's python3-torch,
# fp32 convolutions on oneDNN) on the same network and batch, as a ratio measured in one
# run, and the short CPU recipe's accuracies (golden integer and fake-quant) for FP, W8A8,
# W4A4 and W2A2. Writes results/trainer.md.
#   scripts/bench_train.sh [BUILD_DIR=build] [RECIPE_TRAIN_IMAGES=6000] [RECIPE_EPOCHS=2]
#                          [RECIPE_THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
recipe_images=${2:-6000}
recipe_epochs=${3:-2}
recipe_threads=${4:-2}
qasim="$build/dse/qasim"
out=results/trainer.md
tmp=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$tmp" "$work"' EXIT
PY=/usr/bin/python3
speed_images=1024
batch=128

ours_speed() {  # THREADS -> images/s of one training epoch (fp; data, augmentation included)
  "$qasim" train --model zoo:resnet20 --dataset fashion-mnist --quant fp --epochs 1 \
    --batch $batch --train-images $speed_images --test-images 100 --threads "$1" \
    --out "$work/speed$1" --no-cache >/dev/null 2>&1
  $PY -c "import json,sys; print(round(json.load(open(sys.argv[1]))['curve'][0]['images_per_second'],1))" \
    "$work/speed$1/summary.json"
}

{
  echo "# Reference trainer (CPU)"
  echo
  echo "Regenerate with \`scripts/bench_train.sh\` (this file is written by it, not by hand)."
  echo
  echo "- machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- qasim float GEMM: oneDNN sgemm (JIT) when built with libdnnl (this build: $(grep -q "QASIM_HAVE_DNNL" "$build/compile_commands.json" && echo yes || echo no)), else Eigen"
  echo "- PyTorch: $($PY -c 'import torch; print(torch.__version__)') (Debian python3-torch)"
  echo "- date: $(date -u +%Y-%m-%d)"
  echo
  echo "## Training speed: ResNet-20 (option-A shortcuts), 1x28x28 Fashion-MNIST, batch $batch"
  echo
  echo "qasim: \`qasim train --model zoo:resnet20 --dataset fashion-mnist --quant fp --epochs 1"
  echo "--batch $batch --train-images $speed_images --threads T\` (images/s of the epoch, batching and"
  echo "the observe-only 8-bit quantizers of the fp mode included). PyTorch:"
  echo "\`scripts/bench_train_torch.py T $batch $speed_images\` (the same network in torch.nn, SGD"
  echo "momentum, random tensors already in memory, after two warm-up steps)."
  echo
  echo "| threads | qasim images/s | PyTorch images/s | qasim / PyTorch |"
  echo "|---:|---:|---:|---:|"
  for t in 1 2; do
    ours=$(ours_speed $t)
    torch=$($PY scripts/bench_train_torch.py $t $batch $speed_images | awk '{print $2}')
    ratio=$($PY -c "print(f'{$ours / $torch:.2f}')")
    echo "| $t | $ours | $torch | $ratio |"
  done
  echo
  echo "## Short CPU recipe: ResNet-20 on Fashion-MNIST, first and last layer at 8 bits"
  echo
  echo "The first $recipe_images training images, $recipe_epochs epochs, batch 128, SGD momentum 0.9,"
  echo "lr 0.1 with cosine decay, weight decay 5e-4, random crop (padding 2) and flips, $recipe_threads thread(s);"
  echo "accuracy on the full test set (10,000 images). The golden column is the exported integer"
  echo "model run by the golden reference; the fake-quant column is the float model with fake"
  echo "quantization. This recipe is a demo: the full recipe (workloads/train/README.md) needs a"
  echo "GPU or hours of CPU and was not run here."
  echo
  echo "| precision | --quant | golden integer % | fake-quant % | train s |"
  echo "|---|---|---:|---:|---:|"
  for row in "FP (8-bit export)|fp" "W8A8|lsq:w8a8" "W4A4|lsq:w4a4" "W2A2|dorefa:w2a2"; do
    name=${row%%|*}
    quant=${row##*|}
    start=$(date +%s)
    "$qasim" train --model zoo:resnet20 --dataset fashion-mnist --quant "$quant" \
      --first-bits 8 --last-bits 8 --epochs "$recipe_epochs" --batch 128 --lr 0.1 \
      --crop-padding 2 --flip --train-images "$recipe_images" --threads "$recipe_threads" \
      --out "$work/$quant" --no-cache >/dev/null 2>&1
    secs=$(( $(date +%s) - start ))
    $PY -c "import json,sys; s=json.load(open(sys.argv[1])); print(f\"| $name | \`$quant\` | {s['golden_accuracy']:.2f} | {s['fake_quant_accuracy']:.2f} | $secs |\")" \
      "$work/$quant/summary.json"
  done
  echo
  echo "Command of each row: \`qasim train --model zoo:resnet20 --dataset fashion-mnist --quant Q"
  echo "--first-bits 8 --last-bits 8 --epochs $recipe_epochs --batch 128 --lr 0.1 --crop-padding 2 --flip"
  echo "--train-images $recipe_images --threads $recipe_threads --out DIR\`."
} >"$tmp"
mkdir -p results
mv "$tmp" "$out"
cat "$out"
