// Dataset pixels -> a model's quantized input tensor.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "workloads/datasets/dataset.h"
#include "workloads/errors.h"

namespace qasim::workloads {

kernels::IntTensor to_model_input(const Dataset& data, int64_t first, int64_t count,
                                  const kernels::QuantParams& input_q, int target_h, int target_w,
                                  int target_c) {
  const std::string where = "dataset '" + data.name + "'";
  if (first < 0 || count < 0 || first > data.size() || count > data.size() - first)
    throw InputError(where, fmt::format("images [{}, {}) outside the {} available", first,
                                        first + count, data.size()));
  if (target_h <= 0 || target_w <= 0 || target_c < 0)
    throw InputError(where,
                     fmt::format("invalid target shape {}x{}x{}", target_c, target_h, target_w));
  if (target_c == 0) target_c = data.channels;
  const bool same = target_c == data.channels;
  const bool gray_to_rgb = data.channels == 1 && target_c == 3;
  const bool rgb_to_gray = data.channels == 3 && target_c == 1;
  if (!same && !gray_to_rgb && !rgb_to_gray)
    throw InputError(where, fmt::format("cannot turn {} channels into the {} the model takes",
                                        data.channels, target_c));
  try {
    input_q.validate(where + " input quantization");
  } catch (const std::invalid_argument& e) {
    throw InputError(where, e.what());
  }
  if (input_q.per_channel()) throw InputError(where, "the input must be quantized per tensor");

  // Every pixel value maps to the same integer: a 256-entry table, computed once.
  std::array<int32_t, 256> lut{};
  const double scale = input_q.scale[0];
  for (int p = 0; p < 256; ++p) {
    const double q = std::nearbyint(p / 255.0 / scale) + input_q.zero_point[0];
    lut[p] = static_cast<int32_t>(std::clamp<double>(q, input_q.qmin(), input_q.qmax()));
  }
  // Zero pixels (real 0) fill the padding.
  const int32_t pad_value = lut[0];
  // Centre: source row = target row + offset (negative offset pads, positive crops).
  const int off_y = (data.height - target_h) / 2, off_x = (data.width - target_w) / 2;
  const int64_t plane = int64_t{data.height} * data.width;
  kernels::IntTensor out({count, target_c, target_h, target_w}, pad_value);
  for (int64_t n = 0; n < count; ++n) {
    const uint8_t* img = data.image(first + n);
    for (int c = 0; c < target_c; ++c)
      for (int y = 0; y < target_h; ++y) {
        const int sy = y + off_y;
        if (sy < 0 || sy >= data.height) continue;
        for (int x = 0; x < target_w; ++x) {
          const int sx = x + off_x;
          if (sx < 0 || sx >= data.width) continue;
          const int64_t at = int64_t{sy} * data.width + sx;
          int pixel;
          if (rgb_to_gray)  // ITU-R BT.601 luma, integer and rounded
            pixel =
                (299 * img[at] + 587 * img[plane + at] + 114 * img[2 * plane + at] + 500) / 1000;
          else
            pixel = img[(gray_to_rgb ? 0 : c) * plane + at];
          out[((n * target_c + c) * target_h + y) * target_w + x] = lut[pixel];
        }
      }
  }
  return out;
}

kernels::IntTensor to_model_input(const Dataset& data, int64_t first, int64_t count,
                                  const Graph& model) {
  if (model.layers.empty() || model.input().kind != OpKind::Input)
    throw InputError("model '" + model.name + "'", "has no input layer");
  const Layer& in = model.input();
  return to_model_input(data, first, count, in.output_q, in.output_shape.h, in.output_shape.w,
                        in.output_shape.c);
}

}  // namespace qasim::workloads
