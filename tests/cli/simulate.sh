#!/usr/bin/env bash
# qasim simulate: fast and cycle mode report the same cycles and counts; the dumps of
# `qasim infer --arch X` and `qasim simulate --arch X` are identical, file for file;
# accelerators come from presets or YAML, and bad ones are refused with exit 2.
source "$(dirname "$0")/lib/common.bash"
have_numpy || { echo "skipped: Debian's python3-numpy is not installed"; exit 0; }

model=(--model zoo:resnet8 --input-shape 1x16x16 --classes 10 --wbits 4)
expect_exit 0 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch nvdla_small --mode fast --out "$WORK/fast"
expect_output "bit-exact"
expect_exit 0 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch nvdla_small --mode cycle --out "$WORK/cycle"
$PY - "$WORK/fast/report.json" "$WORK/cycle/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["bit_exact"] and b["bit_exact"]
assert a["timing"]["cycles"] == b["timing"]["cycles"] > 0, (a["timing"]["cycles"], b["timing"]["cycles"])
assert [l["cycles"] for l in a["timing"]["layers"]] == [l["cycles"] for l in b["timing"]["layers"]]
assert a["stats"] == b["stats"], "fast and cycle counts differ"
PY

$PY -c "import numpy as np; np.save('$WORK/x.npy', np.random.default_rng(2).integers(0, 256, size=(1, 16, 16), dtype=np.uint8))"
expect_exit 0 "$QASIM" infer "${model[@]}" --arch nvdla_small --input "$WORK/x.npy" --dump-outputs "$WORK/infer"
expect_exit 0 "$QASIM" simulate "${model[@]}" --arch nvdla_small --input "$WORK/x.npy" --dump-outputs "$WORK/sim"
diff -r "$WORK/infer" "$WORK/sim" >/dev/null || fail "infer --arch and simulate --arch dumps differ"
# The accelerator's numerics (mulshift) are not the model's (onnx): the dumps must differ
# from a plain infer somewhere, or --arch would not be doing anything.
expect_exit 0 "$QASIM" infer "${model[@]}" --input "$WORK/x.npy" --dump-outputs "$WORK/plain"
if diff -r "$WORK/infer" "$WORK/plain" >/dev/null; then fail "--arch changed nothing"; fi

printf 'preset: nvdla_small\natomic_k: 16\n' >"$WORK/wide.yaml"
expect_exit 0 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch "$WORK/wide.yaml"
printf 'preset: nvdla_small\natomic_kk: 16\n' >"$WORK/typo.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch "$WORK/typo.yaml"
expect_output "typo.yaml:2"
expect_exit 2 "$QASIM" simulate "${model[@]}" --arch tpu_v9
expect_output "unknown accelerator 'tpu_v9'"
expect_exit 2 "$QASIM" simulate "${model[@]}" --mode turbo
printf 'atomic_k: 16\n' >"$WORK/nopreset.yaml"
expect_exit 2 "$QASIM" simulate "${model[@]}" --dataset synthetic --arch "$WORK/nopreset.yaml"
expect_output "preset: NAME"

# An ONNX file runs like a zoo model, bit-exact in both modes on both presets.
expect_exit 0 "$QASIM" export "${model[@]}" --out "$WORK/m.onnx"
for arch in nvdla_small nvdla_large; do
  for mode in fast cycle; do
    expect_exit 0 "$QASIM" simulate --model "$WORK/m.onnx" --dataset synthetic --images 2 --arch $arch --mode $mode
    expect_output "bit-exact: every layer"
  done
done

# --trace: a VCD waveform of the clocked units, cycle mode only.
expect_exit 0 "$QASIM" simulate "${model[@]}" --dataset synthetic --mode cycle --trace "$WORK/run.vcd"
grep -q '^\$enddefinitions' "$WORK/run.vcd" || fail "run.vcd has no VCD header"
grep -q 'atoms_left' "$WORK/run.vcd" || fail "run.vcd does not trace the convolution core"
grep -q '^#[1-9]' "$WORK/run.vcd" || fail "run.vcd has no time steps"
[ ! -e "$WORK/run.vcd.part.vcd" ] || fail "temporary trace file left behind"
expect_exit 2 "$QASIM" simulate "${model[@]}" --dataset synthetic --trace "$WORK/fast.vcd"
expect_output "needs --mode cycle"
echo ok
