#include "dse/sweep/result_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "workloads/errors.h"

namespace qasim::dse {

namespace {

constexpr const char* kApplication = "qasim result store";
constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sweeps(
  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, source TEXT NOT NULL, spec TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS points(
  hash TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  reason TEXT NOT NULL,
  accelerator TEXT NOT NULL,
  precision TEXT NOT NULL,
  accuracy REAL, latency REAL, energy REAL, area REAL,
  accuracy_key TEXT NOT NULL,
  config TEXT NOT NULL,
  result TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  sweep_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accuracy(
  key TEXT PRIMARY KEY, top1 REAL NOT NULL, images INTEGER NOT NULL, trained INTEGER NOT NULL,
  source TEXT NOT NULL);
)sql";

std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : m_db(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(m_stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v) {
    check(sqlite3_bind_text(m_stmt, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    check(sqlite3_bind_int64(m_stmt, i, v));
    return *this;
  }
  Statement& bind(int i, const std::optional<double>& v) {
    check(v ? sqlite3_bind_double(m_stmt, i, *v) : sqlite3_bind_null(m_stmt, i));
    return *this;
  }
  // True while there is a row.
  bool step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(m_db));
  }
  std::string text(int col) const {
    const unsigned char* t = sqlite3_column_text(m_stmt, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t integer(int col) const { return sqlite3_column_int64(m_stmt, col); }
  double real(int col) const { return sqlite3_column_double(m_stmt, col); }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(m_db));
  }
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

StoredPoint read_point(const Statement& s, const std::string& path) {
  StoredPoint p;
  p.hash = s.text(0);
  p.config = s.text(1);
  p.finished_at = s.text(2);
  p.sweep_id = s.integer(3);
  try {
    p.result = PointResult::from_json(nlohmann::json::parse(s.text(4)));
  } catch (const nlohmann::json::exception& e) {
    throw workloads::InputError(path,
                                fmt::format("point {}: unreadable result: {}", p.hash, e.what()));
  }
  return p;
}

constexpr const char* kPointColumns = "hash, config, finished_at, sweep_id, result";

}  // namespace

ResultStore::ResultStore(const std::string& path, bool read_only) : m_path(path) {
  if (read_only && !std::filesystem::exists(path))
    throw workloads::InputError(path, "no such result store");
  const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
    const std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    sqlite3_close(m_db);
    m_db = nullptr;
    throw workloads::InputError(path, "cannot open the result store: " + message);
  }
  sqlite3_busy_timeout(m_db, 10000);
  try {
    // A file that is not SQLite fails here ("file is not a database").
    bool has_meta = false;
    {
      Statement s(m_db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
      s.step();
      has_meta = s.integer(0) > 0;
    }
    if (has_meta) {
      Statement s(m_db, "SELECT value FROM meta WHERE key='application'");
      if (!s.step() || s.text(0) != kApplication)
        throw workloads::InputError(path, "an SQLite file, but not a qasim result store");
    } else {
      Statement s(m_db, "SELECT count(*) FROM sqlite_master");
      s.step();
      if (s.integer(0) > 0)
        throw workloads::InputError(path, "an SQLite file, but not a qasim result store");
      if (read_only) throw workloads::InputError(path, "an empty file, not a qasim result store");
    }
    if (!read_only) {
      // WAL: a commit is one append to the log, readers never block the writer, and a
      // killed process leaves every committed transaction in place. synchronous=NORMAL
      // survives process kills; only an OS crash or power loss may drop the last commits.
      exec("PRAGMA journal_mode=WAL");
      exec("PRAGMA synchronous=NORMAL");
      exec(kSchema);
      exec(
          fmt::format("INSERT OR IGNORE INTO meta VALUES('application', '{}'), "
                      "('schema_version', '{}')",
                      kApplication, kSchemaVersion));
    }
  } catch (const workloads::InputError&) {
    sqlite3_close(m_db);
    throw;
  } catch (const std::runtime_error& e) {
    sqlite3_close(m_db);
    throw workloads::InputError(path, std::string("not a qasim result store: ") + e.what());
  }
}

ResultStore::~ResultStore() {
  sqlite3_close(m_db);
}

void ResultStore::exec(const std::string& sql) const {
  char* error = nullptr;
  if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error(fmt::format("{}: SQLite: {}", m_path, message));
  }
}

int64_t ResultStore::begin_sweep(const std::string& source, const std::string& spec_text) {
  Statement s(m_db, "INSERT INTO sweeps(started_at, source, spec) VALUES(?, ?, ?)");
  s.bind(1, now_utc()).bind(2, source).bind(3, spec_text).step();
  return sqlite3_last_insert_rowid(m_db);
}

void ResultStore::put(const DesignPoint& point, const PointResult& result, int64_t sweep_id) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(m_db,
                "INSERT OR REPLACE INTO points(hash, status, reason, accelerator, precision, "
                "accuracy, latency, energy, area, accuracy_key, config, result, finished_at, "
                "sweep_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, point.hash)
        .bind(2, std::string(result.ok ? "ok" : "failed"))
        .bind(3, result.reason)
        .bind(4, result.accelerator)
        .bind(5, result.precision)
        .bind(6, result.metric("accuracy"))
        .bind(7, result.metric("latency"))
        .bind(8, result.metric("energy"))
        .bind(9, result.metric("area"))
        .bind(10, point.accuracy_key)
        .bind(11, point.config_text)
        .bind(12, result.to_json().dump())
        .bind(13, now_utc())
        .bind(14, sweep_id)
        .step();
    if (result.ok && result.accuracy) {
      Statement a(m_db, "INSERT OR IGNORE INTO accuracy VALUES(?, ?, ?, ?, ?)");
      a.bind(1, point.accuracy_key)
          .bind(2, std::optional(result.accuracy->top1))
          .bind(3, result.accuracy->images)
          .bind(4, int64_t{result.accuracy->trained})
          .bind(5, result.accuracy->source)
          .step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::optional<StoredPoint> ResultStore::get(const std::string& hash) const {
  Statement s(m_db, fmt::format("SELECT {} FROM points WHERE hash = ?", kPointColumns));
  s.bind(1, hash);
  if (!s.step()) return std::nullopt;
  return read_point(s, m_path);
}

std::vector<std::string> ResultStore::find_prefix(const std::string& prefix) const {
  Statement s(m_db, "SELECT hash FROM points WHERE substr(hash, 1, ?) = ? ORDER BY hash");
  s.bind(1, static_cast<int64_t>(prefix.size())).bind(2, prefix);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::map<std::string, bool> ResultStore::finished() const {
  Statement s(m_db, "SELECT hash, status FROM points");
  std::map<std::string, bool> out;
  while (s.step()) out[s.text(0)] = s.text(1) == "ok";
  return out;
}

std::vector<StoredPoint> ResultStore::all() const {
  Statement s(m_db, fmt::format("SELECT {} FROM points ORDER BY rowid", kPointColumns));
  std::vector<StoredPoint> out;
  while (s.step()) out.push_back(read_point(s, m_path));
  return out;
}

std::vector<StoredSweep> ResultStore::sweeps() const {
  Statement s(m_db, "SELECT id, started_at, source, spec FROM sweeps ORDER BY id");
  std::vector<StoredSweep> out;
  while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3)});
  return out;
}

std::map<std::string, AccuracyResult> ResultStore::accuracy_cache() const {
  Statement s(m_db, "SELECT key, top1, images, trained, source FROM accuracy");
  std::map<std::string, AccuracyResult> out;
  while (s.step()) out[s.text(0)] = {s.real(1), s.integer(2), s.integer(3) != 0, s.text(4)};
  return out;
}

}  // namespace qasim::dse
