// PostgreSQL access: a bounded connection pool with reconnect and health check,
// transactions that retry serialization failures and deadlocks a bounded number
// of times, and the SQLSTATE -> canonical code mapping of ENGINEERING.md.
// Stores own all SQL; they register it here as prepared statements.
#ifndef MOBILITY_COMMON_DB_H_
#define MOBILITY_COMMON_DB_H_

#include <google/protobuf/timestamp.pb.h>

#include <exception>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

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
  absl::Duration acquire_timeout = absl::Seconds(5);
  // Attempts of a transaction that hits a serialization failure or deadlock,
  // the first included.
  int max_attempts = 5;
};

// Timestamps cross into SQL as integer microseconds since the epoch, exact both
// ways: `TimestampParam(3)` is SQL turning parameter $3 into a timestamptz,
// `TimestampColumn("c")` SQL turning column c back into microseconds.
std::string TimestampParam(int param);
std::string TimestampColumn(absl::string_view column);
int64_t ToMicros(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp FromMicros(int64_t micros);
google::protobuf::Timestamp ToTimestamp(absl::Time time);

// Maps a libpqxx exception to a canonical status. INTERNAL errors are logged
// with the failing statement's text (parameters are never part of it) and
// returned without it.
absl::Status MapSqlError(const std::exception& e);

// The deadline of the RPC this thread serves: database work done on its behalf
// must not outlive it. RpcGuard sets it around each call; without one,
// statements run unbounded.
class ScopedCallDeadline {
 public:
  explicit ScopedCallDeadline(absl::Time deadline);
  ~ScopedCallDeadline();
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;
  // absl::InfiniteFuture() outside any call.
  static absl::Time Current();

 private:
  absl::Time previous_;
};

class Database {
 public:
  using TransactionBody = std::function<absl::Status(pqxx::work&)>;

  // Connects once to prove the URL works; the pool grows on demand up to
  // pool_size.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      DatabaseOptions options, std::vector<PreparedStatement> statements);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `body` in one READ COMMITTED transaction and commits when it returns
  // OK; any other status rolls back. Serialization failures and deadlocks rerun
  // `body` up to max_attempts, then ABORTED.
  absl::Status Transact(const TransactionBody& body);

  // OK when a pooled connection answers a query.
  absl::Status Ping();

  const DatabaseOptions& options() const { return options_; }

 private:
  class Lease;
  Database(DatabaseOptions options, std::vector<PreparedStatement> statements);

  absl::StatusOr<std::unique_ptr<pqxx::connection>> Connect() const;
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire();
  void Release(std::unique_ptr<pqxx::connection> conn);

  const DatabaseOptions options_;
  const std::vector<PreparedStatement> statements_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_DB_H_
