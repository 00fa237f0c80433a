#include "dse/layer_dump.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>

#include "dse/cli_common.h"
#include "workloads/npy.h"

namespace qasim::dse {

namespace {

std::string npy_name(size_t index, const std::string& layer) {
  std::string safe;
  for (char c : layer)
    safe +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_';
  return fmt::format("{:03d}_{}.npy", index, safe);
}

}  // namespace

void dump_layer_outputs(const std::string& dir, const workloads::Graph& graph,
                        const std::vector<kernels::IntTensor>& outputs) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  nlohmann::json manifest = nlohmann::json::array();
  for (size_t i = 0; i < outputs.size(); ++i) {
    const workloads::Layer& l = graph.layers[i];
    const std::string file = npy_name(i, l.name);
    workloads::write_npy((fs::path(dir) / file).string(), outputs[i]);
    manifest.push_back({{"file", file},
                        {"layer", l.name},
                        {"op", workloads::to_string(l.kind)},
                        {"shape", outputs[i].dims()},
                        {"bits", l.output_q.bits},
                        {"signed", l.output_q.is_signed},
                        {"scale", l.output_q.scale[0]},
                        {"zero_point", l.output_q.zero_point[0]}});
  }
  write_file_atomically((fs::path(dir) / "manifest.json").string(), manifest.dump(2) + "\n");
  fmt::print("wrote {} layer outputs (.npy) and manifest.json to {}\n", outputs.size(), dir);
}

}  // namespace qasim::dse
