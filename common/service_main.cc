#include "common/service_main.h"

#include <cstdlib>
#include <tuple>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/api.h"
#include "common/config.h"
#include "common/http_fetch.h"
#include "common/local_day.h"
#include "common/log.h"
#include "common/metrics_http.h"
#include "common/pg_store.h"
#include "common/server.h"

// --listen's variable is the service's own (MOBILITY_<SERVICE>_LISTEN), bound
// in LoadServiceConfig.
ABSL_FLAG(std::string, listen, "", "host:port to serve gRPC on");
// So is --metrics_listen's (MOBILITY_<SERVICE>_METRICS_LISTEN).
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port to serve Prometheus metrics on (GET /metrics)");
MOBILITY_FLAG(std::string, database_url, "", "DATABASE_URL", "PostgreSQL URL");
MOBILITY_FLAG(std::string, jwt_public_key_file, "",
              "MOBILITY_JWT_PUBLIC_KEY_FILE",
              "PEM file of the RSA key that signs bearer tokens");
MOBILITY_FLAG(std::string, applicant_jwt_public_key_file, "",
              "MOBILITY_APPLICANT_JWT_PUBLIC_KEY_FILE",
              "PEM file of the RSA key the applications service signs the "
              "applicants' sign-in tokens with; none: no applicant sign-in "
              "tokens are accepted");
MOBILITY_FLAG(std::string, internal_jwt_public_key_file, "",
              "MOBILITY_INTERNAL_JWT_PUBLIC_KEY_FILE",
              "PEM file of the RSA key our own services' tokens are signed "
              "with; none: no caller acts as one of our services");
MOBILITY_FLAG(std::string, ewp_jwt_public_key_file, "",
              "MOBILITY_EWP_JWT_PUBLIC_KEY_FILE",
              "PEM file of the RSA key the EWP service signs partner systems' "
              "tokens with; none: no partner calls through EWP");
MOBILITY_FLAG(std::string, oidc_issuer, "", "MOBILITY_OIDC_ISSUER",
              "issuer of the university's identity provider (OpenID "
              "Connect), whose tokens are trusted; none: no such tokens");
MOBILITY_FLAG(std::string, oidc_jwks_url, "", "MOBILITY_OIDC_JWKS_URL",
              "the provider's JWK Set; empty: the jwks_uri of its discovery "
              "document");
MOBILITY_FLAG(std::string, oidc_audience, "", "MOBILITY_OIDC_AUDIENCE",
              "what the provider's tokens must name in aud: our client id "
              "there");
MOBILITY_FLAG(std::string, oidc_roles_claim, "roles",
              "MOBILITY_OIDC_ROLES_CLAIM",
              "claim (a dotted path) holding the roles, a list or a "
              "space-separated string");
MOBILITY_FLAG(std::string, oidc_institution_claim, "institution",
              "MOBILITY_OIDC_INSTITUTION_CLAIM",
              "claim holding the institution the holder acts for");
MOBILITY_FLAG(std::string, oidc_offices_claim, "offices",
              "MOBILITY_OIDC_OFFICES_CLAIM",
              "claim holding an inquiry handler's offices");
MOBILITY_FLAG(std::string, oidc_role_names, "", "MOBILITY_OIDC_ROLE_NAMES",
              "the provider's role or group names for ours, as "
              "theirs=ours,... (e.g. mobility-finance=finance)");
MOBILITY_FLAG(int, token_leeway_seconds, 30, "MOBILITY_TOKEN_LEEWAY_SECONDS",
              "clock skew tolerated on a token's iat and nbf");
MOBILITY_FLAG(int, db_pool_size, 8, "MOBILITY_DB_POOL_SIZE",
              "database connections per process");
MOBILITY_FLAG(std::string, token_audience, "mobility-office",
              "MOBILITY_TOKEN_AUDIENCE",
              "audience every bearer token must name");
MOBILITY_FLAG(std::string, page_token_key_file, "",
              "MOBILITY_PAGE_TOKEN_KEY_FILE",
              "file holding the key that signs page tokens; every replica of "
              "a service must share it");
MOBILITY_FLAG(int, workers, 16, "MOBILITY_WORKERS",
              "threads running call bodies");
MOBILITY_FLAG(int, max_queued_calls, 1024, "MOBILITY_MAX_QUEUED_CALLS",
              "calls waiting for a worker before new ones are refused "
              "OVERLOADED");
MOBILITY_FLAG(int, shutdown_grace_seconds, 20,
              "MOBILITY_SHUTDOWN_GRACE_SECONDS",
              "after SIGTERM, how long calls in flight may take before they "
              "are cancelled");
MOBILITY_FLAG(int, drain_seconds, 5, "MOBILITY_DRAIN_SECONDS",
              "after SIGTERM, how long the replica answers NOT_SERVING and "
              "refuses new calls UNAVAILABLE, so that callers move to the "
              "others, before it stops taking calls");
MOBILITY_FLAG(bool, migrate_only, false, "MOBILITY_MIGRATE_ONLY",
              "apply the schema's migrations, then exit 0 without serving "
              "(a deployment's migration job)");
MOBILITY_FLAG(int, max_call_seconds, 30, "MOBILITY_MAX_CALL_SECONDS",
              "deadline of a call that brings none, and the longest a query "
              "runs");

namespace mobility {
namespace {

// The identity provider the --oidc_* flags describe; null without
// --oidc_issuer.
absl::StatusOr<std::shared_ptr<IdentityProvider>> IdentityProviderFromFlags() {
  IdentityProviderSettings settings;
  settings.issuer = absl::GetFlag(FLAGS_oidc_issuer);
  if (settings.issuer.empty()) return nullptr;
  settings.jwks_url = absl::GetFlag(FLAGS_oidc_jwks_url);
  settings.audience = absl::GetFlag(FLAGS_oidc_audience);
  settings.roles_claim = absl::GetFlag(FLAGS_oidc_roles_claim);
  settings.institution_claim = absl::GetFlag(FLAGS_oidc_institution_claim);
  settings.offices_claim = absl::GetFlag(FLAGS_oidc_offices_claim);
  if (settings.audience.empty()) {
    return absl::InvalidArgumentError(
        "--oidc_audience / MOBILITY_OIDC_AUDIENCE is required with "
        "--oidc_issuer");
  }
  auto role_names = ParseRoleNames(absl::GetFlag(FLAGS_oidc_role_names));
  if (!role_names.ok()) return role_names.status();
  settings.role_names = *std::move(role_names);
  return std::make_shared<IdentityProvider>(std::move(settings),
                                            CurlFetch(absl::Seconds(2)));
}

bool IsValidListenAddress(absl::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  int port = -1;
  return absl::SimpleAtoi(address.substr(colon + 1), &port) && port >= 0 &&
         port <= 65535;
}

}  // namespace

absl::StatusOr<ServiceConfig> LoadServiceConfig(
    int argc, char** argv, const ServiceDefinition& definition) {
  const std::string listen_env = absl::StrCat(
      "MOBILITY_", absl::AsciiStrToUpper(definition.log_name), "_LISTEN");
  absl::SetFlag(&FLAGS_listen, definition.default_listen);
  BindFlagToEnv("listen", listen_env);
  const std::string metrics_env =
      absl::StrCat("MOBILITY_", absl::AsciiStrToUpper(definition.log_name),
                   "_METRICS_LISTEN");
  absl::SetFlag(&FLAGS_metrics_listen, definition.default_metrics_listen);
  BindFlagToEnv("metrics_listen", metrics_env);
  // The environment first, so that flags on the command line override it.
  if (absl::Status s = ApplyEnvironment(); !s.ok()) return s;
  absl::SetProgramUsageMessage(
      absl::StrCat("Serves ", definition.grpc_service_name, " over gRPC."));
  absl::ParseCommandLine(argc, argv);

  ServiceConfig config;
  config.listen_address = absl::GetFlag(FLAGS_listen);
  config.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen);
  config.database_url = absl::GetFlag(FLAGS_database_url);
  config.db_pool_size = absl::GetFlag(FLAGS_db_pool_size);
  config.dispatch.workers = absl::GetFlag(FLAGS_workers);
  config.dispatch.max_queued = absl::GetFlag(FLAGS_max_queued_calls);
  config.dispatch.max_call_time =
      absl::Seconds(absl::GetFlag(FLAGS_max_call_seconds));
  config.token_policy.audience = absl::GetFlag(FLAGS_token_audience);
  config.shutdown_grace =
      absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  config.drain_time = absl::Seconds(absl::GetFlag(FLAGS_drain_seconds));
  if (config.drain_time < absl::ZeroDuration() ||
      config.drain_time > absl::Minutes(5)) {
    return absl::InvalidArgumentError(
        "--drain_seconds must be between 0 and 300");
  }
  if (config.shutdown_grace < absl::ZeroDuration() ||
      config.shutdown_grace > absl::Minutes(10)) {
    return absl::InvalidArgumentError(
        "--shutdown_grace_seconds must be between 0 and 600");
  }
  if (!IsValidListenAddress(config.listen_address)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen / ", listen_env, " must be host:port, got \"",
                     config.listen_address, "\""));
  }
  if (!IsValidListenAddress(config.metrics_listen_address)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics_listen / ", metrics_env, " must be host:port, got \"",
        config.metrics_listen_address, "\""));
  }
  if (config.database_url.empty()) {
    return absl::InvalidArgumentError(
        "--database_url / DATABASE_URL is required");
  }
  if (!absl::StartsWith(config.database_url, "postgresql://") &&
      !absl::StartsWith(config.database_url, "postgres://")) {
    return absl::InvalidArgumentError(
        "--database_url / DATABASE_URL must start with postgresql:// or "
        "postgres://");
  }
  if (config.db_pool_size < 1 || config.db_pool_size > 200) {
    return absl::InvalidArgumentError(
        "--db_pool_size must be between 1 and 200");
  }
  if (config.dispatch.workers < 1 || config.dispatch.workers > 1024) {
    return absl::InvalidArgumentError("--workers must be between 1 and 1024");
  }
  if (config.dispatch.max_queued < 1 || config.dispatch.max_queued > 100000) {
    return absl::InvalidArgumentError(
        "--max_queued_calls must be between 1 and 100000");
  }
  if (config.dispatch.max_call_time < absl::Seconds(1) ||
      config.dispatch.max_call_time > absl::Hours(1)) {
    return absl::InvalidArgumentError(
        "--max_call_seconds must be between 1 and 3600");
  }
  if (config.token_policy.audience.empty()) {
    return absl::InvalidArgumentError("--token_audience must not be empty");
  }
  const std::string key_file = absl::GetFlag(FLAGS_jwt_public_key_file);
  if (key_file.empty()) {
    return absl::InvalidArgumentError(
        "--jwt_public_key_file / MOBILITY_JWT_PUBLIC_KEY_FILE is required");
  }
  auto pem = ReadFile(key_file);
  if (!pem.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the JWT public key ", key_file));
  }
  config.jwt_public_key_pem = *std::move(pem);
  // The applicants', our services' and the EWP service's issuers: optional
  // keys.
  for (auto [flag, pem, what] :
       {std::tuple{&FLAGS_applicant_jwt_public_key_file,
                   &config.token_policy.applicant_issuer_key_pem, "applicant"},
        {&FLAGS_internal_jwt_public_key_file,
         &config.token_policy.internal_issuer_key_pem, "internal"},
        {&FLAGS_ewp_jwt_public_key_file,
         &config.token_policy.ewp_issuer_key_pem, "EWP"}}) {
    const std::string file = absl::GetFlag(*flag);
    if (file.empty()) continue;
    auto read = ReadFile(file);
    if (!read.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the ", what, " token public key ", file));
    }
    *pem = *std::move(read);
  }
  const int leeway = absl::GetFlag(FLAGS_token_leeway_seconds);
  if (leeway < 0 || leeway > 300) {
    return absl::InvalidArgumentError(
        "--token_leeway_seconds must be between 0 and 300");
  }
  config.token_policy.leeway = absl::Seconds(leeway);
  if (auto provider = IdentityProviderFromFlags(); !provider.ok()) {
    return provider.status();
  } else {
    config.token_policy.identity_provider = *std::move(provider);
  }
  const std::string page_key_file = absl::GetFlag(FLAGS_page_token_key_file);
  if (!page_key_file.empty()) {
    auto key = ReadFile(page_key_file);
    if (!key.ok() || key->size() < 32) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--page_token_key_file: cannot read at least 32 bytes from ",
          page_key_file));
    }
    config.page_token_key = *std::move(key);
  }
  return config;
}

void RegisterServingMetrics(const RpcDispatcher& dispatcher, Database& db,
                            metrics::Registry& registry) {
  registry.AddGauge(
      "mobility_rpc_in_flight", "Calls between arrival and answer.", {},
      [&dispatcher]() -> absl::StatusOr<std::vector<metrics::Sample>> {
        return std::vector<metrics::Sample>{{{}, 1.0 * dispatcher.in_flight()}};
      });
  registry.AddGauge(
      "mobility_rpc_queued", "Calls waiting for a worker.", {},
      [&dispatcher]() -> absl::StatusOr<std::vector<metrics::Sample>> {
        return std::vector<metrics::Sample>{{{}, 1.0 * dispatcher.queued()}};
      });
  registry.AddGauge(
      "mobility_db_connections",
      "Database connections of the pool, in use by a call or idle.", {"state"},
      [&db]() -> absl::StatusOr<std::vector<metrics::Sample>> {
        const Database::PoolUse use = db.pool_use();
        return std::vector<metrics::Sample>{
            {{"in_use"}, 1.0 * (use.open - use.idle)},
            {{"idle"}, 1.0 * use.idle}};
      });
  registry.AddCounterRead(
      "mobility_db_connection_waits_total",
      "Times a call waited for a database connection of the pool.", {},
      [&db]() -> absl::StatusOr<std::vector<metrics::Sample>> {
        return std::vector<metrics::Sample>{{{}, 1.0 * db.pool_use().waits}};
      });
}

int RunService(int argc, char** argv, const ServiceDefinition& definition) {
  StartServerProcess(definition.log_name);
  auto config = LoadServiceConfig(argc, argv, definition);
  if (!config.ok()) {
    Log(LogLevel::kError, "bad_config",
        {{"message", std::string(config.status().message())}});
    return 2;
  }
  if (!InstitutionTimeZoneLoads()) {
    ExitBadConfig(
        "--time_zone is not an IANA time zone installed here (tzdata)");
  }
  if (config->page_token_key.empty()) {
    Log(LogLevel::kWarning, "page_token_key_missing",
        {{"message",
          "page tokens are signed with a key of this process only; give every "
          "replica the same --page_token_key_file"}});
  } else {
    SetPageTokenKey(config->page_token_key);
  }
  auto verifier = TokenVerifier::FromPublicKeyPem(config->jwt_public_key_pem,
                                                  config->token_policy);
  if (!verifier.ok()) {
    Log(LogLevel::kError, "bad_config",
        {{"message", std::string(verifier.status().message())}});
    return 2;
  }
  DatabaseOptions db_options;
  db_options.url = config->database_url;
  db_options.schema = definition.schema;
  db_options.pool_size = config->db_pool_size;
  db_options.max_statement_time = config->dispatch.max_call_time;
  auto db = Database::Open(db_options, definition.statements);
  if (!db.ok()) {
    Log(LogLevel::kError, "database_unavailable",
        {{"message", std::string(db.status().message())}});
    return 1;
  }
  if (absl::Status s = ApplyMigrations(**db, definition.migrations); !s.ok()) {
    Log(LogLevel::kError, "migration_failed",
        {{"message", std::string(s.message())}});
    return 1;
  }
  if (absl::GetFlag(FLAGS_migrate_only)) {
    Log(LogLevel::kInfo, "migrated", {{"schema", definition.schema}});
    return 0;
  }
  auto dispatcher =
      std::make_shared<RpcDispatcher>(*std::move(verifier), config->dispatch);
  auto services = definition.build(db->get(), dispatcher);
  RegisterServingMetrics(*dispatcher, **db, metrics::Default());
  if (definition.metrics) definition.metrics(db->get(), &metrics::Default());
  auto metrics_server = metrics::MetricsServer::Start(
      config->metrics_listen_address, "--metrics_listen", &metrics::Default());
  if (!metrics_server.ok()) {
    Log(LogLevel::kError, "metrics_listen_failed",
        {{"message", std::string(metrics_server.status().message())}});
    return 1;
  }
  std::vector<grpc::Service*> raw;
  for (auto& s : services) raw.push_back(s.get());
  ServerOptions server_options;
  server_options.service_name = definition.grpc_service_name;
  server_options.listen_address = config->listen_address;
  server_options.shutdown_grace = config->shutdown_grace;
  server_options.drain = [dispatcher] { dispatcher->Drain(); };
  server_options.drain_time = config->drain_time;
  server_options.max_request_bytes = definition.max_request_bytes;
  Database* database = db->get();
  server_options.ready = [database] { return database->Ping().ok(); };
  server_options.cancel_running = [database] {
    return database->CancelRunning();
  };
  // Request records past their retention go hourly (any replica may: the
  // delete is idempotent), then the service's own upkeep.
  server_options.hourly = [&definition, database] {
    auto purged = PurgeRequestRecords(*database, kRequestIdRetention);
    if (purged.ok() && *purged > 0) {
      Log(LogLevel::kInfo, "request_records_purged",
          {{"count", std::to_string(*purged)}});
    }
    if (definition.hourly) definition.hourly(database);
  };
  if (absl::Status s = Serve(server_options, raw); !s.ok()) {
    Log(LogLevel::kError, "serve_failed",
        {{"message", std::string(s.message())}});
    return 1;
  }
  return 0;
}

}  // namespace mobility
