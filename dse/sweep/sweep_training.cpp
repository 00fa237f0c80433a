#include "dse/sweep/sweep_training.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <omp.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "dse/cli_common.h"
#include "workloads/train/backend.h"

namespace qasim::dse {

namespace {

namespace fs = std::filesystem;
namespace wt = workloads::train;

void write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return out;
    }
  }
}

// A line beside the sweep's progress bar (which it clears first on a terminal).
template <typename... Args>
void note(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, "{}{}\n", stderr_is_tty() ? "\r\033[K" : "",
             fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace

std::string trained_folder_file(const Workload& workload, const PrecisionAssignment& precision) {
  if (workload.trained.empty()) return "";
  return (fs::path(workload.trained) / (precision.label() + ".onnx")).string();
}

std::optional<TrainRequest> sweep_training_request(const Workload& workload,
                                                   const PrecisionAssignment& precision) {
  // Deep Compression points are not trained here: their model is the trained folder's
  // (made by `qasim compress`) or the post-training compression of the zoo model.
  if (!workload.training || !workload.is_zoo() || precision.as_model || precision.compressed)
    return std::nullopt;
  if (const std::string f = trained_folder_file(workload, precision); !f.empty() && fs::exists(f))
    return std::nullopt;
  const TrainingRecipe& t = *workload.training;
  TrainRequest r;
  r.model.spec = workload.model;
  r.model.width = workload.width;
  r.model.seed = t.seed;
  r.dataset = workload.dataset;
  const BitsMethods m = t.methods_for(precision.wbits, precision.abits, precision.method);
  r.quant_spec =
      fmt::format("{}:w{}+{}:a{}", m.weights, precision.wbits, m.activations, precision.abits);
  r.quant = wt::parse_quant_spec(r.quant_spec);
  // The zoo's convention, which the untrained points follow too: first and last layer
  // weights at 8 bits below 8 (first_last_bits 0), else at first_last_bits.
  const int edge = precision.first_last_bits ? precision.first_last_bits
                   : precision.wbits < 8     ? 8
                                             : 0;
  r.quant.first_bits = r.quant.last_bits = edge;
  r.model.first_bits = r.model.last_bits = edge;
  for (const auto& [name, bits] : precision.layers) {
    workloads::LayerPrecision& p = r.quant.layer_precision[name];
    if (bits.wbits) p.weight_bits = bits.wbits;
    if (bits.abits) p.activation_bits = bits.abits;
  }
  wt::TrainConfig& c = r.recipe;
  c.epochs = t.epochs;
  c.batch = t.batch;
  c.optimizer.kind = "sgd";
  c.optimizer.lr = t.lr;
  c.optimizer.momentum = 0.9;
  c.optimizer.nesterov = false;
  c.optimizer.weight_decay = 5e-4;
  c.augment = {t.crop_padding, t.flip};
  c.seed = t.seed;
  c.train_images = t.train_images;
  c.test_images = workload.images;
  return r;
}

std::string sweep_trained_model(const Workload& workload, const TrainRequest& request) {
  return (fs::path(workload.training->cache_dir) / request.config_hash() / "model.onnx").string();
}

void default_training_cache(Workload& workload, const std::string& db_path) {
  if (!workload.training || !workload.training->cache_dir.empty()) return;
  workload.training->cache_dir =
      (fs::path(db_path).parent_path() / "train-cache").lexically_normal().string();
  if (workload.training->cache_dir.empty()) workload.training->cache_dir = "train-cache";
}

std::string SweepTrainer::prepare(const DesignPoint& point) {
  std::optional<TrainRequest> request;
  try {
    request = sweep_training_request(m_workload, point.precision);
  } catch (const std::exception& e) {
    return std::string("training: ") + e.what();
  }
  if (!request) return "";
  const std::string hash = request->config_hash();
  auto it = m_made.find(hash);
  if (it == m_made.end()) {
    Made made;
    if (cached_entry(m_workload.training->cache_dir, hash)) {
      made.quant = request->quant_spec;
      made.file = sweep_trained_model(m_workload, *request);
      ++m_from_cache;
      note("{}: the trained model is in the trainer's cache (config hash {}); not training",
           point.precision.label(), hash);
    } else {
      made = train_in_child(*request, point.precision.label());
      if (made.trained_now) ++m_trained;
      if (made.reused) ++m_from_cache;
    }
    it = m_made.emplace(hash, made).first;
  }
  return it->second.failure;
}

void SweepTrainer::annotate(const DesignPoint& point, AccuracyResult& accuracy) const {
  std::optional<TrainRequest> request;
  try {
    request = sweep_training_request(m_workload, point.precision);
  } catch (const std::exception&) {
    return;
  }
  if (!request) return;
  const std::string hash = request->config_hash();
  const auto it = m_made.find(hash);
  if (it == m_made.end() || !it->second.failure.empty()) return;
  accuracy.trained = true;
  accuracy.source =
      fmt::format("{} (training:, {}, config hash {}): {}",
                  it->second.trained_now ? "trained now by the sweep" : "from the trainer's cache",
                  it->second.quant, hash, it->second.file);
}

SweepTrainer::Made SweepTrainer::train_in_child(const TrainRequest& request,
                                                const std::string& label) const {
  Made made;
  made.quant = request.quant_spec;
  made.file = sweep_trained_model(m_workload, request);
  const TrainingRecipe& t = *m_workload.training;
  const std::string hash = request.config_hash();
  note("{}: training {} ({} epoch(s), {} training images, {} thread(s); config hash {})...", label,
       request.quant_spec, t.epochs,
       t.train_images ? fmt::format("the first {}", t.train_images) : std::string("all"), t.threads,
       hash);
  const auto start = std::chrono::steady_clock::now();
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) {
    made.failure = "training: pipe: " + std::string(strerror(errno));
    return made;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  // The trainer runs OpenMP parallel regions, after which libgomp's thread pool would not
  // survive the fork of the next point's worker: it trains in a child of its own.
  const pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    made.failure = "training: fork: " + std::string(strerror(errno));
    return made;
  }
  if (pid == 0) {
    close(pipe_fds[0]);
    // The trainer's lines and progress bar go to stderr (or nowhere when quiet): the
    // sweep's stdout is its summary.
    const int to = m_quiet ? open("/dev/null", O_WRONLY) : dup(STDERR_FILENO);
    if (to >= 0) {
      dup2(to, STDOUT_FILENO);
      if (m_quiet) dup2(to, STDERR_FILENO);
      close(to);
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // in order with the progress bar on stderr
    nlohmann::json answer;
    try {
      omp_set_num_threads(t.threads);
      const std::unique_ptr<wt::Backend> backend = wt::make_backend("auto");
      const fs::path entry = fs::path(t.cache_dir) / hash;
      // The run folder keeps the checkpoint: a sweep stopped while training continues
      // the training where it stopped when it is resumed.
      const TrainOutcome outcome =
          train_or_reuse(request, {(entry / "run").string(), t.cache_dir, true, true}, *backend);
      // Trained and cached: the checkpoint has nothing left to resume.
      std::error_code ignored;
      fs::remove(entry / "run" / "checkpoint.bin", ignored);
      answer = {{"golden_accuracy", outcome.summary.value("golden_accuracy", 0.0)},
                {"test_images", outcome.summary.value("test_images", int64_t{0})},
                {"from_cache", outcome.from_cache}};
    } catch (const std::exception& e) {
      answer = {{"error", e.what()}};
    }
    std::fflush(stdout);
    write_all(pipe_fds[1], answer.dump());
    close(pipe_fds[1]);
    _exit(0);
  }
  close(pipe_fds[1]);
  const std::string text = read_all(pipe_fds[0]);
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFSIGNALED(status)) {
    made.failure =
        fmt::format("training {} ({}): the trainer process was killed by signal {} ({})", label,
                    request.quant_spec, WTERMSIG(status), strsignal(WTERMSIG(status)));
  } else {
    try {
      const nlohmann::json answer = nlohmann::json::parse(text);
      if (answer.contains("error"))
        made.failure = fmt::format("training {} ({}) failed: {}", label, request.quant_spec,
                                   answer.at("error").get<std::string>());
      else if (answer.at("from_cache").get<bool>())
        made.reused = true;  // another sweep sharing the cache trained it meanwhile
      else
        note("{}: trained in {:.1f} s; golden integer accuracy {:.2f}% on {} test images ({})",
             label, seconds, answer.at("golden_accuracy").get<double>(),
             answer.at("test_images").get<int64_t>(), made.file);
    } catch (const nlohmann::json::exception& e) {
      made.failure = fmt::format(
          "training {} ({}): no readable answer from the trainer process "
          "(exit status {}): {}",
          label, request.quant_spec, WEXITSTATUS(status), e.what());
    }
  }
  made.trained_now = made.failure.empty() && !made.reused;
  if (!made.failure.empty()) note("{}", made.failure);
  return made;
}

}  // namespace qasim::dse
