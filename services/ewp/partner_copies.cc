#include "services/ewp/partner_copies.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "services/ewp/iia_compare.h"
#include "services/ewp/xml_dom.h"

namespace mobility::ewp {
namespace {

namespace av1 = agreements::v1;
using google::protobuf::util::TimeUtil;

constexpr char kSpecs[] = "https://github.com/erasmus-without-paper/";

std::string FormEncoded(absl::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

google::protobuf::Timestamp Micros(const pqxx::field& field) {
  return TimeUtil::MicrosecondsToTimestamp(field.as<int64_t>());
}

}  // namespace

std::string CopyId(const std::string& hei, const std::string& iia_id) {
  return Sha256Hex(absl::StrCat(hei, "\n", iia_id)).substr(0, 32);
}

v1::PartnerAgreement PartnerCopyFromRow(const pqxx::row& row) {
  v1::PartnerAgreement out;
  out.set_name(absl::StrCat("partnerAgreements/", row["id"].c_str()));
  out.set_partner_hei_id(row["partner_hei_id"].c_str());
  out.set_partner_iia_id(row["partner_iia_id"].c_str());
  out.set_agreement(row["agreement"].c_str());
  out.set_iia_xml(row["iia_xml"].c_str());
  out.set_iia_hash(row["iia_hash"].c_str());
  out.set_valid_for_approval(row["valid_for_approval"].as<bool>());
  out.set_approved_iia_hash(row["approved_iia_hash"].c_str());
  out.set_approved_by(row["approved_by"].c_str());
  if (!row["approve_us"].is_null())
    *out.mutable_approve_time() = Micros(row["approve_us"]);
  *out.mutable_fetch_time() = Micros(row["fetch_us"]);
  return out;
}

namespace {

// Attempts wait 1, 2, 4 ... seconds, at most an hour, between them.
std::string Backoff(int attempts) {
  return absl::StrCat(std::min(1 << std::min(attempts, 12), 3600), " seconds");
}

// Our IIA the partner's copy is the copy of: the one naming the partner's
// iia-id for the partner, or named by ours in the partner's copy.
const OurIia* Match(const std::vector<OurIia>& ours, const IiaHash& theirs) {
  for (const OurIia& our : ours) {
    for (const auto& partner : our.hash.partners) {
      if (partner == theirs.partners.front()) return &our;
    }
    for (const auto& partner : theirs.partners) {
      if (partner == our.hash.partners.front()) return &our;
    }
  }
  return nullptr;
}

}  // namespace

EwpAnswer PartnerCopies::ReceiveIiaCnr(const std::set<std::string>& heis,
                                       const Parameters& parameters) {
  return Receive("iia", heis, parameters, "iia-cnr-response",
                 "ewp-specs-api-iia-cnr/tree/stable-v3");
}

EwpAnswer PartnerCopies::ReceiveApprovalCnr(const std::set<std::string>& heis,
                                            const Parameters& parameters) {
  return Receive("approval", heis, parameters, "iia-approval-cnr-response",
                 "ewp-specs-api-iia-approval-cnr/tree/stable-v2");
}

EwpAnswer PartnerCopies::Receive(const std::string& kind,
                                 const std::set<std::string>& heis,
                                 const Parameters& parameters,
                                 absl::string_view response,
                                 absl::string_view response_namespace) {
  const auto ids = ParameterValues(parameters, "iia_id");
  if (ids.size() != 1) return {400, ErrorResponse("one iia_id is required")};
  auto recorded = db_->Transact(
      CallLimit::Within(absl::Seconds(10)), [&](pqxx::transaction_base& txn) {
        for (const std::string& hei : heis) {
          if (hei == ours_->our_hei()) continue;
          txn.exec_params(
              "INSERT INTO received_notifications (kind, partner_hei_id, "
              "iia_id, next_attempt) VALUES ($1, $2, $3, now()) ON "
              "CONFLICT (kind, partner_hei_id, iia_id) DO UPDATE SET "
              "next_attempt = now(), attempts = 0",
              kind, hei, ids.front());
        }
        return absl::OkStatus();
      });
  if (!recorded.ok()) return {500, ErrorResponse("try again later")};
  return {200, absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<",
                            response, " xmlns=\"", kSpecs, response_namespace,
                            "\"/>\n")};
}

EwpAnswer PartnerCopies::Approvals(const std::set<std::string>& heis,
                                   const Parameters& parameters) {
  const auto ids = ParameterValues(parameters, "iia_id");
  if (ids.empty()) return {400, ErrorResponse("iia_id is required")};
  std::string approvals;
  auto read = db_->Read(
      CallLimit::Within(absl::Seconds(10)), [&](pqxx::transaction_base& txn) {
        for (const std::string& hei : heis) {
          for (const std::string& id : ids) {
            const pqxx::result rows = txn.exec_params(
                "SELECT approved_iia_hash FROM partner_agreements WHERE "
                "partner_hei_id = $1 AND partner_iia_id = $2 AND "
                "approved_iia_hash <> ''",
                hei, id);
            if (rows.empty()) continue;
            absl::StrAppend(&approvals, "<approval><iia-id>", XmlEscaped(id),
                            "</iia-id><iia-hash>", rows[0][0].c_str(),
                            "</iia-hash></approval>");
          }
        }
        return absl::OkStatus();
      });
  if (!read.ok()) return {500, ErrorResponse("try again later")};
  return {200,
          absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<iias-approval-response xmlns=\"",
                       kSpecs, "ewp-specs-api-iias-approval/tree/stable-v2\">",
                       approvals, "</iias-approval-response>\n")};
}

absl::Status PartnerCopies::FetchIia(const std::string& hei,
                                     const std::string& iia_id) {
  MOBILITY_ASSIGN_OR_RETURN(
      std::string xml,
      client_->Call(hei, kIiasGet, "iia_id=" + FormEncoded(iia_id)));
  MOBILITY_RETURN_IF_ERROR(
      schemas_->Validate(xml, PartnerDocument::kIiasGetResponse));
  MOBILITY_ASSIGN_OR_RETURN(auto hashes, HashIias(xml));
  const IiaHash* theirs = nullptr;
  for (const IiaHash& hash : hashes) {
    if (!hash.partners.empty() &&
        hash.partners.front() == std::make_pair(hei, iia_id)) {
      theirs = &hash;
    }
  }
  const std::string id = CopyId(hei, iia_id);
  if (theirs == nullptr) {
    // The partner no longer serves it to us: deleted on its side (IIAs v7).
    Log(LogLevel::kInfo, "ewp_partner_iia_gone",
        {{"partner", hei}, {"iia_id", iia_id}});
    return db_->Transact(
        CallLimit::Within(absl::Seconds(10)), [&](pqxx::transaction_base& txn) {
          txn.exec_params("DELETE FROM partner_agreements WHERE id = $1", id);
          return absl::OkStatus();
        });
  }
  MOBILITY_ASSIGN_OR_RETURN(auto ours, ours_->OurIiasWith(hei, NewRequestId()));
  const OurIia* match = Match(ours, *theirs);
  const std::string agreement = match ? match->agreement.name() : "";
  return db_->Transact(
      CallLimit::Within(absl::Seconds(10)), [&](pqxx::transaction_base& txn) {
        const pqxx::result before = txn.exec_params(
            "SELECT approved_iia_hash, iia_hash FROM partner_agreements WHERE "
            "id = $1 FOR UPDATE",
            id);
        txn.exec_params(
            "INSERT INTO partner_agreements (id, partner_hei_id, "
            "partner_iia_id, agreement, iia_xml, iia_hash, "
            "valid_for_approval, fetch_time) VALUES ($1, $2, $3, $4, $5, $6, "
            "$7, now()) ON CONFLICT (id) DO UPDATE SET agreement = $4, "
            "iia_xml = $5, iia_hash = $6, valid_for_approval = $7, "
            "fetch_time = now()",
            id, hei, iia_id, agreement, xml, theirs->iia_hash,
            theirs->valid_for_approval);
        if (!before.empty() && std::string(before[0][0].c_str()) != "" &&
            std::string(before[0][0].c_str()) != theirs->iia_hash) {
          // A change of the partner's copy voids our approval of it.
          Log(LogLevel::kInfo, "ewp_approval_voided",
              {{"partner", hei}, {"iia_id", iia_id}});
        }
        return absl::OkStatus();
      });
}

absl::Status PartnerCopies::FetchApproval(const std::string& hei,
                                          const std::string& iia_id) {
  MOBILITY_ASSIGN_OR_RETURN(
      std::string xml,
      client_->Call(hei, kIiasApproval, "iia_id=" + FormEncoded(iia_id)));
  MOBILITY_RETURN_IF_ERROR(
      schemas_->Validate(xml, PartnerDocument::kIiasApprovalResponse));
  MOBILITY_ASSIGN_OR_RETURN(XmlDocument doc, ParseXml(xml, "approval"));
  std::string approved;
  for (xmlNode* approval :
       Children(xmlDocGetRootElement(doc.get()), "approval")) {
    if (StringValue(Child(approval, "iia-id")) == iia_id)
      approved = StringValue(Child(approval, "iia-hash"));
  }
  if (approved.empty()) return absl::OkStatus();  // Withdrawn or not yet.
  const std::string request_id = NewRequestId();
  MOBILITY_ASSIGN_OR_RETURN(auto ours, ours_->OurIiasWith(hei, request_id));
  for (const OurIia& our : ours) {
    if (our.hash.partners.front().second != iia_id) continue;
    if (our.hash.iia_hash != approved) {
      Log(LogLevel::kInfo, "ewp_partner_approved_another_version",
          {{"partner", hei}, {"iia_id", iia_id}});
      return absl::OkStatus();
    }
    for (const auto& approval : our.agreement.approvals()) {
      if (approval.institution() == our.partner_institution &&
          approval.content_hash() == our.agreement.content_hash()) {
        return absl::OkStatus();  // Recorded already.
      }
    }
    // The partner's approval, kept as evidence on ours, by its system.
    MOBILITY_ASSIGN_OR_RETURN(std::string token,
                              ours_->TokenFor(our.partner_institution, hei));
    av1::ApproveAgreementRequest request;
    request.set_name(our.agreement.name());
    request.set_institution(our.partner_institution);
    request.set_content_hash(our.agreement.content_hash());
    // The same id for the same approval: a second fetch records nothing new.
    request.set_request_id(
        StepRequestId(absl::StrCat("ewp-approval ", hei, " ", approved)));
    av1::Agreement response;
    auto context = NewClientContext({token, request_id, ours_->deadline()});
    MOBILITY_RETURN_IF_ERROR(
        FromGrpcStatus(ours_->agreements().ApproveAgreement(
            context.get(), request, &response)));
    Log(LogLevel::kInfo, "ewp_partner_approval_recorded",
        {{"partner", hei}, {"agreement", our.agreement.name()}});
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> PgReplayGuard::FirstUse(const std::string& key_id,
                                             const std::string& request_id,
                                             absl::Time) {
  // A row inserted, or one past the window taken again, is a first use.
  return db_->TransactValue(
      CallLimit::Within(absl::Seconds(5)),
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<bool> {
        return !txn.exec_params(
                       "INSERT INTO seen_requests (key_id, request_id, "
                       "seen_at) VALUES ($1, $2, now()) ON CONFLICT (key_id, "
                       "request_id) DO UPDATE SET seen_at = now() WHERE "
                       "seen_requests.seen_at < now() - $3::interval "
                       "RETURNING 1",
                       key_id, request_id,
                       absl::StrCat(absl::ToInt64Seconds(kReplayWindow),
                                    " seconds"))
                    .empty();
      });
}

void PartnerCopies::Work() {
  (void)db_->Transact(
      CallLimit::Within(absl::Seconds(10)), [&](pqxx::transaction_base& txn) {
        txn.exec_params(
            "DELETE FROM seen_requests WHERE seen_at < now() - $1::interval",
            absl::StrCat(absl::ToInt64Seconds(kReplayWindow), " seconds"));
        return absl::OkStatus();
      });
  FetchReceived();
  NotifyChanges();
  SendOwed();
}

void PartnerCopies::FetchReceived() {
  struct Due {
    std::string kind, hei, iia_id;
    int attempts;
  };
  auto due = db_->ReadValue(
      CallLimit::Within(absl::Seconds(10)),
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<Due>> {
        std::vector<Due> out;
        for (const auto& row : txn.exec(
                 "SELECT kind, partner_hei_id, iia_id, attempts FROM "
                 "received_notifications WHERE next_attempt <= now() ORDER BY "
                 "next_attempt LIMIT 20")) {
          out.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str(),
                         row[3].as<int>()});
        }
        return out;
      });
  if (!due.ok()) return;
  for (const Due& d : *due) {
    const absl::Status done = d.kind == "iia" ? FetchIia(d.hei, d.iia_id)
                                              : FetchApproval(d.hei, d.iia_id);
    if (!done.ok()) {
      Log(LogLevel::kWarning, "ewp_fetch_failed",
          {{"kind", d.kind},
           {"partner", d.hei},
           {"iia_id", d.iia_id},
           {"attempts", std::to_string(d.attempts + 1)},
           {"message", std::string(done.message())}});
    }
    (void)db_->Transact(
        CallLimit::Within(absl::Seconds(10)), [&](pqxx::transaction_base& txn) {
          if (done.ok()) {
            txn.exec_params(
                "DELETE FROM received_notifications WHERE kind = $1 AND "
                "partner_hei_id = $2 AND iia_id = $3",
                d.kind, d.hei, d.iia_id);
          } else {
            txn.exec_params(
                "UPDATE received_notifications SET attempts = attempts + 1, "
                "next_attempt = now() + $4::interval, last_error = $5 WHERE "
                "kind = $1 AND partner_hei_id = $2 AND iia_id = $3",
                d.kind, d.hei, d.iia_id, Backoff(d.attempts),
                std::string(done.message()).substr(0, 500));
          }
          return absl::OkStatus();
        });
  }
}

void PartnerCopies::NotifyChanges() {
  // Our partners are the institutions we keep records of, not every HEI
  // of the network the catalogue lists: those with a SCHAC id it names.
  const std::string request_id = NewRequestId();
  auto institutions = ours_->Institutions(request_id);
  if (!institutions.ok()) return;
  const std::set<std::string> network = client_->heis();
  for (const auto& [name, institution] : *institutions) {
    const std::string& hei = institution.schac_id();
    if (hei.empty() || hei == ours_->our_hei() || network.count(hei) == 0)
      continue;
    auto agreements = ours_->AgreementsWith({hei}, request_id);
    if (!agreements.ok()) continue;
    std::vector<std::string> names;
    for (const auto& agreement : *agreements) {
      names.push_back(agreement.name());
      (void)db_->Transact(
          CallLimit::Within(absl::Seconds(10)),
          [&](pqxx::transaction_base& txn) {
            const pqxx::result notified = txn.exec_params(
                "SELECT revision FROM notified_revisions WHERE agreement = $1 "
                "FOR UPDATE",
                agreement.name());
            if (!notified.empty() &&
                notified[0][0].as<int64_t>() >= agreement.revision())
              return absl::OkStatus();
            txn.exec_params(
                "INSERT INTO sent_notifications (kind, partner_hei_id, iia_id, "
                "next_attempt, create_time) VALUES ('iia', $1, $2, now(), "
                "now())",
                hei, agreement.partners(0).agreement_id());
            txn.exec_params(
                "INSERT INTO notified_revisions (agreement, revision, "
                "partner_hei_id, iia_id) VALUES ($1, $2, $3, $4) ON CONFLICT "
                "(agreement) DO UPDATE SET revision = $2",
                agreement.name(), agreement.revision(), hei,
                agreement.partners(0).agreement_id());
            return absl::OkStatus();
          });
    }
    // One the partner was told of and we no longer have was deleted (a
    // draft never approved): its CNR makes the partner find it gone.
    (void)db_->Transact(
        CallLimit::Within(absl::Seconds(10)), [&](pqxx::transaction_base& txn) {
          txn.exec_params(
              "WITH gone AS (DELETE FROM notified_revisions WHERE "
              "partner_hei_id = $1 AND NOT agreement = ANY($2::text[]) "
              "RETURNING iia_id) INSERT INTO sent_notifications (kind, "
              "partner_hei_id, iia_id, next_attempt, create_time) SELECT "
              "'iia', $1, iia_id, now(), now() FROM gone",
              hei, TextArrayParam(names));
          return absl::OkStatus();
        });
  }
}

void PartnerCopies::SendOwed() {
  struct Owed {
    int64_t id;
    std::string kind, hei, iia_id;
    int attempts;
  };
  auto due = db_->ReadValue(
      CallLimit::Within(absl::Seconds(10)),
      [&](pqxx::transaction_base& txn) -> absl::StatusOr<std::vector<Owed>> {
        std::vector<Owed> out;
        for (const auto& row : txn.exec(
                 "SELECT id, kind, partner_hei_id, iia_id, attempts FROM "
                 "sent_notifications WHERE sent_time IS NULL AND next_attempt "
                 "<= now() ORDER BY id LIMIT 20")) {
          out.push_back({row[0].as<int64_t>(), row[1].c_str(), row[2].c_str(),
                         row[3].c_str(), row[4].as<int>()});
        }
        return out;
      });
  if (!due.ok()) return;
  for (const Owed& o : *due) {
    const auto sent =
        client_->Call(o.hei, o.kind == "iia" ? kIiaCnr : kIiaApprovalCnr,
                      "iia_id=" + FormEncoded(o.iia_id));
    if (!sent.ok()) {
      Log(LogLevel::kWarning, "ewp_notification_failed",
          {{"kind", o.kind},
           {"partner", o.hei},
           {"attempts", std::to_string(o.attempts + 1)},
           {"message", std::string(sent.status().message())}});
    }
    (void)db_->Transact(
        CallLimit::Within(absl::Seconds(10)), [&](pqxx::transaction_base& txn) {
          if (sent.ok()) {
            txn.exec_params(
                "UPDATE sent_notifications SET sent_time = now(), attempts = "
                "attempts + 1 WHERE id = $1",
                o.id);
          } else {
            txn.exec_params(
                "UPDATE sent_notifications SET attempts = attempts + 1, "
                "next_attempt = now() + $2::interval, last_error = $3 WHERE "
                "id = $1",
                o.id, Backoff(o.attempts),
                std::string(sent.status().message()).substr(0, 500));
          }
          return absl::OkStatus();
        });
  }
}

}  // namespace mobility::ewp
