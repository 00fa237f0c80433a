// Export -> import gives back the same graph, field by field, in both formats; the
// standard operators alone (metadata removed) carry 8-bit and QCDQ 4-bit graphs; the
// files are written atomically and pass onnx.checker.
#include <onnx/onnx_pb.h>

#include <fstream>

#include "kernels/quant.h"
#include "onnx_test_support.h"
#include "workloads/errors.h"
#include "workloads/golden_engine.h"
#include "workloads/onnx/onnx_export.h"
#include "workloads/onnx/onnx_import.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads {
namespace {

using kernels::Activation;
using kernels::QuantParams;
using onnx_test::expect_same_graph;
using onnx_test::random_ints;

// Builds graphs layer by layer with deterministic random weights.
class Builder {
 public:
  explicit Builder(std::string name, Shape3 in, QuantParams q) {
    g.name = std::move(name);
    Layer l;
    l.name = "input";
    l.output_shape = in;
    l.output_q = q;
    g.layers.push_back(l);
    g.infer_shapes();
  }

  int conv(const std::string& name, int in, int oc, int k, int stride, int pad, int groups,
           QuantParams wq, QuantParams out, Activation act = Activation::None) {
    Layer l;
    l.name = name;
    l.kind = OpKind::Conv;
    l.inputs = {in};
    l.out_channels = oc;
    l.geometry.kernel_h = l.geometry.kernel_w = k;
    l.geometry.stride_h = l.geometry.stride_w = stride;
    l.geometry.pad_top = l.geometry.pad_left = l.geometry.pad_bottom = l.geometry.pad_right = pad;
    l.geometry.groups = groups;
    const int ic = g.layers[static_cast<size_t>(in)].output_shape.c / groups;
    l.weights = weights_for(wq, {oc, ic, k, k});
    l.weight_q = wq;
    l.bias = random_ints({oc}, -2000, 2000, m_seed++).values();
    l.activation = act;
    l.output_q = out;
    return push(l);
  }

  int fc(const std::string& name, int in, int oc, QuantParams wq, QuantParams out,
         bool bias = true) {
    Layer l;
    l.name = name;
    l.kind = OpKind::FullyConnected;
    l.inputs = {in};
    l.out_channels = oc;
    l.weights = weights_for(wq, {oc, g.layers[static_cast<size_t>(in)].output_shape.elements()});
    l.weight_q = wq;
    l.has_bias = bias;
    if (bias) l.bias = random_ints({oc}, -2000, 2000, m_seed++).values();
    l.output_q = out;
    return push(l);
  }

  int simple(const std::string& name, OpKind kind, std::vector<int> inputs, QuantParams out,
             int k = 1, int stride = 1, int pad = 0) {
    Layer l;
    l.name = name;
    l.kind = kind;
    l.inputs = std::move(inputs);
    l.geometry.kernel_h = l.geometry.kernel_w = k;
    l.geometry.stride_h = l.geometry.stride_w = stride;
    l.geometry.pad_top = l.geometry.pad_left = l.geometry.pad_bottom = l.geometry.pad_right = pad;
    l.output_q = out;
    return push(l);
  }

  Graph g;

 private:
  kernels::IntTensor weights_for(const QuantParams& q, kernels::Dims dims) {
    if (q.scheme == kernels::Scheme::Binary) {
      kernels::IntTensor t = random_ints(std::move(dims), 0, 1, m_seed++);
      for (int32_t& v : t.values()) v = v ? 1 : -1;
      return t;
    }
    if (q.scheme == kernels::Scheme::Codebook) {
      kernels::IntTensor t =
          random_ints(std::move(dims), 0, static_cast<int32_t>(q.codebook.size()) - 1, m_seed++);
      for (int32_t& v : t.values()) v = q.codebook[static_cast<size_t>(v)];
      return t;
    }
    if (q.scheme == kernels::Scheme::PowerOfTwo) {
      kernels::IntTensor t =
          random_ints(std::move(dims), -q.max_exponent() - 1, q.max_exponent() + 1, m_seed++);
      for (int32_t& v : t.values()) v = v == 0 ? 0 : (v > 0 ? 1 : -1) * (1 << (std::abs(v) - 1));
      return t;
    }
    return random_ints(std::move(dims), q.qmin(), q.qmax(), m_seed++);
  }
  int push(Layer l) {
    g.layers.push_back(std::move(l));
    g.infer_shapes();
    return static_cast<int>(g.layers.size()) - 1;
  }
  uint32_t m_seed = 7;
};

QuantParams u8(float scale, int32_t zp) {
  return QuantParams::uniform(8, false, scale, zp);
}
QuantParams s8(float scale, int32_t zp = 0) {
  return QuantParams::uniform(8, true, scale, zp);
}

// conv (per-channel, relu) -> depthwise (stride 2, relu6) -> 1x1 conv + residual add ->
// max pool -> avg pool -> global avg pool -> fc; plus a concat branch and a flatten.
Graph eight_bit_graph() {
  Builder b("eight_bit", {3, 12, 12}, u8(1.f / 255, 0));
  const auto pc = [](int n, float base) {
    std::vector<float> s;
    for (int i = 0; i < n; ++i) s.push_back(base * (1.f + 0.125f * static_cast<float>(i)));
    return QuantParams::uniform_per_channel(8, s);
  };
  const int c1 = b.conv("conv1", 0, 8, 3, 1, 1, 1, pc(8, 0.01f), u8(0.05f, 0), Activation::Relu);
  const int dw = b.conv("dw", c1, 8, 3, 2, 1, 8, pc(8, 0.02f), u8(0.04f, 0), Activation::Relu6);
  const int pw = b.conv("pw", dw, 8, 1, 1, 0, 1, s8(0.015f), s8(0.03f, -5));
  const int add = b.simple("add", OpKind::Add, {dw, pw}, u8(0.06f, 3));
  b.g.layers.back().activation = Activation::Clip;
  b.g.layers.back().clip_lo = -0.5f;
  b.g.layers.back().clip_hi = 4.f;
  const int cat = b.simple("cat", OpKind::Concat, {add, dw}, u8(0.06f, 3));
  const int mp = b.simple("maxpool", OpKind::MaxPool, {cat}, u8(0.06f, 3), 2, 1, 0);
  const int ap = b.simple("avgpool", OpKind::AvgPool, {mp}, u8(0.05f, 2), 3, 1, 1);
  b.g.layers.back().count_include_pad = true;
  const int gap = b.simple("gap", OpKind::GlobalAvgPool, {ap}, u8(0.05f, 0));
  const int fl = b.simple("flatten", OpKind::Flatten, {gap}, u8(0.05f, 0));
  const int f1 = b.fc("fc1", fl, 12, pc(12, 0.003f), s8(0.1f, 1));
  b.fc("fc2", f1, 10, s8(0.004f), s8(0.2f), false);
  b.g.num_classes = 10;
  return b.g;
}

// Every scheme and odd widths: 4-bit (QCDQ), 2-bit, 16-bit, binary, ternary, pow2,
// codebook, fixed point.
Graph mixed_precision_graph() {
  Builder b("mixed", {2, 8, 8}, QuantParams::uniform(4, false, 0.1f, 0));
  QuantParams w4 = QuantParams::uniform_per_channel(4, {0.1f, 0.2f, 0.3f, 0.4f});
  const int c1 = b.conv("conv4", 0, 4, 3, 1, 1, 1, w4, QuantParams::uniform(4, false, 0.25f, 0),
                        Activation::Relu);
  const int c2 = b.conv("conv2b", c1, 4, 3, 1, 1, 1, QuantParams::uniform(2, true, 0.5f, 0),
                        QuantParams::uniform(2, true, 0.3f, 0));
  const int bin =
      b.conv("binary", c2, 6, 3, 1, 1, 1, QuantParams::binary({0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}),
             QuantParams::binary({1.5f}));
  QuantParams tern = QuantParams::ternary({0.05f});
  const int t =
      b.conv("ternary", bin, 4, 1, 1, 0, 1, tern, QuantParams::uniform(16, true, 0.001f, 12));
  QuantParams p2;
  p2.scheme = kernels::Scheme::PowerOfTwo;
  p2.bits = 4;
  p2.scale = {0.01f};
  const int p = b.conv("pow2", t, 4, 3, 1, 1, 1, p2, QuantParams::uniform(12, false, 0.02f, 2048));
  QuantParams cb;
  cb.scheme = kernels::Scheme::Codebook;
  cb.bits = 2;
  cb.codebook = {-90, -3, 7, 120};
  cb.scale = {0.004f};
  QuantParams fx;
  fx.scheme = kernels::Scheme::FixedPoint;
  fx.bits = 10;
  fx.frac_bits = 6;
  fx.scale = {1.f / 64};
  const int c = b.conv("codebook", p, 4, 1, 1, 0, 1, cb, fx);
  QuantParams wide = QuantParams::uniform(12, false, 0.0001f, 1000);  // int32 container
  b.fc("fc", c, 5, wide, QuantParams::uniform(8, true, 0.5f, 0));
  b.g.layers.back().fixed_weights = true;
  b.g.layers[1].batchnorm_folded = true;
  b.g.numerics.requant = kernels::RequantMode::Gemmlowp;
  b.g.numerics.accumulator = {24, kernels::Overflow::Wrap};
  b.g.num_classes = 5;
  return b.g;
}

// 4-, 3- and 5-bit uniform layers: QCDQ in QDQ export.
Graph qcdq_graph() {
  Builder b("qcdq", {2, 6, 6}, QuantParams::uniform(4, false, 0.1f, 0));
  const int c =
      b.conv("conv", 0, 3, 3, 1, 1, 1, QuantParams::uniform_per_channel(4, {0.1f, 0.2f, 0.3f}),
             QuantParams::uniform(4, true, 0.2f, 0), Activation::Relu);
  // An explicit flatten: the exporter's implicit one would be a layer to a reader
  // without qasim's metadata.
  const int f = b.simple("flatten", OpKind::Flatten, {c}, QuantParams::uniform(4, true, 0.2f, 0));
  b.fc("fc", f, 4, QuantParams::uniform(3, true, 0.1f, 0), QuantParams::uniform(5, true, 0.3f, 0));
  return b.g;
}

Graph reimport(const std::string& bytes, const std::string& name) {
  return import_onnx_bytes(bytes.data(), bytes.size(), name);
}

// The same bytes without qasim's metadata: what another tool's reader would see.
std::string strip_metadata(const std::string& bytes) {
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromString(bytes));
  m.clear_metadata_props();
  std::string out;
  m.SerializeToString(&out);
  return out;
}

TEST(OnnxRoundTrip, EightBitQdq) {
  const Graph g = eight_bit_graph();
  g.validate();
  expect_same_graph(g, reimport(export_onnx_bytes(g), "eight_bit.onnx"));
}

TEST(OnnxRoundTrip, EightBitQOperator) {
  const Graph g = eight_bit_graph();
  expect_same_graph(g, reimport(export_onnx_bytes(g, ExportFormat::QOperator), "eight_bit.onnx"));
}

TEST(OnnxRoundTrip, MixedPrecisionQdq) {
  const Graph g = mixed_precision_graph();
  g.validate();
  expect_same_graph(g, reimport(export_onnx_bytes(g), "mixed.onnx"));
}

TEST(OnnxRoundTrip, StandardOperatorsAloneCarryEightBitQdq) {
  const Graph g = eight_bit_graph();
  expect_same_graph(g, reimport(strip_metadata(export_onnx_bytes(g)), "plain.onnx"), false);
}

TEST(OnnxRoundTrip, QcdqClipCarriesFourBitsWithoutMetadata) {
  const Graph g = qcdq_graph();
  expect_same_graph(g, reimport(strip_metadata(export_onnx_bytes(g)), "qcdq.onnx"), false);
}

TEST(OnnxRoundTrip, ZooModelsQdq) {
  for (const ZooEntry& e : zoo_list()) {
    SCOPED_TRACE(e.name);
    ZooOptions o;
    o.input_height = o.input_width = std::max(e.min_input_size, 32);
    o.width_multiplier = 0.25;
    o.weight_bits = 4;
    const Graph g = make_zoo_model(e.name, o, true);
    expect_same_graph(g, reimport(export_onnx_bytes(g), e.name + ".onnx"));
  }
}

TEST(OnnxRoundTrip, ImportedGraphComputesTheSameIntegers) {
  for (const Graph& g : {eight_bit_graph(), qcdq_graph()}) {
    SCOPED_TRACE(g.name);
    const Graph back = reimport(export_onnx_bytes(g), g.name);
    const Shape3 s = g.input().output_shape;
    const kernels::IntTensor x =
        random_ints({2, s.c, s.h, s.w}, g.input().output_q.qmin(), g.input().output_q.qmax(), 3);
    EXPECT_EQ(GoldenEngine(g).run(x), GoldenEngine(back).run(x));
  }
}

TEST(OnnxRoundTrip, QOperatorRefusesOtherThanEightBits) {
  try {
    export_onnx_bytes(mixed_precision_graph(), ExportFormat::QOperator);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'input'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("8-bit"), std::string::npos) << e.what();
  }
}

TEST(OnnxRoundTrip, RefusesDuplicateLayerNames) {
  Graph g = eight_bit_graph();
  g.layers[2].name = g.layers[1].name;
  EXPECT_THROW(export_onnx_bytes(g), InputError);
}

TEST(OnnxRoundTrip, WritesAtomicallyAndReadsBackFromFile) {
  const auto dir = onnx_test::scratch_dir("atomic");
  const std::string path = (dir / "m.onnx").string();
  const Graph g = eight_bit_graph();
  export_onnx(g, path);
  export_onnx(g, path, ExportFormat::QOperator);  // replaces the file
  expect_same_graph(g, import_onnx(path));
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename(), "m.onnx");
    ++files;
  }
  EXPECT_EQ(files, 1u);
  EXPECT_THROW(export_onnx(g, (dir / "missing" / "m.onnx").string()), InputError);
}

TEST(OnnxRoundTrip, PassesOnnxChecker) {
  if (!onnx_test::have_python_onnx())
    GTEST_SKIP() << "Debian's python3-onnx is not installed (/usr/bin/python3 -c 'import onnx')";
  const auto dir = onnx_test::scratch_dir("checker");
  const std::string script = std::string(QASIM_SOURCE_DIR) + "/scripts/make_onnx_test_models.py";
  export_onnx(eight_bit_graph(), (dir / "qdq.onnx").string());
  export_onnx(eight_bit_graph(), (dir / "qop.onnx").string(), ExportFormat::QOperator);
  export_onnx(mixed_precision_graph(), (dir / "mixed.onnx").string());
  const std::string cmd = "/usr/bin/python3 " + script + " check " + (dir / "qdq.onnx").string() +
                          " " + (dir / "qop.onnx").string() + " " + (dir / "mixed.onnx").string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

}  // namespace
}  // namespace qasim::workloads
