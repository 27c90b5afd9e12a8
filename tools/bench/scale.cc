#include "tools/bench/scale.h"

#include <atomic>
#include <functional>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"

namespace mobility::bench {
namespace {

namespace av1 = ::mobility::agreements::v1;
namespace apv1 = ::mobility::applications::v1;
namespace gv1 = ::mobility::grants::v1;
namespace iv1 = ::mobility::inquiries::v1;
using AS = av1::AgreementsService::Stub;
using APS = apv1::ApplicationsService::Stub;
using GS = gv1::GrantsService::Stub;
using IS = iv1::InquiriesService::Stub;

constexpr int kPageSize = 100;

// Runs step(client, i) for i in [0, count) on `clients` workers; the first
// failure stops them all.
absl::Status InParallel(int clients, int count, const std::string& what,
                        const std::function<absl::Status(int, int)>& step) {
  std::atomic<int> next{0};
  absl::Mutex mu;
  absl::Status failed;
  std::vector<std::thread> workers;
  for (int c = 0; c < clients; ++c) {
    workers.emplace_back([&, c] {
      for (int i = next++; i < count; i = next++) {
        absl::Status s = step(c, i);
        absl::MutexLock lock(&mu);
        if (!s.ok() || !failed.ok()) {
          if (failed.ok()) failed = s;
          next = count;
          return;
        }
        if ((i + 1) % (count / 10 > 0 ? count / 10 : 1) == 0)
          std::cerr << what << ": " << i + 1 << " of " << count << "\n";
      }
    });
  }
  for (auto& w : workers) w.join();
  return failed;
}

// The first page of a list and, when there are that many, its 1,000th.
template <typename Caller, typename Method, typename Request, typename Response>
absl::Status AddPages(std::vector<Workload>* out, const std::string& name,
                      const Caller& caller, Method method, Request request,
                      Response, const std::string& prefix,
                      const std::string& limit_prefix) {
  const std::string limit =
      limit_prefix.empty() ? "" : absl::StrCat(limit_prefix, name, ".page1");
  auto read = [&caller, method](Request r) {
    return [&caller, method, r](int) {
      Response response;
      return caller(method, r, &response).ok();
    };
  };
  out->push_back({absl::StrCat(prefix, name, ".page1"), limit, read(request)});
  for (int page = 1; page < 1000; ++page) {
    Response response;
    if (auto s = caller(method, request, &response); !s.ok()) return s;
    if (response.next_page_token().empty()) return absl::OkStatus();
    request.set_page_token(response.next_page_token());
  }
  out->push_back(
      {absl::StrCat(prefix, name, ".page1000"), limit, read(request)});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> LoadThroughApi(Office& office,
                                           const ScaleSizes& sizes,
                                           int clients) {
  // Agreements: copies of the bench's, under ids of their own.
  av1::Agreement model;
  av1::GetAgreementRequest get;
  get.set_name("agreements/bench-capacity");
  if (auto s = office.agreements()(&AS::GetAgreement, get, &model); !s.ok())
    return s;
  auto s = InParallel(clients, sizes.agreements, "agreements", [&](int, int i) {
    av1::CreateAgreementRequest create;
    create.set_agreement_id(absl::StrFormat("scale-%04d", i));
    create.set_request_id(office.RequestId());
    av1::Agreement* a = create.mutable_agreement();
    a->set_programme(model.programme());
    a->set_reference_number(absl::StrFormat("SCALE-%04d", i));
    a->set_title(absl::StrCat("Scale test agreement ", i));
    *a->mutable_partners() = model.partners();
    a->set_first_academic_year(model.first_academic_year());
    a->set_last_academic_year(model.last_academic_year());
    *a->mutable_cooperation_conditions() = model.cooperation_conditions();
    av1::Agreement made;
    return office.agreements()(&AS::CreateAgreement, create, &made);
  });
  if (!s.ok()) return s;

  // Applications, spread over calls of their own like the bench's.
  std::vector<std::string> calls;
  for (int n = 1; n <= sizes.calls; ++n) {
    auto call = office.OpenCall(absl::StrCat("scale-", n));
    if (!call.ok()) return call.status();
    calls.push_back(*call);
  }
  s = InParallel(clients, sizes.applications, "applications", [&](int, int i) {
    return office.CreateAndSubmit(calls[static_cast<size_t>(i) % calls.size()])
        .status();
  });
  if (!s.ok()) return s;

  // One in ten through the web form, the others by e-mail, which the
  // registry's clerk registers: the form's limit per client address counts
  // what one address sent within the hour, and this load comes from one.
  s = InParallel(clients, sizes.inquiries, "inquiries", [&](int c, int i) {
    if (i % 10 != 0) return office.RegisterEmailedInquiry();
    return office.RegisterInquiry(c)
               ? absl::OkStatus()
               : absl::UnavailableError("an inquiry was not registered");
  });
  if (!s.ok()) return s;
  return office.GrantWithPayments();
}

absl::Status PrepareSmallOffice(Office& office) {
  if (auto s = office.PrepareSelections(2 * kPageSize); !s.ok()) return s;
  for (int i = 0; i < kPageSize; ++i) {
    if (!office.DecideSelection(0) || !office.RegisterInquiry(0))
      return absl::UnavailableError("the small office could not be made");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Workload>> ScaleReads(
    Office& office, const std::string& prefix,
    const std::string& limit_prefix) {
  auto limit = [&](const std::string& name) {
    return limit_prefix.empty() ? "" : absl::StrCat(limit_prefix, name);
  };
  std::vector<Workload> out;
  apv1::ListApplicationsRequest applications;
  applications.set_page_size(kPageSize);
  if (auto s = AddPages(&out, "ListApplications", office.coordinator(),
                        &APS::ListApplications, applications,
                        apv1::ListApplicationsResponse(), prefix, limit_prefix);
      !s.ok()) {
    return s;
  }
  iv1::ListInquiriesRequest inquiries;
  inquiries.set_page_size(kPageSize);
  if (auto s = AddPages(&out, "ListInquiries", office.handler(),
                        &IS::ListInquiries, inquiries,
                        iv1::ListInquiriesResponse(), prefix, limit_prefix);
      !s.ok()) {
    return s;
  }
  gv1::ListGrantsRequest grants;
  grants.set_page_size(kPageSize);
  if (auto s =
          AddPages(&out, "ListGrants", office.finance(), &GS::ListGrants,
                   grants, gv1::ListGrantsResponse(), prefix, limit_prefix);
      !s.ok()) {
    return s;
  }
  // 1,000 agreements make 1,000 pages of one.
  av1::ListAgreementsRequest agreements;
  agreements.set_page_size(1);
  if (auto s = AddPages(&out, "ListAgreements", office.agreements(),
                        &AS::ListAgreements, agreements,
                        av1::ListAgreementsResponse(), prefix, limit_prefix);
      !s.ok()) {
    return s;
  }
  // The handlers' view of what is overdue or due within 5 working days.
  const InquiriesCaller& handler = office.handler();
  out.push_back({absl::StrCat(prefix, "ListInquiries.due"),
                 limit("ListInquiries.due"), [&handler](int) {
                   iv1::ListInquiriesRequest r;
                   r.set_due_within_working_days(5);
                   r.set_page_size(100);
                   iv1::ListInquiriesResponse response;
                   return handler(&IS::ListInquiries, r, &response).ok();
                 }});
  const ApplicationsCaller& coordinator = office.coordinator();
  out.push_back(
      {absl::StrCat(prefix, "RankApplications"), limit("RankApplications"),
       [&coordinator](int) {
         apv1::RankApplicationsRequest r;
         r.set_call("calls/bench");
         apv1::RankApplicationsResponse response;
         return coordinator(&APS::RankApplications, r, &response).ok();
       }});
  return out;
}

}  // namespace mobility::bench
