// Our Discovery manifest, a catalogue made of manifests as the registry makes
// it, and the catalogue read back: each valid against the official schemas,
// and each registry question answered as its README's XPath would.
#include "services/ewp/registry_catalogue.h"

#include <gtest/gtest.h>

#include "absl/strings/str_replace.h"
#include "common/test_support.h"
#include "services/ewp/ewp_testing.h"
#include "services/ewp/manifest.h"

namespace mobility::ewp {
namespace {

using testing::Validates;
using testing::WithManifestEntries;

class RegistryCatalogueTest : public ::testing::Test {
 protected:
  RegistryCatalogueTest()
      : ours_(
            *RsaPrivateKey::FromPem(mobility::testing::TestKeys().private_pem)),
        theirs_(*RsaPrivateKey::FromPem(
            mobility::testing::ApplicantIssuerKeys().private_pem)),
        shared_server_(*RsaPrivateKey::FromPem(
            mobility::testing::InternalIssuerKeys().private_pem)) {}

  std::string ManifestOf(const std::string& hei, const RsaPrivateKey& client) {
    ManifestSettings settings;
    settings.public_url = "https://ewp." + hei;
    settings.hei_id = hei;
    settings.hei_name = "University " + hei;
    settings.admin_email = "ewp-admin@" + hei;
    return Manifest(settings, client.public_key(), shared_server_.public_key());
  }

  RsaPrivateKey ours_, theirs_, shared_server_;
};

TEST_F(RegistryCatalogueTest, OurManifestIsValidWithEveryEntry) {
  const std::string manifest = ManifestOf("shokan.edu.kz", ours_);
  std::string errors;
  EXPECT_TRUE(
      Validates(manifest, "ewp-specs-api-discovery/manifest.xsd", &errors))
      << errors << manifest;
  EXPECT_TRUE(Validates(
      manifest, WithManifestEntries("ewp-specs-api-discovery/manifest.xsd"),
      &errors))
      << errors << manifest;
  // The entries are checked: an URL that is not HTTPS is refused.
  EXPECT_FALSE(
      Validates(absl::StrReplaceAll(
                    manifest, {{"https://ewp.shokan.edu.kz/ewp/iias/get",
                                "http://ewp.shokan.edu.kz/ewp/iias/get"}}),
                WithManifestEntries("ewp-specs-api-discovery/manifest.xsd")));
}

TEST_F(RegistryCatalogueTest, TheCatalogueOfTwoManifestsAnswersTheQuestions) {
  auto xml = CatalogueOf(
      {ManifestOf("shokan.edu.kz", ours_), ManifestOf("va.lv", theirs_)});
  ASSERT_TRUE(xml.ok()) << xml.status();
  std::string errors;
  EXPECT_TRUE(Validates(
      *xml, WithManifestEntries("ewp-specs-api-registry/catalogue.xsd"),
      &errors))
      << errors << *xml;
  auto catalogue = RegistryCatalogue::Parse(*xml);
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  EXPECT_EQ(catalogue->heis(),
            (std::set<std::string>{"shokan.edu.kz", "va.lv"}));

  // Question 3 and 4: a request's key, and whose data it may ask for.
  const std::string key = theirs_.public_key().fingerprint();
  ASSERT_NE(catalogue->Key(key), nullptr);
  EXPECT_EQ(catalogue->Key(key)->der(), theirs_.public_key().der());
  EXPECT_EQ(catalogue->HeisOfClientKey(key), std::set<std::string>{"va.lv"});
  EXPECT_TRUE(catalogue->HeisOfClientKey(std::string(64, '0')).empty());

  // Question 1: where Vidzeme's IIAs v7 are.
  const ApiEntry* entry = nullptr;
  const CatalogueHost* host =
      catalogue->HostServing("va.lv", "iias", 7, &entry);
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(entry->urls.at("get-url"), "https://ewp.va.lv/ewp/iias/get");
  EXPECT_EQ(entry->max_iia_ids, 100);
  EXPECT_EQ(catalogue->HostServing("va.lv", "iias", 6, &entry), nullptr);
  // Of two implementations, the highest version by number, not by text.
  const std::string two =
      absl::StrReplaceAll(*xml, {{"version=\"7.0.0\">", "version=\"7.9.0\">"}});
  const size_t at = two.find("<iias xmlns", two.find("https://ewp.va.lv"));
  const size_t end = two.find("</iias>", at) + 7;
  std::string newer = two.substr(at, end - at);
  newer = absl::StrReplaceAll(newer, {{"7.9.0", "7.10.0"},
                                      {"https://ewp.va.lv/ewp/iias/get",
                                       "https://ewp.va.lv/v710/iias/get"}});
  auto both =
      RegistryCatalogue::Parse(two.substr(0, end) + newer + two.substr(end));
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_NE(both->HostServing("va.lv", "iias", 7, &entry), nullptr);
  EXPECT_EQ(entry->version, "7.10.0");
  EXPECT_EQ(catalogue->HostServing("tartu.ee", "iias", 7, &entry), nullptr);

  // Question 5: the server key signs for that host; a client key does not.
  EXPECT_NE(
      catalogue->ServerKey(*host, shared_server_.public_key().fingerprint()),
      nullptr);
  EXPECT_EQ(catalogue->ServerKey(*host, key), nullptr);
}

// A host that only calls (a partner's client, the load generator): listed
// with its key, serving nothing.
TEST_F(RegistryCatalogueTest, AClientOnlyHostIsListedWithItsKey) {
  ManifestSettings settings;
  settings.hei_id = "va.lv";
  settings.hei_name = "Vidzeme";
  settings.admin_email = "ewp-admin@va.lv";
  const std::string manifest = ClientManifest(settings, theirs_.public_key());
  std::string errors;
  EXPECT_TRUE(
      Validates(manifest, "ewp-specs-api-discovery/manifest.xsd", &errors))
      << errors << manifest;
  auto catalogue = RegistryCatalogue::Parse(*CatalogueOf({manifest}));
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  EXPECT_EQ(catalogue->HeisOfClientKey(theirs_.public_key().fingerprint()),
            std::set<std::string>{"va.lv"});
  const ApiEntry* entry = nullptr;
  EXPECT_EQ(catalogue->HostServing("va.lv", "iias", 7, &entry), nullptr);
}

TEST_F(RegistryCatalogueTest, ABinaryThatIsNotItsDigestIsRefused) {
  auto xml = CatalogueOf({ManifestOf("va.lv", theirs_)});
  ASSERT_TRUE(xml.ok());
  const std::string fingerprint = theirs_.public_key().fingerprint();
  const std::string wrong = absl::StrReplaceAll(
      *xml, {{"<rsa-public-key sha-256=\"" + fingerprint + "\">",
              "<rsa-public-key sha-256=\"" + std::string(64, 'a') + "\">"}});
  EXPECT_EQ(RegistryCatalogue::Parse(wrong).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RegistryCatalogue::Parse("<catalogue").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mobility::ewp
