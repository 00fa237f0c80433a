// What qasim stores in an ONNX model's metadata_props so that export -> import gives the
// same Graph back: the numerics contract and, per layer, everything the standard
// operators cannot say (scheme, bit width below the container's, fused activation,
// folded BatchNorm). Scales and zero points always come from the graph's own tensors.
//
// Keys (values are JSON):
//   qasim.version        1
//   qasim.numerics       {"requant":"onnx","accumulator_bits":32,"overflow":"saturate",
//                         "mulshift_bits":16}
//   qasim.num_classes    10
//   qasim.implicit_nodes ["fc/flatten", ...]  nodes the exporter added (not layers)
//   qasim.layer.<name>   {"output":{...},"weights":{...},"activation":"clip",
//                         "clip":[lo,hi],"batchnorm_folded":true,
//                         "fixed_weights":true,
//                         "weight_zero_point":[...]}
//   where {...} = {"scheme":"uniform","bits":4,"signed":true,"frac_bits":0,
//                  "codebook":[...]}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernels/numerics.h"
#include "kernels/ops.h"
#include "kernels/quant.h"
#include "workloads/graph.h"

namespace qasim::workloads::onnx_io {

inline constexpr const char* kMetaVersion = "qasim.version";
inline constexpr const char* kMetaNumerics = "qasim.numerics";
inline constexpr const char* kMetaNumClasses = "qasim.num_classes";
inline constexpr const char* kMetaImplicitNodes = "qasim.implicit_nodes";
inline constexpr const char* kMetaLayerPrefix = "qasim.layer.";

// The parts of QuantParams that the graph's tensors do not carry.
struct SchemeMeta {
  kernels::Scheme scheme = kernels::Scheme::Uniform;
  int bits = 8;
  bool is_signed = true;
  int frac_bits = 0;
  std::vector<int32_t> codebook;
};

struct LayerMeta {
  std::optional<SchemeMeta> output;
  std::optional<SchemeMeta> weights;
  // Set when the weights were stored as (q - zero_point) because their container
  // (int32 DequantizeLinear) allows no zero point.
  std::vector<int32_t> weight_zero_point;
  std::optional<kernels::Activation> activation;
  float clip_lo = 0.f, clip_hi = 0.f;
  bool batchnorm_folded = false;
  bool fixed_weights = false;
};

std::string to_json(const kernels::Numerics& n);
std::string to_json(const LayerMeta& m);
std::string to_json(const std::vector<std::string>& names);
LayerMeta layer_meta_of(const Layer& l);

// Parsers throw InputError(where, ...) on malformed JSON or out-of-range fields.
kernels::Numerics numerics_from_json(const std::string& text, const std::string& where);
LayerMeta layer_meta_from_json(const std::string& text, const std::string& where);
std::vector<std::string> names_from_json(const std::string& text, const std::string& where);
int num_classes_from_string(const std::string& text, const std::string& where);

// Overrides what the ONNX operators could not say; scale and zero point stay.
void apply_scheme(kernels::QuantParams& q, const SchemeMeta& m);

std::string activation_name(kernels::Activation a);

}  // namespace qasim::workloads::onnx_io
