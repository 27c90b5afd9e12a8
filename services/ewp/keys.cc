#include "services/ewp/keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "common/api.h"

namespace mobility::ewp {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

constexpr int kMinimumBits = 2048;

std::string PublicDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

struct RsaPublicKey::State {
  PKey key{nullptr, &EVP_PKEY_free};
  std::string der;
  std::string fingerprint;
};

struct RsaPrivateKey::State {
  PKey key{nullptr, &EVP_PKEY_free};
  RsaPublicKey public_key;
};

const std::string& RsaPublicKey::der() const { return state_->der; }
const std::string& RsaPublicKey::fingerprint() const {
  return state_->fingerprint;
}
const RsaPublicKey& RsaPrivateKey::public_key() const {
  return state_->public_key;
}

absl::StatusOr<RsaPublicKey> RsaPublicKey::FromDer(absl::string_view der) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  PKey key(d2i_PUBKEY(nullptr, &bytes, static_cast<long>(der.size())),
           &EVP_PKEY_free);
  if (key == nullptr || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return absl::InvalidArgumentError("not an RSA public key");
  }
  auto state = std::make_shared<State>();
  state->der = PublicDer(key.get());
  state->fingerprint = Sha256Hex(state->der);
  state->key = std::move(key);
  return RsaPublicKey(std::move(state));
}

absl::StatusOr<RsaPublicKey> RsaPublicKey::FromPem(absl::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  PKey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
           &EVP_PKEY_free);
  if (key == nullptr) return absl::InvalidArgumentError("not a PEM public key");
  return FromDer(PublicDer(key.get()));
}

bool RsaPublicKey::Verifies(absl::string_view data,
                            absl::string_view signature) const {
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx != nullptr &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, Sha256Algorithm(), nullptr,
                              state_->key.get()) == 1 &&
         EVP_DigestVerify(
             ctx.get(),
             reinterpret_cast<const unsigned char*>(signature.data()),
             signature.size(),
             reinterpret_cast<const unsigned char*>(data.data()),
             data.size()) == 1;
}

absl::StatusOr<RsaPrivateKey> RsaPrivateKey::FromPem(absl::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
           &EVP_PKEY_free);
  if (key == nullptr || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return absl::InvalidArgumentError("not an RSA private key in PEM");
  }
  if (EVP_PKEY_bits(key.get()) < kMinimumBits) {
    return absl::InvalidArgumentError(
        absl::StrCat("an RSA key of fewer than ", kMinimumBits, " bits"));
  }
  auto public_key = RsaPublicKey::FromDer(PublicDer(key.get()));
  if (!public_key.ok()) return public_key.status();
  return RsaPrivateKey(std::make_shared<const State>(
      State{std::move(key), *std::move(public_key)}));
}

std::string RsaPrivateKey::Sign(absl::string_view data) const {
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, Sha256Algorithm(), nullptr,
                         state_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes, data.size()) != 1) {
    return "";
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&signature[0]),
                     &length, bytes, data.size()) != 1) {
    return "";
  }
  signature.resize(length);
  return signature;
}

}  // namespace mobility::ewp
