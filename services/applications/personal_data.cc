#include "services/applications/personal_data.h"

#include "common/api.h"
#include "common/status.h"

namespace mobility::applications {
namespace {

constexpr int kBatch = 200;
constexpr char kAnonymised[] = "anonymised";

}  // namespace

void Anonymise(v1::Application& a, absl::Time now) {
  const std::string owner = a.owner();
  const std::string home = a.applicant().home_institution();
  a.clear_applicant();
  a.mutable_applicant()->set_home_institution(home);
  a.clear_motivation();
  a.mutable_student()->clear_language_skills();
  a.mutable_student()->clear_days_abroad_in_cycle();
  for (auto& entry : *a.mutable_history()) {
    if (entry.actor() == owner) entry.set_actor(kAnonymised);
    entry.clear_reason();
  }
  a.set_owner(kAnonymised);
  *a.mutable_anonymise_time() = ToTimestamp(now);
}

absl::StatusOr<v1::ApplicantDataExport> PersonalData::ExportMyData(
    const v1::ExportMyDataRequest&, const CallContext& call) {
  return store_->ReadValue(
      call.limit,
      [&](ApplicationsStore& store) -> absl::StatusOr<v1::ApplicantDataExport> {
        v1::ApplicantDataExport out;
        ApplicationsStore::ApplicationFilter mine;
        mine.owner = call.principal.subject;
        std::string after;
        for (;;) {
          MOBILITY_ASSIGN_OR_RETURN(
              auto page, store.ListApplications(mine, after, kBatch));
          for (auto& a : page) {
            MOBILITY_ASSIGN_OR_RETURN(
                auto documents, store.ListDocuments(ResourceIdOf(a.name())));
            for (auto& d : documents) *out.add_documents() = std::move(d);
            after = ResourceIdOf(a.name());
            *out.add_applications() = std::move(a);
          }
          if (static_cast<int>(page.size()) < kBatch) break;
        }
        *out.mutable_export_time() = ToTimestamp(Now());
        return out;
      });
}

absl::StatusOr<int> PersonalData::AnonymiseExpired(const CallLimit& limit) {
  int total = 0;
  for (;;) {
    int batch = 0;
    absl::Status status =
        store_->Transact(limit, [&](ApplicationsStore& store) -> absl::Status {
          const absl::Time now = Now();
          batch = 0;
          MOBILITY_ASSIGN_OR_RETURN(
              auto expired,
              store.ApplicationsToAnonymise(now - retention_, kBatch));
          for (auto& a : expired) {
            const std::string id = ResourceIdOf(a.name());
            Anonymise(a, now);
            MOBILITY_RETURN_IF_ERROR(store.DeleteDocuments(id));
            MOBILITY_RETURN_IF_ERROR(store.MarkAnonymised(id, a));
            ++batch;
          }
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    total += batch;
    if (batch < kBatch) return total;
  }
}

}  // namespace mobility::applications
