// Applicants for end-to-end tests that select: a student's draft for the
// demo's spring 2027 call (kz-lv-studies), and the same submitted and scored.
#ifndef MOBILITY_TESTS_E2E_APPLICANTS_H_
#define MOBILITY_TESTS_E2E_APPLICANTS_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "mobility/applications/v1/applications.grpc.pb.h"

namespace mobility::e2e {

// A call's context bearing `token`, with a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> As(
    const std::string& token, absl::Duration timeout = absl::Seconds(10));

// Student `n` of the family `family` ("Crash": crash7@example.kz, S-CRASH-7).
applications::v1::Application StudentDraft(int n, absl::string_view family);

// The draft created by `student`, submitted, and scored by `coordinator`.
applications::v1::Application Reviewed(
    applications::v1::ApplicationsService::Stub& applications, int n,
    absl::string_view family, const std::string& student,
    const std::string& coordinator);

}  // namespace mobility::e2e

#endif  // MOBILITY_TESTS_E2E_APPLICANTS_H_
