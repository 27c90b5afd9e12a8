// A Mobility Office instance on the EWP network for the e2e tests: an
// e2e::Stack (its own database and services, its ewp_server among them) with
// EWP keys of its own, listed with the others in one registry catalogue.
#ifndef MOBILITY_TESTS_EWP_SUPPORT_H_
#define MOBILITY_TESTS_EWP_SUPPORT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/test_support.h"
#include "services/ewp/http_signature.h"
#include "services/ewp/keys.h"
#include "services/ewp/manifest.h"
#include "tests/e2e_support.h"

namespace mobility::e2e {

// A fresh 2048-bit RSA key pair, as a university makes one for EWP,
// written to `dir`/`name`.pem.
ewp::RsaPrivateKey NewEwpKey(const std::string& dir, const std::string& name);

// Waits up to 30 s for `done`, which an instance's worker makes true.
bool Eventually(const std::function<bool()>& done);

class EwpInstance {
 public:
  // `hei`: its SCHAC id.
  EwpInstance(std::string hei, std::string name);

  Stack& stack() { return stack_; }
  const std::string& dir() const { return dir_; }
  const std::string& database_url() const { return database_.url(); }
  const std::string& hei() const { return stack_.ewp().hei; }
  std::string url() const { return stack_.ewp_url(); }
  const std::string& host() const { return stack_.ewp_host(); }
  const std::string& grpc_address() const { return stack_.address("ewp"); }
  ewp::ManifestSettings Settings() const;
  std::string Manifest() const { return stack_.EwpManifest(); }
  const ewp::RsaPrivateKey& server_key() const { return server_key_; }

  // Starts the stack with the catalogue at `catalogue_file`.
  ::testing::AssertionResult Start(const std::string& catalogue_file);
  std::string Log() const { return ReadFile(dir_ + "/ewp.log"); }
  std::string LogOnceItHolds(absl::string_view line_part) const {
    return e2e::LogOnceItHolds(dir_ + "/ewp.log", line_part);
  }

 private:
  testing::TestDatabase database_;
  std::string dir_;
  Stack stack_;
  ewp::RsaPrivateKey client_key_, server_key_;
};

// A partner's EWP host that answers as a test tells it to, signing its
// answers with `server_key` unless the answer carries "x-test-unsigned":
// malformed, schema-invalid, oversized, slow or unsigned answers. One
// request at a time, on a loopback port of its own.
class FakePartner {
 public:
  using Handler = std::function<ewp::HttpMessage(const ewp::HttpMessage&)>;
  FakePartner(ewp::RsaPrivateKey server_key, Handler handler);
  ~FakePartner();
  std::string url() const;

 private:
  void Serve();
  struct Impl;
  std::unique_ptr<Impl> impl_;
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
