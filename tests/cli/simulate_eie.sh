#!/usr/bin/env bash
# qasim simulate --arch eie: a weight-shared model runs bit-exact with the same cycles and
# counts in fast and cycle mode; a layer with too many distinct weights and a bad params
# file are refused with exit 2 and a message naming the problem.
source "$(dirname "$0")/lib/common.bash"
have_numpy || { echo "skipped: Debian's python3-numpy is not installed"; exit 0; }

model=(--model zoo:resnet8 --input-shape 1x16x16 --classes 10 --scheme codebook --wbits 3
       --first-bits 3 --last-bits 3)
expect_exit 0 "$QASIM" list-archs
expect_output "eie"
expect_exit 0 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch eie --mode fast --out "$WORK/fast"
expect_output "bit-exact"
expect_exit 0 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch eie --mode cycle --out "$WORK/cycle"
$PY - "$WORK/fast/report.json" "$WORK/cycle/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["bit_exact"] and b["bit_exact"]
assert a["timing"]["cycles"] == b["timing"]["cycles"] > 0, (a["timing"]["cycles"], b["timing"]["cycles"])
assert a["stats"] == b["stats"], "fast and cycle counts differ"
PY

expect_exit 2 "$QASIM" simulate --model zoo:resnet8 --input-shape 1x16x16 --classes 10 --dataset synthetic --arch eie
expect_output "distinct non-zero weights"
printf 'preset: eie\nqueue_depth: 0\n' >"$WORK/bad.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch "$WORK/bad.yaml"
expect_output "queue_depth"
printf 'preset: eie\nnum_pes: 16\nqueue_depth: 2\n' >"$WORK/small.yaml"
expect_exit 0 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch "$WORK/small.yaml"
expect_output "bit-exact"
echo ok
