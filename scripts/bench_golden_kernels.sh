#!/usr/bin/env bash
# Regenerates results/golden_kernels.md: throughput of the golden reference's exact conv
# paths and of the peer (PyTorch), measured in one sitting so the ratios mean something.
#   (a) conv_bench: GMAC/s of the int8 path (oneDNN where provably exact), the binary
#       XNOR/popcount path and the generic GEMM on every ResNet-18 (224x224) conv shape;
#   (b) conv_bench --peer and scripts/bench_conv_peer.py: the same shapes through PyTorch's
#       quantized CPU engines and fp32, merged into one table with the ratios;
#   (c) conv_bench again with oneDNN capped below AMX (ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI),
#       i.e. what a VNNI-only CPU gets, where the binary path is the faster one.
# Usage: scripts/bench_golden_kernels.sh [--threads N] [--build-dir DIR] [--seconds S]
# Run it when the machine is otherwise idle (the load average is recorded in the report).
set -euo pipefail
cd "$(dirname "$0")/.."

threads=2
build=build-bench
seconds=0.5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: $0 [--threads N] [--build-dir DIR] [--seconds S]" >&2; exit 2 ;;
  esac
done

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DQASIM_CUDA=OFF > /dev/null
cmake --build "$build" --target conv_bench -j1 > /dev/null
bench="$build/tests/bench/conv_bench"
peer=scripts/bench_conv_peer.py

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }

load_a=$(load)
"$bench" --threads "$threads" --seconds "$seconds" > "$work/ours.md"
load_b=$(load)
"$bench" --threads "$threads" --seconds "$seconds" --peer > "$work/ours_peer.md"
/usr/bin/python3 "$peer" --threads "$threads" --seconds "$seconds" > "$work/peer.md"
load_c=$(load)
ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI "$bench" --threads "$threads" --seconds "$seconds" \
  > "$work/vnni.md"

# One table: our int8 path next to each PyTorch engine, with the ratio.
/usr/bin/python3 - "$work/ours_peer.md" "$work/peer.md" > "$work/merged.md" <<'EOF'
import sys

def table(path):
    rows = [l.strip().strip("|").split("|") for l in open(path) if l.startswith("|")]
    head = [c.strip() for c in rows[0]]
    return head, {r[0].strip(): [c.strip() for c in r] for r in rows[2:]}

ours_head, ours = table(sys.argv[1])
peer_head, peer = table(sys.argv[2])
path_col = ours_head.index("int8 path GMAC/s")
disp_col = ours_head.index("int8 dispatcher GMAC/s")
batch_col = next(i for i, h in enumerate(ours_head) if h.startswith("int8 dispatcher, batch"))
engines = [h for h in peer_head if h.startswith("torch")]
print("| layer | qasim int8 path | qasim int8 dispatcher | qasim "
      + ours_head[batch_col].replace(" GMAC/s", "") + " | "
      + " | ".join(engines) + " | qasim int8 path / " + engines[0] + " |")
print("|---|---:|---:|---:|" + "---:|" * len(engines) + "---:|")
for name, row in peer.items():
    mine = next(r for n, r in ours.items() if n.split(" (x")[0] == name)
    theirs = [row[peer_head.index(e)] for e in engines]
    ratio = float(mine[path_col]) / float(theirs[0])
    print(f"| {name} | {mine[path_col]} | {mine[disp_col]} | {mine[batch_col]} | "
          + " | ".join(theirs)
          + f" | {ratio:.2f} |")
EOF

model=$(lscpu | sed -n 's/^Model name: *//p')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' |
        grep -E '^(avx512f|avx512_vnni|avx512_vpopcntdq|avx_vnni|amx_tile|amx_int8|amx_bf16)$' |
        tr '\n' ' ')
torch_version=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')
dnnl_version=$(dpkg-query -W -f='${Version}' libdnnl-dev 2>/dev/null || echo none)

out=results/golden_kernels.md
mkdir -p results
{
  echo "# Golden reference: exact conv kernels"
  echo
  echo "Regenerate with \`scripts/bench_golden_kernels.sh --threads $threads\`; do not edit by hand."
  echo
  echo "- Machine: $model, $(nproc) CPUs; relevant flags: $flags"
  echo "- Software: $(g++ --version | head -1), oneDNN (libdnnl-dev) $dnnl_version," \
       "PyTorch $torch_version (Debian python3-torch), commit $(git rev-parse --short HEAD)"
  echo "- Threads: $threads. Load average (1/5/15 min) before (a): $load_a; (b): $load_b;" \
       "(c): $load_c."
  echo "- 1 MAC = one multiply-accumulate; figures are medians over repeated calls, batch 1 unless a column says otherwise."
  echo
  echo "## (a) Per-layer throughput of the exact paths, ResNet-18 at 224x224"
  echo
  echo "Command: \`$bench --threads $threads --seconds $seconds\`"
  echo
  echo "- *int8 path*: \`onednn_conv\` on a prepared problem (weights already validated and"
  echo "  reordered, as on every call after the first): NCHW int32 -> u8 NHWC staging, the"
  echo "  oneDNN primitive, s32 -> int64 NCHW with zero-point and bias terms."
  echo "- *int8 dispatcher*: the public \`conv2d_accumulate\` call, which also scans x for"
  echo "  its range, compares the weights in full against the cached copy and allocates the"
  echo "  zero-filled int64 output; *batch 8*: the same call on 8 images (the golden engine"
  echo "  runs a batch per call, so those per-call costs are shared)."
  echo "  On conv1 the batch-8 call is dominated by allocating its 51 MB int64 result: glibc"
  echo "  maps such blocks fresh on every call (~20 ms of page faults and zeroing here);"
  echo "  \`GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824\` keeps them in the heap."
  echo "- *binary*: \`binary_conv\` (XNOR/popcount) on a prepared problem, W1A1."
  echo "- *generic GEMM*: \`conv_via_gemm\`, the path for widths other than 8 bits."
  echo
  sed -n '3,$p' "$work/ours.md"
  echo
  echo "## (b) The peer: PyTorch on the same shapes"
  echo
  echo "Commands: \`$bench --threads $threads --seconds $seconds --peer\` then"
  echo "\`/usr/bin/python3 $peer --threads $threads --seconds $seconds\`"
  echo
  echo "PyTorch times a prepacked quantized Conv2d on an already quantized u8 input (output"
  echo "requantized to u8); fp32 is torch.nn.Conv2d. qasim's figures produce exact int64"
  echo "accumulators instead."
  echo
  sed -n '1p' "$work/peer.md"
  echo
  cat "$work/merged.md"
  echo
  echo "Full peer table:"
  echo
  sed -n '3,$p' "$work/peer.md"
  echo
  echo "## (c) Without AMX: oneDNN capped at AVX-512 VNNI"
  echo
  echo "Command: \`ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI $bench --threads $threads --seconds $seconds\`"
  echo
  echo "What a CPU with VNNI but no AMX gets. The dispatcher sends +-1 data to oneDNN only"
  echo "when oneDNN's kernel is AMX; otherwise to the binary path."
  echo
  sed -n '3,$p' "$work/vnni.md"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
