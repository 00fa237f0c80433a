#include "dse/sweep/metrics.h"

namespace qasim::dse {

const std::vector<MetricInfo>& all_metrics() {
  static const std::vector<MetricInfo> metrics = {
      {"accuracy", "%", "top-1 accuracy on the test images (golden integer reference)", false},
      {"latency", "s", "latency of one frame at the accelerator's clock", false},
      {"cycles", "cycles", "cycles of one frame", false},
      {"throughput", "frames/s", "frames per second, one frame at a time", false},
      {"utilization", "", "MAC utilization over the run", false},
      {"energy", "J", "energy of one frame (cost model)", true},
      {"area", "mm2", "accelerator area (cost model)", true},
  };
  return metrics;
}

const MetricInfo* find_metric(const std::string& name) {
  for (const MetricInfo& m : all_metrics())
    if (m.name == name) return &m;
  return nullptr;
}

std::string metric_names() {
  std::string out;
  for (const MetricInfo& m : all_metrics()) out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

}  // namespace qasim::dse
