#include "dse/sweep/mpi_runner.h"

#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace qasim::dse {

namespace {

enum Tag : int { kPoint = 1, kResult = 2, kStop = 3 };

void send_text(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

// Receives one message of any size; returns its text, and its source and tag. Waits by
// polling with short sleeps: Open MPI's blocking probe spins a core, which on a machine
// with as many ranks as cores takes that core from a worker (measured: twice as slow).
std::string receive_text(int from, int tag, MPI_Status& status) {
  for (int flag = 0;;) {
    MPI_Iprobe(from, tag, MPI_COMM_WORLD, &flag, &status);
    if (flag) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string text(static_cast<size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return text;
}

class MpiExecutor : public Executor {
 public:
  explicit MpiExecutor(const MpiWorld& world) : m_workers(world.size() - 1) {
    for (int r = 1; r < world.size(); ++r) m_idle.push_back(r);
  }
  ~MpiExecutor() override {
    // Collect what busy workers are computing (a sweep that stopped early), so no rank is
    // left blocked in a send, then release every worker.
    while (!m_busy.empty()) {
      MPI_Status status;
      receive_text(MPI_ANY_SOURCE, kResult, status);
      m_busy.erase(status.MPI_SOURCE);
    }
    for (int r = 1; r <= m_workers; ++r) send_text("", r, kStop);
  }
  int capacity() const override { return m_workers; }
  int in_flight() const override { return static_cast<int>(m_busy.size()); }
  void start(const DesignPoint& point, const std::optional<AccuracyResult>& accuracy) override {
    if (m_idle.empty()) throw std::logic_error("MPI executor: no idle worker");
    const int rank = m_idle.back();
    m_idle.pop_back();
    nlohmann::json message = {{"point", point_to_json(point)}};
    if (accuracy)
      message["accuracy"] = {{"top1", accuracy->top1},
                             {"images", accuracy->images},
                             {"trained", accuracy->trained},
                             {"source", accuracy->source}};
    send_text(message.dump(), rank, kPoint);
    m_busy.emplace(rank, point);
  }
  std::pair<DesignPoint, PointResult> wait_any() override {
    MPI_Status status;
    const std::string text = receive_text(MPI_ANY_SOURCE, kResult, status);
    const auto it = m_busy.find(status.MPI_SOURCE);
    if (it == m_busy.end()) throw std::runtime_error("MPI: a result from a rank with no point");
    std::pair<DesignPoint, PointResult> out{it->second, {}};
    try {
      out.second = PointResult::from_json(nlohmann::json::parse(text));
    } catch (const nlohmann::json::exception& e) {
      out.second =
          failed_result(it->second, std::string("unreadable result from rank ") +
                                        std::to_string(status.MPI_SOURCE) + ": " + e.what());
    }
    m_idle.push_back(status.MPI_SOURCE);
    m_busy.erase(it);
    return out;
  }

 private:
  int m_workers;
  std::vector<int> m_idle;
  std::map<int, DesignPoint> m_busy;
};

}  // namespace

bool mpi_built() {
  return true;
}

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(name); v && std::atoi(v) > 1) return true;
  return false;
}

MpiWorld::MpiWorld() {
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &m_size);
}

MpiWorld::~MpiWorld() {
  MPI_Finalize();
}

void MpiWorld::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

std::unique_ptr<Executor> make_mpi_executor(const MpiWorld& world) {
  return std::make_unique<MpiExecutor>(world);
}

void serve_points(const MpiWorld&, const EvalContext& context, int threads,
                  double timeout_seconds) {
  for (;;) {
    MPI_Status status;
    const std::string text = receive_text(0, MPI_ANY_TAG, status);
    if (status.MPI_TAG == kStop) return;
    const nlohmann::json message = nlohmann::json::parse(text);
    const DesignPoint point = point_from_json(message.at("point"));
    std::optional<AccuracyResult> accuracy;
    if (message.contains("accuracy")) {
      const nlohmann::json& a = message.at("accuracy");
      accuracy = AccuracyResult{a.at("top1").get<double>(), a.at("images").get<int64_t>(),
                                a.at("trained").get<bool>(), a.at("source").get<std::string>()};
    }
    const PointResult result =
        evaluate_in_child(point, context, accuracy, threads, timeout_seconds);
    send_text(result.to_json().dump(), 0, kResult);
  }
}

}  // namespace qasim::dse
