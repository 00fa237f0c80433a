#include "workloads/datasets/dataset.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "workloads/datasets/idx.h"
#include "workloads/errors.h"
#include "workloads/zoo/zoo.h"

namespace qasim::workloads {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    m_path = fs::temp_directory_path() / ("qasim_datasets_test_" + std::to_string(::getpid()) +
                                          "_" + std::to_string(counter++));
    fs::create_directories(m_path);
  }
  ~TempDir() { fs::remove_all(m_path); }
  std::string file(const std::string& name, const Bytes& bytes) const {
    const std::string p = (m_path / name).string();
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  std::string path() const { return m_path.string(); }

 private:
  fs::path m_path;
};

Bytes idx_bytes(std::vector<uint32_t> dims, const Bytes& data, uint8_t type = 0x08) {
  Bytes b = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(d >> s));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

Bytes gzip(const Bytes& raw) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&zs, raw.size()) + 64);
  zs.next_in = const_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Bytes iota_bytes(size_t n, int mul = 7) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * mul);
  return b;
}

// The error must name the file (and, where given, the byte offset) and the problem.
template <typename F>
void expect_input_error(F&& f, const std::string& file, const std::string& offset,
                        const std::string& problem) {
  try {
    f();
    ADD_FAILURE() << "no InputError for " << problem;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file), std::string::npos) << what;
    if (!offset.empty()) {
      EXPECT_NE(what.find(offset), std::string::npos) << what;
    }
    EXPECT_NE(what.find(problem), std::string::npos) << what;
  }
}

TEST(Idx, PlainAndGzipFilesLoad) {
  TempDir dir;
  const Bytes pixels = iota_bytes(3 * 4 * 5);
  const Bytes labels = {2, 0, 7};
  for (bool compress : {false, true}) {
    auto maybe = [&](const Bytes& b) { return compress ? gzip(b) : b; };
    const std::string images =
        dir.file(compress ? "i.gz" : "i", maybe(idx_bytes({3, 4, 5}, pixels)));
    const std::string lab = dir.file(compress ? "l.gz" : "l", maybe(idx_bytes({3}, labels)));
    const Dataset d = load_idx_dataset(images, lab);
    EXPECT_EQ(d.size(), 3);
    EXPECT_EQ(d.channels, 1);
    EXPECT_EQ(d.height, 4);
    EXPECT_EQ(d.width, 5);
    EXPECT_EQ(d.num_classes, 8);
    EXPECT_EQ(d.pixels, pixels);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{2, 0, 7}));
    EXPECT_EQ(d.image(1)[0], pixels[20]);
  }
}

TEST(Idx, ConcatenatedGzipMembersAreOneStream) {
  const Bytes raw = idx_bytes({4}, {1, 2, 3, 4});
  Bytes two = gzip(Bytes(raw.begin(), raw.begin() + 7));
  const Bytes rest = gzip(Bytes(raw.begin() + 7, raw.end()));
  two.insert(two.end(), rest.begin(), rest.end());
  const idx::Array a = idx::parse(two.data(), two.size(), "two.gz");
  EXPECT_EQ(a.data, (Bytes{1, 2, 3, 4}));
}

TEST(Idx, MalformedHeadersNameFileAndOffset) {
  TempDir dir;
  const Bytes good = idx_bytes({2, 2}, {1, 2, 3, 4});
  auto load = [](const std::string& p) { return [p] { idx::load(p); }; };

  Bytes magic = good;
  magic[0] = 0x01;
  std::string p = dir.file("magic", magic);
  expect_input_error(load(p), p, "byte 0", "not an IDX file");

  p = dir.file("type", idx_bytes({2, 2}, {1, 2, 3, 4}, 0x0D));
  expect_input_error(load(p), p, "byte 2", "float32");

  Bytes nodims = good;
  nodims[3] = 0;
  p = dir.file("nodims", nodims);
  expect_input_error(load(p), p, "byte 3", "0 dimensions");

  p = dir.file("short", Bytes(good.begin(), good.begin() + 6));
  expect_input_error(load(p), p, "byte 6", "ends inside the IDX header");

  p = dir.file("empty", {});
  expect_input_error(load(p), p, "byte 0", "ends inside the IDX header");

  p = dir.file("zero", idx_bytes({2, 0}, {}));
  expect_input_error(load(p), p, "byte 8", "dimension 1 is 0");

  // 60000 x 65535 x 65535 bytes would be 257 TB: refused from the header alone.
  p = dir.file("absurd", idx_bytes({60000, 65535, 65535}, {1, 2, 3}));
  expect_input_error(load(p), p, "byte 8", "absurd size");
}

TEST(Idx, DataSizeMustMatchTheHeader) {
  TempDir dir;
  std::string p = dir.file("trunc", idx_bytes({10, 28, 28}, iota_bytes(100)));
  expect_input_error([&] { idx::load(p); }, p, "byte 116", "truncated");
  p = dir.file("trailing", idx_bytes({2}, {1, 2, 3}));
  expect_input_error([&] { idx::load(p); }, p, "byte 10", "1 bytes after");
}

TEST(Idx, CorruptGzipIsAnInputError) {
  TempDir dir;
  const Bytes raw = idx_bytes({50, 20, 20}, iota_bytes(50 * 400, 13));
  const Bytes gz = gzip(raw);

  const std::string trunc = dir.file("trunc.gz", Bytes(gz.begin(), gz.begin() + gz.size() / 2));
  expect_input_error([&] { idx::load(trunc); }, trunc, "", "truncated");

  Bytes flipped = gz;
  flipped[gz.size() / 2] ^= 0x55;
  const std::string bad = dir.file("bad.gz", flipped);
  expect_input_error([&] { idx::load(bad); }, bad, "compressed byte", "corrupt gzip");

  Bytes crc = gz;
  crc[gz.size() - 6] ^= 0x01;  // the CRC-32 in the gzip trailer
  const std::string badcrc = dir.file("crc.gz", crc);
  expect_input_error([&] { idx::load(badcrc); }, badcrc, "compressed byte", "incorrect data check");

  Bytes garbage = gz;
  garbage.push_back(0x42);
  const std::string tail = dir.file("tail.gz", garbage);
  expect_input_error([&] { idx::load(tail); }, tail, "", "after the gzip stream");
}

TEST(Idx, GzipBombStopsAtTheDeclaredSize) {
  // The header declares 16 data bytes, the stream inflates to 64 MiB of zeros: decoding
  // stops at the first byte past the declaration instead of buffering it all.
  Bytes raw = idx_bytes({16}, Bytes(16, 0));
  raw.resize(64u << 20, 0);
  const Bytes gz = gzip(raw);
  ASSERT_LT(gz.size(), 1u << 20);
  expect_input_error([&] { idx::parse(gz.data(), gz.size(), "bomb.gz"); }, "bomb.gz (decompressed)",
                     "byte 24", "continues past the 16 bytes");
}

TEST(Idx, DatasetPairsAreCrossChecked) {
  TempDir dir;
  const std::string images = dir.file("img", idx_bytes({3, 2, 2}, iota_bytes(12)));
  const std::string labels = dir.file("lab", idx_bytes({4}, {1, 2, 3, 4}));
  expect_input_error([&] { load_idx_dataset(images, labels); }, labels, "byte 4",
                     "3 images but 4 labels");
  const std::string flat = dir.file("flat", idx_bytes({12}, iota_bytes(12)));
  expect_input_error([&] { load_idx_dataset(flat, labels); }, flat, "byte 3", "3 dimensions");
  expect_input_error([&] { load_idx_dataset(images, images); }, images, "byte 3", "1 dimension");
  const std::string missing = dir.path() + "/nope.gz";
  expect_input_error([&] { load_idx_dataset(missing, labels); }, missing, "", "cannot open");
}

TEST(Cifar10, ReadsBinaryBatches) {
  TempDir dir;
  auto batch = [](int records, int first_label) {
    Bytes b;
    for (int r = 0; r < records; ++r) {
      b.push_back(static_cast<uint8_t>((first_label + r) % 10));
      const Bytes px = iota_bytes(3072, r + 1);
      b.insert(b.end(), px.begin(), px.end());
    }
    return b;
  };
  fs::create_directories(dir.path() + "/cifar-10-batches-bin");
  for (int i = 1; i <= 5; ++i)
    dir.file("cifar-10-batches-bin/data_batch_" + std::to_string(i) + ".bin", batch(2, i));
  dir.file("cifar-10-batches-bin/test_batch.bin", batch(3, 7));
  const Dataset train = load_cifar10(dir.path(), "train");  // finds the sub-folder
  EXPECT_EQ(train.size(), 10);
  EXPECT_EQ(train.channels, 3);
  EXPECT_EQ(train.height, 32);
  EXPECT_EQ(train.num_classes, 10);
  EXPECT_EQ(train.labels[0], 1);
  EXPECT_EQ(train.labels[9], 6);
  EXPECT_EQ(train.image(1)[1024], static_cast<uint8_t>(1024 * 2));  // G plane of record 1
  const Dataset test = load_cifar10(dir.path() + "/cifar-10-batches-bin", "test");
  EXPECT_EQ(test.labels, (std::vector<int32_t>{7, 8, 9}));
}

TEST(Cifar10, MalformedBatchesAreInputErrors) {
  TempDir dir;
  Bytes record(3073, 0);
  Bytes two = record;
  two.insert(two.end(), record.begin(), record.begin() + 100);
  std::string p = dir.file("test_batch.bin", two);
  expect_input_error([&] { load_cifar10(dir.path(), "test"); }, p, "byte 3073", "truncated");
  Bytes bad = record;
  bad.insert(bad.end(), record.begin(), record.end());
  bad[3073] = 12;
  p = dir.file("test_batch.bin", bad);
  expect_input_error([&] { load_cifar10(dir.path(), "test"); }, p, "byte 3073", "label 12");
  p = dir.file("test_batch.bin", {});
  expect_input_error([&] { load_cifar10(dir.path(), "test"); }, p, "byte 0", "empty");
  expect_input_error([&] { load_cifar10(dir.path(), "train"); }, "data_batch_1.bin", "",
                     "cannot open");
  expect_input_error([&] { load_cifar10(dir.path(), "validation"); }, "cifar10", "",
                     "unknown split");
}

bool have_fashion_mnist() {
  return fs::exists(std::string(kFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz");
}

TEST(FashionMnist, TestSplitFromTheDebianPackage) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const Dataset d = load_fashion_mnist("test");
  ASSERT_EQ(d.size(), 10000);
  EXPECT_EQ(d.channels, 1);
  EXPECT_EQ(d.height, 28);
  EXPECT_EQ(d.width, 28);
  EXPECT_EQ(d.num_classes, 10);
  EXPECT_EQ(d.pixels.size(), 10000u * 784);
  // The dataset's README: the test set has 1,000 examples of each of the 10 classes.
  std::map<int, int> per_class;
  for (int32_t l : d.labels) ++per_class[l];
  ASSERT_EQ(per_class.size(), 10u);
  for (const auto& [label, count] : per_class) EXPECT_EQ(count, 1000) << "class " << label;
}

TEST(FashionMnist, TrainSplitFromTheDebianPackage) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const Dataset d = load_fashion_mnist("train");
  ASSERT_EQ(d.size(), 60000);
  EXPECT_EQ(d.height, 28);
  for (int32_t l : d.labels) ASSERT_TRUE(l >= 0 && l <= 9);
  // Facts printed by Keras' fashion_mnist.load_data() in a public tutorial
  // (kgptalkie.com, "TensorFlow Keras getting started"): y_train is [9, 0, 0, ..., 3, 0, 5]
  // and the mean pixel of x_train is 72.94035223214286.
  EXPECT_EQ(d.labels[0], 9);
  EXPECT_EQ(d.labels[1], 0);
  EXPECT_EQ(d.labels[2], 0);
  EXPECT_EQ(d.labels[59997], 3);
  EXPECT_EQ(d.labels[59998], 0);
  EXPECT_EQ(d.labels[59999], 5);
  int64_t sum = 0;
  for (uint8_t p : d.pixels) sum += p;
  EXPECT_NEAR(static_cast<double>(sum) / static_cast<double>(d.pixels.size()), 72.94035223214286,
              1e-9);
}

TEST(FashionMnist, UnknownSplitOrDirectory) {
  EXPECT_THROW(load_fashion_mnist("validation"), InputError);
  EXPECT_THROW(load_fashion_mnist("test", "/nonexistent/qasim"), InputError);
}

TEST(Synthetic, DeterministicBalancedAndLearnable) {
  const Dataset a = make_synthetic(400, 3, 16, 16, 4, 7);
  const Dataset b = make_synthetic(400, 3, 16, 16, 4, 7);
  const Dataset c = make_synthetic(400, 3, 16, 16, 4, 8);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_NE(a.pixels, c.pixels);
  std::map<int, int> per_class;
  for (int32_t l : a.labels) ++per_class[l];
  for (const auto& [label, count] : per_class) EXPECT_EQ(count, 100);
  // A nearest-class-mean classifier trained on the first half classifies the second half.
  const int64_t n = a.image_bytes();
  std::vector<std::vector<double>> mean(4, std::vector<double>(static_cast<size_t>(n)));
  for (int64_t i = 0; i < 200; ++i)
    for (int64_t j = 0; j < n; ++j) mean[a.labels[i]][j] += a.image(i)[j] / 50.0;
  int correct = 0;
  for (int64_t i = 200; i < 400; ++i) {
    int best = -1;
    double best_d = 0;
    for (int k = 0; k < 4; ++k) {
      double dist = 0;
      for (int64_t j = 0; j < n; ++j)
        dist += (a.image(i)[j] - mean[k][j]) * (a.image(i)[j] - mean[k][j]);
      if (best < 0 || dist < best_d) best = k, best_d = dist;
    }
    correct += best == a.labels[i];
  }
  EXPECT_GE(correct, 190);
  EXPECT_THROW(make_synthetic(10, 0, 8, 8, 2, 1), InputError);
  EXPECT_THROW(make_synthetic(1 << 20, 3, 1024, 1024, 2, 1), InputError);
}

Dataset tiny_gray() {
  Dataset d;
  d.name = "tiny";
  d.channels = 1;
  d.height = 2;
  d.width = 3;
  d.num_classes = 2;
  d.pixels = {0, 17, 34, 255, 128, 8, /* image 2 */ 1, 2, 3, 4, 5, 6};
  d.labels = {0, 1};
  return d;
}

TEST(ModelInput, EightBitInputIsThePixel) {
  const Dataset d = tiny_gray();
  const auto q = kernels::QuantParams::uniform(8, false, 1.f / 255.f);
  const kernels::IntTensor t = to_model_input(d, 0, 2, q, 2, 3);
  EXPECT_EQ(t.dims(), (kernels::Dims{2, 1, 2, 3}));
  for (size_t i = 0; i < d.pixels.size(); ++i) EXPECT_EQ(t[static_cast<int64_t>(i)], d.pixels[i]);
}

TEST(ModelInput, RequantizesToOtherInputFormats) {
  const Dataset d = tiny_gray();
  // 4 bits, scale 1/15: pixel p -> p * 15 / 255 = p / 17. 17 -> 1, 34 -> 2, 8 -> 0.47 -> 0,
  // 128 -> 7.53 -> 8, 255 -> 15. Signed int8 with zero point -10 and scale 2/255:
  // round(p / 2) - 10 (17 -> 8.5 rounds to 8, whichever side of the half the float scale
  // lands), 255 -> 127.5 -> 127.
  const kernels::IntTensor t =
      to_model_input(d, 0, 1, kernels::QuantParams::uniform(4, false, 1.f / 15.f), 2, 3);
  EXPECT_EQ(t.values(), (std::vector<int32_t>{0, 1, 2, 15, 8, 0}));
  const kernels::IntTensor s =
      to_model_input(d, 0, 1, kernels::QuantParams::uniform(8, true, 2.f / 255.f, -10), 2, 3);
  EXPECT_EQ(s.values(), (std::vector<int32_t>{-10, -2, 7, 117, 54, -6}));
}

TEST(ModelInput, PadsCropsAndConvertsChannels) {
  const Dataset d = tiny_gray();
  const auto q = kernels::QuantParams::uniform(8, false, 1.f / 255.f);
  // 2x3 -> 4x5: one row and one column of zeros on every side.
  const kernels::IntTensor pad = to_model_input(d, 1, 1, q, 4, 5, 3);
  EXPECT_EQ(pad.dims(), (kernels::Dims{1, 3, 4, 5}));
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(pad[c * 20 + 0], 0);
    EXPECT_EQ(pad[c * 20 + 1 * 5 + 1], 1);
    EXPECT_EQ(pad[c * 20 + 2 * 5 + 3], 6);
    EXPECT_EQ(pad[c * 20 + 3 * 5 + 4], 0);
  }
  // 2x3 -> 2x1: the centre column.
  const kernels::IntTensor crop = to_model_input(d, 0, 1, q, 2, 1);
  EXPECT_EQ(crop.values(), (std::vector<int32_t>{17, 128}));
  // RGB -> gray: BT.601 luma.
  Dataset rgb;
  rgb.name = "rgb";
  rgb.channels = 3;
  rgb.height = rgb.width = 1;
  rgb.pixels = {200, 100, 50};
  rgb.labels = {0};
  EXPECT_EQ(to_model_input(rgb, 0, 1, q, 1, 1, 1)[0],
            (299 * 200 + 587 * 100 + 114 * 50 + 500) / 1000);
  EXPECT_THROW(to_model_input(rgb, 0, 1, q, 1, 1, 2), InputError);
  EXPECT_THROW(to_model_input(d, 1, 2, q, 2, 3), InputError);
  EXPECT_THROW(to_model_input(d, -1, 1, q, 2, 3), InputError);
}

TEST(ModelInput, FollowsTheModelInputLayer) {
  ZooOptions o;
  o.input_channels = 3;
  const Graph lenet = make_zoo_model("lenet5", o, false);  // 3x32x32
  const Dataset d = make_synthetic(5, 1, 28, 28, 10, 3);
  const kernels::IntTensor t = to_model_input(d, 0, 5, lenet);
  EXPECT_EQ(t.dims(), (kernels::Dims{5, 3, 32, 32}));
  EXPECT_EQ(t[2 * 32 + 2], d.image(0)[0]);             // 2-pixel border
  EXPECT_EQ(t[2 * 1024 + 2 * 32 + 2], d.image(0)[0]);  // replicated plane
}

}  // namespace
}  // namespace qasim::workloads
