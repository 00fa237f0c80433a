// Exact inference kernels on the GPU (kernels/cuda/exact_conv.h): time per launch of the int8
// (dp4a) and the binary (XNOR/popcount) kernel on the same ResNet-style 3x3 convolutions, and
// the binary kernel's speed-up over the int8 one, in one process. Before timing, each kernel's
// output on the first two images is checked against the host emulation (itself proven equal
// to the golden reference by the host tests). Prints markdown; without a CUDA device it says
// so and prints no figure.
//   cuda_bench [BATCH=128] [REPEATS=20]
#include <fmt/format.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/exact_conv.h"
#include "kernels/cuda/runtime.h"

using namespace qasim::kernels;
using namespace qasim::kernels::cuda;

namespace {

struct Shape {
  int64_t c, hw;
};

IntTensor random_tensor(Dims dims, int32_t lo, int32_t hi, std::mt19937& rng) {
  IntTensor t(std::move(dims));
  std::uniform_int_distribution<int32_t> u(lo, hi);
  for (int32_t& v : t.values()) v = u(rng);
  return t;
}

IntTensor first_images(const IntTensor& x, int64_t n) {
  Dims d = x.dims();
  const int64_t per = x.size() / d[0];
  d[0] = n;
  return IntTensor(d, std::vector<int32_t>(x.values().begin(), x.values().begin() + n * per));
}

// Plans one layer of `path`'s kind; returns its time per launch in ms (checked first).
double time_layer(bool binary, const Shape& s, int64_t batch, int repeats, std::mt19937& rng) {
  ConvGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 1;
  const QuantParams xq =
      binary ? QuantParams::binary({1.f}) : QuantParams::uniform(8, false, 0.05f, 0);
  const QuantParams wq = binary ? QuantParams::binary(std::vector<float>(s.c, 0.5f))
                                : QuantParams::uniform(8, true, 0.01f, 0);
  const QuantParams out =
      binary ? QuantParams::binary({1.f}) : QuantParams::uniform(8, false, 0.2f, 0);
  const IntTensor x = binary ? random_tensor({batch, s.c, s.hw, s.hw}, 0, 1, rng)
                             : random_tensor({batch, s.c, s.hw, s.hw}, 0, 255, rng);
  IntTensor xs = x;
  if (binary)
    for (int32_t& v : xs.values()) v = v ? 1 : -1;
  IntTensor w = binary ? random_tensor({s.c, s.c, 3, 3}, 0, 1, rng)
                       : random_tensor({s.c, s.c, 3, 3}, -128, 127, rng);
  if (binary)
    for (int32_t& v : w.values()) v = v ? 1 : -1;
  const auto [lo, hi] = activation_bounds(Activation::Relu, out);
  const ExactConvPlanResult r =
      plan_exact_conv(s.c, s.hw, s.hw, xq, w, wq, {}, g, Numerics{}, out, lo, hi);
  if (!r.plan) throw std::runtime_error("no plan: " + r.reason);
  const IntTensor head = first_images(xs, 2);
  if (run_exact_conv_cuda(*r.plan, head) != run_exact_conv_host(*r.plan, head))
    throw std::runtime_error(fmt::format("{} kernel differs from the host emulation at C={}",
                                         to_string(r.plan->path), s.c));
  return time_exact_conv_cuda(*r.plan, xs, repeats);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t batch = argc > 1 ? std::atoll(argv[1]) : 128;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 20;
  fmt::print("Device: {}\n\n", device_summary());
  if (device_count() == 0) {
    fmt::print("No CUDA device: nothing was measured.\n");
    return 0;
  }
  fmt::print(
      "Batch {}, 3x3 convolutions, stride 1, pad 1, C in = C out; ms per launch (mean of "
      "{} after a warm-up), outputs checked against the host emulation first.\n\n",
      batch, repeats);
  fmt::print(
      "| layer | int8 dp4a ms | binary xnor ms | binary speed-up | int8 GOPS | binary GOPS |\n");
  fmt::print("|---|---:|---:|---:|---:|---:|\n");
  std::mt19937 rng(7);
  for (const Shape s : {Shape{64, 32}, Shape{128, 16}, Shape{256, 8}, Shape{512, 4}}) {
    const double int8_ms = time_layer(false, s, batch, repeats, rng);
    const double bin_ms = time_layer(true, s, batch, repeats, rng);
    const double ops = 2.0 * batch * s.c * s.c * 9 * s.hw * s.hw;
    fmt::print("| C={} {}x{} | {:.3f} | {:.3f} | {:.2f}x | {:.0f} | {:.0f} |\n", s.c, s.hw, s.hw,
               int8_ms, bin_ms, int8_ms / bin_ms, ops / int8_ms * 1e-6, ops / bin_ms * 1e-6);
  }
  return 0;
}
