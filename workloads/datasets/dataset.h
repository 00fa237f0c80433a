// Image classification datasets as raw 8-bit pixels, and their conversion to a model's
// quantized input. Every reader rejects malformed files with an InputError that names the
// file and the byte offset, and never sizes an allocation from a header it has not checked
// against the data actually present.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/quant.h"
#include "kernels/tensor.h"
#include "workloads/graph.h"

namespace qasim::workloads {

struct Dataset {
  std::string name;
  int channels = 0, height = 0, width = 0;
  int num_classes = 0;
  std::vector<uint8_t> pixels;  // N x C x H x W, 0..255 meaning 0..1
  std::vector<int32_t> labels;  // N labels in [0, num_classes)

  int64_t size() const { return static_cast<int64_t>(labels.size()); }
  int64_t image_bytes() const { return int64_t{channels} * height * width; }
  const uint8_t* image(int64_t i) const { return pixels.data() + i * image_bytes(); }
};

// MNIST-format IDX files (images: unsigned bytes N x H x W; labels: N unsigned bytes),
// gzip-compressed or plain (detected by content, not by name).
Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path);

// Debian's dataset-fashion-mnist package installs the four files here.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
// split: "train" (60000 images) or "test" (10000; also "t10k"). Uses the .gz files, or
// the uncompressed ones when only those exist.
Dataset load_fashion_mnist(const std::string& split, const std::string& dir = kFashionMnistDir);

// CIFAR-10 binary version: `dir` holds data_batch_1..5.bin (split "train") and
// test_batch.bin ("test"), each record 1 label byte + 3072 pixel bytes (R, G, B planes of
// 32x32). `dir` may also be the folder that contains cifar-10-batches-bin/.
Dataset load_cifar10(const std::string& dir, const std::string& split);

// Seeded synthetic images: each class has its own smooth random pattern, every sample is
// its class's pattern plus noise and a brightness jitter, so a classifier can learn them.
// Labels cycle through the classes (balanced). Same arguments, same bytes.
Dataset make_synthetic(int64_t n, int channels, int height, int width, int num_classes,
                       uint64_t seed);

// Images [first, first + count) as a model input tensor {count, C, target_h, target_w} in
// `input_q`: real = pixel / 255, quantized with round-half-to-even (as ONNX
// QuantizeLinear) and clamped. Smaller images are zero-padded (centred), larger ones
// centre-cropped. target_c 0 keeps the dataset's channels; 1 -> 3 replicates the gray
// plane, 3 -> 1 takes the BT.601 luma; other changes are an InputError.
kernels::IntTensor to_model_input(const Dataset& data, int64_t first, int64_t count,
                                  const kernels::QuantParams& input_q, int target_h, int target_w,
                                  int target_c = 0);
// The same, with the shape and quantization of the model's input layer.
kernels::IntTensor to_model_input(const Dataset& data, int64_t first, int64_t count,
                                  const Graph& model);

}  // namespace qasim::workloads
