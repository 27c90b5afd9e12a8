#include "services/inquiries/retention.h"

#include <functional>
#include <vector>

#include "common/api.h"
#include "common/types.h"
#include "services/inquiries/inquiry_record.h"

namespace mobility::inquiries {
namespace {

constexpr int kBatch = 200;
constexpr char kRetentionActor[] = "retention";
// An answer the author leaves without a reply this long closes the appeal.
constexpr absl::Duration kReplyWindow = absl::Hours(24 * 30);
constexpr char kServiceActor[] = "inquiries";

}  // namespace

void Anonymise(v1::Inquiry& inquiry, absl::Time now) {
  inquiry.clear_author();
  inquiry.clear_subject();
  inquiry.clear_text();
  inquiry.clear_protocol();
  inquiry.clear_act_learned_date();
  inquiry.mutable_answer()->clear_text();
  *inquiry.mutable_anonymise_time() = ToTimestamp(now);
}

absl::StatusOr<int> Retention::InBatches(
    const CallLimit& limit,
    const std::function<absl::StatusOr<std::vector<v1::Inquiry>>(
        InquiriesStore&, absl::Time)>& select,
    const std::function<absl::Status(InquiriesStore&, v1::Inquiry&,
                                     absl::Time)>& apply) {
  int total = 0;
  for (;;) {
    int batch = 0;
    absl::Status status =
        store_->Transact(limit, [&](InquiriesStore& store) -> absl::Status {
          const absl::Time now = settings_->Now();
          batch = 0;
          MOBILITY_ASSIGN_OR_RETURN(auto inquiries, select(store, now));
          for (auto& inquiry : inquiries) {
            MOBILITY_RETURN_IF_ERROR(apply(store, inquiry, now));
            ++batch;
          }
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    total += batch;
    if (batch < kBatch) return total;
  }
}

absl::StatusOr<int> Retention::AnonymiseExpired(const CallLimit& limit) {
  return InBatches(
      limit,
      [&](InquiriesStore& store, absl::Time now) {
        return store.InquiriesToAnonymise(now - settings_->retention, kBatch);
      },
      [](InquiriesStore& store, v1::Inquiry& inquiry, absl::Time now) {
        Anonymise(inquiry, now);
        Stamp(inquiry, now);
        MOBILITY_RETURN_IF_ERROR(
            store.MarkAnonymised(ResourceIdOf(inquiry.name()), inquiry));
        return AppendHistory(store, inquiry, now, kRetentionActor,
                             "personal data removed");
      });
}

absl::StatusOr<int> Retention::CloseUnreplied(const CallLimit& limit) {
  return InBatches(
      limit,
      [](InquiriesStore& store, absl::Time now) {
        return store.AnsweredBefore(now - kReplyWindow, kBatch);
      },
      [](InquiriesStore& store, v1::Inquiry& inquiry, absl::Time now) {
        inquiry.set_state(v1::Inquiry::CLOSED);
        *inquiry.mutable_close_time() = ToTimestamp(now);
        Stamp(inquiry, now);
        MOBILITY_RETURN_IF_ERROR(
            store.SaveInquiry(ResourceIdOf(inquiry.name()), inquiry));
        return AppendHistory(store, inquiry, now, kServiceActor,
                             "closed: no reply within 30 days");
      });
}

absl::StatusOr<int64_t> Retention::PurgeSubmissions(const CallLimit& limit) {
  return store_->TransactValue(
      limit, [&](InquiriesStore& store) -> absl::StatusOr<int64_t> {
        return store.PurgeSubmissions(settings_->Now() - absl::Hours(2));
      });
}

}  // namespace mobility::inquiries
