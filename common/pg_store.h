// The PostgreSQL side of every service's store: the request records table and
// its statements, the base class of each service's PostgreSQL store, and the
// Transactor that binds such a store to one read or transaction of a Database.
#ifndef MOBILITY_COMMON_PG_STORE_H_
#define MOBILITY_COMMON_PG_STORE_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/db.h"
#include "common/idempotency.h"
#include "common/pg_reactor.h"
#include "common/transactor.h"

namespace mobility {

// DDL of the table every service schema holds; ApplyMigrations creates it.
extern const char kRequestRecordsDdl[];
// Statements Database prepares on every connection besides the service's own.
std::vector<PreparedStatement> RequestRecordStatements();

absl::StatusOr<std::optional<std::string>> ClaimRequestRecord(
    pqxx::transaction_base& txn, absl::string_view method,
    absl::string_view request_id, absl::string_view request_hash);
absl::StatusOr<std::optional<std::string>> FindRequestRecord(
    pqxx::transaction_base& txn, absl::string_view method,
    absl::string_view request_id, absl::string_view request_hash);
absl::Status RecordResponseRecord(pqxx::transaction_base& txn,
                                  absl::string_view method,
                                  absl::string_view request_id,
                                  const std::string& response);

// Runs one store operation so that nothing libpqxx throws crosses into domain
// code: its error becomes the canonical status of ENGINEERING.md here
// (MapSqlError, by SQLSTATE). `operation` returns nothing (-> absl::Status), a
// value T (-> absl::StatusOr<T>), or a status already.
template <typename T>
struct StoreResult {
  using type = absl::StatusOr<T>;
};
template <>
struct StoreResult<void> {
  using type = absl::Status;
};
template <>
struct StoreResult<absl::Status> {
  using type = absl::Status;
};
template <typename T>
struct StoreResult<absl::StatusOr<T>> {
  using type = absl::StatusOr<T>;
};

template <typename F>
auto StoreCall(F&& operation) ->
    typename StoreResult<std::invoke_result_t<F>>::type {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
      operation();
      return absl::OkStatus();
    } else {
      return operation();
    }
  } catch (const std::exception& e) {
    return MapSqlError(e);
  }
}

// The message serialized in bytea column `column` (the `body` columns) of a
// PqxxRow or a PgRow. `name` names the row for the log when the body is
// damaged: its id, or RowOf for a list. Run it in StoreCall, which answers a
// damaged body STORED_DATA_DAMAGED.
template <typename Message, typename Row>
Message ParseBody(const Row& row, const char* column, absl::string_view name) {
  Message m;
  const auto bytes = row.Bytes(column);
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw StoredBodyError(row.Table(column), column, name,
                          Message::descriptor()->full_name());
  }
  return m;
}

// One row of a libpqxx result with its columns read by name, the accessors
// every store's row decoder is written against (PgRow in pg_reactor.h has the
// same), so that a transaction and the reactor decode a row one way.
class PqxxRow {
 public:
  // Holds its own handle on the result (counted), so it outlives a temporary
  // row such as r[0].
  explicit PqxxRow(pqxx::row row) : row_(std::move(row)) {}
  std::string Text(const char* column) const {
    return row_[column].as<std::string>();
  }
  int64_t Int64(const char* column) const { return row_[column].as<int64_t>(); }
  double Double(const char* column) const { return row_[column].as<double>(); }
  bool Bool(const char* column) const { return row_[column].as<bool>(); }
  bool IsNull(const char* column) const { return row_[column].is_null(); }
  // A bytea column's bytes.
  std::string Bytes(const char* column) const {
    return pqxx::binarystring(row_[column]).str();
  }
  unsigned Table(const char* column) const { return row_[column].table(); }

 private:
  const pqxx::row row_;
};

// "statement row N", naming a listed row whose id the caller does not read.
inline std::string RowOf(absl::string_view statement, const pqxx::row& row) {
  return absl::StrCat(statement, " row ", row.rownumber());
}

// What a reactor read of one row does with its result: `decode` (in
// StoreCall) of the first row, `missing()` when there is none, to `then`.
template <typename T, typename Missing, typename Decode>
PgReactor::Done FirstRow(Then<T> then, Missing missing, Decode decode) {
  return [then = std::move(then), missing = std::move(missing),
          decode = std::move(decode)](absl::StatusOr<PgRows> rows) {
    if (!rows.ok()) return then(rows.status());
    if (rows->size() == 0) return then(missing());
    then(StoreCall([&] { return decode(PgRow(*rows, 0)); }));
  };
}

// The same for a list: `decode(row, index)` of every row, in order.
template <typename T, typename Decode>
PgReactor::Done EveryRow(Then<std::vector<T>> then, Decode decode) {
  return [then = std::move(then),
          decode = std::move(decode)](absl::StatusOr<PgRows> rows) {
    if (!rows.ok()) return then(rows.status());
    then(StoreCall([&] {
      std::vector<T> out;
      out.reserve(rows->size());
      for (int i = 0; i < rows->size(); ++i)
        out.push_back(decode(PgRow(*rows, i), i));
      return out;
    }));
  };
}

// Deletes request records older than `keep`; returns how many went.
absl::StatusOr<int64_t> PurgeRequestRecords(Database& db, absl::Duration keep);

// Base of a service's PostgreSQL store: `Store` is the service's store
// interface, which includes the RequestLedger.
template <typename Store>
class PgStore : public Store {
 public:
  explicit PgStore(pqxx::transaction_base& txn) : txn_(txn) {}

  absl::StatusOr<std::optional<std::string>> ClaimRequest(
      absl::string_view method, absl::string_view request_id,
      absl::string_view request_hash) override {
    return StoreCall([&] {
      return ClaimRequestRecord(txn_, method, request_id, request_hash);
    });
  }
  absl::Status RecordResponse(absl::string_view method,
                              absl::string_view request_id,
                              const std::string& response) override {
    return RecordResponseRecord(txn_, method, request_id, response);
  }
  absl::StatusOr<std::optional<std::string>> FindResponse(
      absl::string_view method, absl::string_view request_id,
      absl::string_view request_hash) override {
    return StoreCall([&] {
      return FindRequestRecord(txn_, method, request_id, request_hash);
    });
  }

 protected:
  pqxx::transaction_base& txn_;
};

// Runs bodies on `Impl` (a PgStore<Store>) bound to a read or a transaction of
// `db`.
template <typename Store, typename Impl>
class PgTransactor final : public Transactor<Store> {
 public:
  explicit PgTransactor(Database* db) : db_(db) {}
  using Body = typename Transactor<Store>::Body;

  absl::Status Read(const CallLimit& limit, const Body& body) override {
    return db_->Read(limit, [&](pqxx::transaction_base& txn) {
      Impl store(txn);
      return body(store);
    });
  }
  absl::Status Transact(const CallLimit& limit, const Body& body) override {
    return db_->Transact(limit, [&](pqxx::transaction_base& txn) {
      Impl store(txn);
      return body(store);
    });
  }

 private:
  Database* db_;
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_PG_STORE_H_
