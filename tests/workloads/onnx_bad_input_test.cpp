// Broken and unsupported models are refused with an InputError that names the file and,
// where one is to blame, the node (index, name, op type); nothing crashes.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>
#include <random>
#include <string>

#include "onnx_test_support.h"
#include "workloads/errors.h"
#include "workloads/onnx/onnx_import.h"

namespace qasim::workloads {
namespace {

const std::string kBase = std::string(QASIM_SOURCE_DIR) + "/tests/data/onnx/ort_qdq.onnx";

onnx::ModelProto base_model() {
  std::ifstream f(kBase, std::ios::binary);
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromIstream(&f)) << kBase;
  return m;
}

std::string bytes_of(const onnx::ModelProto& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

onnx::NodeProto* node_named(onnx::ModelProto& m, const std::string& name) {
  for (auto& n : *m.mutable_graph()->mutable_node())
    if (n.name() == name) return &n;
  ADD_FAILURE() << "no node " << name;
  return nullptr;
}

// Imports `bytes` as file "bad.onnx"; expects an InputError whose message holds `parts`.
void expect_refused(const std::string& bytes, const std::vector<std::string>& parts) {
  try {
    import_onnx_bytes(bytes.data(), bytes.size(), "bad.onnx");
    ADD_FAILURE() << "imported without error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where().rfind("bad.onnx", 0), 0u) << what;
    for (const std::string& p : parts) EXPECT_NE(what.find(p), std::string::npos) << what;
  }
}

TEST(OnnxBadInput, MissingFileAndEmptyFile) {
  EXPECT_THROW(import_onnx("/nonexistent/model.onnx"), InputError);
  expect_refused("", {"no graph"});
}

TEST(OnnxBadInput, EveryTruncationIsRefused) {
  const std::string good = bytes_of(base_model());
  for (size_t n = 0; n < good.size(); n += 7) expect_refused(good.substr(0, n), {});
  // From a file too, with the path in the message.
  const auto dir = onnx_test::scratch_dir("truncated");
  const std::string path = (dir / "cut.onnx").string();
  std::ofstream(path, std::ios::binary) << good.substr(0, good.size() / 2);
  try {
    import_onnx(path);
    FAIL() << "imported a truncated file";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().rfind(path, 0), 0u) << e.what();
  }
}

TEST(OnnxBadInput, RandomBytesAreRefused) {
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::string s(static_cast<size_t>(rng() % 512), '\0');
    for (char& c : s) c = static_cast<char>(rng());
    expect_refused(s, {});
  }
}

TEST(OnnxBadInput, MissingInitializer) {
  onnx::ModelProto m = base_model();
  auto* inits = m.mutable_graph()->mutable_initializer();
  for (int i = 0; i < inits->size(); ++i)
    if (inits->Get(i).name() == "conv2_w") inits->DeleteSubrange(i, 1);
  expect_refused(bytes_of(m), {"DequantizeLinear", "'conv2_w' is not produced"});
}

TEST(OnnxBadInput, UnsupportedOperator) {
  onnx::ModelProto m = base_model();
  node_named(m, "gap")->set_op_type("LpPool");
  expect_refused(bytes_of(m), {"node 19 'gap' (LpPool)", "unsupported operator LpPool"});
}

TEST(OnnxBadInput, DanglingInput) {
  onnx::ModelProto m = base_model();
  node_named(m, "add")->set_input(1, "nowhere");
  expect_refused(bytes_of(m), {"'add' (Add)", "'nowhere' is not produced"});
}

TEST(OnnxBadInput, WrongRank) {
  onnx::ModelProto m = base_model();
  for (auto& t : *m.mutable_graph()->mutable_initializer())
    if (t.name() == "conv1_w") {  // [4, 3, 3, 3] -> [4, 27]
      t.clear_dims();
      t.add_dims(4);
      t.add_dims(27);
    }
  expect_refused(bytes_of(m), {"'conv1' (Conv)", "rank 4"});
}

TEST(OnnxBadInput, FloatActivationNeverQuantized) {
  onnx::ModelProto m = base_model();
  const std::string raw_input = "x";  // the float graph input, never quantized
  node_named(m, "conv1")->mutable_input(0)->assign(raw_input);
  expect_refused(bytes_of(m), {"'conv1' (Conv)", "never quantized"});
  onnx::ModelProto out = base_model();
  out.mutable_graph()->mutable_output(0)->set_name("fc_out");  // float logits
  expect_refused(bytes_of(out), {"graph output 'fc_out'", "never quantized"});
}

TEST(OnnxBadInput, MalformedTensorsAndAttributes) {
  onnx::ModelProto m = base_model();
  for (auto& t : *m.mutable_graph()->mutable_initializer())
    if (t.name() == "conv1_w") t.mutable_raw_data()->resize(5);
  expect_refused(bytes_of(m), {"initializer", "conv1_w", "raw data has 5 bytes"});

  onnx::ModelProto ext = base_model();
  for (auto& t : *ext.mutable_graph()->mutable_initializer())
    if (t.name() == "conv1_w") t.set_data_location(onnx::TensorProto::EXTERNAL);
  expect_refused(bytes_of(ext), {"external"});

  onnx::ModelProto attr = base_model();
  auto* pads = node_named(attr, "conv1")->mutable_attribute(1);
  ASSERT_EQ(pads->name(), "pads");
  pads->set_ints(0, -3);
  expect_refused(bytes_of(attr), {"'conv1' (Conv)", "pads"});
}

TEST(OnnxBadInput, BadMetadata) {
  onnx::ModelProto m = base_model();
  auto* p = m.add_metadata_props();
  p->set_key("qasim.numerics");
  p->set_value("{\"requant\": \"sideways\"");
  expect_refused(bytes_of(m), {"metadata 'qasim.numerics'"});
  onnx::ModelProto l = base_model();
  p = l.add_metadata_props();
  p->set_key("qasim.layer.conv1");
  p->set_value("{\"weights\": {\"bits\": 99}}");
  expect_refused(bytes_of(l), {"qasim.layer.conv1", "bits"});
}

TEST(OnnxBadInput, RequantizationWithoutAnOperator) {
  onnx::ModelProto m = base_model();
  // conv1's output dequantized with another scale than it was quantized with.
  onnx::NodeProto* dq = node_named(m, "conv1_o_DQ");
  dq->set_input(1, "add_o_s");
  expect_refused(bytes_of(m), {"'conv1_o_DQ' (DequantizeLinear)", "other parameters"});
}

}  // namespace
}  // namespace qasim::workloads
