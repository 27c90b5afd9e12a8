#include "services/agreements/quotas.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/local_day.h"
#include "common/reference_data.h"
#include "common/status.h"
#include "common/types.h"
#include "services/agreements/agreement_lifecycle.h"
#include "services/agreements/agreement_rules.h"
#include "services/agreements/agreements_store.h"
#include "services/agreements/words.h"

namespace mobility::agreements {
namespace {

constexpr size_t kMaxAllocationKey = 200;

const v1::CooperationCondition* FindCondition(const v1::Agreement& agreement,
                                              const std::string& id) {
  for (const auto& c : agreement.cooperation_conditions()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

// The revision in force: the current one unless an amendment awaits approval.
absl::StatusOr<v1::Agreement> InForce(AgreementsStore& store,
                                      const v1::Agreement& current) {
  if (current.in_force_revision() == 0 ||
      current.in_force_revision() == current.revision()) {
    return current;
  }
  return store.GetAgreementRevision(ResourceIdOf(current.name()),
                                    current.in_force_revision());
}

}  // namespace

absl::StatusOr<v1::MobilityAllocation> Quotas::AllocateMobility(
    const v1::AllocateMobilityRequest& request, const CallContext& call) {
  Violations violations;
  auto id = ParseResourceName("agreement", request.agreement(), "agreements");
  if (!id.ok())
    violations.Add("agreement", Text(common_words::RESOURCE_NAME,
                                     {{"collection", "agreements"}}));
  auto year = ParseAcademicYear(request.academic_year());
  if (!year.ok()) violations.Add("academic_year", year.status());
  if (request.condition_id().empty())
    violations.Add("condition_id", Text(common_words::REQUIRED));
  if (request.allocation_key().empty() ||
      request.allocation_key().size() > kMaxAllocationKey) {
    violations.Add("allocation_key",
                   Text(words::ALLOCATION_KEY,
                        {{"max", static_cast<int64_t>(kMaxAllocationKey)}}));
  }
  if (!violations.empty()) return violations.ToStatus("INVALID_ALLOCATION");

  v1::MobilityAllocation allocation;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) -> absl::Status {
        // The agreement neither changes nor ends until commit; allocations of
        // other conditions go on at once (LockQuota below).
        auto current =
            store.GetAgreement(*id, AgreementsStore::RowLock::kShare);
        if (!current.ok()) return current.status();
        ApplyTerminationDate(*current, LocalDay(Now()));
        if (auto s = CheckOpenForYear(*current, *year); !s.ok()) return s;
        // An amendment awaiting approval changes nothing yet.
        auto agreement = InForce(store, *current);
        if (!agreement.ok()) return agreement.status();
        const v1::CooperationCondition* condition =
            FindCondition(*agreement, request.condition_id());
        if (condition == nullptr) {
          return InvalidField("condition_id", Text(words::NO_SUCH_CONDITION));
        }
        const auto [first, last] = ConditionYears(*agreement, *condition);
        if (*year < first || *year > last) {
          return Error(absl::StatusCode::kFailedPrecondition,
                       "YEAR_OUTSIDE_AGREEMENT",
                       absl::StrCat("academic_year: the condition runs from ",
                                    FormatAcademicYear(first), " to ",
                                    FormatAcademicYear(last)),
                       Text(words::CONDITION_YEARS,
                            {{"first", FormatAcademicYear(first)},
                             {"last", FormatAcademicYear(last)}}));
        }
        MOBILITY_RETURN_IF_ERROR(store.LockQuota(
            *id, request.allocation_key(), request.condition_id(), *year));
        MOBILITY_ASSIGN_OR_RETURN(
            const AgreementsStore::Quota quota,
            store.ReadQuota(*id, request.allocation_key(),
                            request.condition_id(), *year));
        if (quota.key_closed) {
          return Error(absl::StatusCode::kFailedPrecondition,
                       "ALLOCATION_KEY_CLOSED",
                       "allocation_key: its holder ended; it allocates no "
                       "mobility any more",
                       Text(words::ALLOCATION_KEY_CLOSED));
        }
        const auto& existing = quota.held;
        if (existing.has_value() &&
            existing->state() == v1::MobilityAllocation::ALLOCATED) {
          if (existing->condition_id() == request.condition_id() &&
              existing->academic_year() == request.academic_year()) {
            // A retry: the key already holds this mobility.
            allocation = *existing;
            *allocation.mutable_condition() = *condition;
            return absl::OkStatus();
          }
          return Error(absl::StatusCode::kAlreadyExists,
                       "ALLOCATION_KEY_IN_USE",
                       Text(words::ALLOCATION_KEY_IN_USE));
        }
        if (quota.allocated >= condition->mobilities_per_year()) {
          return Error(absl::StatusCode::kResourceExhausted, "QUOTA_EXHAUSTED",
                       Text(words::QUOTA_EXHAUSTED,
                            {{"count", condition->mobilities_per_year()},
                             {"condition", request.condition_id()},
                             {"year", request.academic_year()}}));
        }
        allocation.set_agreement(request.agreement());
        allocation.set_condition_id(request.condition_id());
        allocation.set_academic_year(request.academic_year());
        allocation.set_allocation_key(request.allocation_key());
        allocation.set_state(v1::MobilityAllocation::ALLOCATED);
        *allocation.mutable_allocate_time() = ToTimestamp(Now());
        MOBILITY_RETURN_IF_ERROR(store.SaveAllocation(*id, allocation, *year));
        *allocation.mutable_condition() = *condition;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return allocation;
}

absl::StatusOr<v1::MobilityAllocation> Quotas::ReleaseMobility(
    const v1::ReleaseMobilityRequest& request, const CallContext& call) {
  auto id = ParseResourceName("agreement", request.agreement(), "agreements");
  if (!id.ok()) return id.status();
  if (request.allocation_key().empty() ||
      request.allocation_key().size() > kMaxAllocationKey) {
    return InvalidField(
        "allocation_key",
        Text(words::ALLOCATION_KEY,
             {{"max", static_cast<int64_t>(kMaxAllocationKey)}}));
  }
  v1::MobilityAllocation allocation;
  absl::Status status =
      store_->Transact(call.limit, [&](AgreementsStore& store) -> absl::Status {
        auto agreement =
            store.GetAgreement(*id, AgreementsStore::RowLock::kUpdate);
        if (!agreement.ok()) return agreement.status();
        // The agreement's row lock orders this with any allocation under the
        // key: one still on its way finds the key closed.
        if (request.final()) {
          MOBILITY_RETURN_IF_ERROR(
              store.CloseAllocationKey(*id, request.allocation_key(), Now()));
        }
        MOBILITY_ASSIGN_OR_RETURN(
            auto existing, store.FindAllocation(*id, request.allocation_key()));
        if (!existing.has_value()) {
          if (!request.final()) {
            return Error(absl::StatusCode::kNotFound, "ALLOCATION_NOT_FOUND",
                         Text(words::ALLOCATION_NOT_FOUND));
          }
          allocation.set_agreement(request.agreement());
          allocation.set_allocation_key(request.allocation_key());
          allocation.set_state(v1::MobilityAllocation::RELEASED);
          return absl::OkStatus();
        }
        allocation = *existing;
        if (allocation.state() == v1::MobilityAllocation::RELEASED)
          return absl::OkStatus();
        allocation.set_state(v1::MobilityAllocation::RELEASED);
        *allocation.mutable_release_time() = ToTimestamp(Now());
        MOBILITY_RETURN_IF_ERROR(store.SaveAllocation(
            *id, allocation, *ParseAcademicYear(allocation.academic_year())));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return allocation;
}

namespace {

// The places of each condition and year of `read.agreement` (of `only_year`
// unless 0), used and free.
absl::StatusOr<v1::QuotaUsage> Usage(
    const AgreementsStore::AgreementUsage& read, const std::string& name,
    int only_year) {
  const v1::Agreement& agreement = read.agreement;
  const int first = *ParseAcademicYear(agreement.first_academic_year());
  const int last = *ParseAcademicYear(agreement.last_academic_year());
  if (only_year != 0 && (only_year < first || only_year > last)) {
    return InvalidField("academic_year",
                        Text(words::AGREEMENT_RUNS,
                             {{"first", agreement.first_academic_year()},
                              {"last", agreement.last_academic_year()}}));
  }
  v1::QuotaUsage usage;
  usage.set_agreement(name);
  for (const auto& c : agreement.cooperation_conditions()) {
    const auto [condition_first, condition_last] = ConditionYears(agreement, c);
    for (int year = condition_first; year <= condition_last; ++year) {
      if (only_year != 0 && year != only_year) continue;
      auto* entry = usage.add_entries();
      entry->set_condition_id(c.id());
      entry->set_mobility_type(c.mobility_type());
      entry->set_academic_year(FormatAcademicYear(year));
      entry->set_mobilities_per_year(c.mobilities_per_year());
      auto it = read.allocated.find({c.id(), year});
      entry->set_used(it == read.allocated.end() ? 0 : it->second);
      entry->set_free(std::max(0, c.mobilities_per_year() - entry->used()));
    }
  }
  return usage;
}

}  // namespace

void Quotas::GetQuotaUsage(const v1::GetQuotaUsageRequest& request,
                           const CallContext& call,
                           Then<v1::QuotaUsage> reply) {
  auto id = ParseResourceName("agreement", request.agreement(), "agreements");
  if (!id.ok()) return reply(id.status());
  int only_year = 0;
  if (!request.academic_year().empty()) {
    auto year = ParseAcademicYear(request.academic_year());
    if (!year.ok()) return reply(InvalidField("academic_year", year.status()));
    only_year = *year;
  }
  // One statement reads the agreement and its counts from the same snapshot;
  // a second, only while an amendment awaits approval, the revision in force,
  // which no change touches once written.
  reads_->GetAgreementUsage(
      call.limit, *id,
      [this, &call, id = *id, name = request.agreement(), only_year,
       reply = std::move(reply)](
          absl::StatusOr<AgreementsStore::AgreementUsage> read) {
        if (!read.ok()) return reply(read.status());
        const int64_t in_force = read->agreement.in_force_revision();
        if (in_force == 0 || in_force == read->agreement.revision())
          return reply(Usage(*read, name, only_year));
        reads_->GetAgreementRevision(
            call.limit, id, in_force,
            [read = *std::move(read), name, only_year,
             reply](absl::StatusOr<v1::Agreement> revision) mutable {
              if (!revision.ok()) return reply(revision.status());
              read.agreement = *std::move(revision);
              reply(Usage(read, name, only_year));
            });
      });
}

}  // namespace mobility::agreements
