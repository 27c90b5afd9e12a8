#include "common/db.h"

#include <google/protobuf/util/time_util.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/status.h"

namespace mobility {
namespace {

// libpqxx 6.4 raises these two without a SQLSTATE, so their types are what
// identifies them.
bool IsRetryable(const std::exception& e) {
  return dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr ||
         dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr;
}

}  // namespace

std::string TimestampParam(int param) {
  return absl::StrCat("'epoch'::timestamptz + $", param,
                      " * interval '1 microsecond'");
}

std::string TimestampColumn(absl::string_view column) {
  return absl::StrCat("(extract(epoch FROM ", column, ") * 1000000)::bigint");
}

int64_t ToMicros(const google::protobuf::Timestamp& timestamp) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(timestamp);
}

google::protobuf::Timestamp FromMicros(int64_t micros) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros);
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return FromMicros(absl::ToUnixMicros(time));
}

absl::Status MapSqlError(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
                 "the database connection was lost");
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return Error(
        absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
        "the connection was lost during commit; the outcome is unknown");
  }
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  const std::string state = sql != nullptr ? sql->sqlstate() : "";
  if (state == "23505") {
    return Error(absl::StatusCode::kAlreadyExists, "ALREADY_EXISTS",
                 "a resource with the same identity already exists");
  }
  if (state == "23503" || state == "23514") {
    return Error(absl::StatusCode::kFailedPrecondition, "CONSTRAINT_VIOLATED",
                 "the change conflicts with related data");
  }
  if (absl::StartsWith(state, "22") || state == "23502") {
    return Error(absl::StatusCode::kInvalidArgument, "INVALID_VALUE",
                 "a value is out of range for its field");
  }
  if (IsRetryable(e) || state == "40001" || state == "40P01") {
    return Error(absl::StatusCode::kAborted, "CONCURRENT_CHANGE",
                 "the change collided with a concurrent one; retry");
  }
  if (state == "57014") {
    return Error(absl::StatusCode::kDeadlineExceeded, "QUERY_CANCELLED",
                 "the database query was cancelled");
  }
  if (absl::StartsWith(state, "08") || state == "53300" || state == "57P01" ||
      state == "57P03") {
    return Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
                 "the database is not available");
  }
  LogFields fields = {{"sqlstate", state}, {"what", e.what()}};
  if (sql != nullptr) fields.emplace_back("statement", sql->query());
  Log(LogLevel::kError, "sql_error", fields);
  return Error(absl::StatusCode::kInternal, "INTERNAL",
               "internal database error");
}

// Returns a connection to the pool when it goes out of scope, or drops it when
// broken.
class Database::Lease {
 public:
  Lease(Database* db, std::unique_ptr<pqxx::connection> conn)
      : db_(db), conn_(std::move(conn)) {}
  ~Lease() { db_->Release(std::move(conn_)); }
  pqxx::connection& operator*() { return *conn_; }
  void Discard() { conn_.reset(); }

 private:
  Database* db_;
  std::unique_ptr<pqxx::connection> conn_;
};

Database::Database(DatabaseOptions options,
                   std::vector<PreparedStatement> statements)
    : options_(std::move(options)), statements_([&] {
        for (auto& s : RequestRecordStatements())
          statements.push_back(std::move(s));
        return std::move(statements);
      }()) {}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    DatabaseOptions options, std::vector<PreparedStatement> statements) {
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError("database pool size must be at least 1");
  }
  std::unique_ptr<Database> db(
      new Database(std::move(options), std::move(statements)));
  auto conn = db->Acquire();
  if (!conn.ok()) return conn.status();
  db->Release(*std::move(conn));
  return db;
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> Database::Connect() const {
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.url);
    {
      pqxx::nontransaction setup(*conn);
      setup.exec(absl::StrCat("SET search_path TO ",
                              setup.quote_name(options_.schema)));
      setup.exec("SET TIME ZONE 'UTC'");
    }
    for (const auto& s : statements_) conn->prepare(s.name, s.sql);
    return conn;
  } catch (const std::exception& e) {
    // The message may hold the host name but never a password: libpq omits it.
    Log(LogLevel::kWarning, "database_connect_failed", {{"what", e.what()}});
    return Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
                 "cannot connect to the database");
  }
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> Database::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available),
                              options_.acquire_timeout)) {
      return Error(absl::StatusCode::kUnavailable, "DATABASE_POOL_EXHAUSTED",
                   "no database connection became free in time");
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->is_open()) return conn;
      --open_;  // Broken while idle: replace it below.
    }
    ++open_;  // Reserve the slot before connecting outside the lock.
  }
  auto conn = Connect();
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return conn;
}

void Database::Release(std::unique_ptr<pqxx::connection> conn) {
  absl::MutexLock lock(&mu_);
  if (conn != nullptr && conn->is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
}

namespace {
thread_local absl::Time call_deadline = absl::InfiniteFuture();
}  // namespace

ScopedCallDeadline::ScopedCallDeadline(absl::Time deadline)
    : previous_(call_deadline) {
  call_deadline = deadline;
}

ScopedCallDeadline::~ScopedCallDeadline() { call_deadline = previous_; }

absl::Time ScopedCallDeadline::Current() { return call_deadline; }

absl::Status Database::Transact(const TransactionBody& body) {
  absl::Status last;
  const absl::Time deadline = ScopedCallDeadline::Current();
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return Error(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                   "the call's deadline passed before its database work");
    }
    auto conn = Acquire();
    if (!conn.ok()) return conn.status();
    Lease lease(this, *std::move(conn));
    try {
      pqxx::work txn(*lease);
      if (deadline != absl::InfiniteFuture()) {
        // Whole milliseconds, at least one: "0" would mean no timeout at all.
        txn.exec_params("SELECT set_config('statement_timeout', $1, true)",
                        std::to_string(std::max<int64_t>(
                            1, absl::ToInt64Milliseconds(left))));
      }
      absl::Status status = body(txn);
      if (status.ok()) txn.commit();
      return status;
    } catch (const pqxx::transaction_rollback& e) {
      if (!IsRetryable(e)) return MapSqlError(e);
      last = MapSqlError(e);
      absl::SleepFor(
          absl::Milliseconds(2 * attempt));  // Brief backoff before rerunning.
    } catch (const pqxx::broken_connection& e) {
      lease.Discard();
      return MapSqlError(e);
    } catch (const std::exception& e) {
      return MapSqlError(e);
    }
  }
  return last;
}

absl::Status Database::Ping() {
  return Transact([](pqxx::work& txn) {
    txn.exec("SELECT 1");
    return absl::OkStatus();
  });
}

}  // namespace mobility
