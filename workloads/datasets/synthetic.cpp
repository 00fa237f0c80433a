// Synthetic classification data for tests and demos where no dataset is installed.
#include <fmt/format.h>

#include <algorithm>

#include "workloads/datasets/dataset.h"
#include "workloads/errors.h"
#include "workloads/zoo/random.h"

namespace qasim::workloads {

namespace {

// Each class's pattern is a kGrid x kGrid grid of random intensities per channel,
// bilinearly stretched over the image: smooth, distinct per class, and easy to learn.
constexpr int kGrid = 4;
constexpr int kNoise = 40;       // per-pixel uniform noise, +-
constexpr int kBrightness = 24;  // per-image offset, +-

}  // namespace

Dataset make_synthetic(int64_t n, int channels, int height, int width, int num_classes,
                       uint64_t seed) {
  const std::string where = "synthetic dataset";
  if (n < 0 || channels < 1 || height < 1 || width < 1 || num_classes < 1)
    throw InputError(where, fmt::format("invalid size: {} images of {}x{}x{}, {} classes", n,
                                        channels, height, width, num_classes));
  const int64_t image = int64_t{channels} * height * width;
  if (image > (int64_t{1} << 30) || (n > 0 && image > (int64_t{1} << 31) / n))
    throw InputError(where, fmt::format("{} images of {} bytes is too large", n, image));

  std::vector<std::vector<double>> grids(static_cast<size_t>(num_classes));
  for (int k = 0; k < num_classes; ++k) {
    Rng rng(seed_for(seed, fmt::format("class {}", k)));
    grids[k].resize(static_cast<size_t>(channels) * kGrid * kGrid);
    for (double& v : grids[k]) v = 32 + 192 * rng.uniform();
  }
  std::vector<uint8_t> pattern(static_cast<size_t>(num_classes * image));
  for (int k = 0; k < num_classes; ++k)
    for (int c = 0; c < channels; ++c)
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
          const double gy = height > 1 ? double(y) * (kGrid - 1) / (height - 1) : 0;
          const double gx = width > 1 ? double(x) * (kGrid - 1) / (width - 1) : 0;
          const int y0 = std::min(static_cast<int>(gy), kGrid - 2);
          const int x0 = std::min(static_cast<int>(gx), kGrid - 2);
          const double fy = gy - y0, fx = gx - x0;
          const double* g = grids[k].data() + c * kGrid * kGrid;
          const double v =
              (1 - fy) * ((1 - fx) * g[y0 * kGrid + x0] + fx * g[y0 * kGrid + x0 + 1]) +
              fy * ((1 - fx) * g[(y0 + 1) * kGrid + x0] + fx * g[(y0 + 1) * kGrid + x0 + 1]);
          pattern[static_cast<size_t>(k * image + (int64_t{c} * height + y) * width + x)] =
              static_cast<uint8_t>(v + 0.5);
        }

  Dataset d;
  d.name = fmt::format("synthetic-{}c-seed{}", num_classes, seed);
  d.channels = channels;
  d.height = height;
  d.width = width;
  d.num_classes = num_classes;
  d.pixels.resize(static_cast<size_t>(n * image));
  d.labels.resize(static_cast<size_t>(n));
  Rng rng(seed_for(seed, "samples"));
  for (int64_t i = 0; i < n; ++i) {
    const int k = static_cast<int>(i % num_classes);
    d.labels[static_cast<size_t>(i)] = k;
    const int offset = static_cast<int>(rng.below(2 * kBrightness + 1)) - kBrightness;
    const uint8_t* p = pattern.data() + k * image;
    uint8_t* out = d.pixels.data() + i * image;
    for (int64_t j = 0; j < image; ++j) {
      const int noise = static_cast<int>(rng.below(2 * kNoise + 1)) - kNoise;
      out[j] = static_cast<uint8_t>(std::clamp(p[j] + offset + noise, 0, 255));
    }
  }
  return d;
}

}  // namespace qasim::workloads
