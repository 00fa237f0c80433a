#include "sim/params.h"

#include <gtest/gtest.h>

#include <sstream>

#include "sim/sram_timing.h"
#include "workloads/errors.h"

namespace qasim::sim {
namespace {

using workloads::InputError;

// A small accelerator-like params struct exercising every field kind.
enum class Overflow { Wrap, Saturate };
struct ToyParams {
  double clock_mhz = 1000;
  bool compress = false;
  std::string dataflow = "ws";
  Overflow overflow = Overflow::Wrap;
  int64_t macs = 256;
  SramParams cbuf;

  static const ParamSchema<ToyParams>& schema() {
    static const ParamSchema<ToyParams> s("toy", "a toy accelerator", [](auto& s) {
      s.add("clock_mhz", &ToyParams::clock_mhz, "MHz", "core clock").min(1.0);
      s.add("compress", &ToyParams::compress, "", "zero compression");
      s.add("dataflow", &ToyParams::dataflow, "", "dataflow").one_of({"ws", "os"});
      s.add_choice("overflow", &ToyParams::overflow,
                   {{"wrap", Overflow::Wrap}, {"saturate", Overflow::Saturate}}, "on overflow");
      s.add("macs", &ToyParams::macs, "MACs", "multipliers").range(1, 4096);
      s.add_group("cbuf", &ToyParams::cbuf, SramParams::schema(), "convolution buffer");
      s.rule([](const ToyParams& p) {
        return p.macs > p.cbuf.banks * 64 ? std::string("macs must be <= 64 * cbuf.banks") : "";
      });
      s.preset("big", "many MACs", {.macs = 1024, .cbuf = {.banks = 16}});
    });
    return s;
  }
};

// The message of the InputError that `fn` throws ("" when it throws none).
template <typename F>
std::string error_of(F fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Params, DefaultsComeFromTheStruct) {
  const std::vector<ParamInfo> list = SramParams::schema().list();
  ASSERT_EQ(list.size(), 6u);
  EXPECT_EQ(list[0].name, "capacity_bytes");
  EXPECT_EQ(list[0].default_text, "131072");
  EXPECT_EQ(list[0].unit, "bytes");
  EXPECT_EQ(list[0].constraint, ">= 1");
  EXPECT_EQ(list[2].name, "banks");
  EXPECT_EQ(list[2].constraint, "[1, 4096]");
  EXPECT_EQ(list[2].type, "int");
}

TEST(Params, OverridesOnlyNamedFields) {
  const SramParams p = SramParams::schema().parse_text("banks: 16\nread_latency: 3\n", "t.yaml");
  EXPECT_EQ(p.banks, 16);
  EXPECT_EQ(p.read_latency, 3);
  EXPECT_EQ(p.word_bytes, SramParams{}.word_bytes);
  EXPECT_EQ(p.capacity_bytes, SramParams{}.capacity_bytes);
}

TEST(Params, PresetThenOverrides) {
  const SramParams p = SramParams::schema().parse_text("preset: tiny\nports_per_bank: 2\n", "t");
  EXPECT_EQ(p.capacity_bytes, 4096);
  EXPECT_EQ(p.word_bytes, 4);
  EXPECT_EQ(p.banks, 4);
  EXPECT_EQ(p.ports_per_bank, 2);
  // The key order does not matter: the preset is applied first.
  const SramParams q = SramParams::schema().parse_text("ports_per_bank: 2\npreset: tiny\n", "t");
  EXPECT_EQ(q.ports_per_bank, 2);
  EXPECT_EQ(q.banks, 4);
}

TEST(Params, UnknownKeyNamesThePlace) {
  const std::string e =
      error_of([] { SramParams::schema().parse_text("banks: 4\nbank: 2\n", "s.yaml"); });
  EXPECT_NE(e.find("s.yaml:2:1"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'bank'"), std::string::npos) << e;
}

TEST(Params, TypeErrorNamesThePlace) {
  const std::string e =
      error_of([] { SramParams::schema().parse_text("banks: many\n", "s.yaml"); });
  EXPECT_NE(e.find("s.yaml:1:8"), std::string::npos) << e;
  EXPECT_NE(e.find("'banks' must be an integer, got 'many'"), std::string::npos) << e;
  const std::string f = error_of([] { SramParams::schema().parse_text("banks: 2.5\n", "s"); });
  EXPECT_NE(f.find("must be an integer"), std::string::npos) << f;
  const std::string g = error_of([] { SramParams::schema().parse_text("- 1\n- 2\n", "s"); });
  EXPECT_NE(g.find("expected a mapping"), std::string::npos) << g;
}

TEST(Params, RangeErrorNamesTheValue) {
  const std::string e =
      error_of([] { SramParams::schema().parse_text("word_bytes: 8\nbanks: 0\n", "s.yaml"); });
  EXPECT_NE(e.find("s.yaml:2:8"), std::string::npos) << e;
  EXPECT_NE(e.find("banks = 0 is below the minimum 1"), std::string::npos) << e;
  const std::string f = error_of([] { SramParams::schema().parse_text("word_bytes: 3\n", "s"); });
  EXPECT_NE(f.find("word_bytes = 3 is not one of: 1 2 4"), std::string::npos) << f;
}

TEST(Params, CrossFieldRuleNamesTheMapping) {
  // 1000 is not a multiple of 8 banks * 8 bytes = 64.
  const std::string e =
      error_of([] { SramParams::schema().parse_text("capacity_bytes: 1000\n", "s.yaml"); });
  EXPECT_NE(e.find("s.yaml:1:1"), std::string::npos) << e;
  EXPECT_NE(e.find("multiple of word_bytes * banks = 64"), std::string::npos) << e;
}

TEST(Params, UnknownPreset) {
  const std::string e = error_of([] { SramParams::schema().parse_text("preset: huge\n", "s"); });
  EXPECT_NE(e.find("unknown sram preset 'huge' (expected one of: tiny, cbuf_512k)"),
            std::string::npos)
      << e;
  EXPECT_THROW(SramParams::schema().preset_value("huge"), InputError);
  EXPECT_EQ(SramParams::schema().preset_value("tiny").banks, 4);
}

TEST(Params, CodeBuiltParamsAreChecked) {
  SramParams p;
  p.banks = 3;  // 128 KiB is not a multiple of 3 * 8
  const std::string e = error_of([&] { SramParams::schema().validate(p); });
  EXPECT_NE(e.find("sram: capacity_bytes must be a multiple"), std::string::npos) << e;
  EXPECT_THROW(SramTiming{p}, InputError);
  EXPECT_TRUE(SramParams::schema().problems(SramParams{}).empty());
}

TEST(Params, EveryPresetIsValid) {
  for (const PresetInfo& preset : SramParams::schema().presets())
    EXPECT_TRUE(
        SramParams::schema().problems(SramParams::schema().preset_value(preset.name)).empty())
        << preset.name;
  for (const PresetInfo& preset : ToyParams::schema().presets())
    EXPECT_TRUE(ToyParams::schema().problems(ToyParams::schema().preset_value(preset.name)).empty())
        << preset.name;
}

TEST(Params, EveryFieldKindAndNestedGroups) {
  const ToyParams p = ToyParams::schema().parse_text(
      "clock_mhz: 700.5\ncompress: true\ndataflow: os\noverflow: saturate\n"
      "cbuf: {preset: tiny, banks: 8, word_bytes: 8}\n",
      "toy.yaml");
  EXPECT_DOUBLE_EQ(p.clock_mhz, 700.5);
  EXPECT_TRUE(p.compress);
  EXPECT_EQ(p.dataflow, "os");
  EXPECT_EQ(p.overflow, Overflow::Saturate);
  EXPECT_EQ(p.cbuf.capacity_bytes, 4096);
  EXPECT_EQ(p.cbuf.banks, 8);
  EXPECT_EQ(p.cbuf.word_bytes, 8);

  // A preset of the outer struct, with an override inside the group keeping the rest.
  const ToyParams big = ToyParams::schema().parse_text("preset: big\ncbuf: {banks: 32}\n", "t");
  EXPECT_EQ(big.macs, 1024);
  EXPECT_EQ(big.cbuf.banks, 32);
  EXPECT_EQ(big.cbuf.word_bytes, 8);
}

TEST(Params, NestedErrorsNameTheInnerPlace) {
  const std::string e =
      error_of([] { ToyParams::schema().parse_text("macs: 16\ncbuf:\n  banks: 0\n", "toy.yaml"); });
  EXPECT_NE(e.find("toy.yaml:3:10"), std::string::npos) << e;
  const std::string f =
      error_of([] { ToyParams::schema().parse_text("overflow: clamp\n", "toy.yaml"); });
  EXPECT_NE(f.find("toy.yaml:1:11: 'overflow' must be one of: wrap saturate, got 'clamp'"),
            std::string::npos)
      << f;
  // The rule of the outer struct reads the inner field: 512 MACs > 64 * 4 banks.
  const std::string g = error_of(
      [] { ToyParams::schema().parse_text("macs: 512\ncbuf: {preset: tiny}\n", "toy.yaml"); });
  EXPECT_NE(g.find("toy: macs must be <= 64 * cbuf.banks"), std::string::npos) << g;
  ToyParams bad;
  bad.cbuf.banks = 0;
  const std::vector<std::string> problems = ToyParams::schema().problems(bad);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0], "cbuf.banks = 0 is below the minimum 1");
}

TEST(Params, ListsAndPrintsItself) {
  const std::vector<ParamInfo> list = ToyParams::schema().list();
  ASSERT_EQ(list.size(), 5u + 6u);
  EXPECT_EQ(list[1].default_text, "false");
  EXPECT_EQ(list[2].constraint, "one of: ws os");
  EXPECT_EQ(list[3].type, "choice");
  EXPECT_EQ(list[3].default_text, "wrap");
  EXPECT_EQ(list[5].name, "cbuf.capacity_bytes");
  std::ostringstream out;
  ToyParams::schema().print(out);
  const std::string text = out.str();
  EXPECT_NE(text.find("toy: a toy accelerator"), std::string::npos) << text;
  EXPECT_NE(text.find("clock_mhz"), std::string::npos) << text;
  EXPECT_NE(text.find("MHz"), std::string::npos) << text;
  EXPECT_NE(text.find("cbuf.read_latency"), std::string::npos) << text;
  EXPECT_NE(text.find("big: many MACs"), std::string::npos) << text;
}

TEST(Params, MissingFileIsAnInputError) {
  EXPECT_THROW(SramParams::schema().parse_file("/nonexistent/sram.yaml"), InputError);
}

}  // namespace
}  // namespace qasim::sim
