// Models written by real tools (PyTorch's torch.onnx) and in the exact forms ONNX Runtime's
// quantizer, Brevitas and QONNX write (built with onnx.helper) import to the graph their
// generator describes. Models and expectations: scripts/make_onnx_test_models.py, which
// derives every expected value from its own parameters, never from qasim.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "kernels/quant.h"
#include "onnx_test_support.h"
#include "workloads/golden_engine.h"
#include "workloads/onnx/onnx_import.h"
#include "workloads/onnx/onnx_metadata.h"

namespace qasim::workloads {
namespace {

using json = nlohmann::json;

std::string data_path(const std::string& file) {
  return std::string(QASIM_SOURCE_DIR) + "/tests/data/onnx/" + file;
}

json load_expected(const std::string& name) {
  std::ifstream f(data_path(name + ".expected.json"));
  EXPECT_TRUE(f.good()) << "missing " << data_path(name + ".expected.json")
                        << " (regenerate: /usr/bin/python3 scripts/make_onnx_test_models.py)";
  return json::parse(f);
}

std::vector<float> floats(const json& j) {
  std::vector<float> v;
  for (const json& x : j) v.push_back(static_cast<float>(x.get<double>()));
  return v;
}

void expect_window(const kernels::ConvGeometry& g, const json& e) {
  if (e.contains("kernel")) {
    EXPECT_EQ((std::vector<int>{g.kernel_h, g.kernel_w}), e["kernel"].get<std::vector<int>>());
  }
  if (e.contains("stride")) {
    EXPECT_EQ((std::vector<int>{g.stride_h, g.stride_w}), e["stride"].get<std::vector<int>>());
  }
  if (e.contains("pads")) {
    EXPECT_EQ((std::vector<int>{g.pad_top, g.pad_left, g.pad_bottom, g.pad_right}),
              e["pads"].get<std::vector<int>>());
  }
  if (e.contains("groups")) {
    EXPECT_EQ(g.groups, e["groups"].get<int>());
  }
}

void expect_layer(const Layer& l, const json& e) {
  SCOPED_TRACE("layer " + l.name);
  EXPECT_EQ(to_string(l.kind), e["kind"].get<std::string>());
  EXPECT_EQ(l.inputs, e["inputs"].get<std::vector<int>>());
  if (e.contains("name")) {
    EXPECT_EQ(l.name, e["name"].get<std::string>());
  }
  EXPECT_EQ(onnx_io::activation_name(l.activation), e.value("activation", "none"));
  expect_window(l.geometry, e);
  if (e.contains("count_include_pad")) {
    EXPECT_EQ(l.count_include_pad, e["count_include_pad"].get<bool>());
  }
  if (l.has_weights()) {
    EXPECT_EQ(l.weights.dims(), e["weight_dims"].get<kernels::Dims>());
    EXPECT_EQ(l.weights.values(), e["weights"].get<std::vector<int32_t>>());
    const std::vector<float> scales = floats(e["weight_scale"]);
    if (e.contains("weight_scale_rel_tol")) {  // folded in float: equal to float precision
      ASSERT_EQ(l.weight_q.scale.size(), scales.size());
      for (size_t c = 0; c < scales.size(); ++c)
        EXPECT_NEAR(l.weight_q.scale[c], scales[c],
                    scales[c] * e["weight_scale_rel_tol"].get<double>());
    } else {
      EXPECT_EQ(l.weight_q.scale, scales);
    }
    // Equal zero points read back as one (qasim's canonical form).
    auto zps = e.value("weight_zero_point", std::vector<int32_t>{0});
    if (std::all_of(zps.begin(), zps.end(), [&](int32_t z) { return z == zps[0]; })) zps.resize(1);
    EXPECT_EQ(l.weight_q.zero_point, zps);
    EXPECT_EQ(l.weight_q.bits, e.value("weight_bits", 8));
    EXPECT_EQ(l.weight_q.is_signed, e.value("weight_signed", true));
    EXPECT_EQ(kernels::to_string(l.weight_q.scheme), e.value("weight_scheme", "uniform"));
    EXPECT_EQ(l.has_bias, e.value("has_bias", true));
    const auto bias = e.value("bias", std::vector<int32_t>{});
    if (e.contains("bias_tol")) {
      ASSERT_EQ(l.bias.size(), bias.size());
      for (size_t c = 0; c < bias.size(); ++c)
        EXPECT_NEAR(l.bias[c], bias[c], e["bias_tol"].get<int>()) << "channel " << c;
    } else {
      EXPECT_EQ(l.bias, bias);
    }
    EXPECT_EQ(l.batchnorm_folded, e.value("batchnorm_folded", false));
  }
  EXPECT_EQ(l.output_q.scale,
            std::vector<float>{static_cast<float>(e["output_scale"].get<double>())});
  EXPECT_EQ(l.output_q.zero_point, std::vector<int32_t>{e.value("output_zero_point", 0)});
  EXPECT_EQ(l.output_q.bits, e.value("output_bits", 8));
  if (e.contains("output_signed")) {
    EXPECT_EQ(l.output_q.is_signed, e["output_signed"].get<bool>());
  }
}

class ToolModel : public ::testing::TestWithParam<std::string> {};

TEST_P(ToolModel, ImportsTheGraphItsGeneratorDescribes) {
  const std::string name = GetParam();
  const json e = load_expected(name);
  const Graph g = import_onnx(data_path(name + ".onnx"));
  const Layer& in = g.input();
  const json& ei = e["input"];
  const auto shape = ei["shape"].get<std::vector<int>>();
  EXPECT_EQ(in.output_shape, (Shape3{shape[0], shape[1], shape[2]}));
  EXPECT_EQ(in.output_q.scale, std::vector<float>{static_cast<float>(ei["scale"].get<double>())});
  EXPECT_EQ(in.output_q.zero_point, std::vector<int32_t>{ei["zero_point"].get<int32_t>()});
  EXPECT_EQ(in.output_q.bits, ei["bits"].get<int>());
  EXPECT_EQ(in.output_q.is_signed, ei["signed"].get<bool>());
  EXPECT_EQ(g.numerics.requant, kernels::RequantMode::OnnxFloat);
  ASSERT_EQ(g.layers.size(), e["layers"].size() + 1);
  for (size_t i = 1; i < g.layers.size(); ++i) expect_layer(g.layers[i], e["layers"][i - 1]);

  // And the golden reference runs it.
  const Shape3 s = in.output_shape;
  const auto x =
      onnx_test::random_ints({2, s.c, s.h, s.w}, in.output_q.qmin(), in.output_q.qmax(), 5);
  EXPECT_EQ(GoldenEngine(g).run(x).dim(0), 2);
}

INSTANTIATE_TEST_SUITE_P(Onnx, ToolModel,
                         ::testing::Values("torch_qdq", "torch_qat", "ort_qdq", "ort_qoperator",
                                           "integer_ops", "qonnx_brevitas", "brevitas_qcdq"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace qasim::workloads
