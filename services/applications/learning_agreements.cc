#include "services/applications/learning_agreements.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "services/applications/application_rules.h"
#include "services/applications/applications.h"
#include "services/applications/calls.h"
#include "services/applications/words.h"

namespace mobility::applications {
namespace {

constexpr char kSuffix[] = "/learningAgreement";

absl::StatusOr<std::string> ApplicationIdOf(const std::string& name) {
  if (!absl::EndsWith(name, kSuffix)) {
    return InvalidField("name", Text(words::LEARNING_AGREEMENT_NAME));
  }
  return ParseResourceName("name",
                           name.substr(0, name.size() - sizeof(kSuffix) + 1),
                           "applications");
}

// The parties the caller may sign or read for: the student owning the
// application, the sending institution's office, the host (its coordinators,
// or its system).
std::vector<v1::Signature::Party> PartiesOf(const v1::Application& a,
                                            const v1::Call& round,
                                            const Principal& who) {
  std::vector<v1::Signature::Party> parties;
  if (who.Has(Role::kApplicant) && a.owner() == who.subject)
    parties.push_back(v1::Signature::STUDENT);
  if (CheckRunsCall(round, who).ok())
    parties.push_back(v1::Signature::SENDING_INSTITUTION);
  if (who.IsCoordinatorOf(a.host_institution()))
    parties.push_back(v1::Signature::RECEIVING_INSTITUTION);
  return parties;
}

// Reads application `id` for a caller who is one of its parties.
absl::StatusOr<ApplicationInCall> ReadForParty(
    ApplicationsStore& store, const std::string& id, const Principal& who,
    bool for_update, std::vector<v1::Signature::Party>* parties) {
  auto read = ReadWithCall(store, id, for_update);
  if (!read.ok()) return read;
  *parties = PartiesOf(read->application, read->call, who);
  if (parties->empty()) return ApplicationNotFound(id);
  return read;
}

}  // namespace

absl::StatusOr<v1::LearningAgreement> LearningAgreements::GetLearningAgreement(
    const v1::GetLearningAgreementRequest& request, const CallContext& call) {
  auto id = ApplicationIdOf(request.name());
  if (!id.ok()) return id.status();
  return store_->ReadValue(
      call.limit,
      [&](ApplicationsStore& store) -> absl::StatusOr<v1::LearningAgreement> {
        std::vector<v1::Signature::Party> parties;
        auto read = ReadForParty(store, *id, call.principal, false, &parties);
        if (!read.ok()) return read.status();
        v1::LearningAgreement la = read->application.learning_agreement();
        la.set_name(request.name());
        return la;
      });
}

absl::StatusOr<v1::LearningAgreement>
LearningAgreements::ProposeLearningAgreement(
    const v1::ProposeLearningAgreementRequest& request,
    const CallContext& call) {
  auto id = ApplicationIdOf(request.name());
  if (!id.ok()) return id.status();
  Violations v;
  ValidateComponents(request.study_components(), "study_components", v);
  ValidateComponents(request.recognised_components(), "recognised_components",
                     v);
  if (CharCount(request.change_reason()) > 2000) {
    v.Add("change_reason",
          Text(common_words::AT_MOST_CHARACTERS, {{"max", 2000}}));
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    v.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!v.empty()) return v.ToStatus("INVALID_LEARNING_AGREEMENT");
  v1::LearningAgreement proposed;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "ProposeLearningAgreement", call.principal,
            request.request_id(), request, &proposed, [&]() -> absl::Status {
              std::vector<v1::Signature::Party> parties;
              auto read =
                  ReadForParty(store, *id, call.principal, true, &parties);
              if (!read.ok()) return read.status();
              v1::Application a = std::move(read->application);
              if (a.kind() != v1::STUDENT) {
                return Error(absl::StatusCode::kFailedPrecondition,
                             "NOT_A_STUDENT", Text(words::NOT_A_STUDENT));
              }
              if (auto s = CheckState(
                      a, {v1::Application::SELECTED, v1::Application::NOMINATED,
                          v1::Application::ACCEPTED_BY_HOST,
                          v1::Application::IN_MOBILITY});
                  !s.ok())
                return s;
              v1::LearningAgreement* la = a.mutable_learning_agreement();
              if (!la->versions().empty() &&
                  !la->versions(la->versions_size() - 1).approved()) {
                return Error(absl::StatusCode::kFailedPrecondition,
                             "PROPOSAL_PENDING", Text(words::PROPOSAL_PENDING));
              }
              if (la->in_force_version() > 0 &&
                  request.change_reason().empty()) {
                return InvalidField("change_reason",
                                    Text(words::CHANGE_REASON));
              }
              const absl::Time now = Now();
              v1::LearningAgreementVersion* version = la->add_versions();
              version->set_version(la->versions_size());
              *version->mutable_study_components() = request.study_components();
              *version->mutable_recognised_components() =
                  request.recognised_components();
              version->set_change_reason(request.change_reason());
              version->set_proposed_by(call.principal.subject);
              *version->mutable_propose_time() = ToTimestamp(now);
              StampApplication(a, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveApplication(*id, a));
              proposed = a.learning_agreement();
              proposed.set_name(request.name());
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return proposed;
}

absl::StatusOr<v1::LearningAgreement> LearningAgreements::SignLearningAgreement(
    const v1::SignLearningAgreementRequest& request, const CallContext& call) {
  auto id = ApplicationIdOf(request.name());
  if (!id.ok()) return id.status();
  Violations v;
  if (request.signer_name().empty() || CharCount(request.signer_name()) > 200) {
    v.Add("signer_name", Text(words::SIGNER_NAME));
  }
  if (CharCount(request.position()) > 200) {
    v.Add("position", Text(common_words::AT_MOST_CHARACTERS, {{"max", 200}}));
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    v.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!v.empty()) return v.ToStatus("INVALID_SIGNATURE");
  v1::LearningAgreement signed_la;
  absl::Status status =
      store_->Transact(call.limit, [&](ApplicationsStore& store) {
        return RunIdempotent(
            store, "SignLearningAgreement", call.principal,
            request.request_id(), request, &signed_la, [&]() -> absl::Status {
              std::vector<v1::Signature::Party> parties;
              auto read =
                  ReadForParty(store, *id, call.principal, true, &parties);
              if (!read.ok()) return read.status();
              v1::Application a = std::move(read->application);
              v1::LearningAgreement* la = a.mutable_learning_agreement();
              if (la->versions().empty()) {
                return Error(absl::StatusCode::kFailedPrecondition,
                             "NO_LEARNING_AGREEMENT",
                             Text(words::NO_LEARNING_AGREEMENT));
              }
              v1::LearningAgreementVersion* latest =
                  la->mutable_versions(la->versions_size() - 1);
              if (request.version() != latest->version()) {
                return Error(absl::StatusCode::kAborted, "STALE_VERSION",
                             Text(words::STALE_VERSION,
                                  {{"version",
                                    static_cast<int64_t>(latest->version())}}));
              }
              if (latest->approved()) {
                return Error(absl::StatusCode::kFailedPrecondition,
                             "ALREADY_APPROVED", Text(words::ALREADY_APPROVED));
              }
              // One signature per party the caller signs for and has not yet.
              const absl::Time now = Now();
              for (v1::Signature::Party party : parties) {
                const bool signed_before = std::any_of(
                    latest->signatures().begin(), latest->signatures().end(),
                    [&](const v1::Signature& s) { return s.party() == party; });
                if (signed_before) continue;
                v1::Signature* signature = latest->add_signatures();
                signature->set_party(party);
                signature->set_signer(call.principal.subject);
                signature->set_signer_name(request.signer_name());
                signature->set_position(request.position());
                *signature->mutable_sign_time() = ToTimestamp(now);
                break;
              }
              if (latest->signatures_size() == 3) {
                latest->set_approved(true);
                la->set_in_force_version(latest->version());
              }
              StampApplication(a, now);
              MOBILITY_RETURN_IF_ERROR(store.SaveApplication(*id, a));
              signed_la = *la;
              signed_la.set_name(request.name());
              return absl::OkStatus();
            });
      });
  if (!status.ok()) return status;
  return signed_la;
}

}  // namespace mobility::applications
