#!/usr/bin/env bash
# qasim train: a run killed mid-training resumes from its last checkpoint and ends with the
# same learning curve as a run never interrupted (same seed, one thread); a second run of
# the same config is served from the cache; bad configs and missing data exit 2.
source "$(dirname "$0")/lib/common.bash"

COMMON=(--model zoo:resnet8 --width 0.5 --batch 32 --train-images 384 --test-images 128
  --crop-padding 2 --flip --threads 1 --seed 3)
ARGS=("${COMMON[@]}" --dataset synthetic --quant minmax:w4+ema:a4 --epochs 4 --lr 0.05)

# Uninterrupted reference.
expect_exit 0 "$QASIM" train "${ARGS[@]}" --out "$WORK/straight" --no-cache
expect_output "golden integer accuracy"
[ "$(wc -l <"$WORK/straight/curve.csv")" = 5 ] || fail "curve.csv lacks 4 epochs"
for f in model.onnx summary.json curve.svg checkpoint.bin; do
  [ -s "$WORK/straight/$f" ] || fail "$f not written"
done
grep -q "<svg" "$WORK/straight/curve.svg" || fail "curve.svg is not an SVG"

# Killed as soon as the first checkpoint exists (during epoch 2), then resumed.
"$QASIM" train "${ARGS[@]}" --out "$WORK/killed" --no-cache >"$WORK/killed.log" 2>&1 &
pid=$!
for _ in $(seq 3000); do
  [ -e "$WORK/killed/checkpoint.bin" ] && break
  sleep 0.02
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ -e "$WORK/killed/checkpoint.bin" ] || fail "no checkpoint after the first epoch"
expect_exit 0 "$QASIM" train "${ARGS[@]}" --out "$WORK/killed" --no-cache --resume
expect_output "resumed"
grep -Eq "resumed .* after epoch [123]$" "$WORK/out" || fail "the run was not killed mid-training"
[ "$(wc -l <"$WORK/killed/curve.csv")" = 5 ] || fail "resumed curve lacks epochs"
# Loss and accuracies per epoch (columns 1-4) equal the uninterrupted run's.
cut -d, -f1-4 "$WORK/straight/curve.csv" >"$WORK/a.csv"
cut -d, -f1-4 "$WORK/killed/curve.csv" >"$WORK/b.csv"
diff "$WORK/a.csv" "$WORK/b.csv" || fail "resumed curve differs from the uninterrupted one"
cmp "$WORK/straight/model.onnx" "$WORK/killed/model.onnx" || fail "resumed model differs"

# The cache: the same config trains once.
expect_exit 0 "$QASIM" train "${ARGS[@]}" --out "$WORK/c1" --cache-dir "$WORK/cache"
expect_exit 0 "$QASIM" train "${ARGS[@]}" --out "$WORK/c2" --cache-dir "$WORK/cache"
expect_output "reused cached model"
cmp "$WORK/c1/model.onnx" "$WORK/c2/model.onnx" || fail "cached model differs"

# Bad configurations: exit 2 with the reason.
# --device cuda without a GPU (or without CUDA in the build) is refused, saying why; auto
# then says it picked the CPU.
if ! nvidia-smi -L > /dev/null 2>&1; then
  expect_exit 2 "$QASIM" train "${ARGS[@]}" --out "$WORK/bad" --device cuda
  expect_output "no CUDA"
  expect_exit 0 "$QASIM" train "${COMMON[@]}" --dataset synthetic --quant minmax:w4+ema:a4 \
    --epochs 1 --out "$WORK/auto" --device auto --no-cache
  expect_output "device auto: cpu"
fi
expect_exit 2 "$QASIM" train "${COMMON[@]}" --dataset synthetic --out "$WORK/bad" --quant dorefa:w2
expect_output "--quant: 'dorefa:w2' must give both"
expect_exit 2 "$QASIM" train "${COMMON[@]}" --dataset synthetic --out "$WORK/bad" \
  --quant nosuchmethod:w2a2
expect_output "nosuchmethod"
expect_exit 2 "$QASIM" train "${COMMON[@]}" --out "$WORK/bad" --dataset cifar10:"$WORK/nowhere"
expect_output "nowhere"
expect_exit 2 "$QASIM" train "${COMMON[@]}" --dataset synthetic --epochs 0 --out "$WORK/bad"
expect_output "--epochs"
expect_exit 2 "$QASIM" train --model zoo:resnet8 --dataset synthetic
expect_output "--out"
# A checkpoint of another config is refused on --resume.
expect_exit 2 "$QASIM" train "${COMMON[@]}" --dataset synthetic --quant minmax:w4+ema:a4 \
  --epochs 4 --lr 0.01 --out "$WORK/killed" --no-cache --resume
expect_output "different configuration"
echo ok
