// Loaders of the on-disk datasets: IDX pairs (MNIST, Fashion-MNIST) and CIFAR-10 binary.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "workloads/datasets/dataset.h"
#include "workloads/datasets/idx.h"
#include "workloads/errors.h"

namespace qasim::workloads {

namespace fs = std::filesystem;

Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path) {
  idx::Array images = idx::load(images_path);
  const idx::Array labels = idx::load(labels_path);
  if (images.dims.size() != 3)
    throw InputError(images_path + ", byte 3",
                     fmt::format("images must have 3 dimensions (count, rows, columns), found {}",
                                 images.dims.size()));
  if (labels.dims.size() != 1)
    throw InputError(
        labels_path + ", byte 3",
        fmt::format("labels must have 1 dimension (count), found {}", labels.dims.size()));
  if (images.dims[0] != labels.dims[0])
    throw InputError(
        fmt::format("{}, byte 4 and {}, byte 4", images_path, labels_path),
        fmt::format("count mismatch: {} images but {} labels", images.dims[0], labels.dims[0]));
  Dataset d;
  d.name = fs::path(images_path).filename().string();
  d.channels = 1;
  d.height = static_cast<int>(images.dims[1]);
  d.width = static_cast<int>(images.dims[2]);
  d.pixels = std::move(images.data);
  d.labels.assign(labels.data.begin(), labels.data.end());
  d.num_classes = 1 + *std::max_element(d.labels.begin(), d.labels.end());
  return d;
}

Dataset load_fashion_mnist(const std::string& split, const std::string& dir) {
  std::string prefix;
  if (split == "train")
    prefix = "train";
  else if (split == "test" || split == "t10k")
    prefix = "t10k";
  else
    throw InputError("fashion-mnist", fmt::format("unknown split '{}' (train or test)", split));
  auto file = [&](const std::string& kind) {
    const fs::path base = fs::path(dir) / (prefix + "-" + kind + "-ubyte");
    fs::path gz = base;
    gz += ".gz";
    return fs::exists(gz) || !fs::exists(base) ? gz.string() : base.string();
  };
  const std::string labels_path = file("labels-idx1");
  Dataset d = load_idx_dataset(file("images-idx3"), labels_path);
  d.name = "fashion-mnist-" + split;
  for (int64_t i = 0; i < d.size(); ++i)
    if (d.labels[i] > 9)  // IDX1 labels: 8-byte header, then one byte per label
      throw InputError(fmt::format("{}{}, byte {}", labels_path,
                                   labels_path.ends_with(".gz") ? " (decompressed)" : "", 8 + i),
                       fmt::format("label {} outside the 10 Fashion-MNIST classes", d.labels[i]));
  d.num_classes = 10;
  return d;
}

Dataset load_cifar10(const std::string& dir, const std::string& split) {
  std::vector<std::string> names;
  if (split == "train")
    for (int i = 1; i <= 5; ++i) names.push_back(fmt::format("data_batch_{}.bin", i));
  else if (split == "test")
    names.push_back("test_batch.bin");
  else
    throw InputError("cifar10", fmt::format("unknown split '{}' (train or test)", split));
  fs::path root(dir);
  if (!fs::exists(root / names[0]) && fs::exists(root / "cifar-10-batches-bin" / names[0]))
    root /= "cifar-10-batches-bin";

  constexpr int64_t kImage = 3 * 32 * 32, kRecord = 1 + kImage;
  // A batch holds 10000 records (30,730,000 bytes); allow some slack, refuse monsters.
  constexpr int64_t kMaxFile = 4 * 10000 * kRecord;
  Dataset d;
  d.name = "cifar10-" + split;
  d.channels = 3;
  d.height = d.width = 32;
  d.num_classes = 10;
  for (const std::string& name : names) {
    const std::string path = (root / name).string();
    const std::vector<uint8_t> bytes = idx::read_file(path, kMaxFile);
    const auto size = static_cast<int64_t>(bytes.size());
    if (size == 0) throw InputError(path + ", byte 0", "empty file");
    if (size % kRecord != 0)
      throw InputError(fmt::format("{}, byte {}", path, size / kRecord * kRecord),
                       fmt::format("truncated: {} bytes is not a whole number of {}-byte records "
                                   "(the last record has {} bytes)",
                                   size, kRecord, size % kRecord));
    for (int64_t off = 0; off < size; off += kRecord) {
      const int label = bytes[static_cast<size_t>(off)];
      if (label > 9)
        throw InputError(fmt::format("{}, byte {}", path, off),
                         fmt::format("record {} has label {}, outside 0..9", off / kRecord, label));
      d.labels.push_back(label);
      d.pixels.insert(d.pixels.end(), bytes.begin() + off + 1, bytes.begin() + off + kRecord);
    }
  }
  return d;
}

}  // namespace qasim::workloads
