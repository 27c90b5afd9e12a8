#include "services/ewp/iia_xml.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/status.h"
#include "services/ewp/iia_hash.h"
#include "services/ewp/xml_dom.h"

namespace mobility::ewp {
namespace {

namespace av1 = agreements::v1;

// <name>text</name>, nothing when `text` is empty and `optional`.
void Element(std::string& out, absl::string_view name, absl::string_view text,
             bool optional = true) {
  if (optional && text.empty()) return;
  absl::StrAppend(&out, "<", name, ">", XmlEscaped(text), "</", name, ">");
}

const char* SpecName(av1::MobilityType type) {
  switch (type) {
    case av1::STUDENT_STUDIES:
      return "student-studies-mobility-spec";
    case av1::STUDENT_TRAINEESHIP:
      return "student-traineeship-mobility-spec";
    case av1::STAFF_TEACHING:
      return "staff-teacher-mobility-spec";
    default:
      return "staff-training-mobility-spec";
  }
}

// A cooperation condition, its elements in the order the schema's sequences
// give them.
void Condition(std::string& out, const av1::CooperationCondition& c,
               const std::map<std::string, std::string>& hei_ids,
               const av1::Agreement& agreement) {
  const char* spec = SpecName(c.mobility_type());
  const bool student = c.mobility_type() == av1::STUDENT_STUDIES ||
                       c.mobility_type() == av1::STUDENT_TRAINEESHIP;
  absl::StrAppend(&out, "<", spec, ">");
  Element(out, "sending-hei-id", hei_ids.at(c.sending_institution()), false);
  Element(out, "receiving-hei-id", hei_ids.at(c.receiving_institution()),
          false);
  // A condition without years of its own runs for the agreement's.
  Element(out, "receiving-first-academic-year-id",
          c.first_academic_year().empty() ? agreement.first_academic_year()
                                          : c.first_academic_year(),
          false);
  Element(out, "receiving-last-academic-year-id",
          c.last_academic_year().empty() ? agreement.last_academic_year()
                                         : c.last_academic_year(),
          false);
  Element(out, "mobilities-per-year", absl::StrCat(c.mobilities_per_year()),
          false);
  for (const auto& skill : c.language_requirements()) {
    out += "<recommended-language-skill>";
    Element(out, "language", skill.language(), false);
    if (skill.cefr_level() != av1::CEFR_LEVEL_UNSPECIFIED)
      Element(out, "cefr-level", av1::CefrLevel_Name(skill.cefr_level()));
    out += "</recommended-language-skill>";
  }
  for (const auto& area : c.subject_areas()) {
    out += "<subject-area>";
    Element(out, "isced-f-code", area.isced_code(), false);
    Element(out, "isced-clarification", area.description());
    out += "</subject-area>";
  }
  Element(out, "other-info-terms", c.other_info());
  if (student) {
    Element(out, "total-months-per-year", c.total_months_per_year());
    Element(out, "blended", c.blended() ? "true" : "false", false);
    for (int level : c.eqf_levels())
      Element(out, "eqf-level", absl::StrCat(level), false);
  } else {
    Element(out, "total-days-per-year", c.total_days_per_year());
  }
  absl::StrAppend(&out, "</", spec, ">");
}

// One <iia> with `hash` as its iia-hash.
std::string Iia(const av1::Agreement& agreement,
                const std::map<std::string, std::string>& hei_ids,
                absl::string_view hash) {
  std::string out = "<iia>";
  for (const auto& partner : agreement.partners()) {
    out += "<partner>";
    Element(out, "hei-id", hei_ids.at(partner.institution()), false);
    Element(out, "iia-id", partner.agreement_id());
    Element(out, "iia-code", partner.agreement_code());
    if (!partner.signing_contact().full_name().empty()) {
      out += "<signing-contact>";
      Element(out, "c:contact-name", partner.signing_contact().full_name(),
              false);
      Element(out, "c:email", partner.signing_contact().email());
      Element(out, "c:role-description", partner.signing_contact().role());
      out += "</signing-contact>";
    }
    if (partner.has_signing_date()) {
      const auto& d = partner.signing_date();
      Element(out, "signing-date",
              absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day()));
    }
    out += "</partner>";
  }
  Element(out, "in-effect",
          agreement.state() == av1::Agreement::APPROVED ||
                  agreement.state() == av1::Agreement::AMENDED
              ? "true"
              : "false",
          false);
  out += agreement.state() == av1::Agreement::TERMINATED
             ? "<cooperation-conditions terminated-as-a-whole=\"true\">"
             : "<cooperation-conditions>";
  // The schema's sequence takes the four kinds in this order, each kind's
  // conditions as the agreement lists them.
  std::vector<const av1::CooperationCondition*> conditions;
  for (const auto& c : agreement.cooperation_conditions())
    conditions.push_back(&c);
  std::stable_sort(conditions.begin(), conditions.end(),
                   [](const auto* a, const auto* b) {
                     return a->mobility_type() < b->mobility_type();
                   });
  for (const auto* c : conditions) Condition(out, *c, hei_ids, agreement);
  out += "</cooperation-conditions>";
  Element(out, "iia-hash", hash, false);
  out += "</iia>";
  return out;
}

std::string Response(const std::vector<std::string>& iias) {
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iias-get-response xmlns=\"",
      kIiasNamespace,
      "\" xmlns:c=\"https://github.com/erasmus-without-paper/"
      "ewp-specs-types-contact/tree/stable-v1\">");
  for (const auto& iia : iias) out += iia;
  out += "</iias-get-response>\n";
  return out;
}

}  // namespace

absl::StatusOr<std::string> IiasGetResponse(
    const std::vector<av1::Agreement>& agreements,
    const std::map<std::string, av1::Institution>& institutions) {
  std::vector<std::string> iias;
  for (const auto& agreement : agreements) {
    std::map<std::string, std::string> hei_ids;
    auto need = [&](const std::string& name) -> absl::Status {
      auto it = institutions.find(name);
      if (it == institutions.end() || it->second.schac_id().empty()) {
        return Error(absl::StatusCode::kFailedPrecondition, "NO_SCHAC_ID",
                     absl::StrCat(name,
                                  " has no SCHAC id: the EWP network "
                                  "knows institutions by it"));
      }
      hei_ids[name] = it->second.schac_id();
      return absl::OkStatus();
    };
    for (const auto& p : agreement.partners())
      MOBILITY_RETURN_IF_ERROR(need(p.institution()));
    for (const auto& c : agreement.cooperation_conditions()) {
      MOBILITY_RETURN_IF_ERROR(need(c.sending_institution()));
      MOBILITY_RETURN_IF_ERROR(need(c.receiving_institution()));
    }
    // The hash reads the partners' ids and the conditions only, so the IIA
    // written with any hash in place gives its own.
    MOBILITY_ASSIGN_OR_RETURN(
        auto hashed,
        HashIias(Response({Iia(agreement, hei_ids, std::string(64, '0'))})));
    iias.push_back(Iia(agreement, hei_ids, hashed.front().iia_hash));
  }
  return Response(iias);
}

}  // namespace mobility::ewp
