// Graph-side helpers every accelerator compiler needs: where a layer is (for InputError
// messages) and the convolution shape a Conv or FullyConnected layer runs as.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "kernels/ops.h"
#include "workloads/graph.h"

namespace qasim::arch {

// "model 'm', layer 'l'": the place an InputError about one layer names.
std::string layer_place(const workloads::Graph& g, const workloads::Layer& l);

// A convolution as the hardware sees it; FullyConnected is a 1x1 convolution over the
// flattened input.
struct ConvShape {
  int in_c = 0, in_h = 0, in_w = 0;
  int out_c = 0, out_h = 0, out_w = 0;
  kernels::ConvGeometry geometry;
  int group_in() const { return in_c / geometry.groups; }
  int group_out() const { return out_c / geometry.groups; }
  // Products per output: the length of the dot product an output needs.
  int64_t reduction() const { return int64_t{group_in()} * geometry.kernel_h * geometry.kernel_w; }
};

// The shape of Conv or FullyConnected layer `l` (shapes inferred).
ConvShape conv_shape(const workloads::Graph& g, const workloads::Layer& l);

// Input positions [first, last) that outputs [o0, o1) read along one axis, clamped to
// [0, extent).
std::pair<int, int> input_span(int o0, int o1, int stride, int pad, int dilation, int kernel,
                               int extent);

// Input extent the largest window of `outputs` outputs spans along one axis (unclamped).
int64_t window_span(int outputs, int stride, int dilation, int kernel);

}  // namespace qasim::arch
