// A Mobility Office instance on the EWP network for the e2e tests: its own
// database and services (e2e::Stack), and its ewp_server with its own keys,
// listed with the others in one registry catalogue file.
#ifndef MOBILITY_TESTS_EWP_SUPPORT_H_
#define MOBILITY_TESTS_EWP_SUPPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/test_support.h"
#include "services/ewp/http_signature.h"
#include "services/ewp/keys.h"
#include "services/ewp/manifest.h"
#include "tests/e2e_support.h"

namespace mobility::e2e {

// A fresh 2048-bit RSA key pair, as a university generates one for EWP,
// written to `dir`/`name`.pem.
ewp::RsaPrivateKey NewEwpKey(const std::string& dir, const std::string& name);

class EwpInstance {
 public:
  // `hei`: its SCHAC id. The stack starts here; the ewp_server in Start.
  EwpInstance(std::string hei, std::string name);
  ~EwpInstance();

  Stack& stack() { return *stack_; }
  const std::string& hei() const { return hei_; }
  const std::string& dir() const { return dir_; }
  // Where partners reach it: http://127.0.0.1:port (no TLS proxy here).
  std::string url() const;
  std::string host() const;
  const std::string& grpc_address() const { return grpc_; }
  ewp::ManifestSettings Settings() const;
  std::string Manifest() const;
  const ewp::RsaPrivateKey& client_key() const { return client_key_; }
  const ewp::RsaPrivateKey& server_key() const { return server_key_; }

  // Starts its ewp_server with the catalogue at `catalogue_file`.
  ::testing::AssertionResult Start(const std::string& catalogue_file);
  std::string Log() const;

 private:
  std::string hei_, name_;
  testing::TestDatabase database_;
  std::string dir_;
  std::unique_ptr<Stack> stack_;
  int http_port_;
  std::string grpc_;
  ewp::RsaPrivateKey client_key_, server_key_;
  pid_t pid_ = 0;
};

// The catalogue the registry would publish for `manifests`, in a file of
// `dir`; its path.
std::string WriteCatalogue(const std::string& dir,
                           const std::vector<std::string>& manifests);

// Sends `request` to `url` + its target (plain HTTP on loopback).
ewp::HttpMessage SendEwp(const std::string& url,
                         const ewp::HttpMessage& request);

}  // namespace mobility::e2e

#endif  // MOBILITY_TESTS_EWP_SUPPORT_H_
