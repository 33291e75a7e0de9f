// Database: a small RAII wrapper over one SQLite connection. Errors come back
// as Result (codes "store_locked", "store_corrupt", "store_error"), never as
// exceptions; statements are finalized by their destructor.
//
// The connection is opened in serialized mode (SQLite's own mutex), in WAL
// journal mode (readers never block the writer) with a busy timeout, so a
// short lock held by a backup tool waits instead of failing at once.
//
// Thread rules: a Database may be used from any non-real-time thread; SQLite
// serializes calls on the connection. A Statement belongs to the thread that
// prepared it until it is destroyed. Never call either from the audio thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace auralis::store {

/// One prepared statement. Bind parameters are 1-based, columns 0-based.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::string& value);
  Statement& bindNull(int index);

  /// Runs one step: true when a row is ready to read, false when done.
  Result<bool> step();
  /// Runs to completion (statements that return no rows).
  Status run();

  std::int64_t columnInt(int column) const;
  double columnDouble(int column) const;
  std::string columnText(int column) const;
  bool columnIsNull(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  /// Opens (creating if needed) the database at `path`, sets WAL mode and the
  /// busy timeout, and reads it once so that a corrupt or locked file is
  /// reported here, with a message naming the file and what to do.
  static Result<std::unique_ptr<Database>> open(const std::string& path, int busyTimeoutMs = 2000);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs one or more statements that return no rows.
  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  /// PRAGMA user_version: the schema version the migrations reached.
  Result<int> userVersion();
  /// Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
};

/// Maps an SQLite result code to an Error naming the file; `what` says what was being done.
Error sqliteError(sqlite3* db, int rc, const std::string& path, const std::string& what);

}  // namespace auralis::store
