#include "dse/sweep/evaluate.h"

#include "dse/cost_report.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "dse/model_loader.h"
#include "dse/sweep/sweep_training.h"
#include "workloads/errors.h"
#include "workloads/golden_engine.h"
#include "workloads/onnx/onnx_import.h"
#include "workloads/post_training_compression.h"

namespace qasim::dse {

ProvidedModel WorkloadModels::model(const Workload& workload, const PrecisionAssignment& precision,
                                    const workloads::Dataset& test, bool with_weights) const {
  ModelOptions o;
  o.spec = workload.model;
  o.width = workload.width;
  o.seed = workload.seed;
  ProvidedModel out;
  const std::filesystem::path trained_file = trained_folder_file(workload, precision);
  if (!trained_file.empty() && std::filesystem::exists(trained_file)) {
    out.graph = workloads::import_onnx(trained_file.string());
    out.graph.infer_shapes();
    out.trained = true;
    out.source = "trained by qasim train: " + trained_file.string();
  } else if (const std::optional<TrainRequest> request =
                 sweep_training_request(workload, precision)) {
    // The sweep's parent trained it (or found it in the cache) before this point started.
    const std::string file = sweep_trained_model(workload, *request);
    if (!std::filesystem::exists(file))
      throw workloads::InputError(file, "the sweep's trainer has not made this model");
    out.graph = workloads::import_onnx(file);
    out.trained = true;
    out.source = fmt::format("trained by the sweep (training:, {}, config hash {}): {}",
                             request->quant_spec, request->config_hash(), file);
  } else if (precision.as_model || !workload.is_zoo()) {
    out.graph = load_model(o, true, &test);
    out.trained = true;
    out.source = "imported model " + workload.model + " (as trained by its exporter)";
  } else if (precision.compressed) {
    // Untrained Deep Compression point: the seeded 8-bit zoo model, pruned and shared.
    o.wbits = 8;
    o.abits = precision.abits;
    out.graph = load_model(o, with_weights, &test);
    if (with_weights)
      workloads::compress_weights(out.graph,
                                  {.density = precision.density, .codebook_bits = precision.wbits});
    out.trained = false;
    out.source = fmt::format(
        "untrained: zoo weights seeded at random (seed {}), pruned to {:g} % and shared into {} "
        "values + 0 without fine-tuning, chance-level accuracy{}",
        workload.seed, precision.density * 100, (1 << precision.wbits) - 1,
        trained_file.empty() ? "" : " (no " + trained_file.string() + ")");
  } else {
    o.wbits = precision.wbits;
    o.abits = precision.abits;
    // 1-bit weights are binary (sign, per-channel alpha); the zoo takes bits 2..16 otherwise.
    o.scheme = precision.wbits == 1 ? "binary" : precision.scheme;
    o.first_bits = o.last_bits = precision.first_last_bits;
    for (const auto& [name, bits] : precision.layers) {
      workloads::LayerPrecision& p = o.layer_precision[name];
      if (bits.wbits) p.weight_bits = bits.wbits;
      if (bits.wbits)
        p.scheme = bits.wbits == 1 ? kernels::Scheme::Binary
                                   : kernels::scheme_from_string(precision.scheme);
      if (bits.abits) p.activation_bits = bits.abits;
    }
    out.graph = load_model(o, with_weights, &test);
    out.trained = false;
    out.source = fmt::format(
        "untrained: zoo weights seeded at random (seed {}), chance-level accuracy{}", workload.seed,
        trained_file.empty() ? "" : " (no " + trained_file.string() + ")");
  }
  out.graph.infer_shapes();
  return out;
}

namespace {

// The cost model at its built-in table's node and supply (sim/cost, configs/tech).
class TableCost : public CostEvaluator {
 public:
  TableCost() : m_tech(sim::cost::at_table_node(sim::cost::default_technology_table())) {}
  CostResult evaluate(const arch::Accelerator& accelerator,
                      const arch::RunResult& run) const override {
    const sim::cost::CostReport report = cost_of_run(run, accelerator, m_tech);
    CostResult r;
    r.energy = report.energy_per_inference_j;
    r.area = report.area_um2 * 1e-6;
    r.breakdown = cost_json(report);
    return r;
  }

 private:
  sim::cost::Technology m_tech;
};

}  // namespace

std::unique_ptr<CostEvaluator> make_cost_evaluator() {
  return std::make_unique<TableCost>();
}

AccuracyResult measure_accuracy(const workloads::Graph& graph, const kernels::Numerics& numerics,
                                const workloads::Dataset& test, int64_t images) {
  const int64_t total = images > 0 ? std::min(images, test.size()) : test.size();
  if (total <= 0) throw workloads::InputError(test.name, "no test images");
  workloads::GoldenEngine engine(graph, numerics);
  constexpr int64_t kBatch = 64;
  int64_t correct = 0;
  for (int64_t first = 0; first < total; first += kBatch) {
    const int64_t count = std::min(kBatch, total - first);
    const std::vector<int32_t> pred =
        workloads::argmax_classes(engine.run(workloads::to_model_input(test, first, count, graph)));
    for (int64_t k = 0; k < count; ++k) correct += pred[k] == test.labels[first + k];
  }
  AccuracyResult r;
  r.top1 = 100.0 * static_cast<double>(correct) / static_cast<double>(total);
  r.images = total;
  return r;
}

namespace {

PointResult evaluate_or_throw(const DesignPoint& point, const EvalContext& context,
                              const std::optional<AccuracyResult>& known_accuracy) {
  PointResult r = failed_result(point, "");
  const std::unique_ptr<arch::Accelerator> accel = make_arch(point.arch);
  // With the accuracy known (another point of the same precision measured it), timing
  // needs only the shape-and-bits graph, unless the accelerator's timing follows the values
  // (zero skipping): then it runs on the weights and the first test image.
  const bool values = accel->timing_needs_values();
  const ProvidedModel model = context.models->model(
      context.workload, point.precision, *context.test, !known_accuracy.has_value() || values);
  const arch::Mode mode = arch::mode_from_string(point.mode);
  const arch::RunResult run =
      values ? accel->run_with_input(
                   model.graph, workloads::to_model_input(*context.test, 0, 1, model.graph), mode)
             : accel->run(model.graph, mode);

  if (known_accuracy) {
    r.accuracy = known_accuracy;
  } else {
    r.accuracy =
        measure_accuracy(model.graph, accel->numerics(), *context.test, context.workload.images);
    r.accuracy->trained = model.trained;
    r.accuracy->source = model.source;
  }
  if (context.cost) {
    const CostResult cost = context.cost->evaluate(*accel, run);
    r.energy = cost.energy;
    r.area = cost.area;
    r.cost_breakdown = cost.breakdown;
  }
  r.cycles = run.cycles;
  r.latency = run.seconds;
  r.throughput = run.frames_per_second;
  r.utilization = run.utilization;
  for (size_t i = 0; i < run.layers.size(); ++i) {
    const arch::LayerResult& l = run.layers[i];
    LayerMetrics m{l.name, l.unit, l.cycles, l.macs, l.utilization, 0, 0};
    if (i < model.graph.layers.size()) {
      const workloads::Layer& layer = model.graph.layers[i];
      if (layer.has_weights()) m.wbits = layer.weight_q.bits;
      m.abits = layer.output_q.bits;
    }
    r.layers.push_back(m);
  }
  r.ok = true;
  return r;
}

}  // namespace

PointResult evaluate_point(const DesignPoint& point, const EvalContext& context,
                           const std::optional<AccuracyResult>& known_accuracy) {
  const auto start = std::chrono::steady_clock::now();
  PointResult r;
  try {
    r = evaluate_or_throw(point, context, known_accuracy);
  } catch (const workloads::InputError& e) {
    r = failed_result(point, e.what());
  } catch (const std::exception& e) {
    r = failed_result(point, std::string("runtime failure: ") + e.what());
  }
  r.eval_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace qasim::dse
