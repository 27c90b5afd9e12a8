// Issue 24's story, between two running instances, each with its own
// database and keys, listed in one registry catalogue: Kokshetau (kuam.kz,
// us) and a second Mobility Office acting as Vidzeme (va.lv). All through
// real HTTP with signatures; the test only plays each side's coordinator.
//   Vidzeme drafts an agreement and notifies; we fetch it and see the
//   differences; we adjust ours and approve theirs by hash; they approve
//   ours; both show the agreement in force with both approvals; Vidzeme
//   amends a number; our side sees our approval voided and the amendment
//   waiting.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <functional>

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "mobility/agreements/v1/agreements.grpc.pb.h"
#include "mobility/ewp/v1/ewp.grpc.pb.h"
#include "services/ewp/ewp_testing.h"
#include "services/ewp/iia_hash.h"
#include "tests/ewp_support.h"

namespace mobility {
namespace {

namespace av1 = agreements::v1;
namespace ev1 = ewp::v1;

constexpr char kKz[] = "institutions/kokshetau-amu";
constexpr char kLv[] = "institutions/vidzeme-via";

std::string Demo(const std::string& file) {
  return e2e::ReadFile(absl::StrCat(PROJECT_SOURCE_DIR, "/deploy/demo/", file));
}

// One side: its instance, and its coordinator's calls.
struct Side {
  Side(const std::string& hei, const std::string& name,
       const std::string& institution)
      : instance(hei, name),
        token(testing::TokenFor("coordinator-" + hei, {Role::kCoordinator},
                                institution)),
        institution(institution) {}

  void Connect() {
    agreements = av1::AgreementsService::NewStub(
        NewChannel(instance.stack().address("agreements")));
    ewp = ev1::EwpService::NewStub(NewChannel(instance.grpc_address()));
  }
  std::unique_ptr<grpc::ClientContext> Context() const {
    return NewClientContext({token, "", absl::Seconds(10)});
  }
  av1::Agreement Agreement() {
    av1::GetAgreementRequest request;
    request.set_name("agreements/ka171-2025");
    av1::Agreement out;
    EXPECT_TRUE(agreements->GetAgreement(Context().get(), request, &out).ok());
    return out;
  }
  // The partner's copy, once the worker has fetched it.
  std::optional<ev1::PartnerAgreement> Copy() {
    ev1::ListPartnerAgreementsRequest list;
    ev1::ListPartnerAgreementsResponse listed;
    if (!ewp->ListPartnerAgreements(Context().get(), list, &listed).ok() ||
        listed.partner_agreements_size() != 1) {
      return std::nullopt;
    }
    ev1::GetPartnerAgreementRequest get;
    get.set_name(listed.partner_agreements(0).name());
    ev1::PartnerAgreement copy;
    if (!ewp->GetPartnerAgreement(Context().get(), get, &copy).ok())
      return std::nullopt;
    return copy;
  }
  absl::Status Approve(const ev1::PartnerAgreement& copy) {
    ev1::ApprovePartnerAgreementRequest request;
    request.set_name(copy.name());
    request.set_iia_hash(copy.iia_hash());
    request.set_request_id(StepRequestId(NewRequestId()));
    ev1::PartnerAgreement out;
    return FromGrpcStatus(
        ewp->ApprovePartnerAgreement(Context().get(), request, &out));
  }
  // Sets the first condition's mobilities per year.
  void SetMobilities(int n) {
    av1::UpdateAgreementRequest request;
    *request.mutable_agreement() = Agreement();
    request.mutable_agreement()
        ->mutable_cooperation_conditions(0)
        ->set_mobilities_per_year(n);
    request.mutable_update_mask()->add_paths("cooperation_conditions");
    av1::Agreement out;
    const grpc::Status s =
        agreements->UpdateAgreement(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }

  e2e::EwpInstance instance;
  std::string token, institution;
  std::unique_ptr<av1::AgreementsService::Stub> agreements;
  std::unique_ptr<ev1::EwpService::Stub> ewp;
};

// Both institutions and the agreement, on one side, as its coordinator
// enters them; the first condition with `mobilities` a year.
void Draft(Side& side, int mobilities) {
  for (const auto& [id, file] : {std::pair{"kokshetau-amu", "kokshetau.json"},
                                 std::pair{"vidzeme-via", "vidzeme.json"}}) {
    av1::CreateInstitutionRequest request;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                    Demo(file), request.mutable_institution())
                    .ok());
    request.set_institution_id(id);
    av1::Institution out;
    const grpc::Status s =
        side.agreements->CreateInstitution(side.Context().get(), request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  av1::CreateAgreementRequest request;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(
          Demo("agreement-ka171-2025.json"), request.mutable_agreement())
          .ok());
  request.mutable_agreement()
      ->mutable_cooperation_conditions(0)
      ->set_mobilities_per_year(mobilities);
  request.set_agreement_id("ka171-2025");
  av1::Agreement out;
  const grpc::Status s =
      side.agreements->CreateAgreement(side.Context().get(), request, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
}

bool Approved(const av1::Agreement& agreement, const std::string& by) {
  for (const auto& a : agreement.approvals()) {
    if (a.institution() == by && a.content_hash() == agreement.content_hash())
      return true;
  }
  return false;
}

TEST(EwpStoryTest, TwoInstancesAgreeApproveAndSeeAnAmendment) {
  Side kz("kuam.kz", "Abay Myrzakhmetov Kokshetau University", kKz);
  Side lv("va.lv", "Vidzeme University of Applied Sciences", kLv);
  const std::string catalogue = e2e::WriteCatalogue(
      kz.instance.dir(), {kz.instance.Manifest(), lv.instance.Manifest()});
  for (Side* side : {&kz, &lv}) {
    ASSERT_TRUE(side->instance.Start(catalogue));
    side->Connect();
  }
  // Ours has 2 student mobilities a year in the first condition; Vidzeme
  // drafts 3. Each instance notifies the other of its new agreement.
  Draft(kz, 2);
  Draft(lv, 3);

  // We fetch theirs and see the difference.
  std::optional<ev1::PartnerAgreement> theirs;
  ASSERT_TRUE(e2e::Eventually([&] {
    theirs = kz.Copy();
    return theirs.has_value() && theirs->differences_size() > 0;
  })) << kz.instance.Log();
  EXPECT_EQ(theirs->partner_hei_id(), "va.lv");
  EXPECT_EQ(theirs->partner_iia_id(), "VIA-IIA-2025-0007");
  EXPECT_EQ(theirs->agreement(), "agreements/ka171-2025");
  ASSERT_EQ(theirs->differences_size(), 1);
  EXPECT_EQ(theirs->differences(0).field(), "mobilities-per-year");
  EXPECT_EQ(theirs->differences(0).ours(), "2");
  EXPECT_EQ(theirs->differences(0).theirs(), "3");
  std::string errors;
  EXPECT_TRUE(ewp::testing::Validates(
      theirs->iia_xml(), "ewp-specs-api-iias/endpoints/get-response.xsd",
      &errors))
      << errors;
  // Not approvable while the copies differ.
  EXPECT_EQ(kz.Approve(*theirs).code(), absl::StatusCode::kFailedPrecondition);

  // We adjust ours; the copies then agree, and we approve theirs by hash.
  kz.SetMobilities(3);
  ASSERT_TRUE(e2e::Eventually([&] {
    theirs = kz.Copy();
    return theirs.has_value() && theirs->differences_size() == 0;
  }));
  ASSERT_TRUE(kz.Approve(*theirs).ok()) << kz.instance.Log();
  EXPECT_TRUE(Approved(kz.Agreement(), kKz));

  // Vidzeme hears of our approval (Approval CNR), fetches it and records it;
  // it sees our adjusted copy equal to its own, and approves it.
  ASSERT_TRUE(e2e::Eventually([&] { return Approved(lv.Agreement(), kKz); }))
      << lv.instance.Log();
  std::optional<ev1::PartnerAgreement> ours_there;
  ASSERT_TRUE(e2e::Eventually([&] {
    ours_there = lv.Copy();
    return ours_there.has_value() && ours_there->differences_size() == 0 &&
           ours_there->partner_iia_id() == "KSU-IIA-2025-0003";
  })) << lv.instance.Log();
  ASSERT_TRUE(lv.Approve(*ours_there).ok()) << lv.instance.Log();

  // Both in force, each with both approvals; each side holds the other's
  // copy under the hash its owner computes.
  ASSERT_TRUE(e2e::Eventually([&] { return Approved(kz.Agreement(), kLv); }))
      << kz.instance.Log();
  for (Side* side : {&kz, &lv}) {
    const av1::Agreement agreement = side->Agreement();
    EXPECT_EQ(agreement.state(), av1::Agreement::APPROVED);
    EXPECT_TRUE(Approved(agreement, kKz));
    EXPECT_TRUE(Approved(agreement, kLv));
    auto copy = side->Copy();
    ASSERT_TRUE(copy.has_value());
    EXPECT_EQ(copy->approved_iia_hash(), copy->iia_hash());
  }
  EXPECT_EQ(kz.Copy()->iia_hash(), theirs->iia_hash());

  // Vidzeme amends a number: our approval of its copy is void, and the
  // amendment waits for us.
  lv.SetMobilities(4);
  EXPECT_EQ(lv.Agreement().state(), av1::Agreement::AMENDED);
  // Read on demand, without waiting for Vidzeme's notification.
  ev1::RefreshPartnerAgreementRequest refresh;
  refresh.set_partner_hei_id("va.lv");
  refresh.set_partner_iia_id("VIA-IIA-2025-0007");
  std::optional<ev1::PartnerAgreement> amended;
  amended.emplace();
  const grpc::Status refreshed =
      kz.ewp->RefreshPartnerAgreement(kz.Context().get(), refresh, &*amended);
  ASSERT_TRUE(refreshed.ok()) << refreshed.error_message();
  EXPECT_NE(amended->iia_hash(), theirs->iia_hash());
  EXPECT_NE(amended->approved_iia_hash(), amended->iia_hash());
  EXPECT_EQ(amended->approved_iia_hash(), theirs->iia_hash());
  ASSERT_EQ(amended->differences_size(), 1);
  EXPECT_EQ(amended->differences(0).ours(), "3");
  EXPECT_EQ(amended->differences(0).theirs(), "4");
  EXPECT_THAT(kz.instance.LogOnceItHolds("ewp_approval_voided"),
              ::testing::HasSubstr("ewp_approval_voided"));

  // A draft Vidzeme drafts and deletes before anyone approves it: our copy
  // comes, then goes (IIAs v7: a deleted IIA is no longer served).
  av1::CreateAgreementRequest draft;
  *draft.mutable_agreement() = lv.Agreement();
  draft.mutable_agreement()->clear_name();
  draft.mutable_agreement()->mutable_partners(0)->set_agreement_id(
      "KSU-IIA-2026-0001");
  draft.mutable_agreement()->mutable_partners(1)->set_agreement_id(
      "VIA-IIA-2026-0002");
  draft.set_agreement_id("ka171-2026");
  av1::Agreement created;
  ASSERT_TRUE(
      lv.agreements->CreateAgreement(lv.Context().get(), draft, &created).ok());
  auto copies = [&] {
    ev1::ListPartnerAgreementsRequest list;
    ev1::ListPartnerAgreementsResponse listed;
    EXPECT_TRUE(
        kz.ewp->ListPartnerAgreements(kz.Context().get(), list, &listed).ok());
    return listed.partner_agreements_size();
  };
  ASSERT_TRUE(e2e::Eventually([&] { return copies() == 2; }))
      << kz.instance.Log();
  av1::DeleteAgreementRequest remove;
  remove.set_name(created.name());
  google::protobuf::Empty empty;
  ASSERT_TRUE(
      lv.agreements->DeleteAgreement(lv.Context().get(), remove, &empty).ok());
  ASSERT_TRUE(e2e::Eventually([&] { return copies() == 1; }))
      << kz.instance.Log();
  EXPECT_THAT(kz.instance.LogOnceItHolds("ewp_partner_iia_gone"),
              ::testing::HasSubstr("ewp_partner_iia_gone"));
}

}  // namespace
}  // namespace mobility
