#include "services/agreements/client/cached_agreements_client.h"

namespace mobility {

absl::StatusOr<
    std::pair<agreements::v1::Institution, agreements::v1::Institution>>
CachedAgreementsClient::FindInstitutions(const std::string& sending,
                                         const std::string& sending_field,
                                         const std::string& receiving,
                                         const std::string& receiving_field,
                                         const CallContext& call) const {
  auto kept_sending = institutions_.Find(sending);
  auto kept_receiving = institutions_.Find(receiving);
  if (kept_sending != nullptr && kept_receiving != nullptr)
    return std::make_pair(*kept_sending, *kept_receiving);
  // Taken before asking, so an institution changed meanwhile is not kept.
  const auto ticket = institutions_.Take();
  auto found = agreements_->FindInstitutions(sending, sending_field, receiving,
                                             receiving_field, call);
  if (!found.ok()) return found.status();
  institutions_.Keep(ticket, sending, found->first);
  institutions_.Keep(ticket, receiving, found->second);
  return found;
}

}  // namespace mobility
