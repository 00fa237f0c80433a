// Import of quantized ONNX models into the graph IR.
//
// Accepted forms (what real tools write):
//  - QDQ: QuantizeLinear / DequantizeLinear around Conv, Gemm, MatMul (+ Add bias), Add,
//    Relu, Clip, BatchNormalization (folded), MaxPool, AveragePool, GlobalAveragePool,
//    Flatten, Reshape to 2-D, Concat; weights as int8/uint8/int32 initializers behind
//    DequantizeLinear, or float initializers behind QuantizeLinear (PyTorch QAT export);
//    QuantizeLinear -> Clip -> DequantizeLinear ("QCDQ", Brevitas) narrows to < 8 bits.
//  - QOperator: QLinearConv, QLinearMatMul, ConvInteger / MatMulInteger followed by
//    Cast, Mul (scale), Add (bias), Relu, QuantizeLinear; com.microsoft QLinearAdd,
//    QLinearAveragePool, QLinearGlobalAveragePool, QLinearConcat, QGemm.
//  - QONNX: Quant (signed, narrow, rounding_mode; scale, zero_point, bit_width) and
//    BipolarQuant, domain qonnx.custom_op.general or finn.custom_op.general.
// qasim's own metadata (see onnx_metadata.h) restores what the operators cannot say.
//
// How float details become integer layers:
//  - BatchNormalization, and Mul / Div / Add by per-channel constants, right after a conv
//    or fc fold into it: |k| goes into the per-channel weight scale, a negative k negates
//    the channel's integers around their zero point, the bias is re-quantized (PyTorch
//    QAT writes conv -> Div -> Add -> BatchNormalization);
//  - Relu / Clip after a conv, fc or add become its fused activation; an integer Clip
//    (QOperator) likewise, unless it is exactly a b-bit range (QCDQ: the bit width);
//  - a float bias is quantized at input_scale * weight_scale (float32 product, round
//    half to even); an int32 bias already at that scale is taken as is;
//  - max pool and flatten keep their input's quantization unless a QuantizeLinear
//    follows; an average pool no QuantizeLinear follows does too (PyTorch's quantized
//    pooling); Flatten / Reshape before a layer's QuantizeLinear is no layer (fc flattens);
//  - ConvInteger / MatMulInteger: the weight scale is the Mul constant / input scale;
//  - equal per-channel weight zero points read back as one.
//
// Anything else throws InputError whose `where` names the file and the node (index,
// name, op type). Numerics default to RequantMode::OnnxFloat.
#pragma once

#include <cstddef>
#include <string>

#include "workloads/graph.h"

namespace qasim::workloads {

Graph import_onnx(const std::string& path);
// `name` stands for the file in error messages.
Graph import_onnx_bytes(const void* data, size_t size, const std::string& name = "<memory>");

}  // namespace qasim::workloads
