#include "services/ewp/ewp_client.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace mobility::ewp {

absl::StatusOr<std::string> EwpClient::Call(const std::string& hei,
                                            const EwpApi& api,
                                            const std::string& form) const {
  auto catalogue = registry_->catalogue();
  const ApiEntry* entry = nullptr;
  const CatalogueHost* host =
      catalogue->HostServing(hei, api.name, api.major, &entry);
  if (host == nullptr || entry->urls.count(api.url) == 0) {
    return absl::NotFoundError(absl::StrCat("the registry lists no ", api.name,
                                            " v", api.major, " for ", hei));
  }
  const std::string& url = entry->urls.at(api.url);
  HttpMessage request;
  request.method = "POST";
  const std::string host_name = HostOf(url);
  request.target = url.substr(url.find(host_name) + host_name.size());
  if (request.target.empty()) request.target = "/";
  request.headers = {{"host", host_name},
                     {"content-type", "application/x-www-form-urlencoded"}};
  request.body = form;
  SignRequest(key_, absl::Now(), &request);
  MOBILITY_ASSIGN_OR_RETURN(HttpMessage response, Send(url, request, limits_));
  auto verified = VerifyResponse(
      request, response, absl::Now(),
      [&](absl::string_view id) { return catalogue->ServerKey(*host, id); });
  if (!verified.ok()) return verified.status();
  if (response.status == 200) return std::move(response.body);
  if (response.status >= 500) {
    return absl::UnavailableError(
        absl::StrCat(url, " answered HTTP ", response.status));
  }
  return absl::FailedPreconditionError(
      absl::StrCat(url, " answered HTTP ", response.status, ": ",
                   response.body.substr(0, 300)));
}

}  // namespace mobility::ewp
