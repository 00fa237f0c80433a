#include "workloads/train/trainer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "kernels/train/loss.h"
#include "workloads/errors.h"
#include "workloads/train/binary_io.h"

namespace qasim::workloads::train {

namespace {

constexpr uint32_t kCheckpointMagic = 0x4b435451;  // "QTCK"
constexpr uint32_t kCheckpointVersion = 1;

OptimizerConfig with_schedule(OptimizerConfig o, const TrainConfig& c, int64_t steps_per_epoch) {
  o.total_steps = steps_per_epoch * c.epochs;
  o.warmup_steps = static_cast<int64_t>(c.warmup_epochs * static_cast<double>(steps_per_epoch));
  return o;
}

int64_t steps_per_epoch(int64_t images, int64_t batch) {
  return (images + batch - 1) / batch;
}

}  // namespace

std::string TrainConfig::describe() const {
  return fmt::format(
      "epochs={} batch={} {} warmup_epochs={} crop={} flip={} seed={} train={} "
      "test={}",
      epochs, batch, optimizer.describe(), warmup_epochs, augment.crop_padding, augment.flip, seed,
      train_images, test_images);
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) throw InputError(tmp, "cannot write");
  }
  std::filesystem::rename(tmp, path);
}

Trainer::Trainer(const Graph& structure, const QuantConfig& quant, TrainConfig config,
                 const Dataset& train, const Dataset& test, Backend& backend,
                 std::string config_text)
    : m_config(std::move(config)),
      m_train(train),
      m_test(test),
      m_config_text(std::move(config_text)),
      m_model(structure, quant, m_config.seed, backend),
      m_optimizer(with_schedule(m_config.optimizer, m_config,
                                steps_per_epoch(train_count(), m_config.batch))),
      m_rng(static_cast<uint32_t>(m_config.seed * 2654435761u + 1)) {
  if (m_config.batch < 1) throw InputError("--batch", "must be at least 1");
  if (m_config.epochs < 1) throw InputError("--epochs", "must be at least 1");
  if (train.size() == 0) throw InputError(train.name, "the training set is empty");
  if (m_model.num_classes() < train.num_classes)
    throw InputError(train.name, fmt::format("{} classes, but the model has {} outputs",
                                             train.num_classes, m_model.num_classes()));
}

int64_t Trainer::train_count() const {
  return m_config.train_images > 0 ? std::min(m_config.train_images, m_train.size())
                                   : m_train.size();
}

double Trainer::evaluate(const Dataset& data, int64_t limit, int64_t batch) {
  const int64_t count = limit > 0 ? std::min(limit, data.size()) : data.size();
  std::vector<int64_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  std::vector<float> images;
  std::vector<int32_t> labels;
  std::mt19937 unused(0);
  int64_t correct = 0;
  for (int64_t first = 0; first < count; first += batch) {
    const int64_t n = std::min(batch, count - first);
    make_batch(data, order, first, n, m_model.graph(), {}, nullptr, images, labels);
    const std::vector<float>& logits = m_model.forward(images, n, false, unused);
    int64_t right = 0;
    kernels::train::softmax_cross_entropy<float>(m_model.num_classes(), n, logits.data(),
                                                 labels.data(), nullptr, &right);
    correct += right;
  }
  return count ? 100.0 * static_cast<double>(correct) / static_cast<double>(count) : 0.0;
}

void Trainer::run(const std::string& checkpoint_path,
                  const std::function<void(const StepInfo&)>& on_step,
                  const std::function<void(const EpochRecord&)>& on_epoch) {
  const int64_t count = train_count(), batch = m_config.batch;
  const int64_t steps = steps_per_epoch(count, batch);
  std::vector<int64_t> order(static_cast<size_t>(count));
  std::vector<float> images, dlogits;
  std::vector<int32_t> labels;
  for (int epoch = static_cast<int>(m_curve.size()) + 1; epoch <= m_config.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), m_rng);
    const auto start = std::chrono::steady_clock::now();
    double loss_sum = 0;
    int64_t correct = 0, seen = 0;
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t n = std::min(batch, count - s * batch);
      make_batch(m_train, order, s * batch, n, m_model.graph(), m_config.augment, &m_rng, images,
                 labels);
      const std::vector<float>& logits = m_model.forward(images, n, true, m_rng);
      dlogits.resize(logits.size());
      int64_t right = 0;
      const double loss = kernels::train::softmax_cross_entropy<float>(
          m_model.num_classes(), n, logits.data(), labels.data(), dlogits.data(), &right);
      m_model.zero_grad();
      m_model.backward(dlogits);
      std::vector<Param> params = m_model.params();
      m_optimizer.step(params);
      loss_sum += loss * static_cast<double>(n);
      correct += right;
      seen += n;
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      if (on_step)
        on_step({epoch, s + 1, steps, loss_sum / static_cast<double>(seen),
                 100.0 * static_cast<double>(correct) / static_cast<double>(seen),
                 static_cast<double>(seen) / std::max(took.count(), 1e-9)});
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    EpochRecord r;
    r.epoch = epoch;
    r.train_loss = loss_sum / static_cast<double>(seen);
    r.train_accuracy = 100.0 * static_cast<double>(correct) / static_cast<double>(seen);
    r.seconds = took.count();
    r.images_per_second = static_cast<double>(seen) / std::max(took.count(), 1e-9);
    r.lr = m_optimizer.current_lr();
    r.test_accuracy = evaluate(m_test, m_config.test_images, std::max<int64_t>(batch, 256));
    m_curve.push_back(r);
    if (!checkpoint_path.empty()) save_checkpoint(checkpoint_path);
    if (on_epoch) on_epoch(r);
  }
}

void Trainer::save_checkpoint(const std::string& path) const {
  std::ostringstream out(std::ios::binary);
  io::put(out, kCheckpointMagic);
  io::put(out, kCheckpointVersion);
  io::put_string(out, m_config_text);
  io::put<uint64_t>(out, m_curve.size());
  for (const EpochRecord& r : m_curve) {
    io::put<int32_t>(out, r.epoch);
    for (double v :
         {r.train_loss, r.train_accuracy, r.test_accuracy, r.lr, r.seconds, r.images_per_second})
      io::put(out, v);
  }
  std::ostringstream rng;
  rng << m_rng;
  io::put_string(out, rng.str());
  m_optimizer.save(out);
  m_model.save(out);
  write_atomically(path, out.str());
}

int Trainer::resume(const std::string& path) {
  if (!std::filesystem::exists(path)) return 0;
  std::ifstream file(path, std::ios::binary);
  std::stringstream in;
  in << file.rdbuf();
  if (io::get<uint32_t>(in, path) != kCheckpointMagic) throw InputError(path, "not a checkpoint");
  if (io::get<uint32_t>(in, path) != kCheckpointVersion)
    throw InputError(path, "checkpoint of another format version");
  if (io::get_string(in, path) != m_config_text)
    throw InputError(path,
                     "checkpoint of a different configuration (model, data, "
                     "quantization or recipe changed): remove it or use another --out");
  const auto epochs = io::get<uint64_t>(in, path);
  if (epochs > static_cast<uint64_t>(m_config.epochs))
    throw InputError(path, "checkpoint has more epochs than requested");
  m_curve.resize(epochs);
  for (EpochRecord& r : m_curve) {
    r.epoch = io::get<int32_t>(in, path);
    for (double* v : {&r.train_loss, &r.train_accuracy, &r.test_accuracy, &r.lr, &r.seconds,
                      &r.images_per_second})
      *v = io::get<double>(in, path);
  }
  std::istringstream rng(io::get_string(in, path));
  rng >> m_rng;
  std::vector<Param> params = m_model.params();
  m_optimizer.load(in, params);
  m_model.load(in);
  return static_cast<int>(epochs);
}

}  // namespace qasim::workloads::train
