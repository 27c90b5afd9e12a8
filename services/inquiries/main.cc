// inquiries_server: serves mobility.inquiries.v1.InquiriesService.
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "common/api.h"
#include "common/config.h"
#include "common/log.h"
#include "common/service_main.h"
#include "services/inquiries/grpc_service.h"
#include "services/inquiries/pg_inquiries_store.h"
#include "services/inquiries/retention.h"

ABSL_FLAG(std::string, institution, "",
          "the university the appeals are addressed to, "
          "\"institutions/{id}\": only its staff handle them (env "
          "MOBILITY_INSTITUTION; required)");
ABSL_FLAG(std::string, time_zone, "",
          "IANA zone of the university's working days (env "
          "MOBILITY_TIME_ZONE, default Asia/Almaty)");
ABSL_FLAG(std::string, working_hours, "",
          "the working day, HH:MM-HH:MM local time (env "
          "MOBILITY_WORKING_HOURS, default 09:00-18:00)");
ABSL_FLAG(std::string, public_url, "",
          "where authors track their appeals (env MOBILITY_PUBLIC_URL, "
          "default http://localhost:8080)");
ABSL_FLAG(std::string, submissions_per_hour, "",
          "web submissions per client address and per e-mail in an hour (env "
          "MOBILITY_SUBMISSIONS_PER_HOUR, default 20)");
ABSL_FLAG(std::string, retention_days, "",
          "days a closed inquiry keeps its personal data (env "
          "MOBILITY_INQUIRY_RETENTION_DAYS, default 1826: five years)");
namespace mobility {
std::vector<Migration> InquiriesMigrations();
}  // namespace mobility

namespace {

using mobility::inquiries::Settings;

Settings LoadSettings() {
  using mobility::FlagOrEnv;
  Settings settings;
  settings.institution =
      FlagOrEnv(absl::GetFlag(FLAGS_institution), "MOBILITY_INSTITUTION");
  if (!mobility::ParseResourceName("institution", settings.institution,
                                   "institutions")
           .ok()) {
    mobility::ExitBadConfig(
        "--institution must name the university the appeals are addressed "
        "to, \"institutions/{id}\"");
  }
  const std::string zone = FlagOrEnv(absl::GetFlag(FLAGS_time_zone),
                                     "MOBILITY_TIME_ZONE", "Asia/Almaty");
  if (!absl::LoadTimeZone(zone, &settings.zone))
    mobility::ExitBadConfig(
        "--time_zone is not an IANA time zone installed here (tzdata)");
  const std::string hours = FlagOrEnv(absl::GetFlag(FLAGS_working_hours),
                                      "MOBILITY_WORKING_HOURS", "09:00-18:00");
  auto working_hours = mobility::inquiries::ParseWorkingHours(hours);
  if (!working_hours)
    mobility::ExitBadConfig(
        "--working_hours must be HH:MM-HH:MM, start before end");
  settings.hours = *working_hours;
  settings.public_url =
      FlagOrEnv(absl::GetFlag(FLAGS_public_url), "MOBILITY_PUBLIC_URL",
                "http://localhost:8080");
  const std::string per_hour =
      FlagOrEnv(absl::GetFlag(FLAGS_submissions_per_hour),
                "MOBILITY_SUBMISSIONS_PER_HOUR", "20");
  if (!absl::SimpleAtoi(per_hour, &settings.submissions_per_hour) ||
      settings.submissions_per_hour < 1) {
    mobility::ExitBadConfig("--submissions_per_hour must be a positive number");
  }
  const std::string retention =
      FlagOrEnv(absl::GetFlag(FLAGS_retention_days),
                "MOBILITY_INQUIRY_RETENTION_DAYS", "1826");
  int days = 0;
  if (!absl::SimpleAtoi(retention, &days) || days < 1)
    mobility::ExitBadConfig(
        "--retention_days must be a positive number of days");
  settings.retention = absl::Hours(24) * days;
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mobility;
  ServiceDefinition definition;
  definition.log_name = "inquiries";
  definition.grpc_service_name = "mobility.inquiries.v1.InquiriesService";
  definition.schema = "inquiries";
  definition.default_listen = "127.0.0.1:50054";
  definition.migrations = InquiriesMigrations();
  definition.statements = inquiries::PgInquiriesStore::Statements();
  // Read once the command line is parsed, when the services are built.
  static Settings settings;
  definition.hourly = [](Database* db) {
    PgTransactor<inquiries::InquiriesStore, inquiries::PgInquiriesStore> store(
        db);
    inquiries::Retention retention(&store, &settings);
    const CallLimit limit = CallLimit::Within(absl::Minutes(10));
    auto anonymised = retention.AnonymiseExpired(limit);
    auto purged = retention.PurgeSubmissions(limit);
    if (!anonymised.ok() || !purged.ok()) {
      Log(LogLevel::kWarning, "retention_failed",
          {{"message", std::string((anonymised.ok() ? purged.status()
                                                    : anonymised.status())
                                       .message())}});
    } else if (*anonymised > 0) {
      Log(LogLevel::kInfo, "inquiries_anonymised",
          {{"count", std::to_string(*anonymised)}});
    }
  };
  definition.build = [](Database* db,
                        std::shared_ptr<const RpcDispatcher> dispatcher) {
    settings = LoadSettings();
    auto service = std::make_unique<inquiries::InquiriesGrpcService>(
        db, settings, std::move(dispatcher));
    if (auto smtp = SmtpSettingsFromConfig("rector-office@mobility.invalid"))
      service->SendNotices(*std::move(smtp));
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::move(service));
    return services;
  };
  return RunService(argc, argv, definition);
}
