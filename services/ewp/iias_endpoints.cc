#include "services/ewp/iias_endpoints.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api.h"
#include "common/client.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/reference_data.h"
#include "google/protobuf/util/time_util.h"
#include "services/ewp/iia_xml.h"
#include "services/ewp/xml_dom.h"

namespace mobility::ewp {
namespace {

namespace av1 = agreements::v1;

constexpr char kIndexNamespace[] =
    "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/"
    "stable-v7/endpoints/index-response.xsd";
constexpr absl::Duration kTokenLifetime = absl::Minutes(5);

EwpAnswer BadRequest(absl::string_view why) {
  return {400, ErrorResponse(why)};
}

// A failure to read our own data: the partner may try again.
EwpAnswer Unavailable(const absl::Status& status) {
  Log(LogLevel::kWarning, "ewp_read_failed",
      {{"message", std::string(status.message())}});
  return {500, ErrorResponse("the agreements could not be read; try again")};
}

// Whether a condition of `agreement` receives in one of `years`
// ("2026/2027"); every agreement when none are given.
bool ReceivesIn(const av1::Agreement& agreement,
                const std::vector<std::string>& years) {
  if (years.empty()) return true;
  for (const auto& c : agreement.cooperation_conditions()) {
    for (const std::string& year : years) {
      if (c.first_academic_year() <= year && year <= c.last_academic_year())
        return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> ParameterValues(const Parameters& parameters,
                                         absl::string_view name) {
  std::vector<std::string> out;
  for (const auto& [key, value] : parameters) {
    if (key == name && !value.empty()) out.push_back(value);
  }
  return out;
}

std::string OurIiaId(const av1::Agreement& agreement,
                     const std::string& our_institution) {
  for (const auto& partner : agreement.partners()) {
    if (partner.institution() == our_institution &&
        !partner.agreement_id().empty()) {
      return partner.agreement_id();
    }
  }
  return std::string(absl::StripPrefix(agreement.name(), "agreements/"));
}

std::string ErrorResponse(absl::string_view developer_message) {
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error-response "
      "xmlns=\"https://github.com/erasmus-without-paper/ewp-specs-architecture/"
      "blob/stable-v1/common-types.xsd\"><developer-message>",
      XmlEscaped(developer_message), "</developer-message></error-response>\n");
}

IiasEndpoints::IiasEndpoints(std::shared_ptr<grpc::Channel> agreements,
                             TokenSigner signer, std::string our_hei,
                             int max_iia_ids, absl::Duration deadline)
    : stub_(av1::AgreementsService::NewStub(std::move(agreements))),
      signer_(std::move(signer)),
      our_hei_(std::move(our_hei)),
      max_iia_ids_(max_iia_ids),
      deadline_(deadline) {}

absl::StatusOr<std::map<std::string, av1::Institution>>
IiasEndpoints::Institutions(const std::string& request_id,
                            const std::set<std::string>& heis) {
  {
    absl::MutexLock lock(&mu_);
    const absl::Duration age = absl::Now() - institutions_read_;
    std::set<std::string> missing = heis;
    for (const auto& [name, institution] : institutions_)
      missing.erase(institution.schac_id());
    // A HEI not among them may have been entered since: read again, at most
    // every few seconds, however often unknown HEIs ask.
    if (age < absl::Minutes(1) && (missing.empty() || age < absl::Seconds(3)))
      return institutions_;
  }
  // Institutions are public records: read without a token.
  std::map<std::string, av1::Institution> out;
  av1::ListInstitutionsRequest request;
  request.set_page_size(kMaxPageSize);
  do {
    av1::ListInstitutionsResponse response;
    auto context = NewClientContext({"", request_id, deadline_});
    MOBILITY_RETURN_IF_ERROR(FromGrpcStatus(
        stub_->ListInstitutions(context.get(), request, &response)));
    for (auto& institution : *response.mutable_institutions())
      out[institution.name()] = std::move(institution);
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  absl::MutexLock lock(&mu_);
  institutions_ = out;
  institutions_read_ = absl::Now();
  return out;
}

absl::StatusOr<std::string> IiasEndpoints::InstitutionOf(
    const std::string& hei, const std::string& request_id) {
  MOBILITY_ASSIGN_OR_RETURN(auto institutions, Institutions(request_id, {hei}));
  for (const auto& [name, institution] : institutions) {
    if (institution.schac_id() == hei) return name;
  }
  return absl::NotFoundError(
      absl::StrCat("no institution record has the SCHAC id ", hei));
}

absl::StatusOr<std::string> IiasEndpoints::OurInstitution(
    const std::string& request_id) {
  return InstitutionOf(our_hei_, request_id);
}

absl::StatusOr<std::vector<OurIia>> IiasEndpoints::OurIiasWith(
    const std::string& partner_hei, const std::string& request_id) {
  MOBILITY_ASSIGN_OR_RETURN(auto agreements,
                            AgreementsWith({partner_hei}, request_id));
  MOBILITY_ASSIGN_OR_RETURN(auto institutions, Institutions(request_id));
  MOBILITY_ASSIGN_OR_RETURN(std::string partner,
                            InstitutionOf(partner_hei, request_id));
  std::vector<OurIia> out;
  for (auto& agreement : agreements) {
    MOBILITY_ASSIGN_OR_RETURN(std::string xml,
                              IiasGetResponse({agreement}, institutions));
    MOBILITY_ASSIGN_OR_RETURN(auto hashes, HashIias(xml));
    out.push_back({std::move(agreement), partner, std::move(xml),
                   std::move(hashes.front())});
  }
  return out;
}

absl::StatusOr<std::string> IiasEndpoints::TokenFor(
    const std::string& institution, const std::string& hei) {
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  auto it = tokens_.find(institution);
  if (it != tokens_.end() && now < it->second.second) return it->second.first;
  TokenClaims claims;
  claims.issuer = std::string(kEwpTokenIssuer);
  claims.subject = absl::StrCat("ewp:", hei);
  claims.roles = {Role::kPartnerSystem};
  claims.institution = institution;
  claims.issued_at = now;
  claims.lifetime = kTokenLifetime;
  MOBILITY_ASSIGN_OR_RETURN(std::string token, signer_.Sign(claims));
  tokens_[institution] = {token, now + kTokenLifetime - absl::Minutes(1)};
  return token;
}

absl::StatusOr<std::vector<av1::Agreement>> IiasEndpoints::AgreementsWith(
    const std::set<std::string>& caller_heis, const std::string& request_id) {
  std::set<std::string> heis = caller_heis;
  heis.insert(our_hei_);
  MOBILITY_ASSIGN_OR_RETURN(auto institutions, Institutions(request_id, heis));
  std::string ours;
  std::vector<std::pair<std::string, std::string>> callers;
  for (const auto& [name, institution] : institutions) {
    if (institution.schac_id() == our_hei_) ours = name;
    if (caller_heis.count(institution.schac_id()) > 0 &&
        institution.schac_id() != our_hei_) {
      callers.emplace_back(name, institution.schac_id());
    }
  }
  std::vector<av1::Agreement> out;
  for (const auto& [institution, hei] : callers) {
    MOBILITY_ASSIGN_OR_RETURN(std::string token, TokenFor(institution, hei));
    av1::ListAgreementsRequest request;
    request.set_page_size(kMaxPageSize);
    request.set_partner_institution(institution);
    do {
      av1::ListAgreementsResponse response;
      auto context = NewClientContext({token, request_id, deadline_});
      MOBILITY_RETURN_IF_ERROR(FromGrpcStatus(
          stub_->ListAgreements(context.get(), request, &response)));
      for (auto& agreement : *response.mutable_agreements()) {
        const auto& partners = agreement.partners();
        const bool with_us =
            std::any_of(partners.begin(), partners.end(),
                        [&](const auto& p) { return p.institution() == ours; });
        if (!with_us) continue;
        // Ours first, named by our iia-id: the owner leads an EWP IIA.
        const std::string iia_id = OurIiaId(agreement, ours);
        auto* list = agreement.mutable_partners();
        for (int i = 0; i < list->size(); ++i) {
          if (list->Get(i).institution() != ours) continue;
          list->Mutable(i)->set_agreement_id(iia_id);
          if (i != 0) list->SwapElements(0, i);
        }
        out.push_back(std::move(agreement));
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
  }
  return out;
}

EwpAnswer IiasEndpoints::Index(const std::set<std::string>& caller_heis,
                               const Parameters& parameters) {
  const std::vector<std::string> years =
      ParameterValues(parameters, "receiving_academic_year_id");
  for (const std::string& year : years) {
    if (!ParseAcademicYear(year).ok())
      return BadRequest("receiving_academic_year_id is not like 2026/2027");
  }
  absl::Time since = absl::InfinitePast();
  const auto modified_since = ParameterValues(parameters, "modified_since");
  if (modified_since.size() > 1)
    return BadRequest("modified_since may be given once");
  std::string error;
  if (!modified_since.empty() &&
      !absl::ParseTime(absl::RFC3339_full, modified_since.front(), &since,
                       &error)) {
    return BadRequest("modified_since is not an xs:dateTime");
  }
  const std::string request_id = NewRequestId();
  auto agreements = AgreementsWith(caller_heis, request_id);
  if (!agreements.ok()) return Unavailable(agreements.status());
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iias-index-response "
      "xmlns=\"",
      kIndexNamespace, "\">");
  for (const auto& agreement : *agreements) {
    const absl::Time modified = absl::FromUnixSeconds(
        google::protobuf::util::TimeUtil::TimestampToSeconds(
            agreement.update_time()));
    if (!ReceivesIn(agreement, years) || modified < since) continue;
    absl::StrAppend(&out, "<iia-id>",
                    XmlEscaped(agreement.partners(0).agreement_id()),
                    "</iia-id>");
  }
  out += "</iias-index-response>\n";
  return {200, out};
}

EwpAnswer IiasEndpoints::Get(const std::set<std::string>& caller_heis,
                             const Parameters& parameters) {
  const std::vector<std::string> ids = ParameterValues(parameters, "iia_id");
  if (ids.empty()) return BadRequest("iia_id is required");
  if (static_cast<int>(ids.size()) > max_iia_ids_) {
    return BadRequest(
        absl::StrCat("at most ", max_iia_ids_, " iia_id values per request"));
  }
  const std::string request_id = NewRequestId();
  auto agreements = AgreementsWith(caller_heis, request_id);
  if (!agreements.ok()) return Unavailable(agreements.status());
  std::vector<av1::Agreement> asked;
  for (auto& agreement : *agreements) {
    if (std::find(ids.begin(), ids.end(),
                  agreement.partners(0).agreement_id()) != ids.end()) {
      asked.push_back(std::move(agreement));
    }
  }
  auto institutions = Institutions(request_id);
  if (!institutions.ok()) return Unavailable(institutions.status());
  auto xml = IiasGetResponse(asked, *institutions);
  if (!xml.ok()) return Unavailable(xml.status());
  return {200, *std::move(xml)};
}

}  // namespace mobility::ewp
