#include "workloads/train/batches.h"

#include <fmt/format.h>

#include "workloads/errors.h"

namespace qasim::workloads::train {

void make_batch(const Dataset& data, const std::vector<int64_t>& order, int64_t first,
                int64_t count, const Graph& model, const AugmentConfig& augment, std::mt19937* rng,
                std::vector<float>& images, std::vector<int32_t>& labels) {
  const Shape3 in = model.input().output_shape;
  if (data.channels != in.c && !(data.channels == 1 && in.c == 3))
    throw InputError(data.name, fmt::format("{}-channel images cannot feed a {}-channel model",
                                            data.channels, in.c));
  const float scale = model.input().output_q.scale[0];
  // Source row = target row + offset, as to_model_input centres images.
  const int off_y = (data.height - in.h) / 2, off_x = (data.width - in.w) / 2;
  images.assign(static_cast<size_t>(in.elements() * count), 0.f);
  labels.resize(static_cast<size_t>(count));
  const int64_t plane = int64_t{in.h} * in.w;
  for (int64_t b = 0; b < count; ++b) {
    const int64_t idx = order[static_cast<size_t>(first + b)];
    labels[static_cast<size_t>(b)] = data.labels[static_cast<size_t>(idx)];
    int dy = 0, dx = 0;
    bool flip = false;
    if (rng) {
      const int p = augment.crop_padding;
      if (p > 0) {
        std::uniform_int_distribution<int> shift(-p, p);
        dy = shift(*rng);
        dx = shift(*rng);
      }
      if (augment.flip) flip = std::uniform_int_distribution<int>(0, 1)(*rng) == 1;
    }
    const uint8_t* img = data.image(idx);
    for (int c = 0; c < in.c; ++c) {
      const uint8_t* src = img + int64_t{data.channels == 1 ? 0 : c} * data.height * data.width;
      float* dst = images.data() + (c * count + b) * plane;
      for (int oy = 0; oy < in.h; ++oy) {
        const int sy = oy + dy + off_y;
        if (sy < 0 || sy >= data.height) continue;
        for (int ox = 0; ox < in.w; ++ox) {
          const int mx = flip ? in.w - 1 - ox : ox;
          const int sx = mx + dx + off_x;
          if (sx < 0 || sx >= data.width) continue;
          dst[oy * in.w + ox] = static_cast<float>(src[sy * data.width + sx]) * scale;
        }
      }
    }
  }
}

}  // namespace qasim::workloads::train
