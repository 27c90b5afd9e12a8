// What partners' systems and the registry send us over EWP: any bytes as an
// IIA document, a registry catalogue, a request's Authorization or a
// response's Signature are read or refused, never a crash, and nothing
// unsigned verifies.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/time/clock.h"
#include "services/ewp/http_signature.h"
#include "services/ewp/iia_hash.h"
#include "services/ewp/registry_catalogue.h"

namespace {

using mobility::ewp::HttpMessage;
using mobility::ewp::RsaPrivateKey;
using mobility::ewp::RsaPublicKey;

RsaPrivateKey NewKey() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, size);
  BIO_free(bio);
  EVP_PKEY_free(key);
  return *RsaPrivateKey::FromPem(pem);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const RsaPrivateKey* key = new RsaPrivateKey(NewKey());
  static mobility::ewp::InMemoryReplayGuard* replays =
      new mobility::ewp::InMemoryReplayGuard();
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto known = [](absl::string_view id) -> const RsaPublicKey* {
    return id == key->public_key().fingerprint() ? &key->public_key() : nullptr;
  };
  const absl::Time now = absl::Now();
  switch (data[0] % 4) {
    case 0: {
      auto hashed = mobility::ewp::HashIias(input);
      if (!hashed.ok() &&
          hashed.status().code() != absl::StatusCode::kInvalidArgument) {
        std::abort();
      }
      break;
    }
    case 1:
      (void)mobility::ewp::RegistryCatalogue::Parse(input);
      break;
    case 2: {
      HttpMessage request;
      request.method = "POST";
      request.target = "/ewp/iia-cnr";
      request.headers = {{"host", "ewp.example"},
                         {"date", mobility::ewp::HttpDate(now)},
                         {"digest", mobility::ewp::BodyDigest("")},
                         {"x-request-id", "r"},
                         {"authorization", input}};
      // Not signed by the key: nothing the fuzzer writes may verify.
      if (mobility::ewp::VerifyRequest(request, "ewp.example", now, known,
                                       *replays)
              .ok()) {
        std::abort();
      }
      break;
    }
    default: {
      HttpMessage request;
      request.method = "GET";
      request.target = "/";
      request.headers = {{"host", "ewp.example"}};
      mobility::ewp::SignRequest(*key, now, &request);
      HttpMessage response;
      response.headers = {{"date", mobility::ewp::HttpDate(now)},
                          {"digest", mobility::ewp::BodyDigest("")},
                          {"x-request-id", request.Header("x-request-id")},
                          {"signature", input}};
      if (mobility::ewp::VerifyResponse(request, response, now, known).ok())
        std::abort();
      break;
    }
  }
  return 0;
}
