// Bearer tokens are the first thing any caller controls: any bytes verify or
// are UNAUTHENTICATED, never a crash, and nothing unsigned passes.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/time/clock.h"
#include "common/auth.h"

namespace {

std::string PublicPem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const mobility::TokenVerifier* verifier = [] {
    mobility::TokenPolicy policy;
    policy.applicant_issuer_key_pem = PublicPem();
    return new mobility::TokenVerifier(
        *mobility::TokenVerifier::FromPublicKeyPem(PublicPem(), policy));
  }();
  const std::string token(reinterpret_cast<const char*>(data), size);
  // No key signed anything here: nothing may verify.
  auto principal = verifier->Verify(token, absl::Now());
  if (principal.ok() ||
      principal.status().code() != absl::StatusCode::kUnauthenticated) {
    std::abort();
  }
  auto bearer = mobility::BearerToken(token);
  if (!bearer.ok() &&
      bearer.status().code() != absl::StatusCode::kUnauthenticated) {
    std::abort();
  }
  return 0;
}
