// The bench's keep-alive HTTP/1.1 client (Boost.Beast): one connection per
// bench worker, so a workload through the gateway (or the EWP endpoints) is
// measured as wrk would, inside the same run as its gRPC twin.
#ifndef MOBILITY_TOOLS_BENCH_HTTP_CLIENT_H_
#define MOBILITY_TOOLS_BENCH_HTTP_CLIENT_H_

#include <boost/beast/http.hpp>
#include <memory>
#include <string>
#include <vector>

#include "services/ewp/keys.h"

namespace mobility {

class HttpClients {
 public:
  // `host:port` of the gateway; `workers` connections at most.
  HttpClients(std::string address, int workers);
  ~HttpClients();

  // One request on worker `worker`'s connection (opened, or opened again
  // after an error, as needed); true when the answer is 200. The answer's
  // body goes to `answer` when given.
  bool Call(int worker, const std::string& method, const std::string& target,
            const std::string& body, const std::string& token,
            std::string* answer = nullptr);
  // A POST of a form signed as an EWP partner's system signs it (HTTP
  // Signature with `key`, services/ewp/http_signature.h).
  bool CallSigned(int worker, const std::string& target,
                  const std::string& form, const ewp::RsaPrivateKey& key,
                  std::string* answer);

 private:
  struct Connection;
  bool Send(
      int worker,
      boost::beast::http::request<boost::beast::http::string_body>& request,
      std::string* answer);
  std::string host_, port_;
  std::vector<std::unique_ptr<Connection>> connections_;
};

}  // namespace mobility

#endif  // MOBILITY_TOOLS_BENCH_HTTP_CLIENT_H_
