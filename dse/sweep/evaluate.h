// Evaluation of one design point: the model at the point's precision (from the
// AccuracyProvider), the accelerator's timing and counts (arch::Accelerator::run), the
// hardware's accuracy (the golden integer reference with the accelerator's numerics, on
// the test images), and energy/area (a CostEvaluator, when this build has one).
// Evaluation returns a status; it does not throw (a failed point is a result).
//
// Seams the integrator wires:
//  - AccuracyProvider: WorkloadModels takes the trained model of a precision from the
//    workload's `trained` folder (made by `qasim train`), else the one the sweep trained
//    (`training:`, sweep_training.h), else the zoo's seeded random weights (chance-level
//    accuracy, labelled "untrained").
//  - CostEvaluator: make_cost_evaluator() prices the run with the cost model (sim/cost)
//    at its built-in technology table's node.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "arch/accelerator.h"
#include "dse/sweep/design_point.h"
#include "dse/sweep/point_result.h"
#include "workloads/datasets/dataset.h"
#include "workloads/graph.h"

namespace qasim::dse {

struct ProvidedModel {
  workloads::Graph graph;  // with weights, shapes inferred
  bool trained = false;
  std::string source;  // in words, for the store and reports
};

class AccuracyProvider {
 public:
  virtual ~AccuracyProvider() = default;
  // The model of `workload` at `precision`. With weights: ready for the golden reference
  // (trained, when the provider trains). Without: the same layers, shapes and bits, for
  // timing only (accelerator timing and counts depend on shapes and bits, not on weight
  // values), which skips weight generation, calibration or training when the accuracy of
  // the precision is already known. Throws workloads::InputError when the precision
  // cannot be built.
  virtual ProvidedModel model(const Workload& workload, const PrecisionAssignment& precision,
                              const workloads::Dataset& test, bool with_weights) const = 0;
};

// A zoo workload's trained model for the precision (`trained`/LABEL.onnx, from `qasim
// train`; or the sweep trainer's, when the spec has `training:`), or the zoo model with seeded
// random weights and calibrated activation scales; ONNX workloads as they are (trained by whoever
// exported them).
class WorkloadModels : public AccuracyProvider {
 public:
  ProvidedModel model(const Workload& workload, const PrecisionAssignment& precision,
                      const workloads::Dataset& test, bool with_weights) const override;
};

struct CostResult {
  double energy = 0;  // J per frame
  double area = 0;    // mm2
  nlohmann::json breakdown;
};

class CostEvaluator {
 public:
  virtual ~CostEvaluator() = default;
  virtual CostResult evaluate(const arch::Accelerator& accelerator,
                              const arch::RunResult& run) const = 0;
};

// The cost model of this build (never null since sim/cost landed; callers still accept null).
std::unique_ptr<CostEvaluator> make_cost_evaluator();

struct EvalContext {
  Workload workload;
  const workloads::Dataset* test = nullptr;
  const AccuracyProvider* models = nullptr;
  const CostEvaluator* cost = nullptr;  // null: energy and area stay empty
};

// Top-1 accuracy of `graph` run by the golden reference with `numerics` on the first
// `images` test images (0: all).
AccuracyResult measure_accuracy(const workloads::Graph& graph, const kernels::Numerics& numerics,
                                const workloads::Dataset& test, int64_t images);

// Never throws: problems come back as a failed result with the reason. `known_accuracy`
// (from an earlier point with the same accuracy_key) skips the accuracy run.
PointResult evaluate_point(const DesignPoint& point, const EvalContext& context,
                           const std::optional<AccuracyResult>& known_accuracy);

}  // namespace qasim::dse
