#include "workloads/npy.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "workloads/errors.h"

namespace qasim::workloads {
namespace {

namespace fs = std::filesystem;
using kernels::IntTensor;
using Bytes = std::vector<uint8_t>;

class NpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("qasim_npy_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string path(const std::string& name) const { return (m_dir / name).string(); }
  std::string file(const std::string& name, const Bytes& b) const {
    std::ofstream(path(name), std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return path(name);
  }
  Bytes read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  }
  fs::path m_dir;
};

// A version-1.0 file with the given header dict and data bytes.
Bytes npy(const std::string& dict, const Bytes& data, uint8_t major = 1) {
  Bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  const std::string h = dict + "\n";
  b.push_back(static_cast<uint8_t>(h.size()));
  b.push_back(static_cast<uint8_t>(h.size() >> 8));
  if (major >= 2) b.push_back(0), b.push_back(0);
  b.insert(b.end(), h.begin(), h.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

TEST(Npy, SmallestDtype) {
  EXPECT_EQ(smallest_dtype_for(0, 255), NpyDtype::UInt8);
  EXPECT_EQ(smallest_dtype_for(-1, 1), NpyDtype::Int8);
  EXPECT_EQ(smallest_dtype_for(-128, 127), NpyDtype::Int8);
  EXPECT_EQ(smallest_dtype_for(-129, 0), NpyDtype::Int16);
  EXPECT_EQ(smallest_dtype_for(0, 256), NpyDtype::UInt16);
  EXPECT_EQ(smallest_dtype_for(-1, 255), NpyDtype::Int16);
  EXPECT_EQ(smallest_dtype_for(0, 65536), NpyDtype::Int32);
  EXPECT_EQ(smallest_dtype_for(-40000, 0), NpyDtype::Int32);
}

TEST_F(NpyTest, RoundTripsEveryDtypeAndRank) {
  const std::vector<IntTensor> tensors = {
      IntTensor({2, 3}, std::vector<int32_t>{0, 1, 2, 3, 254, 255}),
      IntTensor({4}, std::vector<int32_t>{-128, -1, 0, 127}),
      IntTensor({1, 2, 1, 2}, std::vector<int32_t>{-32768, 32767, 5, -5}),
      IntTensor({3}, std::vector<int32_t>{0, 40000, 65535}),
      IntTensor({2}, std::vector<int32_t>{-2147483647 - 1, 2147483647}),
      IntTensor({}, std::vector<int32_t>{42}),    // a scalar
      IntTensor({0, 5}, std::vector<int32_t>{}),  // empty
  };
  for (size_t i = 0; i < tensors.size(); ++i) {
    const std::string p = path("t" + std::to_string(i) + ".npy");
    write_npy(p, tensors[i]);
    EXPECT_EQ(read_npy(p), tensors[i]) << i;
  }
  const IntTensor t({2, 2}, std::vector<int32_t>{-3, 0, 7, 100});
  for (NpyDtype d : {NpyDtype::Int8, NpyDtype::Int16, NpyDtype::Int32, NpyDtype::Float32}) {
    write_npy(path("d.npy"), t, d);
    EXPECT_EQ(read_npy(path("d.npy")), t) << to_string(d);
  }
}

TEST_F(NpyTest, WritesNumpysLayout) {
  write_npy(path("a.npy"), IntTensor({3}, std::vector<int32_t>{1, 2, 300}));
  const Bytes b = read("a.npy");
  ASSERT_GE(b.size(), 10u);
  EXPECT_EQ(std::memcmp(b.data(), "\x93NUMPY\x01\x00", 8), 0);
  const size_t header = b[8] | (b[9] << 8);
  EXPECT_EQ((10 + header) % 64, 0u) << "data aligned to 64 bytes";
  EXPECT_EQ(b[10 + header - 1], '\n');
  const std::string dict(b.begin() + 10, b.begin() + 10 + static_cast<long>(header));
  EXPECT_NE(dict.find("'descr': '<u2'"), std::string::npos) << dict;
  EXPECT_NE(dict.find("'shape': (3,)"), std::string::npos) << dict;
  EXPECT_EQ(b.size(), 10 + header + 3 * 2);
}

TEST_F(NpyTest, WriteIsAtomicAndChecksTheDtype) {
  const std::string p = path("x.npy");
  write_npy(p, IntTensor({1}, std::vector<int32_t>{7}));
  EXPECT_THROW(write_npy(p, IntTensor({1}, std::vector<int32_t>{300}), NpyDtype::Int8), InputError);
  EXPECT_THROW(write_npy(p, IntTensor({1}, std::vector<int32_t>{(1 << 24) + 1}), NpyDtype::Float32),
               InputError);
  EXPECT_EQ(read_npy(p)[0], 7) << "a failed write leaves the old file";
  write_npy(p, IntTensor({2}, std::vector<int32_t>{8, 9}));
  EXPECT_EQ(read_npy(p).size(), 2);
  int files = 0;
  for (const auto& e : fs::directory_iterator(m_dir)) ++files, (void)e;
  EXPECT_EQ(files, 1) << "no temporary file is left behind";
  EXPECT_THROW(write_npy(path("no/such/dir/y.npy"), IntTensor({1}, std::vector<int32_t>{1})),
               InputError);
}

TEST_F(NpyTest, ReadsOtherIntegerAndIntegralFloatTypes) {
  const std::string i8 = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
  Bytes data = {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 5, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(read_npy(file("i8.npy", npy(i8, data))).values(), (std::vector<int32_t>{-2, 5}));
  float f[2] = {-3.f, 1e6f};
  Bytes fb(8);
  std::memcpy(fb.data(), f, 8);
  const std::string f4 = "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1, 2)}";
  EXPECT_EQ(read_npy(file("f4.npy", npy(f4, fb, 2))).values(), (std::vector<int32_t>{-3, 1000000}));
}

struct Bad {
  const char* name;
  Bytes bytes;
  const char* offset;
  const char* problem;
};

TEST_F(NpyTest, MalformedFilesNameFileAndOffset) {
  const std::string ok = "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }";
  const Bytes two = {1, 0, 2, 0};
  Bytes badver = npy(ok, two);
  badver[6] = 4;
  const Bytes good = npy(ok, two);
  float half = 0.5f;
  Bytes fb(4);
  std::memcpy(fb.data(), &half, 4);
  const std::vector<Bad> cases = {
      {"magic", {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "byte 0", "not a .npy file"},
      {"version", badver, "byte 6", "version 4.0"},
      {"short", Bytes(good.begin(), good.begin() + 9), "byte 9", "header length"},
      {"header", Bytes(good.begin(), good.begin() + 30), "byte 30", "ends inside"},
      {"nodict", npy("['descr', '<i2']", two), "byte 10", "expected '{'"},
      {"fortran", npy("{'descr': '<i2', 'fortran_order': True, 'shape': (2,), }", two), "byte",
       "Fortran"},
      {"bigendian", npy("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", two), "byte",
       "big-endian"},
      {"complex", npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", two), "byte",
       "unsupported dtype"},
      {"missing", npy("{'descr': '<i2', 'shape': (2,), }", two), "byte", "required"},
      {"extra", npy("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), 'x': 1}", two), "byte",
       "unexpected or repeated key 'x'"},
      {"shape", npy("{'descr': '<i2', 'fortran_order': False, 'shape': (-2,), }", two), "byte",
       "non-negative dimension"},
      {"huge", npy("{'descr': '<i2', 'fortran_order': False, 'shape': (100000, 100000), }", two),
       "byte 10", "too many elements"},
      {"truncated", npy("{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", two),
       "truncated", "needs 6 data bytes"},
      {"trailing", npy(ok, {1, 0, 2, 0, 9}), "byte", "1 bytes after the data"},
      {"fraction", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", fb), "byte",
       "element 0 is 0.5: not an integer"},
      {"range",
       npy("{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", {0xFF, 0xFF, 0xFF, 0xFF}),
       "byte", "outside the int32 range"},
  };
  for (const Bad& c : cases) {
    const std::string p = file(std::string(c.name) + ".npy", c.bytes);
    try {
      read_npy(p);
      ADD_FAILURE() << c.name << ": no error";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(p), std::string::npos) << c.name << ": " << what;
      EXPECT_NE(what.find(c.offset), std::string::npos) << c.name << ": " << what;
      EXPECT_NE(what.find(c.problem), std::string::npos) << c.name << ": " << what;
    }
  }
  EXPECT_THROW(read_npy(path("absent.npy")), InputError);
}

// Interop with the real numpy. The python3 first on PATH is not Debian's; /usr/bin/python3
// is, and has numpy when python3-numpy is installed.
bool have_numpy() {
  return std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") == 0;
}

TEST_F(NpyTest, NumpyReadsWhatWeWriteAndWeReadWhatNumpyWrites) {
  if (!have_numpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy not available";
  // Values v[i] = (i * 37) % 251 - 125 in a 3x5x7 array, both sides computing them.
  std::vector<int32_t> v(105);
  for (int i = 0; i < 105; ++i) v[i] = (i * 37) % 251 - 125;
  const IntTensor t({3, 5, 7}, v);
  write_npy(path("ours_i1.npy"), t);
  write_npy(path("ours_i4.npy"), t, NpyDtype::Int32);
  write_npy(path("ours_f4.npy"), t, NpyDtype::Float32);
  write_npy(path("ours_scalar.npy"), IntTensor({}, std::vector<int32_t>{-9}));
  const std::string script = path("check.py");
  std::ofstream(script) << R"(import sys, numpy as np
d = sys.argv[1]
want = (np.arange(105) * 37 % 251 - 125).reshape(3, 5, 7)
for name, dtype in [('ours_i1', np.int8), ('ours_i4', np.int32), ('ours_f4', np.float32)]:
    a = np.load(f'{d}/{name}.npy')
    assert a.dtype == dtype, (name, a.dtype)
    assert a.shape == (3, 5, 7) and (a == want).all(), name
s = np.load(f'{d}/ours_scalar.npy')
assert s.shape == () and s == -9
for dtype in ['i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'f4', 'f8']:
    a = (want if dtype[0] in 'if' else want + 125).astype(dtype)
    np.save(f'{d}/np_{dtype}.npy', a)
    with open(f'{d}/np2_{dtype}.npy', 'wb') as f:
        np.lib.format.write_array(f, a, version=(2, 0))
np.save(f'{d}/np_fortran.npy', np.asfortranarray(want.astype('i4')))
)";
  ASSERT_EQ(std::system(("/usr/bin/python3 " + script + " " + m_dir.string()).c_str()), 0);
  std::vector<int32_t> shifted = v;
  for (int32_t& x : shifted) x += 125;
  for (const char* dtype : {"i1", "u1", "i2", "u2", "i4", "u4", "i8", "f4", "f8"}) {
    const IntTensor want({3, 5, 7}, dtype[0] == 'i' || dtype[0] == 'f' ? v : shifted);
    EXPECT_EQ(read_npy(path(std::string("np_") + dtype + ".npy")), want) << dtype;
    EXPECT_EQ(read_npy(path(std::string("np2_") + dtype + ".npy")), want) << dtype << " v2";
  }
  EXPECT_THROW(read_npy(path("np_fortran.npy")), InputError);
}

}  // namespace
}  // namespace qasim::workloads
