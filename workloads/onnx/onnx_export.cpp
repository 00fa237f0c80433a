// Export driver: checks the graph, builds the model in the chosen format, adds qasim's
// metadata and writes the file atomically.
#include "workloads/onnx/onnx_export.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "workloads/errors.h"
#include "workloads/onnx/onnx_metadata.h"
#include "workloads/onnx/onnx_writer.h"

namespace qasim::workloads {

std::string to_string(ExportFormat f) {
  return f == ExportFormat::QDQ ? "qdq" : "qoperator";
}

ExportFormat export_format_from_string(const std::string& s) {
  if (s == "qdq") return ExportFormat::QDQ;
  if (s == "qoperator") return ExportFormat::QOperator;
  throw InputError("export format", "unknown format '" + s + "' (expected qdq or qoperator)");
}

std::string export_onnx_bytes(const Graph& graph, ExportFormat format) {
  Graph g = graph;
  g.validate();
  g.infer_shapes();
  if (!g.has_weights())
    throw InputError(fmt::format("model '{}'", g.name), "has no weights to export");
  // Tensor and metadata names derive from layer names.
  std::set<std::string> names;
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].name.empty() || !names.insert(g.layers[i].name).second)
      throw InputError(fmt::format("model '{}', layer {}", g.name, i),
                       "layer names must be unique and non-empty to export");

  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);  // 8 with Debian's ONNX 1.12
  model.set_producer_name("qasim");
  model.set_producer_version("0.1");
  model.mutable_graph()->set_name(g.name.empty() ? "qasim" : g.name);
  onnx_io::ModelWriter w(model);
  w.use_domain("", onnx_io::kOpset);
  onnx_io::ExportNotes notes;
  if (format == ExportFormat::QDQ)
    onnx_io::export_qdq(g, w, notes);
  else
    onnx_io::export_qoperator(g, w, notes);

  auto meta = [&](const std::string& key, const std::string& value) {
    auto* p = model.add_metadata_props();
    p->set_key(key);
    p->set_value(value);
  };
  meta(onnx_io::kMetaVersion, "1");
  meta(onnx_io::kMetaNumerics, onnx_io::to_json(g.numerics));
  meta(onnx_io::kMetaNumClasses, std::to_string(g.num_classes));
  if (!notes.implicit_nodes.empty())
    meta(onnx_io::kMetaImplicitNodes, onnx_io::to_json(notes.implicit_nodes));
  for (const Layer& l : g.layers) {
    onnx_io::LayerMeta m = onnx_io::layer_meta_of(l);
    if (auto it = notes.weight_zero_points.find(l.name); it != notes.weight_zero_points.end())
      m.weight_zero_point = it->second;
    meta(onnx_io::kMetaLayerPrefix + l.name, onnx_io::to_json(m));
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    throw InputError(fmt::format("model '{}'", g.name), "the model exceeds protobuf's 2 GiB limit");
  return bytes;
}

void export_onnx(const Graph& graph, const std::string& path, ExportFormat format) {
  const std::string bytes = export_onnx_bytes(graph, format);
  // Same directory, unique name: rename() then replaces the target atomically.
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw InputError(path, "cannot create " + tmp);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      throw InputError(path, "cannot write the model (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError(path, "cannot replace the file");
  }
}

}  // namespace qasim::workloads
