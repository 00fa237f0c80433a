// Per-layer throughput of the exact conv paths on every ResNet-18 (224x224) conv shape:
// the int8 path (oneDNN where exact, else the built-in GEMM), the binary XNOR/popcount
// path, and the generic GEMM, all in one process so their ratios are meaningful on a
// shared machine. Prints markdown tables of GMAC/s (1 MAC = one multiply-accumulate).
//   conv_bench [--threads N=2] [--seconds S=0.3] [--peer]
// --peer times only the shapes scripts/bench_conv_peer.py gives PyTorch, for the side by
// side table. Times are medians over repeated calls after a warm-up call (which builds
// and caches oneDNN primitives and packed weights, as the golden engine's first image
// does).
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kernels/binary_conv.h"
#include "kernels/gemm_int.h"
#include "kernels/im2col.h"
#include "kernels/onednn_conv.h"
#include "kernels/ops.h"

using namespace qasim::kernels;

namespace {

struct Layer {
  const char* name;
  int64_t in_c, size, out_c;
  int kernel, stride, pad;
  int count;  // occurrences in ResNet-18
};

// Every conv of ResNet-18 at 224x224 (torchvision layout), batch 1.
const std::vector<Layer> kResnet18 = {
    {"conv1 7x7/2", 3, 224, 64, 7, 2, 3, 1},
    {"layer1 3x3", 64, 56, 64, 3, 1, 1, 4},
    {"layer2.0 3x3/2", 64, 56, 128, 3, 2, 1, 1},
    {"layer2.0 down 1x1/2", 64, 56, 128, 1, 2, 0, 1},
    {"layer2 3x3", 128, 28, 128, 3, 1, 1, 3},
    {"layer3.0 3x3/2", 128, 28, 256, 3, 2, 1, 1},
    {"layer3.0 down 1x1/2", 128, 28, 256, 1, 2, 0, 1},
    {"layer3 3x3", 256, 14, 256, 3, 1, 1, 3},
    {"layer4.0 3x3/2", 256, 14, 512, 3, 2, 1, 1},
    {"layer4.0 down 1x1/2", 256, 14, 512, 1, 2, 0, 1},
    {"layer4 3x3", 512, 7, 512, 3, 1, 1, 3},
};

ConvGeometry geometry(const Layer& l) {
  ConvGeometry g;
  g.kernel_h = g.kernel_w = l.kernel;
  g.stride_h = g.stride_w = l.stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = l.pad;
  return g;
}

int64_t macs(const Layer& l) {
  const ConvGeometry g = geometry(l);
  const int64_t out = g.out_h(static_cast<int>(l.size));
  return l.out_c * out * out * l.in_c * l.kernel * l.kernel;
}

// Median seconds per call over at least `min_seconds` of calls.
double median_seconds(const std::function<void()>& call, double min_seconds) {
  call();  // warm-up
  std::vector<double> times;
  double total = 0;
  while (total < min_seconds || times.size() < 5) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    times.push_back(dt);
    total += dt;
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

IntTensor random_tensor(std::mt19937& rng, Dims dims, int32_t lo, int32_t hi) {
  IntTensor t(std::move(dims));
  std::uniform_int_distribution<int32_t> d(lo, hi);
  for (auto& v : t.values()) v = d(rng);
  return t;
}

constexpr int64_t kBatch = 8;  // images per call in the batched dispatcher column

struct Row {
  std::string name;
  double gmacs_int8 = 0, gmacs_int8_dispatch = 0, gmacs_int8_batch = 0, gmacs_gemm = 0;
  double gmacs_binary = 0;
  std::string impl;
};

Row measure(const Layer& l, double seconds, bool with_gemm) {
  std::mt19937 rng(7);
  const ConvGeometry g = geometry(l);
  const double gmac = static_cast<double>(macs(l)) / 1e9;
  Row r;
  r.name = l.name;
  {
    // W8A8 as a quantized ResNet feeds it: unsigned activations after ReLU with a zero
    // point of 0, signed symmetric weights.
    const IntTensor x = random_tensor(rng, {1, l.in_c, l.size, l.size}, 0, 255);
    const IntTensor w = random_tensor(rng, {l.out_c, l.in_c, l.kernel, l.kernel}, -127, 127);
    const QuantParams xq = QuantParams::uniform(8, false, 0.1f, 0);
    const QuantParams wq = QuantParams::uniform(8, true, 0.01f, 0);
    const std::vector<int32_t> bias(static_cast<size_t>(l.out_c), 5);
    const ConvProblem p = *make_conv_problem(x, xq, w, wq, bias, g);
    AccTensor out({1, p.s.out_c, p.s.out_h, p.s.out_w});
    r.impl = onednn_conv_impl(p);
    if (r.impl.empty()) {
      r.impl = fmt::format("gemm_int ({})", gemm_int_isa());
      r.gmacs_int8 = gmac / median_seconds([&] { conv_via_gemm(p, out); }, seconds);
    } else {
      r.gmacs_int8 = gmac / median_seconds([&] { onednn_conv(p, out); }, seconds);
    }
    r.gmacs_int8_dispatch =
        gmac / median_seconds([&] { conv2d_accumulate(x, xq, w, wq, bias, g); }, seconds);
    // The golden engine runs a batch per call: the per-call costs (checking the weights
    // against the cache, allocating the output) are shared by its images.
    const IntTensor xb = random_tensor(rng, {kBatch, l.in_c, l.size, l.size}, 0, 255);
    r.gmacs_int8_batch =
        gmac * kBatch / median_seconds([&] { conv2d_accumulate(xb, xq, w, wq, bias, g); }, seconds);
    if (with_gemm) r.gmacs_gemm = gmac / median_seconds([&] { conv_via_gemm(p, out); }, seconds);
  }
  {
    const IntTensor x = random_tensor(rng, {1, l.in_c, l.size, l.size}, 0, 1);
    const IntTensor w = random_tensor(rng, {l.out_c, l.in_c, l.kernel, l.kernel}, 0, 1);
    IntTensor xb = x, wb = w;
    for (auto& v : xb.values()) v = v ? 1 : -1;
    for (auto& v : wb.values()) v = v ? 1 : -1;
    const QuantParams q = QuantParams::binary({1.f});
    const ConvProblem p = *make_conv_problem(xb, q, wb, q, {}, g);
    AccTensor out({1, p.s.out_c, p.s.out_h, p.s.out_w});
    r.gmacs_binary = gmac / median_seconds([&] { binary_conv(p, out); }, seconds);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  double seconds = 0.3;
  bool peer = false;
  std::string only;  // substring of a layer name: profile one layer
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc)
      seconds = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--peer"))
      peer = true;
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
      only = argv[++i];
    else {
      fmt::print(stderr, "usage: conv_bench [--threads N] [--seconds S] [--peer] [--only NAME]\n");
      return 2;
    }
  }
  omp_set_num_threads(threads);
  fmt::print("threads {}, oneDNN usable: {}, gemm_int: {}, binary: {}\n\n", threads,
             onednn_available() ? "yes" : "no", gemm_int_isa(), binary_conv_isa());
  std::vector<Layer> layers = kResnet18;
  if (!only.empty())
    std::erase_if(layers, [&](const Layer& l) {
      return std::string(l.name).find(only) == std::string::npos;
    });
  if (peer) {
    // The shapes the peer script times (same names).
    std::erase_if(layers, [](const Layer& l) {
      const std::string n = l.name;
      return n != "layer3 3x3" && n != "layer1 3x3" && n != "layer4 3x3" &&
             n != "layer3.0 down 1x1/2";
    });
  }
  fmt::print(
      "| layer | MMAC | int8 path GMAC/s | int8 dispatcher GMAC/s | int8 dispatcher, batch {} "
      "GMAC/s | generic GEMM GMAC/s | binary GMAC/s | binary / int8 | int8 implementation |\n",
      kBatch);
  fmt::print("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
  double total_macs = 0, t_int8 = 0, t_dispatch = 0, t_batch = 0, t_gemm = 0, t_binary = 0;
  for (const Layer& l : layers) {
    const Row r = measure(l, seconds, !peer);
    const double m = static_cast<double>(macs(l)) * l.count;
    total_macs += m;
    t_int8 += m / r.gmacs_int8, t_dispatch += m / r.gmacs_int8_dispatch;
    t_batch += m / r.gmacs_int8_batch;
    t_binary += m / r.gmacs_binary;
    if (!peer) t_gemm += m / r.gmacs_gemm;
    fmt::print("| {}{} | {:.1f} | {:.0f} | {:.0f} | {:.0f} | {} | {:.0f} | {:.2f} | {} |\n", r.name,
               l.count > 1 ? fmt::format(" (x{})", l.count) : "", macs(l) / 1e6, r.gmacs_int8,
               r.gmacs_int8_dispatch, r.gmacs_int8_batch,
               peer ? "-" : fmt::format("{:.0f}", r.gmacs_gemm), r.gmacs_binary,
               r.gmacs_binary / r.gmacs_int8, r.impl);
  }
  if (!peer)
    fmt::print(
        "| **all convs, weighted** | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.2f} "
        "| |\n",
        total_macs / 1e6, total_macs / t_int8, total_macs / t_dispatch, total_macs / t_batch,
        total_macs / t_gemm, total_macs / t_binary, t_int8 / t_binary);
  return 0;
}
