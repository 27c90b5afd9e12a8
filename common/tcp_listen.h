// Opening a listening TCP socket from a "host:port" setting, for the HTTP
// servers (the gateway, the EWP endpoints); port 0 picks a free one.
#ifndef MOBILITY_COMMON_TCP_LISTEN_H_
#define MOBILITY_COMMON_TCP_LISTEN_H_

#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace mobility {

// INVALID_ARGUMENT naming `flag` for a malformed address, UNAVAILABLE when
// it cannot be bound.
inline absl::Status Listen(boost::asio::ip::tcp::acceptor& acceptor,
                           const std::string& address, const char* flag) {
  namespace asio = boost::asio;
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " must be host:port, not ", address));
  }
  boost::system::error_code error;
  const auto host = asio::ip::make_address(address.substr(0, colon), error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", error.message()));
  }
  const asio::ip::tcp::endpoint endpoint(host,
                                         static_cast<unsigned short>(port));
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true));
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace mobility

#endif  // MOBILITY_COMMON_TCP_LISTEN_H_
