// Whole-network throughput of the golden reference: a zoo network with seeded random
// weights, calibrated, then timed over a batch. Prints a markdown table of GMAC/s.
//   golden_bench [MODEL=resnet18] [IMAGES=4] [SIZE=224]
// Runs the int8 network (W8A8) and the binary one (W1A1, first and last layer 8-bit) in
// the same process so their ratio is meaningful on a noisy machine.
#include <fmt/format.h>

#include <malloc.h>

#include <chrono>
#include <random>
#include <string>

#include "kernels/build_info.h"
#include "workloads/calibrate.h"
#include "workloads/golden_engine.h"
#include "workloads/zoo/zoo.h"

using namespace qasim;

namespace {

kernels::IntTensor random_images(const workloads::Graph& g, int n, uint32_t seed) {
  const workloads::Shape3 s = g.input().output_shape;
  std::mt19937 rng(seed);
  kernels::IntTensor x({n, s.c, s.h, s.w});
  for (int64_t k = 0; k < x.size(); ++k) x[k] = static_cast<int32_t>(rng() % 256);
  return x;
}

struct Result {
  double gmacs = 0, conv_gmacs = 0, ms_per_image = 0;
};

Result measure(const std::string& model, int size, int images, int wbits, int abits,
               kernels::Scheme scheme) {
  workloads::ZooOptions o;
  o.input_height = o.input_width = size;
  o.weight_bits = wbits;
  o.activation_bits = abits;
  o.weight_scheme = scheme;
  workloads::Graph g = workloads::make_zoo_model(model, o, true);
  workloads::calibrate_activation_scales(g, random_images(g, 2, 1));
  workloads::GoldenEngine engine(g);
  const kernels::IntTensor x = random_images(g, images, 2);
  // Warm-up on the same engine: oneDNN primitives are created and the packed weights
  // cached (by address), as in any run past its first batch.
  engine.run(random_images(g, images, 3));
  const std::vector<workloads::LayerProfile> before = engine.profile();
  const auto start = std::chrono::steady_clock::now();
  engine.run(x);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double conv_seconds = 0;
  int64_t conv_macs = 0;
  for (size_t i = 0; i < g.layers.size(); ++i)
    if (g.layers[i].kind == workloads::OpKind::Conv) {
      conv_seconds += engine.profile()[i].seconds - before[i].seconds;
      conv_macs += engine.profile()[i].macs - before[i].macs;
    }
  Result r;
  r.gmacs = g.total_macs() * double(images) / seconds / 1e9;
  r.conv_gmacs = conv_macs / conv_seconds / 1e9;
  r.ms_per_image = 1e3 * seconds / images;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);  // as qasim's main: reuse big accumulator buffers
  const std::string model = argc > 1 ? argv[1] : "resnet18";
  const int images = argc > 2 ? std::stoi(argv[2]) : 4;
  const int size = argc > 3 ? std::stoi(argv[3]) : 224;
  fmt::print("golden reference, {} at {}x{}, batch of {} images, {} threads, oneDNN {}, CPU {}\n\n",
             model, size, size, images, kernels::max_threads(),
             kernels::have_onednn() ? "yes" : "no", kernels::cpu_features());
  const Result int8 = measure(model, size, images, 8, 8, kernels::Scheme::Uniform);
  const Result bin = measure(model, size, images, 1, 1, kernels::Scheme::Binary);
  fmt::print("| network | whole net GMAC/s | conv layers GMAC/s | ms/image |\n|---|---|---|---|\n");
  fmt::print("| {} int8 (W8A8) | {:.1f} | {:.1f} | {:.1f} |\n", model, int8.gmacs, int8.conv_gmacs,
             int8.ms_per_image);
  fmt::print("| {} binary (W1A1, first/last 8-bit) | {:.1f} | {:.1f} | {:.1f} |\n", model,
             bin.gmacs, bin.conv_gmacs, bin.ms_per_image);
  fmt::print("\nbinary speed-up over int8: {:.2f}x (whole net), {:.2f}x (conv layers)\n",
             int8.ms_per_image / bin.ms_per_image, bin.conv_gmacs / int8.conv_gmacs);
  return 0;
}
