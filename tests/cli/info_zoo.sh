#!/usr/bin/env bash
# `qasim info zoo:resnet18` prints the per-layer table; totals match the published
# figures for ResNet-18 at 224x224 (torchvision model docs: 1.81 "GFLOPS", which count
# multiply-accumulates of conv and fc layers, and 11.69 M params).
source "$(dirname "$0")/lib/common.bash"

expect_exit 0 "$QASIM" info
expect_output "SystemC"
expect_exit 0 "$QASIM" info zoo:resnet18
for layer in conv1 layer1.0.conv1 layer4.1.conv2 fc; do expect_output "$layer"; done
expect_output "1.81 G MACs"
expect_output "11.69 M params"
expect_exit 0 "$QASIM" zoo list
for m in lenet5 resnet8 resnet20 resnet32 resnet56 resnet18 resnet34 resnet50 alexnet vgg16 \
  mobilenet_v1 mobilenet_v2 squeezenet1_1; do
  expect_output "zoo:$m"
done
# Per-layer precision from YAML is applied (w2 shows in the layer's row).
cat >"$WORK/p.yaml" <<'YAML'
layer1.0.conv1: {wbits: 2, abits: 4}
YAML
expect_exit 0 "$QASIM" info zoo:resnet18 --precision "$WORK/p.yaml"
grep -E '^ *[0-9]+ +layer1\.0\.conv1 ' "$WORK/out" | grep -q 'w2 ' || fail "w2 not applied"
echo ok
