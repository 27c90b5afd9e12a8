// The one main() every service runs: configuration from flags and environment,
// logging, the database pool, migrations, the token verifier, and Serve().
#ifndef MOBILITY_COMMON_SERVICE_MAIN_H_
#define MOBILITY_COMMON_SERVICE_MAIN_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/service_type.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/db.h"
#include "common/metrics.h"
#include "common/migrations.h"
#include "common/server.h"

namespace mobility {

struct ServiceConfig {
  std::string listen_address;
  std::string metrics_listen_address;
  std::string database_url;
  std::string jwt_public_key_pem;
  int db_pool_size = 8;
  DispatchOptions dispatch;
  TokenPolicy token_policy;
  absl::Duration shutdown_grace = absl::Seconds(20);
  absl::Duration drain_time = absl::Seconds(5);
  std::string page_token_key;  // Empty: a random key of this process.
};

struct ServiceDefinition {
  std::string
      log_name;  // "agreements": log lines and the LISTEN variable's prefix.
  std::string grpc_service_name;  // "mobility.agreements.v1.AgreementsService".
  std::string schema;             // The PostgreSQL schema the service owns.
  std::string default_listen;     // "127.0.0.1:50051".
  std::string default_metrics_listen;  // "127.0.0.1:9151".
  std::vector<Migration> migrations;
  std::vector<PreparedStatement> statements;
  // The largest request the service takes.
  int max_request_bytes = 4 * 1024 * 1024;
  // Optional upkeep run hourly over the opened database (ServerOptions).
  std::function<void(Database*)> hourly;
  // Registers the service's own gauges, read from the database at each
  // scrape (an outbox's backlog, the inquiries overdue).
  std::function<void(Database*, metrics::Registry*)> metrics;
  // Builds the gRPC services over the opened database; they share one
  // dispatcher (and so one worker pool and queue).
  std::function<std::vector<std::unique_ptr<grpc::Service>>(
      Database*, std::shared_ptr<const RpcDispatcher>)>
      build;
};

// Reads --listen (env MOBILITY_<LOG_NAME>_LISTEN), --metrics_listen
// (MOBILITY_<LOG_NAME>_METRICS_LISTEN), --database_url
// (DATABASE_URL), --jwt_public_key_file (MOBILITY_JWT_PUBLIC_KEY_FILE),
// --token_audience (MOBILITY_TOKEN_AUDIENCE), --page_token_key_file
// (MOBILITY_PAGE_TOKEN_KEY_FILE), --db_pool_size
// (MOBILITY_DB_POOL_SIZE), --workers (MOBILITY_WORKERS), --max_queued_calls
// (MOBILITY_MAX_QUEUED_CALLS), --max_call_seconds
// (MOBILITY_MAX_CALL_SECONDS), --drain_seconds (MOBILITY_DRAIN_SECONDS) and
// --shutdown_grace_seconds (MOBILITY_SHUTDOWN_GRACE_SECONDS). A flag on the
// command line wins over the environment. INVALID_ARGUMENT with a message
// naming the setting when a value is missing or malformed.
absl::StatusOr<ServiceConfig> LoadServiceConfig(
    int argc, char** argv, const ServiceDefinition& definition);

// What every service reports of its serving path and its pool: calls in
// flight and queued, database connections in use and the waits for one.
void RegisterServingMetrics(const RpcDispatcher& dispatcher, Database& db,
                            metrics::Registry& registry);

// main() of a service: returns the process exit code.
int RunService(int argc, char** argv, const ServiceDefinition& definition);

}  // namespace mobility

#endif  // MOBILITY_COMMON_SERVICE_MAIN_H_
