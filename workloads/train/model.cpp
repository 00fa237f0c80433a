#include "workloads/train/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <istream>
#include <ostream>
#include <sstream>

#include "kernels/train/conv.h"
#include "workloads/errors.h"
#include "workloads/train/binary_io.h"
#include "workloads/train/fold.h"

namespace qasim::workloads::train {

namespace kt = kernels::train;
using kernels::Activation;

namespace {

constexpr uint32_t kModelMagic = 0x4c444d51;  // "QMDL"

// BinaryConnect and BNN update real-valued weights clipped to [-1, 1] (REFERENCES.md).
float latent_clip(const kernels::qat::FakeQuantizer* q) {
  return q ? q->latent_clip().value_or(0.f) : 0.f;
}

void resize(std::vector<float>& v, int64_t n) {
  v.resize(static_cast<size_t>(n));
}

}  // namespace

TrainModel::TrainModel(const Graph& graph, const QuantConfig& config, uint64_t seed,
                       Backend& backend)
    : m_graph(graph), m_backend(backend) {
  m_graph.infer_shapes();
  std::vector<LayerQuantizers> quant = make_quantizers(m_graph, config);
  m_layers.resize(m_graph.layers.size());
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < m_graph.layers.size(); ++i) {
    const Layer& l = m_graph.layers[i];
    LayerState& s = m_layers[i];
    s.quant = std::move(quant[i]);
    if (!l.has_weights()) continue;
    const int64_t count = m_graph.weight_count(i);
    const int64_t oc = l.out_channels, fan_in = count / oc;
    resize(s.w, count);
    if (l.fixed_weights) {
      if (l.weights.size() != count)
        throw InputError(fmt::format("model '{}', layer '{}'", m_graph.name, l.name),
                         "fixed weights are missing");
      for (int64_t k = 0; k < count; ++k)
        s.w[k] =
            l.weight_q.scale_at(0) * static_cast<float>(l.weights[k] - l.weight_q.zero_point_at(0));
      continue;
    }
    if (l.kind == OpKind::Conv) {
      std::normal_distribution<float> he(0.f, std::sqrt(2.f / static_cast<float>(fan_in)));
      for (float& v : s.w) v = he(rng);
    } else {
      const float bound = 1.f / std::sqrt(static_cast<float>(fan_in));
      std::uniform_real_distribution<float> u(-bound, bound);
      for (float& v : s.w) v = u(rng);
    }
    s.dw.assign(s.w.size(), 0.f);
    if (l.batchnorm_folded) {
      s.gamma.assign(oc, 1.f), s.beta.assign(oc, 0.f);
      s.dgamma.assign(oc, 0.f), s.dbeta.assign(oc, 0.f);
      s.running_mean.assign(oc, 0.f), s.running_var.assign(oc, 1.f);
    } else if (l.has_bias) {
      s.bias.assign(oc, 0.f);
      if (l.kind == OpKind::FullyConnected) {
        const float bound = 1.f / std::sqrt(static_cast<float>(fan_in));
        std::uniform_real_distribution<float> u(-bound, bound);
        for (float& v : s.bias) v = u(rng);
      }
      s.dbias.assign(oc, 0.f);
    }
  }
}

Backend::ConvDims TrainModel::conv_dims(size_t i) const {
  const Layer& l = m_graph.layers[i];
  const Shape3 in = m_graph.layers[l.inputs[0]].output_shape;
  return {m_batch, in.c, in.h, in.w, l.out_channels, l.geometry};
}

bool TrainModel::skips_activation(size_t i) const {
  const auto& a = m_layers[i].quant.activation;
  return a && a->bits() == 1;
}

const std::vector<float>& TrainModel::forward(const std::vector<float>& input, int64_t batch,
                                              bool training, std::mt19937& rng) {
  const Shape3 in = m_graph.input().output_shape;
  if (static_cast<int64_t>(input.size()) != in.elements() * batch)
    throw std::invalid_argument(fmt::format("TrainModel::forward: {} values for {} images of {}",
                                            input.size(), batch, to_string(in)));
  m_batch = batch;
  if (training) m_rng = &rng;
  m_grids.assign(m_layers.size(), m_graph.input().output_q);
  m_layers[0].out = input;
  for (size_t i = 1; i < m_layers.size(); ++i) {
    forward_layer(i, training, rng);
    // The grid the layer's output lies on, known once its quantizer has run (fold.h).
    m_grids[i] = output_grid(i, m_grids);
  }
  return m_layers.back().out;
}

void TrainModel::forward_layer(size_t i, bool training, std::mt19937& rng) {
  const Layer& l = m_graph.layers[i];
  LayerState& s = m_layers[i];
  const Shape3 shape = l.output_shape;
  const int64_t n = shape.elements() * m_batch;
  const std::vector<float>& x = m_layers[l.inputs[0]].out;
  const Shape3 in_shape = m_graph.layers[l.inputs[0]].output_shape;
  auto quantize_output = [&](std::vector<float>& from) {
    if (s.quant.activation) {
      resize(s.out, n);
      s.quant.activation->forward(from, s.out, m_batch, training, rng);
    } else {
      s.out = from;
    }
  };
  auto activate = [&] {
    if (skips_activation(i)) {
      s.act = s.pre;
    } else {
      resize(s.act, n);
      m_backend.activation_forward(l.activation, l.clip_lo, l.clip_hi, n, s.pre.data(),
                                   s.act.data());
    }
    quantize_output(s.act);
  };

  switch (l.kind) {
    case OpKind::Input:
      return;
    case OpKind::Conv:
    case OpKind::FullyConnected: {
      if (l.fixed_weights) {
        resize(s.out, n);
        m_backend.conv_forward(conv_dims(i), x.data(), s.w.data(), nullptr, s.out.data());
        // A binary grid has no zero: the integer model's zero-padded shortcut channels come
        // out as the sign of 0, i.e. +1 (ops.h binary_sign); the float model matches.
        const kernels::QuantParams& grid = m_grids[l.inputs[0]];
        if (grid.scheme == kernels::Scheme::Binary)
          for (float& v : s.out)
            if (v == 0.f) v = grid.scale[0];
        return;
      }
      resize(s.wq, static_cast<int64_t>(s.w.size()));
      if (s.quant.weight)
        s.quant.weight->forward(s.w, s.wq, l.out_channels, training, rng);
      else
        s.wq = s.w;
      // Evaluation applies the folded affine map with the integer model's bias (fold.h).
      const bool folded = !training && (l.batchnorm_folded || !s.bias.empty());
      const float* bias = s.bias.empty() || folded ? nullptr : s.bias.data();
      std::vector<float>& z = l.batchnorm_folded || folded ? m_tmp : s.pre;
      resize(z, n);
      if (l.kind == OpKind::Conv) {
        m_backend.conv_forward(conv_dims(i), x.data(), s.wq.data(), bias, z.data());
      } else {
        const int64_t hw = int64_t{in_shape.h} * in_shape.w, k = in_shape.elements();
        if (hw == 1) {
          s.features = x;
        } else {
          resize(s.features, k * m_batch);
          kt::cnhw_to_features(in_shape.c, m_batch, hw, x.data(), s.features.data());
        }
        m_backend.fc_forward(k, m_batch, l.out_channels, s.features.data(), s.wq.data(), bias,
                             z.data());
      }
      if (folded) {
        apply_folded(i, z, n);
      } else if (l.batchnorm_folded) {
        const Backend::BatchNormDims bd{l.out_channels, n / l.out_channels};
        resize(s.pre, n);
        if (training) {
          resize(s.x_hat, n);
          resize(s.inv_std, l.out_channels);
          m_backend.batchnorm_forward_train(bd, z.data(), s.gamma.data(), s.beta.data(),
                                            s.pre.data(), s.x_hat.data(), s.inv_std.data(),
                                            s.running_mean.data(), s.running_var.data());
        } else {
          m_backend.batchnorm_forward_eval(bd, z.data(), s.gamma.data(), s.beta.data(),
                                           s.running_mean.data(), s.running_var.data(),
                                           s.pre.data());
        }
      }
      activate();
      return;
    }
    case OpKind::MaxPool: {
      const Backend::PoolDims pd{in_shape.c * m_batch, in_shape.h, in_shape.w, l.geometry};
      resize(s.out, n);
      s.argmax.resize(static_cast<size_t>(n));
      m_backend.max_pool_forward(pd, x.data(), s.out.data(), s.argmax.data());
      return;
    }
    case OpKind::AvgPool:
    case OpKind::GlobalAvgPool: {
      Backend::PoolDims pd{in_shape.c * m_batch, in_shape.h, in_shape.w, l.geometry};
      if (l.kind == OpKind::GlobalAvgPool) {
        pd.geometry = {};
        pd.geometry.kernel_h = in_shape.h;
        pd.geometry.kernel_w = in_shape.w;
      }
      resize(s.act, n);
      m_backend.avg_pool_forward(pd, l.count_include_pad, x.data(), s.act.data());
      quantize_output(s.act);
      return;
    }
    case OpKind::Add: {
      const std::vector<float>& b = m_layers[l.inputs[1]].out;
      resize(s.pre, n);
      for (int64_t k = 0; k < n; ++k) s.pre[k] = x[k] + b[k];
      activate();
      return;
    }
    case OpKind::Concat: {
      // CNHW: the channels of each input are one contiguous block.
      s.act.clear();
      for (int src : l.inputs)
        s.act.insert(s.act.end(), m_layers[src].out.begin(), m_layers[src].out.end());
      quantize_output(s.act);
      return;
    }
    case OpKind::Flatten: {
      resize(s.out, n);
      kt::cnhw_to_features(in_shape.c, m_batch, int64_t{in_shape.h} * in_shape.w, x.data(),
                           s.out.data());
      return;
    }
  }
}

void TrainModel::apply_folded(size_t i, const std::vector<float>& z, int64_t n) {
  const Layer& l = m_graph.layers[i];
  LayerState& s = m_layers[i];
  const FoldedAffine f = folded_affine(l, s);
  const kernels::QuantParams wq = s.quant.weight->to_integer(s.w, l.out_channels).params;
  const kernels::QuantParams& in_q = m_grids[l.inputs[0]];
  const float in_scale = in_q.scale[0];
  const int64_t per = n / l.out_channels;
  resize(s.pre, n);
  for (int64_t c = 0; c < l.out_channels; ++c) {
    const float scale = folded_weight_scale(wq, f, c);
    const auto factor = static_cast<float>(f.factor[c]);
    const int32_t bias_int = folded_integer_bias(f, c, in_scale, scale);
    // With zero points 0 the exact conv output is an integer accumulator times
    // in_scale * w_scale; the float conv misses it by rounding noise, which flips sign
    // activations where the integer model sits exactly at zero. Snap to that integer while
    // it is exact in float (|acc| < 2^22), then apply the integer model's affine map.
    const double step = double{in_scale} * wq.scale_at(c);
    if (in_q.zero_point_at(0) == 0 && wq.zero_point_at(c) == 0 && step > 0) {
      const double sign = f.factor[c] < 0 ? -1.0 : 1.0;
      for (int64_t k = c * per; k < (c + 1) * per; ++k) {
        const double acc = std::nearbyint(z[k] / step);
        s.pre[k] = std::fabs(acc) < 4194304.0
                       ? static_cast<float>((sign * acc + bias_int) * (double{in_scale} * scale))
                       : factor * z[k] + static_cast<float>(bias_int) * (in_scale * scale);
      }
      continue;
    }
    const float bias = static_cast<float>(bias_int) * (in_scale * scale);
    for (int64_t k = c * per; k < (c + 1) * per; ++k) s.pre[k] = factor * z[k] + bias;
  }
}

void TrainModel::zero_grad() {
  for (LayerState& s : m_layers)
    for (std::vector<float>* g : {&s.dw, &s.dbias, &s.dgamma, &s.dbeta})
      std::fill(g->begin(), g->end(), 0.f);
  for (Param& p : params())
    if (p.name.find(".q.") != std::string::npos) std::fill(p.grad->begin(), p.grad->end(), 0.f);
}

void TrainModel::add_grad(int producer, const float* g, int64_t n) {
  if (producer == 0) return;  // no gradient for the input images
  std::vector<float>& dst = m_layers[producer].grad;
  if (dst.empty()) {
    dst.assign(g, g + n);
    return;
  }
  for (int64_t k = 0; k < n; ++k) dst[k] += g[k];
}

void TrainModel::backward(const std::vector<float>& dlogits) {
  if (!m_rng) throw std::logic_error("TrainModel::backward without a training forward pass");
  for (LayerState& s : m_layers) s.grad.clear();
  m_layers.back().grad = dlogits;
  for (size_t i = m_layers.size() - 1; i >= 1; --i)
    if (!m_layers[i].grad.empty()) backward_layer(i);
}

void TrainModel::backward_layer(size_t i) {
  const Layer& l = m_graph.layers[i];
  LayerState& s = m_layers[i];
  const int64_t n = l.output_shape.elements() * m_batch;
  const Shape3 in_shape = m_graph.layers[l.inputs[0]].output_shape;
  const int64_t in_n = in_shape.elements() * m_batch;
  std::vector<float>& g = s.grad;
  // Gradient through the output quantizer and the activation, into m_tmp.
  auto through_output = [&](bool with_activation) {
    resize(m_tmp, n);
    if (s.quant.activation)
      s.quant.activation->backward(s.act, g, m_tmp, m_batch);
    else
      std::copy(g.begin(), g.end(), m_tmp.begin());
    if (with_activation && !skips_activation(i))
      m_backend.activation_backward(l.activation, l.clip_lo, l.clip_hi, n, s.pre.data(),
                                    m_tmp.data(), m_tmp.data());
  };

  switch (l.kind) {
    case OpKind::Input:
      return;
    case OpKind::Conv:
    case OpKind::FullyConnected: {
      const std::vector<float>& x = m_layers[l.inputs[0]].out;
      if (l.fixed_weights) {
        resize(m_tmp2, in_n);
        m_backend.conv_backward_data(conv_dims(i), g.data(), s.w.data(), m_tmp2.data());
        add_grad(l.inputs[0], m_tmp2.data(), in_n);
        return;
      }
      if (s.quant.gradient) {
        // Stochastic gradient rounding draws from the generator of the training forward
        // pass (the trainer's, saved in checkpoints), so resumed runs draw the same.
        // The quantizer takes one row per sample (DoReFa scales each sample's gradient):
        // CNHW is transposed to NCHW around it.
        const int64_t hw = int64_t{l.output_shape.h} * l.output_shape.w;
        std::vector<float> rows(g.size()), q(g.size());
        kt::cnhw_to_features(l.out_channels, m_batch, hw, g.data(), q.data());  // [C*HW, N]
        for (int64_t f = 0; f < l.out_channels * hw; ++f)
          for (int64_t b = 0; b < m_batch; ++b)
            rows[b * l.out_channels * hw + f] = q[f * m_batch + b];
        s.quant.gradient->forward(rows, q, m_batch, true, *m_rng);
        for (int64_t f = 0; f < l.out_channels * hw; ++f)
          for (int64_t b = 0; b < m_batch; ++b)
            rows[f * m_batch + b] = q[b * l.out_channels * hw + f];
        kt::features_to_cnhw(l.out_channels, m_batch, hw, rows.data(), g.data());
      }
      through_output(true);
      if (l.batchnorm_folded) {
        const Backend::BatchNormDims bd{l.out_channels, n / l.out_channels};
        m_backend.batchnorm_backward(bd, m_tmp.data(), s.x_hat.data(), s.gamma.data(),
                                     s.inv_std.data(), m_tmp.data(), s.dgamma.data(),
                                     s.dbeta.data());
      }
      float* dbias = s.dbias.empty() ? nullptr : s.dbias.data();
      std::vector<float> dwq(s.w.size(), 0.f);
      resize(m_tmp2, l.kind == OpKind::Conv ? in_n : static_cast<int64_t>(s.features.size()));
      if (l.kind == OpKind::Conv) {
        m_backend.conv_backward_weights(conv_dims(i), x.data(), m_tmp.data(), dwq.data(), dbias);
        if (l.inputs[0] != 0)
          m_backend.conv_backward_data(conv_dims(i), m_tmp.data(), s.wq.data(), m_tmp2.data());
      } else {
        m_backend.fc_backward(in_shape.elements(), m_batch, l.out_channels, s.features.data(),
                              s.wq.data(), m_tmp.data(), m_tmp2.data(), dwq.data(), dbias);
        const int64_t hw = int64_t{in_shape.h} * in_shape.w;
        if (hw != 1) {
          std::vector<float> back(static_cast<size_t>(in_n));
          kt::features_to_cnhw(in_shape.c, m_batch, hw, m_tmp2.data(), back.data());
          m_tmp2.swap(back);
        }
      }
      if (s.quant.weight) {
        std::vector<float> dw(s.w.size());
        s.quant.weight->backward(s.w, dwq, dw, l.out_channels);
        for (size_t k = 0; k < dw.size(); ++k) s.dw[k] += dw[k];
      } else {
        for (size_t k = 0; k < dwq.size(); ++k) s.dw[k] += dwq[k];
      }
      add_grad(l.inputs[0], m_tmp2.data(), in_n);
      return;
    }
    case OpKind::MaxPool: {
      const Backend::PoolDims pd{in_shape.c * m_batch, in_shape.h, in_shape.w, l.geometry};
      resize(m_tmp2, in_n);
      m_backend.max_pool_backward(pd, g.data(), s.argmax.data(), m_tmp2.data());
      add_grad(l.inputs[0], m_tmp2.data(), in_n);
      return;
    }
    case OpKind::AvgPool:
    case OpKind::GlobalAvgPool: {
      through_output(false);
      Backend::PoolDims pd{in_shape.c * m_batch, in_shape.h, in_shape.w, l.geometry};
      if (l.kind == OpKind::GlobalAvgPool) {
        pd.geometry = {};
        pd.geometry.kernel_h = in_shape.h;
        pd.geometry.kernel_w = in_shape.w;
      }
      resize(m_tmp2, in_n);
      m_backend.avg_pool_backward(pd, l.count_include_pad, m_tmp.data(), m_tmp2.data());
      add_grad(l.inputs[0], m_tmp2.data(), in_n);
      return;
    }
    case OpKind::Add:
      through_output(true);
      add_grad(l.inputs[0], m_tmp.data(), n);
      add_grad(l.inputs[1], m_tmp.data(), n);
      return;
    case OpKind::Concat: {
      through_output(false);
      int64_t offset = 0;
      for (int src : l.inputs) {
        const int64_t part = static_cast<int64_t>(m_layers[src].out.size());
        add_grad(src, m_tmp.data() + offset, part);
        offset += part;
      }
      return;
    }
    case OpKind::Flatten: {
      resize(m_tmp2, in_n);
      kt::features_to_cnhw(in_shape.c, m_batch, int64_t{in_shape.h} * in_shape.w, g.data(),
                           m_tmp2.data());
      add_grad(l.inputs[0], m_tmp2.data(), in_n);
      return;
    }
  }
}

std::vector<Param> TrainModel::params() {
  std::vector<Param> out;
  for (size_t i = 0; i < m_layers.size(); ++i) {
    const Layer& l = m_graph.layers[i];
    LayerState& s = m_layers[i];
    if (l.has_weights() && !l.fixed_weights) {
      out.push_back({l.name + ".weight", &s.w, &s.dw, -1.f, latent_clip(s.quant.weight.get())});
      if (!s.bias.empty()) out.push_back({l.name + ".bias", &s.bias, &s.dbias, 0.f, 0.f});
      if (!s.gamma.empty()) {
        out.push_back({l.name + ".bn.weight", &s.gamma, &s.dgamma, 0.f, 0.f});
        out.push_back({l.name + ".bn.bias", &s.beta, &s.dbeta, 0.f, 0.f});
      }
    }
    const std::pair<const char*, kernels::qat::FakeQuantizer*> quantizers[] = {
        {"weight", s.quant.weight.get()}, {"output", s.quant.activation.get()}};
    for (const auto& [role, q] : quantizers) {
      if (!q) continue;
      for (const kernels::qat::LearnedParam& lp : q->learned_params())
        out.push_back({fmt::format("{}.q.{}.{}", l.name, role, lp.name), lp.value, lp.grad,
                       lp.weight_decay > 0 ? lp.weight_decay : -1.f, 0.f});
    }
  }
  return out;
}

void TrainModel::save(std::ostream& out) const {
  io::put(out, kModelMagic);
  io::put<uint64_t>(out, m_layers.size());
  for (const LayerState& s : m_layers) {
    for (const std::vector<float>* v :
         {&s.w, &s.bias, &s.gamma, &s.beta, &s.running_mean, &s.running_var})
      io::put_vec(out, *v);
    for (const kernels::qat::FakeQuantizer* q :
         {s.quant.weight.get(), s.quant.activation.get(), s.quant.gradient.get()})
      io::put_vec(out, q ? q->state() : std::vector<float>{});
  }
}

void TrainModel::load(std::istream& in) {
  const std::string where = "checkpoint model";
  if (io::get<uint32_t>(in, where) != kModelMagic) throw InputError(where, "not a model state");
  if (io::get<uint64_t>(in, where) != m_layers.size())
    throw InputError(where, "layer count differs from the model's");
  for (size_t i = 0; i < m_layers.size(); ++i) {
    LayerState& s = m_layers[i];
    const std::string at = fmt::format("{}, layer '{}'", where, m_graph.layers[i].name);
    for (std::vector<float>* v :
         {&s.w, &s.bias, &s.gamma, &s.beta, &s.running_mean, &s.running_var})
      *v = io::get_vec<float>(in, at, static_cast<int64_t>(v->size()));
    for (kernels::qat::FakeQuantizer* q :
         {s.quant.weight.get(), s.quant.activation.get(), s.quant.gradient.get()}) {
      const std::vector<float> state = io::get_vec<float>(in, at);
      if (q) q->load_state(state);
    }
  }
}

}  // namespace qasim::workloads::train
