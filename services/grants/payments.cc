// The payment ledger of a grant: read, and an entry reversed.
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/idempotency.h"
#include "common/local_day.h"
#include "common/status.h"
#include "common/types.h"
#include "services/grants/grants.h"
#include "services/grants/grants_support.h"
#include "services/grants/words.h"

namespace mobility::grants {

void Grants::ListPayments(const v1::ListPaymentsRequest& request,
                          const CallContext& call,
                          Then<v1::ListPaymentsResponse> reply) {
  auto id = ParseResourceName("parent", request.parent(), "grants");
  if (!id.ok()) return reply(id.status());
  // Two reads: a payment is never changed once written, and one appended
  // between them is one the grant's reader may see.
  reads_->GetGrant(
      call.limit, *id,
      [this, &call, id = *id,
       reply = std::move(reply)](absl::StatusOr<v1::Grant> grant) {
        if (!grant.ok()) return reply(grant.status());
        if (auto s = CheckReader(*grant, call.principal); !s.ok())
          return reply(s);
        reads_->ListPayments(
            call.limit, id,
            [reply](absl::StatusOr<std::vector<v1::Payment>> payments) {
              if (!payments.ok()) return reply(payments.status());
              v1::ListPaymentsResponse response;
              for (auto& p : *payments) *response.add_payments() = std::move(p);
              reply(std::move(response));
            });
      });
}

absl::StatusOr<v1::Payment> Grants::ReversePayment(
    const v1::ReversePaymentRequest& request, const CallContext& call) {
  std::vector<std::string> parts = absl::StrSplit(request.name(), '/');
  int seq = 0;
  if (parts.size() != 4 || parts[0] != "grants" || parts[2] != "payments" ||
      !ParseResourceName("", "grants/" + parts[1], "grants").ok() ||
      !absl::SimpleAtoi(parts[3], &seq) || seq < 1) {
    return InvalidField("name", Text(words::PAYMENT_NAME));
  }
  if (auto s = ValidateRequestId("request_id", request.request_id()); !s.ok())
    return s;
  const std::string grant_id = parts[1];
  v1::Payment reversal;
  absl::Status status = store_->Transact(call.limit, [&](GrantsStore& store) {
    return RunIdempotent(
        store, "ReversePayment", call.principal, request.request_id(), request,
        &reversal, [&]() -> absl::Status {
          auto grant = store.GetGrant(grant_id, /*for_update=*/true);
          if (!grant.ok()) return grant.status();
          if (auto s = CheckHandler("ReversePayment", *grant, call.principal);
              !s.ok())
            return s;
          MOBILITY_ASSIGN_OR_RETURN(const auto payments,
                                    store.Payments(grant_id));
          auto it =
              std::find_if(payments.begin(), payments.end(),
                           [&](const PaymentRow& p) { return p.seq == seq; });
          if (it == payments.end()) {
            return Error(absl::StatusCode::kNotFound, "PAYMENT_NOT_FOUND",
                         absl::StrCat("no payment ", request.name()),
                         Text(words::PAYMENT_NOT_FOUND));
          }
          if (it->payment.kind() == v1::Payment::REVERSAL || it->reversed) {
            return Error(absl::StatusCode::kFailedPrecondition,
                         "NOT_REVERSIBLE", Text(words::NOT_REVERSIBLE));
          }
          const HeadingCents opposite = Plus(HeadingCents(), it->split, -1);
          if (auto s = CheckLedger(Total(LedgerSum(payments)) + Total(opposite),
                                   GrantAmount(*grant));
              !s.ok()) {
            return s;
          }
          const absl::Time now = Now();
          MOBILITY_ASSIGN_OR_RETURN(
              PaymentRow appended,
              store.AppendPayment(grant_id, v1::Payment::REVERSAL, opposite,
                                  LocalDay(now), seq, now));
          reversal = std::move(appended.payment);
          *grant->mutable_paid() =
              Euros(Total(LedgerSum(payments)) + Total(opposite));
          MOBILITY_RETURN_IF_ERROR(store.SaveGrant(grant_id, *grant));
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return reversal;
}

}  // namespace mobility::grants
