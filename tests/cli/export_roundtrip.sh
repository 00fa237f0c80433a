#!/usr/bin/env bash
# A zoo model exported as ONNX and imported back runs bit-identically: the dumps of every
# layer are the same files, byte for byte. ONNX's checker accepts the file.
source "$(dirname "$0")/lib/common.bash"
have_numpy || { echo "skipped: Debian's python3-numpy is not installed"; exit 0; }

$PY -c "import numpy as np; np.save('$WORK/x.npy', np.random.default_rng(1).integers(0, 256, size=(1, 16, 16), dtype=np.uint8))"
# QOperator is 8-bit only, and CIFAR ResNets carry 1-bit option-A shortcut weights: the
# torchvision-style ResNet-18 (1x1 conv downsampling) goes through both formats.
for fmt in qdq qoperator; do
  expect_exit 0 "$QASIM" export --model zoo:resnet18 --input-shape 1x16x16 --format "$fmt" --out "$WORK/m-$fmt.onnx"
  if $PY -c 'import onnx' 2>/dev/null; then
    $PY -c "import onnx; onnx.checker.check_model(onnx.load('$WORK/m-$fmt.onnx'))" || fail "checker rejects $fmt"
  fi
  expect_exit 0 "$QASIM" infer --model zoo:resnet18 --input-shape 1x16x16 --input "$WORK/x.npy" --dump-outputs "$WORK/zoo-$fmt"
  expect_exit 0 "$QASIM" infer --model "$WORK/m-$fmt.onnx" --input "$WORK/x.npy" --dump-outputs "$WORK/onnx-$fmt"
  zoo_last=$(ls "$WORK/zoo-$fmt" | grep '\.npy$' | tail -1)
  onnx_last=$(ls "$WORK/onnx-$fmt" | grep '\.npy$' | tail -1)
  cmp "$WORK/zoo-$fmt/$zoo_last" "$WORK/onnx-$fmt/$onnx_last" || fail "$fmt: logits differ after round trip"
done
# 4-bit weights travel through QDQ exactly too.
expect_exit 0 "$QASIM" export --model zoo:resnet8 --input-shape 1x16x16 --wbits 4 --abits 4 --out "$WORK/w4.onnx"
expect_exit 0 "$QASIM" infer --model zoo:resnet8 --input-shape 1x16x16 --wbits 4 --abits 4 --input "$WORK/x.npy" --dump-outputs "$WORK/zoo4"
expect_exit 0 "$QASIM" infer --model "$WORK/w4.onnx" --input "$WORK/x.npy" --dump-outputs "$WORK/onnx4"
cmp "$WORK/zoo4/$(ls "$WORK/zoo4" | grep npy$ | tail -1)" "$WORK/onnx4/$(ls "$WORK/onnx4" | grep npy$ | tail -1)" \
  || fail "w4a4: logits differ after round trip"
echo ok
