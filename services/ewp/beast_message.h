// An HTTP request as Boost.Beast parsed it, as the signatures read it
// (HttpMessage: lowercase header names in the order sent).
#ifndef MOBILITY_SERVICES_EWP_BEAST_MESSAGE_H_
#define MOBILITY_SERVICES_EWP_BEAST_MESSAGE_H_

#include <boost/beast/http.hpp>
#include <string>

#include "absl/strings/ascii.h"
#include "services/ewp/http_signature.h"

namespace mobility::ewp {

inline HttpMessage FromBeast(
    boost::beast::http::request<boost::beast::http::string_body>&& request) {
  HttpMessage message;
  message.method = std::string(request.method_string());
  message.target = std::string(request.target());
  for (const auto& field : request) {
    message.headers.emplace_back(
        absl::AsciiStrToLower(std::string(field.name_string())),
        std::string(field.value()));
  }
  message.body = std::move(request.body());
  return message;
}

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_BEAST_MESSAGE_H_
