#include "workloads/train/optimizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "workloads/errors.h"
#include "workloads/train/binary_io.h"

namespace qasim::workloads::train {

std::string OptimizerConfig::describe() const {
  return kind == "adam" ? fmt::format("adam lr={} b1={} b2={} eps={} wd={} warmup={} steps={}", lr,
                                      beta1, beta2, eps, weight_decay, warmup_steps, total_steps)
                        : fmt::format("sgd lr={} m={} nesterov={} wd={} warmup={} steps={}", lr,
                                      momentum, nesterov, weight_decay, warmup_steps, total_steps);
}

double scheduled_lr(const OptimizerConfig& c, int64_t step) {
  if (step < c.warmup_steps) return c.lr * static_cast<double>(step + 1) / c.warmup_steps;
  const int64_t span = std::max<int64_t>(1, c.total_steps - c.warmup_steps);
  const double t = std::min(1.0, static_cast<double>(step - c.warmup_steps) / span);
  return 0.5 * c.lr * (1 + std::cos(std::numbers::pi * t));
}

Optimizer::Optimizer(OptimizerConfig config) : m_config(std::move(config)) {
  if (m_config.kind != "sgd" && m_config.kind != "adam")
    throw InputError("--optimizer", "unknown optimizer '" + m_config.kind + "' (sgd or adam)");
}

void Optimizer::step(std::vector<Param>& params) {
  const auto lr = static_cast<float>(current_lr());
  const bool adam = m_config.kind == "adam";
  if (m_m.size() != params.size()) {
    m_m.assign(params.size(), {});
    m_v.assign(params.size(), {});
  }
  ++m_step;
  const double bc1 = 1 - std::pow(m_config.beta1, static_cast<double>(m_step));
  const double bc2 = 1 - std::pow(m_config.beta2, static_cast<double>(m_step));
  for (size_t p = 0; p < params.size(); ++p) {
    std::vector<float>& w = *params[p].value;
    const std::vector<float>& g = *params[p].grad;
    const auto wd = static_cast<float>(params[p].weight_decay < 0 ? m_config.weight_decay
                                                                  : params[p].weight_decay);
    std::vector<float>& m = m_m[p];
    if (m.size() != w.size()) m.assign(w.size(), 0.f);
    if (adam) {
      std::vector<float>& v = m_v[p];
      if (v.size() != w.size()) v.assign(w.size(), 0.f);
      const auto b1 = static_cast<float>(m_config.beta1), b2 = static_cast<float>(m_config.beta2);
      const auto step_size = static_cast<float>(lr / bc1);
      const auto root_bc2 = static_cast<float>(std::sqrt(bc2));
      const auto eps = static_cast<float>(m_config.eps);
      for (size_t k = 0; k < w.size(); ++k) {
        const float gk = g[k] + wd * w[k];
        m[k] = b1 * m[k] + (1 - b1) * gk;
        v[k] = b2 * v[k] + (1 - b2) * gk * gk;
        w[k] -= step_size * m[k] / (std::sqrt(v[k]) / root_bc2 + eps);
      }
    } else {
      const auto mu = static_cast<float>(m_config.momentum);
      for (size_t k = 0; k < w.size(); ++k) {
        const float gk = g[k] + wd * w[k];
        m[k] = mu * m[k] + gk;  // a zero buffer makes the first step PyTorch's buf = g
        w[k] -= lr * (m_config.nesterov ? gk + mu * m[k] : m[k]);
      }
    }
    if (const float c = params[p].clip; c > 0)
      for (float& v : w) v = std::clamp(v, -c, c);
  }
}

void Optimizer::save(std::ostream& out) const {
  io::put<int64_t>(out, m_step);
  io::put<uint64_t>(out, m_m.size());
  for (size_t p = 0; p < m_m.size(); ++p) {
    io::put_vec(out, m_m[p]);
    io::put_vec(out, m_v[p]);
  }
}

void Optimizer::load(std::istream& in, const std::vector<Param>& params) {
  const std::string where = "checkpoint optimizer";
  m_step = io::get<int64_t>(in, where);
  const auto count = io::get<uint64_t>(in, where);
  if (count != 0 && count != params.size())
    throw InputError(where, "parameter count differs from the model's");
  m_m.assign(count, {});
  m_v.assign(count, {});
  for (size_t p = 0; p < count; ++p) {
    m_m[p] = io::get_vec<float>(in, where);
    m_v[p] = io::get_vec<float>(in, where);
  }
}

}  // namespace qasim::workloads::train
