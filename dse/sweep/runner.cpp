#include "dse/sweep/runner.h"

#include <fmt/format.h>
#include <poll.h>

#include <chrono>

#include "dse/cli_common.h"
#include "dse/progress.h"

namespace qasim::dse {

void LocalExecutor::start(const DesignPoint& point, const std::optional<AccuracyResult>& accuracy) {
  m_children.push_back(std::make_unique<ChildEvaluation>(point, m_context, accuracy, m_threads));
}

std::pair<DesignPoint, PointResult> LocalExecutor::wait_any() {
  if (m_children.empty()) throw std::logic_error("wait_any with no point in flight");
  for (;;) {
    for (size_t i = 0; i < m_children.size(); ++i) {
      ChildEvaluation& child = *m_children[i];
      bool gone = child.read_available();
      if (!gone && m_timeout > 0 && child.seconds() > m_timeout) {
        child.kill_child(fmt::format("timed out after {:.0f} s (evaluation: timeout)", m_timeout));
        gone = true;
      }
      if (!gone) continue;
      std::pair<DesignPoint, PointResult> out{child.point(), child.finish()};
      m_children.erase(m_children.begin() + static_cast<std::ptrdiff_t>(i));
      return out;
    }
    std::vector<pollfd> fds;
    for (const auto& child : m_children) {
      fds.push_back({child->result_fd(), POLLIN, 0});
      fds.push_back({child->error_fd(), POLLIN, 0});
    }
    poll(fds.data(), fds.size(), 500);
  }
}

RunSummary run_sweep(const SweepSpec& spec, SearchStrategy& search, Executor& executor,
                     ResultStore& store, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::map<std::string, bool> stored_before = store.finished();
  std::map<std::string, AccuracyResult> accuracy = store.accuracy_cache();
  const int64_t sweep_id = store.begin_sweep(spec.source, spec.text);
  std::map<std::string, std::string> accuracy_in_flight;  // accuracy_key -> point hash

  RunSummary summary;
  std::optional<Progress> progress;
  if (!options.quiet) progress.emplace("sweep", search.planned());
  auto show = [&] {
    if (progress)
      progress->update(
          summary.evaluated + summary.skipped,
          fmt::format("{} failed, {} from the store", summary.failed, summary.skipped));
  };
  // Stores a finished (or failed) point and tells the search.
  auto record = [&](const DesignPoint& point, const PointResult& result) {
    if (result.ok && result.accuracy) accuracy.emplace(point.accuracy_key, *result.accuracy);
    store.put(point, result, sweep_id);
    search.report(point, result);
    ++summary.evaluated;
    if (!result.ok) {
      ++summary.failed;
      if (progress)
        fmt::print(stderr, "{}point {} ({} {}) failed: {}\n", stderr_is_tty() ? "\r\033[K" : "",
                   point.hash, result.accelerator, result.precision, result.reason);
    }
    show();
  };
  // Points waiting because a point with the same accuracy is being measured: they start
  // once it is known instead of measuring it again.
  std::vector<DesignPoint> deferred;

  for (;;) {
    while (executor.in_flight() < executor.capacity()) {
      std::optional<DesignPoint> point;
      for (size_t i = 0; i < deferred.size(); ++i)
        if (!accuracy_in_flight.contains(deferred[i].accuracy_key)) {
          point = deferred[i];
          deferred.erase(deferred.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      if (!point) point = search.next();
      if (!point) {
        // Nothing else to ask: start a deferred point anyway rather than leave a worker idle.
        if (deferred.empty() || executor.in_flight() > 0) break;
        point = deferred.front();
        deferred.erase(deferred.begin());
      }
      if (const auto it = stored_before.find(point->hash); it != stored_before.end()) {
        if (!options.resume)
          throw UsageError(fmt::format(
              "{} already holds point {} of this sweep; add --resume to continue the sweep "
              "(finished points are skipped), or give another --db",
              store.path(), point->hash));
        if (it->second || !options.retry_failed) {
          search.report(*point, store.get(point->hash)->result);
          ++summary.skipped;
          show();
          continue;
        }
      }
      const auto known = accuracy.find(point->accuracy_key);
      if (known == accuracy.end() && accuracy_in_flight.contains(point->accuracy_key) &&
          executor.in_flight() > 0) {
        deferred.push_back(*point);
        continue;
      }
      if (options.models)
        if (const std::string why = options.models->prepare(*point); !why.empty()) {
          record(*point, failed_result(*point, why));
          continue;
        }
      if (known == accuracy.end()) accuracy_in_flight[point->accuracy_key] = point->hash;
      executor.start(*point, known == accuracy.end() ? std::nullopt : std::optional(known->second));
    }
    if (executor.in_flight() == 0) break;

    auto [point, result] = executor.wait_any();
    if (const auto it = accuracy_in_flight.find(point.accuracy_key);
        it != accuracy_in_flight.end() && it->second == point.hash)
      accuracy_in_flight.erase(it);
    if (options.models && result.ok && result.accuracy)
      options.models->annotate(point, *result.accuracy);
    record(point, result);
  }
  if (progress) progress->finish();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace qasim::dse
