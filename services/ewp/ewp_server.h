// The EWP endpoints over HTTP (Boost.Beast): our Discovery manifest, and the
// IIAs, IIAs Approval, IIA CNR and IIA Approval CNR APIs for partners whose
// HTTP signature the registry's keys verify. TLS
// ends in front of this server (a reverse proxy holding the certificate of
// the public URL); it listens on loopback or the cluster network only.
// Every answer to a signed request is signed with our server key.
#ifndef MOBILITY_SERVICES_EWP_EWP_SERVER_H_
#define MOBILITY_SERVICES_EWP_EWP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/ewp/iias_endpoints.h"
#include "services/ewp/keys.h"
#include "services/ewp/manifest.h"
#include "services/ewp/partner_copies.h"
#include "services/ewp/registry.h"

namespace mobility::ewp {

struct EwpServerOptions {
  std::string listen_address = "127.0.0.1:8090";
  ManifestSettings manifest;
  size_t max_body_bytes = 64 * 1024;
  // Threads answering requests; each waits on the agreements service.
  int threads = 4;
  absl::Duration idle_timeout = absl::Seconds(30);
};

class EwpServer {
 public:
  EwpServer(EwpServerOptions options, RsaPrivateKey client_key,
            RsaPrivateKey server_key, Registry* registry, IiasEndpoints* iias,
            PartnerCopies* copies, ReplayGuard* replays);
  ~EwpServer();

  absl::Status Start();
  int port() const;
  void Stop();

  // The answer to one request (exposed for the fuzz and unit tests).
  HttpMessage Answer(const HttpMessage& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_EWP_SERVER_H_
