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
