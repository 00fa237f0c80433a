#!/usr/bin/python3
"""Independent oracle for the QAT methods with learned parameters (tests/kernels/qat_*_test.cpp).

Each method is written here from its paper's forward formula in PyTorch (float32), with the
straight-through estimators written as `v + (round(v) - v).detach()`; PyTorch autograd then
derives every gradient (of the input and of the learned parameters), independently of the
C++ backward code.

Input: one case per line, sections separated by "|", numbers as C hex floats (exact):
  pact BITS ALPHA | x... | dy...                -> y, dx, [dalpha]
  lsq BITS SIGNED STEP ROWS | x... | dy...     -> y, dx, [dstep]   (SIGNED: 1 weights, 0 acts)
  ttq WP WN | w... | dy...                      -> y, dw, [dwp, dwn]
  dorefa_w BITS | w... | dy...                  -> y, dw
  dorefa_a BITS | x... | dy...                  -> y, dx
Output: one line per result, numbers as Python float.hex().
"""
import math
import sys

import torch


def ste_round(v):
    return v + (torch.round(v) - v).detach()


def tensor(tokens, grad=True):
    return torch.tensor([float.fromhex(t) for t in tokens], dtype=torch.float32,
                        requires_grad=grad)


def scalar(token):
    return torch.tensor(float.fromhex(token), dtype=torch.float32, requires_grad=True)


def pact(head, x, dy):
    bits, alpha = int(head[0]), scalar(head[1])
    n = 2**bits - 1
    y = 0.5 * (x.abs() - (x - alpha).abs() + alpha)  # the paper's eq. 1
    step = alpha / n
    yq = y + (torch.round(y / step) * step - y).detach()  # STE through the rounding
    yq.backward(dy)
    return [yq, x.grad, alpha.grad.reshape(1)]


def lsq(head, x, dy):
    bits, signed, step, rows = int(head[0]), int(head[1]), scalar(head[2]), int(head[3])
    qn, qp = (2**(bits - 1), 2**(bits - 1) - 1) if signed else (0, 2**bits - 1)
    # N: number of weights, or features per sample (row) for activations.
    count = x.numel() if signed else x.numel() // rows
    g = 1.0 / math.sqrt(count * qp)
    s = (step - step * g).detach() + step * g  # gradient scale, value unchanged
    v = ste_round(torch.clamp(x / s, -qn, qp))
    y = v * s
    y.backward(dy)
    return [y, x.grad, step.grad.reshape(1)]


def ttq(head, w, dy):
    wp, wn = scalar(head[0]), scalar(head[1])
    delta = 0.05 * w.detach().abs().max()
    pos = (w.detach() > delta).float()
    neg = (w.detach() < -delta).float()
    zero = 1.0 - pos - neg
    # The paper's scaled STE for the latent weights: Wp * g, g, Wn * g.
    scaled = w * (wp.detach() * pos + wn.detach() * neg + zero)
    y = wp * pos - wn * neg + (scaled - scaled.detach())
    y.backward(dy)
    return [y, w.grad, torch.stack([wp.grad, wn.grad])]


def dorefa_w(head, w, dy):
    bits = int(head[0])
    n = 2**bits - 1
    t = torch.tanh(w)
    u = t / (2 * t.abs().max()) + 0.5
    y = 2 * (ste_round(u * n) / n) - 1
    y.backward(dy)
    return [y, w.grad]


def dorefa_a(head, x, dy):
    bits = int(head[0])
    n = 2**bits - 1
    y = ste_round(torch.clamp(x, 0, 1) * n) / n
    y.backward(dy)
    return [y, x.grad]


METHODS = {"pact": pact, "lsq": lsq, "ttq": ttq, "dorefa_w": dorefa_w, "dorefa_a": dorefa_a}


def main():
    out = []
    for line in sys.stdin:
        if not line.strip():
            continue
        sections = [s.split() for s in line.split("|")]
        method, head = sections[0][0], sections[0][1:]
        x, dy = tensor(sections[1]), tensor(sections[2], grad=False)
        for result in METHODS[method](head, x, dy):
            out.append(" ".join(float(v).hex() for v in result.detach().reshape(-1).tolist()))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
