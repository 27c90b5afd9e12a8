// inquiries_server: serves mobility.inquiries.v1.InquiriesService.
#include <cstdlib>

#include "common/api.h"
#include "common/config.h"
#include "common/local_day.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/service_main.h"
#include "services/inquiries/grpc_service.h"
#include "services/inquiries/pg_inquiries_store.h"
#include "services/inquiries/retention.h"

MOBILITY_FLAG(std::string, institution, "", "MOBILITY_INSTITUTION",
              "the university the appeals are addressed to, "
              "\"institutions/{id}\": only its staff handle them; required");
MOBILITY_FLAG(std::string, working_hours, "09:00-18:00",
              "MOBILITY_WORKING_HOURS",
              "the working day, HH:MM-HH:MM local time");
MOBILITY_FLAG(std::string, public_url, "http://localhost:8080",
              "MOBILITY_PUBLIC_URL", "where authors track their appeals");
MOBILITY_FLAG(int, submissions_per_hour, 20, "MOBILITY_SUBMISSIONS_PER_HOUR",
              "web submissions per client address and per e-mail in an hour");
MOBILITY_FLAG(int, retention_days, 1826, "MOBILITY_INQUIRY_RETENTION_DAYS",
              "days a closed inquiry keeps its personal data (five years)");

namespace mobility {
std::vector<Migration> InquiriesMigrations();
}  // namespace mobility

namespace {

using mobility::inquiries::Settings;

Settings LoadSettings() {
  Settings settings;
  settings.institution = absl::GetFlag(FLAGS_institution);
  if (!mobility::ParseResourceName("institution", settings.institution,
                                   "institutions")
           .ok()) {
    mobility::ExitBadConfig(
        "--institution must name the university the appeals are addressed "
        "to, \"institutions/{id}\"");
  }
  // Checked when the service starts (--time_zone, common/local_day.h).
  settings.zone = mobility::InstitutionTimeZone();
  auto working_hours = mobility::inquiries::ParseWorkingHours(
      absl::GetFlag(FLAGS_working_hours));
  if (!working_hours)
    mobility::ExitBadConfig(
        "--working_hours must be HH:MM-HH:MM, start before end");
  settings.hours = *working_hours;
  settings.public_url = absl::GetFlag(FLAGS_public_url);
  settings.submissions_per_hour = absl::GetFlag(FLAGS_submissions_per_hour);
  if (settings.submissions_per_hour < 1)
    mobility::ExitBadConfig("--submissions_per_hour must be a positive number");
  const int days = absl::GetFlag(FLAGS_retention_days);
  if (days < 1)
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
  definition.default_metrics_listen = "127.0.0.1:9154";
  definition.migrations = InquiriesMigrations();
  definition.statements = inquiries::PgInquiriesStore::Statements();
  // Read once the command line is parsed, when the services are built.
  static Settings settings;
  definition.hourly = [](Database* db) {
    PgTransactor<inquiries::InquiriesStore, inquiries::PgInquiriesStore> store(
        db);
    inquiries::Retention retention(&store, &settings);
    const CallLimit limit = CallLimit::Within(absl::Minutes(10));
    auto closed = retention.CloseUnreplied(limit);
    if (!closed.ok()) {
      Log(LogLevel::kWarning, "closing_unreplied_failed",
          {{"message", std::string(closed.status().message())}});
    } else if (*closed > 0) {
      Log(LogLevel::kInfo, "inquiries_closed_unreplied",
          {{"count", std::to_string(*closed)}});
    }
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
  definition.metrics = [](Database* db, metrics::Registry* registry) {
    AddOutboxMetrics(db, registry);
    auto load = [db](bool overdue) {
      return [db, overdue]() -> absl::StatusOr<std::vector<metrics::Sample>> {
        PgTransactor<inquiries::InquiriesStore, inquiries::PgInquiriesStore>
            store(db);
        MOBILITY_ASSIGN_OR_RETURN(
            auto offices,
            store.ReadValue(CallLimit::Within(absl::Seconds(5)),
                            [](inquiries::InquiriesStore& s) {
                              return s.OpenByOffice(LocalDay(absl::Now()));
                            }));
        std::vector<metrics::Sample> samples;
        for (const auto& office : offices) {
          samples.push_back({{office.office},
                             1.0 * (overdue ? office.overdue : office.open)});
        }
        return samples;
      };
    };
    registry->AddGauge("mobility_inquiries_open",
                       "Open inquiries, by the office handling them (\"\" "
                       "while none is assigned).",
                       {"office"}, load(false));
    registry->AddGauge("mobility_inquiries_overdue",
                       "Open inquiries past their legal due date, by office.",
                       {"office"}, load(true));
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
