// The result store: one SQLite file per sweep (or several sweeps of the same workload),
// WAL journal, one transaction per finished point, so killing the sweep (even kill -9)
// loses no finished point. Points are keyed by their config hash; every row carries the
// config text that made it. Failed points are stored with their reason.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dse/sweep/design_point.h"
#include "dse/sweep/point_result.h"

struct sqlite3;

namespace qasim::dse {

struct StoredPoint {
  std::string hash;
  std::string config;       // canonical config text
  std::string finished_at;  // UTC, ISO 8601
  int64_t sweep_id = 0;
  PointResult result;
};

struct StoredSweep {
  int64_t id = 0;
  std::string started_at, source, spec;
};

class ResultStore {
 public:
  // Opens (creating it unless read_only) the store at `path`. InputError when the file is
  // not a qasim result store or cannot be opened.
  ResultStore(const std::string& path, bool read_only);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Records a sweep's start (its spec as written); returns its id.
  int64_t begin_sweep(const std::string& source, const std::string& spec_text);
  // Stores a finished point in one transaction (replacing an earlier row of the same
  // hash, e.g. a failed point retried), with its accuracy for reuse by later points.
  void put(const DesignPoint& point, const PointResult& result, int64_t sweep_id);

  std::optional<StoredPoint> get(const std::string& hash) const;
  // Hashes starting with `prefix` (for `qasim compare` with short hashes).
  std::vector<std::string> find_prefix(const std::string& prefix) const;
  // hash -> ok? of every stored point.
  std::map<std::string, bool> finished() const;
  std::vector<StoredPoint> all() const;
  std::vector<StoredSweep> sweeps() const;
  // Accuracy measured so far, by DesignPoint::accuracy_key.
  std::map<std::string, AccuracyResult> accuracy_cache() const;
  const std::string& path() const { return m_path; }

 private:
  void exec(const std::string& sql) const;

  std::string m_path;
  sqlite3* m_db = nullptr;
};

}  // namespace qasim::dse
