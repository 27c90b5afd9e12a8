#include "common/migrations.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/pg_store.h"
#include "common/status.h"

namespace mobility {

absl::Status ApplyMigrations(Database& db,
                             const std::vector<Migration>& migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return absl::InternalError(
          absl::StrCat("migration versions must run 1..N without gaps; found ",
                       migrations[i].version, " at position ", i + 1));
    }
  }
  const std::string& schema = db.options().schema;
  return db.Transact(
      CallLimit::Within(absl::Minutes(10)),
      [&](pqxx::transaction_base& txn) -> absl::Status {
        // Static SQL with the schema name quoted as an identifier: no value is
        // ever spliced in.
        txn.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))",
                        absl::StrCat("mobility.migrations.", schema));
        // A deployment may have made the schema for the service's own role,
        // which has no right to create schemas: create it only when it is
        // missing.
        if (txn.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1",
                            schema)
                .empty()) {
          txn.exec(absl::StrCat("CREATE SCHEMA ", txn.quote_name(schema)));
        }
        txn.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY,"
            " name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
        txn.exec(kRequestRecordsDdl);
        std::set<int> applied;
        for (const auto& row :
             txn.exec("SELECT version FROM schema_migrations")) {
          applied.insert(row[0].as<int>());
        }
        if (!applied.empty() &&
            *applied.rbegin() > static_cast<int>(migrations.size())) {
          return Error(
              absl::StatusCode::kFailedPrecondition, "DATABASE_TOO_NEW",
              absl::StrCat("schema ", schema, " is at version ",
                           *applied.rbegin(), " but this binary knows only ",
                           migrations.size()));
        }
        for (const auto& m : migrations) {
          if (applied.count(m.version) > 0) continue;
          txn.exec(m.sql);
          txn.exec_params(
              "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
              m.version, m.name);
          Log(LogLevel::kInfo, "migration_applied",
              {{"schema", schema},
               {"version", std::to_string(m.version)},
               {"name", m.name}});
        }
        return absl::OkStatus();
      });
}

}  // namespace mobility
