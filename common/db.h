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
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/transactor.h"
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

// A stored body that does not parse: the data is damaged, never an empty
// message. Database answers INTERNAL and logs the table, column and row, never
// the bytes.
class StoredBodyError : public std::runtime_error {
 public:
  StoredBodyError(unsigned table_oid, absl::string_view column,
                  absl::string_view row, absl::string_view message_type);
  unsigned table_oid() const { return table_oid_; }
  const std::string& column() const { return column_; }
  const std::string& row() const { return row_; }
  const std::string& message_type() const { return message_type_; }

 private:
  unsigned table_oid_;
  std::string column_, row_, message_type_;
};

// INTERNAL (STORED_DATA_DAMAGED), logging the table, column and row of the
// damaged body, never its bytes.
absl::Status StoredDataDamaged(unsigned table_oid, absl::string_view column,
                               absl::string_view row,
                               absl::string_view message_type);

// Maps a libpqxx exception to a canonical status. INTERNAL errors are logged
// with the failing statement's text (parameters are never part of it) and
// returned without it.
absl::Status MapSqlError(const std::exception& e);
// The same for a SQLSTATE as libpq reports it; `what` and `statement` (a
// name or SQL text, never parameters) are logged for an INTERNAL error.
absl::Status MapSqlState(const std::string& state, absl::string_view what,
                         absl::string_view statement);
// DEADLINE_EXCEEDED, or CANCELLED when the caller went away.
absl::Status LimitPassed(const CallLimit& limit);

// The libpq connection string of `options`: the URL with the session settings
// (search_path, time zone, statement_timeout) as connection options, so that a
// connection libpq or libpqxx re-opens has them too.
absl::StatusOr<std::string> ConnectionString(const DatabaseOptions& options);

// libpq's notice processor for connections libpqxx does not own: the
// server's notices (a backend terminated, the server shutting down) as log
// lines.
void LogPgNotice(void* arg, const char* message);

// The Transactor whose store is libpqxx's transaction itself: what each
// service's PgTransactor runs on, and what migrations and tests use directly.
// A pqxx::connection that logs the server's notices as JSON (db.cc).
class Connection;
class PgReactor;
class PgListener;
class ChangeFeed;

class Database final : public Transactor<pqxx::transaction_base> {
 public:
  // Connects once to prove the URL works; the pool grows on demand up to
  // pool_size.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      DatabaseOptions options, std::vector<PreparedStatement> statements);
  ~Database();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Without BEGIN/COMMIT: a one-statement read costs one round trip.
  absl::Status Read(const CallLimit& limit, const Body& body) override;
  // One READ COMMITTED transaction; a serialization failure, deadlock or
  // connection lost before commit reruns `body`, up to max_attempts.
  absl::Status Transact(const CallLimit& limit, const Body& body) override;

  // Reads that park no thread (pg_reactor.h), on connections of their own:
  // what the serving path's reads run on.
  PgReactor& reactor() { return *reactor_; }

  // Committed changes announced through NOTIFY (pg_listener.h), on a
  // connection of its own opened with the first follower: what keeps caches
  // right across replicas.
  ChangeFeed& changes();

  // OK when the database answers on the health connection, which is kept
  // apart from the pool so that a busy pool does not look like a dead
  // database.
  absl::Status Ping();

  // Cancels every query running now (at the end of the shutdown grace).
  // Returns how many were running.
  int CancelRunning();

  const DatabaseOptions& options() const { return options_; }

  // The pool now: connections open, those of them idle, and how many times a
  // call has waited for one since the process began.
  struct PoolUse {
    int open = 0;
    int idle = 0;
    uint64_t waits = 0;
  };
  PoolUse pool_use();

 private:
  class Lease;
  struct Watched;
  Database(DatabaseOptions options, std::string connection_string,
           std::vector<PreparedStatement> statements);

  absl::Status Run(const CallLimit& limit, const Body& body, bool transaction);
  absl::StatusOr<std::unique_ptr<Connection>> Connect() const;
  absl::StatusOr<std::unique_ptr<Connection>> Acquire(const CallLimit& limit);
  void Release(std::unique_ptr<Connection> conn);
  // Cancels the queries of watched work whose limit has passed.
  void WatchLimits();

  const DatabaseOptions options_;
  const std::string connection_string_;
  const std::vector<PreparedStatement> statements_;

  absl::Mutex mu_;
  absl::CondVar released_;  // A connection came back, or a slot freed.
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t waits_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex watch_mu_;
  std::vector<Watched*> watched_ ABSL_GUARDED_BY(watch_mu_);
  absl::Notification stop_watching_;
  std::thread watchdog_;

  std::unique_ptr<PgReactor> reactor_;
  std::unique_ptr<PgListener> listener_;

  absl::Mutex health_mu_;
  std::unique_ptr<Connection> health_conn_ ABSL_GUARDED_BY(health_mu_);
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_DB_H_
