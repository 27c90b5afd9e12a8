#include "services/ewp/registry.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/log.h"

namespace mobility::ewp {

absl::StatusOr<std::unique_ptr<Registry>> Registry::Open(std::string source,
                                                         absl::Duration refresh,
                                                         HttpLimits limits) {
  std::unique_ptr<Registry> registry(new Registry(std::move(source), limits));
  if (auto loaded = registry->Refresh(); !loaded.ok()) {
    // Nobody is verified until it loads: every partner's request is refused
    // (403), and what we owe partners waits in the outbox.
    Log(LogLevel::kError, "ewp_registry_unavailable",
        {{"message", std::string(loaded.message())}});
    absl::MutexLock lock(&registry->mu_);
    registry->catalogue_ = std::make_shared<const RegistryCatalogue>();
  }
  Registry* self = registry.get();
  registry->refresher_ = std::thread([self, refresh] {
    while (!self->stop_.WaitForNotificationWithTimeout(refresh)) {
      if (auto s = self->Refresh(); !s.ok()) {
        Log(LogLevel::kWarning, "ewp_registry_stale",
            {{"message", std::string(s.message())}});
      }
    }
  });
  return registry;
}

Registry::~Registry() {
  stop_.Notify();
  if (refresher_.joinable()) refresher_.join();
}

std::shared_ptr<const RegistryCatalogue> Registry::catalogue() const {
  absl::MutexLock lock(&mu_);
  return catalogue_;
}

absl::Status Registry::Refresh() {
  absl::StatusOr<std::string> xml;
  if (absl::StartsWith(source_, "https://") ||
      absl::StartsWith(source_, "http://")) {
    HttpMessage request;
    request.method = "GET";
    auto response = Send(source_, request, limits_);
    if (!response.ok()) return response.status();
    if (response->status != 200) {
      return absl::UnavailableError(absl::StrCat(
          "the registry answered HTTP ", response->status, " at ", source_));
    }
    xml = std::move(response->body);
  } else {
    xml = ReadFile(source_);
  }
  if (!xml.ok()) return xml.status();
  auto parsed = RegistryCatalogue::Parse(*xml);
  if (!parsed.ok()) return parsed.status();
  auto catalogue =
      std::make_shared<const RegistryCatalogue>(*std::move(parsed));
  absl::MutexLock lock(&mu_);
  catalogue_ = std::move(catalogue);
  return absl::OkStatus();
}

}  // namespace mobility::ewp
