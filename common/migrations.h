// Numbered SQL migrations per service schema, applied at start under an
// advisory lock and recorded in <schema>.schema_migrations, so several replicas
// starting together apply each one exactly once.
#ifndef MOBILITY_COMMON_MIGRATIONS_H_
#define MOBILITY_COMMON_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db.h"

namespace mobility {

struct Migration {
  int version;       // 1, 2, 3... with no gaps.
  std::string name;  // From the file name, e.g. "initial".
  std::string sql;
};

// Brings db's schema (DatabaseOptions::schema) to the newest version in
// `migrations`. Fails with FAILED_PRECONDITION when the database records a
// version this binary does not know.
absl::Status ApplyMigrations(Database& db,
                             const std::vector<Migration>& migrations);

}  // namespace mobility

#endif  // MOBILITY_COMMON_MIGRATIONS_H_
