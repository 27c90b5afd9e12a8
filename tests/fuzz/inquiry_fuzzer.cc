// The public form's validation on any message a client could send: it only
// ever adds violations, never crashes, and every violation names a field of
// the request and says what is wrong without repeating the value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/match.h"
#include "common/status.h"
#include "mobility/inquiries/v1/inquiries.pb.h"
#include "services/inquiries/inquiry_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mobility::inquiries::v1::Inquiry inquiry;
  if (!inquiry.ParseFromArray(data, static_cast<int>(size))) return 0;
  mobility::Violations violations;
  mobility::inquiries::ValidateNewInquiry(inquiry, absl::CivilDay(2026, 11, 29),
                                          violations);
  const absl::Status status = violations.ToStatus("INVALID_INQUIRY");
  for (const auto& v : mobility::FieldViolationsOf(status)) {
    if (!absl::StartsWith(v.field, "inquiry.") &&
        !absl::StartsWith(v.field, "violations")) {
      std::abort();
    }
    if (v.description.empty()) std::abort();
  }
  // An appeal the rules accept is one a person could have written.
  if (violations.empty() &&
      (inquiry.subject().empty() || inquiry.text().empty() ||
       !inquiry.consent_to_processing())) {
    std::abort();
  }
  return 0;
}
