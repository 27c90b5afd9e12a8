// The IIA v7 hash against the EWP hash kit (ewp-specs-api-iias,
// resources/xsltKit): its v7 example must give the README's text-to-hash.
#include "services/ewp/iia_hash.h"

#include <gtest/gtest.h>

#include "common/api.h"
#include "services/ewp/ewp_testing.h"

namespace mobility::ewp {
namespace {

using testing::Read;
using testing::SaxonTextToHash;
using testing::Validates;

// The kit README's text-to-hash of get-response-v7.xml (the same as of the
// v6 example: v7 changed the mapping, not the agreement).
constexpr char kKitTextToHash[] =
    "_iia-id_1=0f7a5682-faf7-49a7-9cc7-ec486c49a281__iia-id_2=1954991__"
    "cooperation-conditions.student-studies-mobility-spec.sending-hei-id="
    "uw.edu.pl__cooperation-conditions.student-studies-mobility-spec.sending-"
    "ounit-id=140__cooperation-conditions.student-studies-mobility-spec."
    "receiving-hei-id=hibo.no__student-studies-mobility-spec.subject-area."
    "isced-f-code=031__student-studies-mobility-spec.subject-area.isced-"
    "clarification=Social and behavioural sciences__cooperation-conditions."
    "student-studies-mobility-spec.total-months-per-year=5__cooperation-"
    "conditions.student-studies-mobility-spec.blended=false__cooperation-"
    "conditions.student-studies-mobility-spec.eqf-level=7__cooperation-"
    "conditions.student-studies-mobility-spec.eqf-level=8__receiving-first-"
    "academic-year-id=2014/2015__receiving-last-academic-year-id=2020/2021__"
    "cooperation-conditions.staff-teacher-mobility-spec.sending-hei-id=uw.edu."
    "pl__cooperation-conditions.staff-teacher-mobility-spec.sending-ounit-id="
    "140__cooperation-conditions.staff-teacher-mobility-spec.receiving-hei-id="
    "hibo.no__cooperation-conditions.staff-teacher-mobility-spec.mobilities-"
    "per-year=2__staff-teacher-mobility-spec.recommended-language-skill."
    "language=en__staff-teacher-mobility-spec.recommended-language-skill.cefr-"
    "level=C1__staff-teacher-mobility-spec.subject-area.isced-f-code=0314__"
    "cooperation-conditions.staff-teacher-mobility-spec.total-days-per-year=8"
    "__receiving-first-academic-year-id=2016/2017__receiving-last-academic-"
    "year-id=2017/2018_";

constexpr char kKitExample[] =
    EWP_SPECS "/ewp-specs-api-iias/resources/xsltKit/get-response-v7.xml";

TEST(IiaHashTest, TheKitsV7ExampleGivesItsTextToHash) {
  auto hashes = HashIias(Read(kKitExample));
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  ASSERT_EQ(hashes->size(), 1u);
  const IiaHash& iia = hashes->front();
  EXPECT_EQ(iia.iia_id, "0f7a5682-faf7-49a7-9cc7-ec486c49a281");
  EXPECT_EQ(iia.text_to_hash, kKitTextToHash);
  EXPECT_EQ(iia.iia_hash, Sha256Hex(kKitTextToHash));
  EXPECT_EQ(iia.iia_hash.size(), 64u);
  // The example marks v7 fields it cannot give as not yet defined.
  EXPECT_FALSE(iia.valid_for_approval);
}

// Termination as a whole, attributes and an absent academic year, as the
// XSLT writes them.
TEST(IiaHashTest, TerminationAttributesAndAbsentElements) {
  auto hashes = HashIias(R"(<iias-get-response xmlns="urn:x"><iia>
    <partner><hei-id>a.example</hei-id><iia-id>A-1</iia-id></partner>
    <partner><hei-id>b.example</hei-id></partner>
    <cooperation-conditions terminated-as-a-whole="true">
      <staff-training-mobility-spec>
        <sending-hei-id kind="x">a.example</sending-hei-id>
        <receiving-first-academic-year-id>2025/2026</receiving-first-academic-year-id>
      </staff-training-mobility-spec>
    </cooperation-conditions></iia></iias-get-response>)");
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  ASSERT_EQ(hashes->size(), 1u);
  EXPECT_EQ(hashes->front().text_to_hash,
            "_@terminated-as-a-whole@__iia-id_1=A-1__iia-id_2=_"
            "_@cooperation-conditions.staff-training-mobility-spec.sending-hei-"
            "id.kind=x@__cooperation-conditions.staff-training-mobility-spec."
            "sending-hei-id=a.example__receiving-first-academic-year-id="
            "2025/2026__receiving-last-academic-year-id=_");
  EXPECT_TRUE(hashes->front().valid_for_approval);
}

TEST(IiaHashTest, NotXmlIsRefused) {
  EXPECT_EQ(HashIias("<iia><partner>").status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Documents the kit does not cover: several mobilities, contacts with their
// own attributes, Kazakh text, an entity, spaces inside a value, an ISCED
// code with its v6 value and a not-yet-defined group.
TEST(IiaHashTest, EqualsWhatSaxonComputesWithTheKitsXslt) {
  const std::string documents[] = {
      Read(kKitExample),
      R"(<iias-get-response xmlns="urn:x" xmlns:c="urn:c"><iia>
  <partner><hei-id>ku.edu.kz</hei-id><iia-id>kz-lv-2025</iia-id></partner>
  <partner><hei-id>va.lv</hei-id><iia-id>LV 17</iia-id></partner>
  <cooperation-conditions>
    <student-studies-mobility-spec>
      <sending-hei-id>ku.edu.kz</sending-hei-id>
      <sending-contact><c:contact-name xml:lang="kk">Әйгерім</c:contact-name></sending-contact>
      <receiving-hei-id>va.lv</receiving-hei-id>
      <receiving-first-academic-year-id>2025/2026</receiving-first-academic-year-id>
      <receiving-last-academic-year-id>2029/2030</receiving-last-academic-year-id>
      <mobilities-per-year>2</mobilities-per-year>
      <recommended-language-skill><language>en</language><cefr-level>B2</cefr-level></recommended-language-skill>
      <subject-area><isced-f-code v6-value="061">0613</isced-f-code>
        <isced-clarification>Ақпараттық жүйелер &amp; data  science</isced-clarification></subject-area>
      <total-months-per-year>10</total-months-per-year>
      <blended>true</blended>
      <eqf-level>6</eqf-level>
    </student-studies-mobility-spec>
    <staff-teacher-mobility-spec>
      <sending-hei-id>va.lv</sending-hei-id>
      <receiving-hei-id>ku.edu.kz</receiving-hei-id>
      <receiving-contact><c:email>x@ku.edu.kz</c:email></receiving-contact>
      <receiving-first-academic-year-id>2025/2026</receiving-first-academic-year-id>
      <mobilities-per-year not-yet-defined="1">1</mobilities-per-year>
      <total-days-per-year>5</total-days-per-year>
      <other-info-terms>Teaching in Russian: "Основы" 
 and more</other-info-terms>
    </staff-teacher-mobility-spec>
  </cooperation-conditions></iia></iias-get-response>)",
  };
  for (const std::string& xml : documents) {
    auto ours = HashIias(xml);
    ASSERT_TRUE(ours.ok()) << ours.status();
    ASSERT_EQ(ours->size(), 1u);
    const std::string saxon = SaxonTextToHash(xml);
    ASSERT_FALSE(saxon.empty())
        << "Saxon-HE did not run (deploy/install-deps.sh)";
    EXPECT_EQ(ours->front().text_to_hash, saxon);
  }
}

// The schemas and their catalog validate offline: the kit's example is a
// valid v7 get response, and a document missing a required element is not.
TEST(IiaHashTest, TheSchemasValidateOffline) {
  auto validates = [](const std::string& xml) {
    return Validates(xml, "ewp-specs-api-iias/endpoints/get-response.xsd");
  };
  EXPECT_TRUE(validates(Read(kKitExample)));
  std::string broken = Read(kKitExample);
  broken.erase(broken.find("<hei-id>hibo.no</hei-id>"), 24);
  EXPECT_FALSE(validates(broken));
}

}  // namespace
}  // namespace mobility::ewp
