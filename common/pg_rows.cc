#include "common/pg_rows.h"

#include <cstdlib>
#include <cstring>

#include "common/log.h"

namespace mobility {
namespace {

uint64_t BigEndian(const char* bytes, int length) {
  uint64_t v = 0;
  for (int i = 0; i < length; ++i)
    v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

}  // namespace

PgRows::PgRows(PGresult* result) : result_(result, PQclear) {}

int PgRows::size() const { return PQntuples(result_.get()); }

int PgRows::Column(absl::string_view name) const {
  const int n = PQnfields(result_.get());
  for (int c = 0; c < n; ++c) {
    if (name == PQfname(result_.get(), c)) return c;
  }
  Log(LogLevel::kError, "no_such_column", {{"column", std::string(name)}});
  std::abort();
}

bool PgRows::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

absl::string_view PgRows::Bytes(int row, int column) const {
  return absl::string_view(PQgetvalue(result_.get(), row, column),
                           PQgetlength(result_.get(), row, column));
}

int64_t PgRows::Int64(int row, int column) const {
  const int length = PQgetlength(result_.get(), row, column);
  const uint64_t bits =
      BigEndian(PQgetvalue(result_.get(), row, column), length);
  // Sign-extend a smallint or an integer.
  switch (length) {
    case 2:
      return static_cast<int16_t>(bits);
    case 4:
      return static_cast<int32_t>(bits);
    default:
      return static_cast<int64_t>(bits);
  }
}

double PgRows::Double(int row, int column) const {
  const uint64_t bits = BigEndian(PQgetvalue(result_.get(), row, column),
                                  PQgetlength(result_.get(), row, column));
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool PgRows::Bool(int row, int column) const {
  return PQgetlength(result_.get(), row, column) == 1 &&
         PQgetvalue(result_.get(), row, column)[0] != 0;
}

unsigned PgRows::Table(int column) const {
  return PQftable(result_.get(), column);
}

}  // namespace mobility
