// The exact inference kernels on the GPU: one thread per output value, running the
// per-output function the host emulation runs (exact_conv_dot.h).
#include <cuda_runtime.h>

#include <stdexcept>

#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/exact_conv.h"
#include "kernels/cuda/exact_conv_dot.h"
#include "kernels/cuda/runtime.h"

namespace qasim::kernels::cuda {

namespace {

template <typename Word, typename WordDot>
__global__ void exact_conv_kernel(ExactConvDims d, const Word* __restrict__ x,
                                  const Word* __restrict__ w, const int32_t* __restrict__ tap_sums,
                                  RequantSpec spec, const ChannelMultiplier* __restrict__ mult,
                                  const int64_t* __restrict__ bias, int32_t* __restrict__ y,
                                  WordDot dot) {
  const int64_t total = d.outputs();
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < total;
       i += int64_t{gridDim.x} * blockDim.x)
    y[i] = exact_conv_output(d, x, w, tap_sums, spec, mult, bias, i, dot);
}

// The plan and one input on the device, ready to launch.
class DeviceLayer {
 public:
  DeviceLayer(const ExactConvPlan& plan, const IntTensor& x)
      : m_plan(plan),
        m_dims(dims_for_input(plan, x)),
        m_mult(plan.multipliers),
        m_bias(plan.bias),
        m_y(static_cast<size_t>(m_dims.outputs())) {
    if (plan.path == ExactPath::Binary) {
      m_x1.upload(pack_input1(plan, m_dims, x));
      m_w1.upload(plan.weights1);
    } else {
      m_x8.upload(pack_input8(plan, m_dims, x));
      m_w8.upload(plan.weights8);
      m_sums.upload(plan.tap_sums);
    }
  }

  void launch() {
    const int threads = 256;
    const int64_t blocks64 = (m_dims.outputs() + threads - 1) / threads;
    const int blocks = static_cast<int>(blocks64 < 65535 * 16 ? blocks64 : 65535 * 16);
    if (blocks == 0) return;
    switch (m_plan.path) {
      case ExactPath::Binary:
        exact_conv_kernel<<<blocks, threads>>>(m_dims, m_x1.data(), m_w1.data(), nullptr,
                                               m_plan.requant, m_mult.data(), m_bias.data(),
                                               m_y.data(), BinaryWord{m_dims.in_cg});
        break;
      case ExactPath::Int8Unsigned:
        exact_conv_kernel<<<blocks, threads>>>(m_dims, m_x8.data(), m_w8.data(), m_sums.data(),
                                               m_plan.requant, m_mult.data(), m_bias.data(),
                                               m_y.data(), Int8UnsignedWord{});
        break;
      case ExactPath::Int8Signed:
        exact_conv_kernel<<<blocks, threads>>>(m_dims, m_x8.data(), m_w8.data(), m_sums.data(),
                                               m_plan.requant, m_mult.data(), m_bias.data(),
                                               m_y.data(), Int8SignedWord{});
        break;
    }
    check_cuda(cudaGetLastError(), "exact conv kernel launch");
  }

  IntTensor result() {
    IntTensor y({m_dims.batch, m_dims.out_c, m_dims.out_h, m_dims.out_w});
    m_y.download(y.values());
    return y;
  }

 private:
  const ExactConvPlan& m_plan;
  ExactConvDims m_dims;
  DeviceBuffer<ChannelMultiplier> m_mult;
  DeviceBuffer<int64_t> m_bias;
  DeviceBuffer<int32_t> m_sums;
  DeviceBuffer<uint32_t> m_x8, m_w8;
  DeviceBuffer<uint64_t> m_x1, m_w1;
  DeviceBuffer<int32_t> m_y;
};

void require_device(const char* what) {
  if (device_count() == 0) throw std::runtime_error(std::string(what) + ": " + device_summary());
}

}  // namespace

IntTensor run_exact_conv_cuda(const ExactConvPlan& plan, const IntTensor& x) {
  require_device("run_exact_conv_cuda");
  DeviceLayer layer(plan, x);
  layer.launch();
  return layer.result();
}

double time_exact_conv_cuda(const ExactConvPlan& plan, const IntTensor& x, int repeats) {
  require_device("time_exact_conv_cuda");
  if (repeats < 1) throw std::invalid_argument("time_exact_conv_cuda: repeats < 1");
  DeviceLayer layer(plan, x);
  layer.launch();  // warm-up (first launch loads the module)
  check_cuda(cudaDeviceSynchronize(), "exact conv warm-up");
  cudaEvent_t start, stop;
  check_cuda(cudaEventCreate(&start), "cudaEventCreate");
  check_cuda(cudaEventCreate(&stop), "cudaEventCreate");
  cudaEventRecord(start);
  for (int r = 0; r < repeats; ++r) layer.launch();
  cudaEventRecord(stop);
  check_cuda(cudaEventSynchronize(stop), "exact conv timing");
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return static_cast<double>(ms) / repeats;
}

}  // namespace qasim::kernels::cuda
