// The bench's keep-alive HTTP/1.1 client (Boost.Beast): one connection per
// bench worker, so a workload through the gateway is measured as wrk would,
// inside the same run as its gRPC twin.
#ifndef MOBILITY_TOOLS_BENCH_HTTP_CLIENT_H_
#define MOBILITY_TOOLS_BENCH_HTTP_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

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

 private:
  struct Connection;
  std::string host_, port_;
  std::vector<std::unique_ptr<Connection>> connections_;
};

}  // namespace mobility

#endif  // MOBILITY_TOOLS_BENCH_HTTP_CLIENT_H_
