// Optimizers with PyTorch's update rules (torch.optim.SGD / Adam, weight decay as L2 added
// to the gradient) and the learning-rate schedule: linear warm-up from 0 to the base rate,
// then cosine annealing to 0 at the last step.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "workloads/train/model.h"

namespace qasim::workloads::train {

struct OptimizerConfig {
  std::string kind = "sgd";  // "sgd" or "adam"
  double lr = 0.1;
  double momentum = 0.9;                          // SGD
  bool nesterov = false;                          // SGD
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // Adam
  double weight_decay = 5e-4;  // for params whose Param::weight_decay is negative
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;

  std::string describe() const;  // canonical text for the config hash
};

// Learning rate at `step` (0-based) of the schedule.
double scheduled_lr(const OptimizerConfig& c, int64_t step);

class Optimizer {
 public:
  explicit Optimizer(OptimizerConfig config);
  // Applies one update to every param with the rate of step `step()`, then advances.
  void step(std::vector<Param>& params);
  int64_t steps_done() const { return m_step; }
  double current_lr() const { return scheduled_lr(m_config, m_step); }

  void save(std::ostream& out) const;
  void load(std::istream& in, const std::vector<Param>& params);

 private:
  OptimizerConfig m_config;
  int64_t m_step = 0;
  std::vector<std::vector<float>> m_m, m_v;  // momentum buffer / Adam moments, per param
};

}  // namespace qasim::workloads::train
