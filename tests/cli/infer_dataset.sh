#!/usr/bin/env bash
# Golden inference on a dataset: accuracy and per-layer report, JSON written, a change of
# requantization mode reported per layer; the same run twice gives the same numbers.
source "$(dirname "$0")/lib/common.bash"

args=(infer --model zoo:lenet5 --wbits 4 --abits 4 --dataset synthetic --images 200 --batch 50)
expect_exit 0 "$QASIM" "${args[@]}" --json "$WORK/a.json"
expect_output "top-1"
expect_output "conv"
expect_exit 0 "$QASIM" "${args[@]}" --json "$WORK/b.json"
grep '"top1"' "$WORK/a.json" >"$WORK/t1"
grep '"top1"' "$WORK/b.json" >"$WORK/t2"
cmp -s "$WORK/t1" "$WORK/t2" || fail "accuracy differs between identical runs"

expect_exit 0 "$QASIM" "${args[@]}" --requant gemmlowp --json "$WORK/g.json"
expect_output "numerics changed from the model's onnx"
expect_output "differing"
grep -q '"mismatch"' "$WORK/g.json" || fail "mismatch missing from JSON"

# --device: without a GPU, cuda is refused with the reason and auto runs on the CPU; with
# one, the GPU's exact kernels give the CPU's accuracy.
expect_exit 0 "$QASIM" "${args[@]}" --device auto --json "$WORK/auto.json"
grep '"top1"' "$WORK/auto.json" >"$WORK/t3"
cmp -s "$WORK/t1" "$WORK/t3" || fail "accuracy with --device auto differs from the CPU's"
if nvidia-smi -L > /dev/null 2>&1; then
  expect_output "device auto: cuda"
else
  expect_output "device auto: cpu"
  expect_exit 2 "$QASIM" "${args[@]}" --device cuda
  expect_output "no CUDA device"
fi
expect_exit 2 "$QASIM" "${args[@]}" --device tpu
expect_output "--device must be auto, cpu or cuda"

if [ -e /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
  expect_exit 0 "$QASIM" infer --model zoo:resnet8 --dataset fashion-mnist --images 100
  expect_output "on fashion-mnist"
fi
echo ok
