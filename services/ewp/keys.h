// The RSA keys of the EWP network: ours sign our requests and responses, the
// partners' (from the registry catalogue) verify theirs. EWP names a public
// key by the SHA-256 of its binary form (X.509 SubjectPublicKeyInfo, DER), in
// lowercase hex: that is the catalogue's `sha-256` attribute and the keyId of
// an HTTP signature (ewp-specs-api-registry, README, questions 3 to 5).
#ifndef MOBILITY_SERVICES_EWP_KEYS_H_
#define MOBILITY_SERVICES_EWP_KEYS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mobility::ewp {

class RsaPublicKey {
 public:
  // INVALID_ARGUMENT unless `der` is an RSA SubjectPublicKeyInfo.
  static absl::StatusOr<RsaPublicKey> FromDer(absl::string_view der);
  static absl::StatusOr<RsaPublicKey> FromPem(absl::string_view pem);

  const std::string& der() const;
  // SHA-256 of der(), lowercase hex.
  const std::string& fingerprint() const;
  // Whether `signature` is an RSASSA-PKCS1-v1_5 SHA-256 signature of `data`
  // (the `rsa-sha256` of draft-cavage-http-signatures-07).
  bool Verifies(absl::string_view data, absl::string_view signature) const;

 private:
  struct State;
  explicit RsaPublicKey(std::shared_ptr<const State> state)
      : state_(std::move(state)) {}
  friend class RsaPrivateKey;
  std::shared_ptr<const State> state_;
};

class RsaPrivateKey {
 public:
  // INVALID_ARGUMENT unless `pem` is an RSA private key of at least 2048
  // bits, as the registry requires of the keys it publishes.
  static absl::StatusOr<RsaPrivateKey> FromPem(absl::string_view pem);

  const RsaPublicKey& public_key() const;
  // RSASSA-PKCS1-v1_5 with SHA-256 over `data`.
  std::string Sign(absl::string_view data) const;

 private:
  struct State;
  explicit RsaPrivateKey(std::shared_ptr<const State> state)
      : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_KEYS_H_
