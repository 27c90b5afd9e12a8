#include "common/db.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/pg_listener.h"
#include "common/pg_reactor.h"
#include "common/pg_store.h"
#include "common/status.h"

namespace mobility {

// A connection whose notices (the server shutting down, a backend terminated)
// are log lines like every other, JSON, rather than text libpq prints to
// stderr.
class Connection final : public pqxx::connection {
 public:
  explicit Connection(const std::string& options)
      : pqxx::connection(options), notices_(*this) {}

 private:
  class NoticeLog final : public pqxx::errorhandler {
   public:
    using pqxx::errorhandler::errorhandler;
    bool operator()(const char message[]) noexcept override {
      LogPgNotice(nullptr, message);
      return false;  // Handled: libpq prints nothing.
    }
  };
  NoticeLog notices_;
};
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

std::string TextArrayParam(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const auto& value : values) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    for (char c : value) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

StoredBodyError::StoredBodyError(unsigned table_oid, absl::string_view column,
                                 absl::string_view row,
                                 absl::string_view message_type)
    : std::runtime_error("a stored body does not parse"),
      table_oid_(table_oid),
      column_(column),
      row_(row),
      message_type_(message_type) {}

absl::Status StoredDataDamaged(unsigned table_oid, absl::string_view column,
                               absl::string_view row,
                               absl::string_view message_type) {
  Log(LogLevel::kError, "stored_body_unparsable",
      {{"table_oid", std::to_string(table_oid)},
       {"column", std::string(column)},
       {"row", std::string(row)},
       {"message_type", std::string(message_type)}});
  return Error(absl::StatusCode::kInternal, "STORED_DATA_DAMAGED",
               "stored data does not parse; the operators are told");
}

absl::Status MapSqlError(const std::exception& e) {
  if (const auto* damaged = dynamic_cast<const StoredBodyError*>(&e)) {
    return StoredDataDamaged(damaged->table_oid(), damaged->column(),
                             damaged->row(), damaged->message_type());
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
                 "the database connection was lost");
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    // Not "cannot connect": the change may have been applied, so the client
    // must retry with the same request_id to learn which.
    return Error(absl::StatusCode::kUnavailable, "COMMIT_OUTCOME_UNKNOWN",
                 "the connection was lost during commit; retry with the same "
                 "request_id to learn the outcome");
  }
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  if (IsRetryable(e)) return MapSqlState("40001", e.what(), "");
  return MapSqlState(sql != nullptr ? sql->sqlstate() : "", e.what(),
                     sql != nullptr ? sql->query() : "");
}

absl::Status MapSqlState(const std::string& state, absl::string_view what,
                         absl::string_view statement) {
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
  if (state == "40001" || state == "40P01") {
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
  const LogField fields[] = {
      {"sqlstate", state}, {"what", what}, {"statement", statement}};
  Log(LogLevel::kError, "sql_error",
      LogFields(fields, statement.empty() ? 2 : 3));
  return Error(absl::StatusCode::kInternal, "INTERNAL",
               "internal database error");
}

// A database that does not answer a connection attempt in this time is down
// for our purposes.
constexpr int kConnectTimeoutSeconds = 5;

absl::StatusOr<std::string> ConnectionString(const DatabaseOptions& options) {
  if (options.schema.empty() ||
      !std::all_of(options.schema.begin(), options.schema.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
      })) {
    return absl::InvalidArgumentError(
        "the schema name must be lowercase letters, digits and _");
  }
  const int64_t timeout_ms =
      absl::ToInt64Milliseconds(options.max_statement_time);
  if (absl::StartsWith(options.url, "postgresql://") ||
      absl::StartsWith(options.url, "postgres://")) {
    // %20 separates the settings and %3D is '=' inside a URL.
    const std::string settings = absl::StrCat(
        "options=-c%20search_path%3D", options.schema,
        "%20-c%20TimeZone%3DUTC%20-c%20statement_timeout%3D", timeout_ms);
    return absl::StrCat(options.url,
                        absl::StrContains(options.url, "?") ? "&" : "?",
                        settings, "&connect_timeout=", kConnectTimeoutSeconds);
  }
  return absl::StrCat(options.url, " options='-c search_path=", options.schema,
                      " -c TimeZone=UTC -c statement_timeout=", timeout_ms,
                      "' connect_timeout=", kConnectTimeoutSeconds);
}

// Work in flight on one connection, watched so its query can be cancelled.
struct Database::Watched {
  pqxx::connection* conn;
  const CallLimit* limit;
  bool cancel_now = false;  // Set by CancelRunning.
  bool cancelled = false;   // A cancel request was sent.
};

// A leased connection, watched while leased: returned to the pool when it goes
// out of scope, or dropped when broken or when a cancel was sent on it (a late
// cancel must not hit the next call's query).
class Database::Lease {
 public:
  Lease(Database* db, std::unique_ptr<Connection> conn, const CallLimit& limit)
      : db_(db), conn_(std::move(conn)), watched_{conn_.get(), &limit} {
    absl::MutexLock lock(&db_->watch_mu_);
    db_->watched_.push_back(&watched_);
  }
  ~Lease() {
    bool cancelled;
    {
      absl::MutexLock lock(&db_->watch_mu_);
      auto& all = db_->watched_;
      all.erase(std::find(all.begin(), all.end(), &watched_));
      cancelled = watched_.cancelled;
    }
    if (cancelled) conn_.reset();
    db_->Release(std::move(conn_));
  }
  pqxx::connection& operator*() { return *conn_; }
  void Discard() { conn_.reset(); }
  bool Cancelled() {
    absl::MutexLock lock(&db_->watch_mu_);
    return watched_.cancelled;
  }

 private:
  Database* db_;
  std::unique_ptr<Connection> conn_;
  Watched watched_;
};

Database::Database(DatabaseOptions options, std::string connection_string,
                   std::vector<PreparedStatement> statements)
    : options_(std::move(options)),
      connection_string_(std::move(connection_string)),
      statements_([&] {
        for (auto& s : RequestRecordStatements())
          statements.push_back(std::move(s));
        return std::move(statements);
      }()),
      watchdog_([this] { WatchLimits(); }),
      reactor_(std::make_unique<PgReactor>(connection_string_, statements_,
                                           options_.pool_size,
                                           options_.max_attempts)),
      listener_(std::make_unique<PgListener>(connection_string_)) {}

Database::~Database() {
  listener_.reset();
  reactor_.reset();
  stop_watching_.Notify();
  watchdog_.join();
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    DatabaseOptions options, std::vector<PreparedStatement> statements) {
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError("database pool size must be at least 1");
  }
  auto connection_string = ConnectionString(options);
  if (!connection_string.ok()) return connection_string.status();
  std::unique_ptr<Database> db(new Database(std::move(options),
                                            *std::move(connection_string),
                                            std::move(statements)));
  auto conn = db->Acquire(CallLimit::Within(absl::Seconds(30)));
  if (!conn.ok()) return conn.status();
  db->Release(*std::move(conn));
  return db;
}

void LogPgNotice(void* /*arg*/, const char* message) {
  Log(LogLevel::kWarning, "database_notice",
      {{"message", std::string(absl::StripTrailingAsciiWhitespace(message))}});
}

ChangeFeed& Database::changes() { return *listener_; }

absl::StatusOr<std::unique_ptr<Connection>> Database::Connect() const {
  try {
    auto conn = std::make_unique<Connection>(connection_string_);
    for (const auto& s : statements_) conn->prepare(s.name, s.sql);
    return conn;
  } catch (const std::exception& e) {
    // The message may hold the host name but never a password: libpq omits it.
    Log(LogLevel::kWarning, "database_connect_failed", {{"what", e.what()}});
    return Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
                 "cannot connect to the database");
  }
}

absl::Status LimitPassed(const CallLimit& limit) {
  if (limit.cancelled()) {
    return Error(absl::StatusCode::kCancelled, "CALL_CANCELLED",
                 "the caller cancelled the call");
  }
  return Error(absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED",
               "the call's deadline passed before its database work ended");
}

absl::StatusOr<std::unique_ptr<Connection>> Database::Acquire(
    const CallLimit& limit) {
  {
    absl::MutexLock lock(&mu_);
    if (idle_.empty() && open_ >= options_.pool_size) ++waits_;
    // Wakes now and then to notice a client that went away.
    while (idle_.empty() && open_ >= options_.pool_size) {
      if (limit.Over(absl::Now())) return LimitPassed(limit);
      released_.WaitWithDeadline(
          &mu_,
          std::min(limit.deadline(), absl::Now() + absl::Milliseconds(100)));
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->is_open()) return conn;
      --open_;  // Known broken while idle: replace it below.
    }
    ++open_;  // Reserve the slot before connecting outside the lock.
  }
  auto conn = Connect();
  if (!conn.ok()) {
    {
      absl::MutexLock lock(&mu_);
      --open_;
    }
    released_.Signal();
  }
  return conn;
}

Database::PoolUse Database::pool_use() {
  absl::MutexLock lock(&mu_);
  return PoolUse{open_, static_cast<int>(idle_.size()), waits_};
}

void Database::Release(std::unique_ptr<Connection> conn) {
  {
    absl::MutexLock lock(&mu_);
    if (conn != nullptr && conn->is_open()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }
  released_.Signal();
}

void Database::WatchLimits() {
  // A 10 ms tick bounds how late a cancellation is sent. The watched list is
  // only scanned here, never waited on, so a call's lease costs two short
  // uncontended locks.
  while (
      !stop_watching_.WaitForNotificationWithTimeout(absl::Milliseconds(10))) {
    absl::MutexLock lock(&watch_mu_);
    const absl::Time now = absl::Now();
    for (Watched* w : watched_) {
      if (w->cancelled || !(w->cancel_now || w->limit->Over(now))) continue;
      w->cancelled = true;
      try {
        w->conn->cancel_query();  // libpq's PQcancel: safe from another thread.
      } catch (const std::exception& e) {
        Log(LogLevel::kWarning, "query_cancel_failed", {{"what", e.what()}});
      }
    }
  }
}

int Database::CancelRunning() {
  const int reads = reactor_->CancelRunning();
  absl::MutexLock lock(&watch_mu_);
  for (Watched* w : watched_) w->cancel_now = true;
  return reads + static_cast<int>(watched_.size());
}

absl::Status Database::Read(const CallLimit& limit, const Body& body) {
  return Run(limit, body, /*transaction=*/false);
}

absl::Status Database::Transact(const CallLimit& limit, const Body& body) {
  return Run(limit, body, /*transaction=*/true);
}

absl::Status Database::Run(const CallLimit& limit, const Body& body,
                           bool transaction) {
  absl::Status last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (limit.Over(absl::Now())) return LimitPassed(limit);
    auto conn = Acquire(limit);
    if (!conn.ok()) return conn.status();
    Lease lease(this, *std::move(conn), limit);
    // Stores answer a database error as a status (StoreCall); what libpqxx
    // throws here (BEGIN, COMMIT) is mapped the same way.
    absl::Status status;
    try {
      if (!transaction) {
        pqxx::nontransaction txn(*lease);
        status = body(txn);
      } else {
        pqxx::work txn(*lease);
        status = body(txn);
        // Nothing commits once its caller has stopped waiting for it.
        if (status.ok() && limit.Over(absl::Now())) return LimitPassed(limit);
        if (status.ok()) txn.commit();
      }
    } catch (const pqxx::in_doubt_error& e) {
      lease.Discard();
      return MapSqlError(e);
    } catch (const std::exception& e) {
      status = MapSqlError(e);
    }
    if (status.ok()) return status;
    if (lease.Cancelled()) return LimitPassed(limit);
    if (!(*lease).is_open()) {
      // Nothing was committed: rerun on a fresh connection.
      lease.Discard();
      last = status;
      Log(LogLevel::kWarning, "database_connection_lost",
          {{"attempt", std::to_string(attempt)}});
      continue;
    }
    if (status.code() != absl::StatusCode::kAborted ||
        ErrorReason(status) != "CONCURRENT_CHANGE") {
      return status;
    }
    last = status;
    absl::SleepFor(absl::Milliseconds(2 * attempt));  // Brief backoff.
  }
  return last;
}

absl::Status Database::Ping() {
  absl::MutexLock lock(&health_mu_);
  const CallLimit limit = CallLimit::Within(absl::Seconds(2));
  if (health_conn_ == nullptr || !health_conn_->is_open()) {
    auto conn = Connect();
    if (!conn.ok()) return conn.status();
    health_conn_ = *std::move(conn);
  }
  try {
    pqxx::nontransaction txn(*health_conn_);
    txn.exec("SELECT 1");
    return absl::OkStatus();
  } catch (const std::exception& e) {
    health_conn_.reset();
    return MapSqlError(e);
  }
}

}  // namespace mobility
