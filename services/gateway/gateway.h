// The HTTP/JSON gateway: HTTP/1.1 with keep-alive (Boost.Beast), each request
// matched to a route read from the services' annotations, transcoded, and
// sent to its service asynchronously, so no thread waits for a service; the
// thread that gRPC wakes with the answer writes it to the client. The
// caller's Authorization goes through; the gateway adds the request id, its
// own service token and the client's address (trusting X-Forwarded-For only
// from configured proxies), and a deadline. Beyond max_in_flight calls it
// answers 503 at once: overload never hangs.
#ifndef MOBILITY_SERVICES_GATEWAY_GATEWAY_H_
#define MOBILITY_SERVICES_GATEWAY_GATEWAY_H_

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/client.h"
#include "services/gateway/routes.h"

namespace mobility::gateway {

struct GatewayOptions {
  std::string listen_address = "127.0.0.1:8080";
  // Each service's full name and where it is ("dns:///host:port" names
  // several replicas, balanced round_robin).
  std::map<std::string, std::string> backends;
  // The gateway's own `service` token, which vouches for client addresses.
  std::string service_token_file;
  size_t max_body_bytes = 12 * 1024 * 1024;
  absl::Duration call_deadline = absl::Seconds(30);
  int max_in_flight = 1024;
  // Peers whose X-Forwarded-For is believed.
  std::set<std::string> trusted_proxies;
  // Origins allowed by CORS; "*" allows any.
  std::set<std::string> cors_origins;
  // Threads turning the services' answers into HTTP answers; one more reads
  // the requests.
  int threads = 2;
  // Served at GET /openapi.json.
  std::string openapi_json;
  // Files served at the paths below it (GET only; "/docs" is
  // docs/index.html); empty: none.
  std::string static_dir;
  // A development private key: POST /dev/token hands out staff tokens signed
  // with it to clients on this machine (see dev_sign_in.h). Empty: off, as in
  // production.
  std::string dev_signing_key_file;
  // What the office pages need to sign staff in at the university's identity
  // provider (GET /auth/provider): {"issuer", "clientId", "rolesClaim",
  // "roleNames"}. Empty: no provider, 404.
  std::string identity_provider_json;
  // Its origin ("https://idp.kuam.kz"), which the pages'
  // Content-Security-Policy lets them fetch from.
  std::string identity_provider_origin;
  // A connection that sends nothing, or does not read its answer, for this
  // long is closed.
  absl::Duration idle_timeout = absl::Seconds(60);
};

class Gateway {
 public:
  Gateway(GatewayOptions options, Router router);
  ~Gateway();

  // Listens and serves on background threads. The port is port() (0 in the
  // listen address picks a free one).
  absl::Status Start();
  int port() const { return port_; }
  // Calls to the services under way.
  int in_flight() const;
  // Stops taking connections, lets the calls in flight finish within
  // `grace`, and ends the threads.
  void Stop(absl::Duration grace = absl::Seconds(20));

  class Session;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace mobility::gateway

#endif  // MOBILITY_SERVICES_GATEWAY_GATEWAY_H_
