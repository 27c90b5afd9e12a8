#include "services/inquiries/registration.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "common/types.h"
#include "services/inquiries/directory.h"
#include "services/inquiries/inquiry_record.h"
#include "services/inquiries/inquiry_rules.h"
#include "services/inquiries/words.h"

namespace mobility::inquiries {
namespace {

constexpr absl::Duration kRateWindow = absl::Hours(1);
constexpr absl::Duration kDuplicateWindow = absl::Hours(24);

// Stands for the registration number in the notice written before the number
// is taken; taking it replaces the mark (NumberRegistration).
std::string NoticeMark(const std::string& id) {
  return absl::StrCat("registration-number-of-", id);
}

v1::InquiryReceipt ReceiptOf(const v1::Inquiry& inquiry) {
  v1::InquiryReceipt out;
  out.set_inquiry(inquiry.name());
  *out.mutable_receipt() = inquiry.receipt();
  out.set_state(inquiry.state());
  out.set_not_considered_reason(inquiry.not_considered_reason());
  return out;
}

}  // namespace

absl::Status Registration::CheckRates(InquiriesStore& store,
                                      const std::vector<std::string>& keys,
                                      absl::Time now) const {
  if (keys.empty()) return absl::OkStatus();
  std::vector<std::string> hashes;
  for (const std::string& key : keys)
    hashes.push_back(KeyedDigest("rate limit", key));
  MOBILITY_RETURN_IF_ERROR(store.LockSubmissions(hashes));
  for (const std::string& hash : hashes) {
    // Recorded now; a refusal rolls the record back with the rest.
    MOBILITY_ASSIGN_OR_RETURN(
        const auto usage, store.CountSubmissions(hash, now - kRateWindow, now));
    if (usage.count < settings_->submissions_per_hour) continue;
    const absl::Duration wait =
        absl::Ceil(usage.earliest + kRateWindow - now, absl::Seconds(1));
    return WithRetryDelay(
        Error(absl::StatusCode::kResourceExhausted, "SUBMISSION_RATE_LIMITED",
              Text(words::SUBMISSIONS_PER_HOUR,
                   {{"count", settings_->submissions_per_hour},
                    {"minutes", WholeMinutes(wait)}})),
        wait);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::InquiryReceipt> Registration::CreateInquiry(
    const v1::CreateInquiryRequest& request, const CallContext& call) {
  v1::Inquiry inquiry = request.inquiry();
  const bool staff = IsInquiryStaff(call.principal, settings_->institution);
  if (inquiry.channel() == v1::CHANNEL_UNSPECIFIED)
    inquiry.set_channel(v1::WEB);
  Violations violations;
  if (!v1::Channel_IsValid(inquiry.channel())) {
    violations.Add("inquiry.channel", Text(words::CHANNEL));
  } else if (inquiry.channel() != v1::WEB && !staff) {
    violations.Add("inquiry.channel", Text(words::CHANNEL_STAFF_ONLY));
  }
  const bool accepted_by_staff = inquiry.channel() != v1::WEB;
  if (accepted_by_staff) {
    if (request.accepted_by_name().empty() ||
        CharCount(request.accepted_by_name()) > kMaxFieldChars) {
      violations.Add("accepted_by_name", Text(words::ACCEPTED_BY_NAME));
    }
    if (request.accepted_by_position().empty() ||
        CharCount(request.accepted_by_position()) > kMaxFieldChars) {
      violations.Add("accepted_by_position", Text(words::ACCEPTED_BY_POSITION));
    }
  }
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  const absl::Time now = settings_->Now();
  ValidateNewInquiry(inquiry, absl::ToCivilDay(now, settings_->zone),
                     violations);
  if (inquiry.addressee().empty()) inquiry.set_addressee(std::string(kRector));
  if (auto s = violations.ToStatus("INVALID_INQUIRY"); !s.ok()) return s;

  // Only the web form is limited: staff register what reached them.
  std::vector<std::string> rate_keys;
  if (!accepted_by_staff && !staff) {
    rate_keys.push_back(absl::StrCat("address:", call.client_address));
    if (!inquiry.author().email().empty()) {
      rate_keys.push_back(absl::StrCat(
          "email:", absl::AsciiStrToLower(inquiry.author().email())));
    }
  }
  v1::InquiryReceipt receipt;
  std::string tracking_code;
  // What this call registers, to be numbered last.
  struct Unnumbered {
    std::string id;
    int year = 0;
    std::string notice_mark;  // Empty: no notice was written.
  };
  std::optional<Unnumbered> unnumbered;
  std::unique_lock<std::mutex> turn(numbering_, std::defer_lock);
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) -> absl::Status {
        // A rerun of the transaction starts afresh.
        if (turn.owns_lock()) turn.unlock();
        tracking_code.clear();
        unnumbered.reset();
        MOBILITY_RETURN_IF_ERROR(RunIdempotent(
            store, "CreateInquiry", call.principal, request.request_id(),
            request, &receipt, [&]() -> absl::Status {
              if (inquiry.addressee() != kRector) {
                auto office_id = ParseResourceName(
                    "inquiry.addressee", inquiry.addressee(), "offices");
                if (!office_id.ok()) return office_id.status();
                MOBILITY_ASSIGN_OR_RETURN(auto office,
                                          store.GetOffice(*office_id));
                if (!office || !office->active()) {
                  return InvalidField("inquiry.addressee",
                                      Text(words::ADDRESSEE));
                }
              }
              MOBILITY_RETURN_IF_ERROR(CheckRates(store, rate_keys, now));
              const std::string duplicate_key = DuplicateKey(inquiry);
              MOBILITY_ASSIGN_OR_RETURN(
                  const auto first,
                  store.FindDuplicate(duplicate_key, now - kDuplicateWindow));
              if (first) {
                MOBILITY_ASSIGN_OR_RETURN(auto existing,
                                          store.GetInquiry(*first, false));
                if (existing) {
                  // Whoever sent it learns only that it was registered
                  // before; its receipt goes to the author's own address.
                  MOBILITY_RETURN_IF_ERROR(
                      Notify(store, NoticeKind::kAlreadyRegistered, *existing,
                             *settings_, now));
                  receipt.set_duplicate(true);
                  return absl::OkStatus();
                }
              }
              MOBILITY_RETURN_IF_ERROR(
                  store.LockCalendar(InquiriesStore::CalendarLock::kCount));
              MOBILITY_ASSIGN_OR_RETURN(const WorkingCalendar calendar,
                                        LoadCalendar(store, *settings_));
              const absl::CivilDay registered = calendar.RegistrationDate(now);
              const std::string id = NewResourceId();
              InquiriesStore::Registration registration;
              registration.year = static_cast<int>(registered.year());
              registration.duplicate_key = duplicate_key;
              const std::string code = NewTrackingCode();
              registration.tracking_hash = TrackingCodeHash(code);

              inquiry.set_name(absl::StrCat("inquiries/", id));
              v1::Receipt* r = inquiry.mutable_receipt();
              *r->mutable_receive_time() = ToTimestamp(now);
              *r->mutable_registration_date() = ToDate(registered);
              *r->mutable_legal_due_date() = ToDate(
                  calendar.AddWorkingDays(registered, kDecisionWorkingDays));
              r->set_channel(inquiry.channel());
              r->set_accepted_by_name(
                  accepted_by_staff ? request.accepted_by_name() : "web form");
              r->set_accepted_by_position(
                  accepted_by_staff ? request.accepted_by_position() : "");
              *inquiry.mutable_legal_due_date() = r->legal_due_date();
              *inquiry.mutable_forward_due_date() = ToDate(
                  calendar.AddWorkingDays(registered, kForwardWorkingDays));
              const std::string reason =
                  NotConsideredReason(inquiry, registered);
              if (reason.empty()) {
                inquiry.set_state(v1::Inquiry::REGISTERED);
              } else {
                inquiry.set_state(v1::Inquiry::NOT_CONSIDERED);
                inquiry.set_not_considered_reason(reason);
                *inquiry.mutable_close_time() = ToTimestamp(now);
              }
              Stamp(inquiry, now);
              MOBILITY_RETURN_IF_ERROR(
                  store.InsertInquiry(id, registration, inquiry));
              MOBILITY_RETURN_IF_ERROR(AppendHistory(
                  store, inquiry, now,
                  accepted_by_staff ? call.principal.subject : kWebActor,
                  "registered",
                  absl::StrCat("channel ", v1::Channel_Name(inquiry.channel()),
                               reason.empty() ? "" : "; ", reason)));
              v1::Inquiry noticed = inquiry;
              noticed.set_registration_number(NoticeMark(id));
              bool queued = false;
              MOBILITY_RETURN_IF_ERROR(Notify(store, NoticeKind::kRegistered,
                                              noticed, *settings_, now, code,
                                              &queued));
              unnumbered = Unnumbered{id, registration.year,
                                      queued ? NoticeMark(id) : ""};
              receipt = ReceiptOf(inquiry);
              tracking_code = code;
              return absl::OkStatus();
            }));
        if (unnumbered) {
          // Last: the year's counter row is held from here to COMMIT, so
          // registrations wait on each other for this statement alone. The
          // turn is given back once the transaction has ended (`turn`'s
          // scope).
          turn.lock();
          MOBILITY_ASSIGN_OR_RETURN(
              const std::string number,
              store.NumberRegistration(unnumbered->id, unnumbered->year,
                                       unnumbered->notice_mark));
          receipt.mutable_receipt()->set_registration_number(number);
        } else if (!receipt.inquiry().empty() &&
                   receipt.receipt().registration_number().empty()) {
          // A retry: the receipt was recorded before the number was taken.
          MOBILITY_ASSIGN_OR_RETURN(
              const auto registered,
              store.GetInquiry(ResourceIdOf(receipt.inquiry()), false));
          if (registered) {
            receipt.mutable_receipt()->set_registration_number(
                registered->registration_number());
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  // Added after the request record was written, which keeps responses in the
  // clear: a retry gets the receipt without the code.
  receipt.set_tracking_code(tracking_code);
  return receipt;
}

}  // namespace mobility::inquiries
