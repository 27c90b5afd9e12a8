#include "tests/e2e_applicants.h"

#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/types.h"

namespace mobility::e2e {

namespace apv1 = ::mobility::applications::v1;

std::unique_ptr<grpc::ClientContext> As(const std::string& token,
                                        absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

apv1::Application StudentDraft(int n, absl::string_view family) {
  apv1::Application a;
  a.set_call("calls/spring-2027");
  a.set_condition_id("kz-lv-studies");
  a.set_kind(apv1::STUDENT);
  apv1::Applicant* p = a.mutable_applicant();
  p->set_given_name(absl::StrCat("Student", n));
  p->set_family_name(std::string(family));
  p->set_email(absl::StrCat(absl::AsciiStrToLower(family), n, "@example.kz"));
  *p->mutable_date_of_birth() = ToDate(absl::CivilDay(2004, 5, 17));
  p->set_citizenship("KZ");
  p->set_person_number(
      absl::StrCat("S-", absl::AsciiStrToUpper(family), "-", n));
  p->set_home_institution("institutions/kokshetau-amu");
  *a.mutable_start_date() = ToDate(absl::CivilDay(2027, 2, 1));
  *a.mutable_end_date() = ToDate(absl::CivilDay(2027, 4, 30));
  apv1::StudentDetails* s = a.mutable_student();
  s->set_eqf_level(6);
  s->set_isced_code("0413");
  s->set_study_cycle(apv1::BACHELOR);
  auto* skill = s->add_language_skills();
  skill->set_language("en");
  skill->set_level(agreements::v1::B2);
  a.set_motivation("Management studies in Valmiera.");
  a.mutable_consent()->set_processing(true);
  a.mutable_consent()->set_transfer_to_partner(true);
  return a;
}

apv1::Application Reviewed(apv1::ApplicationsService::Stub& applications, int n,
                           absl::string_view family, const std::string& student,
                           const std::string& coordinator) {
  apv1::CreateApplicationRequest create;
  *create.mutable_application() = StudentDraft(n, family);
  apv1::Application a;
  EXPECT_TRUE(
      applications.CreateApplication(As(student).get(), create, &a).ok());
  apv1::SubmitApplicationRequest submit;
  submit.set_name(a.name());
  EXPECT_TRUE(
      applications.SubmitApplication(As(student).get(), submit, &a).ok());
  apv1::EvaluateApplicationRequest evaluate;
  evaluate.set_name(a.name());
  for (auto [id, points] : {std::pair<const char*, int>{"grades", 80},
                            {"language", 8},
                            {"motivation", 8}}) {
    auto* score = evaluate.add_scores();
    score->set_criterion_id(id);
    score->set_points(points);
  }
  EXPECT_TRUE(
      applications.EvaluateApplication(As(coordinator).get(), evaluate, &a)
          .ok());
  return a;
}

}  // namespace mobility::e2e
