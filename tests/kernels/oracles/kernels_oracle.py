#!/usr/bin/python3
"""Independent oracle for qasim's integer kernels (used by tests/kernels/*_test.cpp).

Reads whitespace-separated cases from stdin, writes one line of integers per result.
Convolution/FC accumulators come from PyTorch in float64 (exact for these magnitudes);
pooling sums and tap counts from a PyTorch depthwise convolution with a ones kernel;
requantization is re-derived here from its definitions: numpy float32 for the ONNX mode,
Python's exact integers and fractions for gemmlowp and mult-shift.

Input: one case per line, first token the op name:
  conv N C H W OC KH KW sh sw pt pl pb pr dh dw groups | x_zp | x... | w_zp[OC] | w... | bias[0|OC]
    (the "|" separate sections on the same line)
  fc N K OC | x_zp | x... | w_zp[OC] | w... | bias[0|OC]
  pool N C H W KH KW sh sw pt pl pb pr dh dw include_pad x_zp in_scale out_scale out_zp qmin qmax
       mulshift_bits | x...        (scales as C hex floats) -> 3 lines: onnx, gemmlowp, mulshift
  add sa sb sc za zb zc alo ahi blo bhi lo hi mulshift_bits bits
       -> 3 lines, each over all (a, b) with a in [alo, ahi] outer, b in [blo, bhi] inner
"""
import sys
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def ints(tokens):
    return [int(t) for t in tokens]


def conv_acc(x, w, bias, stride, pads, dil, groups):
    """x, w int64 numpy (zero points already subtracted); pads = (top, left, bottom, right)."""
    xt = torch.from_numpy(x.astype(np.float64))
    wt = torch.from_numpy(w.astype(np.float64))
    top, left, bottom, right = pads
    xt = F.pad(xt, (left, right, top, bottom))  # pads are real zero: x_zp after subtraction
    y = F.conv2d(xt, wt, stride=stride, dilation=dil, groups=groups)
    y = y.numpy()
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1)
    return np.rint(y).astype(np.int64)


def do_conv(sections):
    n, c, h, w_, oc, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g = ints(sections[0][1:])
    x_zp = int(sections[1][0])
    x = np.array(ints(sections[2]), dtype=np.int64).reshape(n, c, h, w_) - x_zp
    w_zp = np.array(ints(sections[3]), dtype=np.int64)
    w = np.array(ints(sections[4]), dtype=np.int64).reshape(oc, c // g, kh, kw)
    w = w - (w_zp.reshape(-1, 1, 1, 1) if w_zp.size > 1 else w_zp[0])
    bias = np.array(ints(sections[5]), dtype=np.int64) if sections[5] else None
    y = conv_acc(x, w, bias, (sh, sw), (pt, pl, pb, pr), (dh, dw), g)
    return [y.ravel()]


def do_fc(sections):
    n, k, oc = ints(sections[0][1:])
    x_zp = int(sections[1][0])
    x = np.array(ints(sections[2]), dtype=np.int64).reshape(n, k) - x_zp
    w_zp = np.array(ints(sections[3]), dtype=np.int64)
    w = np.array(ints(sections[4]), dtype=np.int64).reshape(oc, k)
    w = w - (w_zp.reshape(-1, 1) if w_zp.size > 1 else w_zp[0])
    y = torch.from_numpy(x.astype(np.float64)) @ torch.from_numpy(w.astype(np.float64)).T
    y = np.rint(y.numpy()).astype(np.int64)
    if sections[5]:
        y = y + np.array(ints(sections[5]), dtype=np.int64)
    return [y.ravel()]


# ---- requantization, from the definitions ----

def round_half_away(q: Fraction) -> int:
    a = abs(q)
    r = int(a + Fraction(1, 2))  # floor for non-negative
    return r if q >= 0 else -r


def exponent_of(m: Fraction) -> int:
    """e with 2^(e-1) <= m < 2^e."""
    e = 0
    while m >= Fraction(2) ** e:
        e += 1
    while m < Fraction(2) ** (e - 1):
        e -= 1
    return e


def srdhm(a, b):
    if a == b == INT32_MIN:
        return INT32_MAX
    return (2 * a * b + 2**31) >> 32  # floor of (ab / 2^31 + 1/2)


def rdbpot(x, e):
    q, r = divmod(abs(x), 2**e)
    if e > 0 and 2 * r >= 2**e:
        q += 1
    return q if x >= 0 else -q


def sat32(v):
    return max(INT32_MIN, min(INT32_MAX, v))


def gemmlowp_multiplier(m: float):
    mf = Fraction(m)
    e = exponent_of(mf)
    q31 = round_half_away(mf * Fraction(2) ** (31 - e))
    if q31 == 2**31:
        q31 //= 2
        e += 1
    if e < -31:
        return 0, 0
    return q31, e  # M ~= q31 * 2^(e - 31)


def gemmlowp_apply(x, mult):
    q31, e = mult
    left, right = max(e, 0), max(-e, 0)
    return rdbpot(srdhm(sat32(x * 2**left), q31), right)


def mulshift_multiplier(m: float, bits: int):
    mf = Fraction(m)
    s = bits - exponent_of(mf)
    mm = round_half_away(mf * Fraction(2) ** s)
    if mm >= 2**bits:
        s -= 1
        mm = round_half_away(mf * Fraction(2) ** s)
    return mm, s


def mulshift_apply(x, mult):
    mm, s = mult
    if s <= 0:
        return x * mm * 2 ** (-s)
    return (x * mm + 2 ** (s - 1)) >> s


def do_pool(tokens):
    (n, c, h, w_, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, inc, x_zp) = ints(tokens[0][1:17])
    in_scale, out_scale = float.fromhex(tokens[0][17]), float.fromhex(tokens[0][18])
    out_zp, qmin, qmax, ms_bits = ints(tokens[0][19:23])
    x = np.array(ints(tokens[1]), dtype=np.int64).reshape(n, c, h, w_) - x_zp
    ones_k = np.ones((c, 1, kh, kw), dtype=np.int64)
    pads = (pt, pl, pb, pr)
    sums = conv_acc(x, ones_k, None, (sh, sw), pads, (dh, dw), c)
    if inc:
        counts = np.full(sums.shape, kh * kw, dtype=np.int64)
    else:
        counts = conv_acc(np.ones_like(x), ones_k, None, (sh, sw), pads, (dh, dw), c)
    sums, counts = sums.ravel(), counts.ravel()
    # ONNX Runtime: float32 scale = in / (out * count), float32 product, round half to even.
    f32 = np.float32
    onnx = []
    for s, k in zip(sums, counts):
        scale = f32(in_scale) / (f32(out_scale) * f32(k))
        v = f32(f32(s) * scale)
        onnx.append(int(np.clip(np.rint(v) + out_zp, qmin, qmax)))
    gl, ms = [], []
    for s, k in zip(sums, counts):
        m = in_scale / (out_scale * float(k))  # double, as the C++ side
        gl.append(max(qmin, min(qmax, gemmlowp_apply(int(s), gemmlowp_multiplier(m)) + out_zp)))
        ms.append(max(qmin, min(qmax, mulshift_apply(int(s), mulshift_multiplier(m, ms_bits)) + out_zp)))
    return [onnx, gl, ms]


def do_add(tokens):
    sa, sb, sc = (float.fromhex(t) for t in tokens[0][1:4])
    za, zb, zc, alo, ahi, blo, bhi, lo, hi, ms_bits, bits = ints(tokens[0][4:15])
    a = np.repeat(np.arange(alo, ahi + 1), bhi - blo + 1)
    b = np.tile(np.arange(blo, bhi + 1), ahi - alo + 1)
    f32 = np.float32
    va = f32(sa) * (a - za).astype(f32)
    vb = f32(sb) * (b - zb).astype(f32)
    v = (va + vb) / f32(sc)
    onnx = np.clip(np.rint(v).astype(np.int64) + zc, lo, hi)
    # TFLite quantized add.
    left = 20 if bits <= 8 else 15
    twice_max = 2.0 * max(sa, sb)
    qa = gemmlowp_multiplier(sa / twice_max)
    qb = gemmlowp_multiplier(sb / twice_max)
    qc = gemmlowp_multiplier(twice_max / (2.0**left * sc))
    # One multiplier per input: aligned to the larger shift, summed exactly, rounded once.
    ma = mulshift_multiplier(sa / sc, ms_bits)
    mb = mulshift_multiplier(sb / sc, ms_bits)
    gl, ms = [], []
    for x, y in zip(a.tolist(), b.tolist()):
        ta = gemmlowp_apply((x - za) * 2**left, qa)
        tb = gemmlowp_apply((y - zb) * 2**left, qb)
        gl.append(max(lo, min(hi, gemmlowp_apply(ta + tb, qc) + zc)))
        total = Fraction((x - za) * ma[0], 2 ** ma[1]) + Fraction((y - zb) * mb[0], 2 ** mb[1])
        r = int((total + Fraction(1, 2)).__floor__())  # round half up
        ms.append(max(lo, min(hi, r + zc)))
    return [onnx.tolist(), gl, ms]


def main():
    out = []
    for line in sys.stdin:
        if not line.strip():
            continue
        sections = [s.split() for s in line.split("|")]
        op = sections[0][0]
        if op == "conv":
            results = do_conv(sections)
        elif op == "fc":
            results = do_fc(sections)
        elif op == "pool":
            results = do_pool(sections)
        elif op == "add":
            results = do_add(sections)
        else:
            raise SystemExit(f"kernels_oracle: unknown op {op!r}")
        for r in results:
            out.append(" ".join(str(int(v)) for v in r))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
