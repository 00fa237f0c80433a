#!/usr/bin/python3
"""Independent oracle for qasim's float training kernels (tests/kernels/train_kernels_test.cpp).

Each stdin line is one case; sections are separated by "|". Tensors arrive in qasim's
channel-major CNHW order and are permuted to PyTorch's NCHW here. PyTorch autograd in
float64 computes the forward result y and the gradients of L = sum(y * r); the answer is
one line per output tensor, in CNHW order again.

  conv N C H W OC KH KW sh sw pt pl pb pr dh dw groups | x | w | b | r  -> y, dx, dw, db
  bn C N H W eps | x | gamma | beta | r                                 -> y, dx, dgamma, dbeta
  maxpool C N H W KH KW sh sw pt pl pb pr | x | r                       -> y, dx
  avgpool C N H W KH KW sh sw pt pl pb pr include_pad | x | r           -> y, dx
  xent K N | logits (class-major) | labels                              -> loss, dlogits
"""
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def floats(tokens):
    return torch.tensor([float(t) for t in tokens])


def from_cnhw(t, c, n, h, w):
    return t.reshape(c, n, h, w).permute(1, 0, 2, 3).contiguous()


def to_cnhw(t):
    return t.permute(1, 0, 2, 3).reshape(-1)


def emit(*tensors):
    for t in tensors:
        print(" ".join(repr(float(v)) for v in t.reshape(-1)))


def pad_input(x, pads, value=0.0):
    top, left, bottom, right = pads
    return F.pad(x, (left, right, top, bottom), value=value)


def conv(head, sec):
    n, c, h, w, oc, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g = map(int, head)
    x = from_cnhw(floats(sec[1]), c, n, h, w).requires_grad_()
    wt = floats(sec[2]).reshape(oc, c // g, kh, kw).requires_grad_()
    b = floats(sec[3]).requires_grad_()
    y = F.conv2d(pad_input(x, (pt, pl, pb, pr)), wt, b, stride=(sh, sw), dilation=(dh, dw),
                 groups=g)
    r = from_cnhw(floats(sec[4]), oc, n, y.shape[2], y.shape[3])
    (y * r).sum().backward()
    emit(to_cnhw(y.detach()), to_cnhw(x.grad), wt.grad, b.grad)


def bn(head, sec):
    c, n, h, w = map(int, head[:4])
    eps = float(head[4])
    x = from_cnhw(floats(sec[1]), c, n, h, w).requires_grad_()
    gamma = floats(sec[2]).requires_grad_()
    beta = floats(sec[3]).requires_grad_()
    y = F.batch_norm(x, None, None, gamma, beta, training=True, eps=eps)
    r = from_cnhw(floats(sec[4]), c, n, h, w)
    (y * r).sum().backward()
    emit(to_cnhw(y.detach()), to_cnhw(x.grad), gamma.grad, beta.grad)


def pool(head, sec, kind):
    c, n, h, w, kh, kw, sh, sw, pt, pl, pb, pr = map(int, head[:12])
    x = from_cnhw(floats(sec[1]), c, n, h, w).requires_grad_()
    if kind == "max":
        xp = pad_input(x, (pt, pl, pb, pr), float("-inf"))
        y = F.max_pool2d(xp, (kh, kw), (sh, sw))
    else:
        include_pad = int(head[12]) == 1
        xp = pad_input(x, (pt, pl, pb, pr))
        s = F.avg_pool2d(xp, (kh, kw), (sh, sw)) * (kh * kw)
        if include_pad:
            count = torch.full_like(s, kh * kw)
        else:
            ones = pad_input(torch.ones_like(x), (pt, pl, pb, pr))
            count = F.avg_pool2d(ones, (kh, kw), (sh, sw)) * (kh * kw)
        y = s / count
    r = from_cnhw(floats(sec[2]), c, n, y.shape[2], y.shape[3])
    (y * r).sum().backward()
    emit(to_cnhw(y.detach()), to_cnhw(x.grad))


def xent(head, sec):
    k, n = map(int, head)
    logits = floats(sec[1]).reshape(k, n).t().contiguous().requires_grad_()
    labels = torch.tensor([int(t) for t in sec[2]])
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    emit(loss.detach().reshape(1), logits.grad.t().contiguous())


for line in sys.stdin:
    sections = [s.split() for s in line.split("|")]
    op, head = sections[0][0], sections[0][1:]
    if op == "conv":
        conv(head, sections)
    elif op == "bn":
        bn(head, sections)
    elif op == "maxpool":
        pool(head, sections, "max")
    elif op == "avgpool":
        pool(head, sections, "avg")
    elif op == "xent":
        xent(head, sections)
    else:
        sys.exit("unknown op " + op)
