// applications_server: serves mobility.applications.v1.ApplicationsService.
#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "common/client.h"
#include "common/config.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/service_main.h"
#include "services/applications/grpc_service.h"
#include "services/applications/personal_data.h"
#include "services/applications/pg_applications_store.h"

MOBILITY_FLAG(std::string, agreements_address, "127.0.0.1:50051",
              "MOBILITY_AGREEMENTS_ADDRESS", "agreements service host:port");
MOBILITY_FLAG(std::string, grants_address, "127.0.0.1:50053",
              "MOBILITY_GRANTS_ADDRESS", "grants service host:port");
MOBILITY_FLAG(int, retention_days, 1826, "MOBILITY_RETENTION_DAYS",
              "days after a call closes that its applications keep their "
              "personal data (five years)");
MOBILITY_FLAG(std::string, applicant_signing_key_file, "",
              "MOBILITY_APPLICANT_SIGNING_KEY_FILE",
              "PEM file of the RSA private key that signs the applicants' "
              "sign-in tokens, whose public key every service trusts through "
              "--applicant_jwt_public_key_file; none: no applicant sign-in");
MOBILITY_FLAG(absl::Duration, pending_steps_interval, absl::Seconds(30),
              "MOBILITY_PENDING_STEPS_INTERVAL",
              "how often the service finishes the steps across services a "
              "crash left (selections under way, give-backs after an end) "
              "once they are as old as this");
MOBILITY_FLAG(std::string, public_url, "http://localhost:8080",
              "MOBILITY_PUBLIC_URL",
              "where applicants follow their applications (the web pages)");
MOBILITY_FLAG(std::string, service_token_file, "",
              "MOBILITY_SERVICE_TOKEN_FILE",
              "file holding this service's own token, for the steps it takes "
              "on its own authority (places, grants) and sent beside the end "
              "user's");

// The audience the services accept (common/service_main), which the
// applicants' tokens must name.
ABSL_DECLARE_FLAG(std::string, token_audience);

namespace mobility {
std::vector<Migration> ApplicationsMigrations();
}  // namespace mobility

int main(int argc, char** argv) {
  using namespace mobility;
  ServiceDefinition definition;
  definition.log_name = "applications";
  definition.grpc_service_name = "mobility.applications.v1.ApplicationsService";
  definition.schema = "applications";
  definition.default_listen = "127.0.0.1:50052";
  definition.default_metrics_listen = "127.0.0.1:9152";
  definition.migrations = ApplicationsMigrations();
  definition.statements = applications::PgApplicationsStore::Statements();
  definition.max_request_bytes = applications::kMaxRequestBytes;
  definition.hourly = [](Database* db) {
    PgTransactor<applications::ApplicationsStore,
                 applications::PgApplicationsStore>
        store(db);
    applications::PersonalData personal_data(
        &store, absl::Hours(24) * absl::GetFlag(FLAGS_retention_days));
    auto anonymised =
        personal_data.AnonymiseExpired(CallLimit::Within(absl::Minutes(10)));
    if (!anonymised.ok()) {
      Log(LogLevel::kWarning, "retention_failed",
          {{"message", std::string(anonymised.status().message())}});
    } else if (*anonymised > 0) {
      Log(LogLevel::kInfo, "applications_anonymised",
          {{"count", std::to_string(*anonymised)}});
    }
    auto purged = applications::SignIn(&store, std::nullopt)
                      .PurgeCodes(CallLimit::Within(absl::Minutes(1)));
    if (!purged.ok()) {
      Log(LogLevel::kWarning, "sign_in_purge_failed",
          {{"message", std::string(purged.status().message())}});
    }
  };
  definition.metrics = [](Database* db, metrics::Registry* registry) {
    AddOutboxMetrics(db, registry);
  };
  definition.build = [](Database* db,
                        std::shared_ptr<const RpcDispatcher> dispatcher) {
    if (absl::GetFlag(FLAGS_retention_days) < 1)
      ExitBadConfig("--retention_days must be a positive number of days");
    auto channel = [](const std::string& address) {
      return std::make_shared<ServiceChannel>(
          address, absl::GetFlag(FLAGS_service_token_file));
    };
    std::optional<TokenSigner> applicant_signer;
    const std::string signing_key_file =
        absl::GetFlag(FLAGS_applicant_signing_key_file);
    if (!signing_key_file.empty()) {
      auto pem = ReadFile(signing_key_file);
      if (!pem.ok()) ExitBadConfig("cannot read --applicant_signing_key_file");
      auto signer = TokenSigner::FromPrivateKeyPem(*pem);
      if (!signer.ok()) ExitBadConfig(std::string(signer.status().message()));
      applicant_signer = *std::move(signer);
    }
    auto service = std::make_unique<applications::ApplicationsGrpcService>(
        db, channel(absl::GetFlag(FLAGS_agreements_address)),
        channel(absl::GetFlag(FLAGS_grants_address)),
        std::move(applicant_signer), std::move(dispatcher),
        absl::GetFlag(FLAGS_token_audience), absl::GetFlag(FLAGS_public_url));
    const absl::Duration sweep = absl::GetFlag(FLAGS_pending_steps_interval);
    if (sweep <= absl::ZeroDuration())
      ExitBadConfig("--pending_steps_interval must be positive");
    service->FinishPendingSteps(sweep, /*grace=*/sweep);
    if (auto smtp =
            SmtpSettingsFromConfig("international-office@mobility.invalid"))
      service->SendMail(*std::move(smtp));
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::move(service));
    return services;
  };
  return RunService(argc, argv, definition);
}
