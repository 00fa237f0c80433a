// ONNX's own backend node tests for the quantized operators (Debian package
// libonnx-testdata) run through qasim's golden kernels and must match bit for bit:
// QuantizeLinear / DequantizeLinear through kernels/quantizers.h, QLinearConv and
// QLinearMatMul through the accumulate kernels and the OnnxFloat Requantizer,
// ConvInteger / MatMulInteger through the accumulate kernels alone.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "kernels/ops.h"
#include "kernels/quantizers.h"
#include "workloads/onnx/onnx_attributes.h"
#include "workloads/onnx/onnx_tensor.h"

namespace qasim::workloads {
namespace {

namespace fs = std::filesystem;
using kernels::AccTensor;
using kernels::FloatTensor;
using kernels::IntTensor;
using kernels::QuantParams;
using onnx_io::ConstTensor;

const char* const kNodeDir = "/usr/share/libonnx-testdata/data/node";

// One node test: the node and its inputs / expected output by the node's input names.
struct NodeCase {
  onnx::NodeProto node;
  std::map<std::string, ConstTensor> inputs;
  ConstTensor expected;

  bool has(size_t i) const {
    return static_cast<int>(i) < node.input_size() && !node.input(static_cast<int>(i)).empty();
  }
  const ConstTensor& in(size_t i) const { return inputs.at(node.input(static_cast<int>(i))); }
};

ConstTensor read_pb(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  onnx::TensorProto t;
  EXPECT_TRUE(t.ParseFromIstream(&f)) << p;
  return onnx_io::read_tensor(t, p.string());
}

NodeCase load_case(const fs::path& dir) {
  std::ifstream f(dir / "model.onnx", std::ios::binary);
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromIstream(&f)) << dir;
  NodeCase c;
  EXPECT_EQ(m.graph().node_size(), 1);
  c.node = m.graph().node(0);
  for (int i = 0; i < m.graph().input_size(); ++i)
    c.inputs[m.graph().input(i).name()] =
        read_pb(dir / "test_data_set_0" / ("input_" + std::to_string(i) + ".pb"));
  c.expected = read_pb(dir / "test_data_set_0" / "output_0.pb");
  return c;
}

IntTensor ints(const ConstTensor& t) {
  return IntTensor(t.dims, onnx_io::to_int32(t, "test", "value"));
}
FloatTensor floats(const ConstTensor& t) {
  return FloatTensor(t.dims, onnx_io::to_float(t));
}

// Scale / zero point inputs as QuantParams for a tensor of integer `type`.
QuantParams params(const NodeCase& c, size_t scale_i, size_t zp_i, int32_t type, int axis) {
  QuantParams q;
  q.bits = 8;
  q.is_signed = type == onnx::TensorProto::INT8;
  q.scale = onnx_io::to_float(c.in(scale_i));
  q.zero_point =
      c.has(zp_i) ? onnx_io::to_int32(c.in(zp_i), "test", "zero point") : std::vector<int32_t>{0};
  q.axis = q.scale.size() > 1 ? axis : 0;
  return q;
}

// ConvInteger / MatMulInteger operands: a zero point (scalar, or absent = 0) and no scale.
QuantParams params_with_default(const NodeCase& c, size_t zp_i, int32_t type) {
  QuantParams q = QuantParams::uniform(8, type == onnx::TensorProto::INT8, 1.0f, 0);
  if (c.has(zp_i)) {
    q.zero_point = onnx_io::to_int32(c.in(zp_i), "test", "zero point");
    EXPECT_EQ(q.zero_point.size(), 1u)
        << "per-row / per-column zero points are not in these vectors";
  }
  return q;
}

int32_t type_of(const NodeCase& c, size_t i) {
  return c.has(i) ? c.in(i).type : onnx::TensorProto::UINT8;
}

kernels::ConvGeometry conv_geometry(const NodeCase& c, const kernels::Dims& w) {
  const onnx_io::Attributes a(c.node, "test");
  kernels::ConvGeometry g;
  g.kernel_h = static_cast<int>(w[2]);
  g.kernel_w = static_cast<int>(w[3]);
  const auto pads = a.get_ints("pads", {0, 0, 0, 0}, 0, 64, 4);
  const auto strides = a.get_ints("strides", {1, 1}, 1, 64, 2);
  const auto dil = a.get_ints("dilations", {1, 1}, 1, 64, 2);
  g.pad_top = static_cast<int>(pads[0]), g.pad_left = static_cast<int>(pads[1]);
  g.pad_bottom = static_cast<int>(pads[2]), g.pad_right = static_cast<int>(pads[3]);
  g.stride_h = static_cast<int>(strides[0]), g.stride_w = static_cast<int>(strides[1]);
  g.dilation_h = static_cast<int>(dil[0]), g.dilation_w = static_cast<int>(dil[1]);
  g.groups = static_cast<int>(a.get_int("group", 1, 1, 64));
  return g;
}

// Both accumulate paths (the reference loops and the dispatched fast path) must agree.
AccTensor conv_acc(const IntTensor& x, const QuantParams& xq, const IntTensor& w,
                   const QuantParams& wq, const kernels::ConvGeometry& g) {
  const AccTensor ref = kernels::reference::conv2d_accumulate(x, xq, w, wq, {}, g);
  EXPECT_EQ(ref, kernels::conv2d_accumulate(x, xq, w, wq, {}, g)) << "dispatch != reference";
  return ref;
}

// [M, K] x [K, N] as qasim's fc: w is [N, K].
AccTensor matmul_acc(const IntTensor& a, const QuantParams& aq, const IntTensor& b,
                     const QuantParams& bq) {
  const int64_t k = b.dim(0), n = b.dim(1);
  IntTensor w({n, k});
  for (int64_t r = 0; r < k; ++r)
    for (int64_t col = 0; col < n; ++col) w[col * k + r] = b[r * n + col];
  QuantParams wq = bq;
  wq.axis = 0;
  const AccTensor ref = kernels::reference::fc_accumulate(a, aq, w, wq, {});
  EXPECT_EQ(ref, kernels::fc_accumulate(a, aq, w, wq, {})) << "dispatch != reference";
  return ref;
}

std::vector<int64_t> as_int64(const IntTensor& t) {
  return {t.values().begin(), t.values().end()};
}

void run_case(const std::string& op, const NodeCase& c) {
  const onnx_io::Attributes a(c.node, "test");
  const int axis = static_cast<int>(a.get_int("axis", 1, -8, 8));
  if (op == "QuantizeLinear") {
    const QuantParams q = params(c, 1, 2, type_of(c, 2), axis);
    EXPECT_EQ(kernels::quantize_uniform(floats(c.in(0)), q).values, ints(c.expected));
  } else if (op == "DequantizeLinear") {
    const QuantParams q = params(c, 1, 2, c.in(0).type, axis);
    EXPECT_EQ(kernels::dequantize(ints(c.in(0)), q), floats(c.expected));
  } else if (op == "QLinearConv") {
    const QuantParams xq = params(c, 1, 2, c.in(0).type, 1);
    const QuantParams wq = params(c, 4, 5, c.in(3).type, 0);
    const QuantParams yq = params(c, 6, 7, c.expected.type, 1);
    AccTensor acc = conv_acc(ints(c.in(0)), xq, ints(c.in(3)), wq, conv_geometry(c, c.in(3).dims));
    kernels::apply_overflow(acc, kernels::AccumulatorSpec{});
    const kernels::Requantizer r(kernels::Numerics{}, xq.scale[0], wq.scale, yq, yq.qmin(),
                                 yq.qmax());
    EXPECT_EQ(r.apply(acc), ints(c.expected));
  } else if (op == "QLinearMatMul") {
    const QuantParams aq = params(c, 1, 2, c.in(0).type, 1);
    const QuantParams bq = params(c, 4, 5, c.in(3).type, 1);
    const QuantParams yq = params(c, 6, 7, c.expected.type, 1);
    const IntTensor a_all = ints(c.in(0)), b_all = ints(c.in(3));
    // 2-D, or a stack of 2-D matrices (3-D): one fc per matrix.
    const size_t r = a_all.rank();
    const int64_t m = a_all.dim(r - 2), k = a_all.dim(r - 1), n = b_all.dim(r - 1);
    const int64_t batches = a_all.size() / (m * k);
    std::vector<int32_t> got;
    for (int64_t bi = 0; bi < batches; ++bi) {
      const IntTensor ai(
          {m, k}, {a_all.values().begin() + bi * m * k, a_all.values().begin() + (bi + 1) * m * k});
      const IntTensor bb(
          {k, n}, {b_all.values().begin() + bi * k * n, b_all.values().begin() + (bi + 1) * k * n});
      AccTensor acc = matmul_acc(ai, aq, bb, bq);
      kernels::apply_overflow(acc, kernels::AccumulatorSpec{});
      const kernels::Requantizer req(kernels::Numerics{}, aq.scale[0], bq.scale, yq, yq.qmin(),
                                     yq.qmax());
      const IntTensor y = req.apply(acc);
      got.insert(got.end(), y.values().begin(), y.values().end());
    }
    EXPECT_EQ(got, ints(c.expected).values());
  } else if (op == "ConvInteger") {
    const QuantParams xq = params_with_default(c, 2, c.in(0).type);
    const QuantParams wq = params_with_default(c, 3, c.in(1).type);
    const AccTensor acc =
        conv_acc(ints(c.in(0)), xq, ints(c.in(1)), wq, conv_geometry(c, c.in(1).dims));
    EXPECT_EQ(acc.values(), as_int64(ints(c.expected)));
  } else if (op == "MatMulInteger") {
    const QuantParams aq = params_with_default(c, 2, c.in(0).type);
    const QuantParams bq = params_with_default(c, 3, c.in(1).type);
    const AccTensor acc = matmul_acc(ints(c.in(0)), aq, ints(c.in(1)), bq);
    EXPECT_EQ(acc.values(), as_int64(ints(c.expected)));
  } else {
    FAIL() << "no runner for " << op;
  }
}

class OnnxNode : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxNode, MatchesBitExactly) {
  if (!fs::exists(kNodeDir))
    GTEST_SKIP() << kNodeDir << " not found: install the Debian package libonnx-testdata";
  const fs::path dir = fs::path(kNodeDir) / GetParam();
  if (!fs::exists(dir)) GTEST_SKIP() << dir << " is not in this version of libonnx-testdata";
  const NodeCase c = load_case(dir);
  SCOPED_TRACE(GetParam());
  run_case(c.node.op_type(), c);
}

INSTANTIATE_TEST_SUITE_P(
    Onnx, OnnxNode,
    ::testing::Values("test_quantizelinear", "test_quantizelinear_axis", "test_dequantizelinear",
                      "test_dequantizelinear_axis", "test_qlinearconv", "test_qlinearmatmul_2D",
                      "test_qlinearmatmul_3D", "test_convinteger", "test_convinteger_with_padding",
                      "test_convinteger_without_padding", "test_basic_convinteger",
                      "test_matmulinteger"),
    [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace qasim::workloads
