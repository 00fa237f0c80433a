// qasim export: a model (zoo or ONNX) written as quantized ONNX that ONNX Runtime and
// Netron open, carrying qasim's exact integers and numerics.
#include <fmt/format.h>

#include "dse/cli_common.h"
#include "dse/commands.h"
#include "dse/model_loader.h"
#include "workloads/onnx/onnx_export.h"

namespace qasim::dse {

int cmd_export(const std::vector<std::string>& args) {
  ModelOptions model;
  std::string out, format;
  po::options_description options("options");
  model.add_to(options);
  options.add_options()("out,o", po::value(&out), "the .onnx file to write")(
      "format", po::value(&format)->default_value("qdq"),
      "qdq (QuantizeLinear/DequantizeLinear; other than 8 bits via QONNX Quant) or qoperator "
      "(QLinearConv/QLinearMatMul; 8-bit models only)");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map vm;
  if (!parse_args(args,
                  "usage: qasim export --model MODEL --out FILE.onnx [--format qdq|qoperator]\n\n"
                  "Writes the model as a quantized ONNX file. A zoo model gets its seeded random\n"
                  "weights and calibrated scales, exactly as `qasim infer` runs it.",
                  options, positional, vm))
    return kExitOk;
  if (out.empty()) throw UsageError("--out FILE.onnx is required");
  if (format != "qdq" && format != "qoperator")
    throw UsageError(fmt::format("--format '{}' must be qdq or qoperator", format));
  const workloads::ExportFormat f = workloads::export_format_from_string(format);
  const workloads::Graph graph = load_model(model, /*with_weights=*/true);
  workloads::export_onnx(graph, out, f);
  fmt::print("wrote {} ({} format, {} layers)\n", out, format, graph.layers.size());
  return kExitOk;
}

}  // namespace qasim::dse
