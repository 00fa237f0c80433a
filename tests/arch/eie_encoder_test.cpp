// The CSC encoder against hand-written examples: interleaved rows, relative indices,
// padding zeros for gaps longer than 15, pointers, row batches, the codebook.
#include <gtest/gtest.h>

#include "arch/eie/encoder.h"
#include "eie_support.h"
#include "workloads/errors.h"

namespace qasim::arch::eie {
namespace {

using testing::preset;

EieParams small(int pes, int regs = 64) {
  EieParams p = preset();
  p.num_pes = pes;
  p.activation_registers = regs;
  return p;
}

TEST(EieCodebook, IndexZeroIsZeroThenSortedNonZeros) {
  const EieParams p = preset();
  const HardwareCodebook b = build_codebook({0, 7, -3, 7, 0, 12}, p, "here");
  EXPECT_EQ(b.values, (std::vector<int32_t>{0, -3, 7, 12}));
  EXPECT_EQ(b.index_of(7), 2);
  EXPECT_EQ(b.index_of(5), -1);
}

TEST(EieCodebook, SixteenNonZeroValuesAreRefused) {
  std::vector<int32_t> w;
  for (int v = 1; v <= 16; ++v) w.push_back(v);
  EXPECT_THROW(build_codebook(w, preset(), "layer"), workloads::InputError);
  w.pop_back();
  EXPECT_EQ(build_codebook(w, preset(), "layer").values.size(), 16u);
}

TEST(EieCodebook, ValueWiderThanTheArithmeticUnitIsRefused) {
  EieParams p = preset();
  p.weight_bits = 8;
  EXPECT_THROW(build_codebook({128}, p, "layer"), workloads::InputError);
  EXPECT_NO_THROW(build_codebook({127, -128}, p, "layer"));
}

// One PE, one column: non-zeros at rows 0, 3 and 40 (gap of 36 zeros: two paddings at rows
// 19 and 35, then the entry at row 40 with 4 zeros before it).
TEST(EieEncoder, PaddingZerosForLongGaps) {
  const EieParams p = small(1);
  std::vector<int32_t> w(41, 0);
  w[0] = 5;
  w[3] = -2;
  w[40] = 9;
  const HardwareCodebook book = build_codebook(w, p, "t");  // {0, -2, 5, 9}
  const EncodedMatrix m = encode(w.data(), 41, 1, book, p);
  const PeSlice& s = m.slice(0, 0);
  ASSERT_EQ(s.entries.size(), 5u);
  const std::vector<std::pair<int, int>> want = {{2, 0}, {1, 2}, {0, 15}, {0, 15}, {3, 4}};
  for (size_t e = 0; e < want.size(); ++e) {
    EXPECT_EQ(s.entries[e].code, want[e].first) << e;
    EXPECT_EQ(s.entries[e].zeros, want[e].second) << e;
  }
  EXPECT_EQ(s.pointers, (std::vector<uint32_t>{0, 5}));
  EXPECT_EQ(m.padding, 2);
  EXPECT_EQ(m.entries, 5);
  // A gap of exactly 15 zeros needs no padding; 16 needs one.
  std::vector<int32_t> w15(16, 0), w16(17, 0);
  w15[15] = 5;
  w16[16] = 5;
  EXPECT_EQ(encode(w15.data(), 16, 1, book, p).padding, 0);
  EXPECT_EQ(encode(w16.data(), 17, 1, book, p).padding, 1);
}

// Rows interleave over 4 PEs: row r is local row r / 4 of PE r % 4. 8 x 3 matrix.
TEST(EieEncoder, RowsInterleaveAcrossPesWithPointersPerColumn) {
  const EieParams p = small(4);
  // clang-format off
  const std::vector<int32_t> w = {
      1, 0, 0,   // row 0: PE 0 local 0
      0, 2, 0,   // row 1: PE 1 local 0
      0, 0, 0,   // row 2: PE 2 local 0
      0, 0, 3,   // row 3: PE 3 local 0
      4, 0, 0,   // row 4: PE 0 local 1
      0, 0, 0,   // row 5: PE 1 local 1
      0, 5, 0,   // row 6: PE 2 local 1
      0, 0, 6};  // row 7: PE 3 local 1
  // clang-format on
  const HardwareCodebook book = build_codebook(w, p, "t");  // {0, 1, 2, 3, 4, 5, 6}
  const EncodedMatrix m = encode(w.data(), 8, 3, book, p);
  EXPECT_EQ(m.slice(0, 0).pointers, (std::vector<uint32_t>{0, 2, 2, 2}));
  EXPECT_EQ(m.slice(0, 0).entries[0].zeros, 0);
  EXPECT_EQ(m.slice(0, 0).entries[1].zeros, 0);  // row 4 follows row 0 directly in PE 0
  EXPECT_EQ(m.slice(0, 0).entries[1].code, 4);
  EXPECT_EQ(m.slice(0, 1).pointers, (std::vector<uint32_t>{0, 0, 1, 1}));
  EXPECT_EQ(m.slice(0, 2).pointers, (std::vector<uint32_t>{0, 0, 1, 1}));
  EXPECT_EQ(m.slice(0, 2).entries[0].zeros, 1);  // row 6 = local 1, after local 0's zero
  EXPECT_EQ(m.slice(0, 3).pointers, (std::vector<uint32_t>{0, 0, 0, 2}));
  EXPECT_EQ(m.column_entries(0, 3, 2), 2u);
  EXPECT_EQ(m.max_rows(0), 2);
  EXPECT_EQ(m.row_of(0, 2, 1), 6);
}

// 2 PEs with 2 registers each: 4 rows per batch; 6 rows -> batches {0..3}, {4, 5}.
TEST(EieEncoder, RowBatchesWhenTheOutputOutgrowsTheRegisters) {
  const EieParams p = small(2, 2);
  const std::vector<int32_t> w = {1, 2, 3, 4, 5, 6};  // 6 x 1
  const EncodedMatrix m = encode(w.data(), 6, 1, build_codebook(w, p, "t"), p);
  ASSERT_EQ(m.batches, 2);
  EXPECT_EQ(m.slice(0, 0).rows, 2);
  EXPECT_EQ(m.slice(1, 0).rows, 1);  // row 4
  EXPECT_EQ(m.slice(1, 1).rows, 1);  // row 5
  EXPECT_EQ(m.row_of(1, 1, 0), 5);
  EXPECT_EQ(m.max_rows(1), 1);
  std::vector<int64_t> acc(6, 0);
  const std::vector<int32_t> a = {3};
  multiply_accumulate(m, a.data(), acc.data());
  EXPECT_EQ(acc, (std::vector<int64_t>{3, 6, 9, 12, 15, 18}));
}

}  // namespace
}  // namespace qasim::arch::eie
