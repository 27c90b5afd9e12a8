// The rows of a result in PostgreSQL's binary format, as the reactor receives
// them: a bytea body is its own bytes, numbers are big-endian.
#ifndef MOBILITY_COMMON_PG_ROWS_H_
#define MOBILITY_COMMON_PG_ROWS_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

namespace mobility {

// The rows of one result, in binary format. Copies share the result.
class PgRows {
 public:
  explicit PgRows(PGresult* result);  // Takes ownership.
  int size() const;
  // The index of the named column; aborts when the statement has none (a
  // programming error, found by the first test that reads it).
  int Column(absl::string_view name) const;
  bool IsNull(int row, int column) const;
  // text, varchar and bytea columns, as their bytes.
  absl::string_view Bytes(int row, int column) const;
  // smallint, integer and bigint columns.
  int64_t Int64(int row, int column) const;
  // double precision columns.
  double Double(int row, int column) const;
  // boolean columns.
  bool Bool(int row, int column) const;
  // Where a column comes from, for the log of a damaged body.
  unsigned Table(int column) const;

 private:
  std::shared_ptr<PGresult> result_;
};

// One row of PgRows with its columns read by name, the accessors every store's
// row decoder is written against (PqxxRow in pg_store.h has the same).
class PgRow {
 public:
  PgRow(const PgRows& rows, int row) : rows_(rows), row_(row) {}
  std::string Text(absl::string_view column) const {
    return std::string(rows_.Bytes(row_, rows_.Column(column)));
  }
  int64_t Int64(absl::string_view column) const {
    return rows_.Int64(row_, rows_.Column(column));
  }
  double Double(absl::string_view column) const {
    return rows_.Double(row_, rows_.Column(column));
  }
  bool Bool(absl::string_view column) const {
    return rows_.Bool(row_, rows_.Column(column));
  }
  bool IsNull(absl::string_view column) const {
    return rows_.IsNull(row_, rows_.Column(column));
  }
  absl::string_view Bytes(absl::string_view column) const {
    return rows_.Bytes(row_, rows_.Column(column));
  }
  unsigned Table(absl::string_view column) const {
    return rows_.Table(rows_.Column(column));
  }

 private:
  const PgRows& rows_;
  int row_;
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_PG_ROWS_H_
