#!/usr/bin/env bash
# One .npy input through every layer: the dumps are real .npy files numpy reads, one per
# layer with the shapes the graph promises, the reported class is the argmax of the
# logits, and the same command gives byte-identical dumps twice.
source "$(dirname "$0")/lib/common.bash"
have_numpy || { echo "skipped: Debian's python3-numpy is not installed"; exit 0; }

$PY - "$WORK/x.npy" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(4)
np.save(sys.argv[1], rng.integers(0, 256, size=(1, 28, 28), dtype=np.uint8))
PY
args=(infer --model zoo:resnet20 --input-shape 1x28x28 --classes 10 --wbits 4 --input "$WORK/x.npy")
expect_exit 0 "$QASIM" "${args[@]}" --dump-outputs "$WORK/a"
cp "$WORK/out" "$WORK/run1"
expect_exit 0 "$QASIM" "${args[@]}" --dump-outputs "$WORK/b"
diff -r "$WORK/a" "$WORK/b" >/dev/null || fail "two identical runs dumped different outputs"

$PY - "$WORK/a" "$WORK/run1" <<'PY'
import json, os, re, sys, numpy as np
d, log = sys.argv[1], open(sys.argv[2]).read()
manifest = json.load(open(os.path.join(d, "manifest.json")))
assert len(manifest) > 20, len(manifest)
for m in manifest:
    a = np.load(os.path.join(d, m["file"]))
    assert list(a.shape) == m["shape"], (m["file"], a.shape, m["shape"])
    lo = -(1 << (m["bits"] - 1)) if m["signed"] else 0
    hi = (1 << (m["bits"] - 1)) - 1 if m["signed"] else (1 << m["bits"]) - 1
    assert a.min() >= lo and a.max() <= hi, (m["file"], a.min(), a.max(), lo, hi)
x = np.load(os.path.join(d, manifest[0]["file"]))
assert x.shape == (1, 1, 28, 28)
logits = np.load(os.path.join(d, manifest[-1]["file"])).reshape(-1)
assert logits.shape == (10,)
printed = int(re.search(r"input 0: class (\d+)", log).group(1))
assert printed == int(np.argmax(logits)), (printed, logits)
print("dumps ok:", len(manifest), "layers")
PY
echo ok
