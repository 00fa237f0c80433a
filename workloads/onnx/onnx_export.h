// Export of a Graph as an ONNX model.
//
// QDQ (default): float graph with QuantizeLinear / DequantizeLinear around standard
//   operators; ONNX Runtime runs it and Netron shows it.
//   - activations, uniform 1-8 bits: QuantizeLinear -> int8/uint8, and for fewer than 8
//     bits a Clip of the integers to the b-bit range (Brevitas' "QCDQ"), then
//     DequantizeLinear: the bit width is carried exactly by standard operators;
//   - activations, binary: QONNX BipolarQuant; other schemes and 9-16 bits: QONNX Quant
//     (domain qonnx.custom_op.general) with the bit width of the integer range;
//   - weights: their integers in an int8 / uint8 initializer (int32 when wider, holding
//     q - zero point) behind DequantizeLinear, per tensor or per output channel, with a
//     Clip to the b-bit range in between below 8 bits; bias as int32 at scale
//     input_scale * weight_scale behind DequantizeLinear. Binary, ternary, power-of-two,
//     codebook and fixed-point weights are stored as their integer values; the scheme is
//     in the metadata.
// QOperator: integer operators throughout (QLinearConv, QLinearMatMul, and com.microsoft
//   QGemm, QLinearAdd, QLinearAveragePool, QLinearGlobalAveragePool, QLinearConcat, as
//   ONNX Runtime's quantizer writes them); every layer must be uniform 8-bit. A fused
//   activation becomes a Clip of the integer output.
// Both store qasim's numerics and every layer's scheme, bit width and activation in
// metadata_props (onnx_metadata.h), so export -> import gives the same Graph.
// The file is written atomically (temporary file, then rename).
#pragma once

#include <string>

#include "workloads/graph.h"

namespace qasim::workloads {

enum class ExportFormat { QDQ, QOperator };

std::string to_string(ExportFormat f);                         // qdq | qoperator
ExportFormat export_format_from_string(const std::string& s);  // throws InputError

// Throws InputError when the graph is invalid, has no weights, or does not fit the
// format (QOperator: a layer that is not uniform 8-bit), or when `path` cannot be written.
void export_onnx(const Graph& graph, const std::string& path,
                 ExportFormat format = ExportFormat::QDQ);
// The serialized model, for tests and in-memory use.
std::string export_onnx_bytes(const Graph& graph, ExportFormat format = ExportFormat::QDQ);

}  // namespace qasim::workloads
