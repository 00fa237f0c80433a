#!/usr/bin/python3
"""Tiny quantized ONNX models, as real tools write them, for qasim's importer tests.

Run with Debian's Python (python3-onnx, python3-numpy, python3-torch):

    /usr/bin/python3 scripts/make_onnx_test_models.py            # regenerate
    /usr/bin/python3 scripts/make_onnx_test_models.py check F..  # onnx.checker on files

Writes tests/data/onnx/<name>.onnx and <name>.expected.json, and copies the models into
the fuzzer's seed corpus tests/fuzz/corpus/onnx/. The expected JSON comes from the
parameters this script chose (or PyTorch's module state), never from qasim's output:

  {"input": {"shape": [C, H, W], "scale": s, "zero_point": z, "bits": 8, "signed": false},
   "layers": [{"kind": "conv", "inputs": [0], "activation": "relu",
               "weight_dims": [...], "weights": [...], "weight_scale": [...],
               "weight_zero_point": [...], "weight_bits": 8, "weight_scheme": "uniform",
               "bias": [...], "output_scale": s, "output_zero_point": z,
               "output_bits": 8, "output_signed": false, ...}, ...]}
Layer 0 (the input) is not listed in "layers"; indices in "inputs" count it.
"""
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "onnx")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus", "onnx")
QONNX = "qonnx.custom_op.general"
MS = "com.microsoft"


def f32(x):
    return [float(np.float32(v)) for v in np.asarray(x, dtype=np.float32).ravel()]


def ints(x):
    return [int(v) for v in np.asarray(x).ravel()]


def init(name, array, dtype):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def save(name, graph, expected, opsets=(("", 13),)):
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
        producer_name="make_onnx_test_models.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, name + ".onnx")
    onnx.save(model, path)
    with open(os.path.join(DATA, name + ".expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


def float_input(shape):
    return helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N"] + list(shape))


def float_output(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N"] + list(shape))


# ---------------------------------------------------------------- PyTorch (torch.onnx)
def torch_qdq():
    """torch.ao eager-mode post-training quantization exported by torch.onnx (QDQ)."""
    import torch
    import torch.ao.quantization as tq
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = tq.QuantStub()
            self.conv = nn.Conv2d(2, 3, 3, padding=1)
            self.relu = nn.ReLU()
            self.pool = nn.MaxPool2d(2)
            self.flatten = nn.Flatten()
            self.fc = nn.Linear(3 * 2 * 2, 4)
            self.dequant = tq.DeQuantStub()

        def forward(self, x):
            x = self.pool(self.relu(self.conv(self.quant(x))))
            return self.dequant(self.fc(self.flatten(x)))

    torch.manual_seed(0)
    net = Net().eval()
    net.qconfig = tq.get_default_qconfig("fbgemm")
    net = tq.fuse_modules(net, [["conv", "relu"]])
    prepared = tq.prepare(net)
    prepared(torch.randn(16, 2, 4, 4))
    q = tq.convert(prepared)
    path = os.path.join(DATA, "torch_qdq.onnx")
    os.makedirs(DATA, exist_ok=True)
    torch.onnx.export(q, torch.randn(1, 2, 4, 4), path, opset_version=13,
                      input_names=["x"], output_names=["y"])
    onnx.checker.check_model(onnx.load(path))

    in_s, in_zp = float(q.quant.scale), int(q.quant.zero_point)

    def weighted(mod, kind, inputs, act):
        w = mod.weight()
        ws = w.q_per_channel_scales().numpy().astype(np.float32)
        # torch.onnx writes the bias as Cast(Div(bias, in_scale * w_scale), int32): the
        # float32 quotient truncated towards zero.
        bias = np.trunc(mod.bias().detach().numpy().astype(np.float32) /
                        (np.float32(in_s) * ws)).astype(np.int64)
        return {"kind": kind, "inputs": inputs, "activation": act,
                "weight_dims": list(w.shape), "weights": ints(w.int_repr()),
                "weight_scale": f32(ws), "weight_zero_point": ints(w.q_per_channel_zero_points()),
                "weight_bits": 8, "weight_signed": True, "weight_scheme": "uniform",
                "bias": ints(bias), "output_scale": float(np.float32(mod.scale)),
                "output_zero_point": int(mod.zero_point), "output_bits": 8, "output_signed": False}

    conv = weighted(q.conv, "conv", [0], "relu")
    conv.update(kernel=[3, 3], stride=[1, 1], pads=[1, 1, 1, 1], groups=1)
    pool_q = {"output_scale": conv["output_scale"], "output_zero_point": conv["output_zero_point"]}
    pool = dict(kind="maxpool", inputs=[1], kernel=[2, 2], stride=[2, 2], pads=[0, 0, 0, 0], **pool_q)
    flat = dict(kind="flatten", inputs=[2], **pool_q)
    in_s = conv["output_scale"]  # the fc's input scale for its bias
    fc = weighted(q.fc, "fc", [3], "none")
    expected = {"input": {"shape": [2, 4, 4], "scale": float(np.float32(q.quant.scale)),
                          "zero_point": in_zp, "bits": 8, "signed": False},
                "layers": [conv, pool, flat, fc]}
    with open(os.path.join(DATA, "torch_qdq.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


def torch_qat():
    """torch.ao quantization-aware training (fake-quant) exported by torch.onnx: float
    weights behind QuantizeLinear, conv -> Div -> Add -> BatchNorm -> Relu, a pooled output
    that is never requantized. The fold of Div and BatchNorm cancels only to float
    precision, so the conv's scale and bias are checked with a tolerance."""
    import torch
    import torch.ao.quantization as tq
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = tq.QuantStub()
            self.conv = nn.Conv2d(2, 4, 3, padding=1)
            self.bn = nn.BatchNorm2d(4)
            self.relu = nn.ReLU()
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.flatten = nn.Flatten()
            self.fc = nn.Linear(4, 3)
            self.dequant = tq.DeQuantStub()

        def forward(self, x):
            x = self.pool(self.relu(self.bn(self.conv(self.quant(x)))))
            return self.dequant(self.fc(self.flatten(x)))

    torch.manual_seed(1)
    net = Net().train()
    # Plain FakeQuantize: torch.onnx cannot export the fused observer of the default qconfig.
    net.qconfig = tq.QConfig(
        activation=tq.FakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver,
                                             quant_min=0, quant_max=255),
        weight=tq.FakeQuantize.with_args(observer=tq.MovingAveragePerChannelMinMaxObserver,
                                         quant_min=-128, quant_max=127, dtype=torch.qint8,
                                         qscheme=torch.per_channel_symmetric, ch_axis=0))
    net = tq.fuse_modules_qat(net, [["conv", "bn", "relu"]])
    qat = tq.prepare_qat(net)
    for _ in range(4):
        qat(torch.randn(8, 2, 6, 6)).sum().backward()
    qat.eval()
    qat.apply(tq.disable_observer)
    path = os.path.join(DATA, "torch_qat.onnx")
    torch.onnx.export(qat, torch.randn(1, 2, 6, 6), path, opset_version=13,
                      input_names=["x"], output_names=["y"])
    onnx.checker.check_model(onnx.load(path))

    def fq(mod):
        return float(np.float32(mod.scale.item())), int(mod.zero_point.item())

    in_s, in_zp = fq(qat.quant.activation_post_process)
    conv = qat.conv
    with torch.no_grad():
        k = (conv.bn.weight / torch.sqrt(conv.bn.running_var + conv.bn.eps)).numpy()
        w_fold = (conv.weight * torch.from_numpy(k).reshape(-1, 1, 1, 1)).numpy()
    ws = conv.weight_fake_quant.scale.numpy().astype(np.float32)
    wq = np.clip(np.rint(w_fold / ws.reshape(-1, 1, 1, 1)), -128, 127)
    bias_real = ((conv.bias.detach().numpy().astype(np.float64) - conv.bn.running_mean.numpy()) * k
                 + conv.bn.bias.detach().numpy())
    c_s, c_zp = fq(conv.activation_post_process)
    fc = qat.fc
    fs = fc.weight_fake_quant.scale.numpy().astype(np.float32)
    fw = fc.weight.detach().numpy().astype(np.float32)
    f_s, f_zp = fq(fc.activation_post_process)
    layers = [dict(kind="conv", inputs=[0], activation="relu", weight_dims=[4, 2, 3, 3], weights=ints(wq),
                   weight_scale=f32(ws), weight_scale_rel_tol=1e-5, weight_zero_point=[0],
                   bias=ints(np.rint(bias_real / (np.float64(in_s) * ws))), bias_tol=1,
                   batchnorm_folded=True, pads=[1, 1, 1, 1], output_scale=c_s, output_zero_point=c_zp),
              # The pooled output is never requantized: it keeps the conv's quantization.
              dict(kind="gap", inputs=[1], output_scale=c_s, output_zero_point=c_zp),
              dict(kind="fc", inputs=[2], weight_dims=[3, 4],
                   weights=ints(np.clip(np.rint(fw / fs.reshape(-1, 1)), -128, 127)),
                   weight_scale=f32(fs), weight_zero_point=[0],
                   bias=ints(np.rint(fc.bias.detach().numpy().astype(np.float32) / (np.float32(c_s) * fs))),
                   output_scale=f_s, output_zero_point=f_zp)]
    expected = {"input": {"shape": [2, 6, 6], "scale": in_s, "zero_point": in_zp, "bits": 8, "signed": False},
                "layers": layers}
    with open(os.path.join(DATA, "torch_qat.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


# ------------------------------------------------- ONNX Runtime quantize_static, QDQ form
def ort_qdq():
    """What ORT's quantize_static(QuantFormat.QDQ, per_channel=True) writes: int8 weights
    per channel, int32 bias, uint8 activations; plus a MatMul + Add bias head."""
    rng = np.random.default_rng(1)
    nodes, inits = [], []
    x_s, x_zp = np.float32(1 / 255), np.uint8(0)

    def qdq(src, name, s, zp, dtype=np.uint8):
        inits.extend([init(name + "_s", s, np.float32), init(name + "_zp", zp, dtype)])
        nodes.append(helper.make_node("QuantizeLinear", [src, name + "_s", name + "_zp"], [name + "_q"], name=name + "_Q"))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_zp"], [name + "_dq"], name=name + "_DQ"))
        return name + "_dq"

    def conv(name, src, in_s, oc, ic, k, pad, out_s, out_zp, relu):
        w = rng.integers(-127, 128, size=(oc, ic, k, k)).astype(np.int8)
        ws = (0.001 * (1 + np.arange(oc))).astype(np.float32)
        b = rng.integers(-3000, 3000, size=oc).astype(np.int32)
        inits.extend([init(name + "_w", w, np.int8), init(name + "_ws", ws, np.float32),
                      init(name + "_wzp", np.zeros(oc), np.int8), init(name + "_b", b, np.int32),
                      init(name + "_bs", np.float32(in_s) * ws, np.float32)])
        nodes.append(helper.make_node("DequantizeLinear", [name + "_w", name + "_ws", name + "_wzp"], [name + "_wdq"], axis=0))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_b", name + "_bs"], [name + "_bdq"], axis=0))
        out = name + "_out"
        nodes.append(helper.make_node("Conv", [src, name + "_wdq", name + "_bdq"], [out], name=name,
                                      kernel_shape=[k, k], pads=[pad] * 4))
        if relu:
            nodes.append(helper.make_node("Relu", [out], [name + "_relu"], name=name + "_Relu"))
            out = name + "_relu"
        layer = {"name": name, "kind": "conv", "activation": "relu" if relu else "none",
                 "weight_dims": list(w.shape), "weights": ints(w), "weight_scale": f32(ws),
                 "weight_zero_point": [0], "weight_bits": 8, "weight_signed": True,
                 "bias": ints(b), "kernel": [k, k], "pads": [pad] * 4, "groups": 1,
                 "output_scale": float(np.float32(out_s)), "output_zero_point": int(out_zp),
                 "output_bits": 8, "output_signed": False}
        return qdq(out, name + "_o", np.float32(out_s), np.uint8(out_zp)), layer

    x = qdq("x", "input", x_s, x_zp)
    c1, l1 = conv("conv1", x, x_s, 4, 3, 3, 1, 0.02, 0, True)
    c2, l2 = conv("conv2", c1, 0.02, 4, 4, 3, 1, 0.03, 128, False)
    nodes.append(helper.make_node("Add", [c1, c2], ["add_out"], name="add"))
    a = qdq("add_out", "add_o", np.float32(0.04), np.uint8(100))
    nodes.append(helper.make_node("AveragePool", [a], ["ap_out"], name="avgpool", kernel_shape=[2, 2], strides=[2, 2]))
    ap = qdq("ap_out", "ap_o", np.float32(0.035), np.uint8(90))
    nodes.append(helper.make_node("GlobalAveragePool", [ap], ["gap_out"], name="gap"))
    g = qdq("gap_out", "gap_o", np.float32(0.03), np.uint8(80))
    inits.append(init("shape", [0, -1], np.int64))
    nodes.append(helper.make_node("Reshape", [g, "shape"], ["flat"], name="reshape"))
    f = qdq("flat", "flat_o", np.float32(0.03), np.uint8(80))
    wfc = rng.integers(-127, 128, size=(4, 5)).astype(np.int8)  # MatMul: [K, N]
    bfc = np.array([0.5, -0.25, 0.125, 1.0, -0.0625], dtype=np.float32)
    inits.extend([init("fc_w", wfc, np.int8), init("fc_ws", np.float32(0.002), np.float32),
                  init("fc_wzp", np.int8(0), np.int8), init("fc_b", bfc, np.float32)])
    nodes.append(helper.make_node("DequantizeLinear", ["fc_w", "fc_ws", "fc_wzp"], ["fc_wdq"]))
    nodes.append(helper.make_node("MatMul", [f, "fc_wdq"], ["mm"], name="fc"))
    nodes.append(helper.make_node("Add", ["mm", "fc_b"], ["fc_out"], name="fc_bias"))
    y = qdq("fc_out", "fc_o", np.float32(0.05), np.uint8(128))
    acc = np.float32(0.03) * np.float32(0.002)
    layers = [l1, dict(l2, inputs=[1]), {"name": "add", "kind": "add", "inputs": [1, 2],
              "output_scale": f32([0.04])[0], "output_zero_point": 100},
              {"name": "avgpool", "kind": "avgpool", "inputs": [3], "kernel": [2, 2], "stride": [2, 2],
               "output_scale": f32([0.035])[0], "output_zero_point": 90},
              {"name": "gap", "kind": "gap", "inputs": [4], "output_scale": f32([0.03])[0], "output_zero_point": 80},
              {"name": "reshape", "kind": "flatten", "inputs": [5], "output_scale": f32([0.03])[0], "output_zero_point": 80},
              {"name": "fc", "kind": "fc", "inputs": [6], "weight_dims": [5, 4], "weights": ints(wfc.T),
               "weight_scale": [f32([0.002])[0]], "weight_zero_point": [0],
               "bias": ints(np.rint(bfc / acc)), "output_scale": f32([0.05])[0], "output_zero_point": 128}]
    l1["inputs"] = [0]
    graph = helper.make_graph(nodes, "ort_qdq", [float_input([3, 8, 8])], [float_output(y, [5])], inits)
    save("ort_qdq", graph, {"input": {"shape": [3, 8, 8], "scale": f32([x_s])[0], "zero_point": 0,
                                      "bits": 8, "signed": False}, "layers": layers})


# ---------------------------------------- ONNX Runtime quantize_static, QOperator form
def ort_qoperator():
    """ORT's QOperator form: QLinearConv, MaxPool on uint8, and com.microsoft QLinearAdd,
    QLinearConcat, QLinearAveragePool, QLinearGlobalAveragePool, QGemm; QLinearMatMul."""
    rng = np.random.default_rng(2)
    nodes, inits = [], []

    def qp(name, s, zp, dtype=np.uint8):
        inits.extend([init(name + "_s", s, np.float32), init(name + "_zp", zp, dtype)])
        return [name + "_s", name + "_zp"]

    def act(name, s, zp):
        return {"output_scale": f32([s])[0], "output_zero_point": int(zp)}

    x = qp("x", 1 / 128, 128)
    nodes.append(helper.make_node("QuantizeLinear", ["x"] + x, ["xq"], name="quantize"))
    layers = []

    def qconv(name, src, src_q, oc, ic, out_s, out_zp, inputs):
        w = rng.integers(-127, 128, size=(oc, ic, 3, 3)).astype(np.int8)
        ws = (0.004 * (1 + 0.5 * np.arange(oc))).astype(np.float32)
        b = rng.integers(-500, 500, size=oc).astype(np.int32)
        inits.extend([init(name + "_w", w, np.int8), init(name + "_ws", ws, np.float32),
                      init(name + "_wzp", np.zeros(oc), np.int8), init(name + "_b", b, np.int32)])
        y = qp(name + "_y", out_s, out_zp)
        nodes.append(helper.make_node(
            "QLinearConv", [src] + src_q + [name + "_w", name + "_ws", name + "_wzp"] + y + [name + "_b"],
            [name + "_q"], name=name, pads=[1, 1, 1, 1]))
        layers.append(dict(name=name, kind="conv", inputs=inputs, weight_dims=list(w.shape), weights=ints(w),
                           weight_scale=f32(ws), weight_zero_point=[0], weight_bits=8, bias=ints(b),
                           kernel=[3, 3], pads=[1, 1, 1, 1], **act(name, out_s, out_zp)))
        return name + "_q", y

    c1, c1q = qconv("conv1", "xq", x, 4, 2, 0.05, 10, [0])
    nodes.append(helper.make_node("MaxPool", [c1], ["pool_q"], name="pool", kernel_shape=[2, 2], strides=[2, 2]))
    layers.append(dict(name="pool", kind="maxpool", inputs=[1], kernel=[2, 2], stride=[2, 2], **act("", 0.05, 10)))
    c2, c2q = qconv("conv2", "pool_q", c1q, 4, 4, 0.07, 20, [2])
    add_q = qp("add", 0.09, 30)
    nodes.append(helper.make_node("QLinearAdd", [c2] + c2q + ["pool_q"] + c1q + add_q, ["add_q"], name="add", domain=MS))
    layers.append(dict(name="add", kind="add", inputs=[3, 2], **act("", 0.09, 30)))
    cat_q = qp("cat", 0.1, 25)
    nodes.append(helper.make_node("QLinearConcat", cat_q + ["add_q"] + add_q + ["pool_q"] + c1q, ["cat_q"],
                                  name="cat", domain=MS, axis=1))
    layers.append(dict(name="cat", kind="concat", inputs=[4, 2], **act("", 0.1, 25)))
    ap_q = qp("ap", 0.08, 24)
    nodes.append(helper.make_node("QLinearAveragePool", ["cat_q"] + cat_q + ap_q, ["ap_q"], name="avgpool",
                                  domain=MS, kernel_shape=[2, 2], count_include_pad=1, pads=[0, 0, 1, 1]))
    layers.append(dict(name="avgpool", kind="avgpool", inputs=[5], kernel=[2, 2], pads=[0, 0, 1, 1],
                       count_include_pad=True, **act("", 0.08, 24)))
    gap_q = qp("gap", 0.06, 12)
    nodes.append(helper.make_node("QLinearGlobalAveragePool", ["ap_q"] + ap_q + gap_q, ["gap_q"], name="gap",
                                  domain=MS, channels_last=0))
    layers.append(dict(name="gap", kind="gap", inputs=[6], **act("", 0.06, 12)))
    nodes.append(helper.make_node("Flatten", ["gap_q"], ["flat_q"], name="flatten", axis=1))
    layers.append(dict(name="flatten", kind="flatten", inputs=[7], **act("", 0.06, 12)))
    wm = rng.integers(0, 256, size=(8, 6)).astype(np.uint8)  # [K, N], per-column scales
    wms = (0.003 * (1 + np.arange(6))).astype(np.float32)
    inits.extend([init("mm_w", wm, np.uint8), init("mm_ws", wms, np.float32), init("mm_wzp", np.full(6, 128), np.uint8)])
    mm_q = qp("mm", 0.2, 128)
    nodes.append(helper.make_node("QLinearMatMul", ["flat_q"] + gap_q + ["mm_w", "mm_ws", "mm_wzp"] + mm_q,
                                  ["mm_q"], name="matmul"))
    layers.append(dict(name="matmul", kind="fc", inputs=[8], weight_dims=[6, 8], weights=ints(wm.T),
                       weight_scale=f32(wms), weight_zero_point=[128], weight_bits=8, weight_signed=False,
                       has_bias=False, **act("", 0.2, 128)))
    wg = rng.integers(-127, 128, size=(3, 6)).astype(np.int8)  # transB=1: [N, K]
    bg = np.array([100, -200, 300], dtype=np.int32)
    inits.extend([init("gemm_w", wg, np.int8), init("gemm_ws", np.float32(0.01), np.float32),
                  init("gemm_wzp", np.int8(0), np.int8), init("gemm_b", bg, np.int32)])
    gemm_q = qp("gemm", 0.25, 5, np.int8)
    nodes.append(helper.make_node("QGemm", ["mm_q"] + mm_q + ["gemm_w", "gemm_ws", "gemm_wzp", "gemm_b"] + gemm_q,
                                  ["gemm_q"], name="gemm", domain=MS, transB=1))
    layers.append(dict(name="gemm", kind="fc", inputs=[9], weight_dims=[3, 6], weights=ints(wg),
                       weight_scale=[f32([0.01])[0]], weight_zero_point=[0], bias=ints(bg),
                       output_signed=True, **act("", 0.25, 5)))
    nodes.append(helper.make_node("DequantizeLinear", ["gemm_q"] + gemm_q, ["y"], name="dequantize"))
    graph = helper.make_graph(nodes, "ort_qoperator", [float_input([2, 6, 6])], [float_output("y", [3])], inits)
    save("ort_qoperator", graph, {"input": {"shape": [2, 6, 6], "scale": f32([1 / 128])[0], "zero_point": 128,
                                            "bits": 8, "signed": False}, "layers": layers},
         opsets=(("", 13), (MS, 1)))


# -------------------------------------- ConvInteger / MatMulInteger + Cast, Mul, Add
def integer_ops():
    rng = np.random.default_rng(3)
    x_s = np.float32(0.02)
    w = rng.integers(-100, 100, size=(4, 2, 3, 3)).astype(np.int8)
    ws = np.array([0.001, 0.002, 0.003, 0.004], dtype=np.float32)
    mul = (x_s * ws).astype(np.float32)
    bias_int = np.array([7, -12, 30, 1], dtype=np.int64)
    bias = (bias_int * mul.astype(np.float64)).astype(np.float32)
    wm = rng.integers(0, 256, size=(16, 3)).astype(np.uint8)
    y1_s = np.float32(0.05)
    mm_mul = np.float32(y1_s * np.float32(0.01))
    inits = [init("x_s", x_s, np.float32), init("x_zp", 10, np.uint8), init("w", w, np.int8),
             init("w_zp", 0, np.int8), init("mul", mul.reshape(1, 4, 1, 1), np.float32),
             init("bias", bias.reshape(1, 4, 1, 1), np.float32), init("y1_s", y1_s, np.float32),
             init("y1_zp", 0, np.uint8), init("wm", wm, np.uint8), init("wm_zp", 128, np.uint8),
             init("mm_mul", mm_mul, np.float32), init("y2_s", 0.3, np.float32), init("y2_zp", 0, np.int8)]
    nodes = [helper.make_node("QuantizeLinear", ["x", "x_s", "x_zp"], ["xq"]),
             helper.make_node("ConvInteger", ["xq", "w", "x_zp", "w_zp"], ["acc"], name="conv", pads=[1, 1, 1, 1], strides=[2, 2]),
             helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["accf", "mul"], ["scaled"]),
             helper.make_node("Add", ["scaled", "bias"], ["biased"]),
             helper.make_node("Relu", ["biased"], ["relu"]),
             helper.make_node("QuantizeLinear", ["relu", "y1_s", "y1_zp"], ["y1q"]),
             helper.make_node("Flatten", ["y1q"], ["flat"], name="flatten"),
             helper.make_node("MatMulInteger", ["flat", "wm", "y1_zp", "wm_zp"], ["acc2"], name="fc"),
             helper.make_node("Cast", ["acc2"], ["acc2f"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["mm_mul", "acc2f"], ["scaled2"]),
             helper.make_node("QuantizeLinear", ["scaled2", "y2_s", "y2_zp"], ["y2q"]),
             helper.make_node("DequantizeLinear", ["y2q", "y2_s", "y2_zp"], ["y"])]
    w_rec = (mul / x_s).astype(np.float32)  # the importer's documented recovery of w_scale
    fc_rec = np.float32(mm_mul / y1_s)
    layers = [dict(name="conv", kind="conv", inputs=[0], activation="relu", weight_dims=[4, 2, 3, 3], weights=ints(w),
                   weight_scale=f32(w_rec), weight_zero_point=[0], stride=[2, 2], pads=[1, 1, 1, 1],
                   bias=ints(np.rint(bias / (x_s * w_rec))), output_scale=f32([y1_s])[0], output_zero_point=0),
              dict(name="flatten", kind="flatten", inputs=[1], output_scale=f32([y1_s])[0], output_zero_point=0),
              dict(name="fc", kind="fc", inputs=[2], weight_dims=[3, 16], weights=ints(wm.T),
                   weight_scale=[float(fc_rec)], weight_zero_point=[128], weight_signed=False, has_bias=False,
                   output_scale=f32([0.3])[0], output_zero_point=0, output_signed=True)]
    graph = helper.make_graph(nodes, "integer_ops", [float_input([2, 4, 4])], [float_output("y", [3])], inits)
    save("integer_ops", graph, {"input": {"shape": [2, 4, 4], "scale": f32([x_s])[0], "zero_point": 10,
                                          "bits": 8, "signed": False}, "layers": layers})


# ------------------------------------------------------------ QONNX (Brevitas / FINN)
def qonnx_quant(nodes, inits, src, name, scale, zp, bits, signed, narrow=0, mode="ROUND"):
    inits.extend([init(name + "_s", scale, np.float32), init(name + "_zp", zp, np.float32),
                  init(name + "_bw", bits, np.float32)])
    nodes.append(helper.make_node("Quant", [src, name + "_s", name + "_zp", name + "_bw"], [name + "_out"],
                                  name=name, domain=QONNX, signed=signed, narrow=narrow, rounding_mode=mode))
    return name + "_out"


def qonnx_model():
    """Brevitas-style QONNX: arbitrary bit widths with Quant, binary weights with
    BipolarQuant, a BatchNorm folded into its conv. Scales are powers of two so the
    folded parameters are exact."""
    rng = np.random.default_rng(4)
    nodes, inits = [], []
    x = qonnx_quant(nodes, inits, "x", "qx", 2.0 ** -7, 0, 8, 0)
    w1 = rng.normal(0, 0.5, size=(4, 3, 3, 3)).astype(np.float32)
    s1 = np.array([2.0 ** -3, 2.0 ** -4, 2.0 ** -3, 2.0 ** -2], dtype=np.float32)
    w1q = np.clip(np.rint(w1.astype(np.float64) / s1.reshape(4, 1, 1, 1)), -7, 7)  # 4-bit narrow
    inits.append(init("w1", w1, np.float32))
    w1d = qonnx_quant(nodes, inits, "w1", "qw1", s1.reshape(4, 1, 1, 1), 0, 4, 1, narrow=1, mode="ROUND")
    nodes.append(helper.make_node("Conv", [x, w1d], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    gamma = np.array([1, -2, 0.5, 1], np.float32)
    var = np.array([1, 4, 0.25, 16], np.float32)
    mean = np.array([0.5, -0.25, 1, 2], np.float32)
    beta = np.array([0.125, 0.5, -1, 0.25], np.float32)
    for n, v in (("bn_g", gamma), ("bn_b", beta), ("bn_m", mean), ("bn_v", var)):
        inits.append(init(n, v, np.float32))
    nodes.append(helper.make_node("BatchNormalization", ["c1", "bn_g", "bn_b", "bn_m", "bn_v"], ["bn"],
                                  name="bn1", epsilon=0.0))
    nodes.append(helper.make_node("Relu", ["bn"], ["r1"], name="relu1"))
    a1 = qonnx_quant(nodes, inits, "r1", "qa1", 2.0 ** -3, 0, 4, 0)
    k = gamma / np.sqrt(var)
    w1_fold = np.where(k.reshape(4, 1, 1, 1) < 0, -w1q, w1q)
    b1 = (0 - mean.astype(np.float64)) * k + beta
    s1_fold = (s1 * np.abs(k)).astype(np.float32)
    b1_int = np.rint(b1 / (2.0 ** -7 * s1_fold.astype(np.float64)))
    w2 = rng.normal(0, 1, size=(6, 4, 3, 3)).astype(np.float32)
    s2 = np.array([0.5, 0.25, 0.125, 0.5, 0.25, 1.0], dtype=np.float32)
    inits.extend([init("w2", w2, np.float32), init("s2", s2.reshape(6, 1, 1, 1), np.float32),
                  init("b2", np.arange(6) * 0.0625, np.float32)])
    nodes.append(helper.make_node("BipolarQuant", ["w2", "s2"], ["w2d"], name="qw2", domain=QONNX))
    nodes.append(helper.make_node("Conv", [a1, "w2d", "b2"], ["c2"], name="conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
    a2 = qonnx_quant(nodes, inits, "c2", "qa2", 0.5, 0, 2, 1)
    nodes.append(helper.make_node("MaxPool", [a2], ["mp"], name="pool", kernel_shape=[2, 2], strides=[2, 2]))
    nodes.append(helper.make_node("GlobalAveragePool", ["mp"], ["gap"], name="gap"))
    a3 = qonnx_quant(nodes, inits, "gap", "qa3", 2.0 ** -4, 0, 8, 1)
    nodes.append(helper.make_node("Flatten", [a3], ["flat"], name="flatten"))
    wf = rng.normal(0, 0.3, size=(5, 6)).astype(np.float32)
    inits.append(init("wf", wf, np.float32))
    wfd = qonnx_quant(nodes, inits, "wf", "qwf", 2.0 ** -5, 0, 6, 1)
    wfq = np.clip(np.rint(wf.astype(np.float64) / 2.0 ** -5), -32, 31)
    inits.append(init("bf", [0.25, -0.5, 0.75, 1.0, -1.0], np.float32))
    nodes.append(helper.make_node("Gemm", ["flat", wfd, "bf"], ["fc"], name="fc", transB=1))
    y = qonnx_quant(nodes, inits, "fc", "qy", 2.0 ** -3, 0, 8, 1)
    layers = [dict(name="conv1", kind="conv", inputs=[0], activation="relu", weight_dims=[4, 3, 3, 3],
                   weights=ints(w1_fold), weight_scale=f32(s1_fold), weight_zero_point=[0], weight_bits=4,
                   bias=ints(b1_int), batchnorm_folded=True, output_scale=0.125, output_zero_point=0,
                   output_bits=4, output_signed=False),
              dict(name="conv2", kind="conv", inputs=[1], weight_dims=[6, 4, 3, 3],
                   weights=ints(np.where(w2 >= 0, 1, -1)), weight_scale=f32(s2), weight_scheme="binary",
                   weight_bits=1, bias=ints(np.rint(np.arange(6) * 0.0625 / (0.125 * s2.astype(np.float64)))),
                   output_scale=0.5, output_zero_point=0, output_bits=2, output_signed=True),
              dict(name="pool", kind="maxpool", inputs=[2], output_scale=0.5, output_bits=2, output_signed=True),
              dict(name="gap", kind="gap", inputs=[3], output_scale=2.0 ** -4, output_bits=8, output_signed=True),
              dict(name="flatten", kind="flatten", inputs=[4], output_scale=2.0 ** -4, output_bits=8),
              dict(name="fc", kind="fc", inputs=[5], weight_dims=[5, 6], weights=ints(wfq),
                   weight_scale=[2.0 ** -5], weight_bits=6,
                   bias=ints(np.rint(np.array([0.25, -0.5, 0.75, 1.0, -1.0]) / (2.0 ** -4 * 2.0 ** -5))),
                   output_scale=0.125, output_bits=8, output_signed=True)]
    graph = helper.make_graph(nodes, "qonnx", [float_input([3, 6, 6])], [float_output(y, [5])], inits)
    save("qonnx_brevitas", graph, {"input": {"shape": [3, 6, 6], "scale": 2.0 ** -7, "zero_point": 0,
                                             "bits": 8, "signed": False}, "layers": layers},
         opsets=(("", 13), (QONNX, 1)))


# ----------------------------------------------------------- Brevitas QCDQ (4-bit, 2-bit)
def qcdq_model():
    rng = np.random.default_rng(5)
    nodes, inits = [], []

    def qcdq(src, name, scale, zp, lo, hi, dtype, axis=None):
        inits.extend([init(name + "_s", scale, np.float32), init(name + "_zp", zp, dtype),
                      init(name + "_lo", lo, dtype), init(name + "_hi", hi, dtype)])
        kw = {} if axis is None else {"axis": axis}
        nodes.append(helper.make_node("QuantizeLinear", [src, name + "_s", name + "_zp"], [name + "_q"], **kw))
        nodes.append(helper.make_node("Clip", [name + "_q", name + "_lo", name + "_hi"], [name + "_c"]))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_c", name + "_s", name + "_zp"], [name + "_dq"], **kw))
        return name + "_dq"

    x = qcdq("x", "qx", 1 / 15, 0, 0, 15, np.uint8)  # 4-bit unsigned input
    w = rng.normal(0, 0.2, size=(3, 2, 3, 3)).astype(np.float32)
    ws = np.array([0.05, 0.04, 0.03], np.float32)
    inits.append(init("w", w, np.float32))
    wd = qcdq("w", "qw", ws, np.zeros(3), -7, 7, np.int8, axis=0)  # 4-bit narrow weights
    wq = np.clip(np.rint((w / ws.reshape(3, 1, 1, 1)).astype(np.float32)), -7, 7)
    nodes.append(helper.make_node("Conv", [x, wd], ["c"], name="conv", kernel_shape=[3, 3]))
    nodes.append(helper.make_node("Relu", ["c"], ["r"], name="relu"))
    a = qcdq("r", "qa", 0.1, 0, 0, 15, np.uint8)
    nodes.append(helper.make_node("GlobalAveragePool", [a], ["g"], name="gap"))
    gq = qcdq("g", "qg", 0.05, 0, -2, 1, np.int8)  # 2-bit signed
    nodes.append(helper.make_node("Flatten", [gq], ["f"], name="flatten"))
    wf = rng.normal(0, 0.2, size=(2, 3)).astype(np.float32)
    inits.append(init("wf", wf, np.float32))
    wfd = qcdq("wf", "qwf", 0.1, 0, -8, 7, np.int8)
    wfq = np.clip(np.rint((wf / np.float32(0.1)).astype(np.float32)), -8, 7)
    nodes.append(helper.make_node("Gemm", ["f", wfd], ["fc"], name="fc", transB=1))
    y = qcdq("fc", "qy", 0.2, 0, -16, 15, np.int8)  # 5-bit output
    layers = [dict(name="conv", kind="conv", inputs=[0], activation="relu", weight_dims=[3, 2, 3, 3],
                   weights=ints(wq), weight_scale=f32(ws), weight_bits=4, has_bias=False,
                   output_scale=f32([0.1])[0], output_bits=4, output_signed=False),
              dict(name="gap", kind="gap", inputs=[1], output_scale=f32([0.05])[0], output_bits=2, output_signed=True),
              dict(name="flatten", kind="flatten", inputs=[2], output_scale=f32([0.05])[0], output_bits=2),
              dict(name="fc", kind="fc", inputs=[3], weight_dims=[2, 3], weights=ints(wfq), weight_bits=4,
                   weight_scale=[f32([0.1])[0]], has_bias=False, output_scale=f32([0.2])[0], output_bits=5,
                   output_signed=True)]
    graph = helper.make_graph(nodes, "qcdq", [float_input([2, 5, 5])], [float_output(y, [2])], inits)
    save("brevitas_qcdq", graph, {"input": {"shape": [2, 5, 5], "scale": f32([1 / 15])[0], "zero_point": 0,
                                            "bits": 4, "signed": False}, "layers": layers})


def seed_corpus():
    os.makedirs(CORPUS, exist_ok=True)
    for f in sorted(os.listdir(DATA)):
        if f.endswith(".onnx"):
            shutil.copy(os.path.join(DATA, f), os.path.join(CORPUS, f))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "check":
        for p in sys.argv[2:]:
            m = onnx.load(p)
            onnx.checker.check_model(m)
            onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=False)
        sys.exit(0)
    torch_qdq()
    torch_qat()
    ort_qdq()
    ort_qoperator()
    integer_ops()
    qonnx_model()
    qcdq_model()
    seed_corpus()
