// The part of an arch::Accelerator adapter that only depends on its params type: the name,
// the params (validated against their schema on construction), their YAML, the clock and
// the numerics. Each model adds its timing, datapath and inventory.
#pragma once

#include <string>
#include <utility>

#include "arch/accelerator.h"

namespace qasim::arch {

template <typename Params>
class ParamsAccelerator : public Accelerator {
 public:
  ParamsAccelerator(std::string name, const Params& params)
      : m_name(std::move(name)), m_params(params) {
    Params::schema().validate(m_params);
  }

  const std::string& name() const override { return m_name; }
  double clock_mhz() const override { return m_params.clock_mhz; }
  kernels::Numerics numerics() const override { return m_params.numerics(); }
  std::string params_yaml() const override { return Params::schema().to_yaml(m_params); }

  const Params& params() const { return m_params; }

 protected:
  std::string m_name;
  Params m_params;
};

}  // namespace qasim::arch
