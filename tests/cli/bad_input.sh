#!/usr/bin/env bash
# Bad input: exit 2, a message naming the file and the problem, and no output written.
source "$(dirname "$0")/lib/common.bash"

expect_exit 2 "$QASIM" info zoo:nosuchnet
expect_output "nosuchnet"
expect_exit 2 "$QASIM" info "$WORK/missing.onnx"
expect_output "missing.onnx"

head -c 100 /dev/urandom >"$WORK/garbage.onnx"
expect_exit 2 "$QASIM" infer --model "$WORK/garbage.onnx" --json "$WORK/r.json"
expect_output "garbage.onnx"
[ ! -e "$WORK/r.json" ] || fail "a report was written for a failed run"

printf '\x00\x00\x08\x03\x00\x00\x00\x05' >"$WORK/bad-images.idx"   # claims 5 images, has none
printf '\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02' >"$WORK/bad-labels.idx"
expect_exit 2 "$QASIM" infer --model zoo:lenet5 --dataset "idx:$WORK/bad-images.idx,$WORK/bad-labels.idx"
expect_output "bad-images.idx"

printf 'conv1: {wbits: 4\n  bogus' >"$WORK/broken.yaml"
expect_exit 2 "$QASIM" info zoo:resnet18 --precision "$WORK/broken.yaml"
expect_output "broken.yaml:"
printf 'conv1: {wbitz: 4}\n' >"$WORK/typo.yaml"
expect_exit 2 "$QASIM" info zoo:resnet18 --precision "$WORK/typo.yaml"
expect_output "typo.yaml:1"
expect_output "wbitz"

expect_exit 2 "$QASIM" info zoo:resnet18 --input-shape 3x32
expect_output "CxHxW"
expect_exit 2 "$QASIM" infer --model zoo:resnet20 --dataset cifar10:"$WORK/nowhere"
expect_output "nowhere"
printf 'not a npy file' >"$WORK/x.npy"
expect_exit 2 "$QASIM" infer --model zoo:lenet5 --input "$WORK/x.npy" --dump-outputs "$WORK/dump"
expect_output "x.npy"
[ ! -e "$WORK/dump" ] || fail "dump folder created for a failed run"
echo ok
