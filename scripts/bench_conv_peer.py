#!/usr/bin/python3
"""The peer for tests/bench/conv_bench: the same conv shapes through PyTorch.

Times quantized convolutions (u8 activations, s8 weights, per-tensor scales) on each
available quantized engine ('onednn', 'x86', 'fbgemm' where this torch has them) and the
fp32 convolution, on a fixed number of threads, and prints a markdown table of GMAC/s.
Run with Debian's /usr/bin/python3 (python3-torch); the shapes and names match
conv_bench --peer so the two tables line up.

    /usr/bin/python3 scripts/bench_conv_peer.py [--threads 2] [--seconds 0.3]

What is timed: module(x) for a prepacked quantized Conv2d on an already quantized input
(weights are packed once at construction, as a deployed model has them); the output is
requantized u8, which PyTorch cannot skip. fp32: torch.nn.Conv2d under no_grad. The
median over repeated calls after warm-up calls is reported.
"""

import argparse
import statistics
import sys
import time

import torch

# (name, in_c, size, out_c, kernel, stride, pad): ResNet-18 at 224x224, as in conv_bench.
SHAPES = [
    ("layer1 3x3", 64, 56, 64, 3, 1, 1),
    ("layer3.0 down 1x1/2", 128, 28, 256, 1, 2, 0),
    ("layer3 3x3", 256, 14, 256, 3, 1, 1),
    ("layer4 3x3", 512, 7, 512, 3, 1, 1),
]


def macs(in_c, size, out_c, k, stride, pad):
    out = (size + 2 * pad - k) // stride + 1
    return out_c * out * out * in_c * k * k


def median_seconds(call, min_seconds):
    for _ in range(3):
        call()
    times = []
    while sum(times) < min_seconds or len(times) < 5:
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def quantized_conv(engine, in_c, size, out_c, k, stride, pad):
    torch.backends.quantized.engine = engine
    torch.manual_seed(0)
    x = torch.rand(1, in_c, size, size)
    qx = torch.quantize_per_tensor(x, 1.0 / 255, 0, torch.quint8)
    w = torch.randn(out_c, in_c, k, k)
    qw = torch.quantize_per_tensor(w, float(w.abs().max()) / 127, 0, torch.qint8)
    conv = torch.ao.nn.quantized.Conv2d(in_c, out_c, k, stride=stride, padding=pad)
    conv.set_weight_bias(qw, torch.zeros(out_c))
    conv.scale, conv.zero_point = 0.05, 0
    return lambda: conv(qx)


def float_conv(in_c, size, out_c, k, stride, pad):
    torch.manual_seed(0)
    x = torch.rand(1, in_c, size, size)
    conv = torch.nn.Conv2d(in_c, out_c, k, stride=stride, padding=pad).eval()

    def call():
        with torch.no_grad():
            conv(x)

    return call


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=0.3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    engines = [e for e in ("onednn", "x86", "fbgemm")
               if e in torch.backends.quantized.supported_engines]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, quantized engines "
          f"available: {', '.join(torch.backends.quantized.supported_engines)}; timed: "
          f"{', '.join(engines) or 'none'}\n")
    header = "| layer | MMAC | " + " | ".join(f"torch int8 {e} GMAC/s" for e in engines)
    print(header + " | torch fp32 GMAC/s |")
    print("|---|---:|" + "---:|" * (len(engines) + 1))
    for name, *shape in SHAPES:
        m = macs(*shape)
        cells = [f"{m / median_seconds(quantized_conv(e, *shape), args.seconds) / 1e9:.0f}"
                 for e in engines]
        cells.append(f"{m / median_seconds(float_conv(*shape), args.seconds) / 1e9:.0f}")
        print(f"| {name} | {m / 1e6:.1f} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
