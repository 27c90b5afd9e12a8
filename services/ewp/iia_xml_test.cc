// Our agreements as EWP IIAs: valid v7 get responses, hashed as the kit's
// XSLT hashes them.
#include "services/ewp/iia_xml.h"

#include <gtest/gtest.h>

#include "services/ewp/ewp_testing.h"
#include "services/ewp/iia_hash.h"

namespace mobility::ewp {
namespace {

namespace av1 = agreements::v1;
constexpr char kSchema[] = "ewp-specs-api-iias/endpoints/get-response.xsd";

std::map<std::string, av1::Institution> Institutions() {
  std::map<std::string, av1::Institution> out;
  for (auto [name, schac] :
       {std::pair{"institutions/kokshetau-amu", "kou.edu.kz"},
        {"institutions/vidzeme-via", "va.lv"}}) {
    out[name].set_name(name);
    out[name].set_schac_id(schac);
  }
  return out;
}

// The demo's shape: a KA171 agreement of Kokshetau and Vidzeme with a
// studies and a teaching condition.
av1::Agreement Demo() {
  av1::Agreement a;
  a.set_name("agreements/ka171-2025-kz-lv");
  a.set_first_academic_year("2025/2026");
  a.set_last_academic_year("2028/2029");
  a.set_state(av1::Agreement::APPROVED);
  for (auto [institution, id, code, person] :
       {std::tuple{"institutions/kokshetau-amu", "ka171-2025-kz-lv",
                   "KZ-LV/2025/1", "Aigerim Bekova"},
        {"institutions/vidzeme-via", "VA-IIA-17", "2025/E+/LV/17",
         "Līga Ozola & Co"}}) {
    av1::AgreementPartner* p = a.add_partners();
    p->set_institution(institution);
    p->set_agreement_id(id);
    p->set_agreement_code(code);
    p->mutable_signing_contact()->set_full_name(person);
    p->mutable_signing_contact()->set_email("office@example.org");
  }
  av1::CooperationCondition* studies = a.add_cooperation_conditions();
  studies->set_id("kz-lv-studies");
  studies->set_mobility_type(av1::STUDENT_STUDIES);
  studies->set_sending_institution("institutions/kokshetau-amu");
  studies->set_receiving_institution("institutions/vidzeme-via");
  studies->set_mobilities_per_year(2);
  studies->set_total_months_per_year("10");
  studies->add_eqf_levels(6);
  av1::LanguageRequirement* english = studies->add_language_requirements();
  english->set_language("en");
  english->set_cefr_level(av1::B2);
  av1::SubjectArea* area = studies->add_subject_areas();
  area->set_isced_code("0613");
  area->set_description("Ақпараттық жүйелер <software>");
  av1::CooperationCondition* teaching = a.add_cooperation_conditions();
  teaching->set_id("lv-kz-teaching");
  teaching->set_mobility_type(av1::STAFF_TEACHING);
  teaching->set_sending_institution("institutions/vidzeme-via");
  teaching->set_receiving_institution("institutions/kokshetau-amu");
  teaching->set_mobilities_per_year(1);
  teaching->set_total_days_per_year("5");
  teaching->set_first_academic_year("2026/2027");
  teaching->set_last_academic_year("2026/2027");
  *teaching->add_language_requirements() = *english;
  return a;
}

TEST(IiaXmlTest, OurAgreementIsAValidV7IiaWithTheKitsHash) {
  auto xml = IiasGetResponse({Demo()}, Institutions());
  ASSERT_TRUE(xml.ok()) << xml.status();
  std::string errors;
  EXPECT_TRUE(testing::Validates(*xml, kSchema, &errors)) << errors << *xml;
  auto hashes = HashIias(*xml);
  ASSERT_TRUE(hashes.ok());
  ASSERT_EQ(hashes->size(), 1u);
  EXPECT_EQ(hashes->front().iia_id, "ka171-2025-kz-lv");
  EXPECT_TRUE(hashes->front().valid_for_approval);
  // The hash served is the one the kit's XSLT gives for what is served.
  EXPECT_EQ(hashes->front().text_to_hash, testing::SaxonTextToHash(*xml));
  EXPECT_NE(xml->find("<iia-hash>" + hashes->front().iia_hash + "</iia-hash>"),
            std::string::npos);
}

TEST(IiaXmlTest, AChangedConditionChangesTheHashAContactDoesNot) {
  const auto hash = [](const av1::Agreement& a) {
    return HashIias(*IiasGetResponse({a}, Institutions()))->front().iia_hash;
  };
  const av1::Agreement demo = Demo();
  av1::Agreement amended = demo;
  amended.mutable_cooperation_conditions(0)->set_mobilities_per_year(3);
  av1::Agreement recontacted = demo;
  recontacted.mutable_partners(1)->mutable_signing_contact()->set_email(
      "new@example.org");
  EXPECT_NE(hash(amended), hash(demo));
  EXPECT_EQ(hash(recontacted), hash(demo));
}

TEST(IiaXmlTest, AnInstitutionWithoutSchacIdIsNotServed) {
  auto institutions = Institutions();
  institutions["institutions/vidzeme-via"].clear_schac_id();
  auto xml = IiasGetResponse({Demo()}, institutions);
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace mobility::ewp
