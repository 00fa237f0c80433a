#!/usr/bin/env bash
# Every command explains itself; wrong usage exits 2 and says what to do.
source "$(dirname "$0")/lib/common.bash"

expect_exit 0 "$QASIM" --help
for c in info zoo infer export list-archs simulate sweep report compare train; do expect_output "$c"; done
expect_exit 2 "$QASIM"
expect_exit 2 "$QASIM" frobnicate
expect_output "unknown command 'frobnicate'"
for c in info zoo infer export list-archs simulate sweep report compare train; do
  expect_exit 0 "$QASIM" "$c" --help
  expect_output "usage: qasim $c"
done
expect_exit 2 "$QASIM" infer --no-such-flag
expect_output "qasim infer --help"
expect_exit 2 "$QASIM" zoo
expect_exit 2 "$QASIM" infer --model zoo:resnet20 --batch 0
expect_exit 2 "$QASIM" infer --model zoo:resnet20 --requant bankers
expect_output "onnx, gemmlowp or mulshift"
expect_exit 0 "$QASIM" --version
echo ok
