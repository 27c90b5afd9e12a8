// PostgreSQL access: a bounded connection pool; reads in one round trip;
// transactions that retry serialization failures, deadlocks and connections
// lost before commit; every query cancelled when its call's deadline passes or
// its client goes away; the SQLSTATE -> canonical code mapping of
// ENGINEERING.md. Stores own all SQL; they register it here as prepared
// statements.
#ifndef MOBILITY_COMMON_DB_H_
#define MOBILITY_COMMON_DB_H_

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/types.h"

namespace mobility {

struct PreparedStatement {
  std::string name;
  std::string sql;  // With $n parameters only.
};

struct DatabaseOptions {
  std::string url;
  // Every connection's search_path: the one schema the service owns.
  std::string schema;
  int pool_size = 8;
  // The server-side statement_timeout of every connection: a backstop should a
  // cancellation never arrive.
  absl::Duration max_statement_time = absl::Seconds(30);
  // Attempts of a unit of work that hits a serialization failure, a deadlock or
  // a connection lost before commit, the first included.
  int max_attempts = 5;
};

// Timestamps cross into SQL as integer microseconds since the epoch, exact both
// ways: `TimestampParam(3)` is SQL turning parameter $3 into a timestamptz,
// `TimestampColumn("c")` SQL turning column c back into microseconds.
std::string TimestampParam(int param);
std::string TimestampColumn(absl::string_view column);

// `values` as one SQL text[] parameter (PostgreSQL's array literal, each
// element quoted), for "= ANY($1::text[])".
std::string TextArrayParam(const std::vector<std::string>& values);

// Maps a libpqxx exception to a canonical status. INTERNAL errors are logged
// with the failing statement's text (parameters are never part of it) and
// returned without it.
absl::Status MapSqlError(const std::exception& e);

// The libpq connection string of `options`: the URL with the session settings
// (search_path, time zone, statement_timeout) as connection options, so that a
// connection libpq or libpqxx re-opens has them too.
absl::StatusOr<std::string> ConnectionString(const DatabaseOptions& options);

class Database {
 public:
  using Body = std::function<absl::Status(pqxx::transaction_base&)>;

  // Connects once to prove the URL works; the pool grows on demand up to
  // pool_size.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      DatabaseOptions options, std::vector<PreparedStatement> statements);
  ~Database();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `body` without BEGIN/COMMIT: each statement is its own snapshot, and
  // a one-statement read costs one round trip. For reads only.
  absl::Status Read(const CallLimit& limit, const Body& body);
  // Runs `body` in one READ COMMITTED transaction and commits when it returns
  // OK and the call's limit has not passed; any other status rolls back. A
  // serialization failure, deadlock or connection lost before commit reruns
  // `body` (up to max_attempts), so a body returns what it computes rather
  // than appending to state outside it.
  absl::Status Transact(const CallLimit& limit, const Body& body);

  // The value-returning forms: `body` returns absl::StatusOr<T>.
  template <typename F>
  auto ReadValue(const CallLimit& limit, F&& body) {
    return Value(limit, std::forward<F>(body), /*transaction=*/false);
  }
  template <typename F>
  auto TransactValue(const CallLimit& limit, F&& body) {
    return Value(limit, std::forward<F>(body), /*transaction=*/true);
  }

  // OK when the database answers on the health connection, which is kept
  // apart from the pool so that a busy pool does not look like a dead
  // database.
  absl::Status Ping();

  // Cancels every query running now (at the end of the shutdown grace).
  // Returns how many were running.
  int CancelRunning();

  const DatabaseOptions& options() const { return options_; }

 private:
  class Lease;
  struct Watched;
  Database(DatabaseOptions options, std::string connection_string,
           std::vector<PreparedStatement> statements);

  template <typename F>
  auto Value(const CallLimit& limit, F&& body, bool transaction)
      -> std::invoke_result_t<F, pqxx::transaction_base&> {
    using Result = std::invoke_result_t<F, pqxx::transaction_base&>;
    std::optional<Result> result;
    absl::Status status = Run(
        limit,
        [&](pqxx::transaction_base& txn) {
          // Replaced, never appended to, when the body reruns.
          result.emplace(body(txn));
          return result->status();
        },
        transaction);
    if (!status.ok()) return status;
    return *std::move(result);
  }

  absl::Status Run(const CallLimit& limit, const Body& body, bool transaction);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Connect() const;
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire(
      const CallLimit& limit);
  void Release(std::unique_ptr<pqxx::connection> conn);
  // Cancels the queries of watched work whose limit has passed.
  void WatchLimits();

  const DatabaseOptions options_;
  const std::string connection_string_;
  const std::vector<PreparedStatement> statements_;

  absl::Mutex mu_;
  absl::CondVar released_;  // A connection came back, or a slot freed.
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex watch_mu_;
  std::vector<Watched*> watched_ ABSL_GUARDED_BY(watch_mu_);
  absl::Notification stop_watching_;
  std::thread watchdog_;

  absl::Mutex health_mu_;
  std::unique_ptr<pqxx::connection> health_conn_ ABSL_GUARDED_BY(health_mu_);
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_DB_H_
